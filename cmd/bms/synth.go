package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/openbms/bms/bench"
	"github.com/openbms/bms/minutiae"
)

// SynthReport is what `synth finger -compare F --json` prints.
type SynthReport struct {
	Fingers          int                `json:"fingers"`
	Seed             uint64             `json:"seed"`
	SynthImpostors   int                `json:"synthetic_impostor_scores"`
	RealImpostors    int                `json:"real_impostor_scores"`
	KSDistance       float64            `json:"ks_distance"`
	KSPValue         float64            `json:"ks_p_value"`
	SynthQuantiles   map[string]float64 `json:"synthetic_quantiles"`
	RealQuantiles    map[string]float64 `json:"real_quantiles"`
	ThresholdFMR1e3  float64            `json:"threshold_fmr_1e-3"`
	SynthFMRAt1e3    float64            `json:"synthetic_fmr_at_threshold_1e-3"`
	RealFMRAt1e3     float64            `json:"real_fmr_at_threshold_1e-3"`
	TemplatesWritten int                `json:"templates_written,omitempty"`
}

func runSynth(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "finger" {
		return usageError("synth needs a modality: bms synth finger [flags]")
	}
	fs := newFlags("synth finger", stderr)
	fingers := fs.Int("fingers", 200, "synthetic fingers compared all against all")
	seed := fs.Uint64("seed", 1, "generator seed")
	compare := fs.String("compare", "", "scores.csv of `bms eval finger -out DIR`: compare the impostor distributions (two-sample Kolmogorov–Smirnov)")
	outDir := fs.String("o", "", "also write the synthetic fingers as templates to this directory")
	format := fs.String("format", "iso2011", "template format for -o")
	asJSON := fs.Bool("json", false, "print JSON")
	score := fs.Bool("score", true, "compare the fingers all against all; -score=false with -o only writes them (a distractor gallery)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *fingers < 2 || *fingers > 20000 || fs.NArg() != 0 {
		return usageError("synth finger takes flags only, with 2 ≤ -fingers ≤ 20000")
	}
	if !*score && (*outDir == "" || *compare != "") {
		return usageError("synth finger -score=false needs -o and cannot -compare")
	}
	s := bench.NewSynth(*seed)
	rep := SynthReport{Fingers: *fingers, Seed: *seed}
	if *outDir != "" {
		f, err := minutiae.ParseFormat(*format)
		if err != nil {
			return usageError("%v", err)
		}
		if err := os.MkdirAll(*outDir, 0o755); err != nil {
			return err
		}
		w := bench.NewSynth(*seed)
		for i := range *fingers {
			data, err := minutiae.Encode(&minutiae.Record{Views: []minutiae.Template{*w.Finger()}}, f)
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(*outDir, fmt.Sprintf("synth-%05d.%s", i, *format)), data, 0o644); err != nil {
				return err
			}
		}
		rep.TemplatesWritten = *fingers
	}
	if !*score {
		if *asJSON {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(rep)
		}
		fmt.Fprintf(stdout, "%d synthetic fingers (seed %d) written to %s\n", rep.Fingers, rep.Seed, *outDir)
		return nil
	}
	syn, err := s.ImpostorScores(*fingers)
	if err != nil {
		return err
	}
	rep.SynthImpostors = len(syn)
	rep.SynthQuantiles = quantiles(syn)
	rep.ThresholdFMR1e3 = minutiae.ThresholdForFMR(1e-3)
	rep.SynthFMRAt1e3 = shareAtLeast(syn, rep.ThresholdFMR1e3)
	if *compare != "" {
		f, err := os.Open(*compare)
		if err != nil {
			return err
		}
		rows, err := bench.ReadScoresCSV(f)
		f.Close()
		if err != nil {
			return err
		}
		_, real := bench.SplitRows(rows)
		if len(real) == 0 {
			return fmt.Errorf("%s holds no impostor scores", *compare)
		}
		rep.RealImpostors = len(real)
		rep.RealQuantiles = quantiles(real)
		rep.RealFMRAt1e3 = shareAtLeast(real, rep.ThresholdFMR1e3)
		rep.KSDistance, rep.KSPValue = bench.KolmogorovSmirnov(syn, real)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	fmt.Fprintf(stdout, "%d synthetic fingers (seed %d): %d impostor comparisons\n", rep.Fingers, rep.Seed, rep.SynthImpostors)
	fmt.Fprintf(stdout, "%-10s %8s %8s %8s %8s %8s   FMR at the 0.1 %% threshold (%.4f)\n", "", "p50", "p90", "p99", "p99.9", "max", rep.ThresholdFMR1e3)
	row := func(name string, q map[string]float64, fmr float64) {
		fmt.Fprintf(stdout, "%-10s %8.4f %8.4f %8.4f %8.4f %8.4f   %.4f %%\n", name, q["p50"], q["p90"], q["p99"], q["p99.9"], q["max"], 100*fmr)
	}
	row("synthetic", rep.SynthQuantiles, rep.SynthFMRAt1e3)
	if rep.RealImpostors > 0 {
		row("real", rep.RealQuantiles, rep.RealFMRAt1e3)
		fmt.Fprintf(stdout, "two-sample Kolmogorov–Smirnov: D = %.4f (p = %.3g) over %d real impostor scores\n", rep.KSDistance, rep.KSPValue, rep.RealImpostors)
	}
	return nil
}

func quantiles(v []float64) map[string]float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	q := func(p float64) float64 { return s[int(p*float64(len(s)-1))] }
	return map[string]float64{"p50": q(0.5), "p90": q(0.9), "p99": q(0.99), "p99.9": q(0.999), "max": s[len(s)-1]}
}

func shareAtLeast(v []float64, t float64) float64 {
	n := 0
	for _, x := range v {
		if x >= t {
			n++
		}
	}
	return float64(n) / float64(len(v))
}
