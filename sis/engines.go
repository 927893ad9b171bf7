package sis

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/openbms/bms/afis"
	"github.com/openbms/bms/dna"
	"github.com/openbms/bms/index"
	"github.com/openbms/bms/minutiae"
)

// The alert layer depends on modality engines only through these
// interfaces; AFIS and DNA adapters are below, the face engine is plugged
// in by the caller (any type with these methods).

// BiometricCandidate is one gallery record a 1:N search returned.
type BiometricCandidate struct {
	ID    string  // gallery record ID (see galleryID)
	Score float64 // engine score, higher is more similar
	// FMR is the engine's false-match-rate estimate for the score
	// (fingerprints, faces) or 1/LR (DNA); 0 when unknown.
	FMR float64
}

// FingerprintEngine is a 1:N friction-ridge engine (fingerprints, palms,
// latents) with its quality gate.
type FingerprintEngine interface {
	// CheckQuality is the minimum-quality check of Art. 42(1).
	CheckQuality(rec *minutiae.Record) error
	Add(id string, rec *minutiae.Record) error
	Remove(id string) error
	// Compact drops removed records' data from memory.
	Compact()
	Dense(id string) (uint32, bool)
	// Identify searches with the filter applied inside the scan.
	Identify(ctx context.Context, probe *minutiae.Record, k int, filter index.Filter) ([]BiometricCandidate, error)
	// Verify compares a probe with one stored record (1:1).
	Verify(ctx context.Context, id string, probe *minutiae.Record) (BiometricCandidate, error)
}

// FaceEngine is a face engine holding templates in its own encoding.
type FaceEngine interface {
	CheckQuality(template []byte) error
	Add(id string, template []byte) error
	Remove(id string) error
	Compact()
	Dense(id string) (uint32, bool)
	Identify(ctx context.Context, probe []byte, k int, filter index.Filter) ([]BiometricCandidate, error)
	Verify(ctx context.Context, id string, probe []byte) (BiometricCandidate, error)
}

// DNAEngine holds the DNA profiles of Art. 32(1)(a) alerts. It takes no
// filter: only those alerts ever reach it, and an actor who may not see
// that category is refused before the search.
type DNAEngine interface {
	CheckQuality(p *dna.Profile) error
	Add(p *dna.Profile) error
	Remove(id string) bool
	// SearchAlerts ranks alerts for an unidentified person's profile.
	SearchAlerts(ctx context.Context, probe *dna.Profile, k int) ([]dna.AlertHit, error)
}

// FingerQualityGate is the minimum quality of a friction-ridge view: a
// quality score when the template reports one, and a least number of
// minutiae (fewer for latents, which are partial by nature). A record
// holding both plain and rolled prints of fingers must also pass the
// ten-print sequence check (minutiae.CheckSequence): no plain finger may
// match another position's rolled print instead of its own, the sign of
// prints taken in the wrong boxes.
type FingerQualityGate struct {
	MinQuality        uint8 // 0–100 (default 20)
	MinMinutiae       int   // per plain, rolled or palm view (default 12)
	MinLatentMinutiae int   // per latent view (default 6)
	// SkipSequence turns the sequence check off.
	SkipSequence bool
}

// Check returns nil when every view passes.
func (g FingerQualityGate) Check(rec *minutiae.Record) error {
	if g.MinQuality == 0 {
		g.MinQuality = 20
	}
	if g.MinMinutiae == 0 {
		g.MinMinutiae = 12
	}
	if g.MinLatentMinutiae == 0 {
		g.MinLatentMinutiae = 6
	}
	if rec == nil || len(rec.Views) == 0 {
		return errors.New("no views")
	}
	for i := range rec.Views {
		v := &rec.Views[i]
		if len(v.Qualities) > 0 {
			q := v.Qualities[0].Score
			if q == 255 {
				return fmt.Errorf("view %d (%s): quality computation failed", i, v.Position)
			}
			if q != minutiae.QualityNotReported && q < g.MinQuality {
				return fmt.Errorf("view %d (%s): quality %d below %d", i, v.Position, q, g.MinQuality)
			}
		}
		least := g.MinMinutiae
		if v.Impression.IsLatent() {
			least = g.MinLatentMinutiae
		}
		if len(v.Minutiae) < least {
			return fmt.Errorf("view %d (%s): %d minutiae, at least %d needed", i, v.Position, len(v.Minutiae), least)
		}
	}
	if g.SkipSequence {
		return nil
	}
	checks, err := minutiae.CheckSequence(rec)
	if err != nil {
		return err
	}
	for _, c := range checks {
		if c.Verdict == minutiae.SequenceMisplaced {
			return fmt.Errorf("view %d (%s): the plain print matches the rolled print of %s (%.2f) and not its own (%.2f): prints in the wrong boxes",
				c.Plain, c.Finger, c.BestFinger, c.Best, c.Own)
		}
	}
	return nil
}

