package facial

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/openbms/bms/internal/calib"
)

// CalibrationPoint says that comparisons of different people scored
// Threshold or more with the rate FMR.
type CalibrationPoint = calib.Point

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

// extrapolationFloor bounds how far below the last measured rate
// FMRForScore extrapolates.
const extrapolationFloor = calib.ExtrapolationFloor

// ThresholdAtFMR is the lowest threshold that lets at most the share fmr of
// sorted (ascending) impostor scores through: just above the score of the
// impostor ranked ⌊fmr·n⌋+1 from the top. It is the threshold of an
// evaluation's "TAR at FAR" and of each calibration point.
func ThresholdAtFMR(sorted []float64, fmr float64) float64 { return calib.ThresholdAtFMR(sorted, fmr) }

// NewCalibration measures a calibration for model from impostor scores;
// NaN scores are ignored.
func NewCalibration(model string, impostorScores []float64, source string) (*Calibration, error) {
	pts, n, err := calib.Measure(impostorScores)
	if err != nil {
		return nil, fmt.Errorf("facial: %w", err)
	}
	c := &Calibration{Model: model, Points: pts, Impostors: n, Source: source}
	if err := c.Validate(); err != nil {
		return nil, err
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
	if err := calib.Validate(c.Points); err != nil {
		return fmt.Errorf("facial: %w", err)
	}
	return nil
}

// Extrapolated reports whether fmr lies beyond what the data measured.
func (c *Calibration) Extrapolated(fmr float64) bool { return calib.Extrapolated(c.Points, fmr) }

// ThresholdForFMR is the lowest score whose false-match rate is at most fmr.
func (c *Calibration) ThresholdForFMR(fmr float64) float64 {
	return calib.ThresholdForFMR(c.Points, fmr)
}

// FMRForScore is the false-match rate of a decision threshold at score.
func (c *Calibration) FMRForScore(score float64) float64 { return calib.FMRForScore(c.Points, score) }

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
