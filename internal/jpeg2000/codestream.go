package jpeg2000

import (
	"encoding/binary"
	"math"
)

// Marker codes.
const (
	mSOC = 0xFF4F
	mSIZ = 0xFF51
	mCOD = 0xFF52
	mCOC = 0xFF53
	mTLM = 0xFF55
	mPLM = 0xFF57
	mPLT = 0xFF58
	mQCD = 0xFF5C
	mQCC = 0xFF5D
	mRGN = 0xFF5E
	mPOC = 0xFF5F
	mPPM = 0xFF60
	mPPT = 0xFF61
	mCRG = 0xFF63
	mCOM = 0xFF64
	mSOT = 0xFF90
	mSOP = 0xFF91
	mEPH = 0xFF92
	mSOD = 0xFF93
	mEOC = 0xFFD9
)

const (
	maxTiles      = 65535
	maxComponents = 16384
	// maxDecodeComponents bounds the components Decode sets up per tile
	// (it parses the packets of all of them but decodes at most three).
	maxDecodeComponents = 16
	maxLevels           = 32
	maxLayers           = 65535
	// maxMagnitudeBits bounds the magnitude bit-planes of a code-block
	// (guard bits + exponent − 1 + ROI shift) so coefficients fit in int32.
	maxMagnitudeBits = 30
)

// Code-block style flags (COD/COC SPcod code-block style byte).
const (
	cbBypass   = 1 << 0 // selective arithmetic coding bypass
	cbReset    = 1 << 1 // reset context probabilities on coding pass boundaries
	cbTermAll  = 1 << 2 // termination on each coding pass
	cbCausal   = 1 << 3 // vertically causal context
	cbPredTerm = 1 << 4 // predictable termination
	cbSegMark  = 1 << 5 // segmentation symbols
)

type component struct {
	depth  int
	signed bool
	dx, dy int
}

// compStyle is the part of a coding style that COC can set per component.
type compStyle struct {
	levels     int
	cbw, cbh   int // code-block size exponents
	cbStyle    uint8
	reversible bool
	pp         []uint8 // per resolution: low nibble PPx, high nibble PPy
}

// globalStyle is the part of COD that holds for all components.
type globalStyle struct {
	sop, eph bool
	order    int
	layers   int
	mct      bool
}

type quantStyle struct {
	style int // 0 none, 1 scalar derived, 2 scalar expounded
	guard int
	exp   []int
	mant  []int
}

// band returns the exponent and mantissa for band index b (0 = LL, then
// HL, LH, HH per resolution) of a component with the given levels.
func (q *quantStyle) band(b, levels int) (exp, mant int, err error) {
	switch q.style {
	case 1:
		if len(q.exp) < 1 {
			return 0, 0, formatErr("QCD/QCC has no step size")
		}
		// Derived: ε_b = ε_0 − NL + n_b, n_b the decomposition level.
		nb := levels
		if b > 0 {
			nb = levels - (b-1)/3
		}
		return q.exp[0] - levels + nb, q.mant[0], nil
	default:
		if b >= len(q.exp) {
			return 0, 0, formatErr("QCD/QCC gives %d step sizes, band %d needs one", len(q.exp), b)
		}
		return q.exp[b], q.mant[b], nil
	}
}

type tileHeader struct {
	seen   bool
	global *globalStyle
	cod    *compStyle
	coc    []*compStyle
	qcd    *quantStyle
	qcc    []*quantStyle
	rgn    []int
	parts  [][]byte
	nParts int
	poc    []pocEntry
	// packed holds the tile's packet headers when they are not in the
	// packet data: from PPT markers, or its share of the PPM headers.
	packed    []byte
	hasPacked bool
}

type header struct {
	data []byte // the codestream
	pos  int    // where the first SOT starts

	width, height   int // Xsiz, Ysiz
	x0, y0          int // XOsiz, YOsiz
	tw, th          int // XTsiz, YTsiz
	tx0, ty0        int // XTOsiz, YTOsiz
	ntx, nty        int
	comps           []component
	global          *globalStyle
	cod             *compStyle
	coc             []*compStyle
	qcd             *quantStyle
	qcc             []*quantStyle
	rgn             []int
	tiles           []tileHeader
	sawMarkerUnsupp error
	poc             []pocEntry
	ppm             []byte // packed packet headers of the main header (PPM)
	hasPPM          bool
	ppmPos          int
}

