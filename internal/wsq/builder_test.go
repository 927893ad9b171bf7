package wsq

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// This file is a minimal WSQ writer for tests: it lays out marker segments
// and Huffman-codes given quantiser indices. It performs no wavelet
// analysis, so tests choose coefficients whose reconstruction is known.

// sv is a WSQ scaled value: val / 10^scale.
type sv struct {
	scale byte
	val   uint16
}

type builder struct{ b []byte }

func (w *builder) marker(m uint16) { w.b = binary.BigEndian.AppendUint16(w.b, m) }

func (w *builder) segment(m uint16, body []byte) {
	w.marker(m)
	w.b = binary.BigEndian.AppendUint16(w.b, uint16(len(body)+2))
	w.b = append(w.b, body...)
}

func sofBody(width, height int, m, r sv) []byte {
	b := []byte{0, 255}
	b = binary.BigEndian.AppendUint16(b, uint16(height))
	b = binary.BigEndian.AppendUint16(b, uint16(width))
	b = append(b, m.scale)
	b = binary.BigEndian.AppendUint16(b, m.val)
	b = append(b, r.scale)
	b = binary.BigEndian.AppendUint16(b, r.val)
	return append(b, 2, 0, 0) // encoder 2, software 0
}

// filterCoef is one stored DTT coefficient: (-1)^sign * val / 10^scale.
type filterCoef struct {
	sign, scale byte
	val         uint32
}

// Halves of the standard FBI 9/7 analysis filters, centre first, as every
// certified encoder writes them.
var (
	std97Lo = []filterCoef{{0, 9, 852698573}, {0, 10, 3774028186}, {1, 10, 1106243994}, {1, 11, 2384946381}, {0, 11, 3782845235}}
	std97Hi = []filterCoef{{0, 9, 788485632}, {1, 10, 4180923187}, {1, 11, 4068942234}, {0, 10, 645388851}}
)

func dttBody(nLo int, lo []filterCoef, nHi int, hi []filterCoef) []byte {
	b := []byte{byte(nLo), byte(nHi)}
	for _, c := range append(append([]filterCoef(nil), lo...), hi...) {
		b = append(b, c.sign, c.scale)
		b = binary.BigEndian.AppendUint32(b, c.val)
	}
	return b
}

func dqtBody(c sv, q, z [numSubbands]sv) []byte {
	b := []byte{c.scale}
	b = binary.BigEndian.AppendUint16(b, c.val)
	for i := range q {
		b = append(b, q[i].scale)
		b = binary.BigEndian.AppendUint16(b, q[i].val)
		b = append(b, z[i].scale)
		b = binary.BigEndian.AppendUint16(b, z[i].val)
	}
	return b
}

type huffSpec struct {
	counts [16]uint8
	vals   []byte
}

func dhtBody(id byte, h huffSpec) []byte {
	b := append([]byte{id}, h.counts[:]...)
	return append(b, h.vals...)
}

// flat8 gives every symbol 1..254 an 8-bit code (symbol s is code s-1),
// leaving the all-ones code unused as real encoders do.
func flat8() huffSpec {
	var h huffSpec
	h.counts[7] = 254
	for s := 1; s <= 254; s++ {
		h.vals = append(h.vals, byte(s))
	}
	return h
}

// skewed is a second table with codes of 3 to 16 bits, so that decoding
// exercises both the lookup table and the bit-serial path.
func skewed() huffSpec {
	var h huffSpec
	order := []byte{0}
	for s := 1; s <= 254; s++ {
		order = append(order, byte(s))
	}
	// Length 3: 4 codes, 5: 6 codes, 8: 20 codes, 12: 100, 16: the rest.
	plan := map[int]int{3: 4, 5: 6, 8: 20, 12: 100}
	left := 254
	next := 1
	for l := 1; l <= 16; l++ {
		n := plan[l]
		if l == 16 {
			n = left
		}
		h.counts[l-1] = uint8(n)
		h.vals = append(h.vals, order[next:next+n]...)
		next += n
		left -= n
	}
	return h
}

// codes assigns canonical codes: consecutive within a length, and the
// first code of each length is the previous code plus one, shifted.
func (h huffSpec) codes() map[byte][2]int {
	out := map[byte][2]int{}
	code, k := 0, 0
	for l := 1; l <= 16; l++ {
		for range int(h.counts[l-1]) {
			out[h.vals[k]] = [2]int{code, l}
			code++
			k++
		}
		code <<= 1
	}
	return out
}

type bitWriter struct {
	out   []byte
	acc   uint32
	nbits int
}

func (w *bitWriter) write(v uint32, n int) {
	for i := n - 1; i >= 0; i-- {
		w.acc = w.acc<<1 | (v>>i)&1
		w.nbits++
		if w.nbits == 8 {
			w.out = append(w.out, byte(w.acc))
			if byte(w.acc) == 0xff {
				w.out = append(w.out, 0)
			}
			w.acc, w.nbits = 0, 0
		}
	}
}

