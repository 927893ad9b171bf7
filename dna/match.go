package dna

import (
	"fmt"
	"strings"
)

// MatchMode selects the direct-matching rules.
type MatchMode uint8

const (
	// Prum: full match when every compared allele agrees; near match when
	// exactly one allele differs. Either needs MinLoci fully designated
	// loci that match (Council Decision 2008/616/JHA, Annex ch. 1).
	Prum MatchMode = iota + 1
	// CODISHigh: every compared locus has the same alleles.
	CODISHigh
	// CODISModerate: at every compared locus the alleles of one profile
	// are all in the other (15 matches 15,16: allelic dropout).
	CODISModerate
	// CODISLow: every compared locus shares at least one allele.
	CODISLow
)

var matchModeNames = map[MatchMode]string{Prum: "prum", CODISHigh: "high", CODISModerate: "moderate", CODISLow: "low"}

func (m MatchMode) String() string {
	if s, ok := matchModeNames[m]; ok {
		return s
	}
	return fmt.Sprintf("MatchMode(%d)", uint8(m))
}

// ParseMatchMode reads "prum", "high", "moderate" or "low".
func ParseMatchMode(s string) (MatchMode, error) {
	n := strings.ToLower(strings.TrimSpace(s))
	n = strings.TrimPrefix(n, "codis-")
	for m, name := range matchModeNames {
		if n == name {
			return m, nil
		}
	}
	if n == "prüm" {
		return Prum, nil
	}
	return 0, fmt.Errorf("dna: unknown match rules %q (want prum, high, moderate or low)", clip(s))
}

// MatchRules configure direct matching.
type MatchRules struct {
	Mode MatchMode
	// MinLoci is the least number of fully designated loci that must match
	// (0: DefaultMinLoci).
	MinLoci int
}

func (r MatchRules) minLoci() int {
	if r.MinLoci <= 0 {
		return DefaultMinLoci
	}
	return r.MinLoci
}

// allowedMismatches is how many mismatches (alleles for Prüm, loci for
// CODIS) still leave a reportable match.
func (r MatchRules) allowedMismatches() int {
	if r.Mode == Prum {
		return 1
	}
	return 0
}

// MatchClass is the outcome of a direct comparison.
type MatchClass uint8

const (
	NoMatch MatchClass = iota
	// NearMatch: one allele differs (Prüm only).
	NearMatch
	// FullMatch: every compared locus agrees under the rules.
	FullMatch
)

var matchClassNames = [...]string{"no-match", "near-match", "match"}

func (c MatchClass) String() string {
	if int(c) < len(matchClassNames) {
		return matchClassNames[c]
	}
	return fmt.Sprintf("MatchClass(%d)", uint8(c))
}

// MarshalText writes the class's name.
func (c MatchClass) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// MatchResult is a direct comparison: every locus typed in both profiles
// is compared; Matching lists those that agree under the rules,
// Mismatching those that do not. Inexact lists matching loci where a
// wildcard or off-ladder allele made the agreement possible rather than
// certain.
type MatchResult struct {
	Class       MatchClass `json:"class"`
	Rules       string     `json:"rules"`
	Compared    []Locus    `json:"compared"`
	Matching    []Locus    `json:"matching"`
	Mismatching []Locus    `json:"mismatching"`
	Inexact     []Locus    `json:"inexact,omitempty"`
	// FullyMatching counts matching loci where both genotypes are fully
	// designated and identical: what the minimum of MinLoci applies to.
	FullyMatching int `json:"fully_matching"`
	// MismatchedAlleles counts differing alleles (Prüm).
	MismatchedAlleles int    `json:"mismatched_alleles"`
	Reason            string `json:"reason,omitempty"`
}

// locusOutcome is one locus's comparison, packed so a scan can add the
// outcomes of a row's loci in one uint32 (8 bits per count).
type locusOutcome uint32

const (
	outCompared      = 1 << 0
	outFullyMatching = 1 << 8
	outMismatch      = 1 << 16 // per mismatching allele (Prüm) or locus (CODIS)
	outInexact       = 1 << 24
)

func (o locusOutcome) compared() int      { return int(o & 0xff) }
func (o locusOutcome) fullyMatching() int { return int(o >> 8 & 0xff) }
func (o locusOutcome) mismatches() int    { return int(o >> 16 & 0xff) }
func (o locusOutcome) inexact() int       { return int(o >> 24) }