// pocEntry is one progression of a POC marker: layers [0, lye),
// resolutions [rs, re), components [cs, ce), in the given order.
type pocEntry struct {
	rs, cs, lye, re, ce, order int
}

func (h *header) config() Config {
	c := Config{
		Width: h.width - h.x0, Height: h.height - h.y0,
		Components: len(h.comps),
		BitDepth:   h.comps[0].depth, Signed: h.comps[0].signed,
		TilesX: h.ntx, TilesY: h.nty,
	}
	if h.global != nil {
		c.Layers, c.Progression = h.global.layers, h.global.order
	}
	if s := h.styleOf(nil, 0); s != nil {
		c.Reversible, c.Levels = s.reversible, s.levels
	}
	return c
}

// styleOf returns the coding style of component c in tile t (nil: main
// header), by precedence tile COC > tile COD > main COC > main COD.
func (h *header) styleOf(t *tileHeader, c int) *compStyle {
	if t != nil {
		return byPrecedence(c, t.coc, t.cod, h.coc, h.cod)
	}
	return byPrecedence(c, nil, nil, h.coc, h.cod)
}

// quantOf is styleOf for quantisation: tile QCC > tile QCD > main QCC >
// main QCD.
func (h *header) quantOf(t *tileHeader, c int) *quantStyle {
	if t != nil {
		return byPrecedence(c, t.qcc, t.qcd, h.qcc, h.qcd)
	}
	return byPrecedence(c, nil, nil, h.qcc, h.qcd)
}

// byPrecedence is the marker precedence of the standard (A.6): a
// tile's component-specific marker, the tile's default, the main header's
// component-specific marker, the main header's default.
func byPrecedence[T any](c int, tileComp []*T, tileDefault *T, mainComp []*T, mainDefault *T) *T {
	if tileComp != nil && tileComp[c] != nil {
		return tileComp[c]
	}
	if tileDefault != nil {
		return tileDefault
	}
	if mainComp[c] != nil {
		return mainComp[c]
	}
	return mainDefault
}

func (h *header) globalOf(t *tileHeader) *globalStyle {
	if t != nil && t.global != nil {
		return t.global
	}
	return h.global
}

func (h *header) roiOf(t *tileHeader, c int) int {
	if t != nil && t.rgn != nil && t.rgn[c] >= 0 {
		return t.rgn[c]
	}
	if h.rgn[c] >= 0 {
		return h.rgn[c]
	}
	return 0
}

// segment reads a marker segment at pos: marker, its parameters, the
// position after it.
func segmentAt(data []byte, pos int) (marker int, body []byte, next int, err error) {
	if len(data)-pos < 2 {
		return 0, nil, 0, formatErr("codestream ends at offset %d where a marker was expected", pos)
	}
	marker = int(binary.BigEndian.Uint16(data[pos:]))
	if marker>>8 != 0xFF {
		return 0, nil, 0, formatErr("expected a marker at offset %d, found %#04x", pos, marker)
	}
	switch {
	case marker == mSOC || marker == mSOD || marker == mEOC || marker == mEPH || marker >= 0xFF30 && marker <= 0xFF3F:
		return marker, nil, pos + 2, nil
	}
	if len(data)-pos < 4 {
		return 0, nil, 0, formatErr("truncated marker segment %#04x at offset %d", marker, pos)
	}
	l := int(binary.BigEndian.Uint16(data[pos+2:]))
	if l < 2 || l > len(data)-pos-2 {
		return 0, nil, 0, formatErr("marker segment %#04x at offset %d has length %d, %d bytes remain", marker, pos, l, len(data)-pos-2)
	}
	return marker, data[pos+4 : pos+2+l], pos + 2 + l, nil
}

