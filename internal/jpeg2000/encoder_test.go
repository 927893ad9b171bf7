package jpeg2000

// A small JPEG 2000 encoder for tests: one component, reversible 5/3,
// no quantisation, any tiling, image offset, levels, code-block size,
// layers and progression order, default or custom precincts, SOP/EPH.

import (
	"encoding/binary"
	"image"
	"math"
	"testing"
)

type encParams struct {
	x0, y0   int // image offset on the reference grid
	tw, th   int // tile size; 0 means the whole image
	tx0, ty0 int // tile grid offset
	levels   int
	cbw, cbh int // code-block size exponents; 0 means 6
	layers   int
	order    int
	pp       []uint8 // custom precinct sizes per resolution (nil: default)
	sop, eph bool
	parts    int // tile-parts per tile (0 means 1)
	cbStyle  uint8
	// irreversible selects the 9/7 wavelet with scalar quantisation:
	// qstyle 1 (derived) or 2 (expounded), step sizes 2^stepShift times
	// (1 + mant/2048) of the nominal ones.
	irreversible bool
	qstyle       int
	stepShift    int
	mant         int
	depth        int // bits per sample, 0 means 8; see sampleOf
	// planes, when set, are the components (instead of img alone); mct
	// applies the colour transform (RCT or ICT) to the first three.
	planes []*image.Gray
	mct    bool
	// roi is a max-shift region of interest: the lowest resolution's
	// coefficients are scaled up by 2^roi (RGN marker).
	roi int
	// poc, when set, is written as a POC marker in the main header.
	poc []pocEntry
	// packed puts the packet headers in PPT ("ppt") or PPM ("ppm")
	// markers instead of the packet data.
	packed string
}

type mqEncoder struct {
	out  []byte // out[0] is the dummy byte before the segment
	a, c uint32
	ct   int
	cx   mqContexts
}

func (m *mqEncoder) init() {
	m.out = append(m.out[:0], 0)
	m.a, m.c, m.ct = 0x8000, 0, 12
}

func (m *mqEncoder) encode(cx, d int) {
	st := m.cx[cx]
	idx, mps := st&0x7F, int(st>>7)
	e := &mqTable[idx]
	m.a -= e.qe
	if d == mps {
		if m.a&0x8000 != 0 {
			m.c += e.qe
			return
		}
		if m.a < e.qe {
			m.a = e.qe
		} else {
			m.c += e.qe
		}
		idx = e.nmps
	} else {
		if m.a < e.qe {
			m.c += e.qe
		} else {
			m.a = e.qe
		}
		if e.swap {
			mps = 1 - mps
		}
		idx = e.nlps
	}
	m.cx[cx] = idx | uint8(mps)<<7
	for {
		m.a <<= 1
		m.c <<= 1
		m.ct--
		if m.ct == 0 {
			m.byteout()
		}
		if m.a&0x8000 != 0 {
			break
		}
	}
}

func (m *mqEncoder) byteout() {
	b := &m.out[len(m.out)-1]
	switch {
	case *b == 0xFF:
		m.out = append(m.out, byte(m.c>>20))
		m.c &= 0xFFFFF
		m.ct = 7
	case m.c < 0x8000000:
		m.out = append(m.out, byte(m.c>>19))
		m.c &= 0x7FFFF
		m.ct = 8
	default:
		*b++
		if *b == 0xFF {
			m.c &= 0x7FFFFFF
			m.out = append(m.out, byte(m.c>>20))
			m.c &= 0xFFFFF
			m.ct = 7
		} else {
			m.out = append(m.out, byte(m.c>>19))
			m.c &= 0x7FFFF
			m.ct = 8
		}
	}
}

// flush terminates the segment and returns its bytes.
func (m *mqEncoder) flush() []byte {
	t := m.c + m.a
	m.c |= 0xFFFF
	if m.c >= t {
		m.c -= 0x8000
	}
	m.c <<= m.ct
	m.byteout()
	m.c <<= m.ct
	m.byteout()
	out := m.out[1:]
	if n := len(out); n > 0 && out[n-1] == 0xFF {
		out = out[:n-1]
	}
	return append([]byte(nil), out...)
}

