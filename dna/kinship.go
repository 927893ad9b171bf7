package dna

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
)

// Kinship is a pairwise relationship class, with its IBD coefficients κ.
type Kinship uint8

const (
	// ParentChild: κ = (0, 1, 0). The first profile is the parent.
	ParentChild Kinship = iota + 1
	// FullSiblings: κ = (¼, ½, ¼).
	FullSiblings
	// HalfSiblings (also grandparent–grandchild, uncle–nephew): κ = (½, ½, 0).
	HalfSiblings
	// Identity: the same person, κ = (0, 0, 1), with a typing-error rate.
	Identity
)

var kinshipNames = map[Kinship]string{ParentChild: "parent-child", FullSiblings: "full-siblings", HalfSiblings: "half-siblings", Identity: "identity"}

func (k Kinship) String() string {
	if s, ok := kinshipNames[k]; ok {
		return s
	}
	return fmt.Sprintf("Kinship(%d)", uint8(k))
}

// MarshalText writes the kinship's name.
func (k Kinship) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// ParseKinship reads "parent-child", "full-siblings", "half-siblings" or
// "identity" (singular forms and "pc", "fs", "hs" too).
func ParseKinship(s string) (Kinship, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "parent-child", "pc", "parent", "child", "paternity":
		return ParentChild, nil
	case "full-siblings", "full-sibling", "fs", "siblings", "sibling":
		return FullSiblings, nil
	case "half-siblings", "half-sibling", "hs":
		return HalfSiblings, nil
	case "identity", "same", "own":
		return Identity, nil
	}
	return 0, fmt.Errorf("dna: unknown kinship %q (want parent-child, full-siblings, half-siblings or identity)", clip(s))
}

// Kappa returns the probabilities (κ0, κ1, κ2) that the pair shares 0, 1
// or 2 alleles identical by descent at a locus.
func (k Kinship) Kappa() [3]float64 {
	switch k {
	case ParentChild:
		return [3]float64{0, 1, 0}
	case FullSiblings:
		return [3]float64{0.25, 0.5, 0.25}
	case HalfSiblings:
		return [3]float64{0.5, 0.5, 0}
	case Identity:
		return [3]float64{0, 0, 1}
	}
	return [3]float64{1, 0, 0}
}

// LocusLR is a locus's likelihood ratio.
type LocusLR struct {
	Locus Locus   `json:"locus"`
	LR    float64 `json:"lr"`
}

// LRResult is a combined likelihood ratio with its per-locus factors. An
// exclusion (a locus with LR 0, possible without a mutation model) has
// Log10LR −∞, written as null in JSON.
type LRResult struct {
	LR      float64   `json:"lr"`
	Log10LR float64   `json:"log10_lr"`
	Loci    []LocusLR `json:"loci"`
}

// MarshalJSON writes an infinite log10 LR as null, which JSON can hold.
func (r LRResult) MarshalJSON() ([]byte, error) {
	type plain struct {
		LR      float64   `json:"lr"`
		Log10LR *float64  `json:"log10_lr"`
		Loci    []LocusLR `json:"loci"`
	}
	out := plain{LR: r.LR, Loci: r.Loci}
	if !math.IsInf(r.Log10LR, 0) && !math.IsNaN(r.Log10LR) {
		out.Log10LR = &r.Log10LR
	}
	return json.Marshal(out)
}

func (r *LRResult) add(l Locus, lr float64) {
	r.Loci = append(r.Loci, LocusLR{l, lr})
	r.Log10LR += math.Log10(lr)
	r.LR = math.Pow(10, r.Log10LR)
}

// PairLR is the likelihood ratio of "x and y are related by k" against
// "unrelated, from the same subpopulation", multiplied over the loci both
// profiles can use. For ParentChild x is the parent.
func (m *Model) PairLR(x, y *Profile, k Kinship) (LRResult, error) {
	res := LRResult{LR: 1}
	for _, l := range m.usableLoci(x, y) {
		lr, err := m.LocusPairLR(l, x.loci[l], y.loci[l], k)
		if err != nil {
			return LRResult{}, err
		}
		res.add(l, lr)
	}
	return res, nil
}

