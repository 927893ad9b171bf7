package afis

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/openbms/bms/bench"
	"github.com/openbms/bms/index"
	"github.com/openbms/bms/minutiae"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tenPrint makes a record of fingers at positions 1–10.
func tenPrint(fingers []*minutiae.Template) *minutiae.Record {
	rec := &minutiae.Record{}
	for i, f := range fingers {
		v := *f
		v.Position = minutiae.Position(i + 1)
		v.Impression = minutiae.LiveRolled
		rec.Views = append(rec.Views, v)
	}
	return rec
}

func single(t *minutiae.Template) *minutiae.Record {
	return &minutiae.Record{Views: []minutiae.Template{*t}}
}

func TestIdentifyFindsTheMateFirst(t *testing.T) {
	s := bench.NewSynth(11)
	g := NewGallery()
	fingers := make([]*minutiae.Template, 300)
	for i := range fingers {
		fingers[i] = s.Finger()
		require.NoError(t, g.Add(fmt.Sprintf("P%03d", i), single(fingers[i])))
	}
	assert.Equal(t, 300, g.Len())
	hits := 0
	for i := 0; i < 300; i += 10 {
		cands, err := g.Identify(context.Background(), single(s.Impression(fingers[i])), SearchOptions{K: 5})
		require.NoError(t, err)
		require.NotEmpty(t, cands)
		assert.LessOrEqual(t, len(cands), 5)
		for j := 1; j < len(cands); j++ {
			assert.GreaterOrEqual(t, cands[j-1].Score, cands[j].Score, "ranked")
		}
		if cands[0].ID == fmt.Sprintf("P%03d", i) {
			hits++
			assert.Less(t, cands[0].FMR, 1e-3)
			assert.Equal(t, 0, cands[0].Views[0].View)
		}
	}
	assert.GreaterOrEqual(t, hits, 27, "rank-1 hits of 30 mated searches")
}

func TestIdentifyThreadsAgree(t *testing.T) {
	s := bench.NewSynth(12)
	g := NewGallery()
	var probe *minutiae.Template
	for i := range 500 {
		f := s.Finger()
		if i == 250 {
			probe = s.Impression(f)
		}
		require.NoError(t, g.Add(fmt.Sprint(i), single(f)))
	}
	one, err := g.Identify(context.Background(), single(probe), SearchOptions{K: 20, Threads: 1})
	require.NoError(t, err)
	two, err := g.Identify(context.Background(), single(probe), SearchOptions{K: 20, Threads: 2})
	require.NoError(t, err)
	assert.Equal(t, one, two)
	assert.Equal(t, "250", one[0].ID)
}

func TestTenPrintSearchReturnsTheRecord(t *testing.T) {
	s := bench.NewSynth(13)
	g := NewGallery()
	var mate []*minutiae.Template
	for r := range 40 {
		fs := make([]*minutiae.Template, 10)
		for i := range fs {
			fs[i] = s.Finger()
		}
		if r == 17 {
			mate = fs
		}
		require.NoError(t, g.Add(fmt.Sprintf("TP%02d", r), tenPrint(fs)))
	}
	// The probe lacks two fingers and has the others re-captured.
	probeFingers := make([]*minutiae.Template, 0, 10)
	for _, f := range mate {
		probeFingers = append(probeFingers, s.Impression(f))
	}
	probe := tenPrint(probeFingers)
	probe.Views = append(probe.Views[:3], probe.Views[5:]...)
	cands, err := g.Identify(context.Background(), probe, SearchOptions{K: 3})
	require.NoError(t, err)
	require.NotEmpty(t, cands)
	assert.Equal(t, "TP17", cands[0].ID)
	require.Len(t, cands[0].Views, 8)
	for _, v := range cands[0].Views {
		// Position-aware: each probe finger met its own position.
		assert.Equal(t, probe.Views[v.Probe].Position, v.Position)
	}
	if len(cands) > 1 {
		assert.Greater(t, cands[0].Score, 3*cands[1].Score, "fused evidence of eight fingers")
	}
	assert.Less(t, cands[0].FMR, 1e-20)
}

