package match

import (
	"math"
	"math/bits"
	"slices"
)

// Comparison parameters. All are in 500 ppi pixel units and angles, fixed
// for every database (the issue forbids per-database tuning).
const (
	// maxDirDiff is MCC's δθ: two minutiae whose directions differ by more
	// than a quarter turn are never paired, which is also the largest
	// rotation between impressions that the matcher accepts.
	maxDirDiff uint16 = 1 << 14

	// topPerRow is how many candidate minutiae each probe minutia keeps
	// as possible mates: the best few by cylinder similarity. A true mate
	// is nearly always among them, and the bound keeps the pair list and
	// the probe's scratch memory proportional to the probe alone.
	topPerRow = 3
	// hypotheses is how many of the best local pairs are tried as the
	// reference of a rigid alignment in the global consolidation.
	hypotheses = 12
	// refits is how many of the best alignments are refitted.
	refits = 2
	// screenPairs is how many of the best pairs score a hypothesis before
	// the best refits hypotheses are scored on all pairs.
	screenPairs = 32

	// A pair is consistent with an alignment when the transformed probe
	// minutia lands within √(tolBase² + (tolSlope·r)²) pixels of the
	// candidate minutia, r being its distance from the alignment's
	// centre (skin distortion grows away from it), and their directions
	// agree within tolDir.
	tolBase  float32 = 8
	tolSlope float32 = 0.05
	tolDir   int16   = 65536 / 18 // 20°
)

// minMatchCells is minMatchFraction of the in-circle cells of one layer
// (the validity mask is the same for every direction layer).
var minMatchCells = int(math.Round(minMatchFraction * float64(inCircle)))

// Matcher is the probe-side state: the probe's prepared template and
// scratch space sized for it, so that Compare never allocates. A Matcher
// is not safe for concurrent use; Clone gives each goroutine its own.
type Matcher struct {
	t       Template
	pairs   []uint64 // pair keys: similarity<<32 | probe index<<16 | candidate index
	stampA  []uint32 // probe minutiae taken in the current alignment
	stampB  []uint32 // candidate minutiae taken in the current alignment
	matched []uint64 // pairs accepted by the alignment being refitted
	tmp     []uint64 // radix sort scratch, as long as pairs
	// The sorted pairs' geometry, in pair order, for align: probe and
	// candidate positions and the direction difference, so that its
	// consistency test (consistentPairs) reads contiguous memory;
	// consistent receives the indices of the pairs that pass it.
	geo        pairGeometry
	consistent []uint16
	counts     [2][256]uint16
	// turn is added to a probe minutia's direction before local matching
	// looks for candidates within maxDirDiff of it: 0 but in
	// ComparePartialAnyTurn.
	turn uint16
	row  rowArgs  // the probe cylinder being scanned, laid out for the kernels
	keys []uint64 // kernel output: per candidate of a run, its pair key (0: too few common cells)
	// dirIdx[b] is the first candidate minutia whose direction is at
	// least b<<dirShift: dirSearch's starting point.
	dirIdx [1 << (16 - dirShift)]uint16
	gen    uint32
	// screenRows is the probe laid out for the screening kernel, and
	// screenOut the kernel's output.
	screenRows []uint64
	screenOut  [ScreenSlots]uint64
}

// NewMatcher prepares the probe.
func NewMatcher(pts []Point) *Matcher {
	m := &Matcher{}
	Build(&m.t, pts)
	m.alloc()
	return m
}

// NewMatcherFrom wraps an already prepared template (copied).
func NewMatcherFrom(t *Template) *Matcher {
	m := &Matcher{t: t.Clone()}
	m.alloc()
	return m
}

func (m *Matcher) alloc() {
	n := m.t.Len()
	m.pairs = make([]uint64, 0, n*topPerRow)
	m.stampA = make([]uint32, n)
	m.matched = make([]uint64, 0, n)
	m.tmp = make([]uint64, n*topPerRow)
	m.geo = newPairGeometry(n * topPerRow)
	m.consistent = make([]uint16, n*topPerRow)
	m.screenRows = screenRows(nil, &m.t)
	m.stampB = make([]uint32, MaxPoints)
	m.keys = make([]uint64, MaxPoints)
}

// Clone returns an independent Matcher for the same probe.
func (m *Matcher) Clone() *Matcher { return NewMatcherFrom(&m.t) }

