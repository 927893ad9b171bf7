package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/openbms/bms/bench"
	"github.com/openbms/bms/minutiae"
)

// runCalibrateLatent measures the score ↔ false-match-rate map of latent
// comparisons (minutiae.Matcher.CompareLatent). No public set holds
// enough latents for that, so it simulates them: each print of the dataset
// gives one partial print (bench.Synth.Partial: a disc of its minutiae plus
// spurious ones), compared with every print of every other person. Real
// latents given with -check are compared with every print of the dataset
// (none of which may be their mate) to show how the calibration holds on
// them.
func runCalibrateLatent(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("calibrate latent", stderr)
	layout := fs.String("layout", bench.LayoutFCJ2020, "dataset layout: fvc or fcj2020")
	write := fs.String("write", "", "write the measured calibration as Go source to this file (minutiae/latent_calibration_table.go)")
	ppi := fs.Float64("ppi", 500, "resolution of the images")
	seed := fs.Uint64("seed", 1, "seed of the simulated latents")
	check := fs.String("check", "", "comma-separated real latents (images, extracted as latents, or templates) whose mates are not in DIR")
	anyRotation := fs.Bool("any-rotation", false, "compare at any rotation (bms identify -any-rotation) and check the FMR bound its estimates use; no table is written")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("calibrate latent needs one dataset DIR")
	}
	if *anyRotation && *write != "" {
		return usageError("calibrate latent: -any-rotation checks the bound on the default table; it writes none")
	}
	dir := fs.Arg(0)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	samples, err := bench.LoadDataset(dir, *layout)
	if err != nil {
		return err
	}
	temps := make([]*minutiae.Template, len(samples))
	prepared := make([]*minutiae.Prepared, len(samples))
	extract := extractForEval(*ppi)
	if err := parallel(ctx, len(samples), func(i int) error {
		e, err := extract(samples[i].Path)
		if err == nil { // a failure to enrol is left out
			temps[i], prepared[i] = e.template, e.prepared
		}
		return nil
	}); err != nil {
		return err
	}

	synth := bench.NewSynth(*seed)
	partials := make([]*minutiae.Template, len(samples))
	for i, t := range temps {
		if t != nil {
			partials[i] = synth.Partial(t)
		}
	}
	perProbe := make([][]float64, len(samples))
	if err := parallel(ctx, len(samples), func(i int) error {
		if partials[i] == nil {
			return nil
		}
		m, err := minutiae.NewMatcher(partials[i])
		if err != nil {
			return nil // too few usable minutiae: no comparison
		}
		m.SetLatentAnyRotation(*anyRotation)
		for j, p := range prepared {
			if p != nil && samples[j].Person() != samples[i].Person() {
				perProbe[i] = append(perProbe[i], m.CompareLatent(p, minutiae.LatentProbe))
			}
		}
		return nil
	}); err != nil {
		return err
	}
	var impostors []float64
	latents := 0
	for _, s := range perProbe {
		if len(s) > 0 {
			latents++
		}
		impostors = append(impostors, s...)
	}
	fmt.Fprintf(stdout, "%s: %d prints, %d simulated latents, %d impostor comparisons (latent against every print of another person)\n",
		dir, len(samples), latents, len(impostors))
	if *anyRotation {
		printObservedAt(stdout, "any rotation, the default latent calibration's bound (4 × its rate) on this data", minutiae.LatentAnyRotationThresholdForFMR, nil, impostors, 1e-4)
		return nil
	}
	printObserved(stdout, "default latent calibration on this data", &minutiae.DefaultLatentCalibration, impostors, 1e-4)

	c, err := minutiae.NewCalibration(impostors, fmt.Sprintf("%s, %d simulated latents (bench.Synth.Partial, seed %d) against every print of another person, %d impostor comparisons",
		dir, latents, *seed, len(impostors)))
	if err != nil {
		return err
	}
	if *check != "" {
		for _, path := range strings.Split(*check, ",") {
			impression := minutiae.LatentImpression
			rec, err := loadFingerViews(path, 0, &impression, nil, true)
			if err != nil {
				return err
			}
			m, err := minutiae.NewMatcher(&rec.Views[0])
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			var scores []float64
			for _, p := range prepared {
				if p != nil {
					scores = append(scores, m.CompareLatent(p, minutiae.LatentProbe))
				}
			}
			printObserved(stdout, fmt.Sprintf("real latent %s (%d minutiae) against the %d prints, measured calibration", path, len(rec.Views[0].Minutiae), len(scores)), c, scores, 1e-4)
		}
	}

	return reportCalibration(stdout, c, *write, "latent", "DefaultLatentCalibration", []string{
		"DefaultLatentCalibration is the score ↔ false-match-rate map of latent",
		"comparisons (Matcher.CompareLatent), measured with simulated latents",
		"against the prints of development data. Regenerate it whenever",
		"extraction or comparison changes:",
	}, "latent_calibration_table.go")
}

// parallel runs f(0..n-1) on every core, stopping at the first error or
// when ctx ends.
func parallel(ctx context.Context, n int, f func(i int) error) error {
	g, ctx := errgroup.WithContext(ctx)
	var next atomic.Int64
	for range runtime.GOMAXPROCS(0) {
		g.Go(func() error {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return nil
				}
				if err := ctx.Err(); err != nil {
					return err
				}
				if err := f(i); err != nil {
					return err
				}
			}
		})
	}
	return g.Wait()
}
