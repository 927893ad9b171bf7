package minutiae

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"

	"github.com/openbms/bms/internal/pgm"
	"github.com/openbms/bms/internal/shareddata"
)

// testGray is a small grey image with structure in both directions, so that
// flipped or shifted rows would show.
func testGray(w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			g.Pix[y*g.Stride+x] = uint8(x*255/max(w-1, 1)) ^ uint8(y*3)
		}
	}
	return g
}

// smoothGray is a gradient, which JPEG reproduces closely.
func smoothGray(w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			g.Pix[y*g.Stride+x] = uint8((x*200/max(w-1, 1) + y*50/max(h-1, 1)))
		}
	}
	return g
}

// testColour is an RGBA image of primary and mixed colours.
func testColour(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.SetRGBA(x, y, color.RGBA{uint8(x * 40), uint8(y * 60), uint8((x + y) * 20), 255})
		}
	}
	return m
}

// lumaOf is the expected grey of any image: color.GrayModel per pixel.
func lumaOf(img image.Image) []byte {
	b := img.Bounds()
	out := make([]byte, 0, b.Dx()*b.Dy())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out = append(out, color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y)
		}
	}
	return out
}

func encodePNG(t testing.TB, img image.Image) []byte {
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, img, &jpeg.Options{Quality: 100}))
	return buf.Bytes()
}

// encodeGIF writes g exactly, through a palette of all 256 greys.
func encodeGIF(t testing.TB, g *image.Gray) []byte {
	pal := make(color.Palette, 256)
	for i := range pal {
		pal[i] = color.Gray{Y: uint8(i)}
	}
	p := image.NewPaletted(g.Rect, pal)
	copy(p.Pix, g.Pix)
	var buf bytes.Buffer
	require.NoError(t, gif.Encode(&buf, p, nil))
	return buf.Bytes()
}

func encodeTIFF(t testing.TB, img image.Image, opt *tiff.Options) []byte {
	var buf bytes.Buffer
	require.NoError(t, tiff.Encode(&buf, img, opt))
	return buf.Bytes()
}

func encodeBMP(t testing.TB, img image.Image) []byte {
	var buf bytes.Buffer
	require.NoError(t, bmp.Encode(&buf, img))
	return buf.Bytes()
}

func encodePGM(t testing.TB, img image.Image) []byte {
	var buf bytes.Buffer
	require.NoError(t, pgm.Encode(&buf, img))
	return buf.Bytes()
}

