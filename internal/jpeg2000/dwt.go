package jpeg2000

// The inverse discrete wavelet transforms (Annex F): one level at a time,
// rows first and then columns, each in place on a buffer holding the
// subbands of the level in the order LL, HL / LH, HH (low-pass samples
// first). x0 and y0 are the coordinates of the resolution's first sample,
// whose parity decides whether the interleaved signal starts with a
// low-pass or a high-pass sample.

// idwtLevel undoes one level of a transform on the w×h top-left part of
// buf (row stride stride): each row, then each column, is interleaved and
// passed to lift, the 1-D inverse lifting of the transform (lift53 for the
// reversible 5/3 on integers, lift97 for the irreversible 9/7).
func idwtLevel[T int32 | float32](buf []T, stride, w, h, x0, y0 int, tmp []T, lift func([]T, int)) {
	if w > 0 {
		lw := (x0+w+1)/2 - (x0+1)/2 // number of low-pass samples
		for y := 0; y < h; y++ {
			row := buf[y*stride : y*stride+w]
			interleave(tmp[:w], row, lw, x0&1)
			lift(tmp[:w], x0&1)
			copy(row, tmp[:w])
		}
	}
	if h > 0 {
		lh := (y0+h+1)/2 - (y0+1)/2
		col := make([]T, h)
		for x := 0; x < w; x++ {
			for y := range col {
				col[y] = buf[y*stride+x]
			}
			interleave(tmp[:h], col, lh, y0&1)
			lift(tmp[:h], y0&1)
			for y, v := range tmp[:h] {
				buf[y*stride+x] = v
			}
		}
	}
}

// interleave puts the nl low-pass samples of src (first) and the
// high-pass ones (after) at the even and odd positions of dst, counted
// from the parity p of the first position.
func interleave[T int32 | float32](dst, src []T, nl, p int) {
	lo, hi := 0, nl
	for k := range dst {
		if (k+p)&1 == 0 {
			dst[k] = src[lo]
			lo++
		} else {
			dst[k] = src[hi]
			hi++
		}
	}
}

// neighbours are the positions on either side of k in a signal of n ≥ 2
// samples, mirrored at the ends (the symmetric extension of F.3.7).
func neighbours(k, n int) (l, r int) {
	l, r = k-1, k+1
	if l < 0 {
		l = 1
	}
	if r >= n {
		r = n - 2
	}
	return l, r
}

func lift53(x []int32, p int) {
	n := len(x)
	if n == 1 {
		if p == 1 {
			x[0] /= 2
		}
		return
	}
	// Even positions: X(2n) = Y(2n) − ⌊(Y(2n−1) + Y(2n+1) + 2) / 4⌋.
	for k := p; k < n; k += 2 {
		l, r := neighbours(k, n)
		x[k] -= (x[l] + x[r] + 2) >> 2
	}
	// Odd positions: X(2n+1) = Y(2n+1) + ⌊(X(2n) + X(2n+2)) / 2⌋.
	for k := 1 - p; k < n; k += 2 {
		l, r := neighbours(k, n)
		x[k] += (x[l] + x[r]) >> 1
	}
}

// 9/7 lifting constants (Table F.4).
const (
	alpha97 = -1.586134342059924
	beta97  = -0.052980118572961
	gamma97 = 0.882911075530934
	delta97 = 0.443506852043971
	k97     = 1.230174104914001
)

func lift97(x []float32, p int) {
	n := len(x)
	if n == 1 {
		if p == 1 {
			x[0] /= 2
		}
		return
	}
	step := func(start int, c float32) {
		for k := start; k < n; k += 2 {
			l, r := neighbours(k, n)
			x[k] -= c * (x[l] + x[r])
		}
	}
	for k := p; k < n; k += 2 {
		x[k] *= k97
	}
	for k := 1 - p; k < n; k += 2 {
		x[k] *= 1 / k97
	}
	step(p, delta97)
	step(1-p, gamma97)
	step(p, beta97)
	step(1-p, alpha97)
}
