package pgm

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// be16 writes 16-bit samples big-endian, as P5 and P6 store them.
func be16(vs ...int) string {
	var b []byte
	for _, v := range vs {
		b = append(b, byte(v>>8), byte(v))
	}
	return string(b)
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		in   string
		w, h int
		pix  []byte
	}{
		{"P5 8-bit", "P5\n3 2\n255\n\x00\x80\xff\x01\x02\x03", 3, 2, []byte{0, 128, 255, 1, 2, 3}},
		{"P5 maxval 15 scaled", "P5 2 1 15\n\x00\x0f", 2, 1, []byte{0, 255}},
		{"P5 maxval 100 rounds", "P5 3 1 100\n\x00\x32\x01", 3, 1, []byte{0, 128, 3}},
		{"P5 16-bit big-endian", "P5\n4 1\n65535\n" + be16(0, 0x00ff, 0x8000, 0xffff), 4, 1, []byte{0, 1, 128, 255}},
		{"P5 16-bit maxval 1023", "P5 2 1 1023\n" + be16(1023, 512), 2, 1, []byte{255, 128}},
		{"P2 8-bit", "P2\n3 2\n255\n0 128 255\n1 2 3\n", 3, 2, []byte{0, 128, 255, 1, 2, 3}},
		{"P2 maxval 1", "P2 2 1 1 0 1", 2, 1, []byte{0, 255}},
		{"P2 16-bit", "P2 3 1 65535\n0 32768 65535", 3, 1, []byte{0, 128, 255}},
		{"P2 no trailing newline", "P2 1 1 255 7", 1, 1, []byte{7}},
		{
			"comments everywhere in header",
			"P5# after magic\n#own line\n 2 # mid\n1\n# before maxval\n255\n\x10\x20",
			2, 1, []byte{0x10, 0x20},
		},
		{
			// The comment right after maxval ends the header: its line end is
			// the single whitespace byte before the raster.
			"comment right after maxval", "P5 2 1 255#c\n\x0a\x0d", 2, 1, []byte{0x0a, 0x0d},
		},
		{"CR line ends", "P5\r2 1\r255\r\x01\x02", 2, 1, []byte{1, 2}},
		{"comments in plain raster", "P2 2 2 9\n# c\n0 9 # trailing\n# line\n3\n6\n", 2, 2, []byte{0, 255, 85, 170}},
		{"raw trailing bytes ignored", "P5 1 1 255\n\x05P5 1 1 255\n\x06", 1, 1, []byte{5}},
		{"P1 spaced", "P1\n3 1\n1 0 1\n", 3, 1, []byte{0, 255, 0}},
		{"P1 packed digits", "P1 4 2\n0110\n10#c\n01", 4, 2, []byte{255, 0, 0, 255, 0, 255, 255, 0}},
		{"P4 padded rows", "P4 10 2\n\x80\x40\xff\xc0", 10, 2, []byte{0, 255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
		{"P3 luma", "P3 3 1 255\n255 0 0  0 255 0  0 0 255", 3, 1, []byte{76, 150, 29}},
		{"P3 grey stays grey", "P3 2 1 15\n15 15 15 5 5 5", 2, 1, []byte{255, 85}},
		{"P6 8-bit", "P6 2 1 255\n\xff\xff\xff\x80\x80\x80", 2, 1, []byte{255, 128}},
		{"P6 16-bit", "P6 1 1 65535\n" + be16(0xffff, 0, 0), 1, 1, []byte{76}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img, err := Decode(strings.NewReader(tc.in))
			require.NoError(t, err)
			g, ok := img.(*image.Gray)
			require.True(t, ok, "Decode returns *image.Gray, got %T", img)
			assert.Equal(t, image.Rect(0, 0, tc.w, tc.h), g.Rect)
			assert.Equal(t, tc.w, g.Stride)
			assert.Equal(t, tc.pix, g.Pix)

			cfg, err := DecodeConfig(strings.NewReader(tc.in))
			require.NoError(t, err)
			assert.Equal(t, tc.w, cfg.Width)
			assert.Equal(t, tc.h, cfg.Height)
			assert.Equal(t, color.GrayModel, cfg.ColorModel)
		})
	}
}

