package dna

import (
	"context"
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/openbms/bms/index"
)

// Store holds the profiles of a DNA search service in two galleries: the
// missing-person alerts (own profiles and relatives' profiles) and the
// unidentified profiles (unknown persons, human remains). Each profile is
// a row of 16-bit genotype codes, one per locus of the frequency table;
// searches turn the probe into per-locus lookup tables over those codes
// (match outcomes, or log10 likelihood ratios) so scoring a row is a few
// table lookups and additions.
//
// A Store is safe for concurrent use: searches share a read lock, Add and
// Remove take the write lock.
type Store struct {
	model *Model
	gate  QualityGate
	cols  []Locus
	colOf [numLoci]int
	// Workers is the number of goroutines a scan uses (0: GOMAXPROCS).
	Workers int

	mu           sync.RWMutex
	alerts       gallery
	unidentified gallery
	alertIndex   map[string]int32
	alertNames   []string
	alertRows    [][]uint32
}

// Row kinds: which table scores a row.
const (
	rowRemoved = iota
	rowIdentity
	rowParentOfMissing
	rowChildOfMissing
	rowFullSibling
	rowHalfSibling
	numRowKinds
)

type gallery struct {
	ids   *index.IDMap
	width int
	codes []uint16 // row-major: row r's locus column c at r*width+c
	kind  []uint8
	alert []int32
	rel   []Relationship
}

func (g *gallery) rows() int { return len(g.kind) }

// NewStore makes an empty store on the model; the gate's table is the
// model's (only loci with frequencies are accepted).
func NewStore(model *Model, gate QualityGate) *Store {
	gate.Table = model.Table
	s := &Store{model: model, gate: gate, alertIndex: map[string]int32{}}
	for i := range s.colOf {
		s.colOf[i] = -1
	}
	for _, l := range model.Table.Loci() {
		s.colOf[l] = len(s.cols)
		s.cols = append(s.cols, l)
	}
	s.alerts = gallery{ids: index.NewIDMap(), width: len(s.cols)}
	s.unidentified = gallery{ids: index.NewIDMap(), width: len(s.cols)}
	return s
}

// Model is the store's population-genetic model.
func (s *Store) Model() *Model { return s.model }

// Len returns the number of live alert and unidentified profiles.
func (s *Store) Len() (alerts, unidentified int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.alerts.ids.Live(), s.unidentified.ids.Live()
}

// genotypeCode packs alphabet indices a, b into the triangular code
// max(a,b)·(max(a,b)+1)/2 + min(a,b) + 1; 0 is "untyped". Codes do not
// move when the alphabet grows, so stored rows stay valid.
func genotypeCode(a, b int) uint16 {
	if a > b {
		a, b = b, a
	}
	return uint16(b*(b+1)/2 + a + 1)
}

func decodeGenotype(code uint16) (a, b int) {
	c := int(code) - 1
	b = int((math.Sqrt(8*float64(c)+1) - 1) / 2)
	for b*(b+1)/2 > c {
		b--
	}
	for (b+1)*(b+2)/2 <= c {
		b++
	}
	return c - b*(b+1)/2, b
}

func numCodes(alphabet int) int { return alphabet*(alphabet+1)/2 + 1 }