// rawEncoder writes the raw (bypassed) passes.
type rawEncoder struct {
	out []byte
	cur byte
	n   int
}

func (r *rawEncoder) bit(b int) {
	r.cur = r.cur<<1 | byte(b)
	r.n++
	limit := 8
	if len(r.out) > 0 && r.out[len(r.out)-1] == 0xFF {
		limit = 7
	}
	if r.n == limit {
		r.out = append(r.out, r.cur)
		r.cur, r.n = 0, 0
	}
}

func (r *rawEncoder) flush() []byte {
	if r.n > 0 {
		limit := 8
		if len(r.out) > 0 && r.out[len(r.out)-1] == 0xFF {
			limit = 7
		}
		r.out = append(r.out, r.cur<<(limit-r.n))
	}
	return append([]byte(nil), r.out...)
}

// t1Encoder codes one code-block.
type t1Encoder struct {
	w, h, stride int
	flags        []uint16
	mag          []int32
	mq           mqEncoder
	raw          rawEncoder
	rawMode      bool
	group        int
	style        uint8
}

type encSeg struct {
	data   []byte
	passes int
	ends   []int // bytes of the segment after each of its passes (approximate but for the last)
}

type encBlock struct {
	numbps int
	passes int
	segs   []encSeg
}

func (t *t1Encoder) encodeBlock(coef []int32, w, h, orient int, style uint8) encBlock {
	t.w, t.h, t.stride, t.style = w, h, w+2, style
	t.flags = make([]uint16, (w+2)*(h+2))
	t.mag = make([]int32, w*h)
	var maxMag int32
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := coef[y*w+x]
			if v < 0 {
				t.flags[(y+1)*t.stride+x+1] |= fNeg
				v = -v
			}
			t.mag[y*w+x] = v
			maxMag = max(maxMag, v)
		}
	}
	numbps := 0
	for maxMag>>numbps != 0 {
		numbps++
	}
	if numbps == 0 {
		return encBlock{}
	}
	t.group = orientGroup(orient)
	t.mq.cx.reset()
	total := 3*numbps - 2
	var segs []encSeg
	var cur encSeg
	segStart := 0
	for k := 0; k < total; k++ {
		plane := numbps - 1 - (k+2)/3
		if k == segStart {
			t.rawMode = isRaw(style, k)
			if t.rawMode {
				t.raw = rawEncoder{}
			} else {
				t.mq.init()
			}
		}
		switch passType(k) {
		case passSig:
			t.sigPass(plane)
		case passRef:
			t.refPass(plane)
		default:
			t.cleanPass(plane)
			if style&cbSegMark != 0 {
				for _, b := range []int{1, 0, 1, 0} {
					t.mq.encode(ctxUniform, b)
				}
			}
		}
		if style&cbReset != 0 {
			t.mq.cx.reset()
		}
		cur.passes++
		if cur.passes == segmentPasses(style, segStart) || k == total-1 {
			if t.rawMode {
				cur.data = t.raw.flush()
			} else {
				cur.data = t.mq.flush()
			}
			for i := range cur.ends {
				cur.ends[i] = min(cur.ends[i], len(cur.data))
			}
			cur.ends = append(cur.ends, len(cur.data))
			segs = append(segs, cur)
			cur = encSeg{}
			segStart = k + 1
		} else if t.rawMode {
			cur.ends = append(cur.ends, len(t.raw.out))
		} else {
			cur.ends = append(cur.ends, len(t.mq.out)-1)
		}
	}
	return encBlock{numbps: numbps, passes: total, segs: segs}
}

func (t *t1Encoder) code(ctx, bit int) {
	if t.rawMode {
		t.raw.bit(bit)
	} else {
		t.mq.encode(ctx, bit)
	}
}

// nb returns the flags of sample i as its contexts see them.
func (t *t1Encoder) nb(i, y int) uint16 {
	f := t.flags[i]
	if t.style&cbCausal != 0 && y&3 == 3 {
		f &^= belowMask
	}
	return f
}

