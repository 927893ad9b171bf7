package facial

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbms/bms/index"
	"github.com/openbms/bms/internal/vecdot"
)

// testGallery enrols n random templates as "r0", "r1", … and returns them.
func testGallery(t testing.TB, rng *rand.Rand, n, dim int, s Storage) (*Gallery, []*Template) {
	t.Helper()
	g, err := NewGallery(GalleryOptions{Model: testModel, Dim: dim, Storage: s})
	require.NoError(t, err)
	ts := make([]*Template, n)
	for i := range ts {
		ts[i] = mustTemplate(t, randomEmbedding(rng, dim))
		id, err := g.Enrol(fmt.Sprintf("r%d", i), ts[i])
		require.NoError(t, err)
		require.Equal(t, uint32(i), id)
	}
	return g, ts
}

// bruteForce is the expected result of a search: every allowed ID ranked
// by the gallery's own scores (Scores), best first, ties by lower ID.
func bruteForce(t testing.TB, g *Gallery, probe *Template, k int, allow func(uint32) bool) []Candidate {
	t.Helper()
	scores, err := g.Scores(probe, nil)
	require.NoError(t, err)
	var all []Candidate
	for i, s := range scores {
		if allow(uint32(i)) {
			all = append(all, Candidate{ID: fmt.Sprintf("r%d", i), Dense: uint32(i), Score: s})
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Score != all[j].Score {
			return all[i].Score > all[j].Score
		}
		return all[i].Dense < all[j].Dense
	})
	if len(all) > k {
		all = all[:k]
	}
	if all == nil {
		all = []Candidate{}
	}
	return all
}

func allowAll(uint32) bool { return true }

// TestSearchEqualsBruteForce covers every storage, gallery sizes around the
// block size, batches around the kernels' tile and MaxBatch, and 1–3
// threads.
func TestSearchEqualsBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, s := range Storages {
		for _, n := range []int{0, 1, 16, 17, 100, 777} {
			for _, dim := range []int{128, 131} {
				if dim == 131 && n != 100 {
					continue // odd dimensions matter to the kernels, tested in vecdot
				}
				g, _ := testGallery(t, rng, n, dim, s)
				for _, batch := range []int{1, 9, 70} {
					probes := make([]*Template, batch)
					for i := range probes {
						probes[i] = mustTemplate(t, randomEmbedding(rng, dim))
					}
					for _, threads := range []int{1, 3} {
						k := 1 + (batch+threads)%12
						got, err := g.SearchBatch(context.Background(), probes, SearchOptions{K: k, Threads: threads})
						require.NoError(t, err)
						require.Len(t, got, batch)
						for p, probe := range probes {
							want := bruteForce(t, g, probe, k, allowAll)
							require.Equal(t, want, nonNil(got[p]), "%v n=%d dim=%d batch=%d threads=%d probe %d", s, n, dim, batch, threads, p)
						}
					}
				}
			}
		}
	}
}

func nonNil(c []Candidate) []Candidate {
	if c == nil {
		return []Candidate{}
	}
	return c
}

func TestSearchFindsTheMate(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, s := range Storages {
		g, ts := testGallery(t, rng, 500, 512, s)
		for _, i := range []int{0, 17, 499} {
			probe := mustTemplate(t, near(rng, ts[i].Embedding(), 0.5))
			got, err := g.Search(context.Background(), probe, SearchOptions{K: 3})
			require.NoError(t, err)
			require.Len(t, got, 3)
			assert.Equal(t, fmt.Sprintf("r%d", i), got[0].ID, "%v", s)
			assert.Greater(t, got[0].Score, float32(0.7))
			assert.Less(t, got[1].Score, float32(0.3))
		}
	}
}

func TestFilteredSearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, s := range Storages {
		g, _ := testGallery(t, rng, 3000, 128, s)
		dense := roaring.New()
		sparse := roaring.New()
		for i := uint32(0); i < 3000; i++ {
			if rng.IntN(3) == 0 {
				dense.Add(i)
			}
			if rng.IntN(200) == 0 {
				sparse.Add(i)
			}
		}
		sparse.Add(2999) // the last, partial block
		for name, bm := range map[string]*roaring.Bitmap{"dense": dense, "sparse": sparse, "empty": roaring.New(), "beyond": roaring.BitmapOf(5000)} {
			probes := []*Template{mustTemplate(t, randomEmbedding(rng, 128)), mustTemplate(t, randomEmbedding(rng, 128))}
			for _, batch := range [][]*Template{probes[:1], probes} {
				got, err := g.SearchBatch(context.Background(), batch, SearchOptions{K: 7, Filter: index.AllowOnly(bm), Threads: 2})
				require.NoError(t, err)
				for p, probe := range batch {
					want := bruteForce(t, g, probe, 7, bm.Contains)
					assert.Equal(t, want, nonNil(got[p]), "%v %s filter, batch %d", s, name, len(batch))
				}
			}
		}
	}
}