// Add checks the profile with the quality gate and stores it: an
// unidentified profile in the unidentified gallery, a missing person's
// own or a relative's profile under its alert.
func (s *Store) Add(p *Profile) error {
	if err := s.gate.Check(p); err != nil {
		return err
	}
	row := make([]uint16, len(s.cols))
	for c, l := range s.cols {
		g := p.loci[l]
		if !g.Typed() {
			continue
		}
		idx, _, err := s.model.genotypeIndex(l, g)
		if err != nil {
			return err
		}
		row[c] = genotypeCode(idx[0], idx[1])
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, kind, alert := &s.unidentified, uint8(rowIdentity), int32(-1)
	if p.Subject.Role != Unidentified {
		g = &s.alerts
	}
	// IDs are unique across the store, so Remove and results are unambiguous.
	_, inAlerts := s.alerts.ids.Dense(p.ID)
	_, inUnidentified := s.unidentified.ids.Dense(p.ID)
	if inAlerts || inUnidentified {
		return fmt.Errorf("dna: profile %q is already stored", clip(p.ID))
	}
	if p.Subject.Role != Unidentified {
		kind = rowKindOf(p.Subject)
		a, ok := s.alertIndex[p.Subject.Alert]
		if !ok {
			a = int32(len(s.alertNames))
			s.alertIndex[p.Subject.Alert] = a
			s.alertNames = append(s.alertNames, p.Subject.Alert)
			s.alertRows = append(s.alertRows, nil)
		}
		if kind == rowIdentity {
			for _, r := range s.alertRows[a] {
				if s.alerts.kind[r] == rowIdentity {
					return fmt.Errorf("dna: alert %q already has the missing person's own profile", clip(p.Subject.Alert))
				}
			}
		}
		alert = a
	}
	id, err := g.ids.Add(p.ID)
	if err != nil {
		return fmt.Errorf("dna: %w", err)
	}
	if int(id) != g.rows() {
		return fmt.Errorf("dna: internal: dense ID %d out of step with %d rows", id, g.rows())
	}
	g.codes = append(g.codes, row...)
	g.kind = append(g.kind, kind)
	g.alert = append(g.alert, alert)
	g.rel = append(g.rel, p.Subject.Relationship)
	if alert >= 0 {
		s.alertRows[alert] = append(s.alertRows[alert], id)
	}
	return nil
}

func rowKindOf(sub Subject) uint8 {
	if sub.Role == MissingPerson {
		return rowIdentity
	}
	switch sub.Relationship {
	case Father, Mother, Parent:
		return rowParentOfMissing
	case Child:
		return rowChildOfMissing
	case FullSibling:
		return rowFullSibling
	}
	return rowHalfSibling
}

// Remove deletes a profile by ID from whichever gallery holds it.
func (s *Store) Remove(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range []*gallery{&s.alerts, &s.unidentified} {
		r, ok := g.ids.Remove(id)
		if !ok {
			continue
		}
		g.kind[r] = rowRemoved
		clear(g.codes[int(r)*g.width : int(r+1)*g.width])
		if a := g.alert[r]; a >= 0 {
			rows := s.alertRows[a]
			for i, x := range rows {
				if x == r {
					s.alertRows[a] = append(rows[:i:i], rows[i+1:]...)
					break
				}
			}
		}
		return true
	}
	return false
}

// profileAt rebuilds a stored profile from its codes (amelogenin is not
// stored).
func (s *Store) profileAt(g *gallery, r uint32) *Profile {
	id, _ := g.ids.External(r)
	p := &Profile{ID: id, Subject: Subject{Role: Unidentified}}
	if g == &s.alerts {
		p.Subject = Subject{Role: RelativeOf, Alert: s.alertNames[g.alert[r]], Relationship: g.rel[r], Consent: true}
		if g.kind[r] == rowIdentity {
			p.Subject = Subject{Role: MissingPerson, Alert: s.alertNames[g.alert[r]]}
		}
	}
	row := g.codes[int(r)*g.width : int(r+1)*g.width]
	for c, code := range row {
		if code == 0 {
			continue
		}
		lm := s.model.locus(s.cols[c])
		a, b := decodeGenotype(code)
		p.loci[s.cols[c]] = NewGenotype(lm.alleles[a], lm.alleles[b])
	}
	return p
}

// column is a probe's view of one locus column: where its lookup table
// starts in the flattened table and how many codes it covers.
type column struct {
	col    int
	offset int
}

// layout flattens per-column tables: column c's entry for code k is at
// offset[c] + k.
func (s *Store) layout(cols []int) ([]column, []*locusModel, int) {
	out := make([]column, len(cols))
	lms := make([]*locusModel, len(cols))
	total := 0
	for i, c := range cols {
		lms[i] = s.model.locus(s.cols[c])
		out[i] = column{col: c, offset: total}
		total += numCodes(len(lms[i].alleles))
	}
	return out, lms, total
}

// DirectHit is a profile found by direct matching.
type DirectHit struct {
	ID      string      `json:"id"`
	Subject Subject     `json:"subject"`
	Result  MatchResult `json:"result"`
}

// Match finds the profiles that match the probe directly under the rules
// — full matches first, then near matches, each by the number of fully
// matching loci — at most k of them, in both galleries.
func (s *Store) Match(ctx context.Context, probe *Profile, rules MatchRules, k int) ([]DirectHit, error) {
	if rules.Mode == 0 {
		rules.Mode = Prum
	}
	if err := s.gate.Check(asSearchable(probe)); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	// Most discriminating loci first: a scan leaves a row at its first
	// excess mismatch, which then comes after a locus or two.
	var cols []int
	for c, l := range s.cols {
		if probe.loci[l].Typed() {
			cols = append(cols, c)
		}
	}
	sort.SliceStable(cols, func(i, j int) bool {
		return s.sharedProbability(probe, cols[i]) < s.sharedProbability(probe, cols[j])
	})
	layout, lms, total := s.layout(cols)
	table := make([]locusOutcome, total)
	for i, col := range layout {
		pg := probe.loci[s.cols[col.col]]
		n := numCodes(len(lms[i].alleles))
		for code := 1; code < n; code++ {
			a, b := decodeGenotype(uint16(code))
			table[col.offset+code] = compareLocus(pg, NewGenotype(lms[i].alleles[a], lms[i].alleles[b]), rules.Mode)
		}
	}
	var hits []DirectHit
	for _, g := range []*gallery{&s.alerts, &s.unidentified} {
		top, err := s.scanMatch(ctx, g, layout, table, rules, k)
		if err != nil {
			return nil, err
		}
		for _, h := range top {
			p := s.profileAt(g, h.ID)
			hits = append(hits, DirectHit{ID: p.ID, Subject: p.Subject, Result: Compare(probe, p, rules)})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i].Result, hits[j].Result
		if a.Class != b.Class {
			return a.Class > b.Class
		}
		return a.FullyMatching > b.FullyMatching
	})
	if len(hits) > k {
		hits = hits[:k]
	}
	return hits, nil
}

