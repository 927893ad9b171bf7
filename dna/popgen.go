package dna

import (
	"fmt"
	"math"
	"sort"
	"sync"
	"sync/atomic"
)

// DefaultTheta is the coancestry coefficient θ (F_ST) used unless set: the
// NRC II (1996) recommendation of 0.01 for general populations.
const DefaultTheta = 0.01

// MutationModel is a stepwise model of STR mutation in one meiosis: an
// allele mutates with probability Rate, to an allele one repeat away with
// the largest weight and each further repeat RangeRatio times less likely.
// Steps that change the fractional part (9 → 9.3) are FractionalWeight
// times less likely again. Without it, one inconsistent locus — one
// mutation, which true parent–child pairs show at about 1 locus in 300
// — would make the likelihood of parentage zero.
type MutationModel struct {
	Rate             float64
	RangeRatio       float64
	FractionalWeight float64
}

// DefaultMutation: 0.2 % per meiosis and locus (the order of the STR rates
// AABB and NIST report), range ratio 0.1, fractional steps 20× rarer.
var DefaultMutation = MutationModel{Rate: 0.002, RangeRatio: 0.1, FractionalWeight: 0.05}

// DefaultIdentityError is the probability that a locus of a person's own
// reference profile was mistyped, which keeps one discordant locus from
// zeroing an identity LR.
const DefaultIdentityError = 1e-3

// Model is the population-genetic model statistics are computed in: a
// frequency table, θ, the mutation model and the identity error rate. A
// Model is safe for concurrent use; alleles met in profiles but absent
// from the table join its per-locus alphabet with the minimum frequency.
type Model struct {
	Table         *FrequencyTable
	Theta         float64
	Mutation      MutationModel
	IdentityError float64

	mu   sync.Mutex
	loci [numLoci]atomic.Pointer[locusModel]
}

// NewModel returns a model on table with the default θ, mutation model and
// identity error.
func NewModel(table *FrequencyTable) *Model {
	return &Model{Table: table, Theta: DefaultTheta, Mutation: DefaultMutation, IdentityError: DefaultIdentityError}
}

// locusModel is an immutable snapshot of one locus's alphabet: alleles,
// floored frequencies and the mutation matrix. It is replaced, never
// changed, when an allele is added, and indices never move, so genotype
// codes stay valid.
type locusModel struct {
	locus   Locus
	alleles []Allele
	p       []float64
	index   map[Allele]int
	mut     [][]float64 // mut[i][j]: allele i transmitted as j
	special []bool      // wildcard or OL: no statistics
}

const maxAlphabet = 360 // keeps triangular genotype codes within uint16

