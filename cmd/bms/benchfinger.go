package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/openbms/bms/afis"
	"github.com/openbms/bms/bench"
	"github.com/openbms/bms/minutiae"
)

// FingerBenchRun is one measured configuration of `bench finger`.
type FingerBenchRun struct {
	Gallery int `json:"gallery"`
	Threads int `json:"threads"`
	Probes  int `json:"probes"`
	// ComparisonsPerSecondPerCore is exhaustive, full-accuracy
	// comparisons (gallery × probes / time) per thread.
	ComparisonsPerSecondPerCore float64 `json:"comparisons_per_second_per_core"`
	// EffectivePerSecondPerCore is the gallery fingers searched per second
	// per thread with screening (-shortlist); without it, it equals the
	// exhaustive rate (Screening says which).
	EffectivePerSecondPerCore float64 `json:"effective_per_second_per_core"`
	Screening                 string  `json:"screening"`
	// Shortlist is the fraction of the gallery compared in full after
	// screening (0: no screened searches were run).
	Shortlist float64 `json:"shortlist"`
	// The screened searches' latency and rank-1 (when Shortlist > 0);
	// the plain latency and rank-1 fields are the exhaustive searches'.
	ScreenedLatencyP50ms float64 `json:"screened_latency_p50_ms,omitempty"`
	ScreenedLatencyP99ms float64 `json:"screened_latency_p99_ms,omitempty"`
	ScreenedRank1        float64 `json:"screened_rank1,omitempty"`
	BytesPerFinger       float64 `json:"bytes_per_finger"`
	LatencyP50ms         float64 `json:"latency_p50_ms"`
	LatencyP99ms         float64 `json:"latency_p99_ms"`
	// Rank1 is the share of probes (other impressions of gallery fingers)
	// whose finger came first.
	Rank1 float64 `json:"rank1"`
}

// FingerBenchReport is what `bench finger --json` prints: the fields of
// the first run at the top level, every run in Runs.
type FingerBenchReport struct {
	FingerBenchRun
	BuildSeconds float64          `json:"build_seconds"`
	Runs         []FingerBenchRun `json:"runs"`
}

