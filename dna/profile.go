package dna

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Role says whose DNA a profile is, which decides how it may be used.
type Role uint8

const (
	// Unidentified is a profile of an unknown person or of human remains:
	// what is searched against the missing-person alerts.
	Unidentified Role = iota + 1
	// MissingPerson is the missing person's own profile (e.g. from a
	// toothbrush), attached to their alert.
	MissingPerson
	// RelativeOf is the profile of a relative of the missing person, given
	// with the relative's explicit consent (Art. 42(3)).
	RelativeOf
)

var roleNames = map[Role]string{Unidentified: "unidentified", MissingPerson: "missing-person", RelativeOf: "relative"}

func (r Role) String() string {
	if s, ok := roleNames[r]; ok {
		return s
	}
	return fmt.Sprintf("Role(%d)", uint8(r))
}

// MarshalText writes the role's name.
func (r Role) MarshalText() ([]byte, error) {
	if _, ok := roleNames[r]; !ok {
		return nil, fmt.Errorf("dna: invalid role %d", uint8(r))
	}
	return []byte(r.String()), nil
}

// UnmarshalText reads "unidentified", "missing-person" or "relative".
func (r *Role) UnmarshalText(b []byte) error {
	v, err := ParseRole(string(b))
	if err == nil {
		*r = v
	}
	return err
}

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	n := strings.ToLower(strings.TrimSpace(s))
	n = strings.NewReplacer("_", "-", " ", "-").Replace(n)
	switch n {
	case "unidentified", "unknown", "remains":
		return Unidentified, nil
	case "missing-person", "missing", "own":
		return MissingPerson, nil
	case "relative":
		return RelativeOf, nil
	}
	return 0, fmt.Errorf("dna: unknown role %q (want unidentified, missing-person or relative)", clip(s))
}

// Relationship is how a relative is related to the missing person: "the
// relative is the missing person's <relationship>". Art. 42(3) allows direct
// ascendants, descendants and siblings.
type Relationship uint8

const (
	// Father and Mother are parents whose side is known; Parent fills the
	// first free parent slot. The side only matters together with a
	// half-sibling, who shares one named parent.
	Father Relationship = iota + 1
	Mother
	Parent
	Child
	FullSibling
	// PaternalHalfSibling shares the father only; HalfSibling is taken as
	// paternal.
	PaternalHalfSibling
	MaternalHalfSibling
	HalfSibling
)

var relationshipNames = map[Relationship]string{
	Father: "father", Mother: "mother", Parent: "parent", Child: "child", FullSibling: "full-sibling",
	PaternalHalfSibling: "paternal-half-sibling", MaternalHalfSibling: "maternal-half-sibling", HalfSibling: "half-sibling",
}

func (r Relationship) String() string {
	if s, ok := relationshipNames[r]; ok {
		return s
	}
	return fmt.Sprintf("Relationship(%d)", uint8(r))
}

// MarshalText writes the relationship's name.
func (r Relationship) MarshalText() ([]byte, error) {
	if _, ok := relationshipNames[r]; !ok {
		return nil, fmt.Errorf("dna: invalid relationship %d", uint8(r))
	}
	return []byte(r.String()), nil
}

// UnmarshalText reads what ParseRelationship reads.
func (r *Relationship) UnmarshalText(b []byte) error {
	v, err := ParseRelationship(string(b))
	if err == nil {
		*r = v
	}
	return err
}

// ParseRelationship reads a relationship name ("father", "full-sibling",
// also "sibling", "son", "daughter", "brother", "sister").
func ParseRelationship(s string) (Relationship, error) {
	n := strings.ToLower(strings.TrimSpace(s))
	n = strings.NewReplacer("_", "-", " ", "-").Replace(n)
	for r, name := range relationshipNames {
		if n == name {
			return r, nil
		}
	}
	switch n {
	case "sibling", "brother", "sister", "fullsibling", "full-sib", "sib":
		return FullSibling, nil
	case "son", "daughter":
		return Child, nil
	case "halfsibling", "half-sib":
		return HalfSibling, nil
	}
	return 0, fmt.Errorf("dna: unknown relationship %q (want father, mother, parent, child, full-sibling, half-sibling, paternal-half-sibling or maternal-half-sibling)", clip(s))
}

// Kinship is the pairwise relationship class of the relationship (for a
// Child, the missing person is the parent in ParentChild).
func (r Relationship) Kinship() Kinship {
	switch r {
	case Father, Mother, Parent, Child:
		return ParentChild
	case FullSibling:
		return FullSiblings
	case PaternalHalfSibling, MaternalHalfSibling, HalfSibling:
		return HalfSiblings
	}
	return 0
}

// Subject says whose profile it is. A relative's profile names the
// relationship and carries the relative's consent; both link to the alert
// of the missing person.
type Subject struct {
	Role         Role         `json:"role"`
	Alert        string       `json:"alert,omitempty"`
	Relationship Relationship `json:"relationship,omitempty"`
	Consent      bool         `json:"consent,omitempty"`
}

// Profile is a single-source STR profile: at most two alleles per locus,
// untyped loci simply absent (partial profiles are normal). Amelogenin is
// kept apart as text ("X", "XY") and never counted as a locus.
type Profile struct {
	ID         string
	Subject    Subject
	Amelogenin string
	loci       [numLoci]Genotype
}

