package wsq

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"slices"
	"strconv"
	"strings"
)

// Markers (IAFIS-IC-0110 v3, table of marker codes).
const (
	markerSOI = 0xffa0 // start of image
	markerEOI = 0xffa1 // end of image
	markerSOF = 0xffa2 // start of frame
	markerSOB = 0xffa3 // start of block
	markerDTT = 0xffa4 // define transform table
	markerDQT = 0xffa5 // define quantisation table
	markerDHT = 0xffa6 // define Huffman table(s)
	markerDRT = 0xffa7 // define restart interval
	markerCOM = 0xffa8 // comment
	markerRST = 0xffb0 // restart markers RST0..RST7 are 0xffb0..0xffb7
)

const (
	// maxFilterTaps caps transform filter lengths; the standard filters have
	// 7 and 9 taps, and the cap keeps the per-sample work bounded.
	maxFilterTaps = 64
	// numSubbands is how many quantisation subbands the DQT describes;
	// only the first codedSubbands carry data, the last four are always
	// discarded by the encoder.
	numSubbands   = 64
	codedSubbands = 60
	// maxHuffTables is the number of Huffman table slots.
	maxHuffTables = 8
)

var errTruncated = errors.New("wsq: unexpected end of data")

// decoder holds the state accumulated while walking the marker segments.
type decoder struct {
	data []byte
	pos  int

	cfg           Config
	width, height int
	shift, scale  float32 // M and R from the frame header

	bank    *filterBank
	haveDQT bool
	center  float32 // quantiser bin centre C
	qbin    [numSubbands]float32
	zbin    [numSubbands]float32
	tables  [maxHuffTables]*huffTable
}

func markerName(m uint16) string {
	switch m {
	case markerSOI:
		return "SOI"
	case markerEOI:
		return "EOI"
	case markerSOF:
		return "SOF"
	case markerSOB:
		return "SOB"
	case markerDTT:
		return "DTT"
	case markerDQT:
		return "DQT"
	case markerDHT:
		return "DHT"
	case markerDRT:
		return "DRT"
	case markerCOM:
		return "COM"
	}
	if m >= markerRST && m <= markerRST+7 {
		return fmt.Sprintf("RST%d", m-markerRST)
	}
	return fmt.Sprintf("0x%04x", m)
}

// readMarker reads a two-byte marker at the current position.
func (d *decoder) readMarker() (uint16, error) {
	if len(d.data)-d.pos < 2 {
		return 0, errTruncated
	}
	m := binary.BigEndian.Uint16(d.data[d.pos:])
	if m>>8 != 0xff {
		return 0, fmt.Errorf("wsq: expected a marker at offset %d, found 0x%04x", d.pos, m)
	}
	d.pos += 2
	return m, nil
}

// readSegment returns the body of the marker segment at the current
// position (the bytes after its two-byte length field).
func (d *decoder) readSegment(m uint16) ([]byte, error) {
	if len(d.data)-d.pos < 2 {
		return nil, errTruncated
	}
	n := int(binary.BigEndian.Uint16(d.data[d.pos:]))
	if n < 2 {
		return nil, fmt.Errorf("wsq: %s segment at offset %d has invalid length %d", markerName(m), d.pos, n)
	}
	if len(d.data)-d.pos < n {
		return nil, fmt.Errorf("wsq: %s segment at offset %d runs past the end of data", markerName(m), d.pos)
	}
	body := d.data[d.pos+2 : d.pos+n]
	d.pos += n
	return body, nil
}

// readHeader parses SOI, any tables and comments, and the frame header.
func (d *decoder) readHeader() error {
	if len(d.data) < 2 {
		return errors.New("wsq: input too short for an SOI marker")
	}
	if m := binary.BigEndian.Uint16(d.data); m != markerSOI {
		return fmt.Errorf("wsq: missing SOI marker (found %s); not a WSQ stream", markerName(m))
	}
	d.pos = 2
	for {
		m, err := d.readMarker()
		if err != nil {
			return err
		}
		if m == markerSOF {
			return d.readFrame()
		}
		if err := d.readTableSegment(m, "before the frame header"); err != nil {
			return err
		}
	}
}

