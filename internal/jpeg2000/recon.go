package jpeg2000

import (
	"image"
	"math"
)

// samples holds a decoded tile-component before the level shift: integers
// on the reversible path, floats on the irreversible one.
type samples struct {
	w, h   int
	ints   []int32
	floats []float32
}

func (s *samples) toFloat() {
	if s.floats != nil {
		return
	}
	s.floats = make([]float32, len(s.ints))
	for i, v := range s.ints {
		s.floats[i] = float32(v)
	}
	s.ints = nil
}

// compSamples runs tier-1, dequantisation and the inverse DWT for
// component c of the tile.
func (d *tileDecoder) compSamples(c int, t1 *t1Decoder) (*samples, error) {
	tc := &d.comps[c]
	w, h := tc.x1-tc.x0, tc.y1-tc.y0
	s := &samples{w: w, h: h}
	rev := tc.style.reversible
	if rev {
		s.ints = make([]int32, w*h)
	} else {
		s.floats = make([]float32, w*h)
	}
	if w == 0 || h == 0 {
		return s, nil
	}
	for r := range tc.res {
		res := &tc.res[r]
		for _, pr := range res.precincts {
			if pr == nil {
				continue
			}
			for bi := range pr.bands {
				b := &res.bands[bi]
				for ci := range pr.bands[bi].cbs {
					cb := &pr.bands[bi].cbs[ci]
					if cb.passes == 0 {
						continue
					}
					top := b.mb - 1 - int(cb.zbp)
					if top < 0 {
						continue // no bit-planes to code: corrupt, left at zero
					}
					cw, ch := cb.x1-cb.x0, cb.y1-cb.y0
					if t1.decode(cw, ch, cb.segs, b.orient, top, tc.style.cbStyle) < 0 {
						continue
					}
					ox := b.offX + cb.x0 - b.x0
					oy := b.offY + cb.y0 - b.y0
					for y := 0; y < ch; y++ {
						row := (oy+y)*w + ox
						for x := 0; x < cw; x++ {
							m := t1.mag[y*cw+x]
							if m == 0 {
								continue
							}
							// low: the lowest bit-plane decoded for this
							// coefficient; the reconstruction is the middle of
							// the interval the undecoded planes leave.
							low := int(t1.low[y*cw+x])
							if tc.roi > 0 && m >= 1<<tc.roi {
								// Region of interest: scaled up by the encoder.
								m >>= tc.roi
								low = max(low-tc.roi, 0)
							}
							neg := t1.flags[(y+1)*t1.stride+x+1]&fNeg != 0
							if rev {
								if low > 0 {
									m += 1 << (low - 1)
								}
								if neg {
									m = -m
								}
								s.ints[row+x] = m
							} else {
								v := (float32(m) + float32(math.Ldexp(0.5, low))) * b.delta
								if neg {
									v = -v
								}
								s.floats[row+x] = v
							}
						}
					}
				}
			}
		}
	}
	tmpLen := max(w, h)
	if d.noIDWT {
		return s, nil
	}
	if rev {
		tmp := make([]int32, tmpLen)
		for r := 1; r < len(tc.res); r++ {
			res := &tc.res[r]
			idwtLevel(s.ints, w, res.x1-res.x0, res.y1-res.y0, res.x0, res.y0, tmp, lift53)
		}
	} else {
		tmp := make([]float32, tmpLen)
		for r := 1; r < len(tc.res); r++ {
			res := &tc.res[r]
			idwtLevel(s.floats, w, res.x1-res.x0, res.y1-res.y0, res.x0, res.y0, tmp, lift97)
		}
	}
	return s, nil
}

// to8 maps a level-shifted sample of the given depth to 8 bits.
func to8(v int32, depth int) uint8 {
	maxV := int32(1)<<depth - 1
	v = max(0, min(maxV, v))
	if depth >= 8 {
		return uint8(v >> (depth - 8))
	}
	return uint8((v*255 + maxV/2) / maxV)
}

func roundF(f float32) int32 {
	if f != f { // NaN
		return 0
	}
	f = max(-1<<30, min(1<<30, f))
	return int32(math.Floor(float64(f) + 0.5))
}

func (d *tileDecoder) decodeGrey(img *image.Gray) error {
	var t1 t1Decoder
	s, err := d.compSamples(0, &t1)
	if err != nil {
		return err
	}
	tc := &d.comps[0]
	depth := d.h.comps[0].depth
	shift := int32(1) << (depth - 1)
	for y := 0; y < s.h; y++ {
		out := img.Pix[(tc.y0+y-d.h.y0)*img.Stride+tc.x0-d.h.x0:]
		for x := 0; x < s.w; x++ {
			var v int32
			if s.ints != nil {
				v = s.ints[y*s.w+x]
			} else {
				v = roundF(s.floats[y*s.w+x])
			}
			out[x] = to8(v+shift, depth)
		}
	}
	return nil
}

func (d *tileDecoder) decodeColour(img *image.Gray) error {
	var t1 t1Decoder
	var cs [3]*samples
	for c := range cs {
		s, err := d.compSamples(c, &t1)
		if err != nil {
			return err
		}
		cs[c] = s
	}
	tc := &d.comps[0]
	depth := d.h.comps[0].depth
	shift := int32(1) << (depth - 1)
	n := cs[0].w * cs[0].h
	allInts := cs[0].ints != nil && cs[1].ints != nil && cs[2].ints != nil
	if d.global.mct && allInts {
		// Inverse reversible colour transform.
		y0, y1, y2 := cs[0].ints, cs[1].ints, cs[2].ints
		for i := 0; i < n; i++ {
			g := y0[i] - (y1[i]+y2[i])>>2
			y0[i], y1[i], y2[i] = y2[i]+g, g, y1[i]+g
		}
	} else if !allInts {
		for _, s := range cs {
			s.toFloat()
		}
		if d.global.mct {
			// Inverse irreversible colour transform.
			y0, y1, y2 := cs[0].floats, cs[1].floats, cs[2].floats
			for i := 0; i < n; i++ {
				Y, cb, cr := y0[i], y1[i], y2[i]
				y0[i] = Y + 1.402*cr
				y1[i] = Y - 0.34413*cb - 0.71414*cr
				y2[i] = Y + 1.772*cb
			}
		}
	}
	for y := 0; y < cs[0].h; y++ {
		out := img.Pix[(tc.y0+y-d.h.y0)*img.Stride+tc.x0-d.h.x0:]
		for x := 0; x < cs[0].w; x++ {
			i := y*cs[0].w + x
			var rgb [3]int32
			for c, s := range cs {
				var v int32
				if s.ints != nil {
					v = s.ints[i]
				} else {
					v = roundF(s.floats[i])
				}
				rgb[c] = int32(to8(v+shift, depth))
			}
			out[x] = uint8((299*rgb[0] + 587*rgb[1] + 114*rgb[2] + 500) / 1000)
		}
	}
	return nil
}