// tenPrintGallery enrols records ten-prints of synthetic fingers from s,
// TP00, TP01, …, and returns finger finger of record mateRecord.
func tenPrintGallery(t *testing.T, s *bench.Synth, records, mateRecord, finger int) (*Gallery, *minutiae.Template) {
	t.Helper()
	g := NewGallery()
	var mate *minutiae.Template
	for r := range records {
		fs := make([]*minutiae.Template, 10)
		for i := range fs {
			fs[i] = s.Finger()
		}
		if r == mateRecord {
			mate = fs[finger]
		}
		require.NoError(t, g.Add(fmt.Sprintf("TP%02d", r), tenPrint(fs)))
	}
	return g, mate
}

func TestLatentSearchIgnoresPositions(t *testing.T) {
	s := bench.NewSynth(14)
	g, mate := tenPrintGallery(t, s, 30, 5, 7)
	lat := s.Impression(mate)
	lat.Impression = minutiae.LatentImpression
	lat.Position = minutiae.RightThumb // a wrong guess must not matter for a latent
	cands, err := g.Identify(context.Background(), single(lat), SearchOptions{K: 1})
	require.NoError(t, err)
	require.Len(t, cands, 1)
	assert.Equal(t, "TP05", cands[0].ID)
	assert.Equal(t, minutiae.LeftMiddle, cands[0].Views[0].Position, "fs[7] is position 8")
	// A latent is scored by CompareLatent and read with the latent
	// calibration.
	assert.True(t, cands[0].Views[0].Latent)
	lm, err := minutiae.NewMatcher(lat)
	require.NoError(t, err)
	pm, err := minutiae.Prepare(mate)
	require.NoError(t, err)
	assert.Equal(t, lm.CompareLatent(pm, minutiae.LatentProbe), cands[0].Views[0].Score)
	assert.Equal(t, fusedFMR(cands[0].Views), cands[0].FMR)

	// The same impression as a plain thumb print: position-aware, no hit.
	lat.Impression = minutiae.LivePlain
	cands, err = g.Identify(context.Background(), single(lat), SearchOptions{K: 1})
	require.NoError(t, err)
	if len(cands) > 0 {
		assert.NotEqual(t, "TP05", cands[0].ID)
	}
}

// upsideDown turns t by half a turn within its image.
func upsideDown(t *minutiae.Template) *minutiae.Template {
	out := *t
	out.Minutiae = nil
	for _, m := range t.Minutiae {
		m.X, m.Y = t.Width-1-m.X, t.Height-1-m.Y
		m.Direction = minutiae.AngleFromRadians(m.Direction.Radians() + math.Pi)
		out.Minutiae = append(out.Minutiae, m)
	}
	return &out
}

func TestLatentSearchAtAnyRotation(t *testing.T) {
	s := bench.NewSynth(19)
	g, mate := tenPrintGallery(t, s, 30, 5, 2)
	lat := upsideDown(s.Impression(mate))
	lat.Impression = minutiae.LatentImpression

	// Upside down, the mark is beyond the quarter turn a search accepts
	// by default.
	cands, err := g.Identify(context.Background(), single(lat), SearchOptions{K: 1})
	require.NoError(t, err)
	if len(cands) > 0 {
		assert.NotEqual(t, "TP05", cands[0].ID)
	}

	for _, shortlist := range []float64{0, 0.05} { // any rotation searches exhaustively
		cands, err = g.Identify(context.Background(), single(lat), SearchOptions{K: 2, LatentAnyRotation: true, Shortlist: shortlist})
		require.NoError(t, err)
		require.NotEmpty(t, cands)
		assert.Equal(t, "TP05", cands[0].ID)
		v := cands[0].Views[0]
		assert.True(t, v.Latent)
		assert.True(t, v.AnyRotation)
		assert.Equal(t, minutiae.RightMiddle, v.Position, "fs[2] is position 3")
		lm, err := minutiae.NewMatcher(lat)
		require.NoError(t, err)
		lm.SetLatentAnyRotation(true)
		pm, err := minutiae.Prepare(mate)
		require.NoError(t, err)
		assert.Equal(t, lm.CompareLatent(pm, minutiae.LatentProbe), v.Score)
		// Four turns, four chances: the estimate is four times the
		// single comparison's rate (times the ten fingers compared).
		assert.InDelta(t, min(1, 4*10*minutiae.LatentFMRForScore(v.Score)), cands[0].FMR, 1e-12)
		assert.Less(t, cands[0].FMR, 1.0, "the mate shows evidence")
	}
}

