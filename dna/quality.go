package dna

import (
	"errors"
	"fmt"
	"strings"
)

// DefaultMinLoci is the number of fully designated loci a profile needs to
// be stored or searched: the Prüm minimum (Council Decision 2008/616/JHA,
// Annex ch. 1), which the SIS quality check of Art. 42(3) follows.
const DefaultMinLoci = 6

// QualityGate is the check a profile passes before it is attached to an
// alert or searched (Regulation (EU) 2018/1862, Art. 42(3)).
type QualityGate struct {
	// MinLoci is the least number of fully designated loci (0: DefaultMinLoci).
	MinLoci int
	// Table, when set, limits the loci to those it has frequencies for:
	// a locus without frequencies cannot enter statistics.
	Table *FrequencyTable
}

// ErrQuality is wrapped by every refusal of the quality gate.
var ErrQuality = errors.New("profile refused by the quality gate")

// QualityError lists every reason a profile was refused.
type QualityError struct {
	ID      string
	Reasons []string
}

func (e *QualityError) Error() string {
	return fmt.Sprintf("dna: profile %q refused by the quality gate (Art. 42(3)): %s", clip(e.ID), strings.Join(e.Reasons, "; "))
}

// Unwrap makes errors.Is(err, ErrQuality) hold.
func (e *QualityError) Unwrap() error { return ErrQuality }

// Check returns nil when the profile may be used, else a *QualityError
// with every reason: too few fully designated loci, loci the table does
// not cover, a missing alert link, a relative without relationship or
// without consent. Single source is guaranteed by construction: a Profile
// cannot hold a third allele.
func (q QualityGate) Check(p *Profile) error {
	min := q.MinLoci
	if min <= 0 {
		min = DefaultMinLoci
	}
	var reasons []string
	if p.ID == "" {
		reasons = append(reasons, "no profile ID")
	}
	if n := p.FullyDesignatedLoci(); n < min {
		reasons = append(reasons, fmt.Sprintf("%d fully designated loci, at least %d needed", n, min))
	}
	if q.Table != nil {
		var unknown []string
		for _, l := range p.Loci() {
			if !q.Table.Has(l) {
				unknown = append(unknown, l.String())
			}
		}
		if len(unknown) > 0 {
			reasons = append(reasons, fmt.Sprintf("loci without frequencies in table %s: %s", q.Table.Name, strings.Join(unknown, ", ")))
		}
	}
	switch p.Subject.Role {
	case Unidentified:
	case MissingPerson:
		if p.Subject.Alert == "" {
			reasons = append(reasons, "a missing person's profile must name its alert")
		}
	case RelativeOf:
		if p.Subject.Alert == "" {
			reasons = append(reasons, "a relative's profile must name the missing person's alert")
		}
		if p.Subject.Relationship == 0 {
			reasons = append(reasons, "a relative's profile must state the relationship")
		}
		if !p.Subject.Consent {
			reasons = append(reasons, "a relative's profile needs the relative's explicit consent")
		}
	default:
		reasons = append(reasons, "the subject's role is not stated (unidentified, missing-person or relative)")
	}
	if len(reasons) > 0 {
		return &QualityError{ID: p.ID, Reasons: reasons}
	}
	return nil
}
