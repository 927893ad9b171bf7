package facial

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testModel = "test-model"

// randomEmbedding is a Gaussian vector: unit-length after normalisation,
// uniformly spread on the sphere, like unrelated faces.
func randomEmbedding(rng *rand.Rand, dim int) []float32 {
	v := make([]float32, dim)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

// near returns a template of the same "person" as v: v plus noise of the
// given relative size.
func near(rng *rand.Rand, v []float32, noise float64) []float32 {
	w := make([]float32, len(v))
	var norm float64
	for _, x := range v {
		norm += float64(x) * float64(x)
	}
	s := math.Sqrt(norm/float64(len(v))) * noise
	for i, x := range v {
		w[i] = x + float32(rng.NormFloat64()*s)
	}
	return w
}

func mustTemplate(t testing.TB, v []float32) *Template {
	t.Helper()
	tp, err := NewTemplate(testModel, v, NoQuality)
	require.NoError(t, err)
	return tp
}

func TestNewTemplateValidates(t *testing.T) {
	ok := make([]float32, 128)
	ok[0] = 1
	withNaN := append([]float32(nil), ok...)
	withNaN[5] = float32(math.NaN())
	withInf := append([]float32(nil), ok...)
	withInf[7] = float32(math.Inf(-1))
	huge := make([]float32, 128)
	for i := range huge {
		huge[i] = math.MaxFloat32
	}
	cases := []struct {
		name    string
		model   string
		v       []float32
		quality int
		want    error
	}{
		{"valid", "m", ok, NoQuality, nil},
		{"valid with quality", "m", ok, 73, nil},
		{"largest", "m", make1(1024), 0, nil},
		{"no model", "", ok, NoQuality, ErrModel},
		{"too short", "m", make1(127), NoQuality, ErrDimension},
		{"too long", "m", make1(1025), NoQuality, ErrDimension},
		{"empty", "m", nil, NoQuality, ErrDimension},
		{"NaN", "m", withNaN, NoQuality, ErrNotFinite},
		{"Inf", "m", withInf, NoQuality, ErrNotFinite},
		{"zero", "m", make([]float32, 256), NoQuality, ErrZeroNorm},
		{"overflowing norm", "m", huge, NoQuality, nil},
		{"quality too high", "m", ok, 101, ErrQualityRange},
		{"quality negative", "m", ok, -2, ErrQualityRange},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tp, err := NewTemplate(c.model, c.v, c.quality)
			if c.want != nil {
				require.ErrorIs(t, err, c.want)
				assert.Nil(t, tp)
				return
			}
			require.NoError(t, err)
			var norm float64
			for _, x := range tp.Embedding() {
				norm += float64(x) * float64(x)
			}
			assert.InDelta(t, 1, norm, 1e-5)
		})
	}
}

func make1(n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = 1
	}
	return v
}

func TestTemplateKeepsItsOwnCopy(t *testing.T) {
	v := make1(128)
	tp := mustTemplate(t, v)
	v[0] = 100
	e := tp.Embedding()
	e[1] = 100
	assert.InDelta(t, 1/math.Sqrt(128), tp.Embedding()[0], 1e-7)
	assert.InDelta(t, 1/math.Sqrt(128), tp.Embedding()[1], 1e-7)
	assert.InDelta(t, math.Sqrt(128), tp.Norm(), 1e-9)
	q, ok := tp.Quality()
	assert.False(t, ok)
	assert.Equal(t, NoQuality, q)
	assert.Equal(t, testModel, tp.Model())
	assert.Equal(t, 128, tp.Dim())
}

func TestCompare(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	v := randomEmbedding(rng, 512)
	a := mustTemplate(t, v)
	neg := make([]float32, len(v))
	for i, x := range v {
		neg[i] = -2 * x
	}
	s, err := Compare(a, a)
	require.NoError(t, err)
	assert.InDelta(t, 1, s, 1e-5)
	s, err = Compare(a, mustTemplate(t, neg))
	require.NoError(t, err)
	assert.InDelta(t, -1, s, 1e-5)
	s, err = Compare(a, mustTemplate(t, randomEmbedding(rng, 512)))
	require.NoError(t, err)
	assert.InDelta(t, 0, s, 0.2, "unrelated vectors are nearly orthogonal")

	other, err := NewTemplate("other-model", v, NoQuality)
	require.NoError(t, err)
	_, err = Compare(a, other)
	require.ErrorIs(t, err, ErrModelMismatch)
	_, err = Compare(a, mustTemplate(t, v[:256]))
	require.ErrorIs(t, err, ErrDimension)
}

func TestQualityGate(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	good := randomEmbedding(rng, 256)
	oneHot := make([]float32, 256)
	oneHot[3] = 5
	oneHot[4] = 0.1
	zeros := append([]float32(nil), good...)
	for i := range 100 {
		zeros[i] = 0
	}
	tmpl := func(v []float32, q int) *Template {
		tp, err := NewTemplate(testModel, v, q)
		require.NoError(t, err)
		return tp
	}
	strict := QualityGate{MinQuality: 40, RequireQuality: true, MinNorm: 5, MaxNorm: 50, MaxPeak: 0.5, MaxZeroShare: 0.25}
	cases := []struct {
		name string
		gate QualityGate
		t    *Template
		want RefusalReason
	}{
		{"default admits a face", DefaultGate, tmpl(good, NoQuality), 0},
		{"strict admits a good capture", strict, tmpl(good, 80), 0},
		{"low quality", strict, tmpl(good, 39), LowQuality},
		{"quality required", strict, tmpl(good, NoQuality), MissingQuality},
		{"quality zero passes an unset minimum", DefaultGate, tmpl(good, 0), 0},
		{"norm too small", strict, tmpl(scaled(good, 0.1), 80), AbnormalNorm},
		{"norm too large", strict, tmpl(scaled(good, 10), 80), AbnormalNorm},
		{"one-hot output", DefaultGate, tmpl(oneHot, NoQuality), DegenerateValues},
		{"dead coordinates", DefaultGate, tmpl(zeros, NoQuality), DegenerateValues},
		{"disabled gate admits anything", QualityGate{}, tmpl(oneHot, 0), 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.gate.Check(c.t)
			if c.want == 0 {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrRefused)
			var r *Refusal
			require.True(t, errors.As(err, &r))
			assert.Equal(t, c.want, r.Reason)
			assert.NotEmpty(t, r.Detail)
			assert.Contains(t, err.Error(), c.want.String())
		})
	}
}

func scaled(v []float32, f float32) []float32 {
	w := make([]float32, len(v))
	for i, x := range v {
		w[i] = x * f
	}
	return w
}