// Set stores the genotype of a locus (an untyped Genotype clears it).
func (p *Profile) Set(l Locus, g Genotype) error {
	if !l.Valid() {
		return fmt.Errorf("dna: invalid locus %d", uint8(l))
	}
	if g.Typed() && (!g.A.Valid() || !g.B.Valid()) {
		return fmt.Errorf("dna: %s: %w", l, ErrBadAllele)
	}
	p.loci[l] = NewGenotype(g.A, g.B)
	return nil
}

// SetString parses and stores a genotype ("15,16.3") for a locus name in any
// usual spelling; errors name the locus.
func (p *Profile) SetString(locus, genotype string) error {
	l, err := ParseLocus(locus)
	if err != nil {
		return err
	}
	g, err := ParseGenotype(genotype)
	if err != nil {
		return fmt.Errorf("dna: locus %s: %w", l, err)
	}
	return p.Set(l, g)
}

// Genotype is the genotype at l (untyped when the locus is absent).
func (p *Profile) Genotype(l Locus) Genotype {
	if !l.Valid() {
		return Genotype{}
	}
	return p.loci[l]
}

// Loci lists the typed loci in catalogue order.
func (p *Profile) Loci() []Locus {
	var out []Locus
	for l := Locus(1); l < numLoci; l++ {
		if p.loci[l].Typed() {
			out = append(out, l)
		}
	}
	return out
}

// FullyDesignatedLoci counts loci whose two alleles have exact repeat
// numbers (no wildcard, no off-ladder value).
func (p *Profile) FullyDesignatedLoci() int {
	n := 0
	for l := Locus(1); l < numLoci; l++ {
		if p.loci[l].FullyDesignated() {
			n++
		}
	}
	return n
}

// Restrict keeps only the listed loci (as when comparing on a kit's set).
func (p *Profile) Restrict(loci []Locus) {
	var keep [numLoci]bool
	for _, l := range loci {
		if l.Valid() {
			keep[l] = true
		}
	}
	for l := range p.loci {
		if !keep[l] {
			p.loci[l] = Genotype{}
		}
	}
}

// String names the profile and its role, never its genotypes, so a
// profile passed to a logger does not leak genetic data.
func (p *Profile) String() string {
	return fmt.Sprintf("dna.Profile{%s %s, %d loci}", p.ID, p.Subject.Role, len(p.Loci()))
}

// profileJSON is the JSON form: loci as a map from standard name to
// "a,b".
type profileJSON struct {
	ID         string            `json:"id"`
	Subject    Subject           `json:"subject"`
	Amelogenin string            `json:"amelogenin,omitempty"`
	Loci       map[string]string `json:"loci"`
}

// MarshalJSON writes {"id", "subject", "amelogenin", "loci": {"D3S1358": "15,16"}}.
func (p *Profile) MarshalJSON() ([]byte, error) {
	j := profileJSON{ID: p.ID, Subject: p.Subject, Amelogenin: p.Amelogenin, Loci: map[string]string{}}
	if j.Subject.Role == 0 {
		j.Subject.Role = Unidentified // a profile that states no owner is an unknown person's
	}
	for _, l := range p.Loci() {
		j.Loci[l.String()] = p.loci[l].String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads the JSON form; locus keys may use any usual spelling,
// and an amelogenin key inside "loci" is moved to Amelogenin.
func (p *Profile) UnmarshalJSON(b []byte) error {
	var j profileJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	q := Profile{ID: j.ID, Subject: j.Subject, Amelogenin: j.Amelogenin}
	if q.Subject.Role == 0 {
		q.Subject.Role = Unidentified
	}
	names := make([]string, 0, len(j.Loci))
	for k := range j.Loci {
		names = append(names, k)
	}
	sort.Strings(names) // deterministic first error
	seen := map[Locus]string{}
	for _, k := range names {
		v := j.Loci[k]
		if isAmelogenin(k) {
			if err := q.setAmelogenin(v); err != nil {
				return err
			}
			continue
		}
		l, err := ParseLocus(k)
		if err != nil {
			return err
		}
		if prev, dup := seen[l]; dup {
			return fmt.Errorf("dna: locus %s given twice (%q and %q)", l, clip(prev), clip(k))
		}
		seen[l] = k
		if err := q.SetString(k, v); err != nil {
			return err
		}
	}
	if err := q.setAmelogenin(q.Amelogenin); err != nil {
		return err
	}
	*p = q
	return nil
}

// setAmelogenin accepts "X", "XY", "X,Y", "Y" (case-insensitive), or "".
func (p *Profile) setAmelogenin(v string) error {
	s := strings.ToUpper(strings.NewReplacer(",", "", " ", "", "/", "").Replace(v))
	switch s {
	case "", "X", "XX", "XY", "Y", "YY":
		if s == "XX" {
			s = "X"
		}
		if s == "YY" {
			s = "Y"
		}
		p.Amelogenin = s
		return nil
	}
	return fmt.Errorf("dna: amelogenin %q: want X, XY or Y", clip(v))
}
