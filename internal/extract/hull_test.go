package extract

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHullFillsNotch draws a round print of straight ridges into which a
// wedge of noise (ink without ridge direction, as round a dotted core)
// cuts from the edge to the centre. The plain mask leaves the wedge out;
// with Params.Hull the wedge is print and the paper round the disc stays
// out.
func TestHullFillsNotch(t *testing.T) {
	const w, h = 320, 320
	const r = 140.0
	pix := ridges(w, h, 9, 0.4, 0)
	rng := rand.New(rand.NewPCG(1, 2))
	dots := make([]uint8, w*h) // 3×3-pixel dots of random grey
	for i := range dots {
		dots[i] = uint8(40 + rng.IntN(180))
	}
	inWedge := func(x, y int) bool {
		dx, dy := float64(x)-w/2, float64(y)-h/2
		a := math.Atan2(dy, dx)
		return dy > 0 && math.Abs(a-math.Pi/2) < 0.6 && math.Hypot(dx, dy) < r
	}
	for y := range h {
		for x := range w {
			switch {
			case math.Hypot(float64(x)-w/2, float64(y)-h/2) >= r:
				pix[y*w+x] = 235
			case inWedge(x, y):
				pix[y*w+x] = dots[(y/3)*w+x/3]
			}
		}
	}
	shares := func(p Params) (wedge, paper, print float64) {
		var dbg Debug
		_, err := New().Run(pix, w, h, w, p, &dbg)
		require.NoError(t, err)
		var nw, np, nr float64
		for y := range h {
			for x := range w {
				on := 0.0
				if dbg.Mask[y*w+x] != 0 {
					on = 1
				}
				d := math.Hypot(float64(x)-w/2, float64(y)-h/2)
				switch {
				case d > r+24:
					paper, np = paper+on, np+1
				case inWedge(x, y) && d > 40 && d < r-24:
					wedge, nw = wedge+on, nw+1
				case d < r-24 && !inWedge(x, y):
					print, nr = print+on, nr+1
				}
			}
		}
		return wedge / nw, paper / np, print / nr
	}
	wedge, paper, print := shares(Params{})
	assert.Less(t, wedge, 0.5, "the plain mask leaves most of the notch out")
	assert.Greater(t, print, 0.95)
	assert.Less(t, paper, 0.05)
	wedge, paper, print = shares(Params{Hull: true})
	assert.Greater(t, wedge, 0.95, "the hull fills the notch")
	assert.Greater(t, print, 0.95)
	assert.Less(t, paper, 0.05, "the paper round the print stays out")
	wedge, _, _ = shares(Params{Hull: true, ROI: full(w, h)})
	assert.Less(t, wedge, 0.5, "no hull with a region of interest")
}

func full(w, h int) []uint8 {
	roi := make([]uint8, w*h)
	for i := range roi {
		roi[i] = 1
	}
	return roi
}

// TestHullLeavesTheFrame cuts a notch into a print that fills the frame,
// open at the top edge: the hull fills the notch but not its outer
// hullFrame rows, where the print's outline is unknown.
func TestHullLeavesTheFrame(t *testing.T) {
	const bw, bh = 12, 14
	e := &Extractor{bw: bw, bh: bh, mask: make([]uint8, bw*bh)}
	notch := func(bx, by int) bool { return bx >= 5 && bx <= 6 && by <= 8 }
	want := 0
	for by := range bh {
		for bx := range bw {
			if !notch(bx, by) {
				e.mask[by*bw+bx] = 1
			}
			if !notch(bx, by) || by >= hullFrame {
				want++
			}
		}
	}
	n := e.fillHull()
	assert.Equal(t, want, n)
	for by := range bh {
		for bx := range bw {
			if notch(bx, by) {
				assert.Equal(t, by >= hullFrame, e.mask[by*bw+bx] == 1, "block %d,%d", bx, by)
			}
		}
	}
}
