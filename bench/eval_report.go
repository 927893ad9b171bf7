package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Config describes one fingerprint accuracy evaluation for [RunFinger].
type Config[T any] struct {
	// Dir is the dataset directory (an FVC2000 DBn_B folder, or the
	// FCJ2020 folder holding DB1..DB6).
	Dir string
	// Layout is LayoutFVC ("fvc") or LayoutFCJ2020 ("fcj2020").
	Layout string
	// Protocol is ProtocolFVC ("fvc", the default when empty) or
	// ProtocolFull ("full").
	Protocol string
	// Name labels the dataset in the report and the plots; empty means the
	// last element of Dir.
	Name string
	// OutDir, when not empty, receives scores.csv, report.json, det.png
	// and scores.png (created if missing, files overwritten).
	OutDir string
	// AuditThreshold, when positive, turns on the label audit
	// ([FindSuspectLabels]) at this score: every impression is also
	// compared with every impression of every other finger (the pairs of
	// [ProtocolFull], whatever Protocol is; the metrics and scores.csv
	// stay those of Protocol), and the report lists the suspect labels and
	// the metrics without the pairs that involve them.
	AuditThreshold float64
	// Evaluator extracts and compares: Extract and one of Compare or
	// NewCompare are required.
	Evaluator[T]
}

// Report is the outcome of one evaluation. Rates are fractions in [0, 1].
// The embedded Metrics (genuine, impostor, eer, fmr100, fmr1000, zerofmr,
// ...) are those of the official protocol with failures to enrol scored as
// FailureScore.
type Report struct {
	Dataset  string `json:"dataset"`
	Layout   string `json:"layout"`
	Protocol string `json:"protocol"`
	Samples  int    `json:"samples"` // images in the dataset
	Fingers  int    `json:"fingers"` // distinct fingers

	// FTE is the number of samples that failed to enrol (a count, not a
	// rate); FTERate is FTE / Samples, the figure FVC reports as the
	// enrolment rejection rate. FTESamples names them (relative to the
	// dataset directory) with the extractor's error.
	FTE        int      `json:"fte"`
	FTERate    float64  `json:"fte_rate"`
	FTESamples []string `json:"fte_samples,omitempty"`

	Metrics

	// WithoutSamePerson holds the metrics with the impostor pairs of two
	// fingers of the same person removed (see [ExcludeSamePerson]); it is
	// set only when the protocol has such pairs (FCJ2020), nil otherwise.
	WithoutSamePerson *Metrics `json:"without_same_person,omitempty"`

	// ExcludingFTE holds the metrics of the pairs whose two samples both
	// enrolled — FVC's EER* ("the value that EER would take if the
	// matching failures were excluded") — set only when some sample failed
	// to enrol and pairs of both classes remain.
	ExcludingFTE *Metrics `json:"excluding_fte,omitempty"`

	// AuditThreshold, SuspectLabels and WithoutSuspectLabels are set by
	// the label audit (Config.AuditThreshold): the samples that match
	// another finger and none of their own, and the metrics of the
	// protocol without every pair involving one of them (nil when there
	// is none).
	AuditThreshold       float64        `json:"audit_threshold,omitempty"`
	SuspectLabels        []SuspectLabel `json:"suspect_labels,omitempty"`
	WithoutSuspectLabels *Metrics       `json:"without_suspect_labels,omitempty"`

	// Files lists the files written in OutDir.
	Files []string `json:"files,omitempty"`

	// Wall-clock times of the two stages (not deterministic).
	ExtractSeconds float64 `json:"extract_seconds"`
	CompareSeconds float64 `json:"compare_seconds"`
}

// Output file names written by [RunFinger] into Config.OutDir.
const (
	ScoresCSVFile = "scores.csv"
	ReportFile    = "report.json"
	DETFile       = "det.png"
	HistogramFile = "scores.png"
)

