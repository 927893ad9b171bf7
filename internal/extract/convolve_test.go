package extract

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// randomGroup makes a group of four runs in a w-wide padded image, each
// with its own taps within reach of its run, and weights for them.
func randomGroup(rng *rand.Rand, w, h, reach, taps int) (convGroup, []float32) {
	var g convGroup
	for r := range 4 {
		y := reach + rng.IntN(h-2*reach)
		x := reach + rng.IntN(w-2*reach-4)
		g.at[r] = y*w + x
		g.off[r] = make([]int32, taps)
		for k := range taps {
			g.off[r][k] = int32((rng.IntN(2*reach+1)-reach)*w + rng.IntN(2*reach+1) - reach)
		}
	}
	wt := make([]float32, taps)
	for k := range wt {
		wt[k] = float32(rng.NormFloat64())
	}
	return g, wt
}

// Every implementation of the group convolution gives, bit for bit, the
// sums of convolveRun, for every tap count from 1 (the loop's edge) to
// more than the filters use, on values that make rounding visible
// (grey levels, their negatives, tiny and huge magnitudes, zeros of both
// signs).
func TestConvolveKernelsAgree(t *testing.T) {
	const w, h, reach = 64, 48, 9
	rng := rand.New(rand.NewPCG(5, 11))
	src := make([]float32, w*h)
	values := []float32{0, float32(math.Copysign(0, -1)), 1e-30, -3e-38, 7e30, 255, -128.5}
	for i := range src {
		if rng.IntN(8) == 0 {
			src[i] = values[rng.IntN(len(values))]
		} else {
			src[i] = float32(rng.NormFloat64() * 100)
		}
	}
	kernels := convKernels()
	for _, taps := range []int{1, 2, 3, 4, 5, 7, 16, 17, 19, 33} {
		for trial := range 200 {
			g, wt := randomGroup(rng, w, h, reach, taps)
			want := make([]float32, w*h)
			for r := range 4 {
				convolveRun(want, src, g.at[r], g.at[r]+4, g.off[r], wt)
			}
			for _, k := range kernels {
				got := make([]float32, w*h)
				k.fn(got, src, &g, wt)
				for i := range got {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
						t.Fatalf("%s, %d taps, trial %d: index %d is %g, convolveRun gives %g", k.name, taps, trial, i, got[i], want[i])
					}
				}
			}
		}
	}
}

func TestConvolveGroupChecksBounds(t *testing.T) {
	src := make([]float32, 100)
	dst := make([]float32, 100)
	g := convGroup{at: [4]int{0, 10, 20, 96}, off: [4][]int32{{0}, {0}, {0}, {1}}}
	require.Panics(t, func() { convolveGroup(dst, src, &g, []float32{1}, 0, 1) }, "run reads past src")
	g.at[3] = 30
	require.NotPanics(t, func() { convolveGroup(dst, src, &g, []float32{1}, 0, 1) })
	g.off[2] = []int32{0, 1}
	require.Panics(t, func() { convolveGroup(dst, src, &g, []float32{1}, 0, 1) }, "taps and weights differ")
	g = convGroup{at: [4]int{0, 10, 20, 30}}
	require.Panics(t, func() { convolveGroup(dst, src, &g, nil, 0, 1) }, "no taps: the vector kernels need one")
}

func BenchmarkConvolveGroup(b *testing.B) {
	const w, h, reach, taps = 400, 400, 9, 17
	rng := rand.New(rand.NewPCG(1, 2))
	src := make([]float32, w*h)
	for i := range src {
		src[i] = float32(rng.IntN(256))
	}
	dst := make([]float32, w*h)
	groups := make([]convGroup, 256)
	var wt []float32
	for i := range groups {
		groups[i], wt = randomGroup(rng, w, h, reach, taps)
	}
	for _, k := range convKernels() {
		b.Run(k.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				k.fn(dst, src, &groups[i&255], wt)
				i++
			}
			b.ReportMetric(float64(16*b.N)/b.Elapsed().Seconds()/1e6, "Mpixels/s")
		})
	}
}
