package dna

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Alleles A, B, C, D of the textbook formulas, with frequencies p, q, r, s.
var (
	alA, alB, alC, alD = Repeat(14), Repeat(15), Repeat(16), Repeat(17)
	fp, fq, fr, fs     = 0.1, 0.2, 0.3, 0.4
)

// textbookModel has one locus with four alleles, θ = 0 and no mutation:
// the setting of the classical formulas.
func textbookModel(t *testing.T) *Model {
	t.Helper()
	tab, err := NewFrequencyTable("textbook", map[Locus]map[Allele]float64{
		D3S1358: {alA: fp, alB: fq, alC: fr, alD: fs},
	}, 0.01)
	require.NoError(t, err)
	m := NewModel(tab)
	m.Theta = 0
	m.Mutation = MutationModel{}
	return m
}

func gt(a, b Allele) Genotype { return NewGenotype(a, b) }

func TestPaternityIndexWithoutMother(t *testing.T) {
	m := textbookModel(t)
	p, q := fp, fq
	for _, tc := range []struct {
		name          string
		child, father Genotype
		want          float64
	}{
		{"child AA, father AA", gt(alA, alA), gt(alA, alA), 1 / p},
		{"child AB, father AA", gt(alA, alB), gt(alA, alA), 1 / (2 * p)},
		{"child AA, father AB", gt(alA, alA), gt(alA, alB), 1 / (2 * p)},
		{"child AB, father AB", gt(alA, alB), gt(alA, alB), (p + q) / (4 * p * q)},
		{"child AB, father AC", gt(alA, alB), gt(alA, alC), 1 / (4 * p)},
		{"child AB, father CD (exclusion)", gt(alA, alB), gt(alC, alD), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := m.LocusPairLR(D3S1358, tc.father, tc.child, ParentChild)
			require.NoError(t, err)
			assert.InDelta(t, tc.want, got, 1e-12)
			// The pedigree engine agrees with the pairwise formula.
			u := profileWith(D3S1358, tc.child)
			f := AsRelative(profileWith(D3S1358, tc.father), "A", Father)
			fam, err := m.FamilyLR(u, []*Profile{f})
			require.NoError(t, err)
			assert.InDelta(t, tc.want, fam.LR, 1e-9)
		})
	}
}

func TestFullSiblingIndex(t *testing.T) {
	m := textbookModel(t)
	p, q := fp, fq
	for _, tc := range []struct {
		name string
		x, y Genotype
		want float64
	}{
		{"AB/AB", gt(alA, alB), gt(alA, alB), (1 + p + q + 2*p*q) / (8 * p * q)},
		{"AA/AA", gt(alA, alA), gt(alA, alA), (1 + p) * (1 + p) / (4 * p * p)},
		{"AA/AB", gt(alA, alA), gt(alA, alB), (1 + p) / (4 * p)},
		{"AB/AA", gt(alA, alB), gt(alA, alA), (1 + p) / (4 * p)},
		{"AB/AC", gt(alA, alB), gt(alA, alC), (1 + 2*p) / (8 * p)},
		{"AB/CD: no shared allele", gt(alA, alB), gt(alC, alD), 0.25},
		{"AA/BB: no shared allele", gt(alA, alA), gt(alB, alB), 0.25},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := m.LocusPairLR(D3S1358, tc.x, tc.y, FullSiblings)
			require.NoError(t, err)
			assert.InDelta(t, tc.want, got, 1e-12)
			u := profileWith(D3S1358, tc.y)
			sib := AsRelative(profileWith(D3S1358, tc.x), "A", FullSibling)
			fam, err := m.FamilyLR(u, []*Profile{sib})
			require.NoError(t, err)
			assert.InDelta(t, tc.want, fam.LR, 1e-9, "pedigree sum over both untyped parents")
		})
	}
}

func TestHalfSiblingIndex(t *testing.T) {
	m := textbookModel(t)
	p := fp
	// κ = (½, ½, 0): LR = ½ + ½·(paternity index).
	for _, tc := range []struct {
		x, y Genotype
		want float64
	}{
		{gt(alA, alA), gt(alA, alA), 0.5 + 0.5/p},
		{gt(alA, alB), gt(alA, alC), 0.5 + 0.5/(4*p)},
		{gt(alA, alB), gt(alC, alD), 0.5},
	} {
		got, err := m.LocusPairLR(D3S1358, tc.x, tc.y, HalfSiblings)
		require.NoError(t, err)
		assert.InDelta(t, tc.want, got, 1e-12)
		fam, err := m.FamilyLR(profileWith(D3S1358, tc.y), []*Profile{AsRelative(profileWith(D3S1358, tc.x), "A", HalfSibling)})
		require.NoError(t, err)
		assert.InDelta(t, tc.want, fam.LR, 1e-9)
	}
}