// readTableSegment handles the segments allowed between other structures:
// tables, restart interval and comments.
func (d *decoder) readTableSegment(m uint16, where string) error {
	start := d.pos - 2
	switch m {
	case markerDTT, markerDQT, markerDHT, markerDRT, markerCOM:
	default:
		return fmt.Errorf("wsq: unexpected %s marker at offset %d %s", markerName(m), start, where)
	}
	body, err := d.readSegment(m)
	if err != nil {
		return err
	}
	switch m {
	case markerDTT:
		err = d.parseDTT(body)
	case markerDQT:
		err = d.parseDQT(body)
	case markerDHT:
		err = d.parseDHT(body)
	case markerDRT:
		// The interval itself is not needed: restart markers are
		// recognised wherever they occur in the coded data.
		if len(body) != 2 {
			return fmt.Errorf("wsq: DRT segment at offset %d has length %d, want 4", start, len(body)+2)
		}
	case markerCOM:
		d.addComment(body)
	}
	if err != nil {
		return fmt.Errorf("%w (segment at offset %d)", err, start)
	}
	return nil
}

// scaled decodes the (scale, value) pairs used throughout the tables:
// value / 10^scale. The division is repeated one decade at a time in double
// precision and rounded to float32 after each step, as the reference
// decoders do; a closed-form power of ten can differ in the last bit.
func scaled(v uint32, scale byte) float32 {
	f := float32(v)
	for range int(scale) {
		f = float32(float64(f) / 10)
	}
	return f
}

func (d *decoder) readFrame() error {
	body, err := d.readSegment(markerSOF)
	if err != nil {
		return err
	}
	if len(body) != 15 {
		return fmt.Errorf("wsq: SOF segment has length %d, want 17", len(body)+2)
	}
	// body[0], body[1]: black and white calibration levels, unused here.
	d.height = int(binary.BigEndian.Uint16(body[2:]))
	d.width = int(binary.BigEndian.Uint16(body[4:]))
	d.shift = scaled(uint32(binary.BigEndian.Uint16(body[7:])), body[6])
	d.scale = scaled(uint32(binary.BigEndian.Uint16(body[10:])), body[9])
	// body[12] encoder number and body[13:15] software id, unused here.
	if err := checkSize(d.width, d.height, len(d.data)); err != nil {
		return err
	}
	d.cfg.Width, d.cfg.Height = d.width, d.height
	return nil
}

func (d *decoder) parseDTT(b []byte) error {
	if len(b) < 2 {
		return errors.New("wsq: DTT segment too short")
	}
	// The table stores the analysis filters, lowpass first; the decoder
	// needs the synthesis pair, which it derives from them.
	nlo, nhi := int(b[0]), int(b[1])
	if nlo < 1 || nlo > maxFilterTaps || nhi < 1 || nhi > maxFilterTaps {
		return fmt.Errorf("wsq: DTT filter lengths %d and %d outside 1..%d", nlo, nhi, maxFilterTaps)
	}
	if nlo%2 != nhi%2 {
		return fmt.Errorf("wsq: DTT filter lengths %d and %d mix odd and even", nlo, nhi)
	}
	klo, khi := (nlo+1)/2, (nhi+1)/2
	if want := 2 + 6*(klo+khi); len(b) != want {
		return fmt.Errorf("wsq: DTT segment has length %d, want %d", len(b)+2, want+2)
	}
	readHalf := func(p []byte, k int) []float32 {
		out := make([]float32, k)
		for i := range out {
			e := p[6*i:]
			f := scaled(binary.BigEndian.Uint32(e[2:]), e[1])
			if e[0] != 0 {
				f = -f
			}
			out[i] = f
		}
		return out
	}
	aLo := readHalf(b[2:], klo)
	aHi := readHalf(b[2+6*klo:], khi)
	d.bank = newFilterBank(nlo, aLo, nhi, aHi)
	return nil
}

func (d *decoder) parseDQT(b []byte) error {
	if len(b) != 3+6*numSubbands {
		return fmt.Errorf("wsq: DQT segment has length %d, want %d", len(b)+2, 5+6*numSubbands)
	}
	d.center = scaled(uint32(binary.BigEndian.Uint16(b[1:])), b[0])
	for i := range numSubbands {
		e := b[3+6*i:]
		d.qbin[i] = scaled(uint32(binary.BigEndian.Uint16(e[1:])), e[0])
		d.zbin[i] = scaled(uint32(binary.BigEndian.Uint16(e[4:])), e[3])
	}
	d.haveDQT = true
	return nil
}