func (t *t1Encoder) setSig(i int) {
	neg := t.flags[i]&fNeg != 0
	dec := t1Decoder{flags: t.flags, stride: t.stride}
	dec.setSig(i, neg)
}

func (t *t1Encoder) encodeSign(i, y int) {
	f := t.nb(i, y)
	neg := 0
	if f&fNeg != 0 {
		neg = 1
	}
	if t.rawMode {
		t.raw.bit(neg)
		return
	}
	e := signCtx[(f&0xF)|(f>>4)&0xF0]
	t.mq.encode(int(e&0x1F), neg^int(e>>7))
}

func (t *t1Encoder) sigPass(plane int) {
	sc := &sigCtx[t.group]
	for y0 := 0; y0 < t.h; y0 += 4 {
		for x := 0; x < t.w; x++ {
			for y := y0; y < min(y0+4, t.h); y++ {
				i := (y+1)*t.stride + x + 1
				f := t.nb(i, y)
				if f&(fSig|fVisit) != 0 || f&0xFF == 0 {
					continue
				}
				bit := int(t.mag[y*t.w+x]>>plane) & 1
				t.code(int(sc[f&0xFF]), bit)
				if bit == 1 {
					t.encodeSign(i, y)
					t.setSig(i)
				}
				t.flags[i] |= fVisit
			}
		}
	}
}

func (t *t1Encoder) refPass(plane int) {
	for y0 := 0; y0 < t.h; y0 += 4 {
		for x := 0; x < t.w; x++ {
			for y := y0; y < min(y0+4, t.h); y++ {
				i := (y+1)*t.stride + x + 1
				f := t.nb(i, y)
				if f&(fSig|fVisit) != fSig {
					continue
				}
				ctx := 16
				if f&fRefine == 0 {
					ctx = 14
					if f&0xFF != 0 {
						ctx = 15
					}
				}
				t.code(ctx, int(t.mag[y*t.w+x]>>plane)&1)
				t.flags[i] |= fRefine
			}
		}
	}
}

func (t *t1Encoder) cleanPass(plane int) {
	sc := &sigCtx[t.group]
	s := t.stride
	for y0 := 0; y0 < t.h; y0 += 4 {
		y1 := min(y0+4, t.h)
		for x := 0; x < t.w; x++ {
			y := y0
			if y1-y0 == 4 {
				i := (y0+1)*s + x + 1
				const busy = fSig | fVisit | 0xFF
				if t.flags[i]&busy == 0 && t.flags[i+s]&busy == 0 && t.flags[i+2*s]&busy == 0 && t.nb(i+3*s, y0+3)&busy == 0 {
					r := 0
					for r < 4 && (t.mag[(y0+r)*t.w+x]>>plane)&1 == 0 {
						r++
					}
					if r == 4 {
						t.mq.encode(ctxRL, 0)
						continue
					}
					t.mq.encode(ctxRL, 1)
					t.mq.encode(ctxUniform, r>>1)
					t.mq.encode(ctxUniform, r&1)
					j := i + r*s
					t.encodeSign(j, y0+r)
					t.setSig(j)
					y = y0 + r + 1
				}
			}
			for ; y < y1; y++ {
				i := (y+1)*s + x + 1
				f := t.nb(i, y)
				if f&(fSig|fVisit) != 0 {
					t.flags[i] &^= fVisit
					continue
				}
				bit := int(t.mag[y*t.w+x]>>plane) & 1
				t.mq.encode(int(sc[f&0xFF]), bit)
				if bit == 1 {
					t.encodeSign(i, y)
					t.setSig(i)
				}
			}
		}
	}
}

// bitWriter writes packet headers with bit stuffing.
type bitWriter struct {
	out []byte
	cur byte
	n   int
}

func (w *bitWriter) capacity() int {
	if len(w.out) > 0 && w.out[len(w.out)-1] == 0xFF {
		return 7
	}
	return 8
}

func (w *bitWriter) put(b int) {
	w.cur = w.cur<<1 | byte(b)
	w.n++
	if w.n == w.capacity() {
		w.out = append(w.out, w.cur)
		w.cur, w.n = 0, 0
	}
}