func parseMainHeader(data []byte) (*header, error) {
	if len(data) < 4 || binary.BigEndian.Uint16(data) != mSOC {
		return nil, formatErr("codestream does not start with SOC")
	}
	if binary.BigEndian.Uint16(data[2:]) != mSIZ {
		return nil, formatErr("SOC is not followed by SIZ")
	}
	h := &header{data: data}
	_, body, pos, err := segmentAt(data, 2)
	if err != nil {
		return nil, err
	}
	if err := h.parseSIZ(body); err != nil {
		return nil, err
	}
	for {
		marker, body, next, err := segmentAt(data, pos)
		if err != nil {
			return nil, err
		}
		switch marker {
		case mSOT:
			h.pos = pos
			if h.cod == nil || h.global == nil {
				return nil, formatErr("main header has no COD marker")
			}
			if h.qcd == nil {
				return nil, formatErr("main header has no QCD marker")
			}
			return h, nil
		case mEOC:
			return nil, formatErr("codestream ends (EOC) before any tile")
		case mCOD:
			g, s, err := h.parseCOD(body)
			if err != nil {
				return nil, err
			}
			h.global, h.cod = g, s
		case mCOC:
			c, s, err := h.parseCOC(body)
			if err != nil {
				return nil, err
			}
			h.coc[c] = s
		case mQCD:
			q, err := parseQuant(body)
			if err != nil {
				return nil, err
			}
			h.qcd = q
		case mQCC:
			c, rest, err := h.compIndex(body, "QCC")
			if err != nil {
				return nil, err
			}
			q, err := parseQuant(rest)
			if err != nil {
				return nil, err
			}
			h.qcc[c] = q
		case mRGN:
			c, s, err := h.parseRGN(body)
			if err != nil {
				return nil, err
			}
			h.rgn[c] = s
		case mPPM:
			// Zppm, then packed headers; segments come in Zppm order.
			if len(body) < 1 {
				return nil, formatErr("PPM marker too short")
			}
			h.ppm = append(h.ppm, body[1:]...)
			h.hasPPM = true
		case mPOC:
			poc, err := h.parsePOC(body)
			if err != nil {
				return nil, err
			}
			h.poc = append(h.poc, poc...)
		case mSOD:
			return nil, formatErr("SOD in the main header")
		default: // TLM, PLM, CRG, COM and unknown segments are skipped
		}
		pos = next
	}
}

func (h *header) parseSIZ(b []byte) error {
	if len(b) < 36 {
		return formatErr("SIZ marker too short")
	}
	u := func(i int) int { return int(binary.BigEndian.Uint32(b[i:])) }
	h.width, h.height, h.x0, h.y0 = u(2), u(6), u(10), u(14)
	h.tw, h.th, h.tx0, h.ty0 = u(18), u(22), u(26), u(30)
	nc := int(binary.BigEndian.Uint16(b[34:]))
	if nc < 1 || nc > maxComponents {
		return formatErr("SIZ gives %d components", nc)
	}
	if len(b) != 36+3*nc {
		return formatErr("SIZ marker length does not match %d components", nc)
	}
	if h.width <= h.x0 || h.height <= h.y0 {
		return formatErr("SIZ image area is empty (%d..%d × %d..%d)", h.x0, h.width, h.y0, h.height)
	}
	if h.tw <= 0 || h.th <= 0 || h.tx0 > h.x0 || h.ty0 > h.y0 || h.tx0+h.tw <= h.x0 || h.ty0+h.th <= h.y0 {
		return formatErr("SIZ tile grid (%d×%d at %d,%d) does not cover the image origin (%d,%d)", h.tw, h.th, h.tx0, h.ty0, h.x0, h.y0)
	}
	h.ntx = ceilDiv(h.width-h.tx0, h.tw)
	h.nty = ceilDiv(h.height-h.ty0, h.th)
	if int64(h.ntx)*int64(h.nty) > maxTiles {
		return formatErr("SIZ gives %d×%d tiles, more than %d", h.ntx, h.nty, maxTiles)
	}
	h.comps = make([]component, nc)
	for i := range h.comps {
		s := b[36+3*i]
		c := component{depth: int(s&0x7F) + 1, signed: s&0x80 != 0, dx: int(b[37+3*i]), dy: int(b[38+3*i])}
		if c.depth > 38 {
			return formatErr("component %d has bit depth %d", i, c.depth)
		}
		if c.dx == 0 || c.dy == 0 {
			return formatErr("component %d has zero subsampling", i)
		}
		h.comps[i] = c
	}
	h.coc = make([]*compStyle, nc)
	h.qcc = make([]*quantStyle, nc)
	h.rgn = make([]int, nc)
	for i := range h.rgn {
		h.rgn[i] = -1
	}
	h.tiles = make([]tileHeader, h.ntx*h.nty)
	return nil
}