// Template is the probe's prepared template.
func (m *Matcher) Template() *Template { return &m.t }

// Clone returns a deep copy.
func (t *Template) Clone() Template {
	return Template{
		X: slices.Clone(t.X), Y: slices.Clone(t.Y), Dir: slices.Clone(t.Dir),
		Cyl: slices.Clone(t.Cyl), Mask: slices.Clone(t.Mask), Screen: slices.Clone(t.Screen),
	}
}

// Result is the detail of one comparison.
type Result struct {
	Pairs    int     // candidate pairs found by local matching
	Local    float64 // LSS: mean of the best nP cylinder similarities
	Matched  int     // pairs consistent with the best alignment
	Evidence float64 // sum of the similarities of the matched pairs
	Score    float64 // Compare's score
	// OverlapA and OverlapB are the minutiae of the probe and of the
	// candidate that fall inside the other's bounding box under the best
	// alignment: the minutiae that could have been paired.
	OverlapA, OverlapB int
	// PartialScore is ComparePartial's score with the probe as the
	// partial side, PartialScoreB with the candidate as the partial side.
	PartialScore, PartialScoreB float64
}

// Partial says which side of a comparison is a partial print (a latent):
// [Matcher.ComparePartial] normalises by that side's size and by the
// other side's minutiae inside its area only.
type Partial uint8

const (
	// ProbePartial: the probe is the latent, the candidate a whole print.
	ProbePartial Partial = iota
	// CandidatePartial: the candidate is the latent (a ten-print searched
	// against stored latents).
	CandidatePartial
)

// partialFloor is the fewest minutiae of the whole print that
// partialScore assumes inside the latent's area, so that a latent aligned
// onto the edge of a print, where almost nothing could pair, does not
// score high on the few that do.
const partialFloor = 20

// Compare compares the probe with candidate c and returns the score: the
// evidence (sum of the cylinder similarities of the pairs that one
// alignment explains) divided by the fourth root of the product of the
// template sizes. Chance pairings grow with both sizes; of the
// normalisations measured (none, by the smaller, the larger, or the
// geometric mean of the sizes) this one was the most even across FVC2000
// and FCJ2020 (docs/matching.md).
func (m *Matcher) Compare(c *Template) float64 {
	return m.detail(c, false, false).Score
}

// score is Compare's normalisation of the evidence.
func score(evidence float64, na, nb int) float64 {
	if evidence <= 0 || na <= 0 || nb <= 0 {
		return 0
	}
	return evidence / math.Sqrt(math.Sqrt(float64(na)*float64(nb)))
}

// ComparePartial compares the probe with c when one of them is a partial
// print, a latent, and the other a whole one (plain, rolled or palm). The
// evidence is that of Compare, but it is divided by the fourth root of
// the latent's size times the number of the whole print's minutiae that
// the best alignment maps inside the latent's bounding box (at least
// partialFloor): the rest of a rolled print lies outside the latent and
// could never pair, so Compare's normalisation by its whole size would
// rank a rolled mate below small unrelated prints. The scores are on
// their own scale and need their own calibration.
func (m *Matcher) ComparePartial(c *Template, partial Partial) float64 {
	r := m.detail(c, false, true)
	if partial == CandidatePartial {
		return r.PartialScoreB
	}
	return r.PartialScore
}

// Turns is how many rotations ComparePartialAnyTurn tries, a quarter turn
// apart: each accepts up to a quarter turn either side, so every rotation
// is within an eighth of a turn of one of them.
const Turns = 4

// ComparePartialAnyTurn is ComparePartial for a latent whose rotation
// against the whole print is unknown, not only within the quarter turn
// either side that Compare accepts: the best of ComparePartial with the
// probe's directions turned by 0, ¼, ½ and ¾ of a turn before local
// matching (the alignment then follows the pairs, so the rotation found
// is the true one). It costs Turns comparisons, and a score has Turns
// chances to be high by chance.
func (m *Matcher) ComparePartialAnyTurn(c *Template, partial Partial) float64 {
	best := 0.0
	for k := range Turns {
		m.turn = uint16(k * (1 << 16) / Turns)
		best = max(best, m.ComparePartial(c, partial))
	}
	m.turn = 0
	return best
}