// pngChunk builds a chunk with its CRC.
func pngChunk(typ string, body []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(body)))
	c = append(c, typ...)
	c = append(c, body...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// withPHYs splices a pHYs chunk in after IHDR (8-byte signature, 25-byte
// IHDR chunk), where image/png, which never writes one, would put it.
func withPHYs(png []byte, perUnit uint32, unit byte) []byte {
	body := binary.BigEndian.AppendUint32(nil, perUnit)
	body = binary.BigEndian.AppendUint32(body, perUnit)
	body = append(body, unit)
	out := append([]byte{}, png[:33]...)
	out = append(out, pngChunk("pHYs", body)...)
	return append(out, png[33:]...)
}

// jpegSegment builds a marker segment; the length counts itself.
func jpegSegment(marker byte, body []byte) []byte {
	s := []byte{0xff, marker, byte((len(body) + 2) >> 8), byte(len(body) + 2)}
	return append(s, body...)
}

// withJPEGSegments inserts segments right after SOI (image/jpeg writes
// neither JFIF nor EXIF).
func withJPEGSegments(jpg []byte, segs ...[]byte) []byte {
	out := append([]byte{}, jpg[:2]...)
	for _, s := range segs {
		out = append(out, s...)
	}
	return append(out, jpg[2:]...)
}

func jfif(units byte, density uint16) []byte {
	body := []byte("JFIF\x00\x01\x02")
	body = append(body, units)
	body = binary.BigEndian.AppendUint16(body, density)
	body = binary.BigEndian.AppendUint16(body, density)
	return jpegSegment(0xe0, append(body, 0, 0))
}

// tiffTag is an IFD entry for tiffBytes; values are written in the type's
// size, inline or after the IFD.
type tiffTag struct {
	tag, typ uint16
	vals     []uint32
}

// byteOrder reads and appends, as binary.LittleEndian and BigEndian do.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// tiffBytes builds a TIFF structure with one IFD followed by tail. A value
// of tailOffset is replaced by the offset of tail (for StripOffsets).
func tiffBytes(bo byteOrder, tags []tiffTag, tail []byte) []byte {
	const tailOffset = 0xffffffff
	size := map[uint16]int{1: 1, 3: 2, 4: 4, 5: 4} // a RATIONAL is two LONG values
	ifdEnd := 8 + 2 + 12*len(tags) + 4
	extra := 0
	for _, tg := range tags {
		if n := size[tg.typ] * len(tg.vals); n > 4 {
			extra += n
		}
	}
	tailAt := uint32(ifdEnd + extra)
	put := func(b []byte, typ uint16, v uint32) []byte {
		if v == tailOffset {
			v = tailAt
		}
		switch size[typ] {
		case 1:
			return append(b, byte(v))
		case 2:
			return bo.AppendUint16(b, uint16(v))
		}
		return bo.AppendUint32(b, v)
	}
	var out, outOfLine []byte
	if bo == binary.LittleEndian {
		out = []byte("II*\x00")
	} else {
		out = []byte("MM\x00*")
	}
	out = bo.AppendUint32(out, 8)
	out = bo.AppendUint16(out, uint16(len(tags)))
	for _, tg := range tags {
		count := len(tg.vals)
		if tg.typ == 5 {
			count /= 2
		}
		out = bo.AppendUint16(out, tg.tag)
		out = bo.AppendUint16(out, tg.typ)
		out = bo.AppendUint32(out, uint32(count))
		var vals []byte
		for _, v := range tg.vals {
			vals = put(vals, tg.typ, v)
		}
		if len(vals) <= 4 {
			out = append(out, append(vals, make([]byte, 4-len(vals))...)...)
		} else {
			out = bo.AppendUint32(out, uint32(ifdEnd+len(outOfLine)))
			outOfLine = append(outOfLine, vals...)
		}
	}
	out = bo.AppendUint32(out, 0) // no next IFD
	out = append(out, outOfLine...)
	return append(out, tail...)
}

// greyTIFF hand-builds an 8-bit grey TIFF in one strip with a resolution,
// uncompressed or (packBits) PackBits-compressed.
func greyTIFF(bo byteOrder, g *image.Gray, packBits bool, num, den, unit uint32) []byte {
	w, h := uint32(g.Rect.Dx()), uint32(g.Rect.Dy())
	compression, strip := uint32(1), g.Pix
	if packBits {
		// Literal runs of up to 128 bytes within each row, except that a
		// row of one repeated byte becomes a single repeat run when short.
		compression, strip = 32773, nil
		for y := range int(h) {
			row := g.Pix[y*g.Stride : y*g.Stride+int(w)]
			if bytes.Count(row, row[:1]) == len(row) && len(row) <= 128 && len(row) > 1 {
				strip = append(strip, byte(1-len(row)), row[0])
				continue
			}
			for len(row) > 0 {
				n := min(len(row), 128)
				strip = append(strip, byte(n-1))
				strip = append(strip, row[:n]...)
				row = row[n:]
			}
		}
	}
	return tiffBytes(bo, []tiffTag{
		{256, 4, []uint32{w}},
		{257, 4, []uint32{h}},
		{258, 3, []uint32{8}},
		{259, 3, []uint32{compression}},
		{262, 3, []uint32{1}},
		{273, 4, []uint32{0xffffffff}},
		{277, 3, []uint32{1}},
		{278, 4, []uint32{h}},
		{279, 4, []uint32{uint32(len(strip))}},
		{282, 5, []uint32{num, den}},
		{296, 3, []uint32{unit}},
	}, strip)
}

func exif(bo byteOrder, num, den, unit uint32) []byte {
	t := tiffBytes(bo, []tiffTag{{282, 5, []uint32{num, den}}, {283, 5, []uint32{num, den}}, {296, 3, []uint32{unit}}}, nil)
	return jpegSegment(0xe1, append([]byte("Exif\x00\x00"), t...))
}

// patchTIFF rewrites the resolution that x/image/tiff writes (72/1 inch):
// XResolution's rational in place and ResolutionUnit's inline SHORT.
func patchTIFF(t testing.TB, b []byte, num, den uint32, unit uint16) []byte {
	b = append([]byte{}, b...)
	tf, ok := parseTIFF(b)
	require.True(t, ok)
	for i := 0; i+12 <= len(tf.ifd); i += 12 {
		e := tf.ifd[i : i+12]
		switch binary.LittleEndian.Uint16(e) {
		case tiffXResolution:
			off := binary.LittleEndian.Uint32(e[8:])
			binary.LittleEndian.PutUint32(b[off:], num)
			binary.LittleEndian.PutUint32(b[off+4:], den)
		case tiffResolutionUnit:
			binary.LittleEndian.PutUint16(e[8:], unit)
		}
	}
	return b
}

// withBMPResolution sets biXPelsPerMeter and biYPelsPerMeter.
func withBMPResolution(b []byte, ppm int32) []byte {
	b = append([]byte{}, b...)
	binary.LittleEndian.PutUint32(b[38:], uint32(ppm))
	binary.LittleEndian.PutUint32(b[42:], uint32(ppm))
	return b
}

func TestDecodeImage(t *testing.T) {
	g := testGray(13, 9)
	smooth := smoothGray(24, 16)
	colour := testColour(5, 4)
	gray16 := image.NewGray16(image.Rect(0, 0, 3, 1))
	for x, v := range []uint16{0x0000, 0x12ff, 0xff00} {
		gray16.SetGray16(x, 0, color.Gray16{Y: v})
	}
	be, le := binary.BigEndian, binary.LittleEndian
	blank := image.NewGray(image.Rect(0, 0, 100, 50))
	for i := range blank.Pix {
		blank.Pix[i] = 0xee
	}

	tests := []struct {
		name   string
		data   []byte
		format string
		ppi    float64
		want   []byte // expected pixels (of g unless set)
		tol    int    // largest per-pixel difference allowed (lossy JPEG)
	}{
		{name: "png no pHYs", data: encodePNG(t, g), format: "png"},
		{name: "png 500 ppi", data: withPHYs(encodePNG(t, g), 19685, 1), format: "png", ppi: 500},
		{name: "png 1000 ppi", data: withPHYs(encodePNG(t, g), 39370, 1), format: "png", ppi: 1000},
		{name: "png 508 ppi exactly", data: withPHYs(encodePNG(t, g), 20000, 1), format: "png", ppi: 508},
		{name: "png odd resolution", data: withPHYs(encodePNG(t, g), 12345, 1), format: "png", ppi: 12345 * 0.0254},
		{name: "png aspect ratio only", data: withPHYs(encodePNG(t, g), 19685, 0), format: "png"},
		{name: "png colour", data: encodePNG(t, colour), format: "png", want: lumaOf(colour)},
		{name: "png 16-bit grey", data: encodePNG(t, gray16), format: "png", want: []byte{0x00, 0x12, 0xff}},
		{name: "jpeg no density", data: encodeJPEG(t, smooth), format: "jpeg", want: smooth.Pix, tol: 2},
		{name: "jpeg JFIF dpi", data: withJPEGSegments(encodeJPEG(t, smooth), jfif(1, 500)), format: "jpeg", ppi: 500, want: smooth.Pix, tol: 2},
		{name: "jpeg JFIF dots/cm", data: withJPEGSegments(encodeJPEG(t, smooth), jfif(2, 197)), format: "jpeg", ppi: 500, want: smooth.Pix, tol: 2},
		{
			name: "jpeg JFIF aspect only, EXIF inch big-endian",
			data: withJPEGSegments(encodeJPEG(t, smooth), jfif(0, 1), exif(be, 1000, 1, 2)), format: "jpeg", ppi: 1000, want: smooth.Pix, tol: 2,
		},
		{
			name: "jpeg EXIF cm little-endian",
			data: withJPEGSegments(encodeJPEG(t, smooth), exif(le, 19685, 100, 3)), format: "jpeg", ppi: 500, want: smooth.Pix, tol: 2,
		},
		{
			name: "jpeg JFIF wins over EXIF",
			data: withJPEGSegments(encodeJPEG(t, smooth), jfif(1, 600), exif(le, 72, 1, 2)), format: "jpeg", ppi: 600, want: smooth.Pix, tol: 2,
		},
		{name: "jpeg EXIF no unit", data: withJPEGSegments(encodeJPEG(t, smooth), exif(be, 300, 1, 1)), format: "jpeg", want: smooth.Pix, tol: 2},
		{name: "jpeg colour gives luma", data: encodeJPEG(t, smoothColour(24, 16)), format: "jpeg", want: lumaOf(smoothColour(24, 16)), tol: 3},
		{name: "gif", data: encodeGIF(t, g), format: "gif"},
		{name: "tiff x/image default 72 dpi", data: encodeTIFF(t, g, nil), format: "tiff", ppi: 72},
		{name: "tiff 500 dpi", data: patchTIFF(t, encodeTIFF(t, g, nil), 500, 1, 2), format: "tiff", ppi: 500},
		{name: "tiff 197 dots/cm", data: patchTIFF(t, encodeTIFF(t, g, nil), 197, 1, 3), format: "tiff", ppi: 500},
		{name: "tiff 196.85 dots/cm", data: patchTIFF(t, encodeTIFF(t, g, nil), 19685, 100, 3), format: "tiff", ppi: 500},
		// 196.9 is 500 ppi rounded to the tenths of a pixel per cm stored.
		{name: "tiff 196.9 dots/cm", data: patchTIFF(t, encodeTIFF(t, g, nil), 1969, 10, 3), format: "tiff", ppi: 500},
		// 197.0 is 500.38 ppi and is not taken for 500 at that precision.
		{name: "tiff 197.0 dots/cm", data: patchTIFF(t, encodeTIFF(t, g, nil), 1970, 10, 3), format: "tiff", ppi: 500.38},
		{name: "tiff no unit", data: patchTIFF(t, encodeTIFF(t, g, nil), 500, 1, 1), format: "tiff"},
		{name: "tiff zero denominator", data: patchTIFF(t, encodeTIFF(t, g, nil), 500, 0, 2), format: "tiff"},
		{name: "tiff deflate", data: encodeTIFF(t, g, &tiff.Options{Compression: tiff.Deflate}), format: "tiff", ppi: 72},
		{name: "tiff deflate colour", data: encodeTIFF(t, colour, &tiff.Options{Compression: tiff.Deflate}), format: "tiff", ppi: 72, want: lumaOf(colour)},
		{name: "tiff big-endian 1000 dpi", data: greyTIFF(be, g, false, 1000, 1, 2), format: "tiff", ppi: 1000},
		{name: "tiff little-endian 196.85 px/cm", data: greyTIFF(le, g, false, 19685, 100, 3), format: "tiff", ppi: 500},
		{name: "tiff PackBits", data: greyTIFF(be, g, true, 500, 1, 2), format: "tiff", ppi: 500},
		{name: "tiff PackBits repeat runs", data: greyTIFF(le, blank, true, 500, 1, 2), format: "tiff", ppi: 500, want: blank.Pix},
		{name: "bmp no resolution", data: encodeBMP(t, g), format: "bmp"},
		{name: "bmp 500 ppi", data: withBMPResolution(encodeBMP(t, g), 19685), format: "bmp", ppi: 500},
		{name: "bmp negative resolution", data: withBMPResolution(encodeBMP(t, g), -19685), format: "bmp"},
		{name: "bmp colour", data: withBMPResolution(encodeBMP(t, colour), 11811), format: "bmp", ppi: 300, want: lumaOf(colour)},
		{name: "pgm", data: encodePGM(t, g), format: "pgm"},
		{name: "ppm colour", data: []byte("P3 2 1 255\n255 0 0 0 0 255\n"), format: "pgm", want: []byte{76, 29}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img, err := DecodeImage(tc.data)
			require.NoError(t, err)
			assert.Equal(t, tc.format, img.Format)
			assert.InDelta(t, tc.ppi, img.PPI, 0.001)
			want := tc.want
			if want == nil {
				want = g.Pix
			}
			require.Equal(t, image.Point{}, img.Gray.Rect.Min)
			require.Equal(t, img.Gray.Rect.Dx(), img.Gray.Stride)
			require.Len(t, img.Gray.Pix, len(want))
			if tc.tol == 0 {
				assert.Equal(t, want, img.Gray.Pix)
				return
			}
			worst := 0
			for i := range want {
				worst = max(worst, pixelDiff(int(want[i]), int(img.Gray.Pix[i])))
			}
			assert.LessOrEqual(t, worst, tc.tol, "largest pixel difference")
		})
	}
}