// TestLumaMatchesGrayModel checks that pixmaps convert as image/color does.
func TestLumaMatchesGrayModel(t *testing.T) {
	for _, c := range []color.RGBA{{255, 0, 0, 255}, {12, 200, 77, 255}, {1, 2, 3, 255}, {255, 255, 255, 255}} {
		in := "P6 1 1 255\n" + string([]byte{c.R, c.G, c.B})
		img, err := Decode(strings.NewReader(in))
		require.NoError(t, err)
		want := color.GrayModel.Convert(c).(color.Gray).Y
		assert.Equal(t, want, img.(*image.Gray).Pix[0], "colour %v", c)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, in, msg string
	}{
		{"empty", "", "truncated header"},
		{"bad magic", "P7 1 1 255\n\x00", "not a Netpbm image"},
		{"not netpbm", "\x89PNG\r\n", "not a Netpbm image"},
		{"truncated after magic", "P5", "truncated header"},
		{"truncated in width", "P5 12", "truncated header"},
		{"truncated in comment", "P5 1 1 # no end", "truncated header"},
		{"missing maxval", "P5 1 1\n", "truncated header"},
		{"zero width", "P5 0 1 255\n", "width 0 below 1"},
		{"zero height", "P2 1 0 255\n", "height 0 below 1"},
		{"width too large", "P5 65537 1 255\n", "width above 65536"},
		{"huge number", "P5 99999999999999999999999999 1 255\n", "width above 65536"},
		{"too many pixels", "P5 65536 65536 255\n", "exceeds the limit"},
		{"maxval zero", "P5 1 1 0\n\x00", "maxval 0 below 1"},
		{"maxval too large", "P5 1 1 65536\n\x00\x00", "maxval above 65535"},
		{"negative", "P5 -1 1 255\n", "where a number should be"},
		{"garbage after field", "P5 1x 1 255\n", "followed by 'x'"},
		{"raw truncated", "P5 2 2 255\n\x00\x00\x00", "truncated pixel data"},
		{"raw 16-bit truncated", "P5 1 1 65535\n\x00", "truncated pixel data"},
		{"raw empty raster", "P5 1 1 255\n", "truncated pixel data"},
		{"P4 truncated", "P4 9 2\n\x00\x00\x00", "truncated pixel data"},
		{"P6 truncated", "P6 1 1 255\n\x00\x00", "truncated pixel data"},
		{"plain truncated", "P2 2 2 255\n1 2 3", "truncated pixel data"},
		{"P1 truncated", "P1 3 1\n01", "truncated pixel data"},
		{"P3 truncated", "P3 1 1 255\n1 2", "truncated pixel data"},
		{"raw sample above maxval", "P5 1 1 100\n\x65", "sample 101 exceeds maxval 100"},
		{"raw 16-bit above maxval", "P5 1 1 1000\n" + be16(1001), "sample 1001 exceeds maxval 1000"},
		{"P6 sample above maxval", "P6 1 1 10\n\x00\x0b\x00", "sample 11 exceeds maxval 10"},
		{"plain sample above maxval", "P2 1 1 10\n11", "sample 11 exceeds maxval 10"},
		{"plain huge sample", "P2 1 1 10\n123456789012345678901234567890", "sample above 65536"},
		{"plain garbage", "P2 2 1 255\n1 x", "unexpected byte 'x'"},
		{"P1 bad digit", "P1 2 1\n02", "unexpected byte '2' in bitmap"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img, err := Decode(strings.NewReader(tc.in))
			require.Error(t, err)
			assert.Nil(t, img)
			assert.True(t, strings.HasPrefix(err.Error(), "pgm: "), "error %q lacks the package prefix", err)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestDecodeReadError(t *testing.T) {
	_, err := Decode(io.MultiReader(strings.NewReader("P5 2 2 255\n\x00"), failingReader{}))
	require.Error(t, err)
	assert.Equal(t, "pgm: disk on fire", err.Error())
}

func gradient(w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			g.SetGray(x, y, color.Gray{Y: uint8(x*7 + y*13)})
		}
	}
	return g
}

func TestRoundTrip(t *testing.T) {
	t.Run("gray", func(t *testing.T) {
		src := gradient(37, 21)
		var buf bytes.Buffer
		require.NoError(t, Encode(&buf, src))
		assert.True(t, strings.HasPrefix(buf.String(), "P5\n37 21\n255\n"))
		assert.Equal(t, len("P5\n37 21\n255\n")+37*21, buf.Len())
		got, err := Decode(&buf)
		require.NoError(t, err)
		assert.Equal(t, src, got)
	})
	t.Run("sub-image with offset origin", func(t *testing.T) {
		src := gradient(40, 30)
		sub := src.SubImage(image.Rect(5, 7, 25, 17)).(*image.Gray)
		var buf bytes.Buffer
		require.NoError(t, Encode(&buf, sub))
		got, err := Decode(&buf)
		require.NoError(t, err)
		g := got.(*image.Gray)
		require.Equal(t, image.Rect(0, 0, 20, 10), g.Rect)
		for y := range 10 {
			for x := range 20 {
				require.Equal(t, sub.GrayAt(x+5, y+7), g.GrayAt(x, y), "pixel %d,%d", x, y)
			}
		}
	})
	t.Run("colour converted with GrayModel", func(t *testing.T) {
		src := image.NewRGBA(image.Rect(0, 0, 3, 1))
		cs := []color.RGBA{{255, 0, 0, 255}, {0, 255, 0, 255}, {10, 20, 30, 255}}
		for x, c := range cs {
			src.SetRGBA(x, 0, c)
		}
		var buf bytes.Buffer
		require.NoError(t, Encode(&buf, src))
		got, err := Decode(&buf)
		require.NoError(t, err)
		for x, c := range cs {
			assert.Equal(t, color.GrayModel.Convert(c), got.At(x, 0))
		}
	})
	t.Run("16-bit grey", func(t *testing.T) {
		src := image.NewGray16(image.Rect(0, 0, 2, 1))
		src.SetGray16(0, 0, color.Gray16{Y: 0x1234})
		src.SetGray16(1, 0, color.Gray16{Y: 0xfedc})
		var buf bytes.Buffer
		require.NoError(t, Encode(&buf, src))
		got, err := Decode(&buf)
		require.NoError(t, err)
		assert.Equal(t, []byte{0x12, 0xfe}, got.(*image.Gray).Pix)
	})
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestEncodeErrors(t *testing.T) {
	var buf bytes.Buffer
	assert.EqualError(t, Encode(&buf, nil), "pgm: cannot encode a nil image")
	assert.EqualError(t, Encode(&buf, image.NewGray(image.Rect(0, 0, 0, 5))), "pgm: cannot encode an empty image")
	assert.EqualError(t, Encode(failingWriter{}, gradient(300, 300)), "pgm: disk full")
}

func TestRegistered(t *testing.T) {
	for _, tc := range []struct{ in, format string }{
		{"P1 1 1 1", "pbm"}, {"P2 1 1 255 0", "pgm"}, {"P3 1 1 255 0 0 0", "ppm"},
		{"P4 1 1\n\x00", "pbm"}, {"P5 1 1 255\n\x00", "pgm"}, {"P6 1 1 255\n\x00\x00\x00", "ppm"},
	} {
		_, format, err := image.Decode(strings.NewReader(tc.in))
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.format, format)
		cfg, format, err := image.DecodeConfig(strings.NewReader(tc.in))
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.format, format)
		assert.Equal(t, 1, cfg.Width)
	}
}

