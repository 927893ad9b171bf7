package wsq

// Inverse discrete wavelet transform.
//
// Each synthesis step turns a line of n coefficients, stored as a lowpass
// band of ceil(n/2) samples and a highpass band of floor(n/2) samples (the
// highpass first when spectrally inverted), back into n samples:
//
//	x[k] = sum_i lo[i]*L[(i+k-aLo)/2] + sum_i hi[i]*H[(i+k-aHi)/2]
//
// where i runs over the taps for which the index is an integer and the
// bands are extended past their ends by symmetric reflection. How they are
// reflected depends on the filter parity and on the parity of n; it mirrors
// the symmetric extension the encoder applied to the image.
//
// The reference decoders walk the bands with pointers that bounce at the
// edges. This implementation instead precomputes, per line length, which
// stored sample (and sign) each virtual sample maps to, and sums every
// output's terms in the order the reference accumulates them, so that
// float32 results agree exactly. Vertical passes combine whole input rows
// at once; horizontal passes copy each row's bands into padded buffers and
// take contiguous dot products.

// extKind is how a band continues past one of its ends.
type extKind uint8

const (
	// extWS mirrors about the end sample itself (whole-sample symmetry):
	// a band starting a b c continues leftwards as ... c b | a b c.
	extWS extKind = iota
	// extHS mirrors about the half-sample beyond the end, repeating the
	// end sample: ... c b a | a b c.
	extHS
	// extZero is antisymmetric about a virtual zero sample just beyond the
	// end: a band ending c b a continues as c b a | 0 -a -b -c; used only
	// on the right.
	extZero
)

type bandExt struct {
	left, right extKind
	// anti makes every reflection negate the sample (antisymmetric
	// extension, used by the highpass band of even-length filters).
	anti bool
}

// at maps virtual index m of a band of length n onto a stored sample,
// returning its index and the sign to apply. ok is false when the virtual
// sample is zero (or the band is empty).
func (e bandExt) at(m, n int) (idx int, sign float32, ok bool) {
	if n <= 0 {
		return 0, 0, false
	}
	if n == 1 && e.left == extWS && e.right == extWS {
		// Both reflections are about sample 0, so the period is zero.
		return 0, 1, true
	}
	sign = 1
	// Each pair of reflections moves m at least one step closer to the
	// band, and filters are at most maxFilterTaps long, so this terminates
	// quickly; the bound is only a guard.
	for range 4*maxFilterTaps + 16 {
		switch {
		case m < 0:
			if e.left == extWS {
				m = -m
			} else {
				m = -1 - m
			}
		case m >= n:
			switch e.right {
			case extWS:
				m = 2*(n-1) - m
			case extHS:
				m = 2*n - 1 - m
			default:
				if m == n {
					return 0, 0, false
				}
				m = 2*n - m
			}
		default:
			return m, sign, true
		}
		if e.anti {
			sign = -sign
		}
	}
	return 0, 0, false
}

// filterBank holds the synthesis filters derived from a DTT segment.
type filterBank struct {
	lo, hi       []float32 // synthesis lowpass and highpass, signs folded in
	aLo, aHi     int       // tap alignment, see the formula above
	odd          bool      // odd-length (whole-sample symmetric) filters
	loPh, hiPh   [2][]float32
	plans        map[planKey]*linePlan
	scratchTerms []term
}

