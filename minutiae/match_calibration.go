package minutiae

import (
	"fmt"

	"github.com/openbms/bms/internal/calib"
)

// CalibrationPoint says that comparisons of unrelated fingers scored
// Threshold or more with the rate FMR.
type CalibrationPoint = calib.Point

// Calibration maps comparison scores to false-match rates. It is estimated
// from impostor scores (comparisons of different fingers, made with the
// same extractor and matcher) by [NewCalibration]; `bms calibrate finger`
// does that on the development data and writes the default table,
// calibration_table.go. The points are sorted by falling FMR (rising
// threshold); at each point, exactly the share FMR of the impostor scores
// reached Threshold.
//
// Between points, log FMR is interpolated linearly in the score. Beyond the
// last point the development data holds too few impostor scores to measure
// the rate: ThresholdForFMR continues the last segment's slope (an
// exponential tail, the usual shape of impostor score tails) and
// FMRForScore does the same in reverse but stops two decades below the
// last measured rate, since further out the shape of the tail is a guess;
// Extrapolated says when either is outside the measured range.
type Calibration struct {
	Points []CalibrationPoint
	// Impostors is the number of impostor comparisons the points come from.
	Impostors int
	// Source names the data and matcher version the table was made from.
	Source string
}

// NewCalibration measures a calibration from impostor scores. For each rate
// of the grid (10 %, 5 %, 2 %, 1 %, … down to what the data resolves: at
// least ten impostors must reach the threshold) the
// point's threshold is the smallest that lets at most that share of
// impostors through, and its FMR is the share that actually passes. NaN
// scores are ignored.
func NewCalibration(impostorScores []float64, source string) (*Calibration, error) {
	pts, n, err := calib.Measure(impostorScores)
	if err != nil {
		return nil, fmt.Errorf("minutiae: %w", err)
	}
	return &Calibration{Points: pts, Impostors: n, Source: source}, nil
}

// DefaultFMR is the false-match rate of the default decision threshold:
// 0.01 %, the operating point of the comparisons.
const DefaultFMR = 1e-4

// ThresholdForFMR is the score at or above which comparisons of unrelated
// fingers happen with the rate fmr, by the default calibration.
func ThresholdForFMR(fmr float64) float64 { return DefaultCalibration.ThresholdForFMR(fmr) }

// FMRForScore is the false-match rate of a decision threshold at score, by
// the default calibration.
func FMRForScore(score float64) float64 { return DefaultCalibration.FMRForScore(score) }

// DefaultThreshold is the decision threshold at DefaultFMR.
func DefaultThreshold() float64 { return DefaultCalibration.ThresholdForFMR(DefaultFMR) }

// Validate checks that the points are usable: at least two, FMR in (0, 1]
// strictly falling, thresholds strictly rising.
func (c *Calibration) Validate() error {
	if err := calib.Validate(c.Points); err != nil {
		return fmt.Errorf("minutiae: %w", err)
	}
	return nil
}

// Extrapolated reports whether fmr lies beyond what the development data
// measured.
func (c *Calibration) Extrapolated(fmr float64) bool { return calib.Extrapolated(c.Points, fmr) }

// ThresholdForFMR is the lowest score whose false-match rate is at most fmr
// (NaN for fmr ≤ 0).
func (c *Calibration) ThresholdForFMR(fmr float64) float64 {
	return calib.ThresholdForFMR(c.Points, fmr)
}

// FMRForScore is the false-match rate of a threshold at score: the share
// of comparisons of unrelated fingers expected to score at least that.
// Below the first point's threshold it is that point's rate (a bound), and
// it extrapolates at most two decades below the last measured rate.
func (c *Calibration) FMRForScore(score float64) float64 { return calib.FMRForScore(c.Points, score) }

// Bounded reports whether the rate FMRForScore gives for score is only a
// bound: at least that high below the first point's threshold, at most that
// high at the extrapolation floor.
func (c *Calibration) Bounded(score float64) (atLeast, atMost bool) {
	return calib.Bounded(c.Points, score)
}
