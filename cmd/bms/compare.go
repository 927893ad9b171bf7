package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/openbms/bms/minutiae"
)

// CompareReport is what compare prints (the --json schema).
type CompareReport struct {
	A, B              string  `json:"-"`
	Probe             string  `json:"probe"`
	Candidate         string  `json:"candidate"`
	Score             float64 `json:"score"`
	FMR               float64 `json:"fmr"`                    // estimated false-match rate of a threshold at this score
	FMRAtLeast        bool    `json:"fmr_at_least,omitempty"` // below the calibrated range: FMR is a lower bound
	FMRAtMost         bool    `json:"fmr_at_most,omitempty"`  // far above it: FMR is an upper bound
	Extrapolated      bool    `json:"extrapolated"`           // the FMR is beyond what the calibration data measured
	Threshold         float64 `json:"threshold"`              // decision threshold
	ThresholdFMR      float64 `json:"threshold_fmr"`
	Match             bool    `json:"match"`
	ProbeMinutiae     int     `json:"probe_minutiae"`
	CandidateMinutiae int     `json:"candidate_minutiae"`
	// Latent says that one side is a latent: the score is
	// CompareLatent's and the FMR reads the latent calibration.
	Latent bool `json:"latent,omitempty"`
}

func runCompare(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("compare", stderr)
	asJSON := fs.Bool("json", false, "print one JSON object")
	fmr := fs.Float64("fmr", minutiae.DefaultFMR, "false-match rate of the decision threshold")
	ppi := fs.Float64("ppi", 0, "resolution of image inputs that state none (0: the file's, when it states at least 250 ppi, else 500)")
	latentA := fs.Bool("latent", false, "A is a latent (an image is extracted as one); a template that says it is a latent needs no flag")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usageError("compare needs two files (images, templates or ANSI/NIST transactions)")
	}
	var impression *minutiae.Impression
	if *latentA {
		li := minutiae.LatentImpression
		impression = &li
	}
	recA, err := loadFingerViews(fs.Arg(0), *ppi, impression, nil, true)
	if err != nil {
		return err
	}
	a := &recA.Views[0]
	if *latentA {
		a.Impression = minutiae.LatentImpression
	}
	b, err := loadFingerTemplate(fs.Arg(1), *ppi)
	if err != nil {
		return err
	}
	m, err := minutiae.NewMatcher(a)
	if err != nil {
		return err
	}
	pb, err := minutiae.Prepare(b)
	if err != nil {
		return err
	}
	// A latent on either side: only the whole print's minutiae inside
	// the latent's area count, and the latent calibration reads the score.
	cal := &minutiae.DefaultCalibration
	var score float64
	switch {
	case a.Impression.IsLatent():
		score, cal = m.CompareLatent(pb, minutiae.LatentProbe), &minutiae.DefaultLatentCalibration
	case b.Impression.IsLatent():
		score, cal = m.CompareLatent(pb, minutiae.LatentCandidate), &minutiae.DefaultLatentCalibration
	default:
		score = m.Compare(pb)
	}
	th := cal.ThresholdForFMR(*fmr)
	atLeast, atMost := cal.Bounded(score)
	rep := CompareReport{
		Probe: fs.Arg(0), Candidate: fs.Arg(1),
		Score:             score,
		FMR:               cal.FMRForScore(score),
		FMRAtLeast:        atLeast,
		FMRAtMost:         atMost,
		Extrapolated:      cal.Extrapolated(cal.FMRForScore(score)),
		Threshold:         th,
		ThresholdFMR:      *fmr,
		Match:             score >= th,
		ProbeMinutiae:     len(a.Minutiae),
		CandidateMinutiae: len(b.Minutiae),
		Latent:            cal == &minutiae.DefaultLatentCalibration,
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	decision := "no match"
	if rep.Match {
		decision = "MATCH"
	}
	rel, approx := "≈", ""
	switch {
	case rep.FMRAtLeast:
		rel = "≥"
	case rep.FMRAtMost:
		rel, approx = "≤", " (far beyond the calibration data)"
	case rep.Extrapolated:
		approx = " (extrapolated beyond the calibration data)"
	}
	fmt.Fprintf(stdout, "score %.4f  FMR %s %s%s\n", rep.Score, rel, percent(rep.FMR), approx)
	kind := ""
	if rep.Latent {
		kind = " (latent comparison, latent calibration)"
	}
	fmt.Fprintf(stdout, "%s at threshold %.4f (FMR %s); minutiae %d vs %d%s\n", decision, rep.Threshold, percent(rep.ThresholdFMR), rep.ProbeMinutiae, rep.CandidateMinutiae, kind)
	return nil
}

func percent(f float64) string {
	if math.IsNaN(f) {
		return "unknown"
	}
	return fmt.Sprintf("%.4g %%", 100*f)
}

// loadFingerTemplate reads one finger for comparison: the first view of a
// template file, the first Type-9 template of a transaction (or, without
// one, its first usable fingerprint image, extracted), or an image,
// extracted.
func loadFingerTemplate(path string, ppi float64) (*minutiae.Template, error) {
	rec, err := loadFingerViews(path, ppi, nil, nil, true)
	if err != nil {
		return nil, err
	}
	return &rec.Views[0], nil
}
