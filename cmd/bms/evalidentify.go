package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/openbms/bms/afis"
	"github.com/openbms/bms/bench"
	"github.com/openbms/bms/minutiae"
)

// IdentifyEvalReport is what `eval identify --json` prints.
type IdentifyEvalReport struct {
	Datasets    []string `json:"datasets"`
	Gallery     int      `json:"gallery"`     // records: enrolled first impressions + distractors
	Mated       int      `json:"mated"`       // gallery fingers that have probes
	Distractors int      `json:"distractors"` // synthetic
	Probes      int      `json:"probes"`
	FTE         int      `json:"fte"` // images that failed to enrol (a failed probe is a miss)
	Rank1       float64  `json:"rank1"`
	Rank10      float64  `json:"rank10"`
	Screening   string   `json:"screening"`
	Seconds     float64  `json:"search_seconds"`
	PerSecond   float64  `json:"comparisons_per_second"`
	// With -shortlist, the same probes searched two-stage: the fraction
	// of the gallery compared in full, the rank-1 and rank-10 rates, the
	// rank-1 points lost to screening (exhaustive − screened) and the
	// screened searches' time and effective rate.
	Shortlist         float64 `json:"shortlist,omitempty"`
	ScreenedRank1     float64 `json:"screened_rank1,omitempty"`
	ScreenedRank10    float64 `json:"screened_rank10,omitempty"`
	Rank1Loss         float64 `json:"rank1_loss,omitempty"`
	ScreenedSeconds   float64 `json:"screened_search_seconds,omitempty"`
	ScreenedPerSecond float64 `json:"screened_fingers_per_second,omitempty"`
}

type evalSet struct{ layout, dir string }

func parseEvalSets(args []string) ([]evalSet, error) {
	var sets []evalSet
	for _, a := range args {
		layout, dir, ok := strings.Cut(a, ":")
		if !ok || (layout != bench.LayoutFVC && layout != bench.LayoutFCJ2020) {
			return nil, usageError("dataset %q: want LAYOUT:DIR with LAYOUT fvc or fcj2020", a)
		}
		sets = append(sets, evalSet{layout, dir})
	}
	return sets, nil
}