func (w *bitWriter) putBits(v, n int) {
	for i := n - 1; i >= 0; i-- {
		w.put(v >> i & 1)
	}
}

func (w *bitWriter) finish() []byte {
	if w.n > 0 {
		w.out = append(w.out, w.cur<<(w.capacity()-w.n))
		w.cur, w.n = 0, 0
	}
	if len(w.out) > 0 && w.out[len(w.out)-1] == 0xFF {
		w.out = append(w.out, 0)
	}
	return w.out
}

// tagEncoder is the encoder side of a tag tree.
type tagEncoder struct {
	w, off []int
	value  []int32
	low    []int32
	sent   []bool
}

func newTagEncoder(w, h int, leaves []int32) *tagEncoder {
	t := &tagEncoder{}
	var hs []int
	n := 0
	for {
		t.w = append(t.w, w)
		hs = append(hs, h)
		t.off = append(t.off, n)
		n += w * h
		if w <= 1 && h <= 1 {
			break
		}
		w, h = (w+1)/2, (h+1)/2
	}
	t.value = make([]int32, n)
	t.low = make([]int32, n)
	t.sent = make([]bool, n)
	for i := range t.value {
		t.value[i] = 1 << 30
	}
	copy(t.value, leaves)
	for l := 1; l < len(t.w); l++ {
		for y := 0; y < hs[l-1]; y++ {
			for x := 0; x < t.w[l-1]; x++ {
				c := t.value[t.off[l-1]+y*t.w[l-1]+x]
				p := t.off[l] + (y/2)*t.w[l] + x/2
				t.value[p] = min(t.value[p], c)
			}
		}
	}
	return t
}

func (t *tagEncoder) encode(bw *bitWriter, x, y int, threshold int32) {
	var low int32
	for l := len(t.w) - 1; l >= 0; l-- {
		i := t.off[l] + (y>>l)*t.w[l] + x>>l
		if t.low[i] < low {
			t.low[i] = low
		}
		for t.low[i] < threshold {
			if t.low[i] >= t.value[i] {
				if !t.sent[i] {
					bw.put(1)
					t.sent[i] = true
				}
				break
			}
			bw.put(0)
			t.low[i]++
		}
		low = t.low[i]
	}
}

func putPassCount(bw *bitWriter, n int) {
	switch {
	case n == 1:
		bw.put(0)
	case n == 2:
		bw.putBits(2, 2)
	case n <= 5:
		bw.putBits(3, 2)
		bw.putBits(n-3, 2)
	case n <= 36:
		bw.putBits(15, 4)
		bw.putBits(n-6, 5)
	default:
		bw.putBits(0x1FF, 9)
		bw.putBits(n-37, 7)
	}
}

func bitLen(v int) int {
	n := 0
	for v>>n != 0 {
		n++
	}
	return n
}

// fdwt53 is the forward reversible transform of one level (columns first,
// then rows), leaving low-pass samples first.
func fdwt53Level(buf []int32, stride, w, h, x0, y0 int) {
	tmp := make([]int32, max(w, h))
	split := func(x []int32, p int) {
		n := len(x)
		if n == 1 {
			if p == 1 {
				x[0] *= 2
			}
			return
		}
		at := func(k int) int32 {
			if k < 0 {
				k = 1
			}
			if k >= n {
				k = n - 2
			}
			return x[k]
		}
		for k := 1 - p; k < n; k += 2 {
			x[k] -= (at(k-1) + at(k+1)) >> 1
		}
		for k := p; k < n; k += 2 {
			x[k] += (at(k-1) + at(k+1) + 2) >> 2
		}
		lo, hi := []int32{}, []int32{}
		for k := range x {
			if (k+p)&1 == 0 {
				lo = append(lo, x[k])
			} else {
				hi = append(hi, x[k])
			}
		}
		copy(x, append(lo, hi...))
	}
	for x := 0; x < w && h > 0; x++ {
		col := tmp[:h]
		for y := range col {
			col[y] = buf[y*stride+x]
		}
		split(col, y0&1)
		for y, v := range col {
			buf[y*stride+x] = v
		}
	}
	for y := 0; y < h && w > 0; y++ {
		split(buf[y*stride:y*stride+w], x0&1)
	}
}

