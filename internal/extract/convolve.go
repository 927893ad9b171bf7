package extract

// The contextual filter's inner loop. A run is four pixels of one row
// (a sub-block) that share one kernel: its taps are offsets in the padded
// image from the run's first pixel, sampling a line across or along the
// ridge. The taps differ from run to run with the orientation, so the
// convolution is a gather, and each tap of a run adds four products to
// four sums. Summed tap after tap into one accumulator, a run is a chain
// of dependent additions (17 × 4 cycles of latency); the vector kernels
// interleave four runs that share weights, which keeps every
// implementation's sums in the same order and its results bit for bit
// those of convolveRun.

// convGroup is four runs of four pixels that share their weights.
type convGroup struct {
	at  [4]int     // index of each run's first pixel, in dst and src
	off [4][]int32 // each run's taps, as many as the weights
}

// convKernel is one implementation of convolveGroup's arithmetic.
type convKernel struct {
	name string
	fn   func(dst, src []float32, g *convGroup, wt []float32)
}

// chosenConv is the implementation chosen at start-up, the first this CPU
// runs. With the Go one, runs are computed as they come: gathering them
// into groups only pays for the vector kernels.
var chosenConv = convKernels()[0]

// convolveGroup sets, for each run r of g and each of its pixels l,
// dst[g.at[r]+l] = Σ_k wt[k]·src[g.at[r]+l+g.off[r][k]], after checking
// that every index lies inside dst and src (lo and hi bound the taps'
// offsets) and that there is at least one tap, so that the vector kernels
// need no checks of their own.
func convolveGroup(dst, src []float32, g *convGroup, wt []float32, lo, hi int) {
	for r := range 4 {
		at := g.at[r]
		if len(wt) == 0 || at+lo < 0 || at+hi+4 > len(src) || at < 0 || at+4 > len(dst) || len(g.off[r]) != len(wt) {
			panic("extract: convolution run out of bounds")
		}
	}
	chosenConv.fn(dst, src, g, wt)
}

func convolveGroupGo(dst, src []float32, g *convGroup, wt []float32) {
	for r := range 4 {
		convolve4(dst, src, g.at[r], g.off[r], wt)
	}
}

// convolveRun sets dst[i] = Σ wt[k]·src[i+off[k]] for i in [i0, i1): a run
// of pixels sharing one kernel, of any length (at the image's edges).
func convolveRun(dst, src []float32, i0, i1 int, off []int32, wt []float32) {
	wt = wt[:len(off)]
	if i1-i0 == 4 {
		convolve4(dst, src, i0, off, wt)
		return
	}
	for i := i0; i < i1; i++ {
		var s float32
		for k, o := range off {
			s += float32(wt[k] * src[i+int(o)])
		}
		dst[i] = s
	}
}

// convolve4 is convolveRun for a run of four, four pixels per tap so that
// each tap costs one bounds check. The explicit conversions keep each
// product rounded before it is added (no fused multiply-add), as the
// vector kernels do.
func convolve4(dst, src []float32, i0 int, off []int32, wt []float32) {
	wt = wt[:len(off)]
	var s0, s1, s2, s3 float32
	for k, o := range off {
		j := i0 + int(o)
		q := src[j : j+4 : j+4]
		w := wt[k]
		s0 += float32(w * q[0])
		s1 += float32(w * q[1])
		s2 += float32(w * q[2])
		s3 += float32(w * q[3])
	}
	d := dst[i0 : i0+4 : i0+4]
	d[0], d[1], d[2], d[3] = s0, s1, s2, s3
}

// convBatch gathers runs of four into groups for convolveGroup; a run
// with other weights than the pending ones, or the end of a pass,
// computes the pending runs one by one.
type convBatch struct {
	g      convGroup
	n      int
	wt     []float32
	lo, hi int
}

func (b *convBatch) add(dst, src []float32, at int, off []int32, wt []float32) {
	if chosenConv.name == "go" {
		convolve4(dst, src, at, off, wt)
		return
	}
	if b.n > 0 && &b.wt[0] != &wt[0] {
		b.flush(dst, src)
	}
	b.g.at[b.n], b.g.off[b.n] = at, off
	b.wt = wt
	if b.n++; b.n == 4 {
		convolveGroup(dst, src, &b.g, wt, b.lo, b.hi)
		b.n = 0
	}
}

func (b *convBatch) flush(dst, src []float32) {
	for r := range b.n {
		convolve4(dst, src, b.g.at[r], b.g.off[r], b.wt)
	}
	b.n = 0
}
