package extract

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// thinByCodes is thin's definition: Zhang–Suen sub-iterations reading each
// ridge pixel's 8-neighbour code, deletions applied after each, until a
// round deletes nothing; then the staircase corners, in raster order.
func thinByCodes(s []uint8, w, h int) {
	sw := w + 2
	for changed := true; changed; {
		changed = false
		for sub := range 2 {
			var del []int
			for y := 1; y <= h; y++ {
				for x := 1; x <= w; x++ {
					if i := y*sw + x; s[i] != 0 && zsDel[sub][code(s, i, sw)] {
						del = append(del, i)
					}
				}
			}
			for _, i := range del {
				s[i] = 0
			}
			changed = changed || len(del) > 0
		}
	}
	for y := 1; y <= h; y++ {
		for x := 1; x <= w; x++ {
			i := y*sw + x
			if s[i] == 0 {
				continue
			}
			c := code(s, i, sw)
			if (c&(bN|bE) == bN|bE && c&(bS|bW|bSW) == 0) ||
				(c&(bE|bS) == bE|bS && c&(bW|bN|bNW) == 0) ||
				(c&(bS|bW) == bS|bW && c&(bN|bE|bNE) == 0) ||
				(c&(bW|bN) == bW|bN && c&(bE|bS|bSE) == 0) {
				s[i] = 0
			}
		}
	}
}

// thin, which slides a window of columns along the rows, gives the
// skeleton of the pixel-by-pixel definition on random images and on
// thick binarised ridges, and lists its pixels in raster order.
func TestThinMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 1))
	for trial := range 300 {
		w, h := 1+rng.IntN(80), 1+rng.IntN(60)
		e := New()
		e.w, e.h = w, h
		e.skel = make([]uint8, (w+2)*(h+2))
		if trial%2 == 0 {
			density := rng.Float64()
			for y := range h {
				for x := range w {
					if rng.Float64() < density {
						e.skel[(y+1)*(w+2)+x+1] = 1
					}
				}
			}
		} else {
			pix := ridges(w, h, 4+rng.Float64()*8, rng.Float64()*3.2, float64(rng.IntN(3)-1))
			for y := range h {
				for x := range w {
					if pix[y*w+x] < 100+uint8(rng.IntN(40)) {
						e.skel[(y+1)*(w+2)+x+1] = 1
					}
				}
			}
		}
		want := append([]uint8(nil), e.skel...)
		thinByCodes(want, w, h)
		e.thin()
		require.Equal(t, want, e.skel, "trial %d: %d×%d", trial, w, h)
		var list []int32
		for i, v := range e.skel {
			if v != 0 {
				list = append(list, int32(i))
			}
		}
		require.Equal(t, list, append([]int32(nil), e.work...), "trial %d: the remaining pixels in raster order", trial)
	}
}

func BenchmarkThin(b *testing.B) {
	const w, h = 300, 300
	pix := ridges(w, h, 9, 0.7, 1)
	src := make([]uint8, (w+2)*(h+2))
	for y := range h {
		for x := range w {
			if pix[y*w+x] < 128 {
				src[(y+1)*(w+2)+x+1] = 1
			}
		}
	}
	e := New()
	e.w, e.h = w, h
	e.skel = make([]uint8, len(src))
	for b.Loop() {
		copy(e.skel, src)
		e.thin()
	}
}
