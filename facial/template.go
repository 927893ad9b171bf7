package facial

import (
	"errors"
	"fmt"
	"math"

	"github.com/openbms/bms/internal/vecdot"
)

// Embedding dimensions a template may have. Face recognition models deliver
// 128 (FaceNet-128, dlib), 512 (FaceNet-512, ArcFace) or up to 1024 values.
const (
	MinDim = 128
	MaxDim = 1024
)

// NoQuality is the quality of a template whose capture stated none.
const NoQuality = -1

// Errors that say why a template or a comparison was rejected; test them
// with errors.Is. Every error carries details beyond the sentinel.
var (
	ErrModel         = errors.New("facial: missing model identifier")
	ErrDimension     = errors.New("facial: wrong embedding dimension")
	ErrNotFinite     = errors.New("facial: embedding value is NaN or infinite")
	ErrZeroNorm      = errors.New("facial: embedding has zero norm")
	ErrQualityRange  = errors.New("facial: quality outside 0–100")
	ErrModelMismatch = errors.New("facial: templates come from different models")
)

// Template is a face embedding ready for comparison: the vector the model
// produced, scaled to unit length, with the identifier of the model (scores
// of different models mean nothing to each other) and the capture's quality.
// It is immutable once made.
type Template struct {
	model   string
	vec     []float32 // unit length
	norm    float64   // length before normalisation, kept for the quality gate
	quality int
	// Coordinates of the raw embedding the quality gate looks at.
	peak  float64 // largest |x_i| / ‖x‖
	zeros int     // coordinates exactly zero
}

// NewTemplate validates an embedding and normalises it to unit length, so
// that a dot product is the cosine similarity. quality is 0–100 (ISO/IEC
// 29794-1 scale) or NoQuality. The embedding is copied.
func NewTemplate(model string, embedding []float32, quality int) (*Template, error) {
	if model == "" {
		return nil, ErrModel
	}
	if n := len(embedding); n < MinDim || n > MaxDim {
		return nil, fmt.Errorf("%w: %d values, a template has %d to %d", ErrDimension, n, MinDim, MaxDim)
	}
	if quality != NoQuality && (quality < 0 || quality > 100) {
		return nil, fmt.Errorf("%w: %d", ErrQualityRange, quality)
	}
	var sum, peak float64
	zeros := 0
	for i, x := range embedding {
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("%w: value %d is %v", ErrNotFinite, i, x)
		}
		sum += f * f
		peak = max(peak, math.Abs(f))
		if x == 0 {
			zeros++
		}
	}
	norm := math.Sqrt(sum)
	if norm == 0 || math.IsInf(norm, 0) {
		// An overflowing sum of squares cannot be normalised in float32
		// either; both mean the capture produced no usable vector.
		return nil, fmt.Errorf("%w (norm %v)", ErrZeroNorm, norm)
	}
	t := &Template{
		model:   model,
		vec:     make([]float32, len(embedding)),
		norm:    norm,
		quality: quality,
		peak:    peak / norm,
		zeros:   zeros,
	}
	inv := 1 / norm
	for i, x := range embedding {
		t.vec[i] = float32(float64(x) * inv)
	}
	return t, nil
}

// Model is the identifier of the model that produced the embedding.
func (t *Template) Model() string { return t.model }

// Dim is the embedding dimension.
func (t *Template) Dim() int { return len(t.vec) }

// Embedding returns a copy of the unit-length embedding.
func (t *Template) Embedding() []float32 { return append([]float32(nil), t.vec...) }

// Norm is the length of the embedding as the model delivered it.
func (t *Template) Norm() float64 { return t.norm }

// Quality is the capture's quality, 0–100, and whether one was stated.
func (t *Template) Quality() (int, bool) { return t.quality, t.quality != NoQuality }

// comparable reports why a and b cannot be compared.
func comparable(a, b *Template) error {
	if a.model != b.model {
		return fmt.Errorf("%w: %q and %q", ErrModelMismatch, a.model, b.model)
	}
	if len(a.vec) != len(b.vec) {
		return fmt.Errorf("%w: %d and %d values from model %q", ErrDimension, len(a.vec), len(b.vec), a.model)
	}
	return nil
}

// Compare is the cosine similarity of two templates of the same model, in
// [−1, 1]. It is computed as a float32 gallery computes it, so a 1:1
// verification and a 1:N search give the same score for the same pair.
func Compare(a, b *Template) (float32, error) {
	if err := comparable(a, b); err != nil {
		return 0, err
	}
	return vecdot.DotF32(a.vec, b.vec), nil
}