// newFilterBank derives the synthesis pair from the stored halves of the
// analysis filters (each listed from the centre outwards). The synthesis
// highpass is the analysis lowpass modulated by (-1)^n and vice versa.
func newFilterBank(nAnaLo int, anaLo []float32, nAnaHi int, anaHi []float32) *filterBank {
	hi := make([]float32, nAnaLo)
	lo := make([]float32, nAnaHi)
	b := &filterBank{lo: lo, hi: hi, odd: nAnaLo%2 == 1}
	alt := func(j int) float32 {
		if j%2 == 0 {
			return 1
		}
		return -1
	}
	if b.odd {
		c := (nAnaLo - 1) / 2
		for j, a := range anaLo {
			hi[c+j] = alt(j) * a
			hi[c-j] = hi[c+j]
		}
		c = (nAnaHi - 1) / 2
		for j, a := range anaHi {
			lo[c+j] = alt(j) * a
			lo[c-j] = lo[c+j]
		}
		b.aLo, b.aHi = len(lo)/2, (len(hi)+1)/2
		b.loPh, b.hiPh = phases(lo), phases(hi)
		return b
	}
	// Even lengths: the highpass is antisymmetric and the lowpass
	// symmetric about the half-sample centre. The reference applies the
	// highpass with its sign flipped; fold that in here.
	k := nAnaLo / 2
	for j, a := range anaLo {
		v := alt(j) * a
		hi[k+j] = -v
		hi[k-1-j] = v
	}
	k = nAnaHi / 2
	for j, a := range anaHi {
		v := -alt(j) * a
		lo[k+j] = v
		lo[k-1-j] = v
	}
	b.aLo, b.aHi = len(lo)/2, len(hi)/2
	b.loPh, b.hiPh = phases(lo), phases(hi)
	return b
}

// extensions returns how the lowpass and highpass bands of a line of
// length n are extended.
func (b *filterBank) extensions(n int) (low, high bandExt) {
	even := n%2 == 0
	if b.odd {
		low = bandExt{left: extWS, right: extWS}
		high = bandExt{left: extHS, right: extHS}
		if even {
			low.right, high.right = extHS, extWS
		}
		return low, high
	}
	low = bandExt{left: extHS, right: extWS}
	high = bandExt{left: extHS, right: extZero, anti: true}
	if even {
		low.right, high.right = extHS, extHS
	}
	return low, high
}

type term struct {
	idx  int32
	coef float32
}

type planKey struct {
	n   int
	inv bool
}

// linePlan is the synthesis of one line length and inversion flag, in two
// equivalent forms.
//
// For column passes, terms[start[k]:start[k+1]] lists the (source index,
// weight) terms of output k: lowpass taps first, then highpass, each in
// ascending tap order, which is the reference decoders' summation order.
//
// For row passes, the bands are first copied into extended buffers
// (lowMap/highMap give, for each virtual sample, its source index or -1
// for zero, and its sign), so that each output is two contiguous dot
// products: the phase's taps against ext[loPos[k]:] and ext[hiPos[k]:].
type linePlan struct {
	terms []term
	start []int32

	lowMap, highMap []term
	loPos, hiPos    []int32
}

// bandTaps describes where output k's taps of one filter fall: the first
// tap index i0 and the virtual band index of that tap.
func bandTaps(align, k int) (i0, m0 int) {
	i0 = (align - k) & 1
	return i0, (i0 + k - align) / 2
}

func (b *filterBank) plan(n int, inv bool) *linePlan {
	key := planKey{n, inv}
	if p, ok := b.plans[key]; ok {
		return p
	}
	llen, hlen := (n+1)/2, n/2
	lowOff, highOff := 0, llen
	if inv {
		lowOff, highOff = hlen, 0
	}
	lowExt, highExt := b.extensions(n)
	p := &linePlan{start: make([]int32, n+1), loPos: make([]int32, n), hiPos: make([]int32, n)}

	// extMap lists the virtual samples outputs 0..n-1 touch, returning
	// the map and the virtual index of its first entry.
	extMap := func(f []float32, align, off, length int, e bandExt) ([]term, int) {
		_, lo := bandTaps(align, 0)
		i0, hi := bandTaps(align, n-1)
		hi += (len(f) - i0 - 1) / 2
		m := make([]term, 0, hi-lo+1)
		for v := lo; v <= hi; v++ {
			idx, sign, ok := e.at(v, length)
			if !ok {
				m = append(m, term{-1, 0})
				continue
			}
			m = append(m, term{int32(off + idx), sign})
		}
		return m, lo
	}
	var lowBase, highBase int
	p.lowMap, lowBase = extMap(b.lo, b.aLo, lowOff, llen, lowExt)
	p.highMap, highBase = extMap(b.hi, b.aHi, highOff, hlen, highExt)

	terms := b.scratchTerms[:0]
	add := func(f []float32, align, k int, m []term, base int) int32 {
		i0, m0 := bandTaps(align, k)
		for i, v := i0, m0-base; i < len(f); i, v = i+2, v+1 {
			if t := m[v]; t.idx >= 0 {
				terms = append(terms, term{t.idx, f[i] * t.coef})
			}
		}
		return int32(m0 - base)
	}
	for k := range n {
		p.loPos[k] = add(b.lo, b.aLo, k, p.lowMap, lowBase)
		p.hiPos[k] = add(b.hi, b.aHi, k, p.highMap, highBase)
		p.start[k+1] = int32(len(terms))
	}
	p.terms = append([]term(nil), terms...)
	b.scratchTerms = terms
	if b.plans == nil {
		b.plans = make(map[planKey]*linePlan)
	}
	b.plans[key] = p
	return p
}

