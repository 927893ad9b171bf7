package bench

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func decodePNGSize(t *testing.T, b []byte) (int, int) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	return img.Bounds().Dx(), img.Bounds().Dy()
}

func TestWriteDETPNG(t *testing.T) {
	gen := []float64{0.3, 0.6, 0.7, 0.9}
	imp := []float64{0.1, 0.2, 0.4, 0.65}
	var a, b bytes.Buffer
	series := []DETSeries{{Label: "one", Genuine: gen, Impostor: imp}, {Label: "two", Genuine: gen[1:], Impostor: imp}}
	require.NoError(t, WriteDETPNG(&a, "title", series))
	w, h := decodePNGSize(t, a.Bytes())
	assert.Equal(t, DETWidth, w)
	assert.Equal(t, DETHeight, h)
	require.NoError(t, WriteDETPNG(&b, "title", series))
	assert.Equal(t, a.Bytes(), b.Bytes(), "plots are deterministic")

	// Perfect separation (all rates 0 or 1), infinities and non-ASCII
	// labels must draw, not fail.
	a.Reset()
	require.NoError(t, WriteDETPNG(&a, "édge — cases", []DETSeries{
		{Label: "perfect", Genuine: []float64{1, 2}, Impostor: []float64{0}},
		{Label: "inf", Genuine: []float64{math.Inf(1)}, Impostor: []float64{math.Inf(-1)}},
	}))
	decodePNGSize(t, a.Bytes())

	assert.Error(t, WriteDETPNG(&a, "", nil))
	assert.Error(t, WriteDETPNG(&a, "", make([]DETSeries, 5)))
	assert.Error(t, WriteDETPNG(&a, "", []DETSeries{{Label: "empty"}}))
	assert.Error(t, WriteDETPNG(nil, "", series))
}

func TestWriteHistogramPNG(t *testing.T) {
	var a bytes.Buffer
	require.NoError(t, WriteHistogramPNG(&a, "t", []float64{0.3, 0.6, 0.7, 0.9, math.Inf(1)}, []float64{0, 0, 0.1, math.Inf(-1)}))
	w, h := decodePNGSize(t, a.Bytes())
	assert.Equal(t, HistogramWidth, w)
	assert.Equal(t, HistogramHeight, h)

	// Degenerate inputs: one class empty, all scores equal, only
	// infinities.
	for _, c := range [][2][]float64{
		{{0.5}, nil},
		{{1, 1}, {1}},
		{{math.Inf(1)}, {math.Inf(-1)}},
	} {
		a.Reset()
		require.NoError(t, WriteHistogramPNG(&a, "t", c[0], c[1]))
		decodePNGSize(t, a.Bytes())
	}
	assert.Error(t, WriteHistogramPNG(&a, "t", nil, nil))
	assert.Error(t, WriteHistogramPNG(&a, "t", []float64{math.NaN()}, nil))
}

func TestNiceTicks(t *testing.T) {
	assert.Equal(t, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}, niceTicks(0, 1, 5))
	assert.Equal(t, []float64{0.05, 0.1, 0.15}, niceTicks(0.03, 0.17, 3))
	assert.Nil(t, niceTicks(1, 1, 5))
	assert.Nil(t, niceTicks(0, math.Inf(1), 5))
	assert.Equal(t, "0.1%", percentLabel(0.001))
	assert.Equal(t, "100%", percentLabel(1))
	assert.Equal(t, "0.01%", percentLabel(1e-4))
}

func TestWriteThroughputPNG(t *testing.T) {
	var buf bytes.Buffer
	err := WriteThroughputPNG(&buf, "1:N search", "fingers/s", []ThroughputSeries{
		{Label: "gallery 10000", Points: []ThroughputPoint{{1, 70000}, {2, 130000}}},
		{Label: "gallery 100000", Points: []ThroughputPoint{{1, 68000}, {2, 125000}}},
	})
	require.NoError(t, err)
	img, err := png.Decode(&buf)
	require.NoError(t, err)
	assert.Equal(t, image.Rect(0, 0, 800, 600), img.Bounds())
	assert.Error(t, WriteThroughputPNG(&buf, "x", "y", nil))
	assert.Error(t, WriteThroughputPNG(&buf, "x", "y", []ThroughputSeries{{Points: []ThroughputPoint{{0, 1}}}}))
}
