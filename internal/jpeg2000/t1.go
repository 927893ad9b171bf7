package jpeg2000

// Per-sample flags of the tier-1 decoder. The low byte says which of the
// eight neighbours are significant, bits 8–11 which of the four
// horizontal and vertical neighbours are negative; the top four bits are
// the sample's own state.
const (
	nbL  = 1 << 0
	nbR  = 1 << 1
	nbU  = 1 << 2
	nbD  = 1 << 3
	nbUL = 1 << 4
	nbUR = 1 << 5
	nbDL = 1 << 6
	nbDR = 1 << 7

	negL = 1 << 8
	negR = 1 << 9
	negU = 1 << 10
	negD = 1 << 11

	fSig    = 1 << 12
	fVisit  = 1 << 13 // coded in this bit-plane's significance pass
	fRefine = 1 << 14 // refined at least once
	fNeg    = 1 << 15

	// belowMask is what a vertically causal context ignores in the last
	// row of a stripe.
	belowMask = nbD | nbDL | nbDR | negD
)

// Band orientations.
const (
	bandLL = iota
	bandHL
	bandLH
	bandHH
)

// sigCtx maps the neighbour significance byte to a significance context,
// per orientation group: LL and LH, HL, HH (Table D.1).
var sigCtx [3][256]uint8

// signCtx maps neighbour significance (bits 0–3) and negativity (bits 4–7)
// of the left, right, upper and lower neighbours to a sign context (low
// bits) and the XOR bit (bit 7) of Table D.3.
var signCtx [256]uint8

func init() {
	for m := 0; m < 256; m++ {
		h := m&nbL/nbL + m&nbR/nbR
		v := m&nbU/nbU + m&nbD/nbD
		d := 0
		for _, b := range []int{nbUL, nbUR, nbDL, nbDR} {
			if m&b != 0 {
				d++
			}
		}
		sigCtx[0][m] = ctxLLLH(h, v, d)
		sigCtx[1][m] = ctxLLLH(v, h, d)
		sigCtx[2][m] = ctxHH(h+v, d)
	}
	contrib := func(sig, neg bool) int {
		switch {
		case !sig:
			return 0
		case neg:
			return -1
		}
		return 1
	}
	clamp := func(v int) int { return max(-1, min(1, v)) }
	for m := 0; m < 256; m++ {
		h := clamp(contrib(m&1 != 0, m&16 != 0) + contrib(m&2 != 0, m&32 != 0))
		v := clamp(contrib(m&4 != 0, m&64 != 0) + contrib(m&8 != 0, m&128 != 0))
		var ctx, xor uint8
		switch {
		case h == 1 && v == 1:
			ctx = 13
		case h == 1 && v == 0:
			ctx = 12
		case h == 1 && v == -1:
			ctx = 11
		case h == 0 && v == 1:
			ctx = 10
		case h == 0 && v == 0:
			ctx = 9
		case h == 0 && v == -1:
			ctx, xor = 10, 1
		case h == -1 && v == 1:
			ctx, xor = 11, 1
		case h == -1 && v == 0:
			ctx, xor = 12, 1
		default:
			ctx, xor = 13, 1
		}
		signCtx[m] = ctx | xor<<7
	}
}

func ctxLLLH(h, v, d int) uint8 {
	switch {
	case h == 2:
		return 8
	case h == 1 && v >= 1:
		return 7
	case h == 1 && d >= 1:
		return 6
	case h == 1:
		return 5
	case v == 2:
		return 4
	case v == 1:
		return 3
	case d >= 2:
		return 2
	case d == 1:
		return 1
	}
	return 0
}

func ctxHH(hv, d int) uint8 {
	switch {
	case d >= 3:
		return 8
	case d == 2 && hv >= 1:
		return 7
	case d == 2:
		return 6
	case d == 1 && hv >= 2:
		return 5
	case d == 1 && hv == 1:
		return 4
	case d == 1:
		return 3
	case hv >= 2:
		return 2
	case hv == 1:
		return 1
	}
	return 0
}

