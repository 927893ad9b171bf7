package afis

import (
	"context"
	"fmt"
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
}

// Candidate is one record a search returns.
type Candidate struct {
	ID string `json:"id"`
	// Score is the fused score: for each probe view, its best score
	// against the record's compatible views, summed over probe views.
	Score float64 `json:"score"`
	// FMR estimates the false-match rate of a score this high: for one
	// probe view, the default calibration's rate for its score; for
	// several, the product of the rates of the views that scored at least
	// the FMR 1 % threshold (fingers are independent evidence; views
	// below it count as no evidence, 1), floored at 1e-300. It is the rate
	// of one comparison: over a gallery of N records, about N·FMR
	// unrelated records are expected to score as high.
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
}

// evidenceFloor is the score below which a view adds nothing to a
// candidate's FMR estimate: the default calibration's FMR 1 % threshold.
var evidenceFloor = minutiae.ThresholdForFMR(0.01)

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
		top, at := 0.0, -1
		for gv := first; gv < last; gv++ {
			if !compatible(p.views[pv], s.views[gv]) {
				continue
			}
			if sc := m.CompareAt(s.arena, gv); sc > top {
				top, at = sc, int(gv-first)
			}
		}
		fused += top
		if best != nil {
			vm := ViewMatch{Probe: pv, View: at, Score: top}
			if at >= 0 {
				vm.Position = s.views[first+uint32(at)].pos
			}
			best[pv] = vm
		}
	}
	return fused
}

// Identify searches rec's views against the gallery and returns up to K
// records with the highest fused scores, best first (ties by enrolment
// order). Records scoring 0 (no evidence at all) are not returned.
func (g *Gallery) Identify(ctx context.Context, rec *minutiae.Record, opts SearchOptions) ([]Candidate, error) {
	p, err := prepareProbe(rec)
	if err != nil {
		return nil, err
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
	checkDeleted := !s.deleted.IsEmpty()
	err = index.ScanParallel(ctx, ranges, threads, func(ctx context.Context, part int, rg index.Range) error {
		pp, top := probes[part], tops[part]
		n := 0
		var scanErr error
		opts.Filter.ForEachIn(rg.Lo, rg.Hi, func(r uint32) {
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
			if sc := pp.scoreRecord(s, r, nil); sc > 0 {
				top.Push(r, float32(sc))
			}
		})
		return scanErr
	})
	if err != nil {
		return nil, err
	}
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
		c := Candidate{ID: id, Views: make([]ViewMatch, len(p.matchers)), FMR: 1}
		c.Score = p.scoreRecord(s, h.ID, c.Views)
		for _, v := range c.Views {
			// Only views with evidence inside the calibrated range count:
			// a view that met nothing comparable says nothing, not "10 %".
			if v.Score >= evidenceFloor {
				c.FMR *= minutiae.FMRForScore(v.Score)
			}
		}
		c.FMR = max(c.FMR, 1e-300)
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
	return out, nil
}
