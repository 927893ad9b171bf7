package sis

import (
	"fmt"
	"slices"
	"time"

	"github.com/openbms/bms/dna"
	"github.com/openbms/bms/minutiae"
)

// AlertID identifies an alert: the issuing Member State and a sequence
// number ("DE-00000042"), never reused.
type AlertID string

// MemberState is an ISO 3166-1 alpha-2 code of a Member State ("DE").
// EU agencies (Europol, Eurojust) use "EU".
type MemberState string

// Category is an alert category of the Regulation.
type Category uint8

// The alert categories (Art. 26, 32(1)(a)–(e), 34, 36, 38, 40).
const (
	Arrest                   Category = iota + 1 // Art. 26: arrest for surrender or extradition
	MissingProtected                             // Art. 32(1)(a): missing persons needing protection
	MissingNotProtected                          // Art. 32(1)(b): missing persons not needing protection
	ChildAbductionRisk                           // Art. 32(1)(c): children at risk of parental abduction
	ChildTravelBan                               // Art. 32(1)(d): children to be prevented from travelling
	VulnerableAdultTravelBan                     // Art. 32(1)(e): vulnerable adults to be prevented from travelling
	JudicialProcedure                            // Art. 34: persons sought for a judicial procedure
	Check                                        // Art. 36: discreet, inquiry or specific checks
	ObjectAlert                                  // Art. 38: objects for seizure or use as evidence
	UnknownWanted                                // Art. 40: unknown wanted persons (prints only)
	numCategories
)

// Categories lists every category in article order.
func Categories() []Category {
	out := make([]Category, 0, numCategories-1)
	for c := Arrest; c < numCategories; c++ {
		out = append(out, c)
	}
	return out
}

var categoryInfo = [numCategories]struct {
	article string
	name    string
	review  reviewPeriod
}{
	Arrest:                   {"26", "arrest", reviewPeriod{years: 5}},
	MissingProtected:         {"32(1)(a)", "missing-protected", reviewPeriod{years: 5}},
	MissingNotProtected:      {"32(1)(b)", "missing-not-protected", reviewPeriod{years: 5}},
	ChildAbductionRisk:       {"32(1)(c)", "child-abduction-risk", reviewPeriod{years: 1}},
	ChildTravelBan:           {"32(1)(d)", "child-travel-ban", reviewPeriod{years: 1}},
	VulnerableAdultTravelBan: {"32(1)(e)", "vulnerable-adult-travel-ban", reviewPeriod{years: 1}},
	JudicialProcedure:        {"34", "judicial-procedure", reviewPeriod{years: 3}},
	Check:                    {"36", "check", reviewPeriod{years: 1}},
	ObjectAlert:              {"38", "object", reviewPeriod{years: 10}},
	UnknownWanted:            {"40", "unknown-wanted", reviewPeriod{years: 3}},
}

type reviewPeriod struct{ years int }

// Valid reports whether c is a defined category.
func (c Category) Valid() bool { return c >= Arrest && c < numCategories }

// Article is the article that defines the category ("32(1)(a)").
func (c Category) Article() string {
	if !c.Valid() {
		return "?"
	}
	return categoryInfo[c].article
}

// String is the category's short name.
func (c Category) String() string {
	if !c.Valid() {
		return fmt.Sprintf("category(%d)", uint8(c))
	}
	return categoryInfo[c].name
}

// ReviewPeriod is how long an alert of the category is kept before it is
// deleted unless extended (Art. 53(2)–(5), Art. 54).
func (c Category) ReviewPeriod() (years int) {
	if !c.Valid() {
		return 0
	}
	return categoryInfo[c].review.years
}

// IsPerson reports whether the category's alerts are on persons.
func (c Category) IsPerson() bool { return c.Valid() && c != ObjectAlert }

// IsMissing reports whether c is one of the Art. 32 categories.
func (c Category) IsMissing() bool { return c >= MissingProtected && c <= VulnerableAdultTravelBan }

// ObjectKind is a kind of object of Art. 38(2) (a)–(r).
type ObjectKind uint8

// The object kinds of Art. 38(2).
const (
	MotorVehicle            ObjectKind = iota + 1 // (a)
	Trailer                                       // (b)
	Caravan                                       // (c)
	IndustrialEquipment                           // (d)
	Boat                                          // (e)
	BoatEngine                                    // (f)
	Container                                     // (g)
	Aircraft                                      // (h)
	AircraftEngine                                // (i)
	Firearm                                       // (j)
	BlankDocument                                 // (k)
	IssuedIdentityDocument                        // (l)
	RegistrationCertificate                       // (m) vehicle registration certificates and number plates
	Banknote                                      // (n)
	ITItem                                        // (o)
	VehiclePart                                   // (p)
	IndustrialEquipmentPart                       // (q)
	HighValueObject                               // (r)
	numObjectKinds
)