func TestFilterRemoveAndCompact(t *testing.T) {
	s := bench.NewSynth(15)
	g := NewGallery()
	fingers := make([]*minutiae.Template, 100)
	for i := range fingers {
		fingers[i] = s.Finger()
		require.NoError(t, g.Add(fmt.Sprint(i), single(fingers[i])))
	}
	probe := single(s.Impression(fingers[42]))
	ctx := context.Background()

	dense, ok := g.Dense("42")
	require.True(t, ok)
	others := roaring.New()
	others.AddRange(0, 100)
	others.Remove(dense)
	cands, err := g.Identify(ctx, probe, SearchOptions{K: 100, Filter: index.AllowOnly(others)})
	require.NoError(t, err)
	for _, c := range cands {
		assert.NotEqual(t, "42", c.ID, "filtered out inside the scan")
	}

	before := g.Bytes()
	require.NoError(t, g.Remove("42"))
	assert.ErrorIs(t, g.Remove("42"), ErrUnknownRecord)
	cands, err = g.Identify(ctx, probe, SearchOptions{K: 100})
	require.NoError(t, err)
	for _, c := range cands {
		assert.NotEqual(t, "42", c.ID, "removed")
	}
	assert.Equal(t, 99, g.Len())
	assert.Equal(t, 99, g.Views())
	g.Compact()
	assert.Less(t, g.Bytes(), before, "compaction drops the removed record's data")
	cands2, err := g.Identify(ctx, probe, SearchOptions{K: 100})
	require.NoError(t, err)
	assert.Equal(t, cands, cands2, "compaction changes no result")

	// Re-enrolling the ID stores the new data under a new dense ID.
	require.NoError(t, g.Add("42", single(fingers[42])))
	cands, err = g.Identify(ctx, probe, SearchOptions{K: 1})
	require.NoError(t, err)
	assert.Equal(t, "42", cands[0].ID)
}

func TestAddAndSearchConcurrently(t *testing.T) {
	s := bench.NewSynth(16)
	g := NewGallery()
	first := s.Finger()
	require.NoError(t, g.Add("first", single(first)))
	var more []*minutiae.Template
	for range 200 {
		more = append(more, s.Finger())
	}
	probe := single(s.Impression(first))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i, f := range more {
			assert.NoError(t, g.Add(fmt.Sprint(i), single(f)))
			if i%50 == 49 {
				assert.NoError(t, g.Remove(fmt.Sprint(i-10)))
			}
		}
	}()
	for range 20 {
		cands, err := g.Identify(context.Background(), probe, SearchOptions{K: 3, Threads: 2})
		require.NoError(t, err)
		require.NotEmpty(t, cands)
		assert.Equal(t, "first", cands[0].ID)
	}
	wg.Wait()
	assert.Equal(t, 197, g.Len())
}

func TestBadInput(t *testing.T) {
	g := NewGallery()
	assert.ErrorIs(t, g.Add("x", nil), ErrEmptyRecord)
	assert.ErrorIs(t, g.Add("x", &minutiae.Record{}), ErrEmptyRecord)
	big := &minutiae.Record{Views: make([]minutiae.Template, MaxViewsPerRecord+1)}
	assert.ErrorIs(t, g.Add("x", big), ErrTooManyViews)
	assert.Error(t, g.Add("", single(bench.NewSynth(1).Finger())))
	_, err := g.Identify(context.Background(), nil, SearchOptions{})
	assert.ErrorIs(t, err, ErrEmptyRecord)

	cands, err := g.Identify(context.Background(), single(bench.NewSynth(2).Finger()), SearchOptions{})
	require.NoError(t, err)
	assert.Empty(t, cands, "empty gallery")

	require.NoError(t, g.Add("a", single(bench.NewSynth(3).Finger())))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = g.Identify(ctx, single(bench.NewSynth(2).Finger()), SearchOptions{})
	assert.ErrorIs(t, err, context.Canceled)
}