// AFIS adapts an afis.Gallery to FingerprintEngine.
type AFIS struct {
	Gallery *afis.Gallery
	Gate    FingerQualityGate
	// Threads is the number of scanning goroutines (0: every core).
	Threads int

	mu      sync.RWMutex
	records map[string]*minutiae.Record // for 1:1 verification
}

// NewAFIS returns an engine on a new gallery with the default gate.
func NewAFIS() *AFIS {
	return &AFIS{Gallery: afis.NewGallery(), records: map[string]*minutiae.Record{}}
}

// CheckQuality implements FingerprintEngine with the Gate.
func (a *AFIS) CheckQuality(rec *minutiae.Record) error { return a.Gate.Check(rec) }

// Add implements FingerprintEngine.
func (a *AFIS) Add(id string, rec *minutiae.Record) error {
	if err := a.Gallery.Add(id, rec); err != nil {
		return err
	}
	a.mu.Lock()
	a.records[id] = rec
	a.mu.Unlock()
	return nil
}

// Remove implements FingerprintEngine.
func (a *AFIS) Remove(id string) error {
	a.mu.Lock()
	delete(a.records, id)
	a.mu.Unlock()
	return a.Gallery.Remove(id)
}

// Compact implements FingerprintEngine: removed views leave memory now.
func (a *AFIS) Compact() { a.Gallery.Compact() }

// Dense implements FingerprintEngine.
func (a *AFIS) Dense(id string) (uint32, bool) { return a.Gallery.Dense(id) }

// Identify implements FingerprintEngine; the filter goes into the scan.
func (a *AFIS) Identify(ctx context.Context, probe *minutiae.Record, k int, filter index.Filter) ([]BiometricCandidate, error) {
	cands, err := a.Gallery.Identify(ctx, probe, afis.SearchOptions{K: k, Filter: filter, Threads: a.Threads})
	if err != nil {
		return nil, err
	}
	out := make([]BiometricCandidate, len(cands))
	for i, c := range cands {
		out[i] = BiometricCandidate{ID: c.ID, Score: c.Score, FMR: c.FMR}
	}
	return out, nil
}

// Verify compares every probe view with the stored views of the same
// position (any view for unknown positions and latents) and keeps the best
// score: the 1:1 confirmation of Art. 43(1).
func (a *AFIS) Verify(ctx context.Context, id string, probe *minutiae.Record) (BiometricCandidate, error) {
	a.mu.RLock()
	rec, ok := a.records[id]
	a.mu.RUnlock()
	if !ok {
		return BiometricCandidate{}, afis.ErrUnknownRecord
	}
	best := 0.0
	for i := range probe.Views {
		p := &probe.Views[i]
		for j := range rec.Views {
			g := &rec.Views[j]
			if p.Position != minutiae.UnknownFinger && g.Position != minutiae.UnknownFinger &&
				!p.Impression.IsLatent() && p.Position != g.Position {
				continue
			}
			if err := ctx.Err(); err != nil {
				return BiometricCandidate{}, err
			}
			if s := minutiae.Compare(p, g); s > best {
				best = s
			}
		}
	}
	return BiometricCandidate{ID: id, Score: best, FMR: minutiae.FMRForScore(best)}, nil
}

// DNAStore adapts a dna.Store to DNAEngine.
type DNAStore struct {
	Store *dna.Store
	Gate  dna.QualityGate
}

// CheckQuality implements DNAEngine with the Gate.
func (d *DNAStore) CheckQuality(p *dna.Profile) error { return d.Gate.Check(p) }

// Add implements DNAEngine.
func (d *DNAStore) Add(p *dna.Profile) error { return d.Store.Add(p) }

// Remove implements DNAEngine.
func (d *DNAStore) Remove(id string) bool { return d.Store.Remove(id) }

// SearchAlerts implements DNAEngine.
func (d *DNAStore) SearchAlerts(ctx context.Context, probe *dna.Profile, k int) ([]dna.AlertHit, error) {
	return d.Store.SearchAlerts(ctx, probe, k)
}