var objectKindNames = [numObjectKinds]string{
	"", "motor-vehicle", "trailer", "caravan", "industrial-equipment", "boat", "boat-engine",
	"container", "aircraft", "aircraft-engine", "firearm", "blank-document",
	"identity-document", "registration-certificate", "banknote", "it-item",
	"vehicle-part", "industrial-equipment-part", "high-value-object",
}

// ObjectKinds lists every object kind in the order of Art. 38(2).
func ObjectKinds() []ObjectKind {
	out := make([]ObjectKind, 0, numObjectKinds-1)
	for k := MotorVehicle; k < numObjectKinds; k++ {
		out = append(out, k)
	}
	return out
}

// Valid reports whether k is a defined object kind.
func (k ObjectKind) Valid() bool { return k >= MotorVehicle && k < numObjectKinds }

// Point is the letter of Art. 38(2) ("a" … "r").
func (k ObjectKind) Point() string {
	if !k.Valid() {
		return "?"
	}
	return string(rune('a' + k - 1))
}

func (k ObjectKind) String() string {
	if !k.Valid() {
		return fmt.Sprintf("object-kind(%d)", uint8(k))
	}
	return objectKindNames[k]
}

// Warnings are the warnings of Art. 20(3)(j).
type Warnings struct {
	Armed            bool `json:"armed,omitempty"`
	Violent          bool `json:"violent,omitempty"`
	Absconded        bool `json:"absconded,omitempty"`
	SuicideRisk      bool `json:"suicide_risk,omitempty"`
	PublicHealth     bool `json:"public_health,omitempty"`
	TerrorismRelated bool `json:"terrorism,omitempty"`
}

// IdentityDocument is the identity-document data of Art. 20(3)(s)–(v).
type IdentityDocument struct {
	Category string    `json:"category"` // (s)
	Country  string    `json:"country"`  // (t)
	Number   string    `json:"number"`   // (u)
	Issued   time.Time `json:"issued"`   // (v)
}

// Person is the personal data an alert may hold (Art. 20(3)(a)–(i), (s)–(v)).
// The struct is the whole list: there is no free-form field, so nothing
// else can be stored.
type Person struct {
	Surname   string   `json:"surname"`              // (a)
	Forenames string   `json:"forenames,omitempty"`  // (b)
	BirthName string   `json:"birth_name,omitempty"` // (c)
	Aliases   []string `json:"aliases,omitempty"`    // (d) previously used names and aliases
	// PhysicalCharacteristics are specific, objective physical
	// characteristics not subject to change (e): only when strictly
	// necessary for identification (Art. 22(2)), said in Alert.Necessity.
	PhysicalCharacteristics string             `json:"physical,omitempty"`
	PlaceOfBirth            string             `json:"place_of_birth,omitempty"` // (f)
	DateOfBirth             time.Time          `json:"date_of_birth"`            // (g)
	Gender                  string             `json:"gender,omitempty"`         // (h)
	Nationalities           []string           `json:"nationalities,omitempty"`  // (i)
	Documents               []IdentityDocument `json:"documents,omitempty"`      // (s)–(v)
}

// Object is the data of an alert on an object (Art. 38).
type Object struct {
	// Identifier is what identifies the object: a vehicle identification
	// number, a serial number, a plate or document number.
	Identifier  string `json:"identifier"`
	Description string `json:"description,omitempty"`
	// Status says, for documents (k), (l), (m), whether they are stolen,
	// misappropriated, lost, invalid or false (Art. 38(2), last sentence).
	Status string `json:"status,omitempty"`
}

// Proportionality is the issuer's record that the case is adequate,
// relevant and important enough to warrant an alert (Art. 21); terrorism
// cases are presumed to be so (Art. 21(2)).
type Proportionality struct {
	Adequate      bool   `json:"adequate"`
	Relevant      bool   `json:"relevant"`
	Important     bool   `json:"important"`
	Terrorism     bool   `json:"terrorism,omitempty"`
	Justification string `json:"justification,omitempty"`
}

// Biometrics are the biometric data of an alert (Art. 20(3)(w)–(y)).
type Biometrics struct {
	// Prints are the dactyloscopic data: flat and rolled fingerprints,
	// palm prints, or for Art. 40 the prints found at a crime scene.
	Prints *minutiae.Record `json:"-"`
	// Faces are facial-image templates in the face engine's encoding
	// (opaque to this package).
	Faces [][]byte `json:"-"`
	// DNA holds the missing person's own profile and relatives' profiles
	// (Art. 32(1)(a) alerts only).
	DNA []*dna.Profile `json:"-"`
	// DNAJustification records why DNA is needed: photographs, facial
	// images and prints are unavailable or unsuitable (Art. 42(3)).
	DNAJustification string `json:"dna_justification,omitempty"`
}