func TestCompatible(t *testing.T) {
	fv := func(p minutiae.Position) view { return view{pos: p} }
	for _, tc := range []struct {
		a, b view
		want bool
	}{
		{fv(minutiae.RightIndex), fv(minutiae.RightIndex), true},
		{fv(minutiae.RightIndex), fv(minutiae.LeftIndex), false},
		{fv(minutiae.UnknownFinger), fv(minutiae.LeftIndex), true},
		{fv(minutiae.PlainRightThumb), fv(minutiae.RightThumb), true},
		{fv(minutiae.PlainRightFour), fv(minutiae.RightRing), true},
		{fv(minutiae.PlainRightFour), fv(minutiae.LeftRing), false},
		{fv(minutiae.PlainThumbs), fv(minutiae.LeftThumb), true},
		{fv(minutiae.RightFullPalm), fv(minutiae.RightWritersPalm), true},
		{fv(minutiae.RightFullPalm), fv(minutiae.RightIndex), false},
		{view{pos: minutiae.RightIndex, latent: true}, fv(minutiae.LeftFullPalm), true},
		{fv(minutiae.UnknownFinger), fv(minutiae.UnknownPalm), false},
	} {
		assert.Equal(t, tc.want, compatible(tc.a, tc.b), "%v vs %v", tc.a.pos, tc.b.pos)
		assert.Equal(t, tc.want, compatible(tc.b, tc.a), "symmetric: %v vs %v", tc.b.pos, tc.a.pos)
	}
}

func TestFusedFMR(t *testing.T) {
	hi := minutiae.ThresholdForFMR(1e-4)
	lo := evidenceFloor / 2
	one := fusedFMR([]ViewMatch{{Score: hi, Compared: 1}})
	assert.InDelta(t, 1e-4, one, 1e-6, "one view, one comparison: the calibrated rate")
	assert.InDelta(t, 10*one, fusedFMR([]ViewMatch{{Score: hi, Compared: 10}}), 1e-9, "a latent's best of ten")
	assert.Equal(t, 1.0, fusedFMR([]ViewMatch{{Score: lo, Compared: 1}}), "no evidence")
	ten := make([]ViewMatch, 10)
	for i := range ten {
		ten[i] = ViewMatch{Score: lo, Compared: 1}
	}
	ten[3].Score, ten[7].Score = hi, hi
	assert.InDelta(t, 45*one*one, fusedFMR(ten), 1e-12, "two of ten fingers: C(10,2) ways")
	assert.Equal(t, 45.0, binomial(10, 2))

	// A latent view's score is read with the latent calibration, and its
	// own FMR 1 % threshold decides whether it is evidence.
	lhi := minutiae.LatentThresholdForFMR(1e-4)
	assert.InDelta(t, 1e-4, fusedFMR([]ViewMatch{{Score: lhi, Compared: 1, Latent: true}}), 1e-6)
	assert.Equal(t, 1.0, fusedFMR([]ViewMatch{{Score: 0.99 * latentEvidenceFloor, Compared: 1, Latent: true}}), "below the latent floor")
	assert.Less(t, fusedFMR([]ViewMatch{{Score: 1.01 * latentEvidenceFloor, Compared: 1, Latent: true}}), 0.011)
	assert.Equal(t, 1.0, binomial(10, 10))

	// A finger's rolled and plain probe views that both pair with the
	// record's right index are one piece of evidence, the stronger; a
	// third view on another finger is a second one.
	rolledAndPlain := []ViewMatch{
		{Score: hi, Compared: 1, Position: minutiae.RightIndex},
		{Score: 1.2 * hi, Compared: 1, Position: minutiae.RightIndex},
	}
	strong := fusedFMR([]ViewMatch{{Score: 1.2 * hi, Compared: 1}})
	assert.InDelta(t, strong, fusedFMR(rolledAndPlain), 1e-15, "same finger twice counts once")
	withThumb := append(rolledAndPlain, ViewMatch{Score: hi, Compared: 1, Position: minutiae.PlainLeftThumb})
	assert.InDelta(t, binomial(2, 2)*strong*one, fusedFMR(withThumb), 1e-15)
	// Distinct fingers stay independent pieces of evidence.
	twoFingers := []ViewMatch{
		{Score: hi, Compared: 1, Position: minutiae.RightIndex},
		{Score: hi, Compared: 1, Position: minutiae.RightMiddle},
	}
	assert.InDelta(t, one*one, fusedFMR(twoFingers), 1e-15)
}