// LocusPairLR is one locus's likelihood ratio for kinship k between
// genotypes x and y (x the parent for ParentChild):
//
//	LR = κ0 + κ1·P(y | x, one allele IBD)/P(y | x) + κ2·P(y | x, both IBD)/P(y | x)
//
// where every non-IBD allele is drawn by the Balding–Nichols formula
// conditioned on the alleles already seen, and — for parent–child — the
// IBD allele passes one meiosis of the mutation model. With θ = 0 and no
// mutation it gives the textbook paternity and sibling indices. Identity
// is (1−ε)·[x = y]/P(y | x) + ε with the model's typing-error rate ε.
func (m *Model) LocusPairLR(l Locus, x, y Genotype, k Kinship) (float64, error) {
	if !l.Valid() || !x.Typed() || !y.Typed() || x.HasWildcard() || y.HasWildcard() {
		return 1, nil
	}
	xi, _, err := m.genotypeIndex(l, x)
	if err != nil {
		return 0, err
	}
	yi, lm, err := m.genotypeIndex(l, y)
	if err != nil {
		return 0, err
	}
	return lm.pairLR(k, xi, yi, m.Theta, m.IdentityError), nil
}

// pairLR works on alphabet indices; see LocusPairLR.
func (lm *locusModel) pairLR(k Kinship, x, y [2]int, theta, identityError float64) float64 {
	p := lm.p
	seenX := func(a int) int { return boolCount(x[0] == a) + boolCount(x[1] == a) }
	// P(y | x), y a founder of the same subpopulation.
	var den float64
	if y[0] == y[1] {
		a := y[0]
		den = cond(p[a], seenX(a), 2, theta) * cond(p[a], seenX(a)+1, 3, theta)
	} else {
		den = 2 * cond(p[y[0]], seenX(y[0]), 2, theta) * cond(p[y[1]], seenX(y[1]), 3, theta)
	}
	same := (x[0] == y[0] && x[1] == y[1]) || (x[0] == y[1] && x[1] == y[0])
	if k == Identity {
		lr := identityError
		if same {
			lr += (1 - identityError) / den
		}
		return lr
	}
	kappa := k.Kappa()
	lr := kappa[0]
	if kappa[1] > 0 {
		var trans [][]float64
		if k == ParentChild {
			trans = lm.mut
		}
		// other(t): probability that the non-IBD allele is t — drawn from
		// the subpopulation given x's alleles and, for a child, passed
		// through the other parent's meiosis.
		other := func(t int) float64 {
			if trans == nil {
				return cond(p[t], seenX(t), 2, theta)
			}
			s := 0.0
			for o := range p {
				if trans[o][t] != 0 {
					s += cond(p[o], seenX(o), 2, theta) * trans[o][t]
				}
			}
			return s
		}
		tr := func(from, to int) float64 {
			if trans == nil {
				return boolFloat(from == to)
			}
			return trans[from][to]
		}
		var num float64
		for _, xa := range x {
			if y[0] == y[1] {
				num += 0.5 * tr(xa, y[0]) * other(y[0])
			} else {
				num += 0.5 * (tr(xa, y[0])*other(y[1]) + tr(xa, y[1])*other(y[0]))
			}
		}
		lr += kappa[1] * num / den
	}
	if kappa[2] > 0 && same {
		lr += kappa[2] / den
	}
	return lr
}

func boolCount(b bool) int {
	if b {
		return 1
	}
	return 0
}

