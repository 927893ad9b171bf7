package ansinist

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
)

// Information separators of the traditional encoding (ANSI/NIST-ITL 1-2011
// Annex B).
const (
	sepFS = 0x1C // file separator: ends a tagged record
	sepGS = 0x1D // group separator: ends a field
	sepRS = 0x1E // record separator: separates subfields
	sepUS = 0x1F // unit separator: separates information items
)

// MaxFileSize is the largest file ReadFile accepts. Transactions are read
// into memory whole; a tenprint card with palms at 1000 ppi stays well below
// this, and the limit keeps a mistaken path (a disk image, a device) from
// exhausting memory.
const MaxFileSize = 1 << 30

// ErrMalformed is matched (with errors.Is) by every error that reports a
// transaction that does not follow the traditional encoding.
var ErrMalformed = errors.New("ansinist: malformed transaction")

// FormatError describes where and why a transaction could not be parsed.
type FormatError struct {
	Offset int // byte offset in the input where the problem was found
	Record int // index of the record in the transaction (0 = Type-1)
	Type   int // record type as listed in CNT (0 if not known yet)
	Msg    string
}

func (e *FormatError) Error() string {
	if e.Type > 0 {
		return fmt.Sprintf("ansinist: record %d (Type-%d) at offset %d: %s", e.Record, e.Type, e.Offset, e.Msg)
	}
	return fmt.Sprintf("ansinist: record %d at offset %d: %s", e.Record, e.Offset, e.Msg)
}

// Is makes every FormatError match ErrMalformed.
func (e *FormatError) Is(target error) bool { return target == ErrMalformed }

// Transaction is a decoded ANSI/NIST-ITL transaction (file).
type Transaction struct {
	// Version is field 1.002 VER as written ("0400" for ANSI/NIST-ITL 1-2011).
	Version string
	// Records holds every record in file order, starting with the Type-1
	// record; each one listed in the Type-1 CNT field is present.
	Records []*Record
	// NativeResolution and NominalResolution are fields 1.011 NSR and 1.012
	// NTR in pixels per millimetre (0 when absent or "00.00"). They give the
	// resolution of the binary image records (Types 3–6), which carry only
	// a flag choosing one of them.
	NativeResolution, NominalResolution float64

	imagesOnce sync.Once
	images     map[int]*Record // friction-ridge image per IDC, see ridgeImage
}

// Record is one logical record. For tagged records (Types 1, 2, 9–99) Fields
// lists every field in file order, the binary field *.999 included. The
// binary records (Types 3–8) have their fixed header presented as fields too,
// numbered as in the standard (for Type-4: 4.001 LEN, 4.002 IDC, 4.003 IMP,
// 4.004 FGP with its six bytes as six subfields, 4.005 ISR, 4.006 HLL,
// 4.007 VLL, 4.008 GCA, 4.009 DATA), with decimal text values.
type Record struct {
	Type int // record type, from the Type-1 CNT field
	// IDC is the information designation character linking records that
	// belong together (a Type-9 and the image its minutiae came from); -1
	// for the Type-1 record, which has none.
	IDC    int
	Fields []Field
	// Data is the binary payload: field *.999 of tagged records, the image
	// or opaque bytes after the header of binary records. It aliases the
	// input given to Decode.
	Data []byte
	// Offset and Length locate the record in the input.
	Offset, Length int

	tx *Transaction
}

// Field is one field of a record: the tag T.NNN and the raw value between
// the colon and the terminating separator.
type Field struct {
	Type   int // the T of the tag; normally the record's type
	Number int // the NNN of the tag (14.013 → 13)
	// Value is the raw value, subfield and item separators included. For
	// text fields it is ASCII or UTF-8; for *.999 it is binary. It aliases
	// the input given to Decode.
	Value []byte
}

// Tag is the field tag as written in the standard, e.g. "14.013".
func (f Field) Tag() string { return fmt.Sprintf("%d.%03d", f.Type, f.Number) }

// String is the raw value as text.
func (f Field) String() string { return string(f.Value) }

// Subfields splits the value into subfields (RS) and information items (US).
// A value without separators is one subfield of one item.
func (f Field) Subfields() [][]string {
	subs := strings.Split(string(f.Value), string(rune(sepRS)))
	out := make([][]string, len(subs))
	for i, s := range subs {
		out[i] = strings.Split(s, string(rune(sepUS)))
	}
	return out
}