func TestNRC410MatchProbabilities(t *testing.T) {
	p, q := fp, fq
	assert.InDelta(t, p*p, HomozygoteMatchProbability(p, 0), 1e-15)
	assert.InDelta(t, 2*p*q, HeterozygoteMatchProbability(p, q, 0), 1e-15)
	// θ > 0, values worked by hand from formula 4.10 (θ = 0.03, p = 0.1, q = 0.2):
	// hom: (0.06+0.097)(0.09+0.097)/(1.03·1.06) = 0.157·0.187/1.0918
	// het: 2(0.03+0.097)(0.03+0.194)/1.0918
	assert.InDelta(t, 0.157*0.187/1.0918, HomozygoteMatchProbability(p, 0.03), 1e-12)
	assert.InDelta(t, 2*0.127*0.224/1.0918, HeterozygoteMatchProbability(p, q, 0.03), 1e-12)
	// θ raises a match probability: the correction is conservative.
	assert.Greater(t, HomozygoteMatchProbability(p, 0.01), p*p)

	m := textbookModel(t)
	prob, per := m.MatchProbability(profileWith(D3S1358, gt(alA, alB)))
	assert.InDelta(t, 2*p*q, prob, 1e-15)
	require.Len(t, per, 1)
	m.Theta = 0.03
	prob, _ = m.MatchProbability(profileWith(D3S1358, gt(alA, alA)))
	assert.InDelta(t, HomozygoteMatchProbability(p, 0.03), prob, 1e-15)
}

func TestKinshipWithTheta(t *testing.T) {
	m := textbookModel(t)
	m.Theta = 0.02
	th, p := m.Theta, fp
	// Paternity index AA/AA with θ: (1+2θ)/(3θ+(1−θ)p) (Balding & Nichols 1995).
	got, err := m.LocusPairLR(D3S1358, gt(alA, alA), gt(alA, alA), ParentChild)
	require.NoError(t, err)
	assert.InDelta(t, (1+2*th)/(3*th+(1-th)*p), got, 1e-12)
	// Identity LR is the inverse of the NRC II 4.10 conditional match
	// probability (with ε = 0).
	m.IdentityError = 0
	got, err = m.LocusPairLR(D3S1358, gt(alA, alB), gt(alA, alB), Identity)
	require.NoError(t, err)
	assert.InDelta(t, 1/HeterozygoteMatchProbability(fp, fq, th), got, 1e-9)
	// θ shrinks the evidence of a rare shared allele.
	m0 := textbookModel(t)
	lr0, _ := m0.LocusPairLR(D3S1358, gt(alA, alB), gt(alA, alC), ParentChild)
	lrT, _ := m.LocusPairLR(D3S1358, gt(alA, alB), gt(alA, alC), ParentChild)
	assert.Less(t, lrT, lr0)
	// The pedigree engine with θ agrees with the pairwise formulas.
	for _, k := range []struct {
		kin Kinship
		rel Relationship
	}{{ParentChild, Father}, {FullSiblings, FullSibling}, {HalfSiblings, HalfSibling}} {
		for _, pair := range [][2]Genotype{{gt(alA, alB), gt(alA, alC)}, {gt(alA, alA), gt(alA, alB)}, {gt(alB, alC), gt(alB, alC)}} {
			want, err := m.LocusPairLR(D3S1358, pair[0], pair[1], k.kin)
			require.NoError(t, err)
			fam, err := m.FamilyLR(profileWith(D3S1358, pair[1]), []*Profile{AsRelative(profileWith(D3S1358, pair[0]), "A", k.rel)})
			require.NoError(t, err)
			assert.InDelta(t, want, fam.LR, 1e-9*want, "%s %v", k.kin, pair)
		}
	}
}

func TestMutationKeepsTrueParentAlive(t *testing.T) {
	m := textbookModel(t)
	m.Mutation = DefaultMutation
	// Child 15,16 and father 14,17: one repeat from 14 to 15 (or 17 to 16).
	lr, err := m.LocusPairLR(D3S1358, gt(alA, alD), gt(alB, alC), ParentChild)
	require.NoError(t, err)
	assert.Greater(t, lr, 0.0, "an inconsistency is a possible mutation, not a zero")
	assert.Less(t, lr, 0.05, "but strong evidence against")
	// A one-step inconsistency weighs more than a three-step one.
	far, err := m.LocusPairLR(D3S1358, gt(alA, alA), gt(alD, alD), ParentChild)
	require.NoError(t, err)
	near, err := m.LocusPairLR(D3S1358, gt(alA, alA), gt(alB, alB), ParentChild)
	require.NoError(t, err)
	assert.Greater(t, near, far)
	// Consistent pairs barely change: PI AA/AA ≈ (1−μ)/p.
	pi, _ := m.LocusPairLR(D3S1358, gt(alA, alA), gt(alA, alA), ParentChild)
	assert.InDelta(t, 1/fp, pi, 0.01/fp)
	// The pedigree engine applies the same model.
	fam, err := m.FamilyLR(profileWith(D3S1358, gt(alB, alC)), []*Profile{AsRelative(profileWith(D3S1358, gt(alA, alD)), "A", Father)})
	require.NoError(t, err)
	assert.InDelta(t, lr, fam.LR, 1e-9)
}