func pixelDiff(a, b int) int {
	if a > b {
		return a - b
	}
	return b - a
}

func smoothColour(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.SetRGBA(x, y, color.RGBA{uint8(100 + x*4), uint8(80 + y*4), 120, 255})
		}
	}
	return m
}

// TestDecodeImageGIFFrame checks a first frame smaller than the logical
// screen: it keeps its place, and the rest takes the background colour.
func TestDecodeImageGIFFrame(t *testing.T) {
	pal := color.Palette{color.Gray{Y: 10}, color.Gray{Y: 200}, color.Gray{Y: 90}}
	frame := image.NewPaletted(image.Rect(2, 1, 4, 3), pal) // all index 0
	var buf bytes.Buffer
	require.NoError(t, gif.EncodeAll(&buf, &gif.GIF{
		Image:           []*image.Paletted{frame},
		Delay:           []int{0},
		Config:          image.Config{ColorModel: pal, Width: 5, Height: 4},
		BackgroundIndex: 2,
	}))
	img, err := DecodeImage(buf.Bytes())
	require.NoError(t, err)
	require.Equal(t, image.Rect(0, 0, 5, 4), img.Gray.Rect)
	assert.Equal(t, []byte{
		90, 90, 90, 90, 90,
		90, 90, 10, 10, 90,
		90, 90, 10, 10, 90,
		90, 90, 90, 90, 90,
	}, img.Gray.Pix)
}

