package facial

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// normalImpostors are cosine scores of unrelated unit vectors in dim
// dimensions: about normal with standard deviation 1/√dim.
func normalImpostors(n int, dim float64) []float64 {
	rng := rand.New(rand.NewPCG(1, 2))
	s := make([]float64, n)
	for i := range s {
		s[i] = rng.NormFloat64() / math.Sqrt(dim)
	}
	return s
}

func TestNewCalibrationMeasuresRates(t *testing.T) {
	scores := normalImpostors(200000, 512)
	c, err := NewCalibration("m", append(scores, math.NaN()), "synthetic")
	require.NoError(t, err)
	require.NoError(t, c.Validate())
	assert.Equal(t, 200000, c.Impostors)
	assert.Equal(t, "m", c.Model)
	// 200 000 scores resolve rates down to 5·10⁻⁵ (10 passing).
	assert.InDelta(t, 5e-5, c.Points[len(c.Points)-1].FMR, 1e-9)
	for _, p := range c.Points {
		passed := 0
		for _, s := range scores {
			if s >= p.Threshold {
				passed++
			}
		}
		assert.Equal(t, p.FMR, float64(passed)/float64(len(scores)), "the point's rate is the share that passes")
	}
	// A normal tail: the 10⁻³ threshold is about 3.09 standard deviations.
	assert.InDelta(t, 3.09/math.Sqrt(512), c.ThresholdForFMR(1e-3), 0.01)
}

func TestCalibrationInterpolatesMonotonically(t *testing.T) {
	c, err := NewCalibration("m", normalImpostors(100000, 128), "synthetic")
	require.NoError(t, err)
	prev := math.Inf(-1)
	for _, fmr := range []float64{0.5, 0.1, 0.03, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 1e-5, 1e-6} {
		th := c.ThresholdForFMR(fmr)
		assert.GreaterOrEqual(t, th, prev, "fmr %g", fmr)
		prev = th
		if fmr < 0.1 && fmr >= c.Points[len(c.Points)-1].FMR {
			assert.InDelta(t, fmr, c.FMRForScore(th), fmr*1e-9, "FMRForScore inverts ThresholdForFMR inside the measured range")
		}
	}
	assert.True(t, c.Extrapolated(1e-7))
	assert.False(t, c.Extrapolated(1e-2))
	assert.Equal(t, c.Points[0].FMR, c.FMRForScore(-1), "below the first point the rate is only bounded")
	assert.InDelta(t, c.Points[len(c.Points)-1].FMR*extrapolationFloor, c.FMRForScore(1), 1e-15)
	assert.True(t, math.IsNaN(c.FMRForScore(math.NaN())))
	assert.True(t, math.IsNaN(c.ThresholdForFMR(0)))
}

func TestCalibrationRejectsTooFewScores(t *testing.T) {
	_, err := NewCalibration("m", []float64{0.1, 0.2}, "")
	require.Error(t, err)
	_, err = NewCalibration("m", make([]float64, 1000), "all tied")
	require.Error(t, err)
	bad := &Calibration{Model: "m", Points: []CalibrationPoint{{FMR: 0.1, Threshold: 0.5}, {FMR: 0.2, Threshold: 0.6}}}
	require.Error(t, bad.Validate())
	require.ErrorIs(t, (&Calibration{}).Validate(), ErrModel)
}

func TestCalibrationRegistryIsPerModel(t *testing.T) {
	a, err := NewCalibration("model-a", normalImpostors(50000, 128), "a")
	require.NoError(t, err)
	b, err := NewCalibration("model-b", normalImpostors(50000, 512), "b")
	require.NoError(t, err)
	require.NoError(t, RegisterCalibration(a))
	require.NoError(t, RegisterCalibration(b))
	ta, err := ThresholdForFMR("model-a", 1e-3)
	require.NoError(t, err)
	tb, err := ThresholdForFMR("model-b", 1e-3)
	require.NoError(t, err)
	assert.Greater(t, ta, tb, "fewer dimensions spread impostor scores wider")
	f, err := FMRForScore("model-a", ta)
	require.NoError(t, err)
	assert.InDelta(t, 1e-3, f, 1e-9)
	_, err = ThresholdForFMR("unknown", 1e-3)
	require.ErrorIs(t, err, ErrNotCalibrated)
	_, err = FMRForScore("unknown", 0.5)
	require.ErrorIs(t, err, ErrNotCalibrated)
	require.Error(t, RegisterCalibration(&Calibration{Model: "x"}))
}

func TestThresholdAtFMR(t *testing.T) {
	s := []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0}
	th := ThresholdAtFMR(s, 0.2) // two of ten may pass: 0.9 and 1.0
	assert.Greater(t, th, 0.8)
	assert.LessOrEqual(t, th, 0.9)
	assert.Greater(t, ThresholdAtFMR(s, 0), 1.0, "no impostor passes")
	assert.True(t, math.IsInf(ThresholdAtFMR(s, 1), -1))
	assert.True(t, math.IsNaN(ThresholdAtFMR(nil, 0.1)))
}

func TestFaceNetCalibrationIsRegistered(t *testing.T) {
	c, err := CalibrationFor("facenet-512")
	require.NoError(t, err)
	require.NoError(t, c.Validate())
	th, err := ThresholdForFMR("facenet-512", 1e-3)
	require.NoError(t, err)
	assert.InDelta(t, 0.59, th, 0.01, "LFW FaceNet impostors pass 0.59 once in a thousand")
	f, err := FMRForScore("facenet-512", th)
	require.NoError(t, err)
	assert.InDelta(t, 1e-3, f, 1e-5)
}
