package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/openbms/bms/bench"
	"github.com/openbms/bms/minutiae"
)

// evalTemplate is what the evaluation keeps per image: the template a
// probe is made from and the prepared form candidates are compared in.
type evalTemplate struct {
	template *minutiae.Template
	prepared *minutiae.Prepared
}

func runEval(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "identify" {
		return runEvalIdentify(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "face" {
		return runEvalFace(args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "finger" {
		return usageError("eval needs a modality: bms eval finger [flags] DIR, bms eval identify [flags] LAYOUT:DIR..., or bms eval face -embeddings FILE.npy -labels FILE.txt")
	}
	fs := newFlags("eval finger", stderr)
	layout := fs.String("layout", bench.LayoutFVC, "dataset layout: fvc (FVC2000 DBn_B) or fcj2020")
	protocol := fs.String("protocol", bench.ProtocolFVC, "fvc (official pairs) or full (every impression against every impression of other fingers)")
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	outDir := fs.String("out", "", "directory for scores.csv, report.json, det.png and scores.png")
	workers := fs.Int("workers", 0, "goroutines per stage (0: every core)")
	ppi := fs.Float64("ppi", 500, "resolution of the images (the FVC2000 and FCJ2020 files state none; the protocol treats them as 500 ppi)")
	quiet := fs.Bool("q", false, "no progress bar")
	audit := fs.Bool("audit", false, "label audit: also compare every impression with every impression of the other fingers and list the samples that match another finger (at FMR 0.01 %) but none of their own, with the metrics without them")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("eval finger needs one dataset DIR")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	var bar *progress
	stage := ""
	cfg := bench.Config[*evalTemplate]{
		Dir:      fs.Arg(0),
		Layout:   *layout,
		Protocol: *protocol,
		OutDir:   *outDir,
		Evaluator: bench.Evaluator[*evalTemplate]{
			Extract:    extractForEval(*ppi),
			NewCompare: newEvalCompare,
			Workers:    *workers,
		},
	}
	if *audit {
		cfg.AuditThreshold = minutiae.ThresholdForFMR(1e-4)
	}
	if !*quiet {
		cfg.Progress = func(s string, done, total int) {
			if s != stage {
				if bar != nil {
					bar.done()
				}
				stage = s
				fmt.Fprintf(stderr, "%s:\n", s)
				bar = newProgress(stderr, total)
			}
			bar.set(done)
		}
	}
	rep, err := bench.RunFinger(ctx, cfg)
	if bar != nil {
		bar.done()
	}
	if rep == nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if e := enc.Encode(rep); e != nil {
			return e
		}
	} else if e := rep.WriteText(stdout); e != nil {
		return e
	}
	return err
}

// extractForEval makes the per-image step of an evaluation: decode,
// extract at the given resolution, prepare for comparison.
func extractForEval(ppi float64) func(path string) (*evalTemplate, error) {
	return func(path string) (*evalTemplate, error) {
		img, err := minutiae.DecodeImageFile(path)
		if err != nil {
			return nil, err
		}
		t, err := minutiae.Extract(img.Gray, minutiae.ExtractOptions{PPI: ppi})
		if err != nil {
			return nil, err
		}
		p, err := minutiae.Prepare(t)
		if err != nil {
			return nil, err
		}
		return &evalTemplate{template: t, prepared: p}, nil
	}
}

// newEvalCompare gives each comparison goroutine its own matcher. Pairs
// come grouped by probe, so the matcher of the current probe is kept
// instead of being prepared per comparison.
func newEvalCompare() func(probe, candidate *evalTemplate) float64 {
	var current *evalTemplate
	var m *minutiae.Matcher
	return func(probe, candidate *evalTemplate) float64 {
		if probe != current {
			current, m = probe, minutiae.NewMatcherPrepared(probe.prepared)
		}
		return m.Compare(candidate.prepared)
	}
}