// flush pads the last byte with one bits.
func (w *bitWriter) flush() []byte {
	for w.nbits != 0 {
		w.write(1, 1)
	}
	return w.out
}

// symbols turns quantiser indices into (symbol, extra bits, extra length)
// triples using the WSQ escape scheme.
func symbols(coefs []int32) [][3]int {
	var out [][3]int
	for i := 0; i < len(coefs); {
		if coefs[i] == 0 {
			run := 0
			for i+run < len(coefs) && coefs[i+run] == 0 && run < 0xffff {
				run++
			}
			switch {
			case run <= 100:
				out = append(out, [3]int{run, 0, 0})
			case run <= 0xff:
				out = append(out, [3]int{105, run, 8})
			default:
				out = append(out, [3]int{106, run, 16})
			}
			i += run
			continue
		}
		v := int(coefs[i])
		switch {
		case v >= -73 && v <= 74:
			out = append(out, [3]int{v + 180, 0, 0})
		case v > 0 && v <= 0xff:
			out = append(out, [3]int{101, v, 8})
		case v < 0 && -v <= 0xff:
			out = append(out, [3]int{102, -v, 8})
		case v > 0:
			out = append(out, [3]int{103, v, 16})
		default:
			out = append(out, [3]int{104, -v, 16})
		}
		i++
	}
	return out
}

// entropyCode Huffman-codes syms. If restartEvery > 0, a restart marker
// follows every restartEvery symbols.
func entropyCode(t testing.TB, h huffSpec, syms [][3]int, restartEvery int) []byte {
	codes := h.codes()
	var w bitWriter
	var out []byte
	rst := 0
	for i, s := range syms {
		if restartEvery > 0 && i > 0 && i%restartEvery == 0 {
			out = append(out, w.flush()...)
			out = append(out, 0xff, byte(0xb0+rst%8))
			rst++
			w = bitWriter{}
		}
		c, ok := codes[byte(s[0])]
		require.True(t, ok, "symbol %d has no code", s[0])
		w.write(uint32(c[0]), c[1])
		if s[2] > 0 {
			w.write(uint32(s[1]), s[2])
		}
	}
	return append(out, w.flush()...)
}

// streamSpec describes a constructed stream; see defaultSpec.
type streamSpec struct {
	width, height int
	m, r, c       sv
	q, z          [numSubbands]sv
	comments      []string
	lateComments  []string // written after the frame header
	coefs         []int32  // stream order; nil means all zero
	blocks        int      // split the coefficients into this many blocks
	// altTable codes blocks after the first with a second Huffman table,
	// defined between the blocks.
	altTable     bool
	restartEvery int
}

// defaultSpec is a width x height image whose 60 coded subbands all have
// bin width 1 and no dead zone, M = 128 and R = 1.
func defaultSpec(width, height int) streamSpec {
	s := streamSpec{
		width: width, height: height,
		m: sv{0, 128}, r: sv{0, 1}, c: sv{2, 44},
		comments: []string{"NIST_COM 3\nPIX_WIDTH " + fmt.Sprint(width) + "\nPPI 500\n"},
		blocks:   1,
	}
	for i := range codedSubbands {
		s.q[i] = sv{0, 1}
	}
	return s
}

// coefCount is the number of coefficients the spec's coded subbands hold.
func (s streamSpec) coefCount() int {
	g := newGeometry(s.width, s.height)
	n := 0
	for k := range codedSubbands {
		if s.q[k].val != 0 {
			n += g.bands[k].w * g.bands[k].h
		}
	}
	return n
}

func (s streamSpec) build(t testing.TB) []byte {
	t.Helper()
	coefs := s.coefs
	if coefs == nil {
		coefs = make([]int32, s.coefCount())
	}
	var w builder
	w.marker(markerSOI)
	for _, c := range s.comments {
		w.segment(markerCOM, []byte(c))
	}
	w.segment(markerDTT, dttBody(9, std97Lo, 7, std97Hi))
	w.segment(markerDQT, dqtBody(s.c, s.q, s.z))
	w.segment(markerDHT, dhtBody(0, flat8()))
	w.segment(markerSOF, sofBody(s.width, s.height, s.m, s.r))
	for _, c := range s.lateComments {
		w.segment(markerCOM, []byte(c))
	}
	blocks := max(s.blocks, 1)
	per := (len(coefs) + blocks - 1) / blocks
	for b := range blocks {
		part := coefs[min(b*per, len(coefs)):min((b+1)*per, len(coefs))]
		table, spec := byte(0), flat8()
		if s.altTable && b > 0 {
			if b == 1 {
				w.segment(markerDHT, dhtBody(3, skewed()))
			}
			table, spec = 3, skewed()
		}
		w.segment(markerSOB, []byte{table})
		w.b = append(w.b, entropyCode(t, spec, symbols(part), s.restartEvery)...)
	}
	w.marker(markerEOI)
	return w.b
}