func parseIntList(s string, allCores int) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "all" {
			out = append(out, allCores)
			continue
		}
		n, err := strconv.Atoi(strings.ReplaceAll(f, "_", ""))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad count %q", f)
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func runBenchFinger(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench finger", stderr)
	galleries := fs.String("gallery", "10000", "gallery sizes, comma-separated (e.g. 10000,100000,1000000)")
	threadList := fs.String("threads", "1,all", "thread counts, comma-separated ('all': every core)")
	probes := fs.Int("probes", 20, "searches per configuration (mated: other impressions of gallery fingers)")
	seed := fs.Uint64("seed", 1, "seed of the synthetic gallery")
	shortlist := fs.Float64("shortlist", 0.05, "also search with screening, comparing this fraction of the gallery in full (0: exhaustive only)")
	plot := fs.String("plot", "", "write a PNG of exhaustive throughput against threads and gallery size (with -shortlist, also FILE-screened.png)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sizes, err := parseIntList(*galleries, runtime.NumCPU())
	if err != nil {
		return usageError("-gallery: %v", err)
	}
	threads, err := parseIntList(*threadList, runtime.NumCPU())
	if err != nil {
		return usageError("-threads: %v", err)
	}
	if *probes < 1 || fs.NArg() != 0 {
		return usageError("bench finger takes flags only, and -probes ≥ 1")
	}

	// The gallery grows to each size in turn; probes are impressions of
	// fingers enrolled before the smallest size is reached.
	rng := rand.New(rand.NewPCG(*seed, 7))
	probeAt := make(map[int]bool)
	for len(probeAt) < min(*probes, sizes[0]) {
		probeAt[rng.IntN(sizes[0])] = true
	}
	g := afis.NewGallery()
	var probeRecs []*minutiae.Record
	var probeIDs []string
	build := time.Duration(0)
	report := FingerBenchReport{}
	progress := newProgress(stderr, sizes[len(sizes)-1])
	var series, screened []bench.ThroughputSeries
	for _, n := range sizes {
		start := time.Now()
		if err := growSynthGallery(g, n, *seed, probeAt, &probeRecs, &probeIDs, progress); err != nil {
			return err
		}
		build += time.Since(start)
		s := bench.ThroughputSeries{Label: fmt.Sprintf("gallery %d", n)}
		sc := bench.ThroughputSeries{Label: s.Label}
		for _, t := range threads {
			run, err := measureSearches(g, probeRecs, probeIDs, t, *shortlist)
			if err != nil {
				return err
			}
			report.Runs = append(report.Runs, run)
			s.Points = append(s.Points, bench.ThroughputPoint{Threads: t, PerSec: run.ComparisonsPerSecondPerCore * float64(t)})
			sc.Points = append(sc.Points, bench.ThroughputPoint{Threads: t, PerSec: run.EffectivePerSecondPerCore * float64(t)})
		}
		series = append(series, s)
		screened = append(screened, sc)
	}
	progress.done()
	report.FingerBenchRun = report.Runs[0]
	report.BuildSeconds = build.Seconds()
	if *plot != "" {
		if err := writeThroughputPlot(*plot, "exhaustive 1:N fingerprint search", series); err != nil {
			return err
		}
		if *shortlist > 0 {
			path := strings.TrimSuffix(*plot, filepath.Ext(*plot)) + "-screened.png"
			title := fmt.Sprintf("1:N search with screening (%g compared in full)", *shortlist)
			if err := writeThroughputPlot(path, title, screened); err != nil {
				return err
			}
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(report)
	}
	fmt.Fprintf(stdout, "synthetic gallery built in %.1f s (bench.Synth, seed %d); %s\n", report.BuildSeconds, *seed, cpuLine())
	fmt.Fprintf(stdout, "%10s %7s %14s %14s %10s %10s %8s %7s\n", "gallery", "threads", "fingers/s", "per core", "p50 ms", "p99 ms", "B/finger", "rank-1")
	for _, r := range report.Runs {
		fmt.Fprintf(stdout, "%10d %7d %14.0f %14.0f %10.2f %10.2f %8.0f %6.1f%%  exhaustive\n", r.Gallery, r.Threads,
			r.ComparisonsPerSecondPerCore*float64(r.Threads), r.ComparisonsPerSecondPerCore, r.LatencyP50ms, r.LatencyP99ms, r.BytesPerFinger, 100*r.Rank1)
		if r.Shortlist > 0 {
			fmt.Fprintf(stdout, "%10s %7s %14.0f %14.0f %10.2f %10.2f %8s %6.1f%%  screened, shortlist %.3g\n", "", "",
				r.EffectivePerSecondPerCore*float64(r.Threads), r.EffectivePerSecondPerCore, r.ScreenedLatencyP50ms, r.ScreenedLatencyP99ms, "", 100*r.ScreenedRank1, r.Shortlist)
		}
	}
	return nil
}

func cpuLine() string {
	return fmt.Sprintf("%d cores, GOMAXPROCS %d", runtime.NumCPU(), runtime.GOMAXPROCS(0))
}

// addSynthFingers enrols the synthetic fingers from to to-1 (each drawn by
// its own generator, seeded by seed and its index, so that the gallery is
// the same whatever the worker count) as records idPrefix+index, on every
// core; added, when not nil, is called with each finger (concurrently).
func addSynthFingers(g *afis.Gallery, from, to int, seed uint64, idPrefix string, progress *progress, added func(i int, id string, f *minutiae.Template)) error {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	start := g.Len()
	for w := range workers {
		wg.Go(func() {
			for i := from + w; i < to; i += workers {
				f := bench.NewSynth(seed<<32 ^ uint64(i)).Finger()
				id := idPrefix + strconv.Itoa(i)
				if err := g.Add(id, &minutiae.Record{Views: []minutiae.Template{*f}}); err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				if added != nil {
					added(i, id, f)
				}
				if i%1000 == 0 {
					progress.set(g.Len() - start + from)
				}
			}
		})
	}
	wg.Wait()
	progress.set(to)
	return firstErr
}

// growSynthGallery adds synthetic fingers until g holds n, keeping an
// impression of those chosen as probes.
func growSynthGallery(g *afis.Gallery, n int, seed uint64, probeAt map[int]bool, probeRecs *[]*minutiae.Record, probeIDs *[]string, progress *progress) error {
	var mu sync.Mutex
	return addSynthFingers(g, g.Len(), n, seed, "", progress, func(i int, id string, f *minutiae.Template) {
		if !probeAt[i] {
			return
		}
		imp := bench.NewSynth(seed<<32 ^ uint64(i) ^ 0x5bd1e995).Impression(f)
		mu.Lock()
		*probeRecs = append(*probeRecs, &minutiae.Record{Views: []minutiae.Template{*imp}})
		*probeIDs = append(*probeIDs, id)
		mu.Unlock()
	})
}

func measureSearches(g *afis.Gallery, probes []*minutiae.Record, ids []string, threads int, shortlist float64) (FingerBenchRun, error) {
	run := FingerBenchRun{Gallery: g.Len(), Threads: threads, Probes: len(probes), Screening: "none (exhaustive)"}
	timed := func(opts afis.SearchOptions) (total float64, p50, p99, rank1 float64, err error) {
		lat := make([]float64, 0, len(probes))
		hits := 0
		start := time.Now()
		for i, p := range probes {
			t0 := time.Now()
			cands, err := g.Identify(context.Background(), p, opts)
			if err != nil {
				return 0, 0, 0, 0, err
			}
			lat = append(lat, float64(time.Since(t0))/float64(time.Millisecond))
			if len(cands) > 0 && cands[0].ID == ids[i] {
				hits++
			}
		}
		total = time.Since(start).Seconds()
		slices.Sort(lat)
		return total, lat[len(lat)/2], lat[min(len(lat)-1, len(lat)*99/100)], float64(hits) / float64(len(probes)), nil
	}
	total, p50, p99, rank1, err := timed(afis.SearchOptions{K: 10, Threads: threads})
	if err != nil {
		return run, err
	}
	perCore := func(total float64) float64 {
		return float64(g.Views()) * float64(len(probes)) / total / float64(threads)
	}
	run.LatencyP50ms, run.LatencyP99ms, run.Rank1 = p50, p99, rank1
	run.ComparisonsPerSecondPerCore = perCore(total)
	run.EffectivePerSecondPerCore = run.ComparisonsPerSecondPerCore
	run.BytesPerFinger = float64(g.Bytes()) / float64(g.Views())
	if shortlist > 0 {
		total, p50, p99, rank1, err := timed(afis.SearchOptions{K: 10, Threads: threads, Shortlist: shortlist})
		if err != nil {
			return run, err
		}
		run.Shortlist = shortlist
		run.Screening = fmt.Sprintf("screening (%s kernel), %.3g of the gallery compared in full", screenKernelName(), shortlist)
		run.EffectivePerSecondPerCore = perCore(total)
		run.ScreenedLatencyP50ms, run.ScreenedLatencyP99ms, run.ScreenedRank1 = p50, p99, rank1
	}
	return run, nil
}

func screenKernelName() string {
	_, screen := minutiae.Kernels()
	return screen
}

// writeThroughputPlot writes the last four series (the largest galleries)
// as a PNG.
func writeThroughputPlot(path, title string, series []bench.ThroughputSeries) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if len(series) > 4 {
		series = series[len(series)-4:]
	}
	err = bench.WriteThroughputPNG(f, title, "fingers/s", series)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
