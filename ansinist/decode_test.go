package ansinist

import (
	"errors"
	"image"
	"os"
	"path/filepath"
	"testing"

	"github.com/openbms/bms/minutiae"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeFixtureRecords(t *testing.T) {
	tx, err := Decode(fixture())
	require.NoError(t, err)
	assert.Equal(t, "0400", tx.Version)
	assert.InDelta(t, 19.69, tx.NativeResolution, 1e-9)
	assert.InDelta(t, 19.69, tx.NominalResolution, 1e-9)

	want := []struct {
		typ, idc, fields, data int
	}{
		{1, -1, 10, 0},
		{2, 0, 4, 0},
		{4, 1, 9, 12},
		{14, 2, 14, fxW * fxH},
		{9, 2, 28, 0},
		{14, 3, 14, len(pngGray(6, 5))},
		{7, 4, 3, 15},
		{8, 5, 8, 4},
		{9, 9, 11, 0},
		{250, 6, 3, 4},
	}
	require.Len(t, tx.Records, len(want))
	end := 0
	for i, w := range want {
		r := tx.Records[i]
		assert.Equal(t, w.typ, r.Type, "record %d type", i)
		assert.Equal(t, w.idc, r.IDC, "record %d IDC", i)
		assert.Len(t, r.Fields, w.fields, "record %d fields", i)
		assert.Len(t, r.Data, w.data, "record %d data", i)
		assert.Equal(t, end, r.Offset, "record %d offset", i)
		assert.Same(t, tx, r.Transaction())
		end += r.Length
	}
	assert.Equal(t, len(fixture()), end)
}

func TestFieldsKeepRawText(t *testing.T) {
	tx, err := Decode(fixture())
	require.NoError(t, err)
	t2 := tx.Records[1]
	// UTF-8 text survives byte for byte; repeated fields are all kept.
	assert.Equal(t, "指纹 — empreinte digitale", t2.Text(3))
	assert.Equal(t, "2.003", t2.Fields[2].Tag())
	assert.Equal(t, "second", t2.Fields[3].String())

	cnt, ok := tx.Records[0].Field(3)
	require.True(t, ok)
	subs := cnt.Subfields()
	assert.Equal(t, []string{"1", "9"}, subs[0])
	assert.Equal(t, []string{"14", "02"}, subs[3])

	t4 := tx.Records[2]
	fgp, ok := t4.Field(4)
	require.True(t, ok)
	assert.Equal(t, [][]string{{"2"}, {"255"}, {"255"}, {"255"}, {"255"}, {"255"}}, fgp.Subfields())
	v, ok := t4.Int(6)
	assert.True(t, ok)
	assert.Equal(t, 4, v)
	_, ok = t4.Int(99)
	assert.False(t, ok)
}

func TestImageInfoFixture(t *testing.T) {
	tx, err := Decode(fixture())
	require.NoError(t, err)
	tests := []struct {
		rec  int
		ok   bool
		want ImageInfo
	}{
		{0, false, ImageInfo{}},
		{1, false, ImageInfo{}},
		{2, true, ImageInfo{Width: 4, Height: 3, PPI: 500.13, Compression: "NONE", BitsPerPixel: 8,
			Positions: []minutiae.Position{minutiae.RightIndex}, Impression: minutiae.LiveRolled, HasImpression: true}},
		{3, true, ImageInfo{Width: fxW, Height: fxH, PPI: 500, Compression: "NONE", BitsPerPixel: 8,
			Positions: []minutiae.Position{minutiae.LeftMiddle}, Impression: minutiae.LiveRolled, HasImpression: true}},
		{4, false, ImageInfo{}},
		{5, true, ImageInfo{Width: 6, Height: 5, PPI: 197 * 2.54, Compression: "PNG", BitsPerPixel: 8,
			Positions: []minutiae.Position{minutiae.RightThumb, minutiae.LeftThumb}, Impression: minutiae.LivePlain, HasImpression: true}},
		{6, false, ImageInfo{}},
		{7, false, ImageInfo{}},
		{9, false, ImageInfo{}},
	}
	for _, tc := range tests {
		info, ok := tx.Records[tc.rec].ImageInfo()
		assert.Equal(t, tc.ok, ok, "record %d", tc.rec)
		assert.InDelta(t, tc.want.PPI, info.PPI, 1e-9, "record %d", tc.rec)
		info.PPI, tc.want.PPI = 0, 0
		assert.Equal(t, tc.want, info, "record %d", tc.rec)
	}
}

func TestDecodeImageFixture(t *testing.T) {
	tx, err := Decode(fixture())
	require.NoError(t, err)
	for _, tc := range []struct {
		rec  int
		w, h int
	}{{2, 4, 3}, {3, fxW, fxH}, {5, 6, 5}} {
		img, err := tx.Records[tc.rec].DecodeImage()
		require.NoError(t, err, "record %d", tc.rec)
		require.Equal(t, image.Rect(0, 0, tc.w, tc.h), img.Bounds())
		want := gradient(tc.w, tc.h)
		for y := 0; y < tc.h; y++ {
			for x := 0; x < tc.w; x++ {
				g := grayAt(img, x, y)
				require.Equal(t, want[y*tc.w+x], g, "record %d pixel %d,%d", tc.rec, x, y)
			}
		}
	}
	_, err = tx.Records[4].DecodeImage() // Type-9
	assert.ErrorContains(t, err, "holds no image")
	_, err = tx.Records[6].DecodeImage() // opaque Type-7
	assert.Error(t, err)
}

func grayAt(img image.Image, x, y int) byte {
	r, _, _, _ := img.At(x, y).RGBA()
	return byte(r >> 8)
}

// TestType7WithImageHeader covers the layout of the NIST reference Type-7
// file: a Type-4 header (without LEN and IDC) before raw pixels.
func TestType7WithImageHeader(t *testing.T) {
	hdr := []byte{6, 8, 255, 255, 255, 255, 255, 0, 0, 5, 0, 4, 0}
	data := append(hdr, gradient(5, 4)...)
	tx, err := Decode(transaction(nil, rec{7, 1, opaque(1, data)}))
	require.NoError(t, err)
	r := tx.Records[1]
	info, ok := r.ImageInfo()
	require.True(t, ok)
	assert.Equal(t, 5, info.Width)
	assert.Equal(t, 4, info.Height)
	assert.Equal(t, minutiae.LatentPhoto, info.Impression)
	assert.Equal(t, []minutiae.Position{minutiae.LeftMiddle}, info.Positions)
	img, err := r.DecodeImage()
	require.NoError(t, err)
	assert.Equal(t, gradient(5, 4)[7], grayAt(img, 2, 1))

	// A header whose size disagrees with the data is not believed.
	data[9] = 6
	tx, err = Decode(transaction(nil, rec{7, 1, opaque(1, data)}))
	require.NoError(t, err)
	_, ok = tx.Records[1].ImageInfo()
	assert.False(t, ok)
}

func TestCompressionNames(t *testing.T) {
	for in, want := range map[string]string{
		"": "NONE", "none": "NONE", "WSQ": "WSQ20", "wsq20": "WSQ20", "JPEG": "JPEGB", "1": "WSQ20",
		"6": "PNG", "4": "JP2", "9": "CODE 9", "JP2L": "JP2L", "XYZ": "XYZ",
	} {
		assert.Equal(t, want, compressionName(in), in)
	}
}

func TestUnsupportedCompression(t *testing.T) {
	// JPEG 2000 (JP2, JP2L) is decoded: see jpeg2000_test.go.
	for _, cga := range []string{"JPEGL", "ACME"} {
		t14 := tagged(14, fld{2, "01"}, fld{3, "1"}, fld{6, "10"}, fld{7, "10"}, fld{8, "1"}, fld{9, "500"},
			fld{11, cga}, fld{12, "8"}, fld{13, "1"}, fld{999, "\x00\x00\x00\x0cjP  \r\n\x87\n"})
		tx, err := Decode(transaction(nil, rec{14, 1, t14}))
		require.NoError(t, err)
		_, err = tx.Records[1].DecodeImage()
		require.ErrorIs(t, err, ErrUnsupportedCompression, cga)
		assert.Contains(t, err.Error(), cga)
	}
	// Binary records: GCA 3 is lossless JPEG, 1-bit facsimile is unsupported.
	for _, r := range []rec{
		{4, 1, binaryImage(4, 1, 0, [6]byte{1, 255, 255, 255, 255, 255}, 0, 10, 10, 3, []byte{1, 2, 3})},
		{6, 1, binaryImage(6, 1, 0, [6]byte{1, 255, 255, 255, 255, 255}, 0, 10, 10, 1, []byte{1, 2, 3})},
	} {
		tx, err := Decode(transaction(nil, r))
		require.NoError(t, err)
		_, err = tx.Records[1].DecodeImage()
		assert.ErrorIs(t, err, ErrUnsupportedCompression)
	}
}

func TestBinaryOneBitImage(t *testing.T) {
	// 10×2 pixels, rows padded to 2 bytes; set bits are black.
	data := []byte{0b10000000, 0b01000000, 0b00000000, 0b00000001}
	tx, err := Decode(transaction(nil, rec{6, 1, binaryImage(6, 1, 0, [6]byte{3, 255, 255, 255, 255, 255}, 0, 10, 2, 0, data)}))
	require.NoError(t, err)
	info, _ := tx.Records[1].ImageInfo()
	assert.Equal(t, 1, info.BitsPerPixel)
	img, err := tx.Records[1].DecodeImage()
	require.NoError(t, err)
	assert.Equal(t, byte(0), grayAt(img, 0, 0))
	assert.Equal(t, byte(255), grayAt(img, 1, 0))
	assert.Equal(t, byte(0), grayAt(img, 9, 0))
	assert.Equal(t, byte(255), grayAt(img, 9, 1))
}

func TestResolutionOfBinaryRecords(t *testing.T) {
	fgp := [6]byte{1, 255, 255, 255, 255, 255}
	tests := []struct {
		name     string
		nsr, ntr string
		typ, isr int
		ppi      float64
	}{
		{"nominal", "20.00", "19.69", 4, 0, 500.13},
		{"native", "39.37", "19.69", 4, 1, 999.998},
		{"unset falls back to 500 ppi", "00.00", "00.00", 4, 0, 500.13},
		{"low resolution is half", "19.69", "19.69", 3, 0, 250.06},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := rec{tc.typ, 1, binaryImage(tc.typ, 1, 0, fgp, tc.isr, 2, 2, 0, []byte{1, 2, 3, 4})}
			tx, err := Decode(transaction([]fld{{11, tc.nsr}, {12, tc.ntr}}, r))
			require.NoError(t, err)
			info, ok := tx.Records[1].ImageInfo()
			require.True(t, ok)
			assert.InDelta(t, tc.ppi, info.PPI, 0.01)
		})
	}
}

