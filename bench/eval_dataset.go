package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Sample is one fingerprint image of an evaluation dataset.
type Sample struct {
	// Finger identifies the finger: two samples are mated (genuine) exactly
	// when their Finger fields are equal. FVC2000 uses the finger number
	// ("101"), FCJ2020 person and finger code ("101_4").
	Finger string
	// Impression is the impression number of the finger, 1-based as in the
	// file names.
	Impression int
	// Path is the file path, Dir joined with the file's place in the
	// dataset, ready to open.
	Path string
}

// Person is the part of Finger before the first underscore: the capture
// subject for FCJ2020 ("101" for "101_4"). For FVC2000, where every finger is
// its own subject as far as the file names tell, it is the whole Finger.
func (s Sample) Person() string {
	if i := strings.IndexByte(s.Finger, '_'); i >= 0 {
		return s.Finger[:i]
	}
	return s.Finger
}

// Dataset layouts understood by [LoadDataset].
const (
	LayoutFVC     = "fvc"     // {finger}_{impression}.tif, FVC2000 B sets
	LayoutFCJ2020 = "fcj2020" // DB{n}/{person}_{finger}_{impression}.bmp
)

// LoadDataset loads the samples of dir laid out as layout ([LayoutFVC] or
// [LayoutFCJ2020]).
func LoadDataset(dir, layout string) ([]Sample, error) {
	switch layout {
	case LayoutFVC:
		return LoadFVC(dir)
	case LayoutFCJ2020:
		return LoadFCJ2020(dir)
	}
	return nil, fmt.Errorf("bench: unknown dataset layout %q (want %q or %q)", layout, LayoutFVC, LayoutFCJ2020)
}

// LoadFVC lists an FVC2000-style database directory: files named
// {finger}_{impression}.tif (extension case-insensitive), finger and
// impression decimal numbers. Other files are ignored, so a stray README or
// thumbnail cache does not break an evaluation; a directory without any
// sample, or with the same finger and impression twice, is an error. The
// samples are sorted by finger (numerically) and impression.
func LoadFVC(dir string) ([]Sample, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("bench: FVC dataset: %w", err)
	}
	var out []Sample
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		parts, ok := splitName(e.Name(), ".tif", 2)
		if !ok {
			continue
		}
		imp, err := strconv.Atoi(parts[1])
		if err != nil || imp < 1 {
			continue
		}
		out = append(out, Sample{Finger: parts[0], Impression: imp, Path: filepath.Join(dir, e.Name())})
	}
	return finishSamples(out, dir)
}

// LoadFCJ2020 lists an FCJ2020 database directory: sub-directories DB{n}
// holding files {person}_{finger}_{impression}.bmp (extension
// case-insensitive), where n is the impression. The finger identity is
// "{person}_{finger}". A file whose impression disagrees with its folder is
// an error (the layout would be misunderstood); other files and folders are
// ignored. The samples are sorted by person, finger (numerically) and
// impression.
func LoadFCJ2020(dir string) ([]Sample, error) {
	top, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("bench: FCJ2020 dataset: %w", err)
	}
	var out []Sample
	for _, d := range top {
		if !d.IsDir() || !strings.HasPrefix(d.Name(), "DB") {
			continue
		}
		folderImp, err := strconv.Atoi(d.Name()[2:])
		if err != nil {
			continue
		}
		sub := filepath.Join(dir, d.Name())
		entries, err := os.ReadDir(sub)
		if err != nil {
			return nil, fmt.Errorf("bench: FCJ2020 dataset: %w", err)
		}
		for _, e := range entries {
			if e.IsDir() {
				continue
			}
			parts, ok := splitName(e.Name(), ".bmp", 3)
			if !ok {
				continue
			}
			imp, err := strconv.Atoi(parts[2])
			if err != nil || imp < 1 {
				continue
			}
			if imp != folderImp {
				return nil, fmt.Errorf("bench: FCJ2020 dataset: %s holds impression %d but its folder says %d",
					filepath.Join(sub, e.Name()), imp, folderImp)
			}
			out = append(out, Sample{Finger: parts[0] + "_" + parts[1], Impression: imp, Path: filepath.Join(sub, e.Name())})
		}
	}
	return finishSamples(out, dir)
}

// splitName splits "a_b_c.ext" into n underscore-separated fields, each a
// non-empty run of decimal digits; ok is false for any other name.
func splitName(name, ext string, n int) ([]string, bool) {
	if len(name) <= len(ext) || !strings.EqualFold(name[len(name)-len(ext):], ext) {
		return nil, false
	}
	parts := strings.Split(name[:len(name)-len(ext)], "_")
	if len(parts) != n {
		return nil, false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return nil, false
		}
	}
	return parts, true
}

