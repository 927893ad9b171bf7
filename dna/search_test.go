package dna

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syntheticTable is a CODIS 20 table with 8–20 alleles per locus and
// skewed frequencies, so tests and benchmarks need no shared data.
func syntheticTable(tb testing.TB) *FrequencyTable {
	tb.Helper()
	rng := rand.New(rand.NewPCG(7, 7))
	freqs := map[Locus]map[Allele]float64{}
	for _, l := range CODIS20 {
		n := 8 + rng.IntN(13)
		start := 6 + rng.IntN(10)
		w := make([]float64, n)
		sum := 0.0
		for i := range w {
			w[i] = math.Exp(-math.Pow(float64(i-n/2)/(float64(n)/4), 2)) + 0.01
			sum += w[i]
		}
		freqs[l] = map[Allele]float64{}
		for i := range w {
			a := Repeat(float64(start + i))
			if i == n/2 {
				a = Repeat(float64(start+i) + 0.3) // a common microvariant
			}
			freqs[l][a] = w[i] / sum
		}
	}
	tab, err := NewFrequencyTable("synthetic", freqs, 0.002)
	require.NoError(tb, err)
	return tab
}

func newTestStore(tb testing.TB) (*Store, *Simulator) {
	tb.Helper()
	tab := syntheticTable(tb)
	sim, err := NewSimulator(tab, nil, DefaultMutation, 42)
	require.NoError(tb, err)
	s := NewStore(NewModel(tab), QualityGate{})
	return s, sim
}

func TestGenotypeCodeRoundTrip(t *testing.T) {
	seen := map[uint16]bool{}
	for b := 0; b < maxAlphabet; b++ {
		for a := 0; a <= b; a++ {
			c := genotypeCode(a, b)
			require.False(t, seen[c])
			seen[c] = true
			x, y := decodeGenotype(c)
			require.Equal(t, [2]int{a, b}, [2]int{x, y})
			require.Equal(t, c, genotypeCode(b, a))
		}
	}
	assert.Less(t, numCodes(maxAlphabet), 1<<16)
}

func TestStoreDirectMatch(t *testing.T) {
	s, sim := newTestStore(t)
	var target *Profile
	for i := 0; i < 3000; i++ {
		p := sim.Unrelated()
		require.NoError(t, s.Add(p))
		if i == 1234 {
			target = p
		}
	}
	ctx := context.Background()
	probe := *target
	probe.ID = "probe"

	hits, err := s.Match(ctx, &probe, MatchRules{Mode: Prum}, 5)
	require.NoError(t, err)
	require.NotEmpty(t, hits)
	assert.Equal(t, target.ID, hits[0].ID)
	assert.Equal(t, FullMatch, hits[0].Result.Class)
	assert.Len(t, hits[0].Result.Compared, 20)
	assert.Len(t, hits[0].Result.Matching, 20)
	assert.Empty(t, hits[0].Result.Mismatching)

	// One allele changed: a Prüm near match naming the locus; no CODIS
	// high-stringency match.
	near := probe
	g := near.loci[D18S51]
	near.loci[D18S51] = NewGenotype(g.A, Repeat(g.B.Repeats()+7))
	hits, err = s.Match(ctx, &near, MatchRules{Mode: Prum}, 5)
	require.NoError(t, err)
	require.NotEmpty(t, hits)
	assert.Equal(t, NearMatch, hits[0].Result.Class)
	assert.Equal(t, []Locus{D18S51}, hits[0].Result.Mismatching)
	hits, err = s.Match(ctx, &near, MatchRules{Mode: CODISHigh}, 5)
	require.NoError(t, err)
	assert.Empty(t, hits)

	// Dropout (heterozygote seen as homozygote) matches at moderate
	// stringency, not high.
	drop := probe
	for _, l := range CODIS20 {
		if g := drop.loci[l]; !g.Homozygous() {
			drop.loci[l] = NewGenotype(g.A, g.A)
			break
		}
	}
	hits, err = s.Match(ctx, &drop, MatchRules{Mode: CODISModerate}, 5)
	require.NoError(t, err)
	require.NotEmpty(t, hits)
	assert.Equal(t, target.ID, hits[0].ID)
	hits, err = s.Match(ctx, &drop, MatchRules{Mode: CODISHigh}, 5)
	require.NoError(t, err)
	assert.Empty(t, hits)

	// A wildcard in the probe matches anything at that allele.
	wild := probe
	wild.loci[TH01] = NewGenotype(wild.loci[TH01].A, Wildcard)
	hits, err = s.Match(ctx, &wild, MatchRules{Mode: Prum}, 1)
	require.NoError(t, err)
	require.Len(t, hits, 1)
	assert.Equal(t, target.ID, hits[0].ID)
	assert.Equal(t, []Locus{TH01}, hits[0].Result.Inexact)

	// The scan finds exactly what Compare finds row by row, whatever the
	// rules, for probes near a stored profile.
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 12; trial++ {
		q := *s.profileAt(&s.unidentified, uint32(rng.IntN(3000)))
		q.ID = "q"
		for _, l := range CODIS20[:rng.IntN(3)] {
			g := q.loci[l]
			q.loci[l] = NewGenotype(g.A, Repeat(g.B.Repeats()+1))
		}
		if trial%3 == 0 {
			q.loci[FGA] = NewGenotype(q.loci[FGA].A, Wildcard)
		}
		rules := MatchRules{Mode: MatchMode(1 + trial%4)}
		want := map[string]MatchClass{}
		for r := uint32(0); r < uint32(s.unidentified.rows()); r++ {
			p := s.profileAt(&s.unidentified, r)
			if c := Compare(&q, p, rules).Class; c != NoMatch {
				want[p.ID] = c
			}
		}
		hits, err := s.Match(ctx, &q, rules, 10000)
		require.NoError(t, err)
		got := map[string]MatchClass{}
		for _, h := range hits {
			got[h.ID] = h.Result.Class
		}
		assert.Equal(t, want, got, "trial %d, %s", trial, rules.Mode)
	}
}