func (h *header) compIndex(b []byte, name string) (int, []byte, error) {
	var c int
	if len(h.comps) < 257 {
		if len(b) < 1 {
			return 0, nil, formatErr("%s marker too short", name)
		}
		c, b = int(b[0]), b[1:]
	} else {
		if len(b) < 2 {
			return 0, nil, formatErr("%s marker too short", name)
		}
		c, b = int(binary.BigEndian.Uint16(b)), b[2:]
	}
	if c >= len(h.comps) {
		return 0, nil, formatErr("%s marker for component %d of %d", name, c, len(h.comps))
	}
	return c, b, nil
}

// parseSPcod reads the SPcod/SPcoc parameters; custom says whether
// precinct sizes follow.
func parseSPcod(b []byte, custom bool, name string) (*compStyle, error) {
	if len(b) < 5 {
		return nil, formatErr("%s marker too short", name)
	}
	s := &compStyle{levels: int(b[0]), cbw: int(b[1]) + 2, cbh: int(b[2]) + 2, cbStyle: b[3]}
	if s.levels > maxLevels {
		return nil, formatErr("%s gives %d decomposition levels (at most %d)", name, s.levels, maxLevels)
	}
	if s.cbw > 10 || s.cbh > 10 || s.cbw+s.cbh > 12 {
		return nil, formatErr("%s code-block size 2^%d×2^%d is out of range", name, s.cbw, s.cbh)
	}
	if s.cbStyle&0xC0 != 0 {
		return nil, unsupported("code-block style %#02x (Part 2 or HTJ2K)", s.cbStyle)
	}
	switch b[4] {
	case 0:
	case 1:
		s.reversible = true
	default:
		return nil, unsupported("wavelet transform %d (Part 2 kernels)", b[4])
	}
	s.pp = make([]uint8, s.levels+1)
	if custom {
		if len(b) != 5+s.levels+1 {
			return nil, formatErr("%s has %d precinct sizes for %d resolutions", name, len(b)-5, s.levels+1)
		}
		for r := range s.pp {
			p := b[5+r]
			if r > 0 && (p&0xF == 0 || p>>4 == 0) {
				return nil, formatErr("%s precinct size exponent 0 at resolution %d", name, r)
			}
			s.pp[r] = p
		}
	} else {
		if len(b) != 5 {
			return nil, formatErr("%s marker has a wrong length", name)
		}
		for r := range s.pp {
			s.pp[r] = 0xFF // 2^15 × 2^15
		}
	}
	return s, nil
}

func (h *header) parseCOD(b []byte) (*globalStyle, *compStyle, error) {
	if len(b) < 5 {
		return nil, nil, formatErr("COD marker too short")
	}
	scod := b[0]
	if scod&^7 != 0 {
		return nil, nil, unsupported("COD coding style %#02x", scod)
	}
	g := &globalStyle{sop: scod&2 != 0, eph: scod&4 != 0, order: int(b[1]),
		layers: int(binary.BigEndian.Uint16(b[2:])), mct: b[4] != 0}
	if g.order > CPRL {
		return nil, nil, formatErr("COD progression order %d", g.order)
	}
	if g.layers < 1 {
		return nil, nil, formatErr("COD gives no quality layers")
	}
	if b[4] > 1 {
		return nil, nil, unsupported("multiple component transform %d", b[4])
	}
	s, err := parseSPcod(b[5:], scod&1 != 0, "COD")
	return g, s, err
}

func (h *header) parseCOC(b []byte) (int, *compStyle, error) {
	c, rest, err := h.compIndex(b, "COC")
	if err != nil {
		return 0, nil, err
	}
	if len(rest) < 1 {
		return 0, nil, formatErr("COC marker too short")
	}
	s, err := parseSPcod(rest[1:], rest[0]&1 != 0, "COC")
	return c, s, err
}

