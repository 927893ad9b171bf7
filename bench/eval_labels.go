package bench

import (
	"cmp"
	"math"
	"slices"
)

// MinSuspectMatches is how many impressions of one other finger must
// compare at or above the audit threshold with a sample before the sample
// is called a suspect label. One strong impostor score can be chance (at
// FMR 0.01 % a sample compared with a thousand others meets one about once
// in ten); two impressions of the same other finger cannot, in practice.
const MinSuspectMatches = 2

// SuspectLabel is a sample that compares with the impressions of another
// finger and with none of its own: most likely filed under the wrong finger
// code (FCJ2020 has several, e.g. a finger captured twice in one session
// under two codes). Its genuine pairs then measure two different fingers,
// and its impostor pairs with the other finger measure one.
type SuspectLabel struct {
	Sample    string  `json:"sample"`     // file, relative to the dataset directory
	Finger    string  `json:"finger"`     // the finger it is filed under
	LooksLike string  `json:"looks_like"` // the finger it compares with
	Matches   int     `json:"matches"`    // impressions of LooksLike at or above the threshold
	BestOther float64 `json:"best_other"` // its best score with LooksLike
	BestOwn   float64 `json:"best_own"`   // its best score with its own finger
	index     int
}

// FindSuspectLabels audits the labels of a run: a sample is a suspect when
// none of its genuine scores reaches threshold while at least
// [MinSuspectMatches] impressions of one other finger do. threshold should
// be a score of very low false-match rate (the command line uses the
// comparator's FMR 0.01 % threshold). The audit needs impostor pairs
// between every impression ([ProtocolFull]); on the FVC protocol's pairs
// it can only see first impressions against first impressions, where
// no finger has two. Suspects come in sample order; dir is the dataset
// directory the sample names are made relative to.
func FindSuspectLabels(sc *Scores, dir string, threshold float64) []SuspectLabel {
	n := len(sc.Samples)
	bestOwn := make([]float64, n)
	for i := range bestOwn {
		bestOwn[i] = math.Inf(-1) // no genuine pair yet
	}
	type key struct {
		sample int
		finger string
	}
	type evidence struct {
		matches int
		best    float64
	}
	strong := map[key]*evidence{}
	note := func(s, other int, score float64) {
		if score < threshold {
			return
		}
		k := key{s, sc.Samples[other].Finger}
		e := strong[k]
		if e == nil {
			e = &evidence{best: score}
			strong[k] = e
		}
		e.matches++
		e.best = max(e.best, score)
	}
	for k, p := range sc.Pairs {
		if !validPair(p, n) {
			continue
		}
		s := sc.Scores[k]
		if p.Genuine {
			bestOwn[p.Probe] = max(bestOwn[p.Probe], s)
			bestOwn[p.Candidate] = max(bestOwn[p.Candidate], s)
			continue
		}
		note(p.Probe, p.Candidate, s)
		note(p.Candidate, p.Probe, s)
	}
	bySample := map[int]SuspectLabel{}
	for k, e := range strong {
		if e.matches < MinSuspectMatches || bestOwn[k.sample] >= threshold {
			continue
		}
		cand := SuspectLabel{
			Sample: relName(dir, sc.Samples[k.sample].Path), Finger: sc.Samples[k.sample].Finger,
			LooksLike: k.finger, Matches: e.matches, BestOther: e.best, BestOwn: bestOwn[k.sample], index: k.sample,
		}
		if math.IsInf(cand.BestOwn, -1) {
			cand.BestOwn = 0 // no genuine pair at all
		}
		// When two other fingers qualify (duplicated fingers), name the
		// one with more evidence; ties by name, so runs agree.
		if old, ok := bySample[k.sample]; !ok || cmp.Or(cmp.Compare(cand.Matches, old.Matches),
			cmp.Compare(cand.BestOther, old.BestOther), cmp.Compare(old.LooksLike, cand.LooksLike)) > 0 {
			bySample[k.sample] = cand
		}
	}
	out := make([]SuspectLabel, 0, len(bySample))
	for _, s := range bySample {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b SuspectLabel) int { return cmp.Compare(a.index, b.index) })
	return out
}

// withoutSamples reports whether a pair involves none of the suspects.
func withoutSamples(suspects []SuspectLabel) func(Pair) bool {
	drop := map[int]bool{}
	for _, s := range suspects {
		drop[s.index] = true
	}
	return func(p Pair) bool { return !drop[p.Probe] && !drop[p.Candidate] }
}

// restrictScores returns the scores of the pairs of want, all of which
// must be in sc.Pairs (a protocol's pairs are a subset of the full
// protocol's).
func restrictScores(sc *Scores, want []Pair) (*Scores, bool) {
	type key struct{ a, b int }
	at := make(map[key]int, len(sc.Pairs))
	for k, p := range sc.Pairs {
		at[key{p.Probe, p.Candidate}] = k
	}
	out := &Scores{Samples: sc.Samples, Pairs: want, Scores: make([]float64, len(want)),
		Enrolled: sc.Enrolled, Failures: sc.Failures}
	for i, p := range want {
		k, ok := at[key{p.Probe, p.Candidate}]
		if !ok || sc.Pairs[k].Genuine != p.Genuine {
			return nil, false
		}
		out.Scores[i] = sc.Scores[k]
	}
	return out, true
}