func TestSummaryFixture(t *testing.T) {
	tx, err := Decode(fixture())
	require.NoError(t, err)
	ss := tx.Summaries()
	require.Len(t, ss, 10)
	assert.Equal(t, "Type-1 transaction information", ss[0].TypeName)
	assert.Equal(t, -1, ss[0].Minutiae)
	assert.Equal(t, "Type-14 variable-resolution fingerprint image", ss[3].TypeName)
	assert.Equal(t, RecordSummary{Type: 14, TypeName: ss[3].TypeName, IDC: 2,
		Positions: []minutiae.Position{minutiae.LeftMiddle}, Impression: minutiae.LiveRolled, HasImpression: true,
		Width: fxW, Height: fxH, PPI: 500, Compression: "NONE", Minutiae: -1, Bytes: tx.Records[3].Length}, ss[3])
	s9 := ss[4]
	assert.Equal(t, 2, s9.Minutiae)
	assert.Equal(t, 2, s9.Templates)
	assert.Equal(t, []minutiae.Position{minutiae.LeftMiddle}, s9.Positions)
	assert.True(t, s9.HasImpression)
	assert.Equal(t, fxW, s9.Width)
	assert.Empty(t, s9.Problem)
	assert.Equal(t, "Type-250", ss[9].TypeName)
	assert.Equal(t, "Type-99 CBEFF biometric data", TypeName(99))
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fx.an2")
	require.NoError(t, os.WriteFile(path, fixture(), 0o600))
	tx, err := ReadFile(path)
	require.NoError(t, err)
	assert.Len(t, tx.Records, 10)

	_, err = ReadFile(filepath.Join(dir, "missing.an2"))
	assert.ErrorContains(t, err, "ansinist: ")

	// A sparse file just over the limit is refused before it is read.
	big := filepath.Join(dir, "big.an2")
	f, err := os.Create(big)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(MaxFileSize+1))
	require.NoError(t, f.Close())
	_, err = ReadFile(big)
	assert.ErrorContains(t, err, "more than the")
}

