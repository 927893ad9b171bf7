package jpeg2000

import (
	"image"
	"math"
	"slices"
)

type segment struct {
	data      []byte
	passes    int
	maxPasses int
}

type codeblock struct {
	x0, y0, x1, y1 int // in band coordinates
	included       bool
	zbp            int32
	lblock         int32
	passes         int
	segs           []segment
}

type precinctBand struct {
	ncbx, ncby int
	incl, zbp  *tagTree
	cbs        []codeblock
}

type precinct struct {
	bands []precinctBand
}

type band struct {
	orient         int
	x0, y0, x1, y1 int
	cbw, cbh       int // effective code-block size exponents
	offX, offY     int // where the band starts in the tile-component buffer
	mb             int // magnitude bit-planes
	delta          float32
}

type resolution struct {
	x0, y0, x1, y1 int
	ppx, ppy       int
	npx, npy       int
	px0, py0       int // index of the first precinct in the global partition
	bands          []band
	precincts      []*precinct
	next           []int32 // per precinct, the next layer (POC progressions)
}

type tileComp struct {
	x0, y0, x1, y1 int
	style          *compStyle
	roi            int
	res            []resolution
}

type tileDecoder struct {
	h                  *header
	th                 *tileHeader
	global             *globalStyle
	tx0, ty0, tx1, ty1 int
	comps              []tileComp
	data               []byte
	pos                int
	// hdr holds the packet headers when they are packed (PPM, PPT);
	// hpos is where the next one starts.
	hdr    []byte
	hpos   int
	packed bool
	// pending lists the segment contributions of the packet being read.
	pending []contribution
	noIDWT  bool // leave the subbands untransformed (for tests)
	stopped bool // the packet visitor asked to stop
}

type contribution struct {
	cb  *codeblock
	seg int // index in cb.segs
	n   int // passes
	len int
}

func (h *header) decodeImage() (*image.Gray, error) {
	w, hh := h.width-h.x0, h.height-h.y0
	img := image.NewGray(image.Rect(0, 0, w, hh))
	for ti := range h.tiles {
		if err := h.decodeTile(ti, img); err != nil {
			return nil, err
		}
	}
	return img, nil
}

func (h *header) decodeTile(ti int, img *image.Gray) error {
	if n := h.tileDataLen(ti); n == 0 && len(h.tiles[ti].packed) == 0 {
		// No packets: every coefficient is zero, the tile is the DC level.
		h.fillTile(ti, img)
		return nil
	}
	d, err := h.newTile(ti)
	if err != nil {
		return err
	}
	if err := d.readPackets(); err != nil {
		return err
	}
	if h.outputComps() == 3 {
		return d.decodeColour(img)
	}
	return d.decodeGrey(img)
}

