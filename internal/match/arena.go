package match

import (
	"math"
	"sync/atomic"
)

// Arena stores many prepared templates in five shared arrays (positions,
// directions, cylinder words, validity words) plus an offset per template:
// a gallery of a million fingers is a handful of allocations the garbage
// collector never scans, and a scan reads memory front to back.
//
// One writer appends (Append is not safe for concurrent use with itself);
// any number of readers take a View at any time, without locks. A View sees
// the templates that were appended before it was taken and nothing else:
// appends write past the end of what published views can address, and a
// growing array is copied, never modified where a view can read it.
type Arena struct {
	cur  atomic.Pointer[ArenaView]
	next ArenaView // the writer's copy, ahead of cur until published
}

// ArenaView is an immutable snapshot of an Arena.
type ArenaView struct {
	x, y []float32
	dir  []uint16
	cyl  []uint64
	mask []uint64
	scr  []uint64 // ScreenWords per template
	off  []uint32 // off[i] is template i's first minutia; len(off) = Len()+1
}

var emptyView = ArenaView{off: []uint32{0}}

// View returns the current snapshot.
func (a *Arena) View() *ArenaView {
	if v := a.cur.Load(); v != nil {
		return v
	}
	return &emptyView
}

// Append adds t as the next template and returns its index. It fails when
// the arena would hold more than 2³² minutiae in all.
func (a *Arena) Append(t *Template) (uint32, bool) {
	n := &a.next
	if len(n.off) == 0 {
		n.off = append(n.off, 0)
	}
	total := uint64(n.off[len(n.off)-1]) + uint64(t.Len())
	if total > math.MaxUint32 || len(n.off) > math.MaxUint32-1 {
		return 0, false
	}
	n.x = append(n.x, t.X...)
	n.y = append(n.y, t.Y...)
	n.dir = append(n.dir, t.Dir...)
	n.cyl = append(n.cyl, t.Cyl...)
	n.mask = append(n.mask, t.Mask...)
	if len(t.Screen) == ScreenWords {
		n.scr = append(n.scr, t.Screen...)
	} else { // a template built before signatures: it never passes screening
		n.scr = append(n.scr, make([]uint64, ScreenWords)...)
	}
	n.off = append(n.off, uint32(total))
	v := *n // slice headers only: readers keep the arrays they saw
	a.cur.Store(&v)
	return uint32(len(n.off) - 2), true
}

// Len is the number of templates in the view.
func (v *ArenaView) Len() int { return len(v.off) - 1 }

// Minutiae is the number of minutiae in the view.
func (v *ArenaView) Minutiae() int { return len(v.x) }

// Bytes is the memory the view's arrays occupy (lengths, not capacities).
func (v *ArenaView) Bytes() int {
	return 4*len(v.x) + 4*len(v.y) + 2*len(v.dir) + 8*len(v.cyl) + 8*len(v.mask) + 8*len(v.scr) + 4*len(v.off)
}

// At fills t with template i of the view: slices into the arena, no copy
// and no allocation. t must not be modified.
func (v *ArenaView) At(i uint32, t *Template) {
	lo, hi := v.off[i], v.off[i+1]
	t.X = v.x[lo:hi:hi]
	t.Y = v.y[lo:hi:hi]
	t.Dir = v.dir[lo:hi:hi]
	t.Cyl = v.cyl[lo*Words : hi*Words : hi*Words]
	t.Mask = v.mask[lo:hi:hi]
	t.Screen = v.scr[int(i)*ScreenWords : int(i+1)*ScreenWords : int(i+1)*ScreenWords]
}

// MinutiaeOf is the number of minutiae of template i.
func (v *ArenaView) MinutiaeOf(i uint32) int { return int(v.off[i+1] - v.off[i]) }