// Field returns the first field of the record with the given number whose
// tag names the record's own type.
func (r *Record) Field(number int) (Field, bool) {
	for _, f := range r.Fields {
		if f.Number == number && f.Type == r.Type {
			return f, true
		}
	}
	return Field{}, false
}

// Text returns the value of field number as text ("" when absent).
func (r *Record) Text(number int) string {
	f, ok := r.Field(number)
	if !ok {
		return ""
	}
	return string(f.Value)
}

// Int returns field number as a decimal integer; ok is false when the field
// is absent or not a number.
func (r *Record) Int(number int) (int, bool) {
	f, ok := r.Field(number)
	if !ok {
		return 0, false
	}
	return atoi(string(f.Value))
}

// Transaction is the transaction the record belongs to.
func (r *Record) Transaction() *Transaction { return r.tx }

// atoi parses a small non-negative or negative decimal integer, tolerating
// surrounding spaces; it refuses values beyond ±10⁹ so that arithmetic on
// the result cannot overflow.
func atoi(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 10 {
		return 0, false
	}
	v, err := strconv.Atoi(s)
	if err != nil || v > 1e9 || v < -1e9 {
		return 0, false
	}
	return v, true
}

// ReadFile reads and decodes the transaction in the named file. Files larger
// than MaxFileSize are refused before anything is read.
func ReadFile(path string) (*Transaction, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ansinist: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("ansinist: %w", err)
	}
	if st.Size() > MaxFileSize {
		return nil, fmt.Errorf("ansinist: %s is %d bytes, more than the %d accepted", path, st.Size(), MaxFileSize)
	}
	// The size is read again through a limit: the file may grow, or Stat may
	// report 0 for special files.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("ansinist: %w", err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("ansinist: %s is more than the %d bytes accepted", path, MaxFileSize)
	}
	return Decode(data)
}

// cntEntry is one record listed in the Type-1 CNT field.
type cntEntry struct{ typ, idc int }

// Decode parses a transaction in the traditional encoding. The records keep
// slices of data; the caller must not modify it afterwards.
func Decode(data []byte) (*Transaction, error) {
	if len(data) == 0 {
		return nil, &FormatError{Msg: "empty input"}
	}
	t := &Transaction{}
	first, n, err := parseTagged(data, 0, 0, 1)
	if err != nil {
		return nil, err
	}
	first.IDC = -1
	first.tx = t
	t.Version = first.Text(2)
	if v, ok := parseFloat(first.Text(11)); ok {
		t.NativeResolution = v
	}
	if v, ok := parseFloat(first.Text(12)); ok {
		t.NominalResolution = v
	}
	entries, err := parseCNT(first)
	if err != nil {
		return nil, err
	}
	// Each record takes at least a few bytes, so the capacity is bounded by
	// the input as well as by CNT.
	t.Records = make([]*Record, 0, 1+min(len(entries), len(data)/minRecordSize))
	t.Records = append(t.Records, first)
	off := n
	for i, e := range entries {
		idx := i + 1
		if off >= len(data) {
			return nil, &FormatError{Offset: off, Record: idx, Type: e.typ,
				Msg: fmt.Sprintf("CNT lists %d records after Type-1 but the input ends after %d of them", len(entries), i)}
		}
		rec, n, err := parseRecord(data, off, idx, e.typ)
		if err != nil {
			return nil, err
		}
		if rec.IDC < 0 {
			rec.IDC = e.idc
		}
		rec.tx = t
		t.Records = append(t.Records, rec)
		off += n
	}
	// Bytes after the last listed record are ignored: some writers pad files,
	// and nothing there is addressable by CNT. The image index is built on
	// first use, after Records is complete.
	return t, nil
}

// minRecordSize is a lower bound on the encoded size of any record, used
// only to bound preallocation.
const minRecordSize = 5