func parseQuant(b []byte) (*quantStyle, error) {
	if len(b) < 1 {
		return nil, formatErr("QCD/QCC marker too short")
	}
	q := &quantStyle{style: int(b[0] & 0x1F), guard: int(b[0] >> 5)}
	b = b[1:]
	switch q.style {
	case 0:
		for _, v := range b {
			q.exp = append(q.exp, int(v>>3))
			q.mant = append(q.mant, 0)
		}
	case 1, 2:
		if len(b)%2 != 0 || len(b) == 0 || q.style == 1 && len(b) != 2 {
			return nil, formatErr("QCD/QCC step sizes have a wrong length")
		}
		for i := 0; i+1 < len(b); i += 2 {
			v := int(binary.BigEndian.Uint16(b[i:]))
			q.exp = append(q.exp, v>>11)
			q.mant = append(q.mant, v&0x7FF)
		}
	default:
		return nil, formatErr("QCD/QCC quantisation style %d", q.style)
	}
	if len(q.exp) == 0 {
		return nil, formatErr("QCD/QCC gives no exponents")
	}
	return q, nil
}

func (h *header) parsePOC(b []byte) ([]pocEntry, error) {
	n := 7
	if len(h.comps) >= 257 {
		n = 9
	}
	if len(b) == 0 || len(b)%n != 0 {
		return nil, formatErr("POC marker has a wrong length")
	}
	var out []pocEntry
	for ; len(b) > 0; b = b[n:] {
		var e pocEntry
		if n == 7 {
			e = pocEntry{rs: int(b[0]), cs: int(b[1]), lye: int(binary.BigEndian.Uint16(b[2:])), re: int(b[4]), ce: int(b[5]), order: int(b[6])}
		} else {
			e = pocEntry{rs: int(b[0]), cs: int(binary.BigEndian.Uint16(b[1:])), lye: int(binary.BigEndian.Uint16(b[3:])),
				re: int(b[5]), ce: int(binary.BigEndian.Uint16(b[6:])), order: int(b[8])}
		}
		if e.ce == 0 { // CEpoc 0 means 256 (or 16384)
			e.ce = 1 << (8 * (n - 6))
		}
		if e.order > CPRL {
			return nil, formatErr("POC progression order %d", e.order)
		}
		out = append(out, e)
	}
	return out, nil
}

func (h *header) parseRGN(b []byte) (int, int, error) {
	c, rest, err := h.compIndex(b, "RGN")
	if err != nil {
		return 0, 0, err
	}
	if len(rest) != 2 {
		return 0, 0, formatErr("RGN marker has a wrong length")
	}
	if rest[0] != 0 {
		return 0, 0, unsupported("region of interest style %d", rest[0])
	}
	return c, int(rest[1]), nil
}

// outputComps is the number of leading components Decode uses: three when
// they form a colour image, else one.
func (h *header) outputComps() int {
	if len(h.comps) >= 3 {
		a, b, c := h.comps[0], h.comps[1], h.comps[2]
		if a == b && a == c {
			return 3
		}
	}
	return 1
}

// checkDecodable refuses images Decode cannot or will not produce, before
// anything large is allocated.
func (h *header) checkDecodable(maxPixels int64) error {
	w, hh := int64(h.width-h.x0), int64(h.height-h.y0)
	if w*hh > maxPixels {
		return formatErr("image of %d×%d pixels exceeds the limit of %d", w, hh, maxPixels)
	}
	if len(h.comps) > maxDecodeComponents {
		return unsupported("%d components (at most %d)", len(h.comps), maxDecodeComponents)
	}
	for i := 0; i < h.outputComps(); i++ {
		c := h.comps[i]
		if c.dx != 1 || c.dy != 1 {
			return unsupported("subsampled component %d (%d×%d)", i, c.dx, c.dy)
		}
		if c.signed {
			return unsupported("signed samples")
		}
		if c.depth > 16 {
			return unsupported("%d-bit samples", c.depth)
		}
	}
	if h.sawMarkerUnsupp != nil {
		return h.sawMarkerUnsupp
	}
	return nil
}