func (m *Model) locus(l Locus) *locusModel {
	if lm := m.loci[l].Load(); lm != nil {
		return lm
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if lm := m.loci[l].Load(); lm != nil {
		return lm
	}
	lm := m.build(l, m.Table.loci[l].allelesOrNil(), nil)
	m.loci[l].Store(lm)
	return lm
}

func (lf *locusFrequencies) allelesOrNil() []Allele {
	if lf == nil {
		return nil
	}
	return lf.alleles
}

// indexOf returns the alphabet index of a, adding it when new.
func (m *Model) indexOf(l Locus, a Allele) (int, *locusModel, error) {
	lm := m.locus(l)
	if i, ok := lm.index[a]; ok {
		return i, lm, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	lm = m.loci[l].Load()
	if i, ok := lm.index[a]; ok {
		return i, lm, nil
	}
	if len(lm.alleles) >= maxAlphabet {
		return 0, nil, fmt.Errorf("dna: locus %s has more than %d distinct alleles", l, maxAlphabet)
	}
	lm = m.build(l, lm.alleles, []Allele{a})
	m.loci[l].Store(lm)
	return lm.index[a], lm, nil
}

func (m *Model) build(l Locus, base, extra []Allele) *locusModel {
	lm := &locusModel{locus: l, index: map[Allele]int{}}
	lm.alleles = append(append(lm.alleles, base...), extra...)
	n := len(lm.alleles)
	lm.p = make([]float64, n)
	lm.special = make([]bool, n)
	for i, a := range lm.alleles {
		lm.index[a] = i
		// Wildcards and OL never enter statistics; a zero frequency keeps
		// them out of every sum over the alphabet.
		lm.special[i] = a.kind() == kindSpecial
		if !lm.special[i] {
			lm.p[i] = m.Table.Frequency(l, a)
		}
	}
	lm.mut = mutationMatrix(lm.alleles, m.Mutation)
	return lm
}

func mutationMatrix(alleles []Allele, mm MutationModel) [][]float64 {
	n := len(alleles)
	out := make([][]float64, n)
	for i := range out {
		out[i] = make([]float64, n)
		out[i][i] = 1
	}
	if mm.Rate <= 0 || n < 2 {
		return out
	}
	r := mm.RangeRatio
	if r <= 0 || r >= 1 {
		r = DefaultMutation.RangeRatio
	}
	fw := mm.FractionalWeight
	if fw <= 0 {
		fw = DefaultMutation.FractionalWeight
	}
	w := make([]float64, n)
	for i, a := range alleles {
		sum := 0.0
		for j, b := range alleles {
			w[j] = 0
			if i == j {
				continue
			}
			w[j] = stepWeight(a, b, r, fw)
			sum += w[j]
		}
		if sum == 0 {
			continue // an undesignated allele, or nowhere to step to
		}
		out[i][i] = 1 - mm.Rate
		for j := range alleles {
			if j != i {
				out[i][j] = mm.Rate * w[j] / sum
			}
		}
	}
	return out
}

// stepWeight is the relative chance of a mutation from a to b.
func stepWeight(a, b Allele, r, fw float64) float64 {
	if a.kind() == kindSpecial || b.kind() == kindSpecial {
		return 0 // no mutation into or out of an undesignated allele
	}
	d := math.Abs(float64(a.tenths()-b.tenths())) / microvariantBase
	steps := math.Ceil(d - 1e-9)
	w := math.Pow(r, steps-1)
	if math.Abs(d-math.Round(d)) > 1e-9 {
		w *= fw
	}
	return w
}

// cond is the Balding–Nichols probability that the next allele drawn from
// the subpopulation is a, given seen alleles already drawn: (k·θ +
// (1−θ)·p) / (1 + (n−1)·θ) with k copies of a among n seen.
func cond(p float64, k, n int, theta float64) float64 {
	if theta == 0 {
		return p
	}
	return (float64(k)*theta + (1-theta)*p) / (1 + float64(n-1)*theta)
}

// HomozygoteMatchProbability is NRC II (1996) formula 4.10a: the
// probability that a random person of the same subpopulation has genotype
// AA, given that one person has it: [2θ+(1−θ)p][3θ+(1−θ)p] / [(1+θ)(1+2θ)].
// With θ = 0 it is p².
func HomozygoteMatchProbability(p, theta float64) float64 {
	return (2*theta + (1-theta)*p) * (3*theta + (1-theta)*p) / ((1 + theta) * (1 + 2*theta))
}

// HeterozygoteMatchProbability is NRC II formula 4.10b for genotype AB:
// 2[θ+(1−θ)p][θ+(1−θ)q] / [(1+θ)(1+2θ)]; 2pq with θ = 0.
func HeterozygoteMatchProbability(p, q, theta float64) float64 {
	return 2 * (theta + (1-theta)*p) * (theta + (1-theta)*q) / ((1 + theta) * (1 + 2*theta))
}

// LocusMatch is one locus's share of a statistic.
type LocusMatch struct {
	Locus Locus   `json:"locus"`
	Value float64 `json:"value"`
}

// MatchProbability is the random match probability of the profile — the
// chance that an unrelated person of the same subpopulation shares it —
// by the product rule over its statistically usable loci (typed, no
// wildcard, covered by the table), each by NRC II 4.10 with the model's θ.
func (m *Model) MatchProbability(p *Profile) (float64, []LocusMatch) {
	prob := 1.0
	var per []LocusMatch
	for _, l := range p.Loci() {
		g := p.loci[l]
		if g.HasWildcard() || !m.Table.Has(l) {
			continue
		}
		pa := m.Table.Frequency(l, g.A)
		var v float64
		if g.Homozygous() {
			v = HomozygoteMatchProbability(pa, m.Theta)
		} else {
			v = HeterozygoteMatchProbability(pa, m.Table.Frequency(l, g.B), m.Theta)
		}
		prob *= v
		per = append(per, LocusMatch{l, v})
	}
	return prob, per
}

// usableLoci are the loci both profiles can use in statistics.
func (m *Model) usableLoci(ps ...*Profile) []Locus {
	var out []Locus
	for l := Locus(1); l < numLoci; l++ {
		if !m.Table.Has(l) {
			continue
		}
		ok := true
		for _, p := range ps {
			if g := p.loci[l]; !g.Typed() || g.HasWildcard() {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, l)
		}
	}
	return out
}

// genotypeIndex resolves a genotype to alphabet indices (adding new
// alleles), smaller index not implied.
func (m *Model) genotypeIndex(l Locus, g Genotype) ([2]int, *locusModel, error) {
	a, _, err := m.indexOf(l, g.A)
	if err != nil {
		return [2]int{}, nil, err
	}
	b, lm, err := m.indexOf(l, g.B)
	if err != nil {
		return [2]int{}, nil, err
	}
	return [2]int{a, b}, lm, nil
}

// sortedLoci returns the loci of a per-locus map in catalogue order.
func sortedLoci[V any](m map[Locus]V) []Locus {
	out := make([]Locus, 0, len(m))
	for l := range m {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