func orientGroup(orient int) int {
	switch orient {
	case bandHL:
		return 1
	case bandHH:
		return 2
	}
	return 0
}

// Coding pass types.
const (
	passSig = iota
	passRef
	passClean
)

// passType gives the type of coding pass k of a code-block (the first is a
// cleanup pass, then significance, refinement, cleanup per bit-plane).
func passType(k int) int { return (k + 2) % 3 }

// isRaw says whether pass k is coded raw under the bypass style.
func isRaw(style uint8, k int) bool {
	return style&cbBypass != 0 && k >= 10 && passType(k) != passClean
}

// segmentPasses is the most passes a codeword segment starting at pass k
// can hold.
func segmentPasses(style uint8, k int) int {
	switch {
	case style&cbTermAll != 0:
		return 1
	case style&cbBypass != 0:
		if k < 10 {
			return 10 - k
		}
		if passType(k) == passSig {
			return 2
		}
		return 1
	}
	return 1 << 30
}

// t1Decoder decodes code-blocks; its buffers are reused.
type t1Decoder struct {
	w, h, stride int
	flags        []uint16
	mag          []int32
	// low is, for each significant sample, the lowest bit-plane whose bit
	// has been decoded: the precision of its magnitude.
	low    []uint8
	mq     mqDecoder
	raw    rawDecoder
	group  int
	causal bool
}

// decode decodes the coding passes of one code-block. top is the index of
// the most significant coded bit-plane. It returns the bit-plane of the
// last pass decoded (or -1 when none was).
func (t *t1Decoder) decode(w, h int, segs []segment, orient int, top int, style uint8) int {
	t.w, t.h, t.stride = w, h, w+2
	n := (w + 2) * (h + 2)
	if cap(t.flags) < n {
		t.flags = make([]uint16, n)
	}
	t.flags = t.flags[:n]
	clear(t.flags)
	if cap(t.mag) < w*h {
		t.mag = make([]int32, w*h)
	}
	t.mag = t.mag[:w*h]
	clear(t.mag)
	if cap(t.low) < w*h {
		t.low = make([]uint8, w*h)
	}
	t.low = t.low[:w*h]
	t.group = orientGroup(orient)
	t.causal = style&cbCausal != 0
	t.mq.cx.reset()
	last := -1
	k := 0
	for _, s := range segs {
		for j := 0; j < s.passes; j, k = j+1, k+1 {
			plane := top - (k+2)/3
			if plane < 0 {
				return last
			}
			raw := isRaw(style, k)
			if j == 0 {
				if raw {
					t.raw.init(s.data)
				} else {
					t.mq.init(s.data)
				}
			}
			switch passType(k) {
			case passSig:
				t.sigPass(plane, raw)
			case passRef:
				t.refPass(plane, raw)
			default:
				t.cleanPass(plane)
				if style&cbSegMark != 0 {
					for range 4 {
						t.mq.decode(ctxUniform)
					}
				}
			}
			if style&cbReset != 0 {
				t.mq.cx.reset()
			}
			last = plane
		}
	}
	return last
}

// setSig makes sample i significant and tells its neighbours.
func (t *t1Decoder) setSig(i int, neg bool) {
	f, s := t.flags, t.stride
	if neg {
		f[i] |= fSig | fNeg
		f[i-1] |= nbR | negR
		f[i+1] |= nbL | negL
		f[i-s] |= nbD | negD
		f[i+s] |= nbU | negU
	} else {
		f[i] |= fSig
		f[i-1] |= nbR
		f[i+1] |= nbL
		f[i-s] |= nbD
		f[i+s] |= nbU
	}
	f[i-s-1] |= nbDR
	f[i-s+1] |= nbDL
	f[i+s-1] |= nbUR
	f[i+s+1] |= nbUL
}

// neighbours returns the flags of sample i as its contexts see them.
func (t *t1Decoder) neighbours(i, y int) uint16 {
	f := t.flags[i]
	if t.causal && y&3 == 3 {
		f &^= belowMask
	}
	return f
}

