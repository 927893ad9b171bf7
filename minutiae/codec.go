package minutiae

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Format is a minutiae template interchange format.
type Format int

// The template formats [Decode] recognises and [Encode] writes.
const (
	FormatUnknown     Format = iota
	FormatISO2005            // ISO/IEC 19794-2:2005 finger minutiae record
	FormatISO2011            // ISO/IEC 19794-2:2011 finger minutiae record
	FormatANSI2004           // ANSI INCITS 378-2004
	FormatANSI2009           // ANSI INCITS 378-2009
	FormatANSI2009AM1        // ANSI INCITS 378-2009/AM1-2010
	FormatXYT                // NIST .xyt text, INCITS 378 ("-m1") conventions
	FormatJSON               // this package's Record as JSON
)

var formatNames = []string{"unknown", "iso2005", "iso2011", "ansi2004", "ansi2009", "ansi2009am1", "xyt", "json"}

var formatTitles = []string{"unknown", "ISO/IEC 19794-2:2005", "ISO/IEC 19794-2:2011",
	"ANSI INCITS 378-2004", "ANSI INCITS 378-2009", "ANSI INCITS 378-2009/AM1", "NIST xyt", "bms JSON"}

// String is the short name used on the command line (iso2005, ansi2009, …).
func (f Format) String() string {
	if f < 0 || int(f) >= len(formatNames) {
		return fmt.Sprintf("format(%d)", int(f))
	}
	return formatNames[f]
}

// Title is the standard's name (ISO/IEC 19794-2:2005, …).
func (f Format) Title() string {
	if f < 0 || int(f) >= len(formatTitles) {
		return f.String()
	}
	return formatTitles[f]
}

// ParseFormat reads a short format name as printed by [Format.String].
func ParseFormat(name string) (Format, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	for i, s := range formatNames[1:] {
		if n == s {
			return Format(i + 1), nil
		}
	}
	return FormatUnknown, fmt.Errorf("minutiae: unknown template format %q (want one of %s)", name, strings.Join(formatNames[1:], ", "))
}

// ErrNotTemplate is returned by [Decode] for data that is in none of the
// template formats.
var ErrNotTemplate = errors.New("minutiae: not a minutiae template in a supported format")

// MaxTemplateSize bounds the input [Decode] accepts. The largest legal
// binary record (255 views × 255 minutiae with full extension areas) is
// about 18 MiB; anything bigger is not a template.
const MaxTemplateSize = 32 << 20

// Detect tells which template format data is in, without decoding it fully.
func Detect(data []byte) Format {
	if len(data) >= 8 && bytes.Equal(data[:4], []byte("FMR\x00")) {
		switch string(data[4:8]) {
		case " 20\x00", "020\x00":
			// "020" is not in either standard but is what some ANSI
			// 378-2004 writers put (the reference sample among them).
			if isANSI2004Length(data) {
				return FormatANSI2004
			}
			return FormatISO2005
		case "030\x00":
			if _, err := decodeISO2011(data); err == nil {
				return FormatISO2011
			}
			return FormatANSI2009
		case "035\x00":
			return FormatANSI2009AM1
		}
		return FormatUnknown
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return FormatJSON
	}
	if looksLikeXYT(data) {
		return FormatXYT
	}
	return FormatUnknown
}

// isANSI2004Length tells the two " 20" formats apart by their length field:
// ANSI 378-2004 has a 2-byte length (or 0 followed by a 4-byte one), ISO
// 19794-2:2005 a 4-byte length. A 2-byte value of at least 26 (ANSI's
// minimum record) cannot be the upper half of a real ISO length, and a zero
// upper half followed by a value below 24 (ISO's minimum) cannot be ISO.
func isANSI2004Length(data []byte) bool {
	if len(data) < 12 {
		return false
	}
	hi := int(data[8])<<8 | int(data[9])
	if hi >= 26 {
		return true
	}
	if hi > 0 {
		return false
	}
	lo := int(data[10])<<8 | int(data[11])
	return lo < 24
}