func (d *decoder) parseDHT(b []byte) error {
	if len(b) == 0 {
		return errors.New("wsq: empty DHT segment")
	}
	for len(b) > 0 {
		if len(b) < 17 {
			return errors.New("wsq: DHT table header truncated")
		}
		id := int(b[0])
		if id >= maxHuffTables {
			return fmt.Errorf("wsq: Huffman table id %d out of range 0..%d", id, maxHuffTables-1)
		}
		var counts [16]uint8
		copy(counts[:], b[1:17])
		total := 0
		for _, c := range counts {
			total += int(c)
		}
		if len(b)-17 < total {
			return fmt.Errorf("wsq: Huffman table %d lists %d values but only %d bytes remain", id, total, len(b)-17)
		}
		t, err := newHuffTable(counts, b[17:17+total])
		if err != nil {
			return fmt.Errorf("%w (table %d)", err, id)
		}
		d.tables[id] = t
		b = b[17+total:]
	}
	return nil
}

func (d *decoder) addComment(b []byte) {
	text := strings.TrimRight(string(b), "\x00")
	d.cfg.Comments = append(d.cfg.Comments, text)
	if d.cfg.PPI != 0 || !strings.HasPrefix(text, "NIST_COM") {
		return
	}
	for line := range strings.SplitSeq(text, "\n") {
		key, val, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok || key != "PPI" {
			continue
		}
		if ppi, err := strconv.Atoi(strings.TrimSpace(val)); err == nil && ppi > 0 {
			d.cfg.PPI = ppi
		}
		return
	}
}

// decode runs the whole pipeline: header, entropy-coded blocks,
// unquantisation, inverse transform and conversion to 8-bit pixels.
func (d *decoder) decode() (*image.Gray, error) {
	if err := d.readHeader(); err != nil {
		return nil, err
	}
	// Entropy-coded data stuffs a zero after every 0xff, so without an
	// EOI byte pair anywhere the stream is certainly cut short; say so
	// before decoding it all (partial transfers are the common case).
	if !bytes.Contains(d.data[d.pos:], []byte{0xff, markerEOI & 0xff}) {
		return nil, errors.New("wsq: no EOI marker; data truncated")
	}
	geo := newGeometry(d.width, d.height)
	sink := newCoefSink(geo.codedCapacity(), len(d.data))
	if err := d.readBlocks(sink); err != nil {
		return nil, err
	}
	coef := sink.v
	if d.bank == nil {
		return nil, errors.New("wsq: no transform table (DTT) in stream")
	}
	if !d.haveDQT {
		return nil, errors.New("wsq: no quantisation table (DQT) in stream")
	}
	need := 0
	for k := range codedSubbands {
		if d.qbin[k] != 0 {
			need += geo.bands[k].w * geo.bands[k].h
		}
	}
	if len(coef) > need {
		return nil, fmt.Errorf("wsq: %d coefficients decoded but the coded subbands hold %d", len(coef), need)
	}
	// Fewer coefficients than subband samples is tolerated, as in the
	// reference decoder: the missing ones are zero.

	pix := make([]float32, d.width*d.height)
	d.unquantize(geo, coef, pix)
	d.bank.reconstruct(geo, pix, d.width)

	img := image.NewGray(image.Rect(0, 0, d.width, d.height))
	toBytes(img.Pix, pix, d.scale, d.shift)
	return img, nil
}

// coefSink collects the decoded quantiser indices. It grows on demand up to
// limit, so a short or truncated input never causes a full-size allocation.
// Elements past len(v) are always zero, which lets zero runs just extend it.
type coefSink struct {
	v     []int32
	limit int
}

func newCoefSink(limit, inputLen int) *coefSink {
	// Real streams carry well under 32 coefficients per input byte, so
	// this normally allocates once.
	return &coefSink{v: make([]int32, 0, min(limit, 32*inputLen+4096)), limit: limit}
}

func (c *coefSink) grow(k int) bool {
	n := len(c.v)
	if k > c.limit-n {
		return false
	}
	if k > cap(c.v)-n {
		c.v = slices.Grow(c.v, min(max(k, n), c.limit-n))
	}
	c.v = c.v[:n+k]
	return true
}