// Types lists the kinds of biometric data present ("prints", "face",
// "dna") — what logs and statistics may say about them.
func (b *Biometrics) Types() []string {
	var t []string
	if b.Prints != nil && len(b.Prints.Views) > 0 {
		t = append(t, "prints")
	}
	if len(b.Faces) > 0 {
		t = append(t, "face")
	}
	if len(b.DNA) > 0 {
		t = append(t, "dna")
	}
	return t
}

// DataCategory names a category of data of a person whose identity was
// misused, each needing its own consent (Art. 62(1)).
type DataCategory string

// The data categories of a misused identity (Art. 62(3)).
const (
	MisusedNames      DataCategory = "names"
	MisusedBirth      DataCategory = "birth"
	MisusedDocuments  DataCategory = "documents"
	MisusedPhotograph DataCategory = "face"
	MisusedPrints     DataCategory = "prints"
)

// MisusedIdentity is data of a person whose identity was misused, held
// only to avoid misidentification (Art. 62). Each data category present
// needs that person's explicit consent for it.
type MisusedIdentity struct {
	Consent   map[DataCategory]bool `json:"consent"`
	Surname   string                `json:"surname,omitempty"`
	Forenames string                `json:"forenames,omitempty"`
	BirthDate time.Time             `json:"birth_date,omitempty"`
	Documents []IdentityDocument    `json:"documents,omitempty"`
	Face      []byte                `json:"-"`
	Prints    *minutiae.Record      `json:"-"`
}

func (m *MisusedIdentity) present() []DataCategory {
	var p []DataCategory
	if m.Surname != "" || m.Forenames != "" {
		p = append(p, MisusedNames)
	}
	if !m.BirthDate.IsZero() {
		p = append(p, MisusedBirth)
	}
	if len(m.Documents) > 0 {
		p = append(p, MisusedDocuments)
	}
	if len(m.Face) > 0 {
		p = append(p, MisusedPhotograph)
	}
	if m.Prints != nil && len(m.Prints.Views) > 0 {
		p = append(p, MisusedPrints)
	}
	return p
}

// Extension is a recorded extension of an alert's review period after a
// comprehensive individual assessment (Art. 53(4)–(6)).
type Extension struct {
	At         time.Time `json:"at"`
	By         string    `json:"by"` // user ID
	Assessment string    `json:"assessment"`
	NewExpiry  time.Time `json:"new_expiry"`
}

// Flag suspends, in the flagging Member State's territory, the action an
// alert asks for (Art. 24).
type Flag struct {
	State  MemberState `json:"state"`
	Reason string      `json:"reason"`
	At     time.Time   `json:"at"`
}

// Alert is one SIS alert. Callers fill the issuer-supplied fields; the
// system sets ID, IssuingState, IssuingAuthority, the dates, Links, Flags,
// Extensions and Version.
type Alert struct {
	ID         AlertID    `json:"id"`
	Category   Category   `json:"category"`
	ObjectKind ObjectKind `json:"object_kind,omitempty"` // Art. 38 only

	Person *Person `json:"person,omitempty"`
	Object *Object `json:"object,omitempty"`

	Warnings         Warnings  `json:"warnings"`                    // (j)
	Reason           string    `json:"reason,omitempty"`            // (k)
	IssuingAuthority string    `json:"issuing_authority,omitempty"` // (l), set by the system
	DecisionRef      string    `json:"decision_ref,omitempty"`      // (m)
	Action           string    `json:"action,omitempty"`            // (n)
	Links            []AlertID `json:"links,omitempty"`             // (o), set through Link
	OffenceType      string    `json:"offence_type,omitempty"`      // (p)
	NationalRegister string    `json:"national_register,omitempty"` // (q)
	CaseType         string    `json:"case_type,omitempty"`         // (r), Art. 32 alerts
	// DocumentCopies are colour copies of identity documents (z) and, for
	// Art. 26 alerts, the European Arrest Warrant and its translations
	// (Art. 27). Bounded in number and size.
	DocumentCopies [][]byte `json:"-"`

	Biometrics      Biometrics       `json:"biometrics"`
	MisusedIdentity *MisusedIdentity `json:"misused_identity,omitempty"`

	Proportionality Proportionality `json:"proportionality"`
	// Necessity says why physical characteristics are strictly necessary
	// for identification (Art. 22(2)).
	Necessity string `json:"necessity,omitempty"`

	// Set by the system.
	IssuingState     MemberState `json:"issuing_state"`
	Created          time.Time   `json:"created"`
	Expires          time.Time   `json:"expires"`
	Extensions       []Extension `json:"extensions,omitempty"`
	Flags            []Flag      `json:"flags,omitempty"`
	UnavailableUntil time.Time   `json:"unavailable_until,omitzero"`
	// PurposeDeadline is when the alert is deleted unless the issuer
	// replies to a SIRENE notice that it achieved its purpose (Art. 53(9)).
	PurposeDeadline time.Time `json:"purpose_deadline,omitzero"`
	// DistinctFrom are alerts with the same identity description that a
	// cross-check found to be on other persons (Art. 61).
	DistinctFrom       []AlertID `json:"distinct_from,omitempty"`
	ReviewNoticeSent   bool      `json:"review_notice_sent,omitempty"`
	MajorityNoticeSent bool      `json:"majority_notice_sent,omitempty"`
	Version            int       `json:"version"`
}

