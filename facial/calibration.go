package facial

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"
)

// CalibrationPoint says that comparisons of different people scored
// Threshold or more with the rate FMR.
type CalibrationPoint struct {
	FMR       float64
	Threshold float64
}

// Calibration maps the cosine scores of one model to false-match rates. It
// is measured from impostor scores (comparisons of different people's
// templates from that model) by NewCalibration, and registered under the
// model's identifier with RegisterCalibration; scores of another model mean
// something else and are never read through it.
//
// Points are sorted by falling FMR (rising threshold). Between points log
// FMR is linear in the score; beyond the last point ThresholdForFMR
// continues the last segment's slope (an exponential tail) and
// FMRForScore does the same but stops two decades below the last measured
// rate; Extrapolated says when a rate is outside the measured range.
type Calibration struct {
	Model     string
	Points    []CalibrationPoint
	Impostors int    // impostor comparisons the points come from
	Source    string // data and storage the table was measured on
}

// calibrationRates is the grid of rates NewCalibration measures, as far as
// the number of impostor scores resolves them.
var calibrationRates = []float64{1e-1, 5e-2, 2e-2, 1e-2, 5e-3, 2e-3, 1e-3, 5e-4, 2e-4, 1e-4, 5e-5, 2e-5, 1e-5, 5e-6, 2e-6, 1e-6}

// minPassing is how many impostor scores must reach a point's threshold for
// its rate to be stated; with fewer, the count's sampling error (±√k) is
// too large to be a rate.
const minPassing = 10

// extrapolationFloor bounds how far below the last measured rate
// FMRForScore extrapolates.
const extrapolationFloor = 1e-2

// ThresholdAtFMR is the lowest threshold that lets at most the share fmr of
// sorted (ascending) impostor scores through: just above the score of the
// impostor ranked ⌊fmr·n⌋+1 from the top. It is the threshold of an
// evaluation's "TAR at FAR" and of each calibration point.
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

// NewCalibration measures a calibration for model from impostor scores;
// NaN scores are ignored.
func NewCalibration(model string, impostorScores []float64, source string) (*Calibration, error) {
	s := make([]float64, 0, len(impostorScores))
	for _, v := range impostorScores {
		if !math.IsNaN(v) {
			s = append(s, v)
		}
	}
	n := len(s)
	if n < 2*minPassing {
		return nil, fmt.Errorf("facial: calibration needs at least %d impostor scores, has %d", 2*minPassing, n)
	}
	slices.Sort(s)
	c := &Calibration{Model: model, Impostors: n, Source: source}
	for _, rate := range calibrationRates {
		if int(math.Floor(rate*float64(n))) < minPassing {
			break
		}
		th := ThresholdAtFMR(s, rate)
		passed := n - sort.SearchFloat64s(s, th)
		if passed < minPassing {
			break
		}
		fmr := float64(passed) / float64(n)
		if m := len(c.Points); m > 0 && (th <= c.Points[m-1].Threshold || fmr >= c.Points[m-1].FMR) {
			continue // ties: no new operating point at this rate
		}
		c.Points = append(c.Points, CalibrationPoint{FMR: fmr, Threshold: th})
	}
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("facial: impostor scores too few or too tied to calibrate: %w", err)
	}
	return c, nil
}

// Validate checks that the calibration is usable: a model, at least two
// points, FMR in (0, 1] strictly falling, thresholds finite and strictly
// rising.
func (c *Calibration) Validate() error {
	if c.Model == "" {
		return ErrModel
	}
	if len(c.Points) < 2 {
		return fmt.Errorf("facial: calibration needs at least two points, has %d", len(c.Points))
	}
	for i, p := range c.Points {
		if !(p.FMR > 0 && p.FMR <= 1) || math.IsNaN(p.Threshold) || math.IsInf(p.Threshold, 0) {
			return fmt.Errorf("facial: calibration point %d (%g, %g) is out of range", i, p.FMR, p.Threshold)
		}
		if i > 0 && (p.FMR >= c.Points[i-1].FMR || p.Threshold <= c.Points[i-1].Threshold) {
			return fmt.Errorf("facial: calibration point %d does not follow point %d (FMR must fall, threshold rise)", i, i-1)
		}
	}
	return nil
}

// Extrapolated reports whether fmr lies beyond what the data measured.
func (c *Calibration) Extrapolated(fmr float64) bool {
	return len(c.Points) == 0 || fmr < c.Points[len(c.Points)-1].FMR
}

// ThresholdForFMR is the lowest score whose false-match rate is at most fmr.
func (c *Calibration) ThresholdForFMR(fmr float64) float64 {
	pts := c.Points
	if len(pts) < 2 || !(fmr > 0) {
		return math.NaN()
	}
	if fmr >= pts[0].FMR {
		return pts[0].Threshold
	}
	i := sort.Search(len(pts), func(i int) bool { return pts[i].FMR <= fmr })
	i = min(i, len(pts)-1)
	a, b := pts[i-1], pts[i]
	t := (math.Log(fmr) - math.Log(a.FMR)) / (math.Log(b.FMR) - math.Log(a.FMR))
	return a.Threshold + t*(b.Threshold-a.Threshold)
}

// FMRForScore is the false-match rate of a decision threshold at score.
func (c *Calibration) FMRForScore(score float64) float64 {
	pts := c.Points
	if len(pts) < 2 || math.IsNaN(score) {
		return math.NaN()
	}
	if score <= pts[0].Threshold {
		return pts[0].FMR // below the loosest threshold the rate is only bounded
	}
	i := sort.Search(len(pts), func(i int) bool { return pts[i].Threshold >= score })
	i = min(i, len(pts)-1)
	a, b := pts[i-1], pts[i]
	t := (score - a.Threshold) / (b.Threshold - a.Threshold)
	fmr := math.Exp(math.Log(a.FMR) + t*(math.Log(b.FMR)-math.Log(a.FMR)))
	return max(fmr, pts[len(pts)-1].FMR*extrapolationFloor)
}

// ErrNotCalibrated is returned for models without a registered calibration.
var ErrNotCalibrated = errors.New("facial: no calibration for the model")

var (
	calMu        sync.RWMutex
	calibrations = map[string]*Calibration{}
)

// RegisterCalibration makes c the calibration of its model, replacing any
// earlier one.
func RegisterCalibration(c *Calibration) error {
	if err := c.Validate(); err != nil {
		return err
	}
	calMu.Lock()
	defer calMu.Unlock()
	calibrations[c.Model] = c
	return nil
}

// mustRegister registers a calibration table compiled into the package.
func mustRegister(c *Calibration) {
	if err := RegisterCalibration(c); err != nil {
		panic(err)
	}
}

// CalibrationFor returns the calibration registered for model.
func CalibrationFor(model string) (*Calibration, error) {
	calMu.RLock()
	defer calMu.RUnlock()
	c, ok := calibrations[model]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrNotCalibrated, model)
	}
	return c, nil
}

// ThresholdForFMR is the score at or above which templates of different
// people from model match with the rate fmr.
func ThresholdForFMR(model string, fmr float64) (float64, error) {
	c, err := CalibrationFor(model)
	if err != nil {
		return math.NaN(), err
	}
	return c.ThresholdForFMR(fmr), nil
}

// FMRForScore is the false-match rate of a threshold at score for model.
func FMRForScore(model string, score float64) (float64, error) {
	c, err := CalibrationFor(model)
	if err != nil {
		return math.NaN(), err
	}
	return c.FMRForScore(score), nil
}