func parseFloat(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 16 {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 || v > 1e6 {
		return 0, false
	}
	return v, true
}

// parseCNT reads field 1.003: a first subfield "1 US n" then n subfields
// "type US IDC".
func parseCNT(first *Record) ([]cntEntry, error) {
	f, ok := first.Field(3)
	if !ok {
		return nil, &FormatError{Record: 0, Type: 1, Msg: "field 1.003 CNT is missing"}
	}
	subs := f.Subfields()
	bad := func(msg string, a ...any) error {
		return &FormatError{Record: 0, Type: 1, Msg: "field 1.003 CNT: " + fmt.Sprintf(msg, a...)}
	}
	if len(subs[0]) < 2 {
		return nil, bad("first subfield %q lacks the record count", strings.Join(subs[0], "/"))
	}
	if typ, ok := atoi(subs[0][0]); !ok || typ != 1 {
		return nil, bad("first subfield names type %q, not 1", subs[0][0])
	}
	count, ok := atoi(subs[0][1])
	if !ok || count < 0 {
		return nil, bad("record count %q is not a number", subs[0][1])
	}
	if count != len(subs)-1 {
		return nil, bad("declares %d records but lists %d", count, len(subs)-1)
	}
	entries := make([]cntEntry, 0, len(subs)-1)
	for i, s := range subs[1:] {
		if len(s) < 2 {
			return nil, bad("subfield %d has %d items, want type and IDC", i+2, len(s))
		}
		typ, ok1 := atoi(s[0])
		idc, ok2 := atoi(s[1])
		if !ok1 || !ok2 || typ < 1 || typ > 999 || idc < 0 {
			return nil, bad("subfield %d %q is not a record type and IDC", i+2, strings.Join(s, "/"))
		}
		if typ == 1 {
			return nil, bad("subfield %d lists a second Type-1 record", i+2)
		}
		entries = append(entries, cntEntry{typ, idc})
	}
	return entries, nil
}

// binaryHeaderSize is the fixed header size of the binary record types.
func binaryHeaderSize(typ int) int {
	switch typ {
	case 3, 4, 5, 6:
		return 18
	case 8:
		return 12
	}
	return 5 // LEN and IDC: Type-7 and binary records of unknown type
}

// parseRecord parses the record of the given type (from CNT) at off.
func parseRecord(data []byte, off, idx, typ int) (*Record, int, error) {
	buf := data[off:]
	switch {
	case typ >= 3 && typ <= 8:
		return parseBinary(data, off, idx, typ)
	case typ == 2 || (typ >= 9 && typ <= 99):
		return parseTagged(data, off, idx, typ)
	}
	// A type this package does not know: tagged if it starts like one,
	// otherwise binary with the common LEN and IDC header. Either way LEN
	// lets the record be skipped.
	if _, _, _, ok := parseTag(buf, 0); ok {
		return parseTagged(data, off, idx, typ)
	}
	return parseBinary(data, off, idx, typ)
}

// parseTag parses "T.NNN:" at buf[pos:], returning the type, the number and
// the position after the colon.
func parseTag(buf []byte, pos int) (typ, num, next int, ok bool) {
	typ, pos, ok = digits(buf, pos, 3)
	if !ok || pos >= len(buf) || buf[pos] != '.' {
		return 0, 0, 0, false
	}
	num, pos, ok = digits(buf, pos+1, 9)
	if !ok || pos >= len(buf) || buf[pos] != ':' {
		return 0, 0, 0, false
	}
	return typ, num, pos + 1, true
}

// digits reads 1..max decimal digits at buf[pos:].
func digits(buf []byte, pos, max int) (v, next int, ok bool) {
	start := pos
	for pos < len(buf) && pos-start < max && buf[pos] >= '0' && buf[pos] <= '9' {
		v = v*10 + int(buf[pos]-'0')
		pos++
	}
	return v, pos, pos > start
}

// parseTagged parses a tagged record at data[off:]; want is the type CNT
// lists for it.
func parseTagged(data []byte, off, idx, want int) (*Record, int, error) {
	buf := data[off:]
	fail := func(at int, msg string, a ...any) (*Record, int, error) {
		return nil, 0, &FormatError{Offset: off + at, Record: idx, Type: want, Msg: fmt.Sprintf(msg, a...)}
	}
	typ, num, pos, ok := parseTag(buf, 0)
	if !ok {
		return fail(0, "does not start with a %d.001 tag", want)
	}
	if typ != want || num != 1 {
		return fail(0, "starts with tag %d.%03d, want %d.001", typ, num, want)
	}
	// LEN: at most 10 digits (the 1 GiB input limit has 10), then GS or FS.
	length, end, ok := digits(buf, pos, 10)
	if !ok {
		return fail(pos, "LEN is not a number")
	}
	if end < len(buf) && buf[end] >= '0' && buf[end] <= '9' {
		return fail(pos, "LEN has more than 10 digits")
	}
	if end >= len(buf) || (buf[end] != sepGS && buf[end] != sepFS) {
		return fail(end, "LEN is not followed by a separator")
	}
	if length <= end {
		return fail(pos, "LEN %d is shorter than its own field", length)
	}
	if length > len(buf) {
		return fail(pos, "LEN %d exceeds the %d bytes left in the input", length, len(buf))
	}
	rec := buf[:length]
	last := length - 1
	if rec[last] != sepFS {
		return fail(last, "LEN %d does not end on a record separator (FS)", length)
	}
	r := &Record{Type: typ, IDC: -1, Offset: off, Length: length}
	nfields := 0
	for p := 0; p < last; p++ {
		if rec[p] == sepGS {
			nfields++
		}
	}
	r.Fields = make([]Field, 0, nfields+1)
	p := 0
	for p < last {
		ft, fn, vs, ok := parseTag(rec[:last], p)
		if !ok {
			return fail(p, "malformed field tag %q", preview(rec[p:last]))
		}
		if fn == 999 {
			// Binary data runs to the end of the record whatever bytes it
			// holds; only LEN says where it stops.
			v := rec[vs:last]
			r.Fields = append(r.Fields, Field{Type: ft, Number: fn, Value: v})
			r.Data = v
			p = last
			break
		}
		e := vs
		for e < last && rec[e] != sepGS && rec[e] != sepFS {
			e++
		}
		if e < last && rec[e] == sepFS {
			return fail(e, "field %d.%03d: record separator (FS) before the end given by LEN %d", ft, fn, length)
		}
		r.Fields = append(r.Fields, Field{Type: ft, Number: fn, Value: rec[vs:e]})
		p = e + 1
	}
	if typ != 1 {
		if v, ok := r.Int(2); ok && v >= 0 {
			r.IDC = v
		}
	}
	return r, length, nil
}

func preview(b []byte) string {
	if len(b) > 16 {
		b = b[:16]
	}
	return string(b)
}

// parseBinary parses a binary record: a 4-byte big-endian LEN, a 1-byte IDC
// and, for Types 3–6 and 8, a fixed header (see binaryHeaderSize).
func parseBinary(data []byte, off, idx, typ int) (*Record, int, error) {
	buf := data[off:]
	fail := func(msg string, a ...any) (*Record, int, error) {
		return nil, 0, &FormatError{Offset: off, Record: idx, Type: typ, Msg: fmt.Sprintf(msg, a...)}
	}
	hdr := binaryHeaderSize(typ)
	if len(buf) < 4 {
		return fail("only %d bytes left, too few for a LEN", len(buf))
	}
	length := int(uint32(buf[0])<<24 | uint32(buf[1])<<16 | uint32(buf[2])<<8 | uint32(buf[3]))
	if length < hdr {
		return fail("LEN %d is shorter than the %d-byte header", length, hdr)
	}
	if length > len(buf) {
		return fail("LEN %d exceeds the %d bytes left in the input", length, len(buf))
	}
	rec := buf[:length]
	r := &Record{Type: typ, IDC: int(rec[4]), Offset: off, Length: length, Data: rec[hdr:]}
	num := func(n, v int) Field {
		return Field{Type: typ, Number: n, Value: []byte(strconv.Itoa(v))}
	}
	u16 := func(p int) int { return int(rec[p])<<8 | int(rec[p+1]) }
	r.Fields = append(r.Fields, num(1, length), num(2, int(rec[4])))
	switch typ {
	case 3, 4, 5, 6:
		fgp := make([]byte, 0, 6*4)
		for i := 0; i < 6; i++ {
			if i > 0 {
				fgp = append(fgp, sepRS)
			}
			fgp = strconv.AppendInt(fgp, int64(rec[6+i]), 10)
		}
		r.Fields = append(r.Fields,
			num(3, int(rec[5])),
			Field{Type: typ, Number: 4, Value: fgp},
			num(5, int(rec[12])),
			num(6, u16(13)),
			num(7, u16(15)),
			num(8, int(rec[17])),
			Field{Type: typ, Number: 9, Value: r.Data})
	case 8:
		r.Fields = append(r.Fields,
			num(3, int(rec[5])), // SIG: signature type
			num(4, int(rec[6])), // SRT: representation type
			num(5, int(rec[7])), // ISR
			num(6, u16(8)),
			num(7, u16(10)),
			Field{Type: typ, Number: 8, Value: r.Data})
	default:
		r.Fields = append(r.Fields, Field{Type: typ, Number: 3, Value: r.Data})
	}
	return r, length, nil
}