// parseTileParts reads every tile-part, collecting each tile's header
// markers and data.
func (h *header) parseTileParts() error {
	data, pos := h.data, h.pos
	for pos < len(data) {
		marker, body, next, err := segmentAt(data, pos)
		if err != nil {
			return err
		}
		if marker == mEOC {
			break
		}
		if marker != mSOT {
			return formatErr("expected SOT or EOC at offset %d, found %#04x", pos, marker)
		}
		if len(body) != 8 {
			return formatErr("SOT marker has a wrong length")
		}
		ti := int(binary.BigEndian.Uint16(body))
		psot := int64(binary.BigEndian.Uint32(body[2:]))
		if ti >= len(h.tiles) {
			return formatErr("tile-part for tile %d of %d", ti, len(h.tiles))
		}
		end := int64(len(data))
		if psot != 0 {
			end = int64(pos) + psot
			if psot < 14 || end > int64(len(data)) {
				return formatErr("tile-part of tile %d claims %d bytes, %d remain (truncated codestream?)", ti, psot, len(data)-pos)
			}
		}
		t := &h.tiles[ti]
		first := !t.seen
		t.seen = true
		t.nParts++
		if t.nParts > 255 {
			return formatErr("tile %d has more than 255 tile-parts", ti)
		}
		pos = next
		for {
			marker, body, next, err := segmentAt(data[:end], pos)
			if err != nil {
				return err
			}
			pos = next
			if marker == mSOD {
				break
			}
			if err := h.tileMarker(t, marker, body, first); err != nil {
				return err
			}
		}
		if h.hasPPM {
			// Nppm (4 bytes), then this tile-part's packet headers.
			if len(h.ppm)-h.ppmPos < 4 {
				return formatErr("PPM packet headers run out at tile-part of tile %d", ti)
			}
			n := int64(binary.BigEndian.Uint32(h.ppm[h.ppmPos:]))
			h.ppmPos += 4
			if n > int64(len(h.ppm)-h.ppmPos) {
				return formatErr("PPM claims %d bytes of packet headers, %d remain", n, len(h.ppm)-h.ppmPos)
			}
			t.packed = append(t.packed, h.ppm[h.ppmPos:h.ppmPos+int(n)]...)
			t.hasPacked = true
			h.ppmPos += int(n)
		}
		payload := data[pos:end]
		if psot == 0 {
			// To the end of the codestream, without its EOC.
			if n := len(payload); n >= 2 && payload[n-2] == 0xFF && payload[n-1] == 0xD9 {
				payload = payload[:n-2]
			}
		}
		t.parts = append(t.parts, payload)
		pos = int(end)
	}
	return nil
}

func (h *header) tileMarker(t *tileHeader, marker int, body []byte, first bool) error {
	switch marker {
	case mCOD, mCOC, mQCD, mQCC, mRGN:
		if !first {
			return formatErr("marker %#04x in a tile-part header other than the first", marker)
		}
	}
	nc := len(h.comps)
	switch marker {
	case mCOD:
		g, s, err := h.parseCOD(body)
		if err != nil {
			return err
		}
		t.global, t.cod = g, s
	case mCOC:
		c, s, err := h.parseCOC(body)
		if err != nil {
			return err
		}
		if t.coc == nil {
			t.coc = make([]*compStyle, nc)
		}
		t.coc[c] = s
	case mQCD:
		q, err := parseQuant(body)
		if err != nil {
			return err
		}
		t.qcd = q
	case mQCC:
		c, rest, err := h.compIndex(body, "QCC")
		if err != nil {
			return err
		}
		q, err := parseQuant(rest)
		if err != nil {
			return err
		}
		if t.qcc == nil {
			t.qcc = make([]*quantStyle, nc)
		}
		t.qcc[c] = q
	case mRGN:
		c, s, err := h.parseRGN(body)
		if err != nil {
			return err
		}
		if t.rgn == nil {
			t.rgn = make([]int, nc)
			for i := range t.rgn {
				t.rgn[i] = -1
			}
		}
		t.rgn[c] = s
	case mPPT:
		if h.hasPPM {
			return formatErr("PPT marker in a codestream with PPM")
		}
		if len(body) < 1 {
			return formatErr("PPT marker too short")
		}
		t.packed = append(t.packed, body[1:]...)
		t.hasPacked = true
	case mPOC:
		poc, err := h.parsePOC(body)
		if err != nil {
			return err
		}
		t.poc = append(t.poc, poc...)
	case mSOT, mEOC, mSOC, mSIZ:
		return formatErr("marker %#04x inside a tile-part header", marker)
	}
	return nil
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// ceilShift is ⌈a / 2^s⌉ for a ≥ 0.
func ceilShift(a, s int) int { return (a + (1 << s) - 1) >> s }

var _ = math.MaxInt