func TestRemoveExcludesAndErases(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	for _, s := range Storages {
		g, ts := testGallery(t, rng, 40, 128, s)
		require.True(t, g.Remove("r7"))
		require.False(t, g.Remove("r7"))
		assert.Equal(t, 39, g.Len())
		got, err := g.Search(context.Background(), ts[7], SearchOptions{K: 40})
		require.NoError(t, err)
		assert.Len(t, got, 39)
		for _, c := range got {
			assert.NotEqual(t, "r7", c.ID)
		}
		// Removal wins over a filter that names the record.
		got, err = g.Search(context.Background(), ts[7], SearchOptions{K: 5, Filter: index.AllowOnly(roaring.BitmapOf(7, 8))})
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, "r8", got[0].ID)
		scores, err := g.Scores(ts[7], nil)
		require.NoError(t, err)
		assert.Zero(t, scores[7], "the removed vector is erased")
		_, err = g.Verify("r7", ts[7])
		require.ErrorIs(t, err, ErrNotEnrolled)
		// The ID can be enrolled again, under a new dense ID.
		id, err := g.Enrol("r7", ts[7])
		require.NoError(t, err)
		assert.Equal(t, uint32(40), id)
	}
}

func TestVerifyEqualsSearchScore(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, s := range Storages {
		g, ts := testGallery(t, rng, 50, 256, s)
		probe := mustTemplate(t, near(rng, ts[33].Embedding(), 0.3))
		got, err := g.Search(context.Background(), probe, SearchOptions{K: 1})
		require.NoError(t, err)
		v, err := g.Verify("r33", probe)
		require.NoError(t, err)
		assert.Equal(t, got[0].Score, v, "%v", s)
		exact, err := Compare(probe, ts[33])
		require.NoError(t, err)
		if s == Float32 {
			assert.Equal(t, exact, v, "float32 storage scores as Compare does")
		}
		assert.InDelta(t, exact, v, 0.01, "%v storage stays close to float32", s)
	}
}

func TestQuantisedScoresStayClose(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	ts := make([]*Template, 300)
	for i := range ts {
		ts[i] = mustTemplate(t, randomEmbedding(rng, 512))
	}
	probe := mustTemplate(t, near(rng, ts[0].Embedding(), 0.8))
	ref := map[Storage]float64{Float16: 1e-3, Int8: 1e-2}
	for s, tol := range ref {
		g, err := NewGallery(GalleryOptions{Model: testModel, Dim: 512, Storage: s})
		require.NoError(t, err)
		for i, tp := range ts {
			_, err := g.Enrol(fmt.Sprint(i), tp)
			require.NoError(t, err)
		}
		scores, err := g.Scores(probe, nil)
		require.NoError(t, err)
		var worst float64
		for i, tp := range ts {
			exact, _ := Compare(probe, tp)
			worst = max(worst, math.Abs(float64(scores[i]-exact)))
		}
		assert.Less(t, worst, tol, "%v", s)
		t.Logf("%v: largest score error %.2g", s, worst)
	}
}