// Priority orders alerts on the same person for execution: an arrest
// alert first (Art. 25), then the others in article order.
func (a *Alert) Priority() int { return int(a.Category) }

// FlaggedBy reports whether state has flagged the alert (Art. 24).
func (a *Alert) FlaggedBy(state MemberState) bool {
	for _, f := range a.Flags {
		if f.State == state {
			return true
		}
	}
	return false
}

// Unavailable reports whether the arrest alert is withheld from end-users
// at t (Art. 26(4)).
func (a *Alert) Unavailable(t time.Time) bool {
	return a.Category == Arrest && t.Before(a.UnavailableUntil)
}

// clone returns a deep enough copy for handing out: slices of the caller's
// view are not shared with the system's copy.
func (a *Alert) clone() *Alert {
	c := *a
	if a.Person != nil {
		p := *a.Person
		p.Aliases = append([]string(nil), p.Aliases...)
		p.Nationalities = append([]string(nil), p.Nationalities...)
		p.Documents = append([]IdentityDocument(nil), p.Documents...)
		c.Person = &p
	}
	if a.Object != nil {
		o := *a.Object
		c.Object = &o
	}
	c.Links = append([]AlertID(nil), a.Links...)
	c.DistinctFrom = append([]AlertID(nil), a.DistinctFrom...)
	c.Extensions = append([]Extension(nil), a.Extensions...)
	c.Flags = append([]Flag(nil), a.Flags...)
	c.Biometrics.Prints = cloneRecord(a.Biometrics.Prints)
	c.Biometrics.Faces = cloneBytes(a.Biometrics.Faces)
	c.Biometrics.DNA = nil
	for _, p := range a.Biometrics.DNA {
		if p == nil {
			c.Biometrics.DNA = append(c.Biometrics.DNA, nil)
			continue
		}
		q := *p // a profile's genotypes are an array: the copy is deep
		c.Biometrics.DNA = append(c.Biometrics.DNA, &q)
	}
	c.DocumentCopies = cloneBytes(a.DocumentCopies)
	if a.MisusedIdentity != nil {
		m := *a.MisusedIdentity
		m.Consent = make(map[DataCategory]bool, len(a.MisusedIdentity.Consent))
		for k, v := range a.MisusedIdentity.Consent {
			m.Consent[k] = v
		}
		m.Documents = append([]IdentityDocument(nil), m.Documents...)
		m.Face = append([]byte(nil), m.Face...)
		m.Prints = cloneRecord(m.Prints)
		c.MisusedIdentity = &m
	}
	return &c
}

// cloneBytes copies a list of byte strings and the bytes.
func cloneBytes(in [][]byte) [][]byte {
	if in == nil {
		return nil
	}
	out := make([][]byte, len(in))
	for i, b := range in {
		out[i] = slices.Clone(b)
	}
	return out
}

// cloneRecord copies a print record deeply enough that neither side can
// change the other's minutiae, qualities or singular points.
func cloneRecord(r *minutiae.Record) *minutiae.Record {
	if r == nil {
		return nil
	}
	c := *r
	c.Views = slices.Clone(r.Views)
	for i := range c.Views {
		v := &c.Views[i]
		v.Qualities = slices.Clone(v.Qualities)
		v.Certifications = slices.Clone(v.Certifications)
		v.Minutiae = slices.Clone(v.Minutiae)
		v.NonconformingAngles = slices.Clone(v.NonconformingAngles)
		v.Cores = slices.Clone(v.Cores)
		v.Deltas = slices.Clone(v.Deltas)
		v.RidgeCounts = slices.Clone(v.RidgeCounts)
		v.Extensions = slices.Clone(v.Extensions)
		for j := range v.Extensions {
			v.Extensions[j].Data = slices.Clone(v.Extensions[j].Data)
		}
	}
	return &c
}
