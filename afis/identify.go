package afis

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/openbms/bms/index"
	"github.com/openbms/bms/minutiae"
)

// SearchOptions tunes one search.
type SearchOptions struct {
	// K is the number of candidates returned (default 10).
	K int
	// Filter restricts the search to records (by dense ID, see
	// Gallery.Dense) the searcher may see; the zero Filter allows all.
	Filter index.Filter
	// Threads is the number of goroutines scanning (0: every core).
	Threads int
	// Shortlist, when above 0, makes the search two-stage: a screening
	// stage ranks every record by a cheap score (see screenRecord) and
	// only the best Shortlist fraction of the searched records, and at
	// least MinShortlist, are compared in full. 0 searches exhaustively.
	// Screening trades a small loss of rank-1 hits for speed; see
	// docs/performance.md for both, measured. The screen compares
	// minutiae whose directions agree within an eighth of a turn
	// (internal/match.ScreenWindow): it keeps mates turned by up to about 30°
	// against the gallery print; search a print of unknown orientation
	// exhaustively.
	Shortlist float64
	// LatentAnyRotation makes comparisons with a latent on either side
	// look for it at any rotation, not only within a quarter turn of
	// upright (minutiae.Matcher.SetLatentAnyRotation): for marks whose
	// orientation the examiner cannot tell. Those comparisons cost four
	// times as much, and their FMR estimates are four times as high. The
	// screening stage compares directions within an eighth of a turn
	// only, so such a search is exhaustive whatever Shortlist says.
	LatentAnyRotation bool
}

// MinShortlist is the fewest records a two-stage search compares in full.
const MinShortlist = 100

// Candidate is one record a search returns.
type Candidate struct {
	ID string `json:"id"`
	// Score is the fused score: for each probe view, its best score
	// against the record's compatible views, summed over probe views.
	Score float64 `json:"score"`
	// FMR estimates the chance that one unrelated record shows evidence
	// this strong (see fusedFMR): over a gallery of N records, about N·FMR
	// unrelated records are expected to. For one probe view against one
	// view it is the default calibration's rate for the score.
	FMR float64 `json:"fmr"`
	// Views holds, per probe view, the best-matching view of the record
	// and its score (View -1 when no compatible view scored).
	Views []ViewMatch `json:"views"`
}

// ViewMatch is the best match of one probe view within a candidate record.
type ViewMatch struct {
	Probe    int               `json:"probe_view"` // index of the probe view
	View     int               `json:"view"`       // index of the record's view, -1 for none
	Position minutiae.Position `json:"position"`   // the record view's position
	Score    float64           `json:"score"`
	// Compared is how many of the record's views the probe view was
	// compared with (its compatible views).
	Compared int `json:"compared"`
	// Latent says that one side of the comparison was a latent: the
	// score is minutiae.Matcher.CompareLatent's, read with the latent
	// calibration.
	Latent bool `json:"latent,omitempty"`
	// AnyRotation says that the latent was looked for at any rotation
	// (SearchOptions.LatentAnyRotation): the score is read with
	// minutiae.LatentAnyRotationFMRForScore.
	AnyRotation bool `json:"any_rotation,omitempty"`
}

// evidenceFloor, latentEvidenceFloor and anyRotationEvidenceFloor are the
// scores below which a view adds nothing to a candidate's FMR estimate:
// the FMR 1 % thresholds of the default calibration, the latent one, and
// the latent one's bound for any rotation.
var (
	evidenceFloor            = minutiae.ThresholdForFMR(0.01)
	latentEvidenceFloor      = minutiae.LatentThresholdForFMR(0.01)
	anyRotationEvidenceFloor = minutiae.LatentAnyRotationThresholdForFMR(0.01)
)

// viewFMR is the calibrated rate of one view's score, and whether the
// score counts as evidence at all.
func viewFMR(v ViewMatch) (float64, bool) {
	switch {
	case v.Latent && v.AnyRotation:
		return minutiae.LatentAnyRotationFMRForScore(v.Score), v.Score >= anyRotationEvidenceFloor
	case v.Latent:
		return minutiae.LatentFMRForScore(v.Score), v.Score >= latentEvidenceFloor
	}
	return minutiae.FMRForScore(v.Score), v.Score >= evidenceFloor
}

