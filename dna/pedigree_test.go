package dna

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bruteLikelihood is the definition the fast likelihood must equal: every
// untyped founder enumerated over every genotype, all founders' alleles
// drawn jointly by the sampling formula.
func (ped pedigree) bruteLikelihood(lu *lumping, theta float64) float64 {
	size := len(lu.p)
	var genos [][2]int
	for a := 0; a < size; a++ {
		for b := a; b < size; b++ {
			genos = append(genos, [2]int{a, b})
		}
	}
	var untyped []int
	for i, n := range ped {
		if n.father < 0 && !n.typed {
			untyped = append(untyped, i)
		}
	}
	states := 1
	for range untyped {
		states *= len(genos)
	}
	g := make([][2]int, len(ped))
	for i, n := range ped {
		g[i] = n.g
	}
	total := 0.0
	for s := 0; s < states; s++ {
		rest := s
		for _, node := range untyped {
			g[node] = genos[rest%len(genos)]
			rest /= len(genos)
		}
		pr, _ := ped.founderProbability(g, nil, lu.p, make([]int, size), theta)
		for i, n := range ped {
			if n.father >= 0 {
				pr *= transmit(lu.mut, g[n.father], g[n.mother], g[i])
			}
		}
		total += pr
	}
	return total
}

// TestPedigreeMatesSumExactly checks the closed-form sum over single-child
// founders against full enumeration on random families, with θ and
// mutation, including several half-siblings (several mates at once).
func TestPedigreeMatesSumExactly(t *testing.T) {
	m := textbookModel(t)
	m.Theta = 0.05
	m.Mutation = DefaultMutation
	alleles := []Allele{alA, alB, alC, alD}
	rng := rand.New(rand.NewPCG(11, 13))
	randomGenotype := func() Genotype {
		return gt(alleles[rng.IntN(len(alleles))], alleles[rng.IntN(len(alleles))])
	}
	shapes := [][]Relationship{
		{Father},
		{Mother, FullSibling},
		{HalfSibling, HalfSibling, MaternalHalfSibling},
		{Child},
		{Child, Child, Father},
		{FullSibling, PaternalHalfSibling, Child},
		{HalfSibling, MaternalHalfSibling, Child, Mother},
	}
	for trial := 0; trial < 3*7; trial++ {
		shape := shapes[trial%len(shapes)]
		var rels []*Profile
		for i, r := range shape {
			rels = append(rels, AsRelative(profileWith(D3S1358, randomGenotype()), "A", r))
			rels[i].ID = fmt.Sprint(i)
		}
		u := randomGenotype()
		fp, err := newFamilyPedigree(rels)
		require.NoError(t, err)

		full := make([][2]int, len(fp.nodes))
		typed := make([]bool, len(fp.nodes))
		var lm *locusModel
		for i, n := range fp.nodes {
			var g Genotype
			switch {
			case n.relative == asMissing:
				g = u
			case n.relative >= 0:
				g = rels[n.relative].loci[D3S1358]
			default:
				continue
			}
			full[i], lm, err = m.genotypeIndex(D3S1358, g)
			require.NoError(t, err)
			typed[i] = true
		}
		lu := newLumping(lm, full, typed)
		for _, unrelated := range []bool{false, true} {
			ped := fp.locusPedigree(lu, full, typed, unrelated)
			fast, err := ped.likelihood(lu, m.Theta)
			require.NoError(t, err)
			brute := ped.bruteLikelihood(lu, m.Theta)
			assert.InDelta(t, brute, fast, 1e-12*brute+1e-300, "shape %v unrelated=%v", shape, unrelated)
		}
	}
}

func TestManyHalfSiblingsStayTractable(t *testing.T) {
	m := NewModel(syntheticTable(t))
	sim, err := NewSimulator(m.Table, nil, DefaultMutation, 4)
	require.NoError(t, err)
	shared, mother := sim.Unrelated(), sim.Unrelated()
	missing := sim.Child(shared, mother)
	var rels []*Profile
	for i := 0; i < 5; i++ {
		rels = append(rels, AsRelative(sim.Child(shared, sim.Unrelated()), "A", PaternalHalfSibling))
	}
	rels = append(rels, AsRelative(sim.Child(shared, mother), "A", FullSibling))
	res, err := m.FamilyLR(missing, rels)
	require.NoError(t, err)
	assert.Greater(t, res.Log10LR, 2.0)
	res, err = m.FamilyLR(sim.Unrelated(), rels)
	require.NoError(t, err)
	assert.Less(t, res.Log10LR, 2.0)
}
