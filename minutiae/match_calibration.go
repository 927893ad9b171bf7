package minutiae

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
)

// CalibrationPoint says that comparisons of unrelated fingers scored Threshold
// or more with the rate FMR.
type CalibrationPoint struct {
	FMR       float64
	Threshold float64
}

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

// calibrationGrid is the false-match rates NewCalibration measures, as far
// as the number of impostor scores resolves them.
var calibrationGrid = []float64{1e-1, 5e-2, 2e-2, 1e-2, 5e-3, 2e-3, 1e-3, 5e-4, 2e-4, 1e-4, 5e-5, 2e-5, 1e-5, 5e-6, 2e-6, 1e-6}

// minImpostorsPerPoint is how many impostor scores must reach a point's
// threshold for its rate to be stated: with fewer the count's own
// sampling error (±√k) is too large to be a rate.
const minImpostorsPerPoint = 10

// NewCalibration measures a calibration from impostor scores. For each rate
// of the grid (10 %, 5 %, 2 %, 1 %, … down to what the data resolves: at
// least minImpostorsPerPoint impostors must reach the threshold) the
// point's threshold is the smallest that lets at most that share of
// impostors through, and its FMR is the share that actually passes. NaN
// scores are ignored.
func NewCalibration(impostorScores []float64, source string) (*Calibration, error) {
	s := make([]float64, 0, len(impostorScores))
	for _, v := range impostorScores {
		if !math.IsNaN(v) {
			s = append(s, v)
		}
	}
	n := len(s)
	if n < 20 {
		return nil, errors.New("minutiae: calibration needs at least 20 impostor scores")
	}
	slices.Sort(s)
	c := &Calibration{Impostors: n, Source: source}
	for _, target := range calibrationGrid {
		k := int(math.Floor(target * float64(n))) // impostors allowed through
		if k < minImpostorsPerPoint {
			break
		}
		// Just above the (k+1)-th highest score: it and all ties below
		// are rejected, at most k impostors pass.
		th := math.Nextafter(s[n-1-k], math.Inf(1))
		passed := n - sort.SearchFloat64s(s, th)
		fmr := float64(passed) / float64(n)
		if passed < minImpostorsPerPoint {
			break
		}
		if m := len(c.Points); m > 0 && (th <= c.Points[m-1].Threshold || fmr >= c.Points[m-1].FMR) {
			continue // ties: no new operating point at this rate
		}
		c.Points = append(c.Points, CalibrationPoint{FMR: fmr, Threshold: th})
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("minutiae: impostor scores too few or too tied to calibrate: %w", err)
	}
	return c, nil
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
	if len(c.Points) < 2 {
		return fmt.Errorf("minutiae: calibration needs at least two points, has %d", len(c.Points))
	}
	for i, p := range c.Points {
		if !(p.FMR > 0 && p.FMR <= 1) || math.IsNaN(p.Threshold) || math.IsInf(p.Threshold, 0) {
			return fmt.Errorf("minutiae: calibration point %d (%g, %g) is out of range", i, p.FMR, p.Threshold)
		}
		if i > 0 && (p.FMR >= c.Points[i-1].FMR || p.Threshold <= c.Points[i-1].Threshold) {
			return fmt.Errorf("minutiae: calibration point %d does not follow point %d (FMR must fall, threshold rise)", i, i-1)
		}
	}
	return nil
}

// Extrapolated reports whether fmr lies beyond what the development data
// measured.
func (c *Calibration) Extrapolated(fmr float64) bool {
	return len(c.Points) == 0 || fmr < c.Points[len(c.Points)-1].FMR
}

// ThresholdForFMR is the lowest score whose false-match rate is at most fmr.
func (c *Calibration) ThresholdForFMR(fmr float64) float64 {
	pts := c.Points
	if len(pts) < 2 {
		return math.NaN()
	}
	if fmr >= pts[0].FMR {
		return pts[0].Threshold
	}
	lf := math.Log(fmr)
	// First point whose FMR is at or below fmr.
	i := sort.Search(len(pts), func(i int) bool { return pts[i].FMR <= fmr })
	if i == len(pts) {
		i = len(pts) - 1 // extrapolate along the last segment
	}
	a, b := pts[i-1], pts[i]
	t := (lf - math.Log(a.FMR)) / (math.Log(b.FMR) - math.Log(a.FMR))
	return a.Threshold + t*(b.Threshold-a.Threshold)
}

// FMRForScore is the false-match rate of a threshold at score: the share
// of comparisons of unrelated fingers expected to score at least that.
func (c *Calibration) FMRForScore(score float64) float64 {
	pts := c.Points
	if len(pts) < 2 || math.IsNaN(score) {
		return math.NaN()
	}
	if score <= pts[0].Threshold {
		// Below the loosest calibrated threshold the rate is only bounded.
		return pts[0].FMR
	}
	i := sort.Search(len(pts), func(i int) bool { return pts[i].Threshold >= score })
	if i == len(pts) {
		i = len(pts) - 1
	}
	a, b := pts[i-1], pts[i]
	t := (score - a.Threshold) / (b.Threshold - a.Threshold)
	fmr := math.Exp(math.Log(a.FMR) + t*(math.Log(b.FMR)-math.Log(a.FMR)))
	return max(fmr, pts[len(pts)-1].FMR*extrapolationFloor)
}

// extrapolationFloor bounds how far below the last measured rate
// FMRForScore extrapolates.
const extrapolationFloor = 1e-2

// Bounded reports whether the rate FMRForScore gives for score is only a
// bound: at least that high below the first point's threshold, at most that
// high at the extrapolation floor.
func (c *Calibration) Bounded(score float64) (atLeast, atMost bool) {
	if len(c.Points) < 2 {
		return false, false
	}
	f := c.FMRForScore(score)
	return score <= c.Points[0].Threshold, f <= c.Points[len(c.Points)-1].FMR*extrapolationFloor
}
