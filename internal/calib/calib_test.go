package calib

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMeasureAndInterpolate(t *testing.T) {
	// 1,000 impostor scores 0.000, 0.001, …, 0.999.
	s := make([]float64, 1000)
	for i := range s {
		s[i] = float64(i) / 1000
	}
	s = append(s, math.NaN())
	pts, n, err := Measure(s)
	require.NoError(t, err)
	assert.Equal(t, 1000, n, "NaN ignored")
	require.Len(t, pts, 4, "10 %, 5 %, 2 %, 1 % (ten scores pass); 0.5 % would be five")
	assert.Equal(t, []float64{0.1, 0.05, 0.02, 0.01}, []float64{pts[0].FMR, pts[1].FMR, pts[2].FMR, pts[3].FMR})
	assert.InDelta(t, 0.899, pts[0].Threshold, 1e-9, "just above the 101st highest score")
	require.NoError(t, Validate(pts))

	for _, tc := range []struct{ fmr, want float64 }{
		{0.5, pts[0].Threshold}, // above the first point: its threshold
		{0.1, pts[0].Threshold},
		{0.05, pts[1].Threshold},
	} {
		assert.InDelta(t, tc.want, ThresholdForFMR(pts, tc.fmr), 1e-9, "fmr %g", tc.fmr)
	}
	mid := ThresholdForFMR(pts, math.Sqrt(0.1*0.05)) // log-linear: halfway
	assert.InDelta(t, (pts[0].Threshold+pts[1].Threshold)/2, mid, 1e-9)
	assert.InDelta(t, math.Sqrt(0.1*0.05), FMRForScore(pts, mid), 1e-12)
	assert.True(t, math.IsNaN(ThresholdForFMR(pts, 0)))
	assert.True(t, math.IsNaN(FMRForScore(pts, math.NaN())))
	assert.Equal(t, pts[0].FMR, FMRForScore(pts, 0), "below the first threshold: a bound")
	assert.Equal(t, pts[3].FMR*ExtrapolationFloor, FMRForScore(pts, 100), "the floor")
	assert.True(t, Extrapolated(pts, 1e-3))
	assert.False(t, Extrapolated(pts, 0.05))
	atLeast, atMost := Bounded(pts, 0)
	assert.True(t, atLeast)
	assert.False(t, atMost)
	_, atMost = Bounded(pts, 100)
	assert.True(t, atMost)
}

func TestMeasureRefusesTooFewOrTied(t *testing.T) {
	_, _, err := Measure(make([]float64, 19))
	assert.Error(t, err)
	_, _, err = Measure(make([]float64, 1000))
	assert.Error(t, err, "all tied")
	assert.ErrorIs(t, Validate([]Point{{FMR: 0.1, Threshold: 1}}), ErrTooFewPoints)
	assert.Error(t, Validate([]Point{{FMR: 0.1, Threshold: 1}, {FMR: 0.2, Threshold: 2}}))
	assert.Error(t, Validate([]Point{{FMR: 0.1, Threshold: 1}, {FMR: 0.01, Threshold: math.Inf(1)}}))
}

func TestThresholdAtFMR(t *testing.T) {
	s := []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0}
	th := ThresholdAtFMR(s, 0.2)
	assert.Greater(t, th, 0.8)
	assert.LessOrEqual(t, th, 0.9)
	assert.True(t, math.IsInf(ThresholdAtFMR(s, 1), -1))
	assert.True(t, math.IsNaN(ThresholdAtFMR(nil, 0.1)))
}