func TestPalmSearchMeetsPalmsOnly(t *testing.T) {
	s := bench.NewSynth(17)
	g := NewGallery()
	var palm *minutiae.Template
	for r := range 20 {
		finger, p := s.Finger(), s.Finger()
		finger.Position = minutiae.RightIndex
		p.Position, p.Impression = minutiae.RightFullPalm, minutiae.PalmLive
		if r == 9 {
			palm = p
		}
		require.NoError(t, g.Add(fmt.Sprintf("R%02d", r), &minutiae.Record{Views: []minutiae.Template{*finger, *p}}))
	}
	// A writer's palm of the same hand, re-captured.
	probe := s.Impression(palm)
	probe.Position = minutiae.RightWritersPalm
	cands, err := g.Identify(context.Background(), single(probe), SearchOptions{K: 3})
	require.NoError(t, err)
	require.NotEmpty(t, cands)
	assert.Equal(t, "R09", cands[0].ID)
	assert.Equal(t, 1, cands[0].Views[0].View, "the palm view, not the finger")
	assert.Equal(t, 1, cands[0].Views[0].Compared, "a palm probe meets palms only")

	// The same minutiae declared a finger meet no palm.
	probe.Position = minutiae.RightIndex
	cands, err = g.Identify(context.Background(), single(probe), SearchOptions{K: 20})
	require.NoError(t, err)
	for _, c := range cands {
		assert.Equal(t, 0, c.Views[0].View, "only the finger view is compared")
	}
}

// Reverse latent search: a newly taken ten-print against stored latents
// (unknown wanted persons, Art. 40), whose positions are unknown.
func TestTenPrintAgainstStoredLatents(t *testing.T) {
	s := bench.NewSynth(18)
	g := NewGallery()
	fingers := make([]*minutiae.Template, 10)
	for i := range fingers {
		fingers[i] = s.Finger()
	}
	var lat23 *minutiae.Template
	for r := range 40 {
		src := s.Finger()
		if r == 23 {
			src = fingers[4]
		}
		// A part of a new impression, as a mark left on a surface is.
		var lat *minutiae.Template
		for lat == nil {
			lat = s.Partial(s.Impression(src))
		}
		lat.Position = minutiae.UnknownFinger
		if r == 23 {
			lat23 = lat
		}
		require.NoError(t, g.Add(fmt.Sprintf("LAT%02d", r), single(lat)))
	}
	cands, err := g.Identify(context.Background(), tenPrint(fingers), SearchOptions{K: 3})
	require.NoError(t, err)
	require.NotEmpty(t, cands)
	assert.Equal(t, "LAT23", cands[0].ID)
	var best ViewMatch
	for _, v := range cands[0].Views {
		if v.Score > best.Score {
			best = v
		}
	}
	assert.Equal(t, 4, best.Probe, "the fifth finger of the ten-print left the latent")
	assert.True(t, best.Latent)
	// The stored latent is the partial side: the same comparison from the
	// probe's side, normalised by the latent.
	fm, err := minutiae.NewMatcher(fingers[4])
	require.NoError(t, err)
	stored, err := minutiae.Prepare(lat23)
	require.NoError(t, err)
	assert.Equal(t, fm.CompareLatent(stored, minutiae.LatentCandidate), best.Score)
}

