package extract

// Neighbour bits, clockwise from north as in Zhang and Suen's P2…P9:
// N, NE, E, SE, S, SW, W, NW.
const (
	bN = 1 << iota
	bNE
	bE
	bSE
	bS
	bSW
	bW
	bNW
)

// Lookup tables indexed by the 8-neighbour code: deletable in the first or
// second Zhang–Suen sub-iteration, and the crossing number.
var (
	zsDel [2][256]bool
	cnLUT [256]uint8
)

func init() {
	for c := range 256 {
		p := func(b int) int { return (c >> b) & 1 }
		n := 0
		a := 0
		for i := range 8 {
			n += p(i)
			if p(i) == 0 && p((i+1)%8) == 1 {
				a++
			}
		}
		cnLUT[c] = uint8(a)
		if n < 2 || n > 6 || a != 1 {
			continue
		}
		N, E, S, W := p(0), p(2), p(4), p(6)
		zsDel[0][c] = N*E*S == 0 && E*S*W == 0
		zsDel[1][c] = N*E*W == 0 && N*S*W == 0
	}
}

// code is the neighbour code of the pixel at i in a buffer of row stride sw.
func code(s []uint8, i, sw int) int {
	return int(s[i-sw]) | int(s[i-sw+1])<<1 | int(s[i+1])<<2 | int(s[i+sw+1])<<3 |
		int(s[i+sw])<<4 | int(s[i+sw-1])<<5 | int(s[i-1])<<6 | int(s[i-sw-1])<<7
}

// thin reduces the binary ridges to 8-connected one-pixel skeletons
// (Zhang–Suen, then removal of the staircase corners it leaves, which would
// otherwise read as bifurcations).
func (e *Extractor) thin() {
	sw := e.w + 2
	s := e.skel
	list := e.work[:0]
	for y := 1; y <= e.h; y++ {
		for x := 1; x <= e.w; x++ {
			if i := y*sw + x; s[i] != 0 {
				list = append(list, int32(i))
			}
		}
	}
	del := e.queue[:0]
	for changed := true; changed; {
		changed = false
		for sub := range 2 {
			del = del[:0]
			lut := &zsDel[sub]
			for _, i := range list {
				if lut[code(s, int(i), sw)] {
					del = append(del, i)
				}
			}
			for _, i := range del {
				s[i] = 0
			}
			if len(del) > 0 {
				changed = true
				k := 0
				for _, i := range list {
					if s[i] != 0 {
						list[k] = i
						k++
					}
				}
				list = list[:k]
			}
		}
	}
	for _, i := range list {
		c := code(s, int(i), sw)
		if (c&(bN|bE) == bN|bE && c&(bS|bW|bSW) == 0) ||
			(c&(bE|bS) == bE|bS && c&(bW|bN|bNW) == 0) ||
			(c&(bS|bW) == bS|bW && c&(bN|bE|bNE) == 0) ||
			(c&(bW|bN) == bW|bN && c&(bE|bS|bSE) == 0) {
			s[i] = 0
		}
	}
	k := 0
	for _, i := range list {
		if s[i] != 0 {
			list[k] = i
			k++
		}
	}
	e.work = list[:k]
	e.queue = del
}