// TestHostileHeaderAllocation checks that a header promising a 200-megapixel
// image, followed by only a few bytes, fails without allocating memory for
// the promised pixels.
func TestHostileHeaderAllocation(t *testing.T) {
	for _, in := range []string{
		"P5 65536 3051 255\n" + strings.Repeat("\x7f", 100),
		"P5 65536 3051 65535\n" + strings.Repeat("\x7f", 100),
		"P6 65536 3051 65535\n" + strings.Repeat("\x7f", 100),
		"P4 65536 3051\n" + strings.Repeat("\x7f", 100),
		"P2 65536 3051 255\n" + strings.Repeat("1 ", 100),
		"P1 65536 3051\n" + strings.Repeat("1", 100),
	} {
		t.Run(in[:2], func(t *testing.T) {
			cfg, err := DecodeConfig(strings.NewReader(in))
			require.NoError(t, err)
			require.Greater(t, cfg.Width*cfg.Height, 100_000_000)

			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err = Decode(strings.NewReader(in))
			runtime.ReadMemStats(&after)
			require.ErrorContains(t, err, "truncated pixel data")
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(8<<20), "bytes allocated")
		})
	}
}

func FuzzDecode(f *testing.F) {
	for _, size := range [][2]int{{1, 1}, {3, 2}, {8, 5}} {
		var buf bytes.Buffer
		if err := Encode(&buf, gradient(size[0], size[1])); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	for _, s := range []string{
		"P2 3 2 255\n0 128 255 1 2 3\n",
		"P5 2 1 65535\n" + be16(1, 65535),
		"P5#c\n2 # c\n1\n15#x\n\x00\x0f",
		"P1 4 2\n0110\n1001",
		"P4 10 2\n\x80\x40\xff\xc0",
		"P3 1 1 255\n1 2 3",
		"P6 1 1 65535\n" + be16(1, 2, 3),
		"P5 65536 3051 255\n\x00",
		"P5 0 0 255\n",
		"P2 1 1 10\n11",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Decode(bytes.NewReader(data))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "pgm: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		cfg, err := DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("Decode succeeded but DecodeConfig failed: %v", err)
		}
		g, ok := img.(*image.Gray)
		if !ok {
			t.Fatalf("Decode returned %T", img)
		}
		if g.Rect != image.Rect(0, 0, cfg.Width, cfg.Height) {
			t.Fatalf("bounds %v, DecodeConfig says %dx%d", g.Rect, cfg.Width, cfg.Height)
		}
		if len(g.Pix) != cfg.Width*cfg.Height || g.Stride != cfg.Width {
			t.Fatalf("pix length %d stride %d for %dx%d", len(g.Pix), g.Stride, cfg.Width, cfg.Height)
		}
		// What decoded must survive a round trip unchanged.
		var buf bytes.Buffer
		if err := Encode(&buf, g); err != nil {
			t.Fatal(err)
		}
		again, err := Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again.(*image.Gray).Pix, g.Pix) {
			t.Fatal("round trip changed pixels")
		}
	})
}