// partialScore is ComparePartial's normalisation of the evidence: n is
// the latent's size, overlap the other side's minutiae inside it.
func partialScore(evidence float64, n, overlap int) float64 {
	if evidence <= 0 || n <= 0 {
		return 0
	}
	return evidence / math.Sqrt(math.Sqrt(float64(n)*float64(max(overlap, partialFloor))))
}

// Detail compares the probe with c and returns the comparison's parts.
func (m *Matcher) Detail(c *Template) Result { return m.detail(c, true, true) }

// detail is the comparison; full adds the parts the score does not need
// (Local), partial the overlap and partial scores.
func (m *Matcher) detail(c *Template, full, partial bool) Result {
	var r Result
	a := &m.t
	nA, nB := a.Len(), c.Len()
	// A candidate whose slices disagree (a corrupt gallery record) has no
	// evidence rather than a panic.
	if nA == 0 || nB == 0 || nB > MaxPoints || len(c.Y) != nB || len(c.Dir) != nB || len(c.Mask) != nB || len(c.Cyl) != nB*Words {
		return r
	}
	m.indexDirs(c.Dir)
	pairs := m.localPairs(c)
	r.Pairs = len(pairs)
	if len(pairs) == 0 {
		return r
	}
	// Descending key order is descending similarity.
	m.sortPairs(pairs)
	m.pairs = pairs
	m.geo.fill(a, c, pairs)

	if full {
		np := lssCount(min(nA, nB))
		sum := 0.0
		for _, k := range pairs[:min(np, len(pairs))] {
			sum += keySim(k)
		}
		r.Local = sum / float64(np)
	}

	var al alignment
	r.Matched, r.Evidence, al = m.consolidate(c, pairs)
	if r.Matched >= 3 {
		m.align(len(pairs), &al, false) // stamps of the best alignment
		n, s := m.complete(c, &al)
		r.Matched += n
		r.Evidence += s
	}
	r.Score = score(r.Evidence, nA, nB)
	if partial && r.Matched > 0 {
		r.OverlapA, r.OverlapB = m.overlap(c, &al)
		r.PartialScore = partialScore(r.Evidence, nA, r.OverlapB)
		r.PartialScoreB = partialScore(r.Evidence, nB, r.OverlapA)
	}
	return r
}

func keySim(k uint64) float64 { return float64(k>>32) / 65535 }

// lssCount is MCC's nP: how many of the best pairs the local similarity
// sort averages, 4 to 12 growing with the smaller template's size.
func lssCount(n int) int {
	const minNP, maxNP, mu, tau = 4, 12, 20.0, 0.4
	z := 1 / (1 + math.Exp(-tau*(float64(n)-mu)))
	return minNP + int(math.Round(z*(maxNP-minNP)))
}

// localPairs computes the cylinder similarity of every pair of minutiae
// whose directions differ by at most maxDirDiff and keeps, for each probe
// minutia, the topPerRow best candidates. Templates are sorted by
// direction, so the compatible candidates of a probe minutia are one or two
// contiguous runs: no unpredictable branch per pair.
func (m *Matcher) localPairs(c *Template) []uint64 {
	a := &m.t
	pairs := m.pairs[:0]
	nB := c.Len()
	// Rows in descending order, for sortPairs.
	for i := a.Len() - 1; i >= 0; i-- {
		ma := a.Mask[i]
		if ma == 0 {
			continue
		}
		m.row.set(a.cylinder(i), ma)
		lo, hi := a.Dir[i]+m.turn-maxDirDiff, a.Dir[i]+m.turn+maxDirDiff
		from, to := m.dirSearch(c.Dir, lo), m.dirSearch(c.Dir, hi+1)
		if hi == 0xffff {
			to = nB
		}
		var best [topPerRow]uint64
		if lo <= hi {
			best = m.scanRow(c, from, to, best, i)
		} else { // the range wraps past a full turn
			best = m.scanRow(c, from, nB, best, i)
			best = m.scanRow(c, 0, to, best, i)
		}
		for _, k := range best {
			if k>>32 != 0 {
				pairs = append(pairs, k)
			}
		}
	}
	return pairs
}