// RunFinger is the single entry point of a fingerprint accuracy evaluation:
// it loads the dataset (Dir, Layout), builds the protocol's pairs, extracts
// every image once and compares every pair in parallel ([Evaluator]),
// computes the metrics — also without same-person impostor pairs when
// there are some — and, when OutDir is set, writes the scores, the report
// and the two plots there. The report is returned even if writing an
// output file fails, together with the error.
func RunFinger[T any](ctx context.Context, cfg Config[T]) (*Report, error) {
	protocol := cfg.Protocol
	if protocol == "" {
		protocol = ProtocolFVC
	}
	name := cfg.Name
	if name == "" {
		name = filepath.Base(filepath.Clean(cfg.Dir))
	}
	samples, err := LoadDataset(cfg.Dir, cfg.Layout)
	if err != nil {
		return nil, err
	}
	pairs, err := Protocol(samples, protocol)
	if err != nil {
		return nil, err
	}
	runPairs := pairs
	if cfg.AuditThreshold > 0 && protocol != ProtocolFull {
		if runPairs, err = Protocol(samples, ProtocolFull); err != nil {
			return nil, err
		}
	}
	ev := cfg.Evaluator

	t0 := time.Now()
	var extractDone time.Time
	progress := ev.Progress
	ev.Progress = func(stage string, done, total int) {
		if stage == "extract" && done == total {
			extractDone = time.Now()
		}
		if progress != nil {
			progress(stage, done, total)
		}
	}
	sc, err := ev.Run(ctx, samples, runPairs)
	if err != nil {
		return nil, err
	}
	audited := sc
	if len(runPairs) != len(pairs) {
		var ok bool
		if sc, ok = restrictScores(audited, pairs); !ok {
			return nil, fmt.Errorf("bench: %s: the %s protocol's pairs are not all in the full protocol", name, protocol)
		}
	}
	if extractDone.IsZero() {
		extractDone = time.Now()
	}

	rep := &Report{Dataset: name, Layout: cfg.Layout, Protocol: protocol, Samples: len(samples),
		ExtractSeconds: extractDone.Sub(t0).Seconds(), CompareSeconds: time.Since(extractDone).Seconds()}
	fingers := map[string]bool{}
	for _, s := range samples {
		fingers[s.Finger] = true
	}
	rep.Fingers = len(fingers)
	rep.FTE = len(sc.Failures)
	rep.FTERate = float64(rep.FTE) / float64(len(samples))
	for _, f := range sc.Failures {
		rep.FTESamples = append(rep.FTESamples, relName(cfg.Dir, samples[f.Sample].Path)+": "+f.Err.Error())
	}

	gen, imp := sc.Split(nil)
	if rep.Metrics, err = ComputeMetrics(gen, imp); err != nil {
		return nil, fmt.Errorf("bench: %s: %w", name, err)
	}
	series := []DETSeries{{Label: name, Genuine: gen, Impostor: imp}}
	notSame := func(p Pair) bool {
		return p.Genuine || samples[p.Probe].Person() != samples[p.Candidate].Person()
	}
	// Only when the exclusion changes something, and leaves impostors to
	// measure (a dataset of one person's fingers would have none).
	if g2, i2 := sc.Split(notSame); len(i2) < len(imp) && len(i2) > 0 {
		m, err := ComputeMetrics(g2, i2)
		if err != nil {
			return nil, fmt.Errorf("bench: %s without same-person impostors: %w", name, err)
		}
		rep.WithoutSamePerson = &m
		series = append(series, DETSeries{Label: name + ", no same-person impostors", Genuine: g2, Impostor: i2})
	}

	if cfg.AuditThreshold > 0 {
		rep.AuditThreshold = cfg.AuditThreshold
		rep.SuspectLabels = FindSuspectLabels(audited, cfg.Dir, cfg.AuditThreshold)
		if len(rep.SuspectLabels) > 0 {
			if g4, i4 := sc.Split(withoutSamples(rep.SuspectLabels)); len(g4) > 0 && len(i4) > 0 {
				m, err := ComputeMetrics(g4, i4)
				if err != nil {
					return nil, fmt.Errorf("bench: %s without suspect labels: %w", name, err)
				}
				rep.WithoutSuspectLabels = &m
				series = append(series, DETSeries{Label: fmt.Sprintf("%s, without %d suspect labels", name, len(rep.SuspectLabels)), Genuine: g4, Impostor: i4})
			}
		}
	}

	if rep.FTE > 0 {
		bothEnrolled := func(p Pair) bool { return sc.Enrolled[p.Probe] && sc.Enrolled[p.Candidate] }
		if g3, i3 := sc.Split(bothEnrolled); len(g3) > 0 && len(i3) > 0 {
			m, err := ComputeMetrics(g3, i3)
			if err != nil {
				return nil, fmt.Errorf("bench: %s excluding failures to enrol: %w", name, err)
			}
			rep.ExcludingFTE = &m
		}
	}

	if cfg.OutDir == "" {
		return rep, nil
	}
	return rep, writeOutputs(cfg.OutDir, cfg.Dir, rep, sc, series)
}

