package sis

import (
	"slices"
	"time"

	"github.com/openbms/bms/dna"
)

// Bounds on what one alert may hold; input beyond them is refused.
const (
	MaxText              = 1024 // characters of any text field
	MaxNames             = 16   // aliases, nationalities
	MaxDocuments         = 8    // identity documents
	MaxFaces             = 4    // facial images
	MaxFaceBytes         = 1 << 20
	MaxDNAProfiles       = 8
	MaxDocumentCopies    = 8
	MaxDocumentCopyBytes = 8 << 20
	MaxFlatPrints        = 10 // Art. 42(2)
	MaxRolledPrints      = 10 // Art. 42(2)
	MaxPalmPrints        = 2  // Art. 42(2)
	MaxLatentViews       = 22 // Art. 40: complete or incomplete sets, fingers and palms
)

// Objects that may be linked to a person alert to locate the person
// (Art. 26(5), 32(8), 34(2), 36(5); points of Art. 38(2)).
var linkableObjects = map[Category][]ObjectKind{
	Arrest:              {MotorVehicle, Trailer, Caravan, Boat, Container, Aircraft, Firearm, BlankDocument},
	MissingProtected:    {MotorVehicle, Trailer, Caravan, Boat, Container, Aircraft, BlankDocument},
	MissingNotProtected: {MotorVehicle, Trailer, Caravan, Boat, Container, Aircraft, BlankDocument},
	ChildAbductionRisk:  {MotorVehicle, Trailer, Caravan, Boat, Container, Aircraft, BlankDocument},
	ChildTravelBan:      {MotorVehicle, Trailer, Caravan, Boat, Container, Aircraft, BlankDocument},
	VulnerableAdultTravelBan: {MotorVehicle, Trailer, Caravan, Boat, Container, Aircraft,
		BlankDocument},
	JudicialProcedure: {MotorVehicle, Trailer, Caravan, Boat, Container, Aircraft, BlankDocument},
	Check: {MotorVehicle, Trailer, Caravan, Boat, Container, Aircraft, Firearm, BlankDocument,
		IssuedIdentityDocument},
}

// Compatible reports whether a new alert of category b may coexist with
// another Member State's alert of category a on the same person (Art.
// 23(2)); incompatible alerts go to consultation between the SIRENE
// Bureaux (Art. 23(3)). The declared incompatibilities follow the SIRENE
// Manual's table: a discreet, inquiry or specific check cannot run beside
// an arrest or a missing-person alert, whose action overrides it.
func Compatible(a, b Category) bool {
	check := func(x, y Category) bool { return x == Check && (y == Arrest || y.IsMissing()) }
	return !check(a, b) && !check(b, a)
}

func textOK(fields ...string) bool {
	for _, f := range fields {
		if len(f) > MaxText {
			return false
		}
	}
	return true
}

func ageAt(dob, t time.Time) int {
	y := t.Year() - dob.Year()
	if t.YearDay() < dob.YearDay() {
		y--
	}
	return y
}

