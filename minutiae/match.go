package minutiae

import (
	"errors"
	"fmt"

	"github.com/openbms/bms/internal/match"
)

// Comparison (1:1 matching) of minutiae templates.
//
// The candidate side of a comparison is a [Prepared] template: for every
// minutia its position and direction and a bit-packed Minutia Cylinder-Code
// descriptor (6 × 64 cell bits and a 64-bit validity mask), held in flat
// structure-of-arrays slices so that a gallery can store it in an arena.
// The probe side is a [Matcher], which holds the probe's prepared form and
// the scratch memory of a comparison, so that [Matcher.Compare] allocates
// nothing. See docs/matching.md for the method and measured figures.

// MaxMatchMinutiae is the largest number of minutiae a template may have to
// be prepared for comparison.
const MaxMatchMinutiae = match.MaxPoints

// ErrTooManyMinutiae is returned when a template has more than
// [MaxMatchMinutiae] minutiae.
var ErrTooManyMinutiae = errors.New("minutiae: too many minutiae to compare")

// Prepared is the compact, candidate-side form of a [Template]: what a
// gallery stores. It is independent of the template's resolution (positions
// are converted to 500 ppi) and of any global rotation or translation (the
// descriptors are relative to each minutia). The zero value is an empty
// template, which scores 0 against everything.
type Prepared struct {
	t match.Template
}

// Prepare computes the candidate-side form of t.
func Prepare(t *Template) (*Prepared, error) {
	p := &Prepared{}
	if err := PrepareInto(p, t); err != nil {
		return nil, err
	}
	return p, nil
}

// PrepareInto computes the candidate-side form of t into dst, reusing the
// memory dst already holds.
func PrepareInto(dst *Prepared, t *Template) error {
	pts, err := matchPoints(t)
	if err != nil {
		return err
	}
	match.Build(&dst.t, pts)
	return nil
}

// Size is the number of bytes the prepared data occupies (the slices'
// contents; a gallery arena stores exactly these).
func (p *Prepared) Size() int { return p.t.Size() }

// Len is the number of minutiae.
func (p *Prepared) Len() int { return p.t.Len() }

// matchPoints converts a template's minutiae into the matcher's frame:
// 500 ppi pixels with y pointing up, so that the template's
// counter-clockwise-on-screen directions are ordinary mathematical angles.
// A template of unknown resolution is taken to be 500 ppi, the resolution
// of nearly all fingerprint templates.
func matchPoints(t *Template) ([]match.Point, error) {
	if t == nil {
		return nil, errors.New("minutiae: nil template")
	}
	if len(t.Minutiae) > match.MaxPoints {
		return nil, fmt.Errorf("%w: %d (limit %d)", ErrTooManyMinutiae, len(t.Minutiae), match.MaxPoints)
	}
	scale := 1.0
	if ppi := t.PPI(); ppi > 0 {
		scale = 500 / ppi
	}
	pts := make([]match.Point, len(t.Minutiae))
	for i, m := range t.Minutiae {
		pts[i] = match.Point{X: float64(m.X) * scale, Y: -float64(m.Y) * scale, Dir: uint16(m.Direction)}
	}
	return pts, nil
}

// Matcher compares one probe template with many candidates. Preparing the
// probe is the expensive part; [Matcher.Compare] then allocates nothing. A
// Matcher is not safe for concurrent use (it owns the comparison's scratch
// memory): use [Matcher.Clone] to give each goroutine its own.
type Matcher struct {
	m    *match.Matcher
	view match.Template // CompareAt's window into an arena
	// anyRotation: latent comparisons try every rotation (see
	// SetLatentAnyRotation).
	anyRotation bool
}

// NewMatcher prepares probe for comparisons.
func NewMatcher(probe *Template) (*Matcher, error) {
	pts, err := matchPoints(probe)
	if err != nil {
		return nil, err
	}
	return &Matcher{m: match.NewMatcher(pts)}, nil
}

// NewMatcherPrepared makes a Matcher from an already prepared probe (which
// it copies).
func NewMatcherPrepared(probe *Prepared) *Matcher {
	return &Matcher{m: match.NewMatcherFrom(&probe.t)}
}

// Clone returns an independent Matcher for the same probe.
func (m *Matcher) Clone() *Matcher {
	if m == nil || m.m == nil {
		return &Matcher{}
	}
	return &Matcher{m: m.m.Clone(), anyRotation: m.anyRotation}
}

// Compare returns the similarity of the probe and candidate c: 0 when there
// is no evidence that they come from the same finger, growing with the
// number and quality of minutiae that pair up under one alignment.
func (m *Matcher) Compare(c *Prepared) float64 {
	if m == nil || m.m == nil || c == nil {
		return 0
	}
	return m.m.Compare(&c.t)
}

// Compare is a convenience for one comparison of two templates; it returns
// 0 when either cannot be prepared.
func Compare(a, b *Template) float64 {
	m, err := NewMatcher(a)
	if err != nil {
		return 0
	}
	p, err := Prepare(b)
	if err != nil {
		return 0
	}
	return m.Compare(p)
}