// pngHeader is a PNG signature and IHDR for an 8-bit grey image, with an
// empty IDAT and IEND: a header that promises pixels and delivers none.
func pngHeader(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 0, 0, 0, 0)
	out := append([]byte("\x89PNG\r\n\x1a\n"), pngChunk("IHDR", ihdr)...)
	out = append(out, pngChunk("IDAT", nil)...)
	return append(out, pngChunk("IEND", nil)...)
}

// jpegHeader is SOI, a baseline SOF0 for one 8-bit component and the SOS
// header, without tables or scan data.
func jpegHeader(w, h uint16) []byte {
	sof := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), 1, 1, 0x11, 0}
	b := append([]byte{0xff, 0xd8}, jpegSegment(0xc0, sof)...)
	return append(b, jpegSegment(0xda, []byte{1, 1, 0, 0, 63, 0})...)
}

// gifHeader is a GIF whose logical screen and first frame are w×h, with
// one byte of LZW data.
func gifHeader(w, h uint16) []byte {
	b := []byte("GIF89a")
	b = binary.LittleEndian.AppendUint16(b, w)
	b = binary.LittleEndian.AppendUint16(b, h)
	b = append(b, 0x80, 0, 0, 0, 0, 0, 255, 255, 255) // 2-colour global table
	b = append(b, 0x2c, 0, 0, 0, 0)
	b = binary.LittleEndian.AppendUint16(b, w)
	b = binary.LittleEndian.AppendUint16(b, h)
	return append(b, 0, 2, 1, 0x44, 0, 0x3b)
}