// sortPairs sorts the keys of localPairs in descending order. They come
// by descending probe index and, within a probe minutia, in descending
// order, so a stable sort by descending similarity (the key's bits 32–47)
// orders them by descending key: a two-pass radix sort, whose cost does
// not depend on unpredictable comparisons.
func (m *Matcher) sortPairs(keys []uint64) {
	tmp := m.tmp[:len(keys)]
	c := &m.counts
	clear(c[:])
	for _, k := range keys {
		c[0][^(k>>32)&0xff]++
		c[1][^(k>>40)&0xff]++
	}
	var s0, s1 uint16
	for b := range 256 {
		s0, c[0][b] = s0+c[0][b], s0
		s1, c[1][b] = s1+c[1][b], s1
	}
	for _, k := range keys {
		b := ^(k >> 32) & 0xff
		tmp[c[0][b]] = k
		c[0][b]++
	}
	for _, k := range tmp {
		b := ^(k >> 40) & 0xff
		keys[c[1][b]] = k
		c[1][b]++
	}
}

// dirShift sets the buckets of Matcher.dirIdx: 64 of 1/64 turn.
const dirShift = 10

// indexDirs fills m.dirIdx for the candidate's sorted directions: the
// number of directions in the buckets below each, from a histogram (a
// search per bucket mispredicted its loop exits).
func (m *Matcher) indexDirs(dirs []uint16) {
	var h [len(m.dirIdx)]uint16
	for _, d := range dirs {
		h[d>>dirShift]++
	}
	var below uint16
	for b, n := range h {
		m.dirIdx[b] = below
		below += n
	}
}

// dirSearch is the first index whose direction is at least d, dirs being
// the candidate's directions that m.dirIdx indexes.
func (m *Matcher) dirSearch(dirs []uint16, d uint16) int {
	j := int(m.dirIdx[d>>dirShift])
	for j < len(dirs) && dirs[j] < d {
		j++
	}
	return j
}

// scanRow's insertion is written for exactly three best pairs.
var (
	_ [topPerRow - 3]struct{}
	_ [3 - topPerRow]struct{}
)

// scanRow compares the probe cylinder in m.row (minutia i) with candidates
// [from, to) of c and merges them into best, the topPerRow best pair keys
// (similarity<<32 | i<<16 | j) in descending order. The vector kernel
// (scanCells) computes the keys, similarity included; the top-3 selection
// stays scalar.
func (m *Matcher) scanRow(c *Template, from, to int, best [topPerRow]uint64, i int) [topPerRow]uint64 {
	if from >= to {
		return best
	}
	keys := m.keys[:to-from]
	scanCells(&m.row, c.Cyl[from:], c.Len(), c.Mask[from:to], uint64(i)<<16|uint64(from), keys)
	// Every candidate goes through the insertion, with min and max (CMOV)
	// only: rows are short (about twenty direction-compatible candidates),
	// so a test that skipped the losers mispredicted on a large part of
	// them and cost more than the insertion it saved. A candidate with too
	// few common cells has key 0 and one with similarity 0 has key < 1<<32:
	// either can only fill a place that no candidate of similarity > 0
	// wants, and localPairs drops the keys of similarity 0, so the pairs
	// are those of the best keys of similarity > 0 alone.
	b0, b1, b2 := best[0], best[1], best[2]
	for _, key := range keys {
		b2 = max(b2, min(b1, key))
		b1 = max(b1, min(b0, key))
		b0 = max(b0, key)
	}
	best = [topPerRow]uint64{b0, b1, b2}
	return best
}

// alignment is a rigid transformation from probe to candidate: a probe
// point p maps to b + R(rot)(p - a).
type alignment struct {
	ax, ay, bx, by, cos, sin float32
	rot                      uint16
}

func newAlignment(ax, ay, bx, by float32, rot uint16) alignment {
	sin, cos := math.Sincos(rad(rot))
	return alignment{ax, ay, bx, by, float32(cos), float32(sin), rot}
}