func (t *t1Decoder) decodeSign(f uint16) bool {
	e := signCtx[(f&0xF)|(f>>4)&0xF0]
	return t.mq.decode(int(e&0x1F))^int(e>>7) == 1
}

func (t *t1Decoder) sigPass(plane int, raw bool) {
	one := int32(1) << plane
	sc := &sigCtx[t.group]
	for y0 := 0; y0 < t.h; y0 += 4 {
		y1 := min(y0+4, t.h)
		for x := 0; x < t.w; x++ {
			for y := y0; y < y1; y++ {
				i := (y+1)*t.stride + x + 1
				if t.flags[i]&(fSig|fVisit) != 0 {
					continue
				}
				f := t.neighbours(i, y)
				if f&0xFF == 0 {
					continue
				}
				var bit int
				if raw {
					bit = t.raw.bit()
				} else {
					bit = t.mq.decode(int(sc[f&0xFF]))
				}
				if bit == 1 {
					var neg bool
					if raw {
						neg = t.raw.bit() == 1
					} else {
						neg = t.decodeSign(f)
					}
					t.mag[y*t.w+x] |= one
					t.low[y*t.w+x] = uint8(plane)
					t.setSig(i, neg)
				}
				t.flags[i] |= fVisit
			}
		}
	}
}

func (t *t1Decoder) refPass(plane int, raw bool) {
	one := int32(1) << plane
	for y0 := 0; y0 < t.h; y0 += 4 {
		y1 := min(y0+4, t.h)
		for x := 0; x < t.w; x++ {
			for y := y0; y < y1; y++ {
				i := (y+1)*t.stride + x + 1
				if t.flags[i]&(fSig|fVisit) != fSig {
					continue
				}
				var bit int
				if raw {
					bit = t.raw.bit()
				} else {
					f := t.neighbours(i, y)
					ctx := 16
					if f&fRefine == 0 {
						ctx = 14
						if f&0xFF != 0 {
							ctx = 15
						}
					}
					bit = t.mq.decode(ctx)
				}
				if bit == 1 {
					t.mag[y*t.w+x] |= one
				}
				t.low[y*t.w+x] = uint8(plane)
				t.flags[i] |= fRefine
			}
		}
	}
}

func (t *t1Decoder) cleanPass(plane int) {
	one := int32(1) << plane
	sc := &sigCtx[t.group]
	s := t.stride
	for y0 := 0; y0 < t.h; y0 += 4 {
		y1 := min(y0+4, t.h)
		for x := 0; x < t.w; x++ {
			y := y0
			if y1-y0 == 4 {
				i := (y0+1)*s + x + 1
				const busy = fSig | fVisit | 0xFF
				if t.flags[i]&busy == 0 && t.flags[i+s]&busy == 0 && t.flags[i+2*s]&busy == 0 &&
					t.neighbours(i+3*s, y0+3)&busy == 0 {
					if t.mq.decode(ctxRL) == 0 {
						continue
					}
					r := t.mq.decode(ctxUniform) << 1
					r |= t.mq.decode(ctxUniform)
					y = y0 + r
					j := i + r*s
					neg := t.decodeSign(t.neighbours(j, y))
					t.mag[y*t.w+x] |= one
					t.low[y*t.w+x] = uint8(plane)
					t.setSig(j, neg)
					y++
				}
			}
			for ; y < y1; y++ {
				i := (y+1)*s + x + 1
				if t.flags[i]&(fSig|fVisit) != 0 {
					t.flags[i] &^= fVisit
					continue
				}
				f := t.neighbours(i, y)
				if t.mq.decode(int(sc[f&0xFF])) == 1 {
					neg := t.decodeSign(t.neighbours(i, y))
					t.mag[y*t.w+x] |= one
					t.low[y*t.w+x] = uint8(plane)
					t.setSig(i, neg)
				}
			}
		}
	}
}