// runEvalIdentify measures 1:N identification: the first impression of
// every finger of the datasets is enrolled with synthetic distractors, and
// every other impression searched; a probe is a hit at rank r when its
// finger is among the first r candidates.
func runEvalIdentify(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("eval identify", stderr)
	distractors := fs.Int("distractors", 10000, "synthetic distractor fingers added to the gallery (bench.Synth)")
	threads := fs.Int("threads", 0, "cores to search with (0: every core)")
	seed := fs.Uint64("seed", 1, "seed of the distractors")
	shortlist := fs.Float64("shortlist", 0.05, "also search two-stage, comparing this fraction of the gallery in full after screening (0: exhaustive only)")
	asJSON := fs.Bool("json", false, "print JSON")
	quiet := fs.Bool("q", false, "no progress bar")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sets, err := parseEvalSets(fs.Args())
	if err != nil {
		return err
	}
	if len(sets) == 0 || *distractors < 0 {
		return usageError("eval identify needs at least one LAYOUT:DIR (e.g. fcj2020:../shared/data/fingerprint/fcj2020)")
	}
	errOut := stderr
	if *quiet {
		errOut = io.Discard
	}
	type probe struct {
		finger string
		rec    *minutiae.Record
	}
	g := afis.NewGallery()
	var probes []probe
	rep := IdentifyEvalReport{Distractors: *distractors, Screening: "none (exhaustive)"}
	for _, s := range sets {
		rep.Datasets = append(rep.Datasets, s.layout+":"+s.dir)
		samples, err := bench.LoadDataset(s.dir, s.layout)
		if err != nil {
			return err
		}
		items := make([]enrolItem, len(samples))
		for i, sm := range samples {
			items[i] = enrolItem{path: sm.Path, id: s.dir + "#" + sm.Finger + "#" + strconv.Itoa(sm.Impression)}
		}
		recs := make([]*minutiae.Record, len(items))
		idx := map[string]int{}
		for i, it := range items {
			idx[it.id] = i
		}
		ppi := 500.0
		failed, err := enrolAll(items, ppi, nil, runtime.GOMAXPROCS(0), errOut, func(id string, rec *minutiae.Record) error {
			recs[idx[id]] = rec // enrolAll calls back in order, on this goroutine
			return nil
		})
		if err != nil {
			return err
		}
		rep.FTE += failed
		for i, sm := range samples {
			finger := s.dir + "#" + sm.Finger
			switch {
			case sm.Impression == 1 && recs[i] != nil:
				if err := g.Add(finger, recs[i]); err != nil {
					return err
				}
				rep.Mated++
			case sm.Impression != 1:
				probes = append(probes, probe{finger, recs[i]}) // nil: failed to enrol, a miss
			}
		}
	}
	bar := newProgress(errOut, *distractors)
	err = addSynthFingers(g, 0, *distractors, *seed, "synthetic#", bar, nil)
	bar.done()
	if err != nil {
		return err
	}
	rep.Gallery = g.Len()
	rep.Probes = len(probes)
	// search runs every probe with opts and returns the rank-1 and
	// rank-10 hit rates and the time taken.
	search := func(opts afis.SearchOptions) (rank1, rank10, seconds float64, err error) {
		start := time.Now()
		searched := newProgress(errOut, len(probes))
		hits1, hits10 := 0, 0
		for i, p := range probes {
			searched.set(i + 1)
			if p.rec == nil {
				continue
			}
			cands, err := g.Identify(context.Background(), p.rec, opts)
			if err != nil {
				return 0, 0, 0, err
			}
			for r, c := range cands {
				if c.ID == p.finger {
					if r == 0 {
						hits1++
					}
					hits10++
					break
				}
			}
		}
		searched.done()
		n := float64(max(1, len(probes)))
		return float64(hits1) / n, float64(hits10) / n, time.Since(start).Seconds(), nil
	}
	rep.Rank1, rep.Rank10, rep.Seconds, err = search(afis.SearchOptions{K: 10, Threads: *threads})
	if err != nil {
		return err
	}
	rep.PerSecond = float64(g.Views()) * float64(len(probes)) / rep.Seconds
	if *shortlist > 0 {
		rep.Shortlist = *shortlist
		rep.ScreenedRank1, rep.ScreenedRank10, rep.ScreenedSeconds, err = search(afis.SearchOptions{K: 10, Threads: *threads, Shortlist: *shortlist})
		if err != nil {
			return err
		}
		rep.Rank1Loss = rep.Rank1 - rep.ScreenedRank1
		rep.ScreenedPerSecond = float64(g.Views()) * float64(len(probes)) / rep.ScreenedSeconds
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	fmt.Fprintf(stdout, "gallery %d records (%d enrolled fingers + %d synthetic distractors), %d probes, %d failed to enrol\n",
		rep.Gallery, rep.Mated, rep.Distractors, rep.Probes, rep.FTE)
	fmt.Fprintf(stdout, "rank-1 %.2f %%  rank-10 %.2f %%  (%s; %.1f s, %.0f comparisons/s)\n", 100*rep.Rank1, 100*rep.Rank10, rep.Screening, rep.Seconds, rep.PerSecond)
	if rep.Shortlist > 0 {
		fmt.Fprintf(stdout, "rank-1 %.2f %%  rank-10 %.2f %%  (screening, %.3g of the gallery compared in full; %.1f s, %.0f fingers/s): rank-1 %.2f points below exhaustive\n",
			100*rep.ScreenedRank1, 100*rep.ScreenedRank10, rep.Shortlist, rep.ScreenedSeconds, rep.ScreenedPerSecond, 100*rep.Rank1Loss)
	}
	return nil
}