// sampleOf turns an 8-bit test pixel into a sample of the given depth:
// deeper samples get the pixel as their high byte, shallower ones its high
// bits.
func sampleOf(v uint8, depth int) int32 {
	if depth >= 8 {
		s := int32(v) << (depth - 8)
		return s | int32(v)&(1<<(depth-8)-1)
	}
	return int32(v) >> (8 - depth)
}

func transformByte(irreversible bool) byte {
	if irreversible {
		return 0
	}
	return 1
}

// bandGain is log2 of the nominal gain of band index b (0 LL, then HL, LH,
// HH per level).
func bandGain(b int) int {
	if b == 0 {
		return 0
	}
	return [3]int{1, 1, 2}[(b-1)%3]
}

// fdwt97Level is the forward irreversible transform of one level.
func fdwt97Level(buf []float32, stride, w, h, x0, y0 int) {
	tmp := make([]float32, max(w, h))
	split := func(x []float32, p int) {
		n := len(x)
		if n == 1 {
			if p == 1 {
				x[0] *= 2
			}
			return
		}
		step := func(start int, c float32) {
			for k := start; k < n; k += 2 {
				l, r := k-1, k+1
				if l < 0 {
					l = 1
				}
				if r >= n {
					r = n - 2
				}
				x[k] += c * (x[l] + x[r])
			}
		}
		step(1-p, alpha97)
		step(p, beta97)
		step(1-p, gamma97)
		step(p, delta97)
		var lo, hi []float32
		for k := range x {
			if (k+p)&1 == 0 {
				lo = append(lo, x[k]/k97)
			} else {
				hi = append(hi, x[k]*k97)
			}
		}
		copy(x, append(lo, hi...))
	}
	for x := 0; x < w && h > 0; x++ {
		col := tmp[:h]
		for y := range col {
			col[y] = buf[y*stride+x]
		}
		split(col, y0&1)
		for y, v := range col {
			buf[y*stride+x] = v
		}
	}
	for y := 0; y < h && w > 0; y++ {
		split(buf[y*stride:y*stride+w], x0&1)
	}
}