// validate applies the rules on an alert's content that need no other
// alert (Art. 20–22, 32, 40, 42, 62). Quality gates and duplicate checks
// follow in Enter.
func validate(a *Alert, now time.Time) error {
	if !a.Category.Valid() {
		return refuse("20", "unknown alert category %d", a.Category)
	}
	if !textOK(a.Reason, a.Action, a.DecisionRef, a.OffenceType, a.NationalRegister, a.CaseType,
		a.Necessity, a.Proportionality.Justification, a.Biometrics.DNAJustification) {
		return refuse("20(3)", "a text field exceeds %d bytes", MaxText)
	}
	if len(a.DocumentCopies) > MaxDocumentCopies {
		return refuse("20(3)(z)", "more than %d document copies", MaxDocumentCopies)
	}
	for _, d := range a.DocumentCopies {
		if len(d) == 0 || len(d) > MaxDocumentCopyBytes {
			return refuse("20(3)(z)", "document copy empty or larger than %d bytes", MaxDocumentCopyBytes)
		}
	}

	// Art. 40: unknown wanted persons hold dactyloscopic data only.
	if a.Category == UnknownWanted {
		if a.Person != nil || a.Object != nil || len(a.Biometrics.Faces) > 0 || len(a.Biometrics.DNA) > 0 ||
			a.MisusedIdentity != nil || len(a.DocumentCopies) > 0 || a.Warnings != (Warnings{}) {
			return refuse("40", "an unknown-wanted-person alert holds dactyloscopic data only")
		}
		if a.Biometrics.Prints == nil || len(a.Biometrics.Prints.Views) == 0 {
			return refuse("40", "an unknown-wanted-person alert needs the crime-scene prints")
		}
		if err := proportional(a); err != nil {
			return err
		}
		return checkPrints(a)
	}

	if a.Category == ObjectAlert {
		if !a.ObjectKind.Valid() {
			return refuse("38(2)", "an object alert needs one of the object kinds (a)-(r)")
		}
		if a.Object == nil || normaliseNumber(a.Object.Identifier) == "" {
			return refuse("38", "an object alert needs the object's identifier")
		}
		if a.Person != nil || a.Biometrics.Types() != nil || a.MisusedIdentity != nil {
			return refuse("38", "an object alert holds no person or biometric data")
		}
		if !textOK(a.Object.Identifier, a.Object.Description, a.Object.Status) {
			return refuse("38", "a text field exceeds %d bytes", MaxText)
		}
		if a.Action == "" {
			return refuse("38", "the action to be taken is required")
		}
		return proportional(a)
	}

	// Person alerts.
	if a.ObjectKind != 0 || a.Object != nil {
		return refuse("20(3)", "a person alert holds no object data (link an object alert instead)")
	}
	p := a.Person
	if p == nil || normaliseName(p.Surname) == "" || p.DateOfBirth.IsZero() || a.Reason == "" || a.Action == "" {
		return refuse("22(1)", "minimum data: surname, date of birth, reason for the alert and action to be taken")
	}
	if !textOK(p.Surname, p.Forenames, p.BirthName, p.PhysicalCharacteristics, p.PlaceOfBirth, p.Gender) ||
		len(p.Aliases) > MaxNames || len(p.Nationalities) > MaxNames || len(p.Documents) > MaxDocuments ||
		!textOK(p.Aliases...) || !textOK(p.Nationalities...) {
		return refuse("20(3)", "person data exceeds its bounds")
	}
	for _, d := range p.Documents {
		if !textOK(d.Category, d.Country, d.Number) {
			return refuse("20(3)(s)-(v)", "identity document data exceeds its bounds")
		}
	}
	if p.DateOfBirth.After(now) {
		return refuse("22(1)", "date of birth in the future")
	}
	if p.PhysicalCharacteristics != "" && a.Necessity == "" {
		return refuse("22(2)", "physical characteristics only when strictly necessary for identification: say why")
	}
	if a.CaseType != "" && !a.Category.IsMissing() {
		return refuse("20(3)(r)", "the type of case is for Art. 32 alerts only")
	}
	switch age := ageAt(p.DateOfBirth, now); a.Category {
	case ChildAbductionRisk, ChildTravelBan:
		if age >= 18 {
			return refuse("32(1)", "Art. %s alerts are on children", a.Category.Article())
		}
	case VulnerableAdultTravelBan:
		if age < 18 {
			return refuse("32(1)(e)", "Art. 32(1)(e) alerts are on adults")
		}
	}
	if err := proportional(a); err != nil {
		return err
	}
	if err := checkPrints(a); err != nil {
		return err
	}
	if len(a.Biometrics.Faces) > MaxFaces {
		return refuse("42(1)", "more than %d facial images", MaxFaces)
	}
	for _, f := range a.Biometrics.Faces {
		if len(f) == 0 || len(f) > MaxFaceBytes {
			return refuse("42(1)", "facial image template empty or larger than %d bytes", MaxFaceBytes)
		}
	}
	if err := checkDNA(a); err != nil {
		return err
	}
	return checkMisused(a)
}

// proportional is Art. 21: the issuer records that the case is adequate,
// relevant and important enough, with a reason; terrorism cases are
// presumed so.
func proportional(a *Alert) error {
	pr := a.Proportionality
	if pr.Terrorism {
		return nil
	}
	if !pr.Adequate || !pr.Relevant || !pr.Important || pr.Justification == "" {
		return refuse("21", "the issuer must record that the case is adequate, relevant and important enough, and why")
	}
	return nil
}

