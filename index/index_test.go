package index

import (
	"context"
	"errors"
	"math/rand/v2"
	"sort"
	"sync/atomic"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTopKMatchesFullSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ n, k, levels int }{
		{0, 5, 10}, {3, 5, 10}, {5, 5, 10}, {100, 1, 1000}, {1000, 10, 7}, {1000, 0, 10}, {257, 64, 1 << 20},
	} {
		all := make([]Hit, tc.n)
		top := NewTopK(tc.k)
		for i := range all {
			all[i] = Hit{ID: uint32(i), Score: float32(rng.IntN(tc.levels))} // few levels: many ties
		}
		rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		for _, h := range all {
			top.Push(h.ID, h.Score)
		}
		sort.Slice(all, func(i, j int) bool { return better(all[i], all[j]) })
		want := all[:min(tc.k, tc.n)]
		got := top.Results()
		if len(want) == 0 {
			assert.Empty(t, got, "n=%d k=%d", tc.n, tc.k)
			continue
		}
		assert.Equal(t, want, got, "n=%d k=%d", tc.n, tc.k)
		if top.Full() {
			assert.Equal(t, want[len(want)-1].Score, top.Floor())
		}
	}
}

func TestTopKMergeEqualsSingleSelection(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	whole, a, b := NewTopK(16), NewTopK(16), NewTopK(16)
	for id := uint32(0); id < 5000; id++ {
		s := rng.Float32()
		whole.Push(id, s)
		if id%3 == 0 {
			a.Push(id, s)
		} else {
			b.Push(id, s)
		}
	}
	a.Merge(b)
	assert.Equal(t, whole.Results(), a.Results())
}

func TestTopKPushAllocatesNothing(t *testing.T) {
	top := NewTopK(32)
	var id uint32
	allocs := testing.AllocsPerRun(1000, func() {
		id++
		top.Push(id, float32(id%97))
	})
	assert.Zero(t, allocs)
}

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		n, parts, align int
		want            []Range
	}{
		{0, 4, 1, nil},
		{10, 1, 1, []Range{{0, 10}}},
		{10, 3, 1, []Range{{0, 3}, {3, 6}, {6, 10}}},
		{10, 20, 1, []Range{{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 6}, {6, 7}, {7, 8}, {8, 9}, {9, 10}}},
		{100, 2, 16, []Range{{0, 48}, {48, 100}}},
		{17, 4, 16, []Range{{0, 16}, {16, 17}}},
	} {
		got := Split(tc.n, tc.parts, tc.align)
		assert.Equal(t, tc.want, got, "n=%d parts=%d align=%d", tc.n, tc.parts, tc.align)
	}
}

func TestFilter(t *testing.T) {
	all := AllowAll()
	assert.True(t, all.All())
	assert.True(t, all.Allows(12345))
	assert.Equal(t, 7, all.Count(7))

	f := AllowOnly(roaring.BitmapOf(1, 5, 9, 200))
	assert.False(t, f.Allows(2))
	assert.True(t, f.Allows(9))
	assert.Equal(t, 3, f.Count(10))
	assert.Equal(t, 0, f.Count(0))

	var seen []uint32
	f.ForEachIn(2, 200, func(id uint32) { seen = append(seen, id) })
	assert.Equal(t, []uint32{5, 9}, seen)
	seen = seen[:0]
	all.ForEachIn(3, 6, func(id uint32) { seen = append(seen, id) })
	assert.Equal(t, []uint32{3, 4, 5}, seen)

	g := f.And(AllowOnly(roaring.BitmapOf(5, 200, 300)))
	assert.Equal(t, []uint32{5, 200}, g.Bitmap().ToArray())
	assert.Equal(t, f, f.And(all))
	assert.Equal(t, f, all.And(f))
}

func TestIDMap(t *testing.T) {
	m := NewIDMap()
	a, err := m.Add("A")
	require.NoError(t, err)
	b, err := m.Add("B")
	require.NoError(t, err)
	assert.Equal(t, []uint32{0, 1}, []uint32{a, b})
	_, err = m.Add("A")
	assert.ErrorContains(t, err, "already")
	_, err = m.Add("")
	assert.Error(t, err)

	id, ok := m.Remove("A")
	assert.True(t, ok)
	assert.Equal(t, a, id)
	_, ok = m.External(a)
	assert.False(t, ok, "a removed record resolves to nothing")
	c, err := m.Add("A")
	require.NoError(t, err)
	assert.Equal(t, uint32(2), c, "dense IDs are never reused")
	ext, ok := m.External(b)
	assert.True(t, ok)
	assert.Equal(t, "B", ext)
	assert.Equal(t, 3, m.Len())
	assert.Equal(t, 2, m.Live())
	_, ok = m.External(99)
	assert.False(t, ok)
}

func TestScanParallelVisitsEveryRangeOnce(t *testing.T) {
	ranges := Split(1000, 7, 8)
	var total atomic.Int64
	seen := make([]atomic.Int32, len(ranges))
	err := ScanParallel(context.Background(), ranges, 3, func(_ context.Context, part int, r Range) error {
		seen[part].Add(1)
		total.Add(int64(r.Len()))
		return nil
	})
	require.NoError(t, err)
	assert.EqualValues(t, 1000, total.Load())
	for i := range seen {
		assert.EqualValues(t, 1, seen[i].Load(), "range %d", i)
	}

	boom := errors.New("boom")
	err = ScanParallel(context.Background(), ranges, 2, func(_ context.Context, part int, _ Range) error {
		if part == 3 {
			return boom
		}
		return nil
	})
	assert.ErrorIs(t, err, boom)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = ScanParallel(ctx, ranges, 1, func(context.Context, int, Range) error { return nil })
	assert.ErrorIs(t, err, context.Canceled)
}