func finishSamples(s []Sample, dir string) ([]Sample, error) {
	if len(s) == 0 {
		return nil, fmt.Errorf("bench: no samples with the expected naming in %s", dir)
	}
	sortSamples(s)
	for i := 1; i < len(s); i++ {
		if s[i].Finger == s[i-1].Finger && s[i].Impression == s[i-1].Impression {
			return nil, fmt.Errorf("bench: finger %s impression %d appears twice (%s, %s)",
				s[i].Finger, s[i].Impression, s[i-1].Path, s[i].Path)
		}
	}
	return s, nil
}

// sortSamples orders samples by finger (underscore-separated fields compared
// numerically, so "9" < "10") and impression: the order that fixes the
// order of the protocol's pairs.
func sortSamples(s []Sample) {
	sort.SliceStable(s, func(i, j int) bool {
		if c := compareFinger(s[i].Finger, s[j].Finger); c != 0 {
			return c < 0
		}
		return s[i].Impression < s[j].Impression
	})
}

func compareFinger(a, b string) int {
	fa, fb := strings.Split(a, "_"), strings.Split(b, "_")
	for k := 0; k < len(fa) && k < len(fb); k++ {
		na, ea := strconv.ParseUint(fa[k], 10, 64)
		nb, eb := strconv.ParseUint(fb[k], 10, 64)
		if ea == nil && eb == nil {
			if na != nb {
				if na < nb {
					return -1
				}
				return 1
			}
			continue
		}
		if c := strings.Compare(fa[k], fb[k]); c != 0 {
			return c
		}
	}
	return len(fa) - len(fb)
}

// Pair is one comparison of the protocol: indices into the sample list.
// Probe < Candidate always (the comparisons are unordered, as in FVC: when g
// is compared with h, h is not compared with g).
type Pair struct {
	Probe, Candidate int
	Genuine          bool
}

// Protocols understood by [Protocol].
const (
	// ProtocolFVC is the FVC2000 protocol: genuine = every unordered pair
	// of impressions of the same finger; impostor = the first impression of
	// each finger against the first impression of every other finger.
	ProtocolFVC = "fvc"
	// ProtocolFull keeps the genuine pairs of ProtocolFVC and takes as
	// impostors every impression against every impression of every other
	// finger (unordered).
	ProtocolFull = "full"
)

// Protocol returns the comparisons of kind ([ProtocolFVC] or
// [ProtocolFull]) over samples: first all genuine pairs, then all impostor
// pairs, each group in sample order (probe ascending, then candidate), so
// the list — and everything computed from it — is the same on every run.
// "First impression" is the lowest impression number present for the
// finger (impression 1 on complete datasets). Samples of one finger need
// not be adjacent.
func Protocol(samples []Sample, kind string) ([]Pair, error) {
	if kind != ProtocolFVC && kind != ProtocolFull {
		return nil, fmt.Errorf("bench: unknown protocol %q (want %q or %q)", kind, ProtocolFVC, ProtocolFull)
	}
	var pairs []Pair
	for i := range samples {
		for j := i + 1; j < len(samples); j++ {
			if samples[i].Finger == samples[j].Finger {
				pairs = append(pairs, Pair{Probe: i, Candidate: j, Genuine: true})
			}
		}
	}
	first := map[string]int{} // finger -> index of its first impression
	for i, s := range samples {
		if k, ok := first[s.Finger]; !ok || s.Impression < samples[k].Impression {
			first[s.Finger] = i
		}
	}
	for i := range samples {
		if kind == ProtocolFVC && first[samples[i].Finger] != i {
			continue
		}
		for j := i + 1; j < len(samples); j++ {
			if samples[i].Finger == samples[j].Finger {
				continue
			}
			if kind == ProtocolFVC && first[samples[j].Finger] != j {
				continue
			}
			pairs = append(pairs, Pair{Probe: i, Candidate: j})
		}
	}
	return pairs, nil
}

// ExcludeSamePerson returns pairs without the impostor pairs whose two
// samples belong to the same person ([Sample.Person]). FCJ2020 needs it: a
// few of its fingers seem captured twice under two finger codes of the same
// person, so its official impostor set (19,900 pairs) holds some mated
// pairs; dropping the 300 same-person pairs removes them as a class.
// Genuine pairs, and pairs whose indices are out of range (left for the
// evaluator to reject), are kept. The input is not modified.
func ExcludeSamePerson(samples []Sample, pairs []Pair) []Pair {
	out := make([]Pair, 0, len(pairs))
	for _, p := range pairs {
		if !p.Genuine && validPair(p, len(samples)) &&
			samples[p.Probe].Person() == samples[p.Candidate].Person() {
			continue
		}
		out = append(out, p)
	}
	return out
}

// CountPairs returns the numbers of genuine and impostor pairs.
func CountPairs(pairs []Pair) (genuine, impostor int) {
	for _, p := range pairs {
		if p.Genuine {
			genuine++
		} else {
			impostor++
		}
	}
	return genuine, impostor
}

func validPair(p Pair, n int) bool {
	return p.Probe >= 0 && p.Probe < n && p.Candidate >= 0 && p.Candidate < n
}