func TestStoreConcurrentAddAndSearch(t *testing.T) {
	s, sim := newTestStore(t)
	var ps []*Profile
	for i := 0; i < 400; i++ {
		ps = append(ps, sim.Unrelated())
	}
	probe := sim.Unrelated()
	require.NoError(t, s.Add(probe))
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for _, p := range ps {
			assert.NoError(t, s.Add(p))
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < 20; i++ {
			hits, err := s.Match(context.Background(), probe, MatchRules{Mode: Prum}, 1)
			assert.NoError(t, err)
			assert.Len(t, hits, 1)
			_, err = s.SearchAlerts(context.Background(), probe, 3)
			assert.NoError(t, err)
		}
	}()
	wg.Wait()
	_, n := s.Len()
	assert.Equal(t, 401, n)
}

func TestStoreRefusesAndRemoves(t *testing.T) {
	s, sim := newTestStore(t)
	rel := AsRelative(sim.Unrelated(), "ALERT-1", Father)
	rel.Subject.Consent = false
	err := s.Add(rel)
	require.ErrorIs(t, err, ErrQuality)
	assert.ErrorContains(t, err, "consent")

	pentaD := sim.Unrelated()
	pentaD.loci[PentaD] = NewGenotype(Repeat(9), Repeat(12))
	err = s.Add(pentaD)
	require.ErrorIs(t, err, ErrQuality)
	assert.ErrorContains(t, err, "Penta D")

	p := sim.Unrelated()
	require.NoError(t, s.Add(p))
	assert.Error(t, s.Add(p), "IDs are unique")
	own := sim.Unrelated()
	own.Subject = Subject{Role: MissingPerson, Alert: "A"}
	require.NoError(t, s.Add(own))
	own2 := sim.Unrelated()
	own2.Subject = Subject{Role: MissingPerson, Alert: "A"}
	assert.ErrorContains(t, s.Add(own2), "already has")

	assert.True(t, s.Remove(p.ID))
	assert.False(t, s.Remove(p.ID))
	_, n := s.Len()
	assert.Zero(t, n)
	hits, err := s.Match(context.Background(), p, MatchRules{Mode: Prum}, 3)
	require.NoError(t, err)
	assert.Empty(t, hits, "a removed profile is not found")
}