// consolidate tries the best pairs as references of a rigid alignment,
// refits the best alignments on the pairs they gather (one minutia's
// direction is too noisy a rotation estimate far from it), and returns for
// the best the number of one-to-one pairs consistent with it and the sum of
// their similarities.
func (m *Matcher) consolidate(c *Template, pairs []uint64) (int, float64, alignment) {
	a := &m.t
	// Each hypothesis is first scored on the best screenPairs pairs only;
	// the best few are then scored on all pairs and refitted.
	screen := min(len(pairs), screenPairs)
	var top [refits]alignment
	var topS [refits]float64
	for h := 0; h < hypotheses && h < len(pairs); h++ {
		ri, rj := int(pairs[h]>>16&0xffff), int(pairs[h]&0xffff)
		al := newAlignment(a.X[ri], a.Y[ri], c.X[rj], c.Y[rj], c.Dir[rj]-a.Dir[ri])
		_, s := m.align(screen, &al, false)
		for p := range refits {
			if s > topS[p] {
				copy(top[p+1:], top[p:refits-1])
				copy(topS[p+1:], topS[p:refits-1])
				top[p], topS[p] = al, s
				break
			}
		}
	}
	bestN, bestS := 0, 0.0
	var best alignment
	for p := range refits {
		if topS[p] == 0 {
			break
		}
		n, s := m.align(len(pairs), &top[p], true)
		if s > bestS {
			bestN, bestS, best = n, s, top[p]
		}
		al, ok := m.refit(c)
		if !ok {
			continue
		}
		n, s = m.align(len(pairs), &al, false)
		if s > bestS {
			bestN, bestS, best = n, s, al
		}
	}
	return bestN, bestS, best
}

// pairGeometry is the geometry of the sorted pairs, structure of arrays.
type pairGeometry struct {
	ax, ay, bx, by []float32
	dd             []uint16 // candidate direction − probe direction
}

func newPairGeometry(n int) pairGeometry {
	return pairGeometry{
		ax: make([]float32, n), ay: make([]float32, n),
		bx: make([]float32, n), by: make([]float32, n),
		dd: make([]uint16, n),
	}
}

func (g *pairGeometry) fill(a, c *Template, pairs []uint64) {
	for p, k := range pairs {
		i, j := int(k>>16&0xffff), int(k&0xffff)
		g.ax[p], g.ay[p], g.bx[p], g.by[p] = a.X[i], a.Y[i], c.X[j], c.Y[j]
		g.dd[p] = c.Dir[j] - a.Dir[i]
	}
}

// align greedily pairs, in descending similarity, the first n sorted pairs
// that are consistent with al, one to one. With record it keeps the
// accepted pairs in m.matched for refit.
//
// The consistency test runs first over all n pairs (consistentPairs, a
// vector kernel where the CPU has one), reading them in order from m.geo,
// and lists the few that pass; the one-to-one pass then visits only those.
// The result is that of testing both in one pass.
func (m *Matcher) align(n int, al *alignment, record bool) (int, float64) {
	nc := consistentPairs(&m.geo, n, *al, m.consistent)
	m.gen++
	if m.gen == 0 { // wrapped: old stamps could collide
		clear(m.stampA)
		clear(m.stampB)
		m.gen = 1
	}
	gen := m.gen
	if record {
		m.matched = m.matched[:0]
	}
	matched, s := 0, 0.0
	for _, p := range m.consistent[:nc] {
		k := m.pairs[p]
		i, j := int(k>>16&0xffff), int(k&0xffff)
		if m.stampA[i] == gen || m.stampB[j] == gen {
			continue
		}
		m.stampA[i], m.stampB[j] = gen, gen
		matched++
		s += keySim(k)
		if record {
			m.matched = append(m.matched, k)
		}
	}
	return matched, s
}

// refit is the least-squares rigid alignment of the pairs in m.matched,
// centred on their centroid.
func (m *Matcher) refit(c *Template) (alignment, bool) {
	a := &m.t
	if len(m.matched) < 3 {
		return alignment{}, false
	}
	var ax, ay, bx, by float64
	for _, k := range m.matched {
		i, j := int(k>>16&0xffff), int(k&0xffff)
		ax += float64(a.X[i])
		ay += float64(a.Y[i])
		bx += float64(c.X[j])
		by += float64(c.Y[j])
	}
	n := float64(len(m.matched))
	ax, ay, bx, by = ax/n, ay/n, bx/n, by/n
	var dot, cross float64
	for _, k := range m.matched {
		i, j := int(k>>16&0xffff), int(k&0xffff)
		ux, uy := float64(a.X[i])-ax, float64(a.Y[i])-ay
		vx, vy := float64(c.X[j])-bx, float64(c.Y[j])-by
		dot += ux*vx + uy*vy
		cross += ux*vy - uy*vx
	}
	if dot == 0 && cross == 0 {
		return alignment{}, false
	}
	rot := uint16(int64(math.Round(math.Atan2(cross, dot)*65536/(2*math.Pi))) & 0xffff)
	return newAlignment(float32(ax), float32(ay), float32(bx), float32(by), rot), true
}