// bmpHeader is an 8-bit BMP whose header claims w×h pixels, followed by
// its 256-colour palette and no pixels.
func bmpHeader(t testing.TB, w, h int32) []byte {
	b := encodeBMP(t, image.NewGray(image.Rect(0, 0, 1, 1)))
	b = b[:len(b)-4] // drop the single padded row
	binary.LittleEndian.PutUint32(b[18:], uint32(w))
	binary.LittleEndian.PutUint32(b[22:], uint32(h))
	return b
}

func TestDecodeImageHostileHeaders(t *testing.T) {
	tiffSmall := encodeTIFF(t, testGray(4, 3), nil)
	tiffHuge := func(w, h uint32, compression uint16) []byte {
		b := append([]byte{}, tiffSmall...)
		tf, _ := parseTIFF(b)
		for i := 0; i+12 <= len(tf.ifd); i += 12 {
			e := tf.ifd[i : i+12]
			switch binary.LittleEndian.Uint16(e) {
			case 256:
				binary.LittleEndian.PutUint32(e[8:], w)
			case 257:
				binary.LittleEndian.PutUint32(e[8:], h)
			case 278: // RowsPerStrip
				binary.LittleEndian.PutUint32(e[8:], h)
			case tiffCompression:
				binary.LittleEndian.PutUint16(e[8:], compression)
			}
		}
		return b
	}
	tests := []struct {
		name string
		data []byte
		msg  string
	}{
		{"png over the limit", pngHeader(20000, 20000), "exceeds the limit of 200000000 pixels"},
		{"png under the limit, no data", pngHeader(14000, 14000), "more than its data can hold"},
		{"jpeg over the limit", jpegHeader(65535, 65535), "exceeds the limit"},
		{"jpeg under the limit, no data", jpegHeader(10000, 10000), "more than its data can hold"},
		{"gif over the limit", gifHeader(65535, 65535), "exceeds the limit"},
		{"gif under the limit, no data", gifHeader(10000, 10000), "more than its data can hold"},
		{"bmp under the limit, no data", bmpHeader(t, 10000, 10000), "more than its data can hold"},
		{"bmp top-down, no data", bmpHeader(t, 10000, -10000), "more than its data can hold"},
		{"tiff under the limit, no data", tiffHuge(10000, 10000, 1), "more than its data can hold"},
		{"tiff LZW, little data", tiffHuge(10000, 10000, 5), "more than its data can hold"},
		{"tiff compression the decoder lacks", tiffHuge(10000, 10000, 7), "unsupported compression 7"},
		{"pgm under the limit, no data", []byte("P5 10000 10000 255\n\x00"), "more than its data can hold"},
		{"pbm under the limit, no data", []byte("P4 10000 10000\n\x00"), "more than its data can hold"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			img, err := DecodeImage(tc.data)
			runtime.ReadMemStats(&after)
			require.Error(t, err)
			assert.Nil(t, img)
			assert.Contains(t, err.Error(), tc.msg)
			assert.True(t, strings.HasPrefix(err.Error(), "minutiae: "), err.Error())
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(8<<20), "bytes allocated")
		})
	}
}