// checkPrints is Art. 42(2) (and Art. 40 for crime-scene prints).
func checkPrints(a *Alert) error {
	rec := a.Biometrics.Prints
	if rec == nil {
		return nil
	}
	if len(rec.Views) == 0 {
		return refuse("42(2)", "dactyloscopic data without any print")
	}
	var flat, rolled, palms, latent int
	for i := range rec.Views {
		v := &rec.Views[i]
		switch {
		case v.Position.IsPalm():
			palms++
		case v.Impression.IsLatent():
			latent++
		case v.Impression.IsRolled():
			rolled++
		default:
			flat++
		}
		if v.Impression.IsLatent() && a.Category != UnknownWanted {
			return refuse("42(2)", "crime-scene (latent) prints belong only in Art. 40 alerts")
		}
	}
	if a.Category == UnknownWanted {
		if len(rec.Views) > MaxLatentViews || palms > MaxPalmPrints {
			return refuse("40", "at most %d crime-scene prints, %d of them palms", MaxLatentViews, MaxPalmPrints)
		}
		return nil
	}
	if flat > MaxFlatPrints || rolled > MaxRolledPrints || palms > MaxPalmPrints {
		return refuse("42(2)", "at most %d flat and %d rolled fingerprints and %d palm prints (got %d, %d, %d)",
			MaxFlatPrints, MaxRolledPrints, MaxPalmPrints, flat, rolled, palms)
	}
	return nil
}

// checkDNA is Art. 42(3): DNA only on Art. 32(1)(a) alerts, only where
// photographs, facial images and prints are unavailable or unsuitable, the
// missing person's own profile or consenting direct relatives' profiles.
func checkDNA(a *Alert) error {
	profiles := a.Biometrics.DNA
	if len(profiles) == 0 {
		return nil
	}
	if a.Category != MissingProtected {
		return refuse("42(3)", "a DNA profile may only be added to an Art. 32(1)(a) alert")
	}
	if len(profiles) > MaxDNAProfiles {
		return refuse("42(3)", "more than %d DNA profiles", MaxDNAProfiles)
	}
	if a.Biometrics.DNAJustification == "" {
		return refuse("42(3)", "DNA only where photographs, facial images or prints are unavailable or unsuitable: say why")
	}
	allowed := []dna.Relationship{dna.Father, dna.Mother, dna.Parent, dna.Child, dna.FullSibling,
		dna.PaternalHalfSibling, dna.MaternalHalfSibling, dna.HalfSibling}
	own := 0
	for _, p := range profiles {
		if p == nil {
			return refuse("42(3)", "empty DNA profile")
		}
		switch p.Subject.Role {
		case dna.MissingPerson:
			own++
		case dna.RelativeOf:
			if !p.Subject.Consent {
				return refuse("42(3)", "a relative's DNA profile needs the relative's explicit consent")
			}
			if !slices.Contains(allowed, p.Subject.Relationship) {
				return refuse("42(3)", "only direct ascendants, descendants and siblings may give a profile")
			}
		default:
			return refuse("42(3)", "only the missing person's or a relative's profile may be added, not a %s profile", p.Subject.Role)
		}
	}
	if own > 1 {
		return refuse("42(3)", "one own profile per missing person")
	}
	return nil
}

// checkMisused is Art. 62: each data category of a misused identity only
// with that person's explicit consent for it.
func checkMisused(a *Alert) error {
	m := a.MisusedIdentity
	if m == nil {
		return nil
	}
	if !textOK(m.Surname, m.Forenames) || len(m.Documents) > MaxDocuments || len(m.Face) > MaxFaceBytes {
		return refuse("62", "misused-identity data exceeds its bounds")
	}
	present := m.present()
	if len(present) == 0 {
		return refuse("62", "misused-identity record without data")
	}
	for _, c := range present {
		if !m.Consent[c] {
			return refuse("62(1)", "no explicit consent of the person whose identity was misused for %q", c)
		}
	}
	if m.Prints != nil && len(m.Prints.Views) > MaxFlatPrints+MaxRolledPrints+MaxPalmPrints {
		return refuse("62", "misused-identity prints exceed Art. 42(2)")
	}
	return nil
}