func TestUnknownTaggedTypeParsedGenerically(t *testing.T) {
	t21 := tagged(21, fld{2, "07"}, fld{3, "something"}, fld{999, "\x1c\x1d\x00binary"})
	tx, err := Decode(transaction(nil, rec{21, 7, t21}, rec{300, 1, tagged(300, fld{2, "01"})}))
	require.NoError(t, err)
	r := tx.Records[1]
	assert.Equal(t, 21, r.Type)
	assert.Equal(t, 7, r.IDC)
	// Separators inside *.999 are data: only LEN delimits it.
	assert.Equal(t, []byte("\x1c\x1d\x00binary"), r.Data)
	assert.Equal(t, 300, tx.Records[2].Type)
	assert.Equal(t, 1, tx.Records[2].IDC)
}

func TestFormatErrorsMatchErrMalformed(t *testing.T) {
	_, err := Decode([]byte("garbage"))
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrMalformed))
	var fe *FormatError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, 0, fe.Record)
}

func TestAmputatedFingers(t *testing.T) {
	slap := func(amp string) rec {
		fields := []fld{{2, "01"}, {3, "0"}, {4, "TESTSRC"}, {5, "20240101"},
			{6, "4"}, {7, "3"}, {8, "1"}, {9, "500"}, {10, "500"},
			{11, "NONE"}, {12, "8"}, {13, "14"}}
		if amp != "" {
			fields = append(fields, fld{18, amp})
		}
		fields = append(fields, fld{999, string(gradient(4, 3))})
		return rec{14, 1, tagged(14, fields...)}
	}
	for _, tc := range []struct {
		name, amp string
		want      []minutiae.Position
	}{
		{"none", "", nil},
		{"amputated ring", items("9", "XX"), []minutiae.Position{minutiae.LeftRing}},
		{"amputated and bandaged", subs(items("9", "XX"), items("7", "up")), []minutiae.Position{minutiae.LeftRing, minutiae.LeftIndex}},
		{"other codes and bad positions are skipped", subs(items("8", "ZZ"), items("42", "XX"), items("x", "XX"), "10"), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx, err := Decode(transaction(nil, slap(tc.amp)))
			require.NoError(t, err)
			info, ok := tx.Records[1].ImageInfo()
			require.True(t, ok)
			assert.Equal(t, []minutiae.Position{minutiae.PlainLeftFour}, info.Positions)
			assert.Equal(t, tc.want, info.Missing)
		})
	}
}