func TestDecodeImageErrors(t *testing.T) {
	pngData := encodePNG(t, testGray(20, 20))
	tests := []struct {
		name string
		data []byte
		msg  string
	}{
		{"empty", nil, "minutiae: unrecognised image format (supported: PNG, JPEG, GIF, TIFF, BMP, PGM/PBM/PPM, WSQ, JPEG 2000)"},
		{"text", []byte("hello"), "unrecognised image format"},
		{"template, not an image", []byte("FMR\x00 20\x00"), "unrecognised image format"},
		{"png truncated", pngData[:len(pngData)-20], "minutiae: png image: "},
		{"png signature only", []byte("\x89PNG"), "minutiae: png image: "},
		{"jpeg truncated", encodeJPEG(t, testGray(20, 20))[:100], "minutiae: jpeg image: "},
		{"tiff header only", []byte("II*\x00\x08\x00\x00\x00"), "minutiae: tiff image: "},
		{"bmp header only", []byte("BM"), "minutiae: bmp image: "},
		{"pgm truncated", []byte("P5 2 2 255\n\x00\x00\x00"), "minutiae: pgm image: pgm: truncated pixel data"},
		{"bmp zero size", encodeBMP(t, image.NewGray(image.Rect(0, 0, 0, 0))), "bmp image has no pixels (0×0)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img, err := DecodeImage(tc.data)
			require.Error(t, err)
			assert.Nil(t, img)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
	_, err := DecodeImage([]byte("hello"))
	assert.ErrorIs(t, err, ErrUnknownImageFormat)
}

func TestImageFiles(t *testing.T) {
	dir := t.TempDir()
	g := testGray(17, 11)
	for _, name := range []string{"a.png", "b.pgm", "C.PNG", "d.Pgm"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			require.NoError(t, EncodeImageFile(path, g))
			img, err := DecodeImageFile(path)
			require.NoError(t, err)
			assert.Equal(t, strings.ToLower(strings.TrimPrefix(filepath.Ext(name), ".")), img.Format)
			assert.Equal(t, g.Pix, img.Gray.Pix)
			assert.Zero(t, img.PPI)
		})
	}
	t.Run("pgm converts colour", func(t *testing.T) {
		path := filepath.Join(dir, "colour.pgm")
		c := testColour(5, 4)
		require.NoError(t, EncodeImageFile(path, c))
		img, err := DecodeImageFile(path)
		require.NoError(t, err)
		assert.Equal(t, lumaOf(c), img.Gray.Pix)
	})
	t.Run("unsupported extension", func(t *testing.T) {
		path := filepath.Join(dir, "x.jpg")
		err := EncodeImageFile(path, g)
		assert.ErrorContains(t, err, `extension ".jpg" is neither .png nor .pgm`)
		assert.NoFileExists(t, path)
		assert.ErrorContains(t, EncodeImageFile(filepath.Join(dir, "noext"), g), `extension ""`)
	})
	t.Run("nil image", func(t *testing.T) {
		assert.ErrorContains(t, EncodeImageFile(filepath.Join(dir, "nil.png"), nil), "nil image")
	})
	t.Run("failed encode leaves no file", func(t *testing.T) {
		path := filepath.Join(dir, "empty.pgm")
		assert.ErrorContains(t, EncodeImageFile(path, image.NewGray(image.Rect(0, 0, 0, 0))), "empty image")
		assert.NoFileExists(t, path)
	})
	t.Run("unwritable directory", func(t *testing.T) {
		assert.Error(t, EncodeImageFile(filepath.Join(dir, "missing", "a.png"), g))
	})
	t.Run("missing file", func(t *testing.T) {
		_, err := DecodeImageFile(filepath.Join(dir, "nope.png"))
		require.Error(t, err)
		assert.True(t, errors.Is(err, os.ErrNotExist))
		assert.Contains(t, err.Error(), "nope.png")
	})
	t.Run("decode error names the file", func(t *testing.T) {
		path := filepath.Join(dir, "junk.png")
		require.NoError(t, os.WriteFile(path, []byte("junk"), 0o644))
		_, err := DecodeImageFile(path)
		assert.ErrorContains(t, err, "minutiae: "+path+": unrecognised image format")
	})
	t.Run("file over the size limit", func(t *testing.T) {
		// A sparse file: no disk space used, and DecodeImageFile must refuse
		// it from its size without reading it.
		path := filepath.Join(dir, "huge.pgm")
		f, err := os.Create(path)
		require.NoError(t, err)
		require.NoError(t, f.Truncate(MaxImageFileSize+1))
		require.NoError(t, f.Close())
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err = DecodeImageFile(path)
		runtime.ReadMemStats(&after)
		assert.ErrorContains(t, err, "exceeds the 512 MiB limit for images")
		assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20))
	})
}