// family builds alert a's relatives for a simulated missing person of the
// given family shape and returns the missing person.
func addFamily(t testing.TB, s *Store, sim *Simulator, alert string, shape int) *Profile {
	f, mo := sim.Unrelated(), sim.Unrelated()
	missing := sim.Child(f, mo)
	var rels []*Profile
	switch shape % 4 {
	case 0:
		rels = []*Profile{AsRelative(f, alert, Father), AsRelative(mo, alert, Mother)}
	case 1:
		rels = []*Profile{AsRelative(f, alert, Parent)}
	case 2:
		rels = []*Profile{AsRelative(mo, alert, Mother), AsRelative(sim.Child(f, mo), alert, FullSibling), AsRelative(sim.Child(f, mo), alert, FullSibling)}
	case 3:
		own := *missing
		own.ID = alert + "-own"
		own.Subject = Subject{Role: MissingPerson, Alert: alert}
		rels = []*Profile{&own}
	}
	for _, r := range rels {
		require.NoError(t, s.Add(r))
	}
	return missing
}

func TestSearchAlertsFindsTheFamily(t *testing.T) {
	s, sim := newTestStore(t)
	var missing []*Profile
	for i := 0; i < 400; i++ {
		missing = append(missing, addFamily(t, s, sim, fmt.Sprintf("A%03d", i), i))
	}
	ctx := context.Background()
	for i := 0; i < 16; i++ {
		hits, err := s.SearchAlerts(ctx, missing[i], 5)
		require.NoError(t, err)
		require.NotEmpty(t, hits)
		assert.Equal(t, fmt.Sprintf("A%03d", i), hits[0].Alert, "family shape %d", i%4)
		assert.Greater(t, hits[0].Likelihood.Log10LR, 4.0)
		if i%4 == 3 {
			assert.Equal(t, "identity", hits[0].Method)
		} else {
			assert.Equal(t, "pedigree", hits[0].Method)
			want, err := s.model.FamilyLR(missing[i], s.relativesOf(t, hits[0].Alert))
			require.NoError(t, err)
			assert.InDelta(t, want.Log10LR, hits[0].Likelihood.Log10LR, 1e-9)
		}
	}
	// The screening scan equals the pairwise LR of each row.
	u := missing[1]
	layout, lms, total := s.layout(s.statsColumns(u))
	tables, err := s.pairTables(u, layout, lms, total)
	require.NoError(t, err)
	scores := make([]float32, s.alerts.rows())
	require.NoError(t, s.scanLR(ctx, &s.alerts, layout, tables, scores))
	for r := uint32(0); r < 40; r++ {
		p := s.profileAt(&s.alerts, r)
		var want LRResult
		switch s.alerts.kind[r] {
		case rowIdentity:
			want, err = s.model.PairLR(p, u, Identity)
		case rowParentOfMissing:
			want, err = s.model.PairLR(p, u, ParentChild)
		case rowFullSibling:
			want, err = s.model.PairLR(p, u, FullSiblings)
		default:
			continue
		}
		require.NoError(t, err)
		assert.InDelta(t, want.Log10LR, float64(scores[r]), 1e-3*math.Max(1, math.Abs(want.Log10LR)))
	}
}

func (s *Store) relativesOf(t testing.TB, alert string) []*Profile {
	_, rels := s.alertFamily(s.alertIndex[alert])
	return rels
}

