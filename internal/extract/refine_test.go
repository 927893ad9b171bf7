package extract

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dottedArcs draws ridges as circles round (cx, cy), broken the way dry
// prints break them: white pores on the ridges and dark specks in the
// valleys.
func dottedArcs(w, h int, cx, cy, period float64, seed uint64) []uint8 {
	rng := rand.New(rand.NewPCG(seed, 1))
	img := make([]float64, w*h)
	for y := range h {
		for x := range w {
			r := math.Hypot(float64(x)-cx, float64(y)-cy)
			img[y*w+x] = 128 - 90*math.Cos(2*math.Pi*r/period)
		}
	}
	spot := func(x0, y0, rad, v float64) {
		for y := int(y0 - rad); y <= int(y0+rad)+1; y++ {
			for x := int(x0 - rad); x <= int(x0+rad)+1; x++ {
				if x >= 0 && y >= 0 && x < w && y < h && math.Hypot(float64(x)-x0, float64(y)-y0) <= rad {
					img[y*w+x] = v
				}
			}
		}
	}
	for range w * h / 12 {
		spot(rng.Float64()*float64(w), rng.Float64()*float64(h), 1.6, 230)
		spot(rng.Float64()*float64(w), rng.Float64()*float64(h), 1.2, 30)
	}
	pix := make([]uint8, w*h)
	for i, v := range img {
		pix[i] = uint8(min(255, max(0, v)))
	}
	return pix
}

// orientationError is the mean gap, in degrees, between the block field
// and the circles' tangent over the mask.
func (e *Extractor) orientationError(cx, cy float64) float64 {
	var sum float64
	n := 0
	for by := range e.bh {
		for bx := range e.bw {
			b := by*e.bw + bx
			if e.mask[b] == 0 {
				continue
			}
			x, y := float64(bx*blk+blk/2), float64(by*blk+blk/2)
			want := math.Atan2(y-cy, x-cx) + math.Pi/2
			got := math.Atan2(float64(e.vy[b]), float64(e.vx[b]))/2 + math.Pi/2
			d := math.Mod(math.Abs(got-want), math.Pi)
			sum += math.Min(d, math.Pi-d) * 180 / math.Pi
			n++
		}
	}
	return sum / float64(n)
}

// TestRefineSteadiesDottedRidges runs the pipeline up to the first
// enhancement on ridges broken into dots, then the refinement: the
// refined field must lie closer to the true ridge flow than the first
// estimate, on every seed.
func TestRefineSteadiesDottedRidges(t *testing.T) {
	const w, h = 260, 300
	for seed := range uint64(3) {
		cx, cy := -60.0-30*float64(seed), 150.0
		pix := dottedArcs(w, h, cx, cy, 9, seed)
		e := New()
		e.setup(w, h, false)
		e.load(pix, w)
		e.orientation()
		require.Greater(t, e.segment(Params{}), minBlocks)
		e.frequency(e.blur)
		e.subOrientation()
		e.enhance()
		first := e.orientationError(cx, cy)
		e.refine()
		second := e.orientationError(cx, cy)
		t.Logf("seed %d: mean orientation error %.2f° → %.2f°", seed, first, second)
		assert.Less(t, second, first, "seed %d", seed)
	}
}

func TestOrientIndex(t *testing.T) {
	// A doubled-angle gradient vector at angle 2φ means ridges at φ + 90°.
	for o := range nOrient {
		ridge := float64(o) * math.Pi / nOrient
		g := 2 * (ridge - math.Pi/2)
		assert.Equal(t, uint8(o), orientIndex(float32(math.Cos(g)), float32(math.Sin(g))), "orientation %d", o)
	}
}