// imageData returns a directory of the shared reference data, skipping the
// test when it is absent.
func imageData(t *testing.T, parts ...string) string {
	t.Helper()
	return shareddata.Require(t, append([]string{"fingerprint"}, parts...)...)
}

// TestRealImages decodes the first files of each shared image set and
// reports the resolution they record.
func TestRealImages(t *testing.T) {
	sets := []struct {
		dir, glob, format string
		first             int
	}{
		{"fvc2000/DB1_B", "*.tif", "tiff", 5},
		{"fcj2020/DB1", "*.bmp", "bmp", 5},
		{"minex-samples", "*.pgm", "pgm", 5},
		{"latent-sd27", "*.bmp", "bmp", 6},
	}
	for _, set := range sets {
		t.Run(set.dir, func(t *testing.T) {
			dir := imageData(t, set.dir)
			files, err := filepath.Glob(filepath.Join(dir, set.glob))
			require.NoError(t, err)
			require.NotEmpty(t, files, "no %s in %s", set.glob, dir)
			for _, f := range files[:min(set.first, len(files))] {
				img, err := DecodeImageFile(f)
				require.NoError(t, err, f)
				assert.Equal(t, set.format, img.Format)
				b := img.Gray.Rect
				assert.True(t, b.Dx() >= 100 && b.Dy() >= 100, "%s: implausible size %v", f, b)
				// A blank or saturated decode would mean misread pixels.
				lo, hi := 255, 0
				for _, p := range img.Gray.Pix {
					lo, hi = min(lo, int(p)), max(hi, int(p))
				}
				assert.Greater(t, hi-lo, 64, "%s: pixel range %d–%d", f, lo, hi)
				t.Logf("%s: %s %d×%d, ppi %g", filepath.Base(f), img.Format, b.Dx(), b.Dy(), img.PPI)
			}
		})
	}
}

