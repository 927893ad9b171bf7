package dna

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// Simulator draws profiles from a frequency table — founders by the
// product rule, children by Mendelian transmission with stepwise mutation
// — for tests, benchmarks and the power figures of docs/dna.md. It is not
// safe for concurrent use.
type Simulator struct {
	loci     []Locus
	alleles  [][]Allele
	cum      [][]float64 // cumulative, normalised to 1
	mutation MutationModel
	rng      *rand.Rand
	n        int
}

// NewSimulator prepares a simulator on the given loci of the table (all
// its loci when loci is nil). Transmissions mutate by the given model.
func NewSimulator(table *FrequencyTable, loci []Locus, mutation MutationModel, seed uint64) (*Simulator, error) {
	if loci == nil {
		loci = table.Loci()
	}
	s := &Simulator{mutation: mutation, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	for _, l := range loci {
		if !table.Has(l) {
			return nil, fmt.Errorf("dna: simulator: table %s has no frequencies for %s", table.Name, l)
		}
		lf := table.loci[l]
		cum := make([]float64, len(lf.freqs))
		sum := 0.0
		for i, f := range lf.freqs {
			sum += f
			cum[i] = sum
		}
		for i := range cum {
			cum[i] /= sum
		}
		s.loci = append(s.loci, l)
		s.alleles = append(s.alleles, lf.alleles)
		s.cum = append(s.cum, cum)
	}
	if len(s.loci) == 0 {
		return nil, fmt.Errorf("dna: simulator: no locus")
	}
	return s, nil
}

// Loci are the simulated loci.
func (s *Simulator) Loci() []Locus { return append([]Locus(nil), s.loci...) }

func (s *Simulator) draw(i int) Allele {
	x := s.rng.Float64()
	k := sort.SearchFloat64s(s.cum[i], x)
	if k >= len(s.alleles[i]) {
		k = len(s.alleles[i]) - 1
	}
	return s.alleles[i][k]
}

func (s *Simulator) nextID(prefix string) string {
	s.n++
	return fmt.Sprintf("%s-%d", prefix, s.n)
}

// Unrelated draws a profile of a random person (role Unidentified).
func (s *Simulator) Unrelated() *Profile {
	p := &Profile{ID: s.nextID("sim"), Subject: Subject{Role: Unidentified}}
	for i, l := range s.loci {
		p.loci[l] = NewGenotype(s.draw(i), s.draw(i))
	}
	return p
}

// Child draws a child of two profiles: one allele from each, each
// possibly mutated one or more repeats up or down.
func (s *Simulator) Child(father, mother *Profile) *Profile {
	p := &Profile{ID: s.nextID("sim"), Subject: Subject{Role: Unidentified}}
	for _, l := range s.loci {
		f, m := father.loci[l], mother.loci[l]
		p.loci[l] = NewGenotype(s.transmit(f), s.transmit(m))
	}
	return p
}

func (s *Simulator) transmit(g Genotype) Allele {
	a := g.A
	if s.rng.IntN(2) == 1 {
		a = g.B
	}
	if s.mutation.Rate <= 0 || !a.Designated() || s.rng.Float64() >= s.mutation.Rate {
		return a
	}
	r := s.mutation.RangeRatio
	if r <= 0 || r >= 1 {
		r = DefaultMutation.RangeRatio
	}
	steps := 1
	for s.rng.Float64() < r {
		steps++
	}
	delta := steps * microvariantBase
	if s.rng.IntN(2) == 0 && a.tenths() > delta {
		delta = -delta
	}
	if m := Allele(a.tenths() + delta); m.Designated() && m.tenths() <= maxRepeatTenths {
		return m
	}
	return a
}

// Pair draws two profiles related by k (0 or an unknown kinship: unrelated).
// For ParentChild the first is the parent.
func (s *Simulator) Pair(k Kinship) (*Profile, *Profile) {
	switch k {
	case ParentChild:
		parent, other := s.Unrelated(), s.Unrelated()
		return parent, s.Child(parent, other)
	case FullSiblings:
		f, m := s.Unrelated(), s.Unrelated()
		return s.Child(f, m), s.Child(f, m)
	case HalfSiblings:
		shared, m1, m2 := s.Unrelated(), s.Unrelated(), s.Unrelated()
		return s.Child(shared, m1), s.Child(shared, m2)
	case Identity:
		a := s.Unrelated()
		b := *a
		b.ID = s.nextID("sim")
		return a, &b
	}
	return s.Unrelated(), s.Unrelated()
}

// AsRelative marks a simulated profile as a consenting relative of alert.
func AsRelative(p *Profile, alert string, r Relationship) *Profile {
	p.Subject = Subject{Role: RelativeOf, Alert: alert, Relationship: r, Consent: true}
	return p
}

// PowerRow is one line of a kinship power simulation: pairs simulated as
// True, evaluated under the hypothesis Tested.
type PowerRow struct {
	True        string  `json:"true"`
	Tested      string  `json:"tested"`
	Pairs       int     `json:"pairs"`
	Threshold   float64 `json:"threshold"`
	ShareAbove  float64 `json:"share_above"`
	MedianLog10 float64 `json:"median_log10_lr"`
	P05Log10    float64 `json:"p05_log10_lr"`
	P95Log10    float64 `json:"p95_log10_lr"`
}

// PowerReport is the outcome of SimulatePower.
type PowerReport struct {
	Table    string     `json:"table"`
	Loci     []Locus    `json:"loci"`
	Theta    float64    `json:"theta"`
	Mutation float64    `json:"mutation_rate"`
	Seed     uint64     `json:"seed"`
	Rows     []PowerRow `json:"rows"`
}

// SimulatePower simulates pairs per relationship (with mutation in the
// transmissions) and evaluates each with the model: true parent–child,
// full- and half-sibling pairs under their own hypothesis, unrelated pairs
// under every hypothesis, and a missing child found through one parent,
// both parents, or one parent and two full siblings (exact pedigree LR).
func SimulatePower(m *Model, loci []Locus, pairs int, threshold float64, seed uint64) (PowerReport, error) {
	sim, err := NewSimulator(m.Table, loci, m.Mutation, seed)
	if err != nil {
		return PowerReport{}, err
	}
	rep := PowerReport{Table: m.Table.Name, Loci: sim.Loci(), Theta: m.Theta, Mutation: m.Mutation.Rate, Seed: seed}
	row := func(truth, tested string, vals []float64) {
		sort.Float64s(vals)
		above := 0
		lt := math.Log10(threshold)
		for _, v := range vals {
			if v > lt {
				above++
			}
		}
		rep.Rows = append(rep.Rows, PowerRow{
			True: truth, Tested: tested, Pairs: len(vals), Threshold: threshold,
			ShareAbove:  float64(above) / float64(len(vals)),
			MedianLog10: quantile(vals, 0.5), P05Log10: quantile(vals, 0.05), P95Log10: quantile(vals, 0.95),
		})
	}
	hyps := []Kinship{ParentChild, FullSiblings, HalfSiblings}
	for _, truth := range hyps {
		vals := make([]float64, pairs)
		for i := range vals {
			a, b := sim.Pair(truth)
			r, err := m.PairLR(a, b, truth)
			if err != nil {
				return rep, err
			}
			vals[i] = r.Log10LR
		}
		row(truth.String(), truth.String(), vals)
	}
	unrelated := make([][]float64, len(hyps))
	for i := 0; i < pairs; i++ {
		a, b := sim.Pair(0)
		for h, k := range hyps {
			r, err := m.PairLR(a, b, k)
			if err != nil {
				return rep, err
			}
			unrelated[h] = append(unrelated[h], r.Log10LR)
		}
	}
	for h, k := range hyps {
		row("unrelated", k.String(), unrelated[h])
	}
	// A missing child and their family.
	one, both, parentSibs, unrelBoth := make([]float64, pairs), make([]float64, pairs), make([]float64, pairs), make([]float64, pairs)
	for i := 0; i < pairs; i++ {
		f, mo := sim.Unrelated(), sim.Unrelated()
		child := sim.Child(f, mo)
		s1, s2 := sim.Child(f, mo), sim.Child(f, mo)
		AsRelative(f, "A", Father)
		AsRelative(mo, "A", Mother)
		AsRelative(s1, "A", FullSibling)
		AsRelative(s2, "A", FullSibling)
		stranger := sim.Unrelated()
		for _, c := range []struct {
			out []float64
			u   *Profile
			fam []*Profile
		}{
			{one, child, []*Profile{f}},
			{both, child, []*Profile{f, mo}},
			{parentSibs, child, []*Profile{f, s1, s2}},
			{unrelBoth, stranger, []*Profile{f, mo}},
		} {
			r, err := m.FamilyLR(c.u, c.fam)
			if err != nil {
				return rep, err
			}
			c.out[i] = r.Log10LR
		}
	}
	row("missing child", "one parent", one)
	row("missing child", "both parents", both)
	row("missing child", "one parent + two full siblings", parentSibs)
	row("unrelated", "both parents", unrelBoth)
	return rep, nil
}

// quantile of sorted values (nearest rank).
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// MarshalJSON writes infinite log10 LRs (exclusions, possible without a
// mutation model) as null, which JSON can hold.
func (r PowerRow) MarshalJSON() ([]byte, error) {
	type plain PowerRow
	type out struct {
		plain
		MedianLog10 *float64 `json:"median_log10_lr"`
		P05Log10    *float64 `json:"p05_log10_lr"`
		P95Log10    *float64 `json:"p95_log10_lr"`
	}
	finite := func(v float64) *float64 {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return nil
		}
		return &v
	}
	return json.Marshal(out{plain(r), finite(r.MedianLog10), finite(r.P05Log10), finite(r.P95Log10)})
}

// SyntheticFrequencies is an allele-frequency table made up for tests and
// demonstrations that must run without data files: on each locus 8 to 12
// alleles, repeats 10, 11, …, with bell-shaped frequencies, and a minimum
// allele frequency of 0.002. It is not a population's table; use
// ReadFrequencies on real data for statistics that mean anything.
func SyntheticFrequencies(loci []Locus) (*FrequencyTable, error) {
	freqs := map[Locus]map[Allele]float64{}
	for li, l := range loci {
		n := 8 + li%5
		w := make([]float64, n)
		sum := 0.0
		for i := range w {
			w[i] = math.Exp(-math.Pow(float64(i-n/2)/(float64(n)/4), 2)) + 0.02
			sum += w[i]
		}
		freqs[l] = map[Allele]float64{}
		for i := range w {
			freqs[l][Repeat(float64(10+i))] = w[i] / sum
		}
	}
	return NewFrequencyTable("synthetic", freqs, 0.002)
}
