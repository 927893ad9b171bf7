package extract

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// floodFillSpecks is the pixel-by-pixel definition of fillSpecks: flood
// each component (valleys 4-connected, ridges 8-connected) and flip it
// when it is no larger than its limit and does not touch the image edge.
func floodFillSpecks(skel []uint8, w, h, holeMax, dotMax int) {
	sw := w + 2
	seen := make([]bool, len(skel))
	n4 := [][2]int{{0, -1}, {1, 0}, {0, 1}, {-1, 0}}
	n8 := [][2]int{{0, -1}, {1, -1}, {1, 0}, {1, 1}, {0, 1}, {-1, 1}, {-1, 0}, {-1, -1}}
	at := func(x, y int) int { return (y+1)*sw + x + 1 }
	for y := range h {
		for x := range w {
			if seen[at(x, y)] {
				continue
			}
			v := skel[at(x, y)]
			limit, nb := holeMax, n4
			if v != 0 {
				limit, nb = dotMax, n8
			}
			comp := [][2]int{{x, y}}
			seen[at(x, y)] = true
			open := false
			for k := 0; k < len(comp); k++ {
				cx, cy := comp[k][0], comp[k][1]
				for _, d := range nb {
					nx, ny := cx+d[0], cy+d[1]
					if nx < 0 || ny < 0 || nx >= w || ny >= h {
						open = true
						continue
					}
					if !seen[at(nx, ny)] && skel[at(nx, ny)] == v {
						seen[at(nx, ny)] = true
						comp = append(comp, [2]int{nx, ny})
					}
				}
			}
			if !open && len(comp) <= limit {
				for _, p := range comp {
					skel[at(p[0], p[1])] = 1 - v
				}
			}
		}
	}
}

// The run-based union-find flips exactly the components the flood fill
// does, on random images of every density (which make components of
// every shape, diagonal contacts included) and odd sizes.
func TestFillSpecksMatchesFloodFill(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	for trial := range 400 {
		w, h := 1+rng.IntN(70), 1+rng.IntN(50)
		density := rng.Float64()
		e := New()
		e.setup(max(w, MinSize), max(h, MinSize), false)
		e.w, e.h = w, h
		e.skel = make([]uint8, (w+2)*(h+2))
		for y := range h {
			for x := range w {
				if rng.Float64() < density {
					e.skel[(y+1)*(w+2)+x+1] = 1
				}
			}
		}
		want := append([]uint8(nil), e.skel...)
		holeMax, dotMax := rng.IntN(40), rng.IntN(40)
		floodFillSpecks(want, w, h, holeMax, dotMax)
		e.fillSpecks(holeMax, dotMax)
		require.Equal(t, want, e.skel, "trial %d: %d×%d, density %.2f, limits %d/%d", trial, w, h, density, holeMax, dotMax)
	}
}
