package minutiae

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testCalibration() *Calibration {
	return &Calibration{Points: []CalibrationPoint{
		{FMR: 1e-2, Threshold: 10},
		{FMR: 1e-3, Threshold: 20},
		{FMR: 1e-4, Threshold: 30},
	}}
}

func TestCalibrationInterpolates(t *testing.T) {
	c := testCalibration()
	require.NoError(t, c.Validate())
	cases := []struct {
		fmr, threshold float64
	}{
		{1e-2, 10}, {1e-3, 20}, {1e-4, 30},
		{math.Pow(10, -2.5), 15}, // halfway in log FMR
		{1e-5, 40},               // extrapolated along the last segment
		{0.5, 10},                // above the loosest point: its threshold
	}
	for _, tc := range cases {
		assert.InDelta(t, tc.threshold, c.ThresholdForFMR(tc.fmr), 1e-9, "fmr %g", tc.fmr)
	}
	for _, tc := range cases[:5] { // 1e-5 is one decade out, above the floor
		assert.InDelta(t, math.Log10(tc.fmr), math.Log10(c.FMRForScore(tc.threshold)), 1e-9, "score %g", tc.threshold)
	}
	assert.Equal(t, 1e-2, c.FMRForScore(0), "below the first threshold the rate is only bounded")
	assert.True(t, c.Extrapolated(1e-5))
	assert.InDelta(t, 1e-6, c.FMRForScore(1000), 1e-18, "extrapolation stops two decades below the last point")
	atLeast, atMost := c.Bounded(1000)
	assert.True(t, atMost)
	assert.False(t, atLeast)
	atLeast, _ = c.Bounded(5)
	assert.True(t, atLeast)
	assert.False(t, c.Extrapolated(1e-3))
}

func TestCalibrationMonotone(t *testing.T) {
	c := testCalibration()
	prev := math.Inf(1)
	for s := 0.0; s < 50; s += 0.25 {
		f := c.FMRForScore(s)
		assert.LessOrEqual(t, f, prev, "FMR never rises with the score")
		prev = f
	}
}

func TestCalibrationValidate(t *testing.T) {
	bad := []Calibration{
		{},
		{Points: []CalibrationPoint{{FMR: 1e-2, Threshold: 10}}},
		{Points: []CalibrationPoint{{FMR: 1e-2, Threshold: 10}, {FMR: 1e-2, Threshold: 20}}},
		{Points: []CalibrationPoint{{FMR: 1e-2, Threshold: 10}, {FMR: 1e-3, Threshold: 5}}},
		{Points: []CalibrationPoint{{FMR: 0, Threshold: 10}, {FMR: 1e-3, Threshold: 20}}},
		{Points: []CalibrationPoint{{FMR: 1e-2, Threshold: math.NaN()}, {FMR: 1e-3, Threshold: 20}}},
	}
	for i, c := range bad {
		assert.Error(t, c.Validate(), "case %d", i)
	}
	empty := Calibration{}
	assert.True(t, math.IsNaN(empty.ThresholdForFMR(1e-3)))
	assert.True(t, math.IsNaN(empty.FMRForScore(3)))
}

func TestNewCalibrationMeasuresPoints(t *testing.T) {
	_, err := NewCalibration(nil, "")
	assert.Error(t, err)
	_, err = NewCalibration([]float64{math.NaN(), 1, 2}, "")
	assert.Error(t, err)
	ties := make([]float64, 100)
	_, err = NewCalibration(ties, "")
	assert.Error(t, err, "all-equal scores give no operating points")

	// 10,000 impostor scores 0, 1, …, 9999: the rate at threshold t is
	// (10000 - t) / 10000.
	imp := make([]float64, 10000)
	for i := range imp {
		imp[len(imp)-1-i] = float64(i)
	}
	c, err := NewCalibration(imp, "test")
	require.NoError(t, err)
	assert.Equal(t, 10000, c.Impostors)
	require.NotEmpty(t, c.Points)
	assert.InDelta(t, 1e-1, c.Points[0].FMR, 1e-12)
	last := c.Points[len(c.Points)-1]
	assert.InDelta(t, 1e-3, last.FMR, 1e-12, "the grid stops where fewer than 10 impostors would be left")
	for _, p := range c.Points {
		passed := 0
		for _, s := range imp {
			if s >= p.Threshold {
				passed++
			}
		}
		assert.Equal(t, p.FMR, float64(passed)/10000, "point FMR is the measured share at its threshold")
		assert.InDelta(t, p.FMR, c.FMRForScore(p.Threshold), 1e-12)
	}
	assert.InDelta(t, 9000, c.ThresholdForFMR(0.1), 1)
	assert.InDelta(t, 9990, c.ThresholdForFMR(1e-3), 1)
	assert.True(t, c.Extrapolated(1e-4))
}