// Decode reads a template record, recognising its format. Decoding is
// lenient where the standards' own reference data is: a declared record
// length shorter than the structure is tolerated, trailing bytes are
// ignored, and extended data blocks that are not understood are kept as
// [Extension]s. Anything that runs past the end of the data is an error.
func Decode(data []byte) (*Record, Format, error) {
	if len(data) > MaxTemplateSize {
		return nil, FormatUnknown, fmt.Errorf("minutiae: %d bytes is larger than any template (limit %d)", len(data), MaxTemplateSize)
	}
	f := Detect(data)
	if f == FormatUnknown {
		return nil, f, ErrNotTemplate
	}
	r, err := DecodeAs(data, f)
	return r, f, err
}

// DecodeAs reads a template record in the given format.
func DecodeAs(data []byte, f Format) (*Record, error) {
	if len(data) > MaxTemplateSize {
		return nil, fmt.Errorf("minutiae: %d bytes is larger than any template (limit %d)", len(data), MaxTemplateSize)
	}
	var (
		r   *Record
		err error
	)
	switch f {
	case FormatISO2005:
		r, err = decodeLegacy(data, legacyISO)
	case FormatANSI2004:
		r, err = decodeLegacy(data, legacyANSI)
	case FormatISO2011:
		r, err = decodeISO2011(data)
	case FormatANSI2009, FormatANSI2009AM1:
		r, err = decodeANSI2009(data, f)
	case FormatXYT:
		var t *Template
		t, err = DecodeXYT(data, XYTOptions{})
		if err == nil {
			r = &Record{Views: []Template{*t}}
		}
	case FormatJSON:
		r = new(Record)
		if err = json.Unmarshal(data, r); err != nil {
			err = fmt.Errorf("minutiae: json: %w", err)
		}
	default:
		return nil, fmt.Errorf("minutiae: cannot decode format %v", f)
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Encode writes a record in the given format. Formats that keep image
// geometry and the capture device once per record (ISO 2005, ANSI 2004)
// require every view to share them; .xyt holds exactly one view. Values a
// format cannot hold (more than 255 minutiae, coordinates beyond 14 bits)
// are errors, never silently cut.
func Encode(r *Record, f Format) ([]byte, error) {
	if r == nil {
		return nil, errors.New("minutiae: nil record")
	}
	switch f {
	case FormatISO2005:
		return encodeLegacy(r, legacyISO)
	case FormatANSI2004:
		return encodeLegacy(r, legacyANSI)
	case FormatISO2011:
		return encodeISO2011(r)
	case FormatANSI2009, FormatANSI2009AM1:
		return encodeANSI2009(r, f)
	case FormatXYT:
		if len(r.Views) != 1 {
			return nil, fmt.Errorf("minutiae: xyt holds one view, the record has %d", len(r.Views))
		}
		return EncodeXYT(&r.Views[0], XYTOptions{})
	case FormatJSON:
		b, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("minutiae: json: %w", err)
		}
		return append(b, '\n'), nil
	}
	return nil, fmt.Errorf("minutiae: cannot encode format %v", f)
}

// reader is a bounds-checked big-endian cursor. After the first read past
// the end every read returns zero and err is set, so decoders check once per
// structure instead of once per field.
type reader struct {
	b   []byte
	off int
	err error
	ctx string
}

func (r *reader) need(n int) bool {
	if r.err != nil {
		return false
	}
	if n < 0 || r.off+n > len(r.b) {
		r.err = fmt.Errorf("minutiae: %s: truncated at byte %d (need %d more, %d left)", r.ctx, r.off, n, len(r.b)-r.off)
		return false
	}
	return true
}

func (r *reader) u8() uint8 {
	if !r.need(1) {
		return 0
	}
	v := r.b[r.off]
	r.off++
	return v
}

func (r *reader) u16() uint16 {
	if !r.need(2) {
		return 0
	}
	v := uint16(r.b[r.off])<<8 | uint16(r.b[r.off+1])
	r.off += 2
	return v
}

func (r *reader) u32() uint32 {
	if !r.need(4) {
		return 0
	}
	v := uint32(r.b[r.off])<<24 | uint32(r.b[r.off+1])<<16 | uint32(r.b[r.off+2])<<8 | uint32(r.b[r.off+3])
	r.off += 4
	return v
}

func (r *reader) bytes(n int) []byte {
	if !r.need(n) {
		return nil
	}
	v := r.b[r.off : r.off+n : r.off+n]
	r.off += n
	return v
}

func (r *reader) left() int { return len(r.b) - r.off }

// writer accumulates a big-endian record; range errors are collected so the
// encoders read straight through.
type writer struct {
	b   []byte
	err error
}

func (w *writer) u8(v int, what string) {
	if v < 0 || v > 0xff {
		w.fail("%s %d does not fit in 8 bits", what, v)
	}
	w.b = append(w.b, byte(v))
}

func (w *writer) u16(v int, what string) {
	if v < 0 || v > 0xffff {
		w.fail("%s %d does not fit in 16 bits", what, v)
	}
	w.b = append(w.b, byte(v>>8), byte(v))
}

func (w *writer) u32(v int, what string) {
	if v < 0 || int64(v) > 0xffffffff {
		w.fail("%s %d does not fit in 32 bits", what, v)
	}
	w.b = append(w.b, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

func (w *writer) raw(b []byte) { w.b = append(w.b, b...) }

func (w *writer) fail(format string, args ...any) {
	if w.err == nil {
		w.err = fmt.Errorf("minutiae: "+format, args...)
	}
}

// putU32At back-patches a length field.
func (w *writer) putU32At(at int, v int) {
	w.b[at], w.b[at+1], w.b[at+2], w.b[at+3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
}

const (
	maxCoordinate = 1<<14 - 1 // ISO/ANSI minutiae coordinates are 14 bits
	extRidgeCount = 0x0001
	extCoreDelta  = 0x0002
)

// readMinutia reads the 6-byte (or ISO 2011 5-byte) minutia shared by every
// binary format; angle conversion is left to the caller's unit.
func readMinutia(r *reader, withQuality bool, angle func(uint8) Angle) (Minutia, uint8) {
	xw := r.u16()
	yw := r.u16()
	a := r.u8()
	q := QualityNotReported
	if withQuality {
		q = r.u8()
	}
	return Minutia{
		X:         xw & maxCoordinate,
		Y:         yw & maxCoordinate,
		Kind:      Kind(xw >> 14),
		Direction: angle(a),
		Quality:   q,
	}, a
}

// readANSIMinutiae reads n INCITS 378 minutiae, keeping angle codes beyond
// 179 in t.NonconformingAngles.
func readANSIMinutiae(r *reader, t *Template, n int) {
	t.Minutiae = make([]Minutia, n)
	for j := range t.Minutiae {
		m, code := readMinutia(r, true, angleFromANSI)
		if code >= 180 {
			m.Direction = angleFromANSI(code % 180)
			t.NonconformingAngles = append(t.NonconformingAngles, RawAngle{Minutia: j, Code: code})
		}
		t.Minutiae[j] = m
	}
}

// writeANSIMinutiae writes t's minutiae in INCITS 378 form, restoring kept
// nonconforming angle codes whose direction is unchanged.
func writeANSIMinutiae(w *writer, t *Template, quality func(uint8) uint8) {
	kept := t.NonconformingAngles
	for j := range t.Minutiae {
		m := t.Minutiae[j]
		m.Quality = quality(m.Quality)
		angle := Angle.ansiAngle
		for len(kept) > 0 && kept[0].Minutia < j {
			kept = kept[1:]
		}
		if len(kept) > 0 && kept[0].Minutia == j && angleFromANSI(kept[0].Code%180) == m.Direction {
			code := kept[0].Code
			angle = func(Angle) uint8 { return code }
		}
		writeMinutia(w, &m, true, angle)
	}
}

func writeMinutia(w *writer, m *Minutia, withQuality bool, angle func(Angle) uint8) {
	if m.X > maxCoordinate || m.Y > maxCoordinate {
		w.fail("minutia at (%d,%d) is beyond the 14-bit coordinate range", m.X, m.Y)
	}
	if m.Kind > Bifurcation {
		w.fail("minutia kind %d has no code", m.Kind)
	}
	w.u16(int(m.Kind)<<14|int(m.X&maxCoordinate), "x")
	w.u16(int(m.Y&maxCoordinate), "y")
	w.u8(int(angle(m.Direction)), "angle")
	if withQuality {
		w.u8(int(m.Quality), "minutia quality")
	}
}

// legacyQuality maps the model's quality onto the 0–100 range of formats
// that have no "not reported" code; they use 0 for that.
func legacyQuality(q uint8) uint8 {
	if q > 100 {
		return 0
	}
	return q
}

// extensionFlavour captures how the formats differ in their extended data:
// the unit of core/delta angles, whether the angle flag is per point (ISO)
// or per block (ANSI), and whether a block's length counts its own 4-byte
// header (everyone but ISO 19794-2:2005).
type extensionFlavour struct {
	lengthIncludesHeader bool
	// eitherLength accepts the other length convention when the declared
	// one does not tile the area: ISO 2005 records are written both ways
	// (NIST libbiomeval counts the header, fingerprintio does not).
	eitherLength      bool
	perPointAngleFlag bool
	angleFrom         func(uint8) Angle
	angleTo           func(Angle) uint8
}

var (
	flavourISO2005 = extensionFlavour{true, true, true, angleFromISO, Angle.isoAngle}
	flavourISO2011 = extensionFlavour{true, false, true, angleFromISO, Angle.isoAngle}
	flavourANSI    = extensionFlavour{true, false, false, angleFromANSI, Angle.ansiAngle}
)

// readExtensions reads a view's extended data area: a 2-byte total length
// and blocks of type, length and data. Ridge-count and core/delta blocks are
// parsed into the template; a block that fails to parse, and any other
// type, is kept verbatim so that nothing is lost on re-encoding.
//
// last marks the record's final view. Some writers (NIST's own ISO 2005
// sample among them) declare a final area a byte longer than the record;
// there the area is cut at the end of the data instead of failing, since
// nothing follows that could be misread.
func readExtensions(r *reader, t *Template, fl extensionFlavour, last bool) {
	total := int(r.u16())
	clipped := false
	if r.err == nil && total > r.left() && last {
		total, clipped = r.left(), true
	}
	area := r.bytes(total)
	if r.err != nil {
		return
	}
	blocks, err := splitExtensions(area, fl.lengthIncludesHeader, clipped)
	if err != nil && fl.eitherLength {
		blocks, err = splitExtensions(area, !fl.lengthIncludesHeader, clipped)
	}
	if err != nil {
		r.err = fmt.Errorf("minutiae: %s: %w", r.ctx, err)
		return
	}
	for _, b := range blocks {
		var ok bool
		switch b.Type {
		case extRidgeCount:
			ok = parseRidgeCounts(b.Data, t)
		case extCoreDelta:
			ok = parseCoreDelta(b.Data, t, fl)
		}
		if !ok {
			t.Extensions = append(t.Extensions, Extension{Type: b.Type, Data: bytes.Clone(b.Data)})
		}
	}
}

// splitExtensions cuts an extended data area into blocks; the blocks must
// tile the area exactly. With clipped, the final block may run past the
// area's end and is cut there.
func splitExtensions(area []byte, includesHeader, clipped bool) ([]Extension, error) {
	var blocks []Extension
	for off := 0; off < len(area); {
		if len(area)-off < 4 {
			return nil, fmt.Errorf("extended data: %d stray bytes at the end", len(area)-off)
		}
		typ := uint16(area[off])<<8 | uint16(area[off+1])
		n := int(area[off+2])<<8 | int(area[off+3])
		if includesHeader {
			n -= 4
		}
		if n < 0 {
			return nil, fmt.Errorf("extended data block 0x%04x declares a length shorter than its header", typ)
		}
		off += 4
		if n > len(area)-off {
			if !clipped {
				return nil, fmt.Errorf("extended data block 0x%04x of %d bytes runs past its area (%d left)", typ, n, len(area)-off)
			}
			n = len(area) - off
		}
		blocks = append(blocks, Extension{Type: typ, Data: area[off : off+n]})
		off += n
	}
	return blocks, nil
}

func parseRidgeCounts(data []byte, t *Template) bool {
	if len(data) < 1 || t.RidgeCounts != nil {
		return false
	}
	t.RidgeMethod = RidgeCountMethod(data[0])
	// A trailing partial triplet (seen in the ANSI 378-2004 reference
	// sample) carries no count and is dropped, as other readers do.
	n := (len(data) - 1) / 3
	t.RidgeCounts = make([]RidgeCount, n)
	for i := range n {
		d := data[1+3*i:]
		t.RidgeCounts[i] = RidgeCount{From: d[0], To: d[1], Count: d[2]}
	}
	return true
}

func parseCoreDelta(data []byte, t *Template, fl extensionFlavour) bool {
	if t.Cores != nil || t.Deltas != nil {
		return false
	}
	r := &reader{b: data, ctx: "core/delta"}
	cores := readSingular(r, 1, fl)
	deltas := readSingular(r, 3, fl)
	if r.err != nil || r.left() != 0 {
		return false
	}
	t.Cores, t.Deltas = cores, deltas
	if t.Cores == nil {
		t.Cores = []SingularPoint{}
	}
	return true
}

func readSingular(r *reader, angles int, fl extensionFlavour) []SingularPoint {
	info := r.u8()
	count := int(info & 0x0f)
	blockAngles := info&0x40 != 0
	var pts []SingularPoint
	for range count {
		xw, yw := r.u16(), r.u16()
		has := blockAngles
		if fl.perPointAngleFlag {
			has = xw&0x4000 != 0
		}
		p := SingularPoint{X: xw & maxCoordinate, Y: yw & maxCoordinate, HasDirection: has}
		if has {
			for range angles {
				p.Directions = append(p.Directions, fl.angleFrom(r.u8()))
			}
		}
		if r.err != nil {
			return nil
		}
		pts = append(pts, p)
	}
	return pts
}

func writeExtensions(w *writer, t *Template, fl extensionFlavour) {
	var area writer
	block := func(typ uint16, data []byte) {
		n := len(data)
		if fl.lengthIncludesHeader {
			n += 4
		}
		area.u16(int(typ), "extension type")
		area.u16(n, "extension length")
		area.raw(data)
	}
	if t.RidgeCounts != nil {
		data := []byte{byte(t.RidgeMethod)}
		for _, c := range t.RidgeCounts {
			data = append(data, c.From, c.To, c.Count)
		}
		block(extRidgeCount, data)
	}
	if t.Cores != nil || t.Deltas != nil {
		var cd writer
		writeSingular(&cd, t.Cores, 1, fl)
		writeSingular(&cd, t.Deltas, 3, fl)
		if cd.err != nil && w.err == nil {
			w.err = cd.err
		}
		block(extCoreDelta, cd.b)
	}
	for _, e := range t.Extensions {
		block(e.Type, e.Data)
	}
	if area.err != nil && w.err == nil {
		w.err = area.err
	}
	w.u16(len(area.b), "extended data length")
	w.raw(area.b)
}

func writeSingular(w *writer, pts []SingularPoint, angles int, fl extensionFlavour) {
	if len(pts) > 15 {
		w.fail("%d singular points of one kind; the formats hold at most 15", len(pts))
	}
	// ANSI flags angles for the whole block: write them only if every
	// point has them.
	all := len(pts) > 0
	for _, p := range pts {
		all = all && p.HasDirection && len(p.Directions) == angles
	}
	info := len(pts) & 0x0f
	if !fl.perPointAngleFlag && all {
		info |= 0x40
	}
	w.u8(info, "singular point count")
	for _, p := range pts {
		has := all
		if fl.perPointAngleFlag {
			has = p.HasDirection && len(p.Directions) == angles
		}
		if p.X > maxCoordinate || p.Y > maxCoordinate {
			w.fail("singular point at (%d,%d) is beyond the 14-bit coordinate range", p.X, p.Y)
		}
		xw := int(p.X & maxCoordinate)
		if fl.perPointAngleFlag && has {
			xw |= 0x4000
		}
		w.u16(xw, "x")
		w.u16(int(p.Y&maxCoordinate), "y")
		if has {
			for _, a := range p.Directions {
				w.u8(int(fl.angleTo(a)), "angle")
			}
		}
	}
}

// legacyLayout distinguishes the two " 20" formats, which share the view
// layout but not the record header.
type legacyLayout int

const (
	legacyISO legacyLayout = iota
	legacyANSI
)

// decodeLegacy reads ISO/IEC 19794-2:2005 and ANSI INCITS 378-2004 records.
func decodeLegacy(data []byte, layout legacyLayout) (*Record, error) {
	name := map[legacyLayout]string{legacyISO: "iso2005", legacyANSI: "ansi2004"}[layout]
	r := &reader{b: data, ctx: name}
	magic := r.bytes(8)
	if r.err != nil || !bytes.Equal(magic[:4], []byte("FMR\x00")) || !bytes.Equal(magic[5:], []byte("20\x00")) || (magic[4] != ' ' && magic[4] != '0') {
		return nil, fmt.Errorf("minutiae: %s: missing FMR/ 20 header", name)
	}
	var declared int
	rec := &Record{}
	fl := flavourISO2005
	if layout == legacyANSI {
		fl = flavourANSI
		declared = int(r.u16())
		if declared == 0 {
			declared = int(r.u32())
		}
		rec.ProductOwner = r.u16()
		rec.ProductType = r.u16()
	} else {
		declared = int(r.u32())
	}
	if r.err == nil && declared > len(data) {
		return nil, fmt.Errorf("minutiae: %s: record length %d is beyond the %d bytes given", name, declared, len(data))
	}
	equip := r.u16()
	dev := CaptureDevice{Compliance: uint8(equip >> 12), Type: equip & 0x0fff}
	width, height := r.u16(), r.u16()
	xres, yres := r.u16(), r.u16()
	nviews := int(r.u8())
	r.u8() // reserved
	if r.err != nil {
		return nil, r.err
	}
	// Each view takes at least 6 bytes: bound the allocation by the data.
	if nviews*6 > r.left() {
		return nil, fmt.Errorf("minutiae: %s: %d views declared but only %d bytes follow", name, nviews, r.left())
	}
	rec.Views = make([]Template, 0, nviews)
	for i := range nviews {
		r.ctx = fmt.Sprintf("%s view %d", name, i)
		t := Template{Width: width, Height: height, ResolutionX: xres, ResolutionY: yres, Device: dev}
		t.Position = Position(r.u8())
		vi := r.u8()
		t.View, t.Impression = vi>>4, Impression(vi&0x0f)
		t.Qualities = []QualityRecord{{Score: r.u8()}}
		n := int(r.u8())
		if r.err == nil && n*6 > r.left() {
			return nil, fmt.Errorf("minutiae: %s: %d minutiae declared but only %d bytes follow", r.ctx, n, r.left())
		}
		if layout == legacyANSI {
			readANSIMinutiae(r, &t, n)
		} else {
			t.Minutiae = make([]Minutia, n)
			for j := range t.Minutiae {
				t.Minutiae[j], _ = readMinutia(r, true, fl.angleFrom)
			}
		}
		readExtensions(r, &t, fl, i == nviews-1)
		if r.err != nil {
			return nil, r.err
		}
		rec.Views = append(rec.Views, t)
	}
	return rec, nil
}

func encodeLegacy(rec *Record, layout legacyLayout) ([]byte, error) {
	if len(rec.Views) == 0 {
		return nil, errors.New("minutiae: a record needs at least one view")
	}
	v0 := &rec.Views[0]
	for i := range rec.Views {
		v := &rec.Views[i]
		if v.Width != v0.Width || v.Height != v0.Height || v.ResolutionX != v0.ResolutionX || v.ResolutionY != v0.ResolutionY {
			return nil, fmt.Errorf("minutiae: view %d has another image size or resolution than view 0; ISO 2005 and ANSI 2004 keep one per record", i)
		}
	}
	fl := flavourISO2005
	w := &writer{b: make([]byte, 0, 64+len(rec.Views)*(6+6*40))}
	w.raw([]byte("FMR\x00 20\x00"))
	lengthAt := len(w.b)
	if layout == legacyANSI {
		fl = flavourANSI
		w.raw([]byte{0, 0, 0, 0, 0, 0}) // room for the long form; trimmed below if short
		w.u16(int(rec.ProductOwner), "product owner")
		w.u16(int(rec.ProductType), "product type")
	} else {
		w.raw([]byte{0, 0, 0, 0})
	}
	if v0.Device.Type > 0x0fff || v0.Device.Compliance > 0x0f {
		w.fail("capture device type %d / compliance %d do not fit in 12 + 4 bits", v0.Device.Type, v0.Device.Compliance)
	}
	w.u16(int(v0.Device.Compliance&0x0f)<<12|int(v0.Device.Type&0x0fff), "capture equipment")
	w.u16(int(v0.Width), "width")
	w.u16(int(v0.Height), "height")
	w.u16(int(v0.ResolutionX), "x resolution")
	w.u16(int(v0.ResolutionY), "y resolution")
	w.u8(len(rec.Views), "number of views")
	w.u8(0, "reserved")
	for i := range rec.Views {
		v := &rec.Views[i]
		if v.View > 0x0f || v.Impression > 0x0f {
			w.fail("view %d: view number %d / impression %d do not fit in 4 bits", i, v.View, v.Impression)
		}
		w.u8(int(v.Position), "position")
		w.u8(int(v.View&0x0f)<<4|int(v.Impression&0x0f), "view and impression")
		w.u8(int(legacyQuality(v.Quality())), "quality")
		w.u8(len(v.Minutiae), "number of minutiae")
		if layout == legacyANSI {
			writeANSIMinutiae(w, v, legacyQuality)
		} else {
			for j := range v.Minutiae {
				m := v.Minutiae[j]
				m.Quality = legacyQuality(m.Quality)
				writeMinutia(w, &m, true, fl.angleTo)
			}
		}
		writeExtensions(w, v, fl)
	}
	if w.err != nil {
		return nil, w.err
	}
	out := w.b
	if layout == legacyANSI {
		total := len(out)
		if total-4 <= 0xffff {
			// Short form: drop the 4 spare bytes of the long form.
			out = append(out[:lengthAt+2], out[lengthAt+6:]...)
			total = len(out)
			out[lengthAt], out[lengthAt+1] = byte(total>>8), byte(total)
		} else {
			out[lengthAt], out[lengthAt+1] = 0, 0
			w.b = out
			w.putU32At(lengthAt+2, total)
		}
		return out, nil
	}
	w.putU32At(lengthAt, len(out))
	return out, nil
}

// decodeANSI2009 reads ANSI INCITS 378-2009 and its 2010 amendment, which
// share one layout and differ in the version string and in code tables.
//
// Two record headers are in use under the "030" version: a 1-byte
// compliance field followed by a 16-bit capture equipment ID (the
// published 2009 layout, as in the reference samples), and the older 16-bit
// compliance-and-ID word of the 2004 format (NIST libbiomeval's "378-2007"
// records). The header that makes the views end exactly at the end of the
// record is the one used; a record either way could be read is read with
// the 2009 layout.
func decodeANSI2009(data []byte, f Format) (*Record, error) {
	rec, end, err := decodeANSI2009Layout(data, f, false)
	if err == nil && end == len(data) && len(rec.Views) > 0 {
		return rec, nil
	}
	rec2, end2, err2 := decodeANSI2009Layout(data, f, true)
	if err2 == nil && end2 == len(data) && len(rec2.Views) > 0 {
		return rec2, nil
	}
	switch {
	case err == nil && len(rec.Views) > 0:
		return rec, nil // trailing bytes after a sound record are ignored
	case err2 == nil && len(rec2.Views) > 0:
		return rec2, nil
	case err != nil:
		return nil, err
	}
	return nil, fmt.Errorf("minutiae: %v: record holds no finger view", f)
}

func decodeANSI2009Layout(data []byte, f Format, shortEquipment bool) (*Record, int, error) {
	r := &reader{b: data, ctx: f.String()}
	magic := r.bytes(8)
	if r.err != nil || !bytes.Equal(magic[:4], []byte("FMR\x00")) {
		return nil, 0, fmt.Errorf("minutiae: %v: missing FMR header", f)
	}
	declared := int(r.u32())
	if r.err == nil && declared > len(data) {
		return nil, 0, fmt.Errorf("minutiae: %v: record length %d is beyond the %d bytes given", f, declared, len(data))
	}
	rec := &Record{ProductOwner: r.u16(), ProductType: r.u16()}
	var dev CaptureDevice
	if shortEquipment {
		equip := r.u16()
		dev = CaptureDevice{Compliance: uint8(equip >> 12), Type: equip & 0x0fff}
	} else {
		compliance := r.u8()
		dev = CaptureDevice{Compliance: compliance >> 4, Type: r.u16()}
	}
	nviews := int(r.u8())
	r.u8() // reserved
	if r.err != nil {
		return nil, 0, r.err
	}
	if nviews*19 > r.left() {
		return nil, 0, fmt.Errorf("minutiae: %v: %d views declared but only %d bytes follow", f, nviews, r.left())
	}
	rec.Views = make([]Template, 0, nviews)
	for i := range nviews {
		r.ctx = fmt.Sprintf("%v view %d", f, i)
		t := Template{Device: dev}
		t.Position = Position(r.u8())
		t.View = r.u8()
		t.Impression = Impression(r.u8())
		q := QualityRecord{Score: r.u8()}
		q.VendorID, q.AlgorithmID = r.u16(), r.u16()
		t.Qualities = []QualityRecord{q}
		t.Width, t.Height = r.u16(), r.u16()
		t.ResolutionX, t.ResolutionY = r.u16(), r.u16()
		n := int(r.u8())
		if r.err == nil && n*6 > r.left() {
			return nil, 0, fmt.Errorf("minutiae: %s: %d minutiae declared but only %d bytes follow", r.ctx, n, r.left())
		}
		readANSIMinutiae(r, &t, n)
		readExtensions(r, &t, flavourANSI, i == nviews-1)
		if r.err != nil {
			return nil, 0, r.err
		}
		rec.Views = append(rec.Views, t)
	}
	return rec, r.off, nil
}

func encodeANSI2009(rec *Record, f Format) ([]byte, error) {
	if len(rec.Views) == 0 {
		return nil, errors.New("minutiae: a record needs at least one view")
	}
	w := &writer{}
	if f == FormatANSI2009AM1 {
		w.raw([]byte("FMR\x00035\x00"))
	} else {
		w.raw([]byte("FMR\x00030\x00"))
	}
	w.raw([]byte{0, 0, 0, 0})
	w.u16(int(rec.ProductOwner), "product owner")
	w.u16(int(rec.ProductType), "product type")
	dev := rec.Views[0].Device
	w.u8(int(dev.Compliance&0x0f)<<4, "compliance")
	w.u16(int(dev.Type), "capture equipment ID")
	w.u8(len(rec.Views), "number of views")
	w.u8(0, "reserved")
	for i := range rec.Views {
		v := &rec.Views[i]
		w.u8(int(v.Position), "position")
		w.u8(int(v.View), "view number")
		w.u8(int(v.Impression), "impression")
		var q QualityRecord
		if len(v.Qualities) > 0 {
			q = v.Qualities[0]
		}
		w.u8(int(q.Score), "quality")
		w.u16(int(q.VendorID), "quality vendor")
		w.u16(int(q.AlgorithmID), "quality algorithm")
		w.u16(int(v.Width), "width")
		w.u16(int(v.Height), "height")
		w.u16(int(v.ResolutionX), "x resolution")
		w.u16(int(v.ResolutionY), "y resolution")
		w.u8(len(v.Minutiae), "number of minutiae")
		writeANSIMinutiae(w, v, func(q uint8) uint8 { return q })
		writeExtensions(w, v, flavourANSI)
	}
	if w.err != nil {
		return nil, w.err
	}
	w.putU32At(8, len(w.b))
	return w.b, nil
}
