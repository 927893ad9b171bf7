package extract

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ridges draws straight ridges of the given period and orientation (radians,
// counter-clockwise on screen) with one minutia at the centre when spiral
// is ±1.
func ridges(w, h int, period, theta float64, spiral float64) []uint8 {
	pix := make([]uint8, w*h)
	c, s := math.Cos(theta), math.Sin(theta)
	for y := range h {
		for x := range w {
			dx, dy := float64(x)-float64(w)/2, float64(y)-float64(h)/2
			u := dx*c - dy*s
			v := dx*s + dy*c
			phi := 2*math.Pi*v/period + spiral*math.Atan2(v, u)
			pix[y*w+x] = uint8(128 - 90*math.Cos(phi))
		}
	}
	return pix
}

func TestRunStraightRidges(t *testing.T) {
	for _, deg := range []float64{0, 22.5, 45, 90, 160} {
		pix := ridges(200, 180, 9, deg*math.Pi/180, 0)
		e := New()
		var dbg Debug
		res, err := e.Run(pix, 200, 180, 200, Params{}, &dbg)
		require.NoError(t, err)
		assert.Empty(t, res.Minutiae, "%v°", deg)
		assert.Greater(t, res.Coherence, float32(0.8))
		// The orientation image holds the ridge direction (0–180° as
		// 0–255) measured clockwise from +x in image coordinates.
		got := float64(dbg.Orientation[90*200+100]) * 180 / 255
		want := math.Mod(180-deg, 180)
		d := math.Abs(got - want)
		assert.LessOrEqual(t, math.Min(d, 180-d), 8.0, "%v°: orientation %v", deg, got)
		// Ridges are one pixel wide after thinning: no 2×2 squares.
		for y := 1; y < 179; y++ {
			for x := 1; x < 199; x++ {
				i := y*200 + x
				if dbg.Skeleton[i] != 0 && dbg.Skeleton[i+1] != 0 && dbg.Skeleton[i+200] != 0 && dbg.Skeleton[i+201] != 0 {
					t.Fatalf("%v°: thick skeleton at %d,%d", deg, x, y)
				}
			}
		}
	}
}

func TestRunPeriods(t *testing.T) {
	// Ridge periods across the range of real prints at 500 ppi.
	for _, period := range []float64{6, 8, 10, 12, 14} {
		pix := ridges(240, 240, period, 0.3, 1)
		res, err := New().Run(pix, 240, 240, 240, Params{}, nil)
		require.NoError(t, err)
		require.Len(t, res.Minutiae, 1, "period %v: %+v", period, res.Minutiae)
		m := res.Minutiae[0]
		assert.InDelta(t, 120, m.X, 6, "period %v", period)
		assert.InDelta(t, 120, m.Y, 6, "period %v", period)
	}
}

func TestRunReusesMemory(t *testing.T) {
	pix := ridges(240, 240, 9, 1, 1)
	e := New()
	_, err := e.Run(pix, 240, 240, 240, Params{}, nil)
	require.NoError(t, err)
	allocs := testing.AllocsPerRun(5, func() {
		_, _ = e.Run(pix, 240, 240, 240, Params{}, nil)
	})
	assert.LessOrEqual(t, allocs, 10.0)
	// A different size after a larger one must not read stale data.
	small := ridges(120, 100, 9, 1, 0)
	res, err := e.Run(small, 120, 100, 120, Params{}, nil)
	require.NoError(t, err)
	assert.Empty(t, res.Minutiae)
}

func TestRunErrors(t *testing.T) {
	e := New()
	_, err := e.Run(make([]uint8, 100), 10, 10, 10, Params{}, nil)
	assert.ErrorIs(t, err, ErrTooSmall)
	_, err = e.Run(make([]uint8, 100), 100, 100, 100, Params{}, nil)
	assert.Error(t, err)
	_, err = e.Run(make([]uint8, 64*64), 64, 64, 64, Params{ROI: make([]uint8, 10)}, nil)
	assert.Error(t, err)
	_, err = e.Run(make([]uint8, 100*100), 100, 100, 100, Params{}, nil)
	assert.ErrorIs(t, err, ErrNoPrint)
	_, err = e.Run(nil, 1<<13, 1<<13, 1<<13, Params{}, nil)
	assert.ErrorIs(t, err, ErrTooLarge)
}

func TestResample(t *testing.T) {
	src := make([]uint8, 64*48)
	for i := range src {
		src[i] = uint8(i * 7)
	}
	out, w, h := Resample(src, 64, 48, 64, 1, nil)
	assert.Equal(t, 64, w)
	assert.Equal(t, 48, h)
	assert.Equal(t, src, out)
	flat := make([]uint8, 100*80)
	for i := range flat {
		flat[i] = 77
	}
	for _, s := range []float64{0.5, 0.37, 1.6, 2} {
		out, w, h = Resample(flat, 100, 80, 100, s, nil)
		assert.Equal(t, int(math.Round(100*s)), w)
		assert.Equal(t, int(math.Round(80*s)), h)
		for _, v := range out {
			require.Equal(t, uint8(77), v)
		}
	}
}

// The Poincaré index tells a loop's core from a delta, and the ridge flow
// round them gives their directions.
func TestSingularPoints(t *testing.T) {
	const n = 256
	for _, tc := range []struct {
		name  string
		sign  float64
		cores int
		// rot turns the pattern: a core opening towards rot, a delta with
		// one arm along rot.
		rot float64
	}{{"core", 1, 1, 0}, {"delta", -1, 0, 0}, {"core turned", 1, 1, 2.2}, {"delta turned", -1, 0, 0.5}, {"core opening left", 1, 1, math.Pi}} {
		pix := make([]uint8, n*n)
		for y := range n {
			for x := range n {
				dx, dy := float64(x)-n/2, -(float64(y) - n/2)
				// The ridge orientation turns by half the polar angle:
				// +½ round a loop, −½ round a delta.
				th := tc.sign*(math.Atan2(dy, dx)-tc.rot)/2 + tc.rot
				// Ridges as level lines of a phase whose gradient is
				// normal to th; integrate approximately with the distance.
				r := math.Hypot(dx, dy)
				phi := 2 * math.Pi / 9 * r * math.Sin(math.Atan2(dy, dx)-th)
				pix[y*n+x] = uint8(128 - 90*math.Cos(phi))
			}
		}
		res, err := New().Run(pix, n, n, n, Params{}, nil)
		require.NoError(t, err, tc.name)
		if tc.cores == 1 {
			require.Len(t, res.Cores, 1, tc.name)
			assert.Empty(t, res.Deltas, tc.name)
			assert.InDelta(t, n/2, res.Cores[0].X, 16)
			assert.InDelta(t, n/2, res.Cores[0].Y, 16)
			require.Len(t, res.Cores[0].Directions, 1)
			assert.InDelta(t, 0, angleGap(float64(res.Cores[0].Directions[0]), tc.rot), 0.2, "%s: direction %.2f", tc.name, res.Cores[0].Directions[0])
		} else {
			require.Len(t, res.Deltas, 1, tc.name)
			assert.Empty(t, res.Cores, tc.name)
			assert.InDelta(t, n/2, res.Deltas[0].X, 16)
			assert.InDelta(t, n/2, res.Deltas[0].Y, 16)
			require.Len(t, res.Deltas[0].Directions, 3)
			for k, d := range res.Deltas[0].Directions {
				// The arms are a third of a turn apart; one lies along rot.
				best := math.Inf(1)
				for j := range 3 {
					best = min(best, angleGap(float64(d), tc.rot+float64(j)*2*math.Pi/3))
				}
				assert.Less(t, best, 0.2, "%s: arm %d at %.2f", tc.name, k, d)
			}
		}
	}
}

// angleGap is the absolute difference of two angles, 0–π.
func angleGap(a, b float64) float64 {
	d := math.Mod(math.Abs(a-b), 2*math.Pi)
	return min(d, 2*math.Pi-d)
}

func TestTemplateQuality(t *testing.T) {
	assert.Zero(t, TemplateQuality(80000, 0.9, 0, false))
	assert.Zero(t, TemplateQuality(80000, 0.1, 40, false))
	good := TemplateQuality(80000, 0.8, 50, false)
	assert.Equal(t, uint8(100), good)
	assert.Less(t, TemplateQuality(20000, 0.8, 50, false), good)
	assert.Less(t, TemplateQuality(80000, 0.5, 50, false), good)
	assert.Less(t, TemplateQuality(80000, 0.8, 15, false), good)
}

func BenchmarkRun(b *testing.B) {
	pix := ridges(300, 300, 9, 0.7, 1)
	e := New()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Run(pix, 300, 300, 300, Params{}, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func TestFillSpecks(t *testing.T) {
	e := New()
	w, h := 60, 40
	e.setup(w, h, false)
	sw := w + 2
	set := func(x, y int, v uint8) { e.skel[(y+1)*sw+x+1] = v }
	get := func(x, y int) uint8 { return e.skel[(y+1)*sw+x+1] }
	// A ridge band rows 10–19 with a 3×6 pore, a 1-px-wide valley crack
	// across the band that reaches the open valley (not a speck), and a
	// 2×2 ridge dot in the valley below; a ridge touching the image edge.
	for y := 10; y < 20; y++ {
		for x := range w {
			set(x, y, 1)
		}
	}
	for y := 13; y < 16; y++ {
		for x := 20; x < 26; x++ {
			set(x, y, 0)
		}
	}
	for y := 10; y < 20; y++ {
		set(40, y, 0)
	}
	for y := 30; y < 32; y++ {
		for x := 30; x < 32; x++ {
			set(x, y, 1)
		}
	}
	set(0, 35, 1)
	e.fillSpecks(holeMax, dotMax)
	assert.Equal(t, uint8(1), get(22, 14), "pore filled")
	assert.Equal(t, uint8(0), get(40, 15), "crack through the ridge kept")
	assert.Equal(t, uint8(0), get(30, 30), "dot removed")
	assert.Equal(t, uint8(1), get(0, 35), "edge pixel kept: it may be part of a ridge outside")
	assert.Equal(t, uint8(0), get(5, 5), "open valley kept")
	assert.Equal(t, uint8(1), get(5, 15), "ridge kept")
}

// A latent on a form: ridges (period 9) in the left half, thick ruled lines
// 40 px apart on the right. Plain segmentation keeps both (the lines are
// coherent and strong); the latent mode's ridge-period test drops the lines.
func TestLatentMaskDropsRuledLines(t *testing.T) {
	const w, h = 320, 240
	pix := ridges(w, h, 9, math.Pi/5, 0)
	for y := range h {
		for x := w / 2; x < w; x++ {
			v := uint8(220)
			if (y+x/3)%40 < 5 {
				v = 40
			}
			pix[y*w+x] = v
		}
	}
	share := func(p Params) (left, right float64) {
		var dbg Debug
		_, err := New().Run(pix, w, h, w, p, &dbg)
		require.NoError(t, err)
		var l, r, nl, nr float64
		for y := range h {
			for x := range w {
				on := 0.0
				if dbg.Mask[y*w+x] != 0 {
					on = 1
				}
				if x < w/2-16 {
					l, nl = l+on, nl+1
				} else if x > w/2+16 {
					r, nr = r+on, nr+1
				}
			}
		}
		return l / nl, r / nr
	}
	l, r := share(Params{})
	assert.Greater(t, l, 0.8)
	assert.Greater(t, r, 0.2, "plain segmentation takes part of the ruled lines for print")
	l, r = share(Params{Latent: true})
	assert.Greater(t, l, 0.7, "the ridges stay")
	assert.Less(t, r, 0.1, "the ruled lines go")
}