// compareLocus compares two typed genotypes under the rules.
func compareLocus(a, b Genotype, mode MatchMode) locusOutcome {
	// Pair the alleles the way that leaves fewer differences.
	straight := [2]int{compareAlleles(a.A, b.A), compareAlleles(a.B, b.B)}
	crossed := [2]int{compareAlleles(a.A, b.B), compareAlleles(a.B, b.A)}
	pair := straight
	if differing(crossed) < differing(straight) || (differing(crossed) == differing(straight) && exact(crossed) > exact(straight)) {
		pair = crossed
	}
	diff := differing(pair)
	out := locusOutcome(outCompared)
	inexact := pair[0] == alleleCompatible || pair[1] == alleleCompatible
	var ok bool
	switch mode {
	case Prum:
		out += locusOutcome(diff) * outMismatch
		ok = diff == 0
	case CODISHigh:
		ok = diff == 0
	case CODISModerate:
		ok = subset(a, b) || subset(b, a)
	case CODISLow:
		ok = shares(a, b)
	}
	if mode != Prum && !ok {
		out += outMismatch
	}
	if ok && inexact {
		out += outInexact
	}
	if ok && diff == 0 && !inexact && a.FullyDesignated() && b.FullyDesignated() {
		out += outFullyMatching
	}
	return out
}

func differing(p [2]int) int {
	return boolCount(p[0] == alleleDiffer) + boolCount(p[1] == alleleDiffer)
}
func exact(p [2]int) int { return boolCount(p[0] == alleleSame) + boolCount(p[1] == alleleSame) }

// subset reports whether every allele of a has a counterpart in b.
func subset(a, b Genotype) bool {
	in := func(x Allele) bool {
		return compareAlleles(x, b.A) != alleleDiffer || compareAlleles(x, b.B) != alleleDiffer
	}
	return in(a.A) && in(a.B)
}

func shares(a, b Genotype) bool {
	for _, x := range [2]Allele{a.A, a.B} {
		for _, y := range [2]Allele{b.A, b.B} {
			if compareAlleles(x, y) != alleleDiffer {
				return true
			}
		}
	}
	return false
}

// classify turns summed outcomes into a class and the reason when none.
func (r MatchRules) classify(sum locusOutcome) (MatchClass, string) {
	mis, full := sum.mismatches(), sum.fullyMatching()
	switch {
	case mis > r.allowedMismatches():
		if r.Mode == Prum {
			return NoMatch, fmt.Sprintf("%d alleles differ", mis)
		}
		return NoMatch, fmt.Sprintf("%d loci fail %s stringency", mis, r.Mode)
	case full < r.minLoci():
		return NoMatch, fmt.Sprintf("%d fully designated matching loci, at least %d needed", full, r.minLoci())
	case mis == 1:
		return NearMatch, ""
	}
	return FullMatch, ""
}

// Compare matches two profiles directly under the rules.
func Compare(a, b *Profile, rules MatchRules) MatchResult {
	if rules.Mode == 0 {
		rules.Mode = Prum
	}
	res := MatchResult{Rules: rules.Mode.String(), Compared: []Locus{}, Matching: []Locus{}, Mismatching: []Locus{}}
	var sum locusOutcome
	for l := Locus(1); l < numLoci; l++ {
		ga, gb := a.loci[l], b.loci[l]
		if !ga.Typed() || !gb.Typed() {
			continue
		}
		o := compareLocus(ga, gb, rules.Mode)
		sum += o
		res.Compared = append(res.Compared, l)
		if o.mismatches() > 0 {
			res.Mismatching = append(res.Mismatching, l)
		} else {
			res.Matching = append(res.Matching, l)
			if o.inexact() > 0 {
				res.Inexact = append(res.Inexact, l)
			}
		}
	}
	res.FullyMatching = sum.fullyMatching()
	if rules.Mode == Prum {
		res.MismatchedAlleles = sum.mismatches()
	}
	res.Class, res.Reason = rules.classify(sum)
	return res
}

// UnmarshalText reads a class's name.
func (c *MatchClass) UnmarshalText(b []byte) error {
	for i, n := range matchClassNames {
		if n == string(b) {
			*c = MatchClass(i)
			return nil
		}
	}
	return fmt.Errorf("dna: unknown match class %q", clip(string(b)))
}