func TestFamilyLRIsNotAProductOfPairs(t *testing.T) {
	m := textbookModel(t)
	// Trio: father AA, mother BB, child AB. Exact: P(child|parents)/P(child) = 1/(2pq).
	u := profileWith(D3S1358, gt(alA, alB))
	f := AsRelative(profileWith(D3S1358, gt(alA, alA)), "A", Father)
	mo := AsRelative(profileWith(D3S1358, gt(alB, alB)), "A", Mother)
	fam, err := m.FamilyLR(u, []*Profile{f, mo})
	require.NoError(t, err)
	assert.InDelta(t, 1/(2*fp*fq), fam.LR, 1e-9)
	pf, _ := m.PairLR(f, u, ParentChild)
	pm, _ := m.PairLR(mo, u, ParentChild)
	assert.NotEqual(t, pf.LR*pm.LR, fam.LR, "1/(2p)·1/(2q) is half the exact value")
	assert.InDelta(t, 2*pf.LR*pm.LR, fam.LR, 1e-9)

	// A parent and two siblings: the untyped mother is summed over. With
	// siblings AC and AB she carries C and B, so child AB fits.
	s1 := AsRelative(profileWith(D3S1358, gt(alA, alC)), "A", FullSibling)
	s2 := AsRelative(profileWith(D3S1358, gt(alA, alB)), "A", FullSibling)
	fits, err := m.FamilyLR(u, []*Profile{f, s1, s2})
	require.NoError(t, err)
	assert.Greater(t, fits.LR, 1.0)
	// With siblings AC and AD she must be CD and cannot pass B: without
	// mutation the family excludes child AB.
	s3 := AsRelative(profileWith(D3S1358, gt(alA, alD)), "A", FullSibling)
	excl, err := m.FamilyLR(u, []*Profile{f, s1, s3})
	require.NoError(t, err)
	assert.Zero(t, excl.LR)

	// A "parent" takes the slot a stated father or mother leaves free.
	byParent, err := m.FamilyLR(u, []*Profile{AsRelative(profileWith(D3S1358, gt(alB, alB)), "A", Parent), f})
	require.NoError(t, err)
	assert.InDelta(t, fam.LR, byParent.LR, 1e-9)
	_, err = m.FamilyLR(u, []*Profile{f, mo, AsRelative(profileWith(D3S1358, gt(alA, alA)), "A", Parent)})
	assert.ErrorIs(t, err, ErrPedigree)
	_, err = m.FamilyLR(u, nil)
	assert.ErrorIs(t, err, ErrPedigree)
}

func TestIdentityLRToleratesOneTypingError(t *testing.T) {
	m := textbookModel(t)
	same, _ := m.LocusPairLR(D3S1358, gt(alA, alB), gt(alA, alB), Identity)
	assert.InDelta(t, (1-DefaultIdentityError)/(2*fp*fq)+DefaultIdentityError, same, 1e-12)
	diff, _ := m.LocusPairLR(D3S1358, gt(alA, alB), gt(alA, alC), Identity)
	assert.Equal(t, DefaultIdentityError, diff)
}

func TestWildcardLociAreNeutral(t *testing.T) {
	m := textbookModel(t)
	lr, err := m.LocusPairLR(D3S1358, gt(alA, Wildcard), gt(alA, alA), ParentChild)
	require.NoError(t, err)
	assert.Equal(t, 1.0, lr)
	res, err := m.PairLR(profileWith(D3S1358, gt(alA, Wildcard)), profileWith(D3S1358, gt(alA, alA)), ParentChild)
	require.NoError(t, err)
	assert.Empty(t, res.Loci)
	assert.Equal(t, 1.0, res.LR)
}

func TestUnseenAlleleGetsTheFloor(t *testing.T) {
	m := textbookModel(t)
	rare := Repeat(9.3)
	pi, err := m.LocusPairLR(D3S1358, gt(rare, rare), gt(rare, alA), ParentChild)
	require.NoError(t, err)
	assert.InDelta(t, 1/(2*0.01), pi, 1e-9, "unseen allele takes the minimum frequency")
	assert.False(t, math.IsInf(pi, 0))
}

func profileWith(l Locus, g Genotype) *Profile {
	p := &Profile{ID: "p", Subject: Subject{Role: Unidentified}}
	p.loci[l] = g
	return p
}