// asSearchable lets a probe of any role through the gate's checks of its
// genotypes: search probes need no alert link.
func asSearchable(p *Profile) *Profile {
	q := *p
	q.Subject = Subject{Role: Unidentified}
	if q.ID == "" {
		q.ID = "probe"
	}
	return &q
}

// sharedProbability approximates the chance that a random genotype matches
// the probe's at column c (2pq or p², θ = 0), to order the scan.
func (s *Store) sharedProbability(p *Profile, c int) float64 {
	l := s.cols[c]
	g := p.loci[l]
	if g.HasWildcard() {
		return 1
	}
	pa, pb := s.model.Table.Frequency(l, g.A), s.model.Table.Frequency(l, g.B)
	if g.Homozygous() {
		return pa * pa
	}
	return 2 * pa * pb
}

// scanMatch is the direct-matching kernel over one gallery.
func (s *Store) scanMatch(ctx context.Context, g *gallery, layout []column, table []locusOutcome, rules MatchRules, k int) ([]index.Hit, error) {
	n := g.rows()
	ranges := index.Split(n, index.Workers(s.Workers)*4, 1024)
	tops := make([]*index.TopK, len(ranges))
	allowed := uint32(rules.allowedMismatches())
	minFull := rules.minLoci()
	err := index.ScanParallel(ctx, ranges, s.Workers, func(_ context.Context, part int, r index.Range) error {
		top := index.NewTopK(k)
		w := g.width
		codes := g.codes
		for row := r.Lo; row < r.Hi; row++ {
			if g.kind[row] == rowRemoved {
				continue
			}
			base := int(row) * w
			var sum locusOutcome
			ok := true
			for _, c := range layout {
				sum += table[c.offset+int(codes[base+c.col])]
				if uint32(sum)>>16&0xff > allowed {
					ok = false
					break
				}
			}
			if !ok || sum.fullyMatching() < minFull {
				continue
			}
			class := FullMatch
			if sum.mismatches() > 0 {
				class = NearMatch
			}
			top.Push(row, float32(int(class)*1000+sum.fullyMatching()))
		}
		tops[part] = top
		return nil
	})
	if err != nil {
		return nil, err
	}
	all := index.NewTopK(k)
	for _, t := range tops {
		all.Merge(t)
	}
	return all.Results(), nil
}

// scanLR is the kinship kernel: each row's score is the sum of its
// columns' log10 LRs, from the table of the row's kind. It writes every
// row's score (NaN for removed rows) into out.
func (s *Store) scanLR(ctx context.Context, g *gallery, layout []column, tables [numRowKinds][]float32, out []float32) error {
	ranges := index.Split(g.rows(), index.Workers(s.Workers)*4, 1024)
	return index.ScanParallel(ctx, ranges, s.Workers, func(_ context.Context, _ int, r index.Range) error {
		w := g.width
		codes := g.codes
		for row := r.Lo; row < r.Hi; row++ {
			t := tables[g.kind[row]]
			if t == nil {
				out[row] = float32(math.NaN())
				continue
			}
			base := int(row) * w
			var sum float32
			for _, c := range layout {
				sum += t[c.offset+int(codes[base+c.col])]
			}
			out[row] = sum
		}
		return nil
	})
}