// encode writes img as a JPEG 2000 codestream.
func encode(tb testing.TB, img *image.Gray, p encParams) []byte {
	tb.Helper()
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if p.tw == 0 {
		p.tw, p.th = p.x0+w, p.y0+h
	}
	if p.cbw == 0 {
		p.cbw, p.cbh = 6, 6
	}
	if p.layers == 0 {
		p.layers = 1
	}
	depth := p.depth
	if depth == 0 {
		depth = 8
	}
	var out []byte
	seg := func(marker int, body []byte) {
		out = binary.BigEndian.AppendUint16(out, uint16(marker))
		out = binary.BigEndian.AppendUint16(out, uint16(len(body)+2))
		out = append(out, body...)
	}
	out = binary.BigEndian.AppendUint16(out, mSOC)
	var siz []byte
	siz = binary.BigEndian.AppendUint16(siz, 0)
	for _, v := range []int{p.x0 + w, p.y0 + h, p.x0, p.y0, p.tw, p.th, p.tx0, p.ty0} {
		siz = binary.BigEndian.AppendUint32(siz, uint32(v))
	}
	planes := p.planes
	if planes == nil {
		planes = []*image.Gray{img}
	}
	siz = binary.BigEndian.AppendUint16(siz, uint16(len(planes)))
	for range planes {
		siz = append(siz, byte(depth-1), 1, 1)
	}
	seg(mSIZ, siz)
	scod := byte(0)
	if p.pp != nil {
		scod |= 1
	}
	if p.sop {
		scod |= 2
	}
	if p.eph {
		scod |= 4
	}
	mct := byte(0)
	if p.mct {
		mct = 1
	}
	cod := []byte{scod, byte(p.order), byte(p.layers >> 8), byte(p.layers), mct,
		byte(p.levels), byte(p.cbw - 2), byte(p.cbh - 2), p.cbStyle, transformByte(p.irreversible)}
	cod = append(cod, p.pp...)
	seg(mCOD, cod)
	var qcd []byte
	if !p.irreversible {
		qcd = []byte{3 << 5}
		for b := 0; b < 3*p.levels+1; b++ {
			qcd = append(qcd, byte((depth+bandGain(b))<<3))
		}
	} else {
		qcd = []byte{3<<5 | byte(p.qstyle)}
		n := 3*p.levels + 1
		if p.qstyle == 1 {
			n = 1
		}
		for b := 0; b < n; b++ {
			v := (depth+bandGain(b)-p.stepShift)<<11 | p.mant
			qcd = binary.BigEndian.AppendUint16(qcd, uint16(v))
		}
	}
	seg(mQCD, qcd)
	if len(p.poc) > 0 {
		var b []byte
		for _, e := range p.poc {
			b = append(b, byte(e.rs), byte(e.cs), byte(e.lye>>8), byte(e.lye), byte(e.re), byte(e.ce), byte(e.order))
		}
		seg(mPOC, b)
	}
	if p.roi > 0 {
		for c := range planes {
			seg(mRGN, []byte{byte(c), 0, byte(p.roi)})
		}
	}
	mainLen := len(out)
	hdr, err := parseMainHeader(append(append([]byte(nil), out...), 0xFF, 0x90, 0, 10, 0, 0, 0, 0, 0, 0, 0, 1))
	if err != nil {
		tb.Fatalf("encoder: own header: %v", err)
	}
	_ = mainLen
	var t1 t1Encoder
	var ppm, tileParts []byte
	for ti := range hdr.tiles {
		d, err := hdr.newTile(ti)
		if err != nil {
			tb.Fatalf("encoder: tile %d: %v", ti, err)
		}
		// Level-shifted samples of every component, colour-transformed.
		tc0 := &d.comps[0]
		tw, th := tc0.x1-tc0.x0, tc0.y1-tc0.y0
		fbufs := make([][]float64, len(planes))
		for c, pl := range planes {
			fbufs[c] = make([]float64, tw*th)
			for y := 0; y < th; y++ {
				for x := 0; x < tw; x++ {
					fbufs[c][y*tw+x] = float64(sampleOf(pl.Pix[(tc0.y0+y-p.y0)*pl.Stride+tc0.x0+x-p.x0], depth) - 1<<(depth-1))
				}
			}
		}
		if p.mct {
			r, g, b := fbufs[0], fbufs[1], fbufs[2]
			for i := range r {
				R, G, B := r[i], g[i], b[i]
				if p.irreversible {
					r[i] = 0.299*R + 0.587*G + 0.114*B
					g[i] = -0.16875*R - 0.33126*G + 0.5*B
					b[i] = 0.5*R - 0.41869*G - 0.08131*B
				} else {
					r[i] = math.Floor((R + 2*G + B) / 4)
					g[i] = B - G
					b[i] = R - G
				}
			}
		}
		type pbEnc struct {
			blocks     []encBlock
			incl, zbp  *tagEncoder
			lblock     []int
			sentPasses []int
		}
		encsC := make([][][][]pbEnc, len(planes)) // [c][r][p][band]
		for c := range planes {
			tc := &d.comps[c]
			buf := make([]int32, tw*th)
			for i, v := range fbufs[c] {
				buf[i] = int32(v)
			}
			if !p.irreversible {
				for r := len(tc.res) - 1; r >= 1; r-- {
					res := &tc.res[r]
					fdwt53Level(buf, tw, res.x1-res.x0, res.y1-res.y0, res.x0, res.y0)
				}
			} else {
				fb := make([]float32, len(buf))
				for i, v := range fbufs[c] {
					fb[i] = float32(v)
				}
				for r := len(tc.res) - 1; r >= 1; r-- {
					res := &tc.res[r]
					fdwt97Level(fb, tw, res.x1-res.x0, res.y1-res.y0, res.x0, res.y0)
				}
				// Quantise: q = sign(c) ⌊|c| / Δ⌋.
				for r := range tc.res {
					for _, b := range tc.res[r].bands {
						for y := 0; y < b.y1-b.y0; y++ {
							for x := 0; x < b.x1-b.x0; x++ {
								i := (b.offY+y)*tw + b.offX + x
								q := int32(math.Abs(float64(fb[i])) / float64(b.delta))
								if fb[i] < 0 {
									q = -q
								}
								buf[i] = q
							}
						}
					}
				}
			}
			// Code every code-block of every precinct.
			encs := make([][][]pbEnc, len(tc.res)) // [r][p][band]
			encsC[c] = encs
			for r := range tc.res {
				res := &tc.res[r]
				encs[r] = make([][]pbEnc, len(res.precincts))
				for pi := range res.precincts {
					pr := tc.newPrecinct(r, pi)
					res.precincts[pi] = pr
					encs[r][pi] = make([]pbEnc, len(pr.bands))
					for bi := range pr.bands {
						b := &res.bands[bi]
						pb := &pr.bands[bi]
						pe := &encs[r][pi][bi]
						pe.blocks = make([]encBlock, len(pb.cbs))
						pe.lblock = make([]int, len(pb.cbs))
						pe.sentPasses = make([]int, len(pb.cbs))
						incl := make([]int32, len(pb.cbs))
						zbp := make([]int32, len(pb.cbs))
						for j := range pb.cbs {
							cb := &pb.cbs[j]
							cw, ch := cb.x1-cb.x0, cb.y1-cb.y0
							coef := make([]int32, cw*ch)
							for y := 0; y < ch; y++ {
								for x := 0; x < cw; x++ {
									coef[y*cw+x] = buf[(b.offY+cb.y0-b.y0+y)*tw+b.offX+cb.x0-b.x0+x]
								}
							}
							eb := t1.encodeBlock(coef, cw, ch, b.orient, p.cbStyle)
							pe.blocks[j] = eb
							pe.lblock[j] = 3
							if eb.numbps > b.mb {
								tb.Fatalf("encoder: %d bit-planes in a band of %d", eb.numbps, b.mb)
							}
							zbp[j] = int32(b.mb - eb.numbps)
							incl[j] = int32(p.layers) // never
							for l := 0; l < p.layers; l++ {
								if layerPasses(eb.passes, l, p.layers) > 0 {
									incl[j] = int32(l)
									break
								}
							}
						}
						pe.incl = newTagEncoder(pb.ncbx, pb.ncby, incl)
						pe.zbp = newTagEncoder(pb.ncbx, pb.ncby, zbp)
					}
				}
			}
		}
		var packets, headers [][]byte
		nsop := 0
		err = d.forEachPacket(func(l, r, c, pi int) (bool, error) {
			var pkt []byte
			if p.sop {
				pkt = append(pkt, 0xFF, 0x91, 0, 4, byte(nsop>>8), byte(nsop))
				nsop++
			}
			var bw bitWriter
			var body []byte
			encs := encsC[c]
			pr := d.comps[c].res[r].precincts[pi]
			empty := true
			for bi := range pr.bands {
				pe := &encs[r][pi][bi]
				for j := range pe.blocks {
					if layerPasses(pe.blocks[j].passes, l, p.layers) > 0 {
						empty = false
					}
				}
			}
			if empty {
				bw.put(0)
			} else {
				bw.put(1)
				for bi := range pr.bands {
					pb := &pr.bands[bi]
					pe := &encs[r][pi][bi]
					for j := range pe.blocks {
						eb := &pe.blocks[j]
						x, y := j%pb.ncbx, j/pb.ncbx
						n := layerPasses(eb.passes, l, p.layers)
						first := pe.sentPasses[j] == 0
						if first {
							pe.incl.encode(&bw, x, y, int32(l+1))
						} else {
							bw.put(min(n, 1))
						}
						if n == 0 {
							continue
						}
						if first {
							for t := int32(1); ; t++ {
								pe.zbp.encode(&bw, x, y, t)
								if pe.zbp.sent[pe.zbp.off[0]+j] {
									break
								}
							}
						}
						putPassCount(&bw, n)
						type piece struct{ take, start, end, seg int }
						var pieces []piece
						for k := pe.sentPasses[j]; k < pe.sentPasses[j]+n; {
							si, first := 0, 0
							for first+eb.segs[si].passes <= k {
								first += eb.segs[si].passes
								si++
							}
							sg := &eb.segs[si]
							jj := k - first
							take := min(pe.sentPasses[j]+n-k, sg.passes-jj)
							start := 0
							if jj > 0 {
								start = sg.ends[jj-1]
							}
							pieces = append(pieces, piece{take, start, sg.ends[jj+take-1], si})
							k += take
						}
						pe.sentPasses[j] += n
						inc := 0
						for _, pc := range pieces {
							inc = max(inc, bitLen(pc.end-pc.start)-floorLog2(pc.take)-pe.lblock[j])
						}
						for range inc {
							bw.put(1)
						}
						pe.lblock[j] += inc
						bw.put(0)
						for _, pc := range pieces {
							bw.putBits(pc.end-pc.start, pe.lblock[j]+floorLog2(pc.take))
							body = append(body, eb.segs[pc.seg].data[pc.start:pc.end]...)
						}
					}
				}
			}
			hdr := bw.finish()
			if p.eph {
				hdr = append(hdr, 0xFF, 0x92)
			}
			if p.packed != "" {
				headers = append(headers, hdr)
			} else {
				pkt = append(pkt, hdr...)
			}
			packets = append(packets, append(pkt, body...))
			return false, nil
		})
		if err != nil {
			tb.Fatal(err)
		}
		parts := max(p.parts, 1)
		for tp := 0; tp < parts; tp++ {
			from, to := tp*len(packets)/parts, (tp+1)*len(packets)/parts
			var data, hdrs []byte
			for i := from; i < to; i++ {
				data = append(data, packets[i]...)
				if p.packed != "" {
					hdrs = append(hdrs, headers[i]...)
				}
			}
			var tph []byte // tile-part header markers
			switch p.packed {
			case "ppt":
				for z := 0; len(hdrs) > 0 || z == 0; z++ {
					n := min(len(hdrs), 60000)
					tph = binary.BigEndian.AppendUint16(tph, mPPT)
					tph = binary.BigEndian.AppendUint16(tph, uint16(3+n))
					tph = append(append(tph, byte(z)), hdrs[:n]...)
					hdrs = hdrs[n:]
				}
			case "ppm":
				ppm = binary.BigEndian.AppendUint32(ppm, uint32(len(hdrs)))
				ppm = append(ppm, hdrs...)
			}
			var part []byte
			part = binary.BigEndian.AppendUint16(part, mSOT)
			part = binary.BigEndian.AppendUint16(part, 10)
			part = binary.BigEndian.AppendUint16(part, uint16(ti))
			part = binary.BigEndian.AppendUint32(part, uint32(12+len(tph)+2+len(data)))
			part = append(part, byte(tp), byte(parts))
			part = append(part, tph...)
			part = binary.BigEndian.AppendUint16(part, mSOD)
			tileParts = append(tileParts, append(part, data...)...)
		}
	}
	// PPM segments (split so that Nppm fields straddle them, as the
	// standard allows), then the tile-parts.
	for z := 0; len(ppm) > 0; z++ {
		n := min(len(ppm), 37+z*1000)
		out = binary.BigEndian.AppendUint16(out, mPPM)
		out = binary.BigEndian.AppendUint16(out, uint16(3+n))
		out = append(append(out, byte(z)), ppm[:n]...)
		ppm = ppm[n:]
	}
	out = append(out, tileParts...)
	return binary.BigEndian.AppendUint16(out, mEOC)
}

// layerPasses is how many of a code-block's passes go into layer l: the
// passes are spread evenly, so blocks with few passes skip early layers.
func layerPasses(passes, l, layers int) int {
	return passes*(l+1)/layers - passes*l/layers
}