func writeOutputs(outDir, dataDir string, rep *Report, sc *Scores, series []DETSeries) error {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	gen, imp := sc.Split(nil)
	writers := []struct {
		name  string
		write func(io.Writer) error
	}{
		{ScoresCSVFile, func(w io.Writer) error { return WriteScoresCSV(w, dataDir, sc.Samples, sc.Pairs, sc.Scores) }},
		{DETFile, func(w io.Writer) error {
			return WriteDETPNG(w, "DET curve, "+rep.Dataset+", "+rep.Protocol+" protocol", series)
		}},
		{HistogramFile, func(w io.Writer) error {
			return WriteHistogramPNG(w, "Score distributions, "+rep.Dataset+", "+rep.Protocol+" protocol", gen, imp)
		}},
	}
	var errs []error
	for _, o := range writers {
		if err := writeFile(filepath.Join(outDir, o.name), o.write); err != nil {
			errs = append(errs, err)
			continue
		}
		rep.Files = append(rep.Files, o.name)
	}
	// The report goes last so that it lists the files really written.
	rep.Files = append(rep.Files, ReportFile)
	if err := writeFile(filepath.Join(outDir, ReportFile), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}); err != nil {
		rep.Files = rep.Files[:len(rep.Files)-1]
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	bw := bufio.NewWriter(f)
	werr := write(bw)
	if werr == nil {
		werr = bw.Flush()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("bench: writing %s: %w", path, werr)
	}
	return nil
}

// WriteText writes the report as a short human-readable summary, rates in
// per cent, as the command line prints it.
func (r *Report) WriteText(w io.Writer) error {
	pct := func(f float64) string { return fmt.Sprintf("%.2f%%", 100*f) }
	line := func(label string, m *Metrics) string {
		return fmt.Sprintf("%-30s EER %s [%s, %s]  FMR100 %s  FMR1000 %s  ZeroFMR %s  (%d genuine, %d impostor)\n",
			label, pct(m.EER), pct(m.EERLow), pct(m.EERHigh), pct(m.FMR100), pct(m.FMR1000), pct(m.ZeroFMR),
			m.Genuine, m.Impostor)
	}
	s := fmt.Sprintf("%s (%s layout, %s protocol): %d samples, %d fingers, FTE %d (%s)\n",
		r.Dataset, r.Layout, r.Protocol, r.Samples, r.Fingers, r.FTE, pct(r.FTERate))
	s += line("all pairs", &r.Metrics)
	if r.WithoutSamePerson != nil {
		s += line("without same-person impostors", r.WithoutSamePerson)
	}
	if r.ExcludingFTE != nil {
		s += line("excluding failures to enrol", r.ExcludingFTE)
	}
	if r.AuditThreshold > 0 {
		if r.WithoutSuspectLabels != nil {
			s += line(fmt.Sprintf("without %d suspect labels", len(r.SuspectLabels)), r.WithoutSuspectLabels)
		}
		s += fmt.Sprintf("label audit at score %.4f: %d samples match %d+ impressions of another finger and none of their own\n",
			r.AuditThreshold, len(r.SuspectLabels), MinSuspectMatches)
		for _, l := range r.SuspectLabels {
			s += fmt.Sprintf("  %s (filed as %s) looks like %s: %d impressions, best %.3f; best with its own finger %.3f\n",
				l.Sample, l.Finger, l.LooksLike, l.Matches, l.BestOther, l.BestOwn)
		}
	}
	_, err := io.WriteString(w, s)
	return err
}
