package ansinist

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/png"
	"strconv"
	"strings"
)

// This file is a tiny test-only writer for the traditional encoding, enough
// to assemble fixtures whose every byte the tests control.

// fld is one field of a tagged record under construction.
type fld struct {
	num int
	val string // raw bytes; binary for *.999
}

// items joins information items with US.
func items(v ...string) string { return strings.Join(v, "\x1f") }

// subs joins subfields with RS.
func subs(v ...string) string { return strings.Join(v, "\x1e") }

// tagged encodes a tagged record; field T.001 LEN is computed and prepended.
func tagged(typ int, fields ...fld) []byte {
	var body bytes.Buffer
	for _, f := range fields {
		fmt.Fprintf(&body, "\x1d%d.%03d:%s", typ, f.num, f.val)
	}
	body.WriteByte(sepFS)
	prefix := fmt.Sprintf("%d.001:", typ)
	// LEN counts its own digits: iterate to the fixed point.
	n := len(prefix) + body.Len()
	for {
		m := len(prefix) + len(strconv.Itoa(n)) + body.Len()
		if m == n {
			break
		}
		n = m
	}
	return append([]byte(prefix+strconv.Itoa(n)), body.Bytes()...)
}

// binaryImage encodes a Type-3…6 record.
func binaryImage(typ, idc, imp int, fgp [6]byte, isr, hll, vll, gca int, data []byte) []byte {
	b := make([]byte, 18, 18+len(data))
	binary.BigEndian.PutUint32(b, uint32(18+len(data)))
	b[4], b[5] = byte(idc), byte(imp)
	copy(b[6:12], fgp[:])
	b[12] = byte(isr)
	binary.BigEndian.PutUint16(b[13:], uint16(hll))
	binary.BigEndian.PutUint16(b[15:], uint16(vll))
	b[17] = byte(gca)
	return append(b, data...)
}

// opaque encodes a binary record with only LEN and IDC (Type-7, unknown).
func opaque(idc int, data []byte) []byte {
	b := make([]byte, 5, 5+len(data))
	binary.BigEndian.PutUint32(b, uint32(5+len(data)))
	b[4] = byte(idc)
	return append(b, data...)
}

// signature encodes a Type-8 record.
func signature(idc, sig, srt, isr, hll, vll int, data []byte) []byte {
	b := make([]byte, 12, 12+len(data))
	binary.BigEndian.PutUint32(b, uint32(12+len(data)))
	b[4], b[5], b[6], b[7] = byte(idc), byte(sig), byte(srt), byte(isr)
	binary.BigEndian.PutUint16(b[8:], uint16(hll))
	binary.BigEndian.PutUint16(b[10:], uint16(vll))
	return append(b, data...)
}

// rec is an encoded record with its CNT entry.
type rec struct {
	typ, idc int
	enc      []byte
}

// transaction assembles Type-1 (with CNT listing recs) and the records.
func transaction(extra []fld, recs ...rec) []byte {
	cnt := []string{items("1", strconv.Itoa(len(recs)))}
	for _, r := range recs {
		cnt = append(cnt, items(strconv.Itoa(r.typ), fmt.Sprintf("%02d", r.idc)))
	}
	fields := []fld{{2, "0400"}, {3, subs(cnt...)}, {4, "TEST"}, {5, "20240101"},
		{7, "DAI000000"}, {8, "ORI000000"}, {9, "TCN-1"}}
	fields = append(fields, extra...)
	out := tagged(1, fields...)
	for _, r := range recs {
		out = append(out, r.enc...)
	}
	return out
}

// gradient is a deterministic grey test pattern.
func gradient(w, h int) []byte {
	b := make([]byte, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			b[y*w+x] = byte(x*7 + y*3)
		}
	}
	return b
}