// TestRealWSQ decodes the shared WSQ files through DecodeImage and compares
// them with the PNG renderings beside them.
func TestRealWSQ(t *testing.T) {
	dir := imageData(t, "wsq")
	files, err := filepath.Glob(filepath.Join(dir, "*.wsq"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	if _, err := DecodeImageFile(files[0]); err != nil && strings.Contains(err.Error(), "not implemented") {
		t.Skipf("WSQ decoder not yet in place: %v", err)
	}
	for _, f := range files {
		img, err := DecodeImageFile(f)
		require.NoError(t, err, f)
		assert.Equal(t, "wsq", img.Format)
		// The PNG beside each file is the NBIS reconstruction.
		if ref, err := DecodeImageFile(strings.TrimSuffix(f, ".wsq") + ".png"); err == nil {
			require.Equal(t, ref.Gray.Rect, img.Gray.Rect, f)
			assert.True(t, bytes.Equal(ref.Gray.Pix, img.Gray.Pix), "%s: pixels differ from the reference PNG", f)
		}
		t.Logf("%s: %d×%d, ppi %g", filepath.Base(f), img.Gray.Rect.Dx(), img.Gray.Rect.Dy(), img.PPI)
	}
}

// seedImages are tiny images of every format, with resolution metadata
// where the format has some, for the fuzz corpus.
func seedImages(t testing.TB) [][]byte {
	g := testGray(6, 5)
	c := testColour(4, 3)
	seeds := [][]byte{
		withPHYs(encodePNG(t, g), 19685, 1),
		encodePNG(t, c),
		withJPEGSegments(encodeJPEG(t, g), jfif(1, 500), exif(binary.BigEndian, 500, 1, 2)),
		encodeJPEG(t, c),
		encodeGIF(t, g),
		patchTIFF(t, encodeTIFF(t, g, nil), 197, 1, 3),
		encodeTIFF(t, c, &tiff.Options{Compression: tiff.Deflate}),
		greyTIFF(binary.LittleEndian, g, true, 19685, 100, 3),
		encodeTIFF(t, g, &tiff.Options{Compression: tiff.Deflate, Predictor: true}),
		greyTIFF(binary.BigEndian, g, false, 500, 1, 2),
		withBMPResolution(encodeBMP(t, g), 19685),
		encodeBMP(t, c),
		encodePGM(t, g),
		[]byte("P2 2 2 65535\n0 1000 # c\n65535 7\n"),
		[]byte("P4 9 1\n\xff\x80"),
		[]byte("P6 1 1 255\n\x01\x02\x03"),
		pngHeader(3000, 3000),
		jpegHeader(2000, 2000),
	}
	return seeds
}

func FuzzDecodeImage(f *testing.F) {
	for _, s := range seedImages(f) {
		f.Add(s)
	}
	// The header and tables of the smallest real WSQ file, when the shared
	// data is there: a whole file decodes too slowly for fuzzing.
	if files, _ := filepath.Glob(shareddata.Path("fingerprint", "wsq", "*.wsq")); len(files) > 0 {
		var smallest []byte
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil && (smallest == nil || len(b) < len(smallest)) {
				smallest = b
			}
		}
		f.Add(smallest[:min(len(smallest), 2048)])
	}
	// A lower pixel limit than DecodeImage's keeps each run fast; the limit
	// logic is the same.
	const fuzzMaxPixels = 1 << 20
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := decodeImage(data, fuzzMaxPixels)
		if err != nil {
			return
		}
		if img.Format != detectImageFormat(data) {
			t.Fatalf("format %q, detected %q", img.Format, detectImageFormat(data))
		}
		g := img.Gray
		if g == nil || g.Rect.Min != (image.Point{}) || g.Rect.Empty() || g.Stride != g.Rect.Dx() || len(g.Pix) != g.Rect.Dx()*g.Rect.Dy() {
			t.Fatalf("malformed result image")
		}
		if int64(g.Rect.Dx())*int64(g.Rect.Dy()) > fuzzMaxPixels {
			t.Fatalf("%v exceeds the pixel limit", g.Rect)
		}
		if math.IsNaN(img.PPI) || math.IsInf(img.PPI, 0) || img.PPI < 0 {
			t.Fatalf("ppi %v", img.PPI)
		}
	})
}

func BenchmarkDecodeImage(b *testing.B) {
	g := testGray(300, 300)
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"png", withPHYs(encodePNG(b, g), 19685, 1)},
		{"jpeg", withJPEGSegments(encodeJPEG(b, g), jfif(1, 500))},
		{"gif", encodeGIF(b, g)},
		{"tiff", patchTIFF(b, encodeTIFF(b, g, nil), 500, 1, 2)},
		{"bmp", withBMPResolution(encodeBMP(b, g), 19685)},
		{"pgm", encodePGM(b, g)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(g.Pix)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := DecodeImage(tc.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