// TestScreenedSearch checks the two-stage search: it finds the mates an
// exhaustive search finds (on synthetic impressions, easy for both), its
// candidates carry the exhaustive search's scores, it honours the filter
// and removals, and a shortlist as large as the gallery is the exhaustive
// search.
func TestScreenedSearch(t *testing.T) {
	s := bench.NewSynth(21)
	g := NewGallery()
	const n = 1500
	fingers := make([]*minutiae.Template, n)
	for i := range fingers {
		fingers[i] = s.Finger()
		require.NoError(t, g.Add(fmt.Sprintf("P%04d", i), single(fingers[i])))
	}
	ctx := context.Background()
	hitsFull, hitsScreened := 0, 0
	for i := 0; i < n; i += 50 {
		probe := single(s.Impression(fingers[i]))
		full, err := g.Identify(ctx, probe, SearchOptions{K: 5})
		require.NoError(t, err)
		screened, err := g.Identify(ctx, probe, SearchOptions{K: 5, Shortlist: 0.05, Threads: 2})
		require.NoError(t, err)
		id := fmt.Sprintf("P%04d", i)
		if len(full) > 0 && full[0].ID == id {
			hitsFull++
		}
		if len(screened) > 0 && screened[0].ID == id {
			hitsScreened++
			// The shortlisted mate is scored in full: the same score.
			assert.Equal(t, full[0].Score, screened[0].Score)
			assert.Equal(t, full[0].FMR, screened[0].FMR)
		}
		whole, err := g.Identify(ctx, probe, SearchOptions{K: 5, Shortlist: 1})
		require.NoError(t, err)
		assert.Equal(t, full, whole, "a shortlist of the whole gallery is exhaustive")
	}
	assert.GreaterOrEqual(t, hitsFull, 28, "exhaustive rank-1 hits of 30")
	assert.GreaterOrEqual(t, hitsScreened, hitsFull-1, "screening loses at most one of 30")

	// The first stage asked for 120 records keeps 120, in ID order, the
	// mate among them.
	p, err := prepareProbe(single(s.Impression(fingers[3])))
	require.NoError(t, err)
	st := g.state.Load()
	ids, err := g.shortlist(ctx, st, []*probe{p}, []index.Range{{Lo: 0, Hi: n}}, 1, index.AllowAll(), 120)
	require.NoError(t, err)
	assert.Len(t, ids, 120)
	assert.True(t, slices.IsSorted(ids))
	assert.Contains(t, ids, uint32(3))

	// Filter and removal: the mate is not returned when the filter
	// excludes it or it is removed, and the allowed records still are.
	probe := single(s.Impression(fingers[7]))
	mate, ok := g.Dense("P0007")
	require.True(t, ok)
	others := roaring.New()
	others.AddRange(0, n)
	others.Remove(mate)
	cands, err := g.Identify(ctx, probe, SearchOptions{K: 5, Shortlist: 0.01, Filter: index.AllowOnly(others)})
	require.NoError(t, err)
	require.NotEmpty(t, cands)
	for _, c := range cands {
		assert.NotEqual(t, "P0007", c.ID)
	}
	only := roaring.New()
	only.Add(mate)
	cands, err = g.Identify(ctx, probe, SearchOptions{K: 5, Shortlist: 0.01, Filter: index.AllowOnly(only)})
	require.NoError(t, err)
	require.Len(t, cands, 1)
	assert.Equal(t, "P0007", cands[0].ID)
	require.NoError(t, g.Remove("P0007"))
	cands, err = g.Identify(ctx, probe, SearchOptions{K: 5, Shortlist: 0.01})
	require.NoError(t, err)
	for _, c := range cands {
		assert.NotEqual(t, "P0007", c.ID)
	}
}
