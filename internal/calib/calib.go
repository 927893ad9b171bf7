// Package calib maps comparison scores to false-match rates, for every
// modality: a table of operating points measured on impostor scores, with
// log-FMR interpolated linearly in the score between points and an
// exponential tail beyond the last. Packages minutiae and facial wrap it in
// their own Calibration types.
package calib

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
)

// Point says that impostor comparisons scored Threshold or more with the
// rate FMR.
type Point struct {
	FMR       float64
	Threshold float64
}

// Grid is the rates Measure states, as far as the number of impostor scores
// resolves them.
var Grid = []float64{1e-1, 5e-2, 2e-2, 1e-2, 5e-3, 2e-3, 1e-3, 5e-4, 2e-4, 1e-4, 5e-5, 2e-5, 1e-5, 5e-6, 2e-6, 1e-6}

// MinPassing is how many impostor scores must reach a point's threshold for
// its rate to be stated: with fewer, the count's own sampling error (±√k)
// is too large to be a rate.
const MinPassing = 10

// ExtrapolationFloor bounds how far below the last measured rate
// FMRForScore extrapolates: two decades.
const ExtrapolationFloor = 1e-2

// ThresholdAtFMR is the lowest threshold that lets at most the share fmr of
// sorted (ascending) impostor scores through: just above the score of the
// impostor ranked ⌊fmr·n⌋+1 from the top, so that it and all ties below it
// are rejected.
func ThresholdAtFMR(sorted []float64, fmr float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	k := int(math.Floor(fmr * float64(n)))
	if k >= n {
		return math.Inf(-1)
	}
	return math.Nextafter(sorted[n-1-k], math.Inf(1))
}

// Measure finds the operating points of impostor scores (NaNs ignored) on
// Grid and returns them with the number of scores used. For each rate the
// threshold is the smallest that lets at most that share through and the
// point's FMR is the share that actually passes; rates whose thresholds tie
// with the previous point's give no point.
func Measure(impostorScores []float64) ([]Point, int, error) {
	s := make([]float64, 0, len(impostorScores))
	for _, v := range impostorScores {
		if !math.IsNaN(v) {
			s = append(s, v)
		}
	}
	n := len(s)
	if n < 2*MinPassing {
		return nil, n, fmt.Errorf("calibration needs at least %d impostor scores, has %d", 2*MinPassing, n)
	}
	slices.Sort(s)
	var pts []Point
	for _, rate := range Grid {
		if int(math.Floor(rate*float64(n))) < MinPassing {
			break
		}
		th := ThresholdAtFMR(s, rate)
		passed := n - sort.SearchFloat64s(s, th)
		if passed < MinPassing {
			break
		}
		fmr := float64(passed) / float64(n)
		if m := len(pts); m > 0 && (th <= pts[m-1].Threshold || fmr >= pts[m-1].FMR) {
			continue // ties: no new operating point at this rate
		}
		pts = append(pts, Point{FMR: fmr, Threshold: th})
	}
	if err := Validate(pts); err != nil {
		return nil, n, fmt.Errorf("impostor scores too few or too tied to calibrate: %w", err)
	}
	return pts, n, nil
}

// ErrTooFewPoints is returned by Validate for a table of under two points.
var ErrTooFewPoints = errors.New("calibration needs at least two points")

// Validate checks that the points are usable: at least two, FMR in (0, 1]
// strictly falling, thresholds finite and strictly rising.
func Validate(pts []Point) error {
	if len(pts) < 2 {
		return fmt.Errorf("%w, has %d", ErrTooFewPoints, len(pts))
	}
	for i, p := range pts {
		if !(p.FMR > 0 && p.FMR <= 1) || math.IsNaN(p.Threshold) || math.IsInf(p.Threshold, 0) {
			return fmt.Errorf("calibration point %d (%g, %g) is out of range", i, p.FMR, p.Threshold)
		}
		if i > 0 && (p.FMR >= pts[i-1].FMR || p.Threshold <= pts[i-1].Threshold) {
			return fmt.Errorf("calibration point %d does not follow point %d (FMR must fall, threshold rise)", i, i-1)
		}
	}
	return nil
}

// Extrapolated reports whether fmr lies beyond what the data measured.
func Extrapolated(pts []Point, fmr float64) bool {
	return len(pts) == 0 || fmr < pts[len(pts)-1].FMR
}

// ThresholdForFMR is the lowest score whose false-match rate is at most
// fmr: NaN for fmr ≤ 0 or an unusable table.
func ThresholdForFMR(pts []Point, fmr float64) float64 {
	if len(pts) < 2 || !(fmr > 0) {
		return math.NaN()
	}
	if fmr >= pts[0].FMR {
		return pts[0].Threshold
	}
	// First point whose FMR is at or below fmr; past the last, extrapolate
	// along the last segment.
	i := min(sort.Search(len(pts), func(i int) bool { return pts[i].FMR <= fmr }), len(pts)-1)
	a, b := pts[i-1], pts[i]
	t := (math.Log(fmr) - math.Log(a.FMR)) / (math.Log(b.FMR) - math.Log(a.FMR))
	return a.Threshold + t*(b.Threshold-a.Threshold)
}

// FMRForScore is the false-match rate of a decision threshold at score:
// the first point's rate at or below its threshold (only a bound there),
// and no lower than ExtrapolationFloor times the last measured rate.
func FMRForScore(pts []Point, score float64) float64 {
	if len(pts) < 2 || math.IsNaN(score) {
		return math.NaN()
	}
	if score <= pts[0].Threshold {
		return pts[0].FMR
	}
	i := min(sort.Search(len(pts), func(i int) bool { return pts[i].Threshold >= score }), len(pts)-1)
	a, b := pts[i-1], pts[i]
	t := (score - a.Threshold) / (b.Threshold - a.Threshold)
	fmr := math.Exp(math.Log(a.FMR) + t*(math.Log(b.FMR)-math.Log(a.FMR)))
	return max(fmr, pts[len(pts)-1].FMR*ExtrapolationFloor)
}

// Bounded reports whether the rate FMRForScore gives for score is only a
// bound: at least that high below the first point's threshold, at most
// that high at the extrapolation floor.
func Bounded(pts []Point, score float64) (atLeast, atMost bool) {
	if len(pts) < 2 {
		return false, false
	}
	f := FMRForScore(pts, score)
	return score <= pts[0].Threshold, f <= pts[len(pts)-1].FMR*ExtrapolationFloor
}