// fusedFMR is the chance that an unrelated record shows evidence this
// strong. Each probe view's rate is its best score's calibrated rate (by
// the latent calibration when a latent was involved) times
// the number of the record's views it was compared with (a best of m
// comparisons); views below evidenceFloor count as no evidence. Probe
// views whose best match is the same finger of the record (a finger's
// rolled print and its plain one from a slap) are one piece of evidence,
// the strongest of them: against an unrelated record their scores are not
// independent chances. The product over the k pieces of evidence is
// multiplied by C(V, k), the ways of picking k of the V probe views (views
// merged into another's evidence not counted), since an unrelated record
// could show its chance agreement on any of them. Floored at 1e-300.
func fusedFMR(views []ViewMatch) float64 {
	var byFinger [11]float64 // best rate per finger of the record, 0 for none
	fmr, k, merged := 1.0, 0, 0
	for _, v := range views {
		rate, evidence := viewFMR(v)
		if !evidence {
			continue
		}
		rate = min(1, rate*float64(max(1, v.Compared)))
		f := v.Position.Finger()
		if f == 0 || v.Latent {
			fmr *= rate
			k++
			continue
		}
		if byFinger[f] > 0 {
			merged++
			byFinger[f] = min(byFinger[f], rate)
			continue
		}
		byFinger[f] = rate
	}
	for _, rate := range byFinger {
		if rate > 0 {
			fmr *= rate
			k++
		}
	}
	if k == 0 {
		return 1
	}
	return min(1, max(1e-300, fmr*binomial(len(views)-merged, k)))
}

func binomial(n, k int) float64 {
	c := 1.0
	for i := range k {
		c = c * float64(n-i) / float64(i+1)
	}
	return c
}

// probe is a prepared probe: one matcher per view.
type probe struct {
	views    []view
	matchers []*minutiae.Matcher
}

func prepareProbe(rec *minutiae.Record) (*probe, error) {
	if rec == nil || len(rec.Views) == 0 {
		return nil, ErrEmptyRecord
	}
	if len(rec.Views) > MaxViewsPerRecord {
		return nil, ErrTooManyViews
	}
	p := &probe{}
	for i := range rec.Views {
		v := &rec.Views[i]
		m, err := minutiae.NewMatcher(v)
		if err != nil {
			return nil, fmt.Errorf("afis: probe view %d: %w", i, err)
		}
		p.views = append(p.views, view{pos: v.Position, latent: v.Impression.IsLatent()})
		p.matchers = append(p.matchers, m)
	}
	return p, nil
}

func (p *probe) clone() *probe {
	c := &probe{views: p.views, matchers: make([]*minutiae.Matcher, len(p.matchers))}
	for i, m := range p.matchers {
		c.matchers[i] = m.Clone()
	}
	return c
}

// scoreRecord is the fused score of record r; best, when not nil, receives
// the best view and score per probe view.
func (p *probe) scoreRecord(s *snapshot, r uint32, best []ViewMatch) float64 {
	first, last := s.recFirst[r], s.recFirst[r+1]
	fused := 0.0
	for pv, m := range p.matchers {
		top, at, compared, latent := 0.0, -1, 0, false
		for gv := first; gv < last; gv++ {
			if !compatible(p.views[pv], s.views[gv]) {
				continue
			}
			compared++
			var sc float64
			// A latent on either side: only the whole print's minutiae
			// inside the latent's area count (CompareLatent).
			switch {
			case p.views[pv].latent:
				sc = m.CompareLatentAt(s.arena, gv, minutiae.LatentProbe)
			case s.views[gv].latent:
				sc = m.CompareLatentAt(s.arena, gv, minutiae.LatentCandidate)
			default:
				sc = m.CompareAt(s.arena, gv)
			}
			if sc > top {
				top, at, latent = sc, int(gv-first), p.views[pv].latent || s.views[gv].latent
			}
		}
		fused += top
		if best != nil {
			vm := ViewMatch{Probe: pv, View: at, Score: top, Compared: compared, Latent: latent,
				AnyRotation: latent && m.LatentAnyRotation()}
			if at >= 0 {
				vm.Position = s.views[first+uint32(at)].pos
			}
			best[pv] = vm
		}
	}
	return fused
}

// screenRecord is record r's screening score: the best screening score of
// any probe view against any of the record's views it would be compared
// with.
func (p *probe) screenRecord(s *snapshot, r uint32) float32 {
	first, last := s.recFirst[r], s.recFirst[r+1]
	var top float32
	for pv, m := range p.matchers {
		for gv := first; gv < last; gv++ {
			if compatible(p.views[pv], s.views[gv]) {
				top = max(top, m.ScreenAt(s.arena, gv))
			}
		}
	}
	return top
}