// statsColumns are the columns where the profile can enter statistics.
func (s *Store) statsColumns(p *Profile) []int {
	var cols []int
	for c, l := range s.cols {
		if g := p.loci[l]; g.Typed() && !g.HasWildcard() {
			cols = append(cols, c)
		}
	}
	return cols
}

// pairTables builds, for an unidentified probe u, the log10 LR of every
// stored genotype under each row kind.
func (s *Store) pairTables(u *Profile, layout []column, lms []*locusModel, total int) ([numRowKinds][]float32, error) {
	var tables [numRowKinds][]float32
	m := s.model
	for kind := rowIdentity; kind < numRowKinds; kind++ {
		t := make([]float32, total)
		for i, col := range layout {
			l := s.cols[col.col]
			ui, _, err := m.genotypeIndex(l, u.loci[l])
			if err != nil {
				return tables, err
			}
			lm := lms[i]
			n := numCodes(len(lm.alleles))
			for code := 1; code < n; code++ {
				a, b := decodeGenotype(uint16(code))
				if lm.special[a] || lm.special[b] {
					continue
				}
				gi := [2]int{a, b}
				var lr float64
				switch kind {
				case rowIdentity:
					lr = lm.pairLR(Identity, gi, ui, m.Theta, m.IdentityError)
				case rowParentOfMissing:
					lr = lm.pairLR(ParentChild, gi, ui, m.Theta, 0)
				case rowChildOfMissing:
					lr = lm.pairLR(ParentChild, ui, gi, m.Theta, 0)
				case rowFullSibling:
					lr = lm.pairLR(FullSiblings, gi, ui, m.Theta, 0)
				case rowHalfSibling:
					lr = lm.pairLR(HalfSiblings, gi, ui, m.Theta, 0)
				}
				t[col.offset+code] = float32(math.Log10(lr))
			}
		}
		tables[kind] = t
	}
	return tables, nil
}

// AlertHit is a missing-person alert ranked for an unidentified profile.
type AlertHit struct {
	Alert string `json:"alert"`
	// Method is "identity" when the alert holds the missing person's own
	// profile, else "pedigree" (the exact joint LR of all relatives).
	Method     string   `json:"method"`
	Profiles   []string `json:"profiles"`
	Likelihood LRResult `json:"likelihood"`
}

// ShortlistFactor sets how many alerts the pairwise screen passes to the
// exact pedigree computation: ShortlistFactor × k, at least 32.
const ShortlistFactor = 4

// SearchAlerts ranks the missing-person alerts for an unidentified profile
// by likelihood ratio, best first, at most k. Every alert row is screened
// by its pairwise log10 LR (identity for an own profile, the relative's
// kinship otherwise; an alert's relatives are summed); the best
// ShortlistFactor·k alerts are then scored exactly — identity LR with the
// own profile, or the joint pedigree LR of all relatives — and ranked by
// that.
func (s *Store) SearchAlerts(ctx context.Context, u *Profile, k int) ([]AlertHit, error) {
	if err := s.gate.Check(asSearchable(u)); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	layout, lms, total := s.layout(s.statsColumns(u))
	tables, err := s.pairTables(u, layout, lms, total)
	if err != nil {
		return nil, err
	}
	scores := make([]float32, s.alerts.rows())
	if err := s.scanLR(ctx, &s.alerts, layout, tables, scores); err != nil {
		return nil, err
	}
	// Per alert: the own profile decides when present; else relatives add.
	shortlist := index.NewTopK(max(ShortlistFactor*k, 32))
	for a, rows := range s.alertRows {
		if len(rows) == 0 {
			continue
		}
		var sum float32
		for _, r := range rows {
			if s.alerts.kind[r] == rowIdentity {
				sum = scores[r]
				break
			}
			sum += scores[r]
		}
		shortlist.Push(uint32(a), sum)
	}
	var hits []AlertHit
	for _, h := range shortlist.Results() {
		hit, err := s.exactAlertLR(u, int32(h.ID))
		if err != nil {
			return nil, err
		}
		hits = append(hits, hit)
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Likelihood.Log10LR > hits[j].Likelihood.Log10LR })
	if len(hits) > k {
		hits = hits[:k]
	}
	return hits, nil
}