// phases splits a filter into its even and odd taps, the two sets an
// output sample can use.
func phases(f []float32) [2][]float32 {
	var ph [2][]float32
	for i, c := range f {
		ph[i&1] = append(ph[i&1], c)
	}
	return ph
}

// reconstruct runs the synthesis tree bottom-up over pix, a width-wide
// coefficient plane, leaving image samples in it.
func (b *filterBank) reconstruct(g *geometry, pix []float32, width int) {
	largest, widest := 0, 0
	for _, n := range g.nodes {
		largest = max(largest, n.r.w*n.r.h)
		widest = max(widest, n.r.w)
	}
	tmp := make([]float32, largest)
	// Extended bands reach at most one filter length past either end;
	// rows are processed four at a time.
	ext := make([]float32, 4*(widest+2*maxFilterTaps+4))
	for i := len(g.nodes) - 1; i >= 0; i-- {
		n := g.nodes[i]
		if n.r.w == 0 || n.r.h == 0 {
			continue
		}
		b.columns(pix, width, n, tmp)
		b.rows(pix, width, n, tmp, ext)
	}
}

// columns performs the vertical synthesis of node n from pix into tmp
// (packed with stride n.r.w). Every output row is a weighted sum of whole
// input rows, which keeps memory access sequential.
func (b *filterBank) columns(pix []float32, width int, n splitNode, tmp []float32) {
	r := n.r
	p := b.plan(r.h, n.invY)
	row := func(i int32) []float32 { return pix[(r.y+int(i))*width+r.x:][:r.w] }
	for k := range r.h {
		dst := tmp[k*r.w : (k+1)*r.w]
		ts := p.terms[p.start[k]:p.start[k+1]]
		if len(ts) == 0 {
			clear(dst)
			continue
		}
		src, c := row(ts[0].idx)[:len(dst)], ts[0].coef
		for x := range dst {
			dst[x] = src[x] * c
		}
		ts = ts[1:]
		// Two terms per sweep halve the traffic on dst; the additions
		// still happen one at a time in term order. The float32
		// conversions forbid fusing into FMAs, keeping results identical
		// across architectures.
		for ; len(ts) >= 2; ts = ts[2:] {
			s1, c1 := row(ts[0].idx)[:len(dst)], ts[0].coef
			s2, c2 := row(ts[1].idx)[:len(dst)], ts[1].coef
			for x := range dst {
				dst[x] = dst[x] + float32(s1[x]*c1) + float32(s2[x]*c2)
			}
		}
		if len(ts) == 1 {
			src, c := row(ts[0].idx)[:len(dst)], ts[0].coef
			for x := range dst {
				dst[x] += float32(src[x] * c)
			}
		}
	}
}