// overlap counts the minutiae of each template that al maps inside the
// other template's bounding box (enlarged by tolBase).
func (m *Matcher) overlap(c *Template, al *alignment) (na, nb int) {
	a := &m.t
	ax0, ay0, ax1, ay1 := bbox(a)
	bx0, by0, bx1, by1 := bbox(c)
	for i := range a.X {
		ux, uy := a.X[i]-al.ax, a.Y[i]-al.ay
		x := al.bx + al.cos*ux - al.sin*uy
		y := al.by + al.sin*ux + al.cos*uy
		if x >= bx0-tolBase && x <= bx1+tolBase && y >= by0-tolBase && y <= by1+tolBase {
			na++
		}
	}
	for j := range c.X {
		ux, uy := c.X[j]-al.bx, c.Y[j]-al.by
		x := al.ax + al.cos*ux + al.sin*uy
		y := al.ay - al.sin*ux + al.cos*uy
		if x >= ax0-tolBase && x <= ax1+tolBase && y >= ay0-tolBase && y <= ay1+tolBase {
			nb++
		}
	}
	return na, nb
}

func bbox(t *Template) (x0, y0, x1, y1 float32) {
	if len(t.X) == 0 {
		return
	}
	x0, y0, x1, y1 = t.X[0], t.Y[0], t.X[0], t.Y[0]
	for i := range t.X {
		x0, x1 = min(x0, t.X[i]), max(x1, t.X[i])
		y0, y1 = min(y0, t.Y[i]), max(y1, t.Y[i])
	}
	return
}

// complete adds to the alignment whose pairs m.gen stamps the minutiae
// that it maps onto each other but that local matching did not propose
// (their cylinders differ, typically near the edge of a partial print),
// weighted by their cylinder similarity.
func (m *Matcher) complete(c *Template, al *alignment) (int, float64) {
	a := &m.t
	g := m.gen
	n, s := 0, 0.0
	for i := range a.X {
		if m.stampA[i] == g || a.Mask[i] == 0 {
			continue
		}
		ux, uy := a.X[i]-al.ax, a.Y[i]-al.ay
		px := al.bx + al.cos*ux - al.sin*uy
		py := al.by + al.sin*ux + al.cos*uy
		lim := tolBase*tolBase + tolSlope*tolSlope*(ux*ux+uy*uy)
		// Only candidates within tolDir of the mapped direction can pair:
		// one or two runs of the direction-sorted candidate.
		d := a.Dir[i] + al.rot
		lo, hi := d-uint16(tolDir), d+uint16(tolDir)
		from, to := m.dirSearch(c.Dir, lo), m.dirSearch(c.Dir, hi+1)
		best, bestD := -1, lim
		if lo <= hi {
			best, bestD = m.nearest(c, px, py, from, to, best, bestD)
		} else {
			best, bestD = m.nearest(c, px, py, from, len(c.X), best, bestD)
			best, _ = m.nearest(c, px, py, 0, to, best, bestD)
		}
		if best < 0 {
			continue
		}
		m.stampA[i], m.stampB[best] = g, g
		n++
		ca, cb := a.cylinder(i), c.cylinder(best)
		s += float64(jaccard(&ca, a.Mask[i], &cb, c.Mask[best]))
	}
	return n, s
}

// nearest is the candidate in [from, to), not taken in the current
// alignment, nearest to (px, py) if nearer than √bestD.
func (m *Matcher) nearest(c *Template, px, py float32, from, to, best int, bestD float32) (int, float32) {
	g := m.gen
	for j := from; j < to; j++ {
		if m.stampB[j] == g {
			continue
		}
		dx, dy := px-c.X[j], py-c.Y[j]
		if d := dx*dx + dy*dy; d <= bestD {
			best, bestD = j, d
		}
	}
	return best, bestD
}

func jaccard(ca *[Words]uint64, ma uint64, cb *[Words]uint64, mb uint64) float32 {
	mm := ma & mb
	and, or := 0, 0
	for k := range Words {
		x, y := ca[k]&mm, cb[k]&mm
		and += bits.OnesCount64(x & y)
		or += bits.OnesCount64(x | y)
	}
	if or == 0 {
		return 0
	}
	return float32(and) / float32(or)
}