func pngGray(w, h int) []byte {
	img := image.NewGray(image.Rect(0, 0, w, h))
	copy(img.Pix, gradient(w, h))
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// Fixture geometry shared by the golden tests.
const (
	fxW, fxH = 100, 80 // the Type-14 IDC 2 image the Type-9 refers to
)

// fixtureRecords builds the records of the main fixture transaction:
//
//	Type-2  IDC 0  UTF-8 text
//	Type-4  IDC 1  raw 8-bit 4×3, right index, live rolled
//	Type-14 IDC 2  raw 8-bit 100×80 at 500 ppi, left middle
//	Type-9  IDC 2  standard and M1 forms of the same two minutiae
//	Type-14 IDC 3  PNG 6×5 at 197 ppcm
//	Type-7  IDC 4  opaque bytes
//	Type-8  IDC 5  signature
//	Type-9  IDC 9  EFS minutiae, no image
//	Type-250 IDC 6 unknown binary record
func fixtureRecords() []rec {
	t2 := tagged(2, fld{2, "00"}, fld{3, "指纹 — empreinte digitale"}, fld{3, "second"})
	t4 := binaryImage(4, 1, 1, [6]byte{2, 255, 255, 255, 255, 255}, 0, 4, 3, 0, gradient(4, 3))
	t14 := tagged(14, fld{2, "02"}, fld{3, "1"}, fld{4, "TESTSRC"}, fld{5, "20240101"},
		fld{6, strconv.Itoa(fxW)}, fld{7, strconv.Itoa(fxH)}, fld{8, "1"}, fld{9, "500"}, fld{10, "500"},
		fld{11, "NONE"}, fld{12, "8"}, fld{13, "8"}, fld{999, string(gradient(fxW, fxH))})
	// Standard form: x, y in 0.01 mm from the bottom-left, theta away from
	// the ridge. At 500 ppi 2.54 mm is 50 px and 1.27 mm 25 px.
	t9 := tagged(9, fld{2, "02"}, fld{3, "1"}, fld{4, "S"}, fld{5, items("TESTAFIS", "A")},
		fld{6, "08"}, fld{7, items("T", "LS")}, fld{8, "02540127"}, fld{9, "01270127"},
		fld{10, "2"}, fld{11, "1"},
		fld{12, subs(
			items("001", "02540127090", "00", "A", "002,03", "255,15"),
			items("002", "01270254180", "05", "B", "001,03"))},
		// M1 form of the same features: pixels from the top-left, 2° units.
		fld{126, items("27", "513", "0")}, fld{127, items("APPF", "1A")},
		fld{128, "100"}, fld{129, "80"}, fld{130, "2"}, fld{131, "197"}, fld{132, "197"},
		fld{133, "0"}, fld{134, "08"}, fld{135, items("60", "000F", "1")}, fld{136, "2"},
		fld{137, subs(items("1", "50", "55", "135", "1", "90"), items("2", "25", "30", "0", "2", "80"))},
		fld{138, subs(items("1", "0", "0"), items("1", "2", "3"))},
		fld{139, items("50", "55", "45")}, fld{140, items("25", "55", "10")},
		fld{141, items("1", "100", "170")})
	t14png := tagged(14, fld{2, "03"}, fld{3, "0"}, fld{4, "TESTSRC"}, fld{5, "20240101"},
		fld{6, "6"}, fld{7, "5"}, fld{8, "2"}, fld{9, "197"}, fld{10, "197"},
		fld{11, "PNG"}, fld{12, "8"}, fld{13, subs("1", "6")}, fld{999, string(pngGray(6, 5))})
	t7 := opaque(4, []byte("user-defined\x00\x01\x02"))
	t8 := signature(5, 0, 0, 0, 16, 2, make([]byte, 4))
	efs := tagged(9, fld{2, "09"}, fld{3, "4"}, fld{4, "U"},
		fld{300, items("1000", "800", "100", "50", "0,0-1000,0-1000,800")},
		fld{302, items("3", "DST")},
		fld{320, items("300", "300", "90")},
		fld{321, items("400", "400", "10", "130", "250")},
		fld{331, subs(items("254", "127", "45", "E"), items("500", "500", "300", "X"))},
		fld{332, "OCTANT"},
		fld{333, items("1", "2", "4")})
	unknown := opaque(6, []byte{1, 2, 3, 4})
	return []rec{{2, 0, t2}, {4, 1, t4}, {14, 2, t14}, {9, 2, t9}, {14, 3, t14png}, {7, 4, t7},
		{8, 5, t8}, {9, 9, efs}, {250, 6, unknown}}
}

// fixture is the main fixture transaction.
func fixture() []byte {
	return transaction([]fld{{11, "19.69"}, {12, "19.69"}}, fixtureRecords()...)
}
