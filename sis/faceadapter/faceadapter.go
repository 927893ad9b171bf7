// Package faceadapter plugs the facial package into the sis alert layer:
// it implements sis.FaceEngine on a facial.Gallery, and defines the byte
// encoding in which sis stores facial-image templates (model, quality and
// the embedding as delivered, so that the quality gate sees on reload what
// it saw on entry).
//
// It is a package of its own so that the alert layer does not depend on the
// face engine's API: sis knows faces only through sis.FaceEngine.
package faceadapter

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/openbms/bms/facial"
	"github.com/openbms/bms/index"
	"github.com/openbms/bms/sis"
)

// magic starts every encoded template (version 1).
var magic = [4]byte{'B', 'F', 'T', '1'}

// ErrEncoding marks bytes that are not an encoded template.
var ErrEncoding = errors.New("faceadapter: not an encoded face template")

// noQuality is how an unstated quality is written.
const noQuality = -1

// Encode writes a template as sis stores it: magic, model name (≤ 255
// bytes), quality (−1 when not stated), dimension and the embedding as
// little-endian float32 values.
func Encode(model string, embedding []float32, quality int) ([]byte, error) {
	if len(model) == 0 || len(model) > 255 {
		return nil, fmt.Errorf("faceadapter: model name of %d bytes", len(model))
	}
	if len(embedding) < facial.MinDim || len(embedding) > facial.MaxDim {
		return nil, fmt.Errorf("faceadapter: %d values, a template has %d to %d", len(embedding), facial.MinDim, facial.MaxDim)
	}
	if quality == facial.NoQuality {
		quality = noQuality
	}
	if quality < noQuality || quality > 100 {
		return nil, fmt.Errorf("faceadapter: quality %d outside 0–100", quality)
	}
	b := make([]byte, 0, 4+1+len(model)+1+2+4*len(embedding))
	b = append(b, magic[:]...)
	b = append(b, byte(len(model)))
	b = append(b, model...)
	b = append(b, byte(int8(quality)))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(embedding)))
	for _, v := range embedding {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b, nil
}

// Decode reads an encoded template back into a facial.Template.
func Decode(b []byte) (*facial.Template, error) {
	if len(b) < 8 || [4]byte(b[:4]) != magic {
		return nil, ErrEncoding
	}
	n := int(b[4])
	if len(b) < 5+n+3 {
		return nil, ErrEncoding
	}
	model := string(b[5 : 5+n])
	quality := int(int8(b[5+n]))
	if quality == noQuality {
		quality = facial.NoQuality
	}
	dim := int(binary.LittleEndian.Uint16(b[6+n:]))
	body := b[8+n:]
	if len(body) != 4*dim {
		return nil, fmt.Errorf("%w: %d bytes for %d values", ErrEncoding, len(body), dim)
	}
	vec := make([]float32, dim)
	for i := range vec {
		vec[i] = math.Float32frombits(binary.LittleEndian.Uint32(body[4*i:]))
	}
	return facial.NewTemplate(model, vec, quality)
}

// Engine is a sis.FaceEngine on one facial.Gallery (one model).
type Engine struct {
	Gallery *facial.Gallery
	// Gate is the minimum quality of Art. 42(1) for entering a face.
	Gate facial.QualityGate
	// Threads per search (0: the gallery's default).
	Threads int

	mu    sync.Mutex
	dense map[string]uint32
}

var _ sis.FaceEngine = (*Engine)(nil)

// New returns an engine on the gallery with the gate.
func New(g *facial.Gallery, gate facial.QualityGate) *Engine {
	return &Engine{Gallery: g, Gate: gate, dense: map[string]uint32{}}
}

// CheckQuality implements sis.FaceEngine.
func (e *Engine) CheckQuality(b []byte) error {
	t, err := Decode(b)
	if err != nil {
		return err
	}
	if t.Model() != e.Gallery.Model() {
		return fmt.Errorf("faceadapter: template of model %q, gallery of %q", t.Model(), e.Gallery.Model())
	}
	return e.Gate.Check(t)
}

// Add implements sis.FaceEngine.
func (e *Engine) Add(id string, b []byte) error {
	t, err := Decode(b)
	if err != nil {
		return err
	}
	d, err := e.Gallery.Enrol(id, t)
	if err != nil {
		return err
	}
	e.mu.Lock()
	e.dense[id] = d
	e.mu.Unlock()
	return nil
}

// Remove implements sis.FaceEngine; the gallery zeroes the vector at once.
func (e *Engine) Remove(id string) error {
	e.mu.Lock()
	delete(e.dense, id)
	e.mu.Unlock()
	if !e.Gallery.Remove(id) {
		return fmt.Errorf("%w: %q", facial.ErrNotEnrolled, id)
	}
	return nil
}

// Compact implements sis.FaceEngine: nothing to do, removal already
// overwrote the vector.
func (e *Engine) Compact() {}

// Dense implements sis.FaceEngine.
func (e *Engine) Dense(id string) (uint32, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	d, ok := e.dense[id]
	return d, ok
}

func (e *Engine) fmr(score float32) float64 {
	f, err := facial.FMRForScore(e.Gallery.Model(), float64(score))
	if err != nil {
		return 1 // an uncalibrated model proves nothing
	}
	return f
}

// Identify implements sis.FaceEngine; the filter goes into the scan.
func (e *Engine) Identify(ctx context.Context, probe []byte, k int, filter index.Filter) ([]sis.BiometricCandidate, error) {
	t, err := Decode(probe)
	if err != nil {
		return nil, err
	}
	cands, err := e.Gallery.Search(ctx, t, facial.SearchOptions{K: k, Filter: filter, Threads: e.Threads})
	if err != nil {
		return nil, err
	}
	out := make([]sis.BiometricCandidate, len(cands))
	for i, c := range cands {
		out[i] = sis.BiometricCandidate{ID: c.ID, Score: float64(c.Score), FMR: e.fmr(c.Score)}
	}
	return out, nil
}

// Verify implements sis.FaceEngine.
func (e *Engine) Verify(ctx context.Context, id string, probe []byte) (sis.BiometricCandidate, error) {
	t, err := Decode(probe)
	if err != nil {
		return sis.BiometricCandidate{}, err
	}
	s, err := e.Gallery.Verify(id, t)
	if err != nil {
		return sis.BiometricCandidate{}, err
	}
	return sis.BiometricCandidate{ID: id, Score: float64(s), FMR: e.fmr(s)}, nil
}