func TestSearchUnidentifiedAfterARelativeIsAdded(t *testing.T) {
	s, sim := newTestStore(t)
	for i := 0; i < 2000; i++ {
		require.NoError(t, s.Add(sim.Unrelated()))
	}
	f, mo := sim.Unrelated(), sim.Unrelated()
	child := sim.Child(f, mo)
	child.ID = "remains-17"
	require.NoError(t, s.Add(child))
	require.NoError(t, s.Add(AsRelative(f, "ALERT-9", Father)))
	ctx := context.Background()
	hits, err := s.SearchUnidentified(ctx, "ALERT-9", 3)
	require.NoError(t, err)
	require.NotEmpty(t, hits)
	assert.Equal(t, "remains-17", hits[0].ID)
	oneParent := hits[0].Likelihood.Log10LR

	// The mother's profile arrives: the joint LR rises well above.
	require.NoError(t, s.Add(AsRelative(mo, "ALERT-9", Mother)))
	hits, err = s.SearchUnidentified(ctx, "ALERT-9", 3)
	require.NoError(t, err)
	assert.Equal(t, "remains-17", hits[0].ID)
	assert.Greater(t, hits[0].Likelihood.Log10LR, oneParent+3)
	want, err := s.model.FamilyLR(child, []*Profile{AsRelative(f, "ALERT-9", Father), AsRelative(mo, "ALERT-9", Mother)})
	require.NoError(t, err)
	assert.InDelta(t, want.Log10LR, hits[0].Likelihood.Log10LR, 1e-9)
	if len(hits) > 1 {
		assert.Less(t, hits[1].Likelihood.Log10LR, 0.0, "strangers score below 1")
	}

	_, err = s.SearchUnidentified(ctx, "NO-SUCH-ALERT", 3)
	assert.Error(t, err)
}

// bigStore is shared by the benchmarks: 1,000,000 unidentified profiles
// and 1,000,000 relatives' rows (parents, siblings, half-siblings and own
// profiles of 400,000 alerts), on one core.
var bigStore struct {
	once  sync.Once
	s     *Store
	probe *Profile
}

func benchStore(b *testing.B) (*Store, *Profile) {
	bigStore.once.Do(func() {
		s, sim := newTestStore(b)
		s.Workers = 1
		for i := 0; i < 1_000_000; i++ {
			p := sim.Unrelated()
			if i == 777_777 {
				bigStore.probe = p
			}
			if err := s.Add(p); err != nil {
				b.Fatal(err)
			}
		}
		rels := []Relationship{Father, Mother, FullSibling, HalfSibling, Child}
		for i := 0; s.alerts.rows() < 1_000_000; i++ {
			alert := fmt.Sprintf("A%d", i)
			for j := 0; j < 2+i%2; j++ {
				p := AsRelative(sim.Unrelated(), alert, rels[(i+j)%len(rels)])
				if err := s.Add(p); err != nil {
					b.Fatal(err)
				}
			}
		}
		bigStore.s = s
	})
	return bigStore.s, bigStore.probe
}

// BenchmarkDirectSearch1M: Prüm direct search of 1,000,000 unidentified
// (and 1,000,000 alert) profiles on one core.
func BenchmarkDirectSearch1M(b *testing.B) {
	s, probe := benchStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		hits, err := s.Match(ctx, probe, MatchRules{Mode: Prum}, 10)
		if err != nil || len(hits) == 0 || hits[0].ID != probe.ID {
			b.Fatalf("hits %v, err %v", hits, err)
		}
	}
	rows := float64(s.unidentified.rows() + s.alerts.rows())
	perSearch := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(perSearch*1e3, "ms/search")
	b.ReportMetric(perSearch*1e3*1e6/rows, "ms/1M-profiles")
	b.ReportMetric(rows/perSearch, "profiles/s")
}

// BenchmarkKinshipScreening: the pairwise kinship scan of an unidentified
// profile against 1,000,000 relatives' rows, on one core.
func BenchmarkKinshipScreening(b *testing.B) {
	s, probe := benchStore(b)
	ctx := context.Background()
	layout, lms, total := s.layout(s.statsColumns(probe))
	tables, err := s.pairTables(probe, layout, lms, total)
	if err != nil {
		b.Fatal(err)
	}
	scores := make([]float32, s.alerts.rows())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.scanLR(ctx, &s.alerts, layout, tables, scores); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(scores))*float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
}

// BenchmarkSearchAlerts1M: the whole search of an unidentified profile
// against 1,000,000 relatives' rows — tables, scan, per-alert screening
// and the exact pedigree LR of the shortlist — on one core.
func BenchmarkSearchAlerts1M(b *testing.B) {
	s, probe := benchStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.SearchAlerts(ctx, probe, 10); err != nil {
			b.Fatal(err)
		}
	}
	perSearch := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(perSearch*1e3, "ms/search")
	b.ReportMetric(float64(s.alerts.rows())/perSearch, "pairs/s")
}