func boolFloat(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// ErrPedigree is wrapped by errors about a family that cannot be modelled.
var ErrPedigree = errors.New("pedigree")

// maxPedigreeStates bounds the founder genotype combinations summed per
// locus: an exact likelihood with θ couples all founders, so the cost is
// the product of their genotype counts.
const maxPedigreeStates = 4_000_000

// FamilyLR is the likelihood ratio that the unidentified profile u is the
// missing person whose relatives are given (each with its Relationship),
// against u being unrelated to them. It is computed exactly on the
// pedigree — a sum over the genotypes of every untyped founder (the
// missing person's parents when not typed, the other parent of
// half-siblings and of the missing person's children), with θ coupling
// all founders and the mutation model on every meiosis — not as a product
// of pairwise LRs, which would count shared founders' alleles twice.
//
// Conventions: a Parent fills the free parent slot (father first); a
// half-sibling shares the father unless maternal; all children of the
// missing person share one untyped other parent.
func (m *Model) FamilyLR(u *Profile, relatives []*Profile) (LRResult, error) {
	ped, err := newFamilyPedigree(relatives)
	if err != nil {
		return LRResult{}, err
	}
	res := LRResult{LR: 1}
	for l := Locus(1); l < numLoci; l++ {
		g := u.loci[l]
		if !m.Table.Has(l) || !g.Typed() || g.HasWildcard() {
			continue
		}
		if !typedAt(relatives, l) {
			continue
		}
		lr, err := ped.locusLR(m, l, g, relatives)
		if err != nil {
			return LRResult{}, err
		}
		res.add(l, lr)
	}
	return res, nil
}

// familyPedigree places the missing person (node 0) and relatives.
type familyPedigree struct {
	nodes []famNode
}

type famNode struct {
	father, mother int // -1: founder
	relative       int // index in the relatives slice, -1 for none (untyped), -2 for the missing person
}

const (
	nodeMissing = 0
	nodeFather  = 1
	nodeMother  = 2
	nodeSpouse  = 3 // the other parent of the missing person's children
	asUntyped   = -1
	asMissing   = -2
	noParent    = -1
)

func newFamilyPedigree(relatives []*Profile) (*familyPedigree, error) {
	if len(relatives) == 0 {
		return nil, fmt.Errorf("dna: %w: no relative", ErrPedigree)
	}
	fp := &familyPedigree{nodes: []famNode{
		nodeMissing: {nodeFather, nodeMother, asMissing},
		nodeFather:  {noParent, noParent, asUntyped},
		nodeMother:  {noParent, noParent, asUntyped},
		nodeSpouse:  {noParent, noParent, asUntyped},
	}}
	// Parents of a stated side first, so that a "parent" takes whichever
	// slot is left.
	order := make([]int, 0, len(relatives))
	for _, pass := range []func(Relationship) bool{
		func(r Relationship) bool { return r == Father || r == Mother },
		func(r Relationship) bool { return r != Father && r != Mother },
	} {
		for i, r := range relatives {
			if pass(r.Subject.Relationship) {
				order = append(order, i)
			}
		}
	}
	for _, i := range order {
		r := relatives[i]
		if r.Subject.Role != RelativeOf {
			return nil, fmt.Errorf("dna: %w: profile %q is not a relative's (role %s)", ErrPedigree, clip(r.ID), r.Subject.Role)
		}
		switch rel := r.Subject.Relationship; rel {
		case Father, Mother, Parent:
			slot := nodeFather
			if rel == Mother || (rel == Parent && fp.nodes[nodeFather].relative != asUntyped) {
				slot = nodeMother
			}
			if fp.nodes[slot].relative != asUntyped {
				return nil, fmt.Errorf("dna: %w: more than two parents, or two of the same side", ErrPedigree)
			}
			fp.nodes[slot].relative = i
		case FullSibling:
			fp.nodes = append(fp.nodes, famNode{nodeFather, nodeMother, i})
		case HalfSibling, PaternalHalfSibling, MaternalHalfSibling:
			other := len(fp.nodes)
			fp.nodes = append(fp.nodes, famNode{noParent, noParent, asUntyped})
			if rel == MaternalHalfSibling {
				fp.nodes = append(fp.nodes, famNode{other, nodeMother, i})
			} else {
				fp.nodes = append(fp.nodes, famNode{nodeFather, other, i})
			}
		case Child:
			fp.nodes = append(fp.nodes, famNode{nodeMissing, nodeSpouse, i})
		default:
			return nil, fmt.Errorf("dna: %w: relative %q has no relationship", ErrPedigree, clip(r.ID))
		}
	}
	return fp, nil
}

func typedAt(relatives []*Profile, l Locus) bool {
	for _, r := range relatives {
		if g := r.loci[l]; g.Typed() && !g.HasWildcard() {
			return true
		}
	}
	return false
}

// pedNode is a node of a per-locus pedigree on a lumped alphabet.
type pedNode struct {
	father, mother int
	typed          bool
	g              [2]int
}

// locusLR builds the two hypotheses at one locus and divides.
func (fp *familyPedigree) locusLR(m *Model, l Locus, u Genotype, relatives []*Profile) (float64, error) {
	// Alphabet indices of every typed genotype.
	full := make([][2]int, len(fp.nodes))
	typed := make([]bool, len(fp.nodes))
	var lm *locusModel
	for i, n := range fp.nodes {
		var g Genotype
		switch {
		case n.relative == asMissing:
			g = u
		case n.relative >= 0:
			g = relatives[n.relative].loci[l]
		}
		if !g.Typed() || g.HasWildcard() {
			continue
		}
		idx, lmNow, err := m.genotypeIndex(l, g)
		if err != nil {
			return 0, err
		}
		full[i], typed[i], lm = idx, true, lmNow
	}
	lumps := newLumping(lm, full, typed)
	hp := fp.locusPedigree(lumps, full, typed, false)
	hd := fp.locusPedigree(lumps, full, typed, true)
	lp, err := hp.likelihood(lumps, m.Theta)
	if err != nil {
		return 0, fmt.Errorf("dna: locus %s: %w", l, err)
	}
	ld, err := hd.likelihood(lumps, m.Theta)
	if err != nil {
		return 0, fmt.Errorf("dna: locus %s: %w", l, err)
	}
	if ld <= 0 {
		return 0, fmt.Errorf("dna: locus %s: %w: the relatives' genotypes are impossible together", l, ErrPedigree)
	}
	return lp / ld, nil
}

// locusPedigree builds the node list for one hypothesis: under Hd the
// missing person is an unrelated founder and an untyped stand-in takes
// their place as parent of their children. Untyped leaves are pruned
// (summing over them gives 1).
func (fp *familyPedigree) locusPedigree(lumps *lumping, full [][2]int, typed []bool, unrelated bool) pedigree {
	n := len(fp.nodes)
	nodes := make([]pedNode, n, n+1)
	for i, fn := range fp.nodes {
		nodes[i] = pedNode{father: fn.father, mother: fn.mother, typed: typed[i]}
		if typed[i] {
			nodes[i].g = [2]int{lumps.of(full[i][0]), lumps.of(full[i][1])}
		}
	}
	if unrelated {
		standIn := len(nodes)
		nodes = append(nodes, pedNode{father: noParent, mother: noParent})
		for i := range nodes {
			if nodes[i].father == nodeMissing {
				nodes[i].father = standIn
			}
		}
		nodes[nodeMissing].father, nodes[nodeMissing].mother = noParent, noParent
	}
	return prune(nodes)
}

type pedigree []pedNode

// prune removes untyped nodes without children until none is left; the
// missing person is typed whenever a locus is computed.
func prune(nodes []pedNode) pedigree {
	alive := make([]bool, len(nodes))
	for i := range alive {
		alive[i] = true
	}
	for changed := true; changed; {
		changed = false
		hasChild := make([]bool, len(nodes))
		for i, n := range nodes {
			if alive[i] && n.father >= 0 {
				hasChild[n.father], hasChild[n.mother] = true, true
			}
		}
		for i, n := range nodes {
			if alive[i] && !n.typed && !hasChild[i] {
				alive[i], changed = false, true
			}
		}
	}
	remap := make([]int, len(nodes))
	var out pedigree
	for i, n := range nodes {
		if alive[i] {
			remap[i] = len(out)
			out = append(out, n)
		}
	}
	for i := range out {
		if out[i].father >= 0 {
			out[i].father, out[i].mother = remap[out[i].father], remap[out[i].mother]
		}
	}
	return out
}

// lumping reduces a locus's alphabet to the alleles typed in the pedigree
// plus one "other" allele holding the rest of the frequency; exact without
// mutation, and with mutation the other allele's transmissions are the
// frequency-weighted average of its members'.
type lumping struct {
	fullToLump map[int]int
	p          []float64
	mut        [][]float64
}

func (lu *lumping) of(full int) int { return lu.fullToLump[full] }

func newLumping(lm *locusModel, full [][2]int, typed []bool) *lumping {
	lu := &lumping{fullToLump: map[int]int{}}
	var members []int
	for i := range full {
		if !typed[i] {
			continue
		}
		for _, a := range full[i] {
			if _, ok := lu.fullToLump[a]; !ok {
				lu.fullToLump[a] = len(members)
				members = append(members, a)
			}
		}
	}
	k := len(members)
	sumObs := 0.0
	for _, a := range members {
		lu.p = append(lu.p, lm.p[a])
		sumObs += lm.p[a]
	}
	pOther := 1 - sumObs
	hasOther := pOther > 1e-12 && len(lm.p) > k
	size := k
	if hasOther {
		size++
		lu.p = append(lu.p, pOther)
	}
	lu.mut = make([][]float64, size)
	for i := range lu.mut {
		lu.mut[i] = make([]float64, size)
	}
	for i, a := range members {
		rest := 1.0
		for j, b := range members {
			lu.mut[i][j] = lm.mut[a][b]
			rest -= lm.mut[a][b]
		}
		if hasOther {
			lu.mut[i][k] = math.Max(rest, 0)
		}
	}
	if hasOther {
		// Average over the lumped alleles, weighted by frequency.
		wsum := 0.0
		for a := range lm.p {
			if _, in := lu.fullToLump[a]; in {
				continue
			}
			wsum += lm.p[a]
			for j, b := range members {
				lu.mut[k][j] += lm.p[a] * lm.mut[a][b]
			}
		}
		rest := 1.0
		for j := range members {
			if wsum > 0 {
				lu.mut[k][j] /= wsum
			}
			rest -= lu.mut[k][j]
		}
		lu.mut[k][k] = math.Max(rest, 0)
	}
	return lu
}

// likelihood sums, over every genotype of every untyped founder, the
// joint Balding–Nichols probability of all founders' alleles times the
// transmission probabilities of every typed non-founder.
//
// Untyped founders with a single child ("mates": a half-sibling's other
// parent, the partner of the missing person, a parent known only through
// the missing person) pass on one allele only and are not enumerated.
// Balding–Nichols alleles are those of a Dirichlet–multinomial urn, so,
// given the other founders' alleles (counts c over n alleles), the mates'
// transmitted alleles t₁…t_r contribute exactly
//
//	Σ over set partitions P of the mates  Π_{B∈P} (|B|−1)! · Σ_v a_v Π_{i∈B} f_i(v)  /  A(A+1)…(A+r−1)
//
// with a_v = (1−θ)/θ·p_v + c_v, A = (1−θ)/θ + n and f_i(v) the probability
// of mate i's child's genotype when the mate passes v — the moment formula
// of the Dirichlet distribution, which a sum over sets by their lowest
// element evaluates in O(3^r). Without θ it is Π_i Σ_v p_v f_i(v). Only the
// other untyped founders are enumerated, genotype by genotype.
func (ped pedigree) likelihood(lu *lumping, theta float64) (float64, error) {
	children := make([]int, len(ped))
	for _, n := range ped {
		if n.father >= 0 {
			children[n.father]++
			children[n.mother]++
		}
	}
	size := len(lu.p)
	var genos [][2]int
	for a := 0; a < size; a++ {
		for b := a; b < size; b++ {
			genos = append(genos, [2]int{a, b})
		}
	}
	// Mates first: an untyped founder with one child whose other parent is
	// not a mate already (a child of two mates needs one enumerated).
	isMate := make([]bool, len(ped))
	mateOf := make([]int, len(ped)) // child → its mate parent, or -1
	for i := range mateOf {
		mateOf[i] = -1
	}
	var mates []int // the children of the mates, in mate order
	for c, n := range ped {
		if n.father < 0 {
			continue
		}
		if !n.typed {
			return 0, fmt.Errorf("%w: untyped person with typed descendants and parents (not supported)", ErrPedigree)
		}
		for _, par := range [2]int{n.father, n.mother} {
			if !ped[par].typed && ped[par].father < 0 && children[par] == 1 && mateOf[c] < 0 {
				isMate[par], mateOf[c] = true, par
				mates = append(mates, c)
			}
		}
	}
	if len(mates) > maxMates {
		return 0, fmt.Errorf("%w: more than %d untyped founders with a single child", ErrPedigree, maxMates)
	}
	var enumerated []int
	states := 1
	for i, n := range ped {
		if n.father < 0 && !n.typed && !isMate[i] {
			enumerated = append(enumerated, i)
			if states *= len(genos); states > maxPedigreeStates {
				return 0, fmt.Errorf("%w: too many untyped founders for an exact sum", ErrPedigree)
			}
		}
	}
	g := make([][2]int, len(ped))
	for i, n := range ped {
		g[i] = n.g
	}
	counts := make([]int, size)
	ms := newMateSum(len(mates), size)
	total := 0.0
	for s := 0; s < states; s++ {
		rest := s
		for _, node := range enumerated {
			g[node] = genos[rest%len(genos)]
			rest /= len(genos)
		}
		pr, seen := ped.founderProbability(g, isMate, lu.p, counts, theta)
		for i, n := range ped {
			if n.father < 0 || mateOf[i] >= 0 || pr == 0 {
				continue
			}
			pr *= transmit(lu.mut, g[n.father], g[n.mother], g[i])
		}
		if pr == 0 {
			continue
		}
		for j, c := range mates {
			n := ped[c]
			for v := 0; v < size; v++ {
				g[mateOf[c]] = [2]int{v, v} // passes v (through the mutation matrix)
				ms.f[j][v] = transmit(lu.mut, g[n.father], g[n.mother], g[c])
			}
		}
		total += pr * ms.sum(lu.p, counts, seen, theta)
	}
	return total, nil
}

// founderProbability is the joint probability of the founders' genotypes
// g (those not skipped) by the sampling formula; counts (zeroed here)
// receives their allele counts, seen their number.
func (ped pedigree) founderProbability(g [][2]int, skip []bool, p []float64, counts []int, theta float64) (pr float64, seen int) {
	clear(counts)
	pr = 1
	for i, n := range ped {
		if n.father >= 0 || (skip != nil && skip[i]) {
			continue
		}
		for _, a := range g[i] {
			pr *= cond(p[a], counts[a], seen, theta)
			counts[a]++
			seen++
		}
		if g[i][0] != g[i][1] {
			pr *= 2
		}
	}
	return pr, seen
}

// maxMates bounds the single-child founders summed in closed form (the
// partition sum costs 3^r per state).
const maxMates = 10

// mateSum evaluates the mates' closed-form sum; buffers are reused across
// states.
type mateSum struct {
	f    [][]float64 // f[i][v]: mate i passes v
	g    []float64   // g[B] = Σ_v a_v Π_{i∈B} f_i(v), per subset B
	prod []float64   // Π_{i∈B} f_i(v) for the current v
	part []float64   // partition sums per subset
}

func newMateSum(r, size int) *mateSum {
	ms := &mateSum{f: make([][]float64, r), g: make([]float64, 1<<r), prod: make([]float64, 1<<r), part: make([]float64, 1<<r)}
	for i := range ms.f {
		ms.f[i] = make([]float64, size)
	}
	return ms
}

func (ms *mateSum) sum(p []float64, counts []int, seen int, theta float64) float64 {
	r := len(ms.f)
	if r == 0 {
		return 1
	}
	if theta == 0 {
		out := 1.0
		for _, f := range ms.f {
			s := 0.0
			for v, pv := range p {
				s += pv * f[v]
			}
			out *= s
		}
		return out
	}
	base := (1 - theta) / theta
	clear(ms.g)
	ms.prod[0] = 1
	for v, pv := range p {
		a := base*pv + float64(counts[v])
		for sub := 1; sub < 1<<r; sub++ {
			low := sub & -sub
			ms.prod[sub] = ms.prod[sub^low] * ms.f[bitIndex(low)][v]
			ms.g[sub] += a * ms.prod[sub]
		}
	}
	// part[S] = Σ over partitions of S of Π_B (|B|−1)!·g[B], by the block
	// holding S's lowest member.
	ms.part[0] = 1
	for set := 1; set < 1<<r; set++ {
		low := set & -set
		rest := set ^ low
		s := 0.0
		for sub := rest; ; sub = (sub - 1) & rest {
			block := sub | low
			s += factorial(bitCount(block)-1) * ms.g[block] * ms.part[set^block]
			if sub == 0 {
				break
			}
		}
		ms.part[set] = s
	}
	rising := 1.0
	A := base + float64(seen)
	for i := 0; i < r; i++ {
		rising *= A + float64(i)
	}
	return ms.part[1<<r-1] / rising
}

func bitIndex(x int) int {
	i := 0
	for x > 1 {
		x >>= 1
		i++
	}
	return i
}

func bitCount(x int) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

func factorial(n int) float64 {
	f := 1.0
	for i := 2; i <= n; i++ {
		f *= float64(i)
	}
	return f
}

// transmit is P(child genotype | parents' genotypes): each parent passes
// one of its alleles with probability ½, through the mutation matrix.
func transmit(mut [][]float64, f, mo, c [2]int) float64 {
	tf := func(a int) float64 { return 0.5 * (mut[f[0]][a] + mut[f[1]][a]) }
	tm := func(a int) float64 { return 0.5 * (mut[mo[0]][a] + mut[mo[1]][a]) }
	if c[0] == c[1] {
		return tf(c[0]) * tm(c[0])
	}
	return tf(c[0])*tm(c[1]) + tf(c[1])*tm(c[0])
}

// UnmarshalText reads what ParseKinship reads.
func (k *Kinship) UnmarshalText(b []byte) error {
	v, err := ParseKinship(string(b))
	if err == nil {
		*k = v
	}
	return err
}