// readBlocks decodes every entropy-coded block into coef. Tables and
// comments may precede each block; the stream ends with EOI, found where
// the next block could start.
func (d *decoder) readBlocks(coef *coefSink) error {
	m, err := d.readMarker()
	if err != nil {
		return err
	}
	for {
		for m != markerSOB {
			if err := d.readTableSegment(m, "before a block"); err != nil {
				return err
			}
			if m, err = d.readMarker(); err != nil {
				return err
			}
		}
		start := d.pos - 2
		body, err := d.readSegment(m)
		if err != nil {
			return err
		}
		if len(body) != 1 {
			return fmt.Errorf("wsq: SOB segment at offset %d has length %d, want 3", start, len(body)+2)
		}
		id := int(body[0])
		if id >= maxHuffTables || d.tables[id] == nil {
			return fmt.Errorf("wsq: block at offset %d uses undefined Huffman table %d", start, id)
		}
		if m, err = d.decodeBlock(d.tables[id], coef); err != nil {
			return err
		}
		if m == markerEOI {
			return nil
		}
	}
}

// decodeBlock decodes Huffman-coded coefficients starting at d.pos until it
// meets a marker other than a restart marker, which it returns with d.pos
// just past it.
func (d *decoder) decodeBlock(t *huffTable, coef *coefSink) (uint16, error) {
	br := bitReader{data: d.data, pos: d.pos}
	defer func() { d.pos = br.pos }()
	put := func(v int32) error {
		if !coef.grow(1) {
			return fmt.Errorf("wsq: coefficient data overruns the subbands near offset %d", br.pos)
		}
		coef.v[len(coef.v)-1] = v
		return nil
	}
	zeros := func(k int) error {
		if !coef.grow(k) {
			return fmt.Errorf("wsq: zero run overruns the subbands near offset %d", br.pos)
		}
		return nil
	}
	for {
		sym, m, err := t.decode(&br)
		if err != nil {
			return 0, err
		}
		if m != 0 {
			if m >= markerRST && m <= markerRST+7 {
				// Restart: the coder realigns to a byte boundary. WSQ
				// has no prediction state to reset.
				br.restart()
				continue
			}
			return m, nil
		}
		switch {
		case sym >= 1 && sym <= 100:
			err = zeros(sym)
		case sym >= 107 && sym <= 254:
			err = put(int32(sym) - 180)
		case sym == 101 || sym == 102:
			var v uint32
			if v, err = br.bits(8); err == nil {
				err = put(signed(v, sym == 102))
			}
		case sym == 103 || sym == 104:
			var v uint32
			if v, err = br.bits(16); err == nil {
				err = put(signed(v, sym == 104))
			}
		case sym == 105:
			var v uint32
			if v, err = br.bits(8); err == nil {
				err = zeros(int(v))
			}
		case sym == 106:
			var v uint32
			if v, err = br.bits(16); err == nil {
				err = zeros(int(v))
			}
		default:
			err = fmt.Errorf("wsq: invalid Huffman symbol %d near offset %d", sym, br.pos)
		}
		if err != nil {
			return 0, err
		}
	}
}

func signed(v uint32, neg bool) int32 {
	if neg {
		return -int32(v)
	}
	return int32(v)
}

// unquantize maps the integer bin indices back to wavelet coefficients,
// subband by subband in stream order. Arithmetic is float32 in the order the
// reference decoders use, so results match them bit for bit.
func (d *decoder) unquantize(geo *geometry, coef []int32, pix []float32) {
	c := d.center
	i := 0
	for k := range codedSubbands {
		q := d.qbin[k]
		if q == 0 {
			continue
		}
		half := d.zbin[k] / 2
		r := geo.bands[k]
		for y := r.y; y < r.y+r.h; y++ {
			row := pix[y*d.width+r.x:][:r.w]
			for x := range row {
				var v float32
				if i < len(coef) {
					switch s := coef[i]; {
					case s > 0:
						v = float32(q*(float32(s)-c)) + half
					case s < 0:
						v = float32(q*(float32(s)+c)) - half
					}
				}
				row[x] = v
				i++
			}
		}
	}
}

// toBytes applies pixel = value*R + M, rounds half up and clamps.
func toBytes(dst []uint8, src []float32, r, m float32) {
	dst = dst[:len(src)]
	for i, v := range src {
		p := float32(float32(v*r)+m) + 0.5
		switch {
		case !(p >= 0): // also catches NaN from absurd filter tables
			dst[i] = 0
		case p > 255:
			dst[i] = 255
		default:
			dst[i] = uint8(p)
		}
	}
}
