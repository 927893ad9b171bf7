package jpeg2000

// mqEntry is one row of the MQ coder's probability estimation table
// (ISO/IEC 15444-1 Table C.2): the LPS probability estimate Qe, the next
// state after an MPS or an LPS, and whether an LPS swaps the MPS sense.
type mqEntry struct {
	qe         uint32
	nmps, nlps uint8
	swap       bool
}

var mqTable = [47]mqEntry{
	{0x5601, 1, 1, true}, {0x3401, 2, 6, false}, {0x1801, 3, 9, false}, {0x0AC1, 4, 12, false},
	{0x0521, 5, 29, false}, {0x0221, 38, 33, false}, {0x5601, 7, 6, true}, {0x5401, 8, 14, false},
	{0x4801, 9, 14, false}, {0x3801, 10, 14, false}, {0x3001, 11, 17, false}, {0x2401, 12, 18, false},
	{0x1C01, 13, 20, false}, {0x1601, 29, 21, false}, {0x5601, 15, 14, true}, {0x5401, 16, 14, false},
	{0x5101, 17, 15, false}, {0x4801, 18, 16, false}, {0x3801, 19, 17, false}, {0x3401, 20, 18, false},
	{0x3001, 21, 19, false}, {0x2801, 22, 19, false}, {0x2401, 23, 20, false}, {0x2201, 24, 21, false},
	{0x1C01, 25, 22, false}, {0x1801, 26, 23, false}, {0x1601, 27, 24, false}, {0x1401, 28, 25, false},
	{0x1201, 29, 26, false}, {0x1101, 30, 27, false}, {0x0AC1, 31, 28, false}, {0x09C1, 32, 29, false},
	{0x08A1, 33, 30, false}, {0x0521, 34, 31, false}, {0x0441, 35, 32, false}, {0x02A1, 36, 33, false},
	{0x0221, 37, 34, false}, {0x0141, 38, 35, false}, {0x0111, 39, 36, false}, {0x0085, 40, 37, false},
	{0x0049, 41, 38, false}, {0x0025, 42, 39, false}, {0x0015, 43, 40, false}, {0x0009, 44, 41, false},
	{0x0005, 45, 42, false}, {0x0001, 45, 43, false}, {0x5601, 46, 46, false},
}

// Context labels of the tier-1 coder: 0–8 significance, 9–13 sign, 14–16
// magnitude refinement, 17 run-length, 18 uniform.
const (
	ctxRL      = 17
	ctxUniform = 18
	numCtx     = 19
)

// mqContexts holds a state index (low 7 bits) and the MPS (bit 7) per context.
type mqContexts [numCtx]uint8

func (c *mqContexts) reset() {
	*c = mqContexts{}
	c[0] = 4
	c[ctxRL] = 3
	c[ctxUniform] = 46
}

// mqDecoder is the MQ arithmetic decoder of Annex C (software conventions
// of C.3). Bytes past the end of its segment read as 0xFF, as the standard
// has a decoder do at a terminating marker.
type mqDecoder struct {
	data []byte
	pos  int
	c    uint32
	a    uint32
	ct   int
	cx   mqContexts
}

func (m *mqDecoder) byteAt(i int) uint32 {
	if i < len(m.data) {
		return uint32(m.data[i])
	}
	return 0xFF
}

// init starts decoding a new segment; the contexts are kept.
func (m *mqDecoder) init(data []byte) {
	m.data, m.pos, m.ct = data, 0, 0
	m.c = m.byteAt(0) << 16
	m.bytein()
	m.c <<= 7
	m.ct -= 7
	m.a = 0x8000
}

func (m *mqDecoder) bytein() {
	if m.byteAt(m.pos) == 0xFF {
		if b1 := m.byteAt(m.pos + 1); b1 > 0x8F {
			m.c += 0xFF00
			m.ct = 8
		} else {
			m.pos++
			m.c += b1 << 9
			m.ct = 7
		}
	} else {
		m.pos++
		m.c += m.byteAt(m.pos) << 8
		m.ct = 8
	}
}

func (m *mqDecoder) decode(cx int) int {
	st := m.cx[cx]
	idx, mps := st&0x7F, int(st>>7)
	e := &mqTable[idx]
	m.a -= e.qe
	var d int
	if m.c>>16 < e.qe {
		// LPS exchange: the lower sub-interval, of size Qe, is the LPS's.
		if m.a < e.qe {
			d = mps
			idx = e.nmps
		} else {
			d = 1 - mps
			if e.swap {
				mps = 1 - mps
			}
			idx = e.nlps
		}
		m.a = e.qe
	} else {
		m.c -= e.qe << 16
		if m.a&0x8000 != 0 {
			return mps
		}
		// MPS exchange
		if m.a < e.qe {
			d = 1 - mps
			if e.swap {
				mps = 1 - mps
			}
			idx = e.nlps
		} else {
			d = mps
			idx = e.nmps
		}
	}
	m.cx[cx] = idx | uint8(mps)<<7
	for {
		if m.ct == 0 {
			m.bytein()
		}
		m.a <<= 1
		m.c <<= 1
		m.ct--
		if m.a&0x8000 != 0 {
			break
		}
	}
	return d
}

// rawDecoder reads the raw (bypassed) coding passes: bits most significant
// first, with a stuffed zero bit after every 0xFF byte.
type rawDecoder struct {
	data []byte
	pos  int
	c    uint32
	ct   int
	prev byte
}

func (r *rawDecoder) init(data []byte) {
	*r = rawDecoder{data: data}
}

func (r *rawDecoder) bit() int {
	if r.ct == 0 {
		b := byte(0xFF)
		if r.pos < len(r.data) {
			b = r.data[r.pos]
		}
		r.pos++
		if r.prev == 0xFF {
			r.ct = 7
		} else {
			r.ct = 8
		}
		r.prev = b
		r.c = uint32(b)
	}
	r.ct--
	return int(r.c>>r.ct) & 1
}