// rows performs the horizontal synthesis of node n from tmp back into pix.
// Each output is a dependent chain of additions, which the summation order
// forbids reordering; four rows are processed together so that four
// independent chains overlap in the pipeline.
func (b *filterBank) rows(pix []float32, width int, n splitNode, tmp, ext []float32) {
	r := n.r
	p := b.plan(r.w, n.invX)
	nl, nh := len(p.lowMap), len(p.highMap)
	per := nl + nh
	var lx, hx [4][]float32
	for q := range lx {
		lx[q] = ext[q*per:][:nl]
		hx[q] = ext[q*per+nl:][:nh]
	}
	for y := 0; y < r.h; y += 4 {
		g := min(4, r.h-y)
		for q := range g {
			b.extendRow(p, tmp[(y+q)*r.w:(y+q+1)*r.w], lx[q], hx[q])
		}
		if g < 4 {
			for q := range g {
				b.synthRow(p, lx[q], hx[q], pix[(r.y+y+q)*width+r.x:][:r.w])
			}
			continue
		}
		var dst [4][]float32
		for q := range dst {
			dst[q] = pix[(r.y+y+q)*width+r.x:][:r.w]
		}
		b.synthRows4(p, &lx, &hx, &dst)
	}
}

// extendRow copies a row's bands into their extended buffers.
func (b *filterBank) extendRow(p *linePlan, src, lx, hx []float32) {
	for j, t := range p.lowMap {
		if t.idx < 0 {
			lx[j] = 0
		} else {
			lx[j] = src[t.idx] * t.coef
		}
	}
	for j, t := range p.highMap {
		if t.idx < 0 {
			hx[j] = 0
		} else {
			hx[j] = src[t.idx] * t.coef
		}
	}
}

// synthRow computes one output row from its extended bands.
func (b *filterBank) synthRow(p *linePlan, lx, hx, dst []float32) {
	for k := range dst {
		var s float32
		if f := b.loPh[(b.aLo-k)&1]; len(f) > 0 {
			xs := lx[p.loPos[k]:][:len(f)]
			s = xs[0] * f[0]
			for i := 1; i < len(f); i++ {
				s += float32(xs[i] * f[i])
			}
		}
		if f := b.hiPh[(b.aHi-k)&1]; len(f) > 0 {
			xs := hx[p.hiPos[k]:][:len(f)]
			for i, c := range f {
				s += float32(xs[i] * c)
			}
		}
		dst[k] = s
	}
}

// synthRows4 is synthRow for four rows at once.
func (b *filterBank) synthRows4(p *linePlan, lx, hx, dst *[4][]float32) {
	d0, d1, d2, d3 := dst[0], dst[1], dst[2][:len(dst[0])], dst[3][:len(dst[0])]
	d1 = d1[:len(d0)]
	for k := range d0 {
		var s0, s1, s2, s3 float32
		if f := b.loPh[(b.aLo-k)&1]; len(f) > 0 {
			o := int(p.loPos[k])
			x0, x1 := lx[0][o:][:len(f)], lx[1][o:][:len(f)]
			x2, x3 := lx[2][o:][:len(f)], lx[3][o:][:len(f)]
			c := f[0]
			s0, s1, s2, s3 = x0[0]*c, x1[0]*c, x2[0]*c, x3[0]*c
			for i := 1; i < len(f); i++ {
				c := f[i]
				s0 += float32(x0[i] * c)
				s1 += float32(x1[i] * c)
				s2 += float32(x2[i] * c)
				s3 += float32(x3[i] * c)
			}
		}
		if f := b.hiPh[(b.aHi-k)&1]; len(f) > 0 {
			o := int(p.hiPos[k])
			x0, x1 := hx[0][o:][:len(f)], hx[1][o:][:len(f)]
			x2, x3 := hx[2][o:][:len(f)], hx[3][o:][:len(f)]
			for i, c := range f {
				s0 += float32(x0[i] * c)
				s1 += float32(x1[i] * c)
				s2 += float32(x2[i] * c)
				s3 += float32(x3[i] * c)
			}
		}
		d0[k], d1[k], d2[k], d3[k] = s0, s1, s2, s3
	}
}
