package wsq

import (
	"bytes"
	"image"
	"image/color"
	_ "image/png"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/openbms/bms/internal/shareddata"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sharedDir is where the project's shared sample data lives, relative to
// this package.
var sharedDir = shareddata.Path("fingerprint", "wsq")

// realFiles lists the WSQ samples with their reference decodes, or skips
// the test when the shared data is not checked out.
func realFiles(tb testing.TB) map[string]string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(sharedDir, "*.wsq"))
	if err != nil || len(files) == 0 {
		tb.Skipf("shared data not found at %s: real WSQ check skipped", sharedDir)
	}
	pairs := make(map[string]string, len(files))
	for _, f := range files {
		png := strings.TrimSuffix(f, ".wsq") + ".png"
		if filepath.Base(f) == "sourceafis-original.wsq" {
			png = filepath.Join(sharedDir, "sourceafis-converted.png")
		}
		pairs[f] = png
	}
	return pairs
}

func TestRealFilesMatchReference(t *testing.T) {
	for wsqPath, pngPath := range realFiles(t) {
		t.Run(filepath.Base(wsqPath), func(t *testing.T) {
			data, err := os.ReadFile(wsqPath)
			require.NoError(t, err)
			img, cfg, err := Decode(data)
			require.NoError(t, err)

			hdr, err := DecodeConfig(data)
			require.NoError(t, err)
			assert.Equal(t, hdr.Width, cfg.Width)
			assert.Equal(t, hdr.Height, cfg.Height)
			assert.Equal(t, rawPPI(t, data), cfg.PPI, "PPI from NISTCOM")
			assert.Equal(t, image.Rect(0, 0, cfg.Width, cfg.Height), img.Bounds())

			ref := loadGray(t, pngPath)
			require.Equal(t, ref.Bounds(), img.Bounds(), "size differs from reference decode")

			maxDiff, sum := 0, 0
			for i, v := range img.Pix {
				d := int(v) - int(ref.Pix[i])
				if d < 0 {
					d = -d
				}
				sum += d
				maxDiff = max(maxDiff, d)
			}
			mean := float64(sum) / float64(len(img.Pix))
			t.Logf("%-26s %4dx%-4d max |diff| %d, mean |diff| %.6f", filepath.Base(wsqPath), cfg.Width, cfg.Height, maxDiff, mean)
			assert.LessOrEqual(t, maxDiff, 1, "pixel values must be within one grey level of the reference")
		})
	}
}

// rawPPI finds the NISTCOM "PPI" line by a plain byte search, as an
// independent check of the comment parser. (Some samples really say 255.)
func rawPPI(t *testing.T, data []byte) int {
	t.Helper()
	i := bytes.Index(data, []byte("\nPPI "))
	require.GreaterOrEqual(t, i, 0, "sample has no PPI line")
	rest := data[i+5:]
	line, _, _ := bytes.Cut(rest, []byte("\n"))
	ppi, err := strconv.Atoi(string(line))
	require.NoError(t, err)
	return ppi
}

// loadGray reads a reference PNG; the references are stored as RGB or
// palette images with equal channels.
func loadGray(t *testing.T, path string) *image.Gray {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	src, _, err := image.Decode(bytes.NewReader(data))
	require.NoError(t, err)
	b := src.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := src.At(x, y).RGBA()
			require.True(t, r == g && g == bl, "reference %s is not grey at (%d,%d)", path, x, y)
			out.SetGray(x-b.Min.X, y-b.Min.Y, color.Gray{Y: uint8(r >> 8)})
		}
	}
	return out
}

// TestRealFileTruncations cuts the smallest real file at every byte
// offset: each prefix must fail cleanly. (-short samples every 97th.)
func TestRealFileTruncations(t *testing.T) {
	var data []byte
	for p := range realFiles(t) {
		d, err := os.ReadFile(p)
		require.NoError(t, err)
		if data == nil || len(d) < len(data) {
			data = d
		}
	}
	step := 1
	if testing.Short() {
		step = 97
	}
	for n := 0; n < len(data); n += step {
		_, _, err := Decode(data[:n])
		require.Error(t, err, "prefix of %d bytes decoded without error", n)
	}

	// Most prefixes above stop at the up-front check for EOI. With an EOI
	// byte pair hidden in a comment before the first block, they reach the
	// entropy decoder instead; that is slower, so sample every 13th offset.
	sob := bytes.Index(data, []byte{0xff, 0xa3})
	require.Positive(t, sob)
	var w builder
	w.segment(markerCOM, []byte(eoiComment))
	hidden := slices.Concat(data[:sob], w.b, data[sob:])
	_, _, err := Decode(hidden)
	require.NoError(t, err)
	for n := 0; n < len(hidden); n += 13 * step {
		_, _, err := Decode(hidden[:n])
		require.Error(t, err, "prefix of %d bytes decoded without error", n)
	}
}
