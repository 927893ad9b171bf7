package dna

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Allele is one STR allele designation, packed in 16 bits: a repeat number
// in tenths (so the microvariant 9.3 is 93) and two kind bits for the
// off-ladder forms. The zero Allele is "no allele".
//
//	kind 0: designated repeat number ("15", "9.3")
//	kind 1: below the ladder ("<8")
//	kind 2: above the ladder (">30")
//	kind 3: OffLadder ("OL", value unknown) or Wildcard ("*")
type Allele uint16

const (
	kindShift        = 14
	valueMask        = 1<<kindShift - 1
	kindDesignated   = 0
	kindBelow        = 1
	kindAbove        = 2
	kindSpecial      = 3
	maxRepeatTenths  = 2000 // 200 repeats: far beyond any STR allele, a bound on garbage
	microvariantBase = 10
)

// Wildcard is the Prüm "*": an allele present but not designated; it is
// compatible with any allele in matching and makes its locus neutral in
// statistics.
const Wildcard Allele = kindSpecial<<kindShift | 1

// OffLadder is an allele outside the ladder whose size was not stated
// ("OL"). Like a wildcard it is compatible with any allele; in statistics it
// counts as a rare allele (the table's minimum frequency).
const OffLadder Allele = kindSpecial<<kindShift | 2

// Repeat returns the designated allele of r repeats; r is rounded to tenths
// (microvariants: 9.3 is nine full repeats and three bases).
func Repeat(r float64) Allele {
	t := int(r*microvariantBase + 0.5)
	if t <= 0 || t > maxRepeatTenths {
		return 0
	}
	return Allele(t)
}

func (a Allele) kind() int   { return int(a >> kindShift) }
func (a Allele) tenths() int { return int(a & valueMask) }
func (a Allele) Valid() bool {
	return a != 0 && (a.kind() != kindSpecial || a == Wildcard || a == OffLadder)
}

// Designated reports whether the allele has an exact repeat number.
func (a Allele) Designated() bool { return a != 0 && a.kind() == kindDesignated }

// Repeats is the repeat number (9.3 for the microvariant), or the bound of
// an off-ladder allele ("<8" gives 8); 0 for OL and wildcards.
func (a Allele) Repeats() float64 {
	if a.kind() == kindSpecial {
		return 0
	}
	return float64(a.tenths()) / microvariantBase
}

// sortKey orders alleles by size; a "<8" sorts just before 8, a ">30" just
// after 30, and OL and wildcards last, so a genotype prints as labs write it.
func (a Allele) sortKey() int {
	switch a.kind() {
	case kindDesignated:
		return a.tenths()*4 + 1
	case kindBelow:
		return a.tenths() * 4
	case kindAbove:
		return a.tenths()*4 + 2
	}
	return 1<<20 + int(a&valueMask)
}

// String is the designation as labs write it: "15", "9.3", "<8", ">30",
// "OL", "*".
func (a Allele) String() string {
	switch {
	case a == 0:
		return ""
	case a == Wildcard:
		return "*"
	case a == OffLadder:
		return "OL"
	}
	t := a.tenths()
	s := strconv.Itoa(t / microvariantBase)
	if f := t % microvariantBase; f != 0 {
		s += "." + strconv.Itoa(f)
	}
	switch a.kind() {
	case kindBelow:
		return "<" + s
	case kindAbove:
		return ">" + s
	}
	return s
}

// ErrBadAllele is wrapped by every error about an allele designation.
var ErrBadAllele = errors.New("bad allele")

// ParseAllele reads one designation: a repeat number with at most one
// decimal digit for the microvariant ("15", "16.3"), an off-ladder form
// ("<8", ">30", "OL") or the wildcard "*".
func ParseAllele(s string) (Allele, error) {
	s = strings.TrimSpace(s)
	switch strings.ToUpper(s) {
	case "*":
		return Wildcard, nil
	case "OL":
		return OffLadder, nil
	case "":
		return 0, fmt.Errorf("dna: %w: empty designation", ErrBadAllele)
	}
	kind := kindDesignated
	body := s
	switch s[0] {
	case '<':
		kind, body = kindBelow, strings.TrimSpace(s[1:])
	case '>':
		kind, body = kindAbove, strings.TrimSpace(s[1:])
	}
	t, ok := parseTenths(body)
	if !ok {
		return 0, fmt.Errorf("dna: %w %q: want a repeat number such as 15 or 9.3, <8, >30, OL or *", ErrBadAllele, clip(s))
	}
	return Allele(kind<<kindShift | t), nil
}

