package afis

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/openbms/bms/index"
	"github.com/openbms/bms/minutiae"
)

// MaxViewsPerRecord bounds the views of one record: ten rolled and ten flat
// fingers, palms and a margin (SIS allows 10 + 10 + 2, Art. 42).
const MaxViewsPerRecord = 64

// Errors of enrolment and search.
var (
	ErrEmptyRecord   = errors.New("afis: record has no views")
	ErrTooManyViews  = fmt.Errorf("afis: record has more than %d views", MaxViewsPerRecord)
	ErrUnknownRecord = errors.New("afis: no such record")
)

// Gallery is a searchable set of records, each one or more prepared views
// (fingers, palms, latents) of one person or one crime scene. It is safe
// for concurrent use: Add and Remove serialise among themselves, Identify
// runs without locks on a snapshot (see the package documentation).
type Gallery struct {
	mu    sync.Mutex // writers
	ids   *index.IDMap
	arena *minutiae.Arena
	state atomic.Pointer[snapshot]

	// The writer's copies of the per-record and per-view arrays; snapshots
	// hold slice headers of them, and appends never touch what a published
	// header can address.
	recFirst  []uint32 // record r's views are [recFirst[r], recFirst[r+1])
	views     []view
	deleted   *roaring.Bitmap // dense record IDs removed, immutable once published
	deadViews int
}

// snapshot is what a search reads: everything published by one writer
// operation.
type snapshot struct {
	arena    minutiae.ArenaView
	recFirst []uint32
	views    []view
	deleted  *roaring.Bitmap
	ids      *index.IDMap
	live     int
}

// NewGallery returns an empty gallery.
func NewGallery() *Gallery {
	g := &Gallery{ids: index.NewIDMap(), arena: &minutiae.Arena{}, recFirst: []uint32{0}, deleted: roaring.New()}
	g.publish()
	return g
}

func (g *Gallery) publish() {
	g.state.Store(&snapshot{
		arena:    g.arena.View(),
		recFirst: g.recFirst,
		views:    g.views,
		deleted:  g.deleted,
		ids:      g.ids,
		live:     g.ids.Live(),
	})
}

// Add prepares every view of rec and stores them as the record id. A record
// whose views cannot all be prepared is not stored at all.
func (g *Gallery) Add(id string, rec *minutiae.Record) error {
	if rec == nil || len(rec.Views) == 0 {
		return ErrEmptyRecord
	}
	if len(rec.Views) > MaxViewsPerRecord {
		return ErrTooManyViews
	}
	prepared := make([]minutiae.Prepared, len(rec.Views))
	for i := range rec.Views {
		if err := minutiae.PrepareInto(&prepared[i], &rec.Views[i]); err != nil {
			return fmt.Errorf("afis: record %q view %d: %w", id, i, err)
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, err := g.ids.Add(id); err != nil {
		return err
	}
	for i := range prepared {
		if _, err := g.arena.Append(&prepared[i]); err != nil {
			// The arena is full: the views appended so far stay as
			// unreachable data; the record is not published.
			g.ids.Remove(id)
			return err
		}
		v := &rec.Views[i]
		g.views = append(g.views, view{pos: v.Position, latent: v.Impression.IsLatent()})
	}
	g.recFirst = append(g.recFirst, uint32(len(g.views)))
	g.publish()
	return nil
}

// Remove deletes the record id: searches that start afterwards do not see
// it. Its prepared data leaves memory at the next Compact (done
// automatically once an eighth of the stored views are of removed records).
func (g *Gallery) Remove(id string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	dense, ok := g.ids.Remove(id)
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownRecord, id)
	}
	del := g.deleted.Clone()
	del.Add(dense)
	g.deleted = del
	g.deadViews += int(g.recFirst[dense+1] - g.recFirst[dense])
	if g.deadViews*8 > len(g.views) {
		g.compactLocked()
	}
	g.publish()
	return nil
}

// Compact rebuilds the view storage without the views of removed records,
// so that their biometric data is no longer referenced by the gallery (the
// memory is released once searches running on older snapshots finish).
// Record numbering is unchanged.
func (g *Gallery) Compact() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.compactLocked()
	g.publish()
}

func (g *Gallery) compactLocked() {
	if g.deadViews == 0 {
		return
	}
	old := g.arena.View()
	arena := &minutiae.Arena{}
	recFirst := make([]uint32, 1, len(g.recFirst))
	views := make([]view, 0, len(g.views)-g.deadViews)
	var p minutiae.Prepared
	for r := 0; r+1 < len(g.recFirst); r++ {
		if !g.deleted.Contains(uint32(r)) {
			for v := g.recFirst[r]; v < g.recFirst[r+1]; v++ {
				old.CopyTo(v, &p)
				arena.Append(&p) // cannot fail: it held these before
				views = append(views, g.views[v])
			}
		}
		recFirst = append(recFirst, uint32(len(views)))
	}
	g.arena, g.recFirst, g.views, g.deadViews = arena, recFirst, views, 0
}

// Len is the number of records present.
func (g *Gallery) Len() int { return g.state.Load().live }

// Views is the number of stored views (fingers, palms, latents) of present
// records.
func (g *Gallery) Views() int {
	s := g.state.Load()
	n := len(s.views)
	if !s.deleted.IsEmpty() {
		it := s.deleted.Iterator()
		for it.HasNext() {
			r := it.Next()
			n -= int(s.recFirst[r+1] - s.recFirst[r])
		}
	}
	return n
}

// Bytes is the memory of the stored prepared views and their bookkeeping.
func (g *Gallery) Bytes() int {
	s := g.state.Load()
	return s.arena.Bytes() + 4*len(s.recFirst) + 2*len(s.views)
}

// Dense returns the dense ID of record id, the ID that filters address.
func (g *Gallery) Dense(id string) (uint32, bool) { return g.ids.Dense(id) }
