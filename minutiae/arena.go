package minutiae

import (
	"errors"

	"github.com/openbms/bms/internal/match"
)

// Arena stores prepared templates for a gallery: all of them in a few
// shared arrays (structure of arrays), addressed by a dense index, so that
// a million fingers cost a handful of allocations and a scan reads memory
// in order. One goroutine appends; any number read through snapshots taken
// with [Arena.View], without locks.
type Arena struct {
	a match.Arena
}

// ErrArenaFull is returned when an arena would exceed 2³² minutiae.
var ErrArenaFull = errors.New("minutiae: arena full")

// Append stores p as the next template and returns its index. Append must
// not be called concurrently with itself.
func (a *Arena) Append(p *Prepared) (uint32, error) {
	i, ok := a.a.Append(&p.t)
	if !ok {
		return 0, ErrArenaFull
	}
	return i, nil
}

// View returns a snapshot of the arena: the templates appended so far.
func (a *Arena) View() ArenaView { return ArenaView{v: a.a.View()} }

// ArenaView is an immutable snapshot of an [Arena], safe to share between
// goroutines.
type ArenaView struct {
	v *match.ArenaView
}

// Len is the number of templates in the snapshot.
func (v ArenaView) Len() int {
	if v.v == nil {
		return 0
	}
	return v.v.Len()
}

// Bytes is the memory the snapshot's templates occupy.
func (v ArenaView) Bytes() int {
	if v.v == nil {
		return 0
	}
	return v.v.Bytes()
}

// MinutiaeOf is the number of minutiae of template i.
func (v ArenaView) MinutiaeOf(i uint32) int { return v.v.MinutiaeOf(i) }

// CompareAt compares the probe with template i of v, like [Matcher.Compare]
// and with the same result, without copying the template out of the arena
// or allocating. i must be below v.Len().
func (m *Matcher) CompareAt(v ArenaView, i uint32) float64 {
	if m == nil || m.m == nil || v.v == nil {
		return 0
	}
	v.v.At(i, &m.view)
	return m.m.Compare(&m.view)
}

// ScreenAt is the screening score of the probe against template i of v:
// a cheap estimate, for the first stage of a 1:N search, of whether the
// two could match (a sum of 8 local similarities in [0, 1], so in [0, 8]).
// It only ranks candidates for [Matcher.CompareAt]; it is not calibrated.
// i must be below v.Len().
func (m *Matcher) ScreenAt(v ArenaView, i uint32) float32 {
	if m == nil || m.m == nil || v.v == nil {
		return 0
	}
	v.v.At(i, &m.view)
	return m.m.Screen(&m.view)
}

// CopyTo copies template i of v into dst (reusing dst's memory), as when a
// gallery is compacted.
func (v ArenaView) CopyTo(i uint32, dst *Prepared) {
	var t match.Template
	v.v.At(i, &t)
	dst.t.X = append(dst.t.X[:0], t.X...)
	dst.t.Y = append(dst.t.Y[:0], t.Y...)
	dst.t.Dir = append(dst.t.Dir[:0], t.Dir...)
	dst.t.Cyl = append(dst.t.Cyl[:0], t.Cyl...)
	dst.t.Mask = append(dst.t.Mask[:0], t.Mask...)
	dst.t.Screen = append(dst.t.Screen[:0], t.Screen...)
}

// Kernels names the vector kernels comparisons use on this CPU: the cell
// counts of Compare and the screening of ScreenAt ("avx512", "avx2" or
// "go"; the purego build tag forces "go"). Results do not depend on them.
func Kernels() (compare, screen string) { return match.CellKernel, match.ScreenKernel }