// alertFamily returns the alert's own profile (nil if none) and relatives.
func (s *Store) alertFamily(a int32) (own *Profile, relatives []*Profile) {
	for _, r := range s.alertRows[a] {
		p := s.profileAt(&s.alerts, r)
		if s.alerts.kind[r] == rowIdentity {
			own = p
		} else {
			relatives = append(relatives, p)
		}
	}
	return own, relatives
}

func (s *Store) exactAlertLR(u *Profile, a int32) (AlertHit, error) {
	own, relatives := s.alertFamily(a)
	hit := AlertHit{Alert: s.alertNames[a]}
	var err error
	if own != nil {
		hit.Method, hit.Profiles = "identity", []string{own.ID}
		hit.Likelihood, err = s.model.PairLR(own, u, Identity)
	} else {
		hit.Method = "pedigree"
		for _, r := range relatives {
			hit.Profiles = append(hit.Profiles, r.ID)
		}
		hit.Likelihood, err = s.model.FamilyLR(u, relatives)
	}
	return hit, err
}

// ProfileHit is an unidentified profile ranked for an alert.
type ProfileHit struct {
	ID         string   `json:"id"`
	Likelihood LRResult `json:"likelihood"`
}

// SearchUnidentified ranks the stored unidentified profiles for an alert —
// typically just after a relative's profile was added — by the exact LR
// of the alert's family: the identity LR with the missing person's own
// profile when the alert holds one, else the joint pedigree LR of all its
// relatives. The pedigree is evaluated once per locus for every genotype
// an unidentified profile can have, so the scan itself is table lookups.
func (s *Store) SearchUnidentified(ctx context.Context, alert string, k int) ([]ProfileHit, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.alertIndex[alert]
	if !ok || len(s.alertRows[a]) == 0 {
		return nil, fmt.Errorf("dna: no profile stored for alert %q", clip(alert))
	}
	own, relatives := s.alertFamily(a)
	var cols []int
	for c, l := range s.cols {
		if own != nil {
			if g := own.loci[l]; g.Typed() && !g.HasWildcard() {
				cols = append(cols, c)
			}
			continue
		}
		for _, r := range relatives {
			if g := r.loci[l]; g.Typed() && !g.HasWildcard() {
				cols = append(cols, c)
				break
			}
		}
	}
	layout, lms, total := s.layout(cols)
	t := make([]float32, total)
	var ped *familyPedigree
	if own == nil {
		var err error
		if ped, err = newFamilyPedigree(relatives); err != nil {
			return nil, err
		}
	}
	m := s.model
	for i, col := range layout {
		l := s.cols[col.col]
		lm := lms[i]
		var oi [2]int
		if own != nil {
			var err error
			if oi, _, err = m.genotypeIndex(l, own.loci[l]); err != nil {
				return nil, err
			}
		}
		n := numCodes(len(lm.alleles))
		for code := 1; code < n; code++ {
			a, b := decodeGenotype(uint16(code))
			if lm.special[a] || lm.special[b] {
				continue
			}
			var lr float64
			if own != nil {
				lr = lm.pairLR(Identity, oi, [2]int{a, b}, m.Theta, m.IdentityError)
			} else {
				var err error
				if lr, err = ped.locusLR(m, l, NewGenotype(lm.alleles[a], lm.alleles[b]), relatives); err != nil {
					return nil, err
				}
			}
			t[col.offset+code] = float32(math.Log10(lr))
		}
	}
	var tables [numRowKinds][]float32
	tables[rowIdentity] = t
	scores := make([]float32, s.unidentified.rows())
	if err := s.scanLR(ctx, &s.unidentified, layout, tables, scores); err != nil {
		return nil, err
	}
	top := index.NewTopK(k)
	for r, sc := range scores {
		if !math.IsNaN(float64(sc)) {
			top.Push(uint32(r), sc)
		}
	}
	var hits []ProfileHit
	for _, h := range top.Results() {
		u := s.profileAt(&s.unidentified, h.ID)
		var res LRResult
		var err error
		if own != nil {
			res, err = m.PairLR(own, u, Identity)
		} else {
			res, err = m.FamilyLR(u, relatives)
		}
		if err != nil {
			return nil, err
		}
		hits = append(hits, ProfileHit{ID: u.ID, Likelihood: res})
	}
	return hits, nil
}
