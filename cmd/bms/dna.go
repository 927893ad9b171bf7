package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/openbms/bms/dna"
)

const dnaUsage = `dna match|kinship|search|simulate [flags] ARGS:
  match    [--json] [-rules prum|high|moderate|low] [-min-loci N] [-freq TABLE] A B
  kinship  [--json] -freq TABLE [-kinship K] UNIDENTIFIED RELATIVES
  search   [--json] -freq TABLE [-k N] [-rules R] PROBES GALLERY...
  simulate [--json] -freq TABLE [-loci codis20] [-pairs N] [-seed S] [-threshold LR]`

func runDNA(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError("%s", dnaUsage)
	}
	switch args[0] {
	case "match":
		return runDNAMatch(args[1:], stdout, stderr)
	case "kinship":
		return runDNAKinship(args[1:], stdout, stderr)
	case "search":
		return runDNASearch(args[1:], stdout, stderr)
	case "simulate":
		return runDNASimulate(args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprintln(stderr, "usage: bms "+dnaUsage)
		return flag.ErrHelp
	}
	return usageError("unknown dna command %q; %s", args[0], dnaUsage)
}

// modelFlags are the population-genetic settings every statistic uses.
type modelFlags struct {
	freq     *string
	theta    *float64
	mutation *float64
	minFreq  *float64
	minLoci  *int
}

func addModelFlags(fs *flag.FlagSet) modelFlags {
	return modelFlags{
		freq:     fs.String("freq", "", "allele frequency table (NIST wide CSV, semicolon CSV, or EuropaDB blocks)"),
		theta:    fs.Float64("theta", dna.DefaultTheta, "coancestry coefficient θ (NRC II 4.10, Balding–Nichols)"),
		mutation: fs.Float64("mutation", dna.DefaultMutation.Rate, "STR mutation rate per meiosis and locus (0: none)"),
		minFreq:  fs.Float64("min-freq", 0, "minimum allele frequency (0: 5/2N, N stated or inferred from the table)"),
		minLoci:  fs.Int("min-loci", dna.DefaultMinLoci, "fully designated loci the quality gate and matching require"),
	}
}

func (f modelFlags) model() (*dna.Model, error) {
	if *f.freq == "" {
		return nil, usageError("-freq TABLE is required")
	}
	r, err := os.Open(*f.freq)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	tab, err := dna.ReadFrequencies(r, filepath.Base(*f.freq), dna.FrequencyOptions{MinFrequency: *f.minFreq})
	if err != nil {
		return nil, err
	}
	if *f.theta < 0 || *f.theta >= 1 || *f.mutation < 0 || *f.mutation >= 1 {
		return nil, usageError("-theta and -mutation must be in [0, 1)")
	}
	m := dna.NewModel(tab)
	m.Theta = *f.theta
	m.Mutation.Rate = *f.mutation
	return m, nil
}

func readProfileFile(path string) ([]*dna.Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ps, err := dna.ReadProfiles(f, dna.DefaultLimits)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ps, nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func lociNames(ls []dna.Locus) string {
	if len(ls) == 0 {
		return "-"
	}
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = l.String()
	}
	return strings.Join(s, " ")
}

// DNAMatchReport is one pair of `bms dna match` (the --json schema).
type DNAMatchReport struct {
	A      string          `json:"a"`
	B      string          `json:"b"`
	Result dna.MatchResult `json:"result"`
	// RMP is the random match probability of A's profile on the compared
	// loci, when a frequency table is given and the pair matches.
	RMP *float64 `json:"rmp,omitempty"`
}

func runDNAMatch(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("dna match", stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	rulesName := fs.String("rules", "prum", "prum, or CODIS stringency high, moderate, low")
	mf := addModelFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usageError("dna match needs two profile files (JSON or CSV)")
	}
	mode, err := dna.ParseMatchMode(*rulesName)
	if err != nil {
		return usageError("%v", err)
	}
	var model *dna.Model
	if *mf.freq != "" {
		if model, err = mf.model(); err != nil {
			return err
		}
	}
	as, err := readProfileFile(fs.Arg(0))
	if err != nil {
		return err
	}
	bs, err := readProfileFile(fs.Arg(1))
	if err != nil {
		return err
	}
	rules := dna.MatchRules{Mode: mode, MinLoci: *mf.minLoci}
	var reps []DNAMatchReport
	for _, a := range as {
		for _, b := range bs {
			rep := DNAMatchReport{A: a.ID, B: b.ID, Result: dna.Compare(a, b, rules)}
			if model != nil && rep.Result.Class != dna.NoMatch {
				shared := *a
				shared.Restrict(rep.Result.Matching)
				rmp, _ := model.MatchProbability(&shared)
				rep.RMP = &rmp
			}
			reps = append(reps, rep)
		}
	}
	if *asJSON {
		return writeJSON(stdout, reps)
	}
	for _, r := range reps {
		fmt.Fprintf(stdout, "%s vs %s: %s (%s rules; %d compared, %d matching, %d fully matching",
			r.A, r.B, r.Result.Class, r.Result.Rules, len(r.Result.Compared), len(r.Result.Matching), r.Result.FullyMatching)
		if r.RMP != nil {
			fmt.Fprintf(stdout, "; RMP %.3g", *r.RMP)
		}
		fmt.Fprintln(stdout, ")")
		if len(r.Result.Mismatching) > 0 {
			fmt.Fprintf(stdout, "  mismatching: %s\n", lociNames(r.Result.Mismatching))
		}
		if r.Result.Reason != "" {
			fmt.Fprintf(stdout, "  %s\n", r.Result.Reason)
		}
	}
	return nil
}

