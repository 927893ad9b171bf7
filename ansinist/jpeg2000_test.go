package ansinist

import (
	"image"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbms/bms/internal/jpeg2000"
	"github.com/openbms/bms/internal/shareddata"
)

// jp2Fixture reads a JPEG 2000 file written by the jpeg2000 package's test
// encoder (a 33×21 ridge pattern) and decodes it with that package for
// reference.
func jp2Fixture(t *testing.T, name string) ([]byte, *image.Gray) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "internal", "jpeg2000", "testdata", name))
	require.NoError(t, err)
	want, err := jpeg2000.Decode(data)
	require.NoError(t, err)
	return data, want
}

func TestDecodeJPEG2000(t *testing.T) {
	for _, c := range []struct{ file, cga string }{
		{"ridges-33x21.j2k", "JP2L"},
		{"ridges-33x21.jp2", "JP2"},
		{"ridges-33x21.jp2", "5"}, // numeric code for JP2L
	} {
		data, want := jp2Fixture(t, c.file)
		t14 := tagged(14, fld{2, "01"}, fld{3, "1"}, fld{6, "33"}, fld{7, "21"}, fld{8, "1"}, fld{9, "1000"},
			fld{11, c.cga}, fld{12, "8"}, fld{13, "1"}, fld{999, string(data)})
		tx, err := Decode(transaction(nil, rec{14, 1, t14}))
		require.NoError(t, err)
		img, err := tx.Records[1].DecodeImage()
		require.NoError(t, err, c.file)
		g, ok := img.(*image.Gray)
		require.True(t, ok)
		assert.Equal(t, want.Rect, g.Rect)
		assert.Equal(t, want.Pix, g.Pix, c.file)

		// A declared size that disagrees with the stream is an error.
		t14 = tagged(14, fld{2, "01"}, fld{3, "1"}, fld{6, "34"}, fld{7, "21"}, fld{8, "1"}, fld{9, "1000"},
			fld{11, c.cga}, fld{12, "8"}, fld{13, "1"}, fld{999, string(data)})
		tx, err = Decode(transaction(nil, rec{14, 1, t14}))
		require.NoError(t, err)
		_, err = tx.Records[1].DecodeImage()
		require.Error(t, err)
		assert.Contains(t, err.Error(), "33×21 but the record declares 34×21")
	}
}

func TestDecodeJPEG2000Binary(t *testing.T) {
	data, want := jp2Fixture(t, "ridges-33x21.j2k")
	// Type-4, GCA 5 (JP2L).
	tx, err := Decode(transaction(nil, rec{4, 1, binaryImage(4, 1, 0, [6]byte{1, 255, 255, 255, 255, 255}, 0, 33, 21, 5, data)}))
	require.NoError(t, err)
	img, err := tx.Records[1].DecodeImage()
	require.NoError(t, err)
	assert.Equal(t, want.Pix, img.(*image.Gray).Pix)

	// Type-7 with a Type-4 style header and a JPEG 2000 payload.
	hdr := []byte{6, 8, 255, 255, 255, 255, 255, 0, 0, 33, 0, 21, 5}
	tx, err = Decode(transaction(nil, rec{7, 1, opaque(1, append(hdr, data...))}))
	require.NoError(t, err)
	info, ok := tx.Records[1].ImageInfo()
	require.True(t, ok)
	assert.Equal(t, CompressionJP2L, info.Compression)
	img, err = tx.Records[1].DecodeImage()
	require.NoError(t, err)
	assert.Equal(t, want.Pix, img.(*image.Gray).Pix)

	// Type-7 holding only a JP2 file: recognised by its signature.
	jp2, _ := jp2Fixture(t, "ridges-33x21.jp2")
	tx, err = Decode(transaction(nil, rec{7, 1, opaque(1, jp2)}))
	require.NoError(t, err)
	info, ok = tx.Records[1].ImageInfo()
	require.True(t, ok)
	assert.Equal(t, 33, info.Width)
	assert.Equal(t, 21, info.Height)
	img, err = tx.Records[1].DecodeImage()
	require.NoError(t, err)
	assert.Equal(t, want.Pix, img.(*image.Gray).Pix)
}

func TestDecodeJPEG2000Corrupt(t *testing.T) {
	data, _ := jp2Fixture(t, "ridges-33x21.j2k")
	for _, bad := range [][]byte{data[:len(data)/2], []byte("\x00\x00\x00\x0cjP  \r\n\x87\n"), {1, 2, 3}} {
		t14 := tagged(14, fld{2, "01"}, fld{3, "1"}, fld{6, "33"}, fld{7, "21"}, fld{8, "1"}, fld{9, "1000"},
			fld{11, "JP2L"}, fld{12, "8"}, fld{13, "1"}, fld{999, string(bad)})
		tx, err := Decode(transaction(nil, rec{14, 1, t14}))
		require.NoError(t, err)
		_, err = tx.Records[1].DecodeImage()
		require.Error(t, err)
		assert.NotErrorIs(t, err, ErrUnsupportedCompression)
		assert.Contains(t, err.Error(), "JPEG 2000")
		assert.Contains(t, err.Error(), "IDC 1")
	}
}

// TestRealJP2LPalm decodes the 1000 ppi JP2L record of the NIST palm
// transaction (a synthetic black-and-white maze).
func TestRealJP2LPalm(t *testing.T) {
	path := shareddata.Require(t, "fingerprint", "ansi-nist", "type-15-palms.an2")
	tx, err := ReadFile(path)
	require.NoError(t, err)
	var r *Record
	for _, rr := range tx.Records {
		if rr.Type == 15 && rr.IDC == 2 {
			r = rr
		}
	}
	require.NotNil(t, r)
	info, _ := r.ImageInfo()
	require.Equal(t, CompressionJP2L, info.Compression)
	img, err := r.DecodeImage()
	require.NoError(t, err)
	assert.Equal(t, image.Rect(0, 0, 2750, 2750), img.Bounds())
}