func TestGalleryRejects(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	_, err := NewGallery(GalleryOptions{Dim: 128})
	require.ErrorIs(t, err, ErrModel)
	_, err = NewGallery(GalleryOptions{Model: "m", Dim: 64})
	require.ErrorIs(t, err, ErrDimension)
	_, err = NewGallery(GalleryOptions{Model: "m", Dim: 128, Storage: Storage(9)})
	require.Error(t, err)
	_, err = NewGallery(GalleryOptions{Model: "m", Dim: 128, Capacity: -1})
	require.Error(t, err)
	_, err = NewGallery(GalleryOptions{Model: "m", Dim: 128, Capacity: 1 << 40})
	require.Error(t, err)

	g, _ := testGallery(t, rng, 3, 128, Int8)
	other, err := NewTemplate("other", randomEmbedding(rng, 128), NoQuality)
	require.NoError(t, err)
	_, err = g.Enrol("x", other)
	require.ErrorIs(t, err, ErrModelMismatch)
	_, err = g.Enrol("x", mustTemplate(t, randomEmbedding(rng, 256)))
	require.ErrorIs(t, err, ErrDimension)
	_, err = g.Enrol("r1", mustTemplate(t, randomEmbedding(rng, 128)))
	require.Error(t, err, "duplicate record ID")
	_, err = g.Enrol("", mustTemplate(t, randomEmbedding(rng, 128)))
	require.Error(t, err)
	_, err = g.Enrol("x", nil)
	require.Error(t, err)
	_, err = g.Search(context.Background(), other, SearchOptions{K: 1})
	require.ErrorIs(t, err, ErrModelMismatch)
	_, err = g.Search(context.Background(), mustTemplate(t, randomEmbedding(rng, 128)), SearchOptions{})
	require.Error(t, err, "K 0")
	_, err = g.Verify("r1", other)
	require.ErrorIs(t, err, ErrModelMismatch)
	_, err = g.Scores(other, nil)
	require.ErrorIs(t, err, ErrModelMismatch)

	oneHot := make([]float32, 128)
	oneHot[0] = 1
	_, err = g.Enrol("bad", mustTemplate(t, oneHot))
	var r *Refusal
	require.True(t, errors.As(err, &r), "the default gate refuses a one-hot vector: %v", err)
	assert.Equal(t, DegenerateValues, r.Reason)
	assert.Equal(t, 3, g.Len())
}

func TestSearchBoundsK(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 13))
	g, ts := testGallery(t, rng, 20, 128, Float16)
	got, err := g.Search(context.Background(), ts[0], SearchOptions{K: 1 << 40})
	require.NoError(t, err)
	assert.Len(t, got, 20)
	assert.Equal(t, "r0", got[0].ID)
}

func TestSearchHonoursCancellation(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	g, ts := testGallery(t, rng, 500, 128, Float32)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := g.Search(ctx, ts[0], SearchOptions{K: 1, Threads: 2})
	require.ErrorIs(t, err, context.Canceled)
}

// TestConcurrentEnrolAndSearch runs under -race: searches share the read
// lock while enrolment and removal take the write lock.
func TestConcurrentEnrolAndSearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	g, ts := testGallery(t, rng, 100, 128, Int8)
	extra := make([]*Template, 100)
	for i := range extra {
		extra[i] = mustTemplate(t, randomEmbedding(rng, 128))
	}
	done := make(chan error)
	go func() {
		for i, tp := range extra {
			if _, err := g.Enrol(fmt.Sprintf("x%d", i), tp); err != nil {
				done <- err
				return
			}
			if i%10 == 0 {
				g.Remove(fmt.Sprintf("r%d", i))
			}
		}
		done <- nil
	}()
	for range 50 {
		_, err := g.SearchBatch(context.Background(), ts[:9], SearchOptions{K: 3, Threads: 2})
		require.NoError(t, err)
	}
	require.NoError(t, <-done)
	assert.Equal(t, 190, g.Len())
}

func TestSearchAllocatesPerSearchNotPerComparison(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	small, ts := testGallery(t, rng, 64, 128, Float32)
	large, _ := testGallery(t, rng, 4096, 128, Float32)
	opts := SearchOptions{K: 5, Threads: 1}
	count := func(g *Gallery) float64 {
		return testing.AllocsPerRun(5, func() {
			_, err := g.Search(context.Background(), ts[0], opts)
			require.NoError(t, err)
		})
	}
	assert.InDelta(t, count(small), count(large), 4, "allocations must not grow with the gallery")
}

func TestStorageNames(t *testing.T) {
	for _, s := range Storages {
		p, err := ParseStorage(s.String())
		require.NoError(t, err)
		assert.Equal(t, s, p)
	}
	_, err := ParseStorage("bfloat16")
	require.Error(t, err)
	assert.Equal(t, 2048, Float32.BytesPerVector(512))
	assert.Equal(t, 1024, Float16.BytesPerVector(512))
	assert.Equal(t, 516, Int8.BytesPerVector(512))
	assert.Equal(t, 136, Int8.BytesPerVector(131), "int8 pads to whole groups of four")
	assert.Equal(t, vecdot.Lanes, 16)
}