// DNAKinshipReport is what `bms dna kinship` prints (the --json schema).
type DNAKinshipReport struct {
	Unidentified string           `json:"unidentified"`
	Theta        float64          `json:"theta"`
	Pairwise     []DNAKinshipPair `json:"pairwise"`
	Joint        *dna.LRResult    `json:"joint,omitempty"`
	JointOf      []string         `json:"joint_of,omitempty"`
}

// DNAKinshipPair is one relative's pairwise LR.
type DNAKinshipPair struct {
	Relative string       `json:"relative"`
	Kinship  string       `json:"kinship"`
	Result   dna.LRResult `json:"result"`
}

func runDNAKinship(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("dna kinship", stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	kinName := fs.String("kinship", "", "test this kinship for every profile of the second file (default: each relative's stated relationship, and their joint pedigree LR)")
	mf := addModelFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usageError("dna kinship needs UNIDENTIFIED and RELATIVES profile files")
	}
	model, err := mf.model()
	if err != nil {
		return err
	}
	us, err := readProfileFile(fs.Arg(0))
	if err != nil {
		return err
	}
	rels, err := readProfileFile(fs.Arg(1))
	if err != nil {
		return err
	}
	if len(us) != 1 {
		return usageError("%s: want one unidentified profile, found %d", fs.Arg(0), len(us))
	}
	u := us[0]
	var forced dna.Kinship
	if *kinName != "" {
		if forced, err = dna.ParseKinship(*kinName); err != nil {
			return usageError("%v", err)
		}
	}
	gate := dna.QualityGate{MinLoci: *mf.minLoci, Table: model.Table}
	probe := *u
	probe.Subject = dna.Subject{Role: dna.Unidentified} // whatever the file says, it is compared as unknown
	if err := gate.Check(&probe); err != nil {
		return err
	}
	rep := DNAKinshipReport{Unidentified: u.ID, Theta: model.Theta}
	for _, r := range rels {
		if forced == 0 {
			if err := gate.Check(r); err != nil {
				return err
			}
		}
		k := forced
		x, y := r, u
		if k == 0 {
			k = r.Subject.Relationship.Kinship()
			if r.Subject.Relationship == dna.Child {
				x, y = u, r // the unidentified person would be the parent
			}
		}
		res, err := model.PairLR(x, y, k)
		if err != nil {
			return err
		}
		rep.Pairwise = append(rep.Pairwise, DNAKinshipPair{Relative: r.ID, Kinship: k.String(), Result: res})
	}
	if forced == 0 {
		joint, err := model.FamilyLR(u, rels)
		if err != nil {
			return err
		}
		rep.Joint = &joint
		for _, r := range rels {
			rep.JointOf = append(rep.JointOf, r.ID)
		}
	}
	if *asJSON {
		return writeJSON(stdout, rep)
	}
	fmt.Fprintf(stdout, "unidentified %s, θ = %g\n", u.ID, model.Theta)
	for _, p := range rep.Pairwise {
		fmt.Fprintf(stdout, "  %-20s %-14s LR %-10.3g log10 %.2f (%d loci)\n", p.Relative, p.Kinship, p.Result.LR, p.Result.Log10LR, len(p.Result.Loci))
	}
	if rep.Joint != nil {
		fmt.Fprintf(stdout, "  joint pedigree LR of %s: %.3g (log10 %.2f, %d loci)\n", strings.Join(rep.JointOf, ", "), rep.Joint.LR, rep.Joint.Log10LR, len(rep.Joint.Loci))
	}
	return nil
}

// DNASearchReport is one probe's results in `bms dna search` (the --json schema).
type DNASearchReport struct {
	Probe   string           `json:"probe"`
	Role    string           `json:"role"`
	Direct  []dna.DirectHit  `json:"direct,omitempty"`
	Alerts  []dna.AlertHit   `json:"alerts,omitempty"`
	Matches []dna.ProfileHit `json:"unidentified,omitempty"`
	Error   string           `json:"error,omitempty"`
}