// newTile sets up the geometry of tile ti and gathers its data.
func (h *header) newTile(ti int) (*tileDecoder, error) {
	th := &h.tiles[ti]
	d := &tileDecoder{h: h, th: th, global: h.globalOf(th)}
	tr := h.tileRect(ti)
	d.tx0, d.ty0, d.tx1, d.ty1 = tr.Min.X, tr.Min.Y, tr.Max.X, tr.Max.Y
	n := h.tileDataLen(ti)
	if len(th.parts) == 1 {
		d.data = th.parts[0]
	} else {
		d.data = make([]byte, 0, n)
		for _, part := range th.parts {
			d.data = append(d.data, part...)
		}
	}
	d.hdr, d.packed = th.packed, th.hasPacked
	d.comps = make([]tileComp, len(h.comps))
	// Every precinct has a packet of at least one byte per layer; far more
	// precincts than bytes can only be a hostile header.
	budget := 8*int64(len(d.data)+len(d.hdr)) + 4096
	for c := range d.comps {
		if err := d.setupComp(c, &budget); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (h *header) tileDataLen(ti int) int {
	n := 0
	for _, p := range h.tiles[ti].parts {
		n += len(p)
	}
	return n
}

// tileRect is the area of tile ti on the reference grid.
func (h *header) tileRect(ti int) image.Rectangle {
	p, q := ti%h.ntx, ti/h.ntx
	return image.Rect(max(h.tx0+p*h.tw, h.x0), max(h.ty0+q*h.th, h.y0),
		min(h.tx0+(p+1)*h.tw, h.width), min(h.ty0+(q+1)*h.th, h.height))
}

// fillTile paints a tile without data at the DC level (mid-grey).
func (h *header) fillTile(ti int, img *image.Gray) {
	depth := h.comps[0].depth
	v := to8(int32(1)<<(depth-1), depth)
	r := h.tileRect(ti).Sub(image.Pt(h.x0, h.y0))
	for y := r.Min.Y; y < r.Max.Y; y++ {
		row := img.Pix[y*img.Stride+r.Min.X : y*img.Stride+r.Max.X]
		for i := range row {
			row[i] = v
		}
	}
}

func (d *tileDecoder) setupComp(c int, budget *int64) error {
	h := d.h
	cp := h.comps[c]
	tc := &d.comps[c]
	tc.style = h.styleOf(d.th, c)
	tc.roi = h.roiOf(d.th, c)
	tc.x0, tc.y0 = ceilDiv(d.tx0, cp.dx), ceilDiv(d.ty0, cp.dy)
	tc.x1, tc.y1 = ceilDiv(d.tx1, cp.dx), ceilDiv(d.ty1, cp.dy)
	s := tc.style
	qs := h.quantOf(d.th, c)
	nl := s.levels
	tc.res = make([]resolution, nl+1)
	for r := 0; r <= nl; r++ {
		res := &tc.res[r]
		sh := nl - r
		res.x0, res.y0 = ceilShift(tc.x0, sh), ceilShift(tc.y0, sh)
		res.x1, res.y1 = ceilShift(tc.x1, sh), ceilShift(tc.y1, sh)
		res.ppx, res.ppy = int(s.pp[r]&0xF), int(s.pp[r]>>4)
		if res.x1 > res.x0 && res.y1 > res.y0 {
			res.px0, res.py0 = res.x0>>res.ppx, res.y0>>res.ppy
			res.npx = ceilShift(res.x1, res.ppx) - res.px0
			res.npy = ceilShift(res.y1, res.ppy) - res.py0
		}
		np := int64(res.npx) * int64(res.npy)
		if *budget -= np; *budget < 0 {
			return formatErr("tile has more precincts than its %d bytes of data could hold", len(d.data))
		}
		res.precincts = make([]*precinct, np)
		cbw, cbh := s.cbw, s.cbh
		if r == 0 {
			cbw, cbh = min(cbw, res.ppx), min(cbh, res.ppy)
			res.bands = []band{{orient: bandLL, x0: res.x0, y0: res.y0, x1: res.x1, y1: res.y1}}
		} else {
			cbw, cbh = min(cbw, res.ppx-1), min(cbh, res.ppy-1)
			nb := nl - r + 1
			lw := tc.res[r-1].x1 - tc.res[r-1].x0
			lh := tc.res[r-1].y1 - tc.res[r-1].y0
			for _, o := range []int{bandHL, bandLH, bandHH} {
				xob, yob := 0, 0
				if o == bandHL || o == bandHH {
					xob = 1
				}
				if o == bandLH || o == bandHH {
					yob = 1
				}
				b := band{orient: o,
					x0: bandCoord(tc.x0, nb, xob), x1: bandCoord(tc.x1, nb, xob),
					y0: bandCoord(tc.y0, nb, yob), y1: bandCoord(tc.y1, nb, yob)}
				if xob == 1 {
					b.offX = lw
				}
				if yob == 1 {
					b.offY = lh
				}
				res.bands = append(res.bands, b)
			}
		}
		for i := range res.bands {
			b := &res.bands[i]
			b.cbw, b.cbh = cbw, cbh
			bi := 0
			if r > 0 {
				bi = 3*(r-1) + i + 1
			}
			exp, mant, err := qs.band(bi, nl)
			if err != nil {
				return err
			}
			if qs.style == 0 != s.reversible {
				if s.reversible {
					return formatErr("reversible transform with quantisation style %d", qs.style)
				}
				return formatErr("irreversible transform without quantisation")
			}
			b.mb = qs.guard + exp - 1 + tc.roi
			if b.mb > maxMagnitudeBits {
				return unsupported("%d magnitude bit-planes", b.mb)
			}
			if !s.reversible {
				gain := [4]int{0, 1, 1, 2}[b.orient]
				rb := h.comps[c].depth + gain
				b.delta = float32(math.Ldexp(1+float64(mant)/2048, rb-exp))
			}
		}
	}
	return nil
}

// bandCoord maps a tile-component coordinate to a coordinate of a subband
// at decomposition level nb with offsets ob (B-15).
func bandCoord(v, nb, ob int) int {
	return (v - (ob << (nb - 1)) + (1 << nb) - 1) >> nb
}

// newPrecinct builds the code-blocks of precinct p of resolution r.
func (tc *tileComp) newPrecinct(r, p int) *precinct {
	res := &tc.res[r]
	gx, gy := res.px0+p%res.npx, res.py0+p/res.npx
	ppx, ppy := res.ppx, res.ppy
	if r > 0 {
		ppx, ppy = ppx-1, ppy-1
	}
	pr := &precinct{bands: make([]precinctBand, len(res.bands))}
	for i := range res.bands {
		b := &res.bands[i]
		pb := &pr.bands[i]
		x0, x1 := max(b.x0, gx<<ppx), min(b.x1, (gx+1)<<ppx)
		y0, y1 := max(b.y0, gy<<ppy), min(b.y1, (gy+1)<<ppy)
		if x1 <= x0 || y1 <= y0 {
			continue
		}
		cx0, cy0 := x0>>b.cbw, y0>>b.cbh
		pb.ncbx = ceilShift(x1, b.cbw) - cx0
		pb.ncby = ceilShift(y1, b.cbh) - cy0
		pb.incl = newTagTree(pb.ncbx, pb.ncby)
		pb.zbp = newTagTree(pb.ncbx, pb.ncby)
		pb.cbs = make([]codeblock, pb.ncbx*pb.ncby)
		for j := range pb.cbs {
			cx, cy := cx0+j%pb.ncbx, cy0+j/pb.ncbx
			pb.cbs[j] = codeblock{
				x0: max(x0, cx<<b.cbw), x1: min(x1, (cx+1)<<b.cbw),
				y0: max(y0, cy<<b.cbh), y1: min(y1, (cy+1)<<b.cbh),
				lblock: 3,
			}
		}
	}
	return pr
}

// readPackets reads the tile's packets in progression order until the
// data ends.
func (d *tileDecoder) readPackets() error {
	if len(d.data) == 0 && len(d.hdr) == 0 {
		return nil
	}
	return d.forEachPacket(func(l, r, c, p int) (bool, error) {
		if d.packed && d.hpos >= len(d.hdr) || !d.packed && d.pos >= len(d.data) {
			return true, nil
		}
		return false, d.readPacket(l, r, c, p)
	})
}

// forEachPacket calls fn for every packet of the tile in progression
// order (layer, resolution, component, precinct index) until fn says stop
// or fails. Progression order changes (POC) run one progression after
// another, each skipping the packets an earlier one sent.
func (d *tileDecoder) forEachPacket(fn func(l, r, c, p int) (stop bool, err error)) error {
	maxRes := 0
	for _, tc := range d.comps {
		maxRes = max(maxRes, len(tc.res))
	}
	nc := len(d.comps)
	pocs := d.th.poc
	if len(pocs) == 0 {
		pocs = d.h.poc
	}
	if len(pocs) == 0 {
		return d.progression(pocEntry{0, 0, d.global.layers, maxRes, nc, d.global.order}, false, fn)
	}
	// next[c][r][p] is the next layer precinct p has a packet for.
	for c := range d.comps {
		for r := range d.comps[c].res {
			res := &d.comps[c].res[r]
			res.next = make([]int32, len(res.precincts))
		}
	}
	for _, e := range pocs {
		e.lye = min(e.lye, d.global.layers)
		e.re = min(e.re, maxRes)
		e.ce = min(e.ce, nc)
		if err := d.progression(e, true, fn); err != nil || d.stopped {
			return err
		}
	}
	return nil
}

// progression runs one progression over the volume e describes; with
// track set it sends each precinct's packets once, in layer order.
func (d *tileDecoder) progression(e pocEntry, track bool, fn func(l, r, c, p int) (bool, error)) error {
	visit := func(l, r, c, p int) (bool, error) {
		if track {
			next := &d.comps[c].res[r].next[p]
			if int(*next) != l {
				return false, nil
			}
			*next++
		}
		stop, err := fn(l, r, c, p)
		if stop {
			d.stopped = true
		}
		return stop, err
	}
	// lrc visits the precincts of one layer, resolution and component.
	lrc := func(l, r, c int) (bool, error) {
		if r >= len(d.comps[c].res) {
			return false, nil
		}
		for p := range d.comps[c].res[r].precincts {
			if stop, err := visit(l, r, c, p); stop || err != nil {
				return true, err
			}
		}
		return false, nil
	}
	switch e.order {
	case LRCP:
		for l := 0; l < e.lye; l++ {
			for r := e.rs; r < e.re; r++ {
				for c := e.cs; c < e.ce; c++ {
					if stop, err := lrc(l, r, c); stop || err != nil {
						return err
					}
				}
			}
		}
		return nil
	case RLCP:
		for r := e.rs; r < e.re; r++ {
			for l := 0; l < e.lye; l++ {
				for c := e.cs; c < e.ce; c++ {
					if stop, err := lrc(l, r, c); stop || err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	// Position-driven orders: each precinct is reached at the position of
	// its upper left corner on the reference grid (or the tile's corner,
	// for precincts that start before the tile).
	type entry struct{ c, r, p, kx, ky int }
	var list []entry
	for c := e.cs; c < e.ce; c++ {
		tc := &d.comps[c]
		cp := d.h.comps[c]
		nl := len(tc.res) - 1
		for r := e.rs; r < min(e.re, len(tc.res)); r++ {
			res := &tc.res[r]
			for p := range res.precincts {
				gx, gy := res.px0+p%res.npx, res.py0+p/res.npx
				kx := max(d.tx0, satShift(gx*cp.dx, min(res.ppx+nl-r, 62)))
				ky := max(d.ty0, satShift(gy*cp.dy, min(res.ppy+nl-r, 62)))
				list = append(list, entry{c, r, p, kx, ky})
			}
		}
	}
	var cmp func(a, b entry) int
	switch e.order {
	case RPCL:
		cmp = func(a, b entry) int { return cmpInts(a.r, b.r, a.ky, b.ky, a.kx, b.kx, a.c, b.c) }
	case PCRL:
		cmp = func(a, b entry) int { return cmpInts(a.ky, b.ky, a.kx, b.kx, a.c, b.c, a.r, b.r) }
	default: // CPRL
		cmp = func(a, b entry) int { return cmpInts(a.c, b.c, a.ky, b.ky, a.kx, b.kx, a.r, b.r) }
	}
	slices.SortStableFunc(list, cmp)
	for _, en := range list {
		for l := 0; l < e.lye; l++ {
			if stop, err := visit(l, en.r, en.c, en.p); stop || err != nil {
				return err
			}
		}
	}
	return nil
}

func satShift(v, s int) int {
	if v > math.MaxInt>>s {
		return math.MaxInt
	}
	return v << s
}

func cmpInts(v ...int) int {
	for i := 0; i+1 < len(v); i += 2 {
		if v[i] != v[i+1] {
			if v[i] < v[i+1] {
				return -1
			}
			return 1
		}
	}
	return 0
}

func (d *tileDecoder) readPacket(l, r, c, p int) error {
	data := d.data
	pos := d.pos
	if d.global.sop && len(data)-pos >= 6 && data[pos] == 0xFF && data[pos+1] == 0x91 {
		pos += 6
	}
	tc := &d.comps[c]
	res := &tc.res[r]
	br := bitReader{data: data, pos: pos}
	if d.packed {
		br = bitReader{data: d.hdr, pos: d.hpos}
	}
	present, err := br.bit()
	if err != nil {
		return err
	}
	d.pending = d.pending[:0]
	if present == 1 {
		pr := res.precincts[p]
		if pr == nil {
			pr = tc.newPrecinct(r, p)
			res.precincts[p] = pr
		}
		for bi := range pr.bands {
			pb := &pr.bands[bi]
			for j := range pb.cbs {
				cb := &pb.cbs[j]
				var inc bool
				if !cb.included {
					inc, err = pb.incl.decode(&br, j%pb.ncbx, j/pb.ncbx, int32(l+1))
				} else {
					var b int
					b, err = br.bit()
					inc = b == 1
				}
				if err != nil {
					return err
				}
				if !inc {
					continue
				}
				if !cb.included {
					x, y := j%pb.ncbx, j/pb.ncbx
					for t := int32(1); ; t++ {
						if t > 64 {
							return formatErr("code-block zero bit-planes exceed 64")
						}
						known, err := pb.zbp.decode(&br, x, y, t)
						if err != nil {
							return err
						}
						if known {
							cb.zbp = t - 1
							break
						}
					}
					cb.included = true
				}
				n, err := readPassCount(&br)
				if err != nil {
					return err
				}
				for {
					b, err := br.bit()
					if err != nil {
						return err
					}
					if b == 0 {
						break
					}
					cb.lblock++
					if cb.lblock > 32 {
						return formatErr("code-block length indicator grows beyond 32 bits")
					}
				}
				style := tc.style.cbStyle
				for n > 0 {
					if len(cb.segs) == 0 || cb.segs[len(cb.segs)-1].passes == cb.segs[len(cb.segs)-1].maxPasses {
						cb.segs = append(cb.segs, segment{maxPasses: segmentPasses(style, cb.passes)})
					}
					seg := &cb.segs[len(cb.segs)-1]
					take := min(n, seg.maxPasses-seg.passes)
					nbits := int(cb.lblock) + floorLog2(take)
					length, err := br.bits(nbits)
					if err != nil {
						return err
					}
					d.pending = append(d.pending, contribution{cb: cb, seg: len(cb.segs) - 1, n: take, len: length})
					seg.passes += take
					cb.passes += take
					n -= take
				}
			}
		}
	}
	br.align()
	if br.pos > len(br.data) {
		return formatErr("packet header runs past the end of its data")
	}
	if d.global.eph && len(br.data)-br.pos >= 2 && br.data[br.pos] == 0xFF && br.data[br.pos+1] == 0x92 {
		br.pos += 2
	}
	if d.packed {
		d.hpos = br.pos
	} else {
		pos = br.pos
	}
	for i := range d.pending {
		ct := &d.pending[i]
		if ct.len > len(data)-pos {
			return formatErr("packet body runs past the end of the tile data")
		}
		seg := &ct.cb.segs[ct.seg]
		seg.data = append(seg.data, data[pos:pos+ct.len]...)
		pos += ct.len
	}
	d.pos = pos
	return nil
}

// readPassCount reads the number of new coding passes (Table B.4).
func readPassCount(br *bitReader) (int, error) {
	b, err := br.bit()
	if err != nil || b == 0 {
		return 1, err
	}
	if b, err = br.bit(); err != nil || b == 0 {
		return 2, err
	}
	v, err := br.bits(2)
	if err != nil || v < 3 {
		return 3 + v, err
	}
	v, err = br.bits(5)
	if err != nil || v < 31 {
		return 6 + v, err
	}
	v, err = br.bits(7)
	return 37 + v, err
}

func floorLog2(n int) int {
	l := 0
	for n > 1 {
		n >>= 1
		l++
	}
	return l
}
