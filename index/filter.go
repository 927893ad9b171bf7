package index

import "github.com/RoaringBitmap/roaring/v2"

// Filter restricts a search to a set of dense IDs. The zero Filter allows
// every ID; AllowOnly restricts it to a bitmap. Filters are values built per
// search from the gallery's label bitmaps (category, owner, access rights)
// and its bitmap of live records, so one search never sees another's rights.
type Filter struct {
	allowed *roaring.Bitmap
}

// AllowAll is the filter that lets every ID through.
func AllowAll() Filter { return Filter{} }

// AllowOnly lets through only the IDs in allowed. The bitmap must not be
// changed while a search uses the filter.
func AllowOnly(allowed *roaring.Bitmap) Filter { return Filter{allowed: allowed} }

// All reports whether the filter lets every ID through.
func (f Filter) All() bool { return f.allowed == nil }

// Allows reports whether id may be returned.
func (f Filter) Allows(id uint32) bool { return f.allowed == nil || f.allowed.Contains(id) }

// Bitmap is the bitmap of allowed IDs, nil when every ID is allowed.
func (f Filter) Bitmap() *roaring.Bitmap { return f.allowed }

// And narrows the filter to the IDs also in other.
func (f Filter) And(other Filter) Filter {
	switch {
	case f.allowed == nil:
		return other
	case other.allowed == nil:
		return f
	}
	return Filter{allowed: roaring.And(f.allowed, other.allowed)}
}

// Count is the number of IDs below n the filter allows.
func (f Filter) Count(n int) int {
	if f.allowed == nil {
		return n
	}
	if n <= 0 {
		return 0
	}
	return int(f.allowed.Rank(uint32(n - 1)))
}

// ForEachIn calls fn for every allowed ID in [lo, hi), in increasing order.
// Sparse filters make a scan visit only the allowed records; dense ones are
// better served by scoring the whole range and calling Allows.
func (f Filter) ForEachIn(lo, hi uint32, fn func(id uint32)) {
	if lo >= hi {
		return
	}
	if f.allowed == nil {
		for id := lo; id < hi; id++ {
			fn(id)
		}
		return
	}
	it := f.allowed.Iterator()
	it.AdvanceIfNeeded(lo)
	for it.HasNext() {
		id := it.Next()
		if id >= hi {
			return
		}
		fn(id)
	}
}
