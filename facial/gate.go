package facial

import (
	"errors"
	"fmt"
)

// ErrRefused is matched (errors.Is) by every refusal of the quality gate.
var ErrRefused = errors.New("facial: template refused at enrolment")

// Refusal is why the quality gate refused a template. Article 42(1) of
// Regulation (EU) 2018/1862 lets photographs and facial images into SIS
// only if they meet minimum data-quality standards, and the refusal must
// say which standard was not met.
type Refusal struct {
	Reason RefusalReason
	Detail string
}

// RefusalReason classifies refusals.
type RefusalReason int

const (
	// LowQuality: the capture's quality is below the gate's minimum.
	LowQuality RefusalReason = iota + 1
	// MissingQuality: the gate requires a quality value and none was stated.
	MissingQuality
	// AbnormalNorm: the embedding's length is outside what the model
	// produces for a face.
	AbnormalNorm
	// DegenerateValues: the values look like a failed capture (one
	// coordinate carries the vector, or many are exactly zero).
	DegenerateValues
)

var reasonNames = map[RefusalReason]string{
	LowQuality:       "quality below the minimum",
	MissingQuality:   "no quality value",
	AbnormalNorm:     "embedding norm out of range",
	DegenerateValues: "embedding values show a failed capture",
}

func (r RefusalReason) String() string {
	if s, ok := reasonNames[r]; ok {
		return s
	}
	return fmt.Sprintf("RefusalReason(%d)", int(r))
}

func (r *Refusal) Error() string {
	return fmt.Sprintf("%v (%v): %s", ErrRefused, r.Reason, r.Detail)
}

// Is makes errors.Is(err, ErrRefused) hold.
func (r *Refusal) Is(target error) bool { return target == ErrRefused }

// QualityGate is the minimum data quality a gallery admits. Zero fields
// disable their check.
type QualityGate struct {
	// MinQuality refuses templates whose stated quality is below it.
	MinQuality int
	// RequireQuality refuses templates that state no quality.
	RequireQuality bool
	// MinNorm and MaxNorm bound the length of the embedding as delivered;
	// models that do not normalise their output produce lengths in a
	// characteristic range, and a vector far outside it is not a face.
	MinNorm, MaxNorm float64
	// MaxPeak refuses embeddings in which one coordinate has more than
	// this share of the length (|x_i|/‖x‖): a saturated or one-hot output.
	MaxPeak float64
	// MaxZeroShare refuses embeddings with more than this share of
	// coordinates exactly zero: a truncated or dead output.
	MaxZeroShare float64
}

// DefaultGate refuses the failed captures that show in any model's
// output. Set MinQuality and the norm range per deployment and model.
var DefaultGate = QualityGate{MaxPeak: 0.5, MaxZeroShare: 0.25}

// Check returns nil if the gate admits t, or the *Refusal saying why not.
func (g QualityGate) Check(t *Template) error {
	q, stated := t.Quality()
	switch {
	case !stated && g.RequireQuality:
		return &Refusal{MissingQuality, "the capture stated no quality and the gallery requires one"}
	case stated && q < g.MinQuality:
		return &Refusal{LowQuality, fmt.Sprintf("quality %d, the gallery requires at least %d", q, g.MinQuality)}
	case g.MinNorm > 0 && t.norm < g.MinNorm:
		return &Refusal{AbnormalNorm, fmt.Sprintf("norm %.4g below %.4g", t.norm, g.MinNorm)}
	case g.MaxNorm > 0 && t.norm > g.MaxNorm:
		return &Refusal{AbnormalNorm, fmt.Sprintf("norm %.4g above %.4g", t.norm, g.MaxNorm)}
	case g.MaxPeak > 0 && t.peak > g.MaxPeak:
		return &Refusal{DegenerateValues, fmt.Sprintf("one coordinate carries %.0f%% of the length (at most %.0f%% allowed)", 100*t.peak, 100*g.MaxPeak)}
	case g.MaxZeroShare > 0 && float64(t.zeros) > g.MaxZeroShare*float64(len(t.vec)):
		return &Refusal{DegenerateValues, fmt.Sprintf("%d of %d coordinates are zero", t.zeros, len(t.vec))}
	}
	return nil
}