func runDNASearch(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("dna search", stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	k := fs.Int("k", 10, "results per probe")
	rulesName := fs.String("rules", "prum", "direct-match rules: prum, high, moderate, low")
	mf := addModelFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() < 2 {
		return usageError("dna search needs PROBES and at least one GALLERY file")
	}
	mode, err := dna.ParseMatchMode(*rulesName)
	if err != nil {
		return usageError("%v", err)
	}
	if *k < 1 {
		return usageError("-k must be at least 1")
	}
	model, err := mf.model()
	if err != nil {
		return err
	}
	store := dna.NewStore(model, dna.QualityGate{MinLoci: *mf.minLoci})
	for _, path := range fs.Args()[1:] {
		ps, err := readProfileFile(path)
		if err != nil {
			return err
		}
		for _, p := range ps {
			if err := store.Add(p); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		}
	}
	probes, err := readProfileFile(fs.Arg(0))
	if err != nil {
		return err
	}
	ctx := context.Background()
	var reps []DNASearchReport
	for _, p := range probes {
		rep := DNASearchReport{Probe: p.ID, Role: p.Subject.Role.String()}
		var err error
		switch p.Subject.Role {
		case dna.RelativeOf, dna.MissingPerson:
			// A new profile for an alert: store it, then search the
			// unidentified profiles with the alert's whole family.
			if err = store.Add(p); err == nil {
				rep.Matches, err = store.SearchUnidentified(ctx, p.Subject.Alert, *k)
			}
		default:
			if rep.Direct, err = store.Match(ctx, p, dna.MatchRules{Mode: mode, MinLoci: *mf.minLoci}, *k); err == nil {
				rep.Alerts, err = store.SearchAlerts(ctx, p, *k)
			}
		}
		if err != nil {
			rep.Error = err.Error()
		}
		reps = append(reps, rep)
	}
	if *asJSON {
		return writeJSON(stdout, reps)
	}
	a, u := store.Len()
	fmt.Fprintf(stdout, "gallery: %d alert profiles, %d unidentified profiles; table %s, θ = %g\n", a, u, model.Table.Name, model.Theta)
	for _, r := range reps {
		fmt.Fprintf(stdout, "probe %s (%s)\n", r.Probe, r.Role)
		if r.Error != "" {
			fmt.Fprintf(stdout, "  refused: %s\n", r.Error)
			continue
		}
		for _, h := range r.Direct {
			fmt.Fprintf(stdout, "  direct %-11s %-20s %d/%d loci match, mismatching: %s\n", h.Result.Class, h.ID, len(h.Result.Matching), len(h.Result.Compared), lociNames(h.Result.Mismatching))
		}
		for i, h := range r.Alerts {
			fmt.Fprintf(stdout, "  %2d. alert %-16s log10 LR %8s  %s via %s\n", i+1, h.Alert, fmtLog(h.Likelihood.Log10LR), h.Method, strings.Join(h.Profiles, ", "))
		}
		for i, h := range r.Matches {
			fmt.Fprintf(stdout, "  %2d. unidentified %-20s log10 LR %8s\n", i+1, h.ID, fmtLog(h.Likelihood.Log10LR))
		}
	}
	return nil
}

func fmtLog(v float64) string {
	if math.IsInf(v, -1) {
		return "-inf"
	}
	return fmt.Sprintf("%.2f", v)
}

func runDNASimulate(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("dna simulate", stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	lociName := fs.String("loci", "codis20", "locus set: codis20, ess or all (those of the table)")
	pairs := fs.Int("pairs", 10000, "pairs (and families) per relationship")
	seed := fs.Uint64("seed", 1, "random seed")
	threshold := fs.Float64("threshold", 1e4, "LR threshold whose exceedance is reported")
	mf := addModelFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError("dna simulate takes flags only")
	}
	if *pairs < 1 || *pairs > 10_000_000 {
		return usageError("-pairs must be in [1, 10000000]")
	}
	model, err := mf.model()
	if err != nil {
		return err
	}
	loci, err := dna.LocusSet(*lociName)
	if err != nil {
		return usageError("%v", err)
	}
	if *lociName == "all" {
		loci = model.Table.Loci()
	}
	rep, err := dna.SimulatePower(model, loci, *pairs, *threshold, *seed)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, rep)
	}
	fmt.Fprintf(stdout, "table %s, %d loci, θ = %g, mutation rate %g, seed %d\n", rep.Table, len(rep.Loci), rep.Theta, rep.Mutation, rep.Seed)
	fmt.Fprintf(stdout, "%-14s %-32s %8s %10s %9s %9s %9s\n", "true", "tested", "pairs", fmt.Sprintf("LR>%.0g", *threshold), "median", "p05", "p95")
	for _, r := range rep.Rows {
		fmt.Fprintf(stdout, "%-14s %-32s %8d %9.2f%% %9.2f %9.2f %9.2f\n", r.True, r.Tested, r.Pairs, 100*r.ShareAbove, r.MedianLog10, r.P05Log10, r.P95Log10)
	}
	fmt.Fprintln(stdout, "(median/p05/p95: log10 LR)")
	return nil
}