// shortlist runs the screening stage: the records, among those the filter
// allows, with the n best screening scores (higher score, then lower ID),
// in ascending ID order (the order the full comparison reads the arena
// in). The scan writes each record's score into a dense array and
// index.BestOf selects from it: a heap of n entries per range, fed by a
// large share of the records when n is 5 % of a million, cost more and ran
// serially when merged.
func (g *Gallery) shortlist(ctx context.Context, s *snapshot, probes []*probe, ranges []index.Range, threads int, filter index.Filter, n int) ([]uint32, error) {
	scores := make([]float32, len(s.recFirst)-1)
	for i := range scores {
		scores[i] = index.Unscored
	}
	err := scanRecords(ctx, s, ranges, threads, filter, func(part int, r uint32) {
		scores[r] = probes[part].screenRecord(s, r)
	})
	if err != nil {
		return nil, err
	}
	return index.BestOf(scores, n), nil
}

// scanRecords calls fn for every record of the ranges that the filter
// allows and that is not deleted, the ranges shared among threads.
func scanRecords(ctx context.Context, s *snapshot, ranges []index.Range, threads int, filter index.Filter, fn func(part int, r uint32)) error {
	checkDeleted := !s.deleted.IsEmpty()
	return index.ScanParallel(ctx, ranges, threads, func(ctx context.Context, part int, rg index.Range) error {
		n := 0
		var scanErr error
		filter.ForEachIn(rg.Lo, rg.Hi, func(r uint32) {
			if scanErr != nil {
				return
			}
			if n++; n&1023 == 0 {
				if scanErr = ctx.Err(); scanErr != nil {
					return
				}
			}
			if checkDeleted && s.deleted.Contains(r) {
				return
			}
			fn(part, r)
		})
		return scanErr
	})
}

// Identify searches rec's views against the gallery and returns up to K
// records with the highest fused scores, best first (ties by enrolment
// order). Records scoring 0 (no evidence at all) are not returned.
func (g *Gallery) Identify(ctx context.Context, rec *minutiae.Record, opts SearchOptions) ([]Candidate, error) {
	p, err := prepareProbe(rec)
	if err != nil {
		return nil, err
	}
	for _, m := range p.matchers {
		m.SetLatentAnyRotation(opts.LatentAnyRotation)
	}
	k := opts.K
	if k <= 0 {
		k = 10
	}
	s := g.state.Load()
	nRec := len(s.recFirst) - 1
	threads := index.Workers(opts.Threads)
	ranges := index.Split(nRec, threads*4, 64)
	tops := make([]*index.TopK, len(ranges))
	probes := make([]*probe, len(ranges))
	for i := range ranges {
		tops[i] = index.NewTopK(k)
		probes[i] = p
		if i > 0 {
			probes[i] = p.clone()
		}
	}
	// score fully compares record r on part's probe clone.
	score := func(part int, r uint32) {
		if sc := probes[part].scoreRecord(s, r, nil); sc > 0 {
			tops[part].Push(r, float32(sc))
		}
	}
	if opts.Shortlist > 0 && !opts.LatentAnyRotation {
		n := max(MinShortlist, int(math.Ceil(opts.Shortlist*float64(opts.Filter.Count(nRec)))))
		if n < nRec {
			ids, err := g.shortlist(ctx, s, probes, ranges, threads, opts.Filter, n)
			if err != nil {
				return nil, err
			}
			// The full comparison of the shortlist, shared among threads
			// by position in it: at most one part per probe clone.
			ranges = index.Split(len(ids), len(probes), 1)
			err = index.ScanParallel(ctx, ranges, threads, func(ctx context.Context, part int, rg index.Range) error {
				for _, r := range ids[rg.Lo:rg.Hi] {
					score(part, r)
				}
				return ctx.Err()
			})
			if err != nil {
				return nil, err
			}
			return g.candidates(s, p, tops, k), nil
		}
	}
	err = scanRecords(ctx, s, ranges, threads, opts.Filter, score)
	if err != nil {
		return nil, err
	}
	return g.candidates(s, p, tops, k), nil
}

// candidates merges the threads' best records and describes them, best
// first.
func (g *Gallery) candidates(s *snapshot, p *probe, tops []*index.TopK, k int) []Candidate {
	all := index.NewTopK(k)
	for _, t := range tops {
		all.Merge(t)
	}
	hits := all.Results()
	out := make([]Candidate, 0, len(hits))
	for _, h := range hits {
		id, ok := s.ids.External(h.ID)
		if !ok {
			continue // removed since the search began
		}
		c := Candidate{ID: id, Views: make([]ViewMatch, len(p.matchers))}
		c.Score = p.scoreRecord(s, h.ID, c.Views)
		c.FMR = fusedFMR(c.Views)
		out = append(out, c)
	}
	// Rescoring in float64 can reorder near-ties of the float32 selection.
	slices.SortStableFunc(out, func(a, b Candidate) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	return out
}