// parseTenths reads "12" or "12.3" (one decimal digit) into tenths, within
// (0, maxRepeatTenths].
func parseTenths(s string) (int, bool) {
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(whole) > 3 || (hasFrac && len(frac) != 1) {
		return 0, false
	}
	t := 0
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, false
		}
		t = t*10 + int(c-'0')
	}
	if !hasFrac {
		t *= microvariantBase
	}
	if t <= 0 || t > maxRepeatTenths {
		return 0, false
	}
	return t, true
}

// compatibility of two alleles in direct matching.
const (
	alleleDiffer     = 0 // different alleles
	alleleCompatible = 1 // may be the same allele: a wildcard, OL, or an overlapping off-ladder range
	alleleSame       = 2 // the same designated repeat number
)

// compareAlleles follows the Prüm conversion of non-numeric values to
// wildcards, narrowed for ranges: "<8" can only be an allele below 8, so it
// is compatible with 7 or 6.3 but not with 9.
func compareAlleles(a, b Allele) int {
	if a == b && a.Designated() {
		return alleleSame
	}
	alo, ahi := a.span()
	blo, bhi := b.span()
	if alo <= bhi && blo <= ahi {
		return alleleCompatible
	}
	return alleleDiffer
}

// span is the range of repeat numbers, in tenths, the allele may stand for.
func (a Allele) span() (lo, hi int) {
	switch a.kind() {
	case kindDesignated:
		return a.tenths(), a.tenths()
	case kindBelow:
		return 1, a.tenths() - 1
	case kindAbove:
		return a.tenths() + 1, maxRepeatTenths
	}
	return 1, maxRepeatTenths
}

// Genotype is the pair of alleles of a single-source profile at one locus,
// smaller first; a homozygote has A == B. The zero Genotype means the locus
// was not typed.
type Genotype struct{ A, B Allele }

// NewGenotype orders the two alleles; pass the same allele twice for a
// homozygote.
func NewGenotype(a, b Allele) Genotype {
	if b.sortKey() < a.sortKey() {
		a, b = b, a
	}
	return Genotype{a, b}
}

// Typed reports whether the locus holds a genotype.
func (g Genotype) Typed() bool { return g.A != 0 }

// Homozygous reports whether both alleles are the same designation.
func (g Genotype) Homozygous() bool { return g.A == g.B }

// FullyDesignated reports whether both alleles have exact repeat numbers —
// what Prüm and the quality gate count ("full designated loci").
func (g Genotype) FullyDesignated() bool { return g.A.Designated() && g.B.Designated() }

// HasWildcard reports whether an allele is "*" or "OL": the genotype cannot
// be used in statistics.
func (g Genotype) HasWildcard() bool { return g.A.kind() == kindSpecial || g.B.kind() == kindSpecial }

// String writes "15,16.3" ("15,15" for a homozygote), "" when untyped.
func (g Genotype) String() string {
	if !g.Typed() {
		return ""
	}
	return g.A.String() + "," + g.B.String()
}

// ErrMixture is wrapped by the error for a locus with more than two alleles.
var ErrMixture = errors.New("more than two alleles: mixtures are not accepted, a profile must be single-source")

// ParseGenotype reads "15,16.3" (also "15/16.3" or "15 16.3"). A single
// allele ("15") is a homozygote, as databases write it; "15,*" is one
// allele and an undesignated one. An empty string is an untyped locus.
// Three or more alleles are refused with ErrMixture.
func ParseGenotype(s string) (Genotype, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '/' || r == ' ' || r == ';' || r == '\t' })
	switch len(fields) {
	case 0:
		return Genotype{}, nil
	case 1, 2:
	default:
		return Genotype{}, fmt.Errorf("dna: %q has %d alleles: %w", clip(s), len(fields), ErrMixture)
	}
	a, err := ParseAllele(fields[0])
	if err != nil {
		return Genotype{}, err
	}
	b := a
	if len(fields) == 2 {
		if b, err = ParseAllele(fields[1]); err != nil {
			return Genotype{}, err
		}
	}
	return NewGenotype(a, b), nil
}

// MarshalText writes the String form, so genotypes are JSON strings.
func (g Genotype) MarshalText() ([]byte, error) { return []byte(g.String()), nil }

// UnmarshalText reads what ParseGenotype reads.
func (g *Genotype) UnmarshalText(b []byte) error {
	v, err := ParseGenotype(string(b))
	if err != nil {
		return err
	}
	*g = v
	return nil
}
