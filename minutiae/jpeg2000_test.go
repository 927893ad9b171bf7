package minutiae

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbms/bms/internal/jpeg2000"
)

// The fixtures are written by the jpeg2000 package's test encoder: a 33×21
// ridge pattern as a raw codestream and as a JP2 file.
func jp2FixturePath(name string) string {
	return filepath.Join("..", "internal", "jpeg2000", "testdata", name)
}

func TestDecodeImageJPEG2000(t *testing.T) {
	for _, name := range []string{"ridges-33x21.j2k", "ridges-33x21.jp2"} {
		data, err := os.ReadFile(jp2FixturePath(name))
		require.NoError(t, err)
		want, err := jpeg2000.Decode(data)
		require.NoError(t, err)

		im, err := DecodeImage(data)
		require.NoError(t, err, name)
		assert.Equal(t, "jp2", im.Format)
		assert.Equal(t, 33, im.Gray.Rect.Dx())
		assert.Equal(t, 21, im.Gray.Rect.Dy())
		assert.Equal(t, want.Pix, im.Gray.Pix)
		assert.Zero(t, im.PPI)

		im, err = DecodeImageFile(jp2FixturePath(name))
		require.NoError(t, err)
		assert.Equal(t, want.Pix, im.Gray.Pix)

		// The pixel limit is checked before decoding.
		_, err = decodeImage(data, 100)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "exceeds the limit")

		// Damage is an error, not a panic.
		_, err = DecodeImage(data[:len(data)/2])
		require.Error(t, err)
		assert.Contains(t, err.Error(), "jp2 image")
	}
}

// withResolution adds a res box holding a capture resolution of ppm pixels
// per metre (both directions) to the JP2 header box of file.
func withResolution(t *testing.T, file []byte, typ string, num, den uint16, exp int8) []byte {
	t.Helper()
	i := bytes.Index(file, []byte("jp2h"))
	require.Positive(t, i)
	start := i - 4
	n := int(binary.BigEndian.Uint32(file[start:]))
	body := binary.BigEndian.AppendUint16(nil, num)
	body = binary.BigEndian.AppendUint16(body, den)
	body = binary.BigEndian.AppendUint16(body, num)
	body = binary.BigEndian.AppendUint16(body, den)
	body = append(body, byte(exp), byte(exp))
	inner := append(binary.BigEndian.AppendUint32(nil, uint32(8+len(body))), typ...)
	inner = append(inner, body...)
	res := append(binary.BigEndian.AppendUint32(nil, uint32(8+len(inner))), "res "...)
	res = append(res, inner...)
	out := append([]byte(nil), file[:start]...)
	out = binary.BigEndian.AppendUint32(out, uint32(n+len(res)))
	out = append(out, file[start+4:start+n]...)
	out = append(out, res...)
	return append(out, file[start+n:]...)
}

func TestJP2Resolution(t *testing.T) {
	data, err := os.ReadFile(jp2FixturePath("ridges-33x21.jp2"))
	require.NoError(t, err)
	for _, c := range []struct {
		typ      string
		num, den uint16
		exp      int8
		want     float64
	}{
		{"resc", 39370, 1, 0, 1000}, // 1000 ppi in pixels per metre
		{"resd", 19685, 1, 0, 500},
		{"resc", 3937, 1, 1, 1000},
		{"resc", 1, 0, 0, 0}, // zero denominator: unusable
	} {
		im, err := DecodeImage(withResolution(t, data, c.typ, c.num, c.den, c.exp))
		require.NoError(t, err)
		assert.InDelta(t, c.want, im.PPI, 1e-9, "%+v", c)
	}
}
