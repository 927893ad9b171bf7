package sis

import (
	"fmt"
	"slices"
)

// AuthorityKind is the kind of an authority with access to SIS; it decides,
// through the access matrix, what the authority's users may see and do.
type AuthorityKind uint8

// The authority kinds of Art. 44–49.
const (
	Police                   AuthorityKind = iota + 1 // Art. 44(1)(b)–(c): police and customs
	BorderGuard                                       // Art. 44(1)(a): border control
	Judicial                                          // Art. 44(3): judicial authorities
	SIRENE                                            // Art. 7(2): the SIRENE Bureau of a Member State
	VehicleRegistration                               // Art. 45
	BoatAircraftRegistration                          // Art. 46
	FirearmsRegistration                              // Art. 47
	Europol                                           // Art. 48
	Eurojust                                          // Art. 49
	numAuthorityKinds
)

var authorityKindNames = [numAuthorityKinds]string{
	"", "police", "border", "judicial", "sirene", "vehicle-registration",
	"boat-aircraft-registration", "firearms-registration", "europol", "eurojust",
}

// AuthorityKinds lists every authority kind.
func AuthorityKinds() []AuthorityKind {
	out := make([]AuthorityKind, 0, numAuthorityKinds-1)
	for k := Police; k < numAuthorityKinds; k++ {
		out = append(out, k)
	}
	return out
}

// Valid reports whether k is a defined authority kind.
func (k AuthorityKind) Valid() bool { return k >= Police && k < numAuthorityKinds }

func (k AuthorityKind) String() string {
	if !k.Valid() {
		return fmt.Sprintf("authority-kind(%d)", uint8(k))
	}
	return authorityKindNames[k]
}

// Authority is a registered authority with access to SIS.
type Authority struct {
	ID    string        `json:"id"`
	State MemberState   `json:"state"`
	Kind  AuthorityKind `json:"kind"`
}

// User is a registered end-user, identified uniquely (Art. 12(2), 18(2)).
type User struct {
	ID        string `json:"id"`
	Authority string `json:"authority"`
}

// Operation is what an actor does; every public method of System names one.
type Operation uint8

// The operations the access matrix rules on.
const (
	OpSearch          Operation = iota + 1 // alphanumeric search and reading found alerts
	OpBiometricSearch                      // identification by prints, faces, DNA
	OpEnter                                // enter, update, extend, delete own alerts, link
	OpFlag                                 // add a flag for the actor's Member State (Art. 24)
	OpConfirmHit                           // confirm a match into a hit
	OpExpertVerify                         // expert verification of an Art. 40 hit (Art. 41)
	OpManage                               // SIRENE tasks: purpose achieved (Art. 53(9)), cross-checks
	OpStatistics                           // read statistics (Art. 74)
	OpAudit                                // read and verify the audit log (Art. 12, 18)
	numOperations
)

var operationNames = [numOperations]string{
	"", "search", "biometric-search", "enter", "flag", "confirm-hit", "expert-verify",
	"manage", "statistics", "audit",
}

func (o Operation) String() string {
	if o == 0 || o >= numOperations {
		return fmt.Sprintf("operation(%d)", uint8(o))
	}
	return operationNames[o]
}

// Scope is what an alert is about for access purposes: its category and,
// for Art. 38, its object kind.
type Scope struct {
	Category   Category
	ObjectKind ObjectKind
}

func (s Scope) String() string {
	if s.Category == ObjectAlert {
		return "38(2)(" + s.ObjectKind.Point() + ")"
	}
	return s.Category.Article()
}

// Scopes lists every scope: each person category, and one per object kind.
func Scopes() []Scope {
	var out []Scope
	for _, c := range Categories() {
		if c == ObjectAlert {
			for _, k := range ObjectKinds() {
				out = append(out, Scope{ObjectAlert, k})
			}
			continue
		}
		out = append(out, Scope{Category: c})
	}
	return out
}

// Rights is one row of the access matrix.
type Rights struct {
	// Sees decides which alerts the authority's users may find and read.
	Sees func(Scope) bool
	// Issues lists the categories the authority may enter (and therefore
	// update, extend and delete while its Member State is the issuer).
	Issues []Category
	// Ops lists the further operations allowed (OpSearch is implied by
	// Sees, OpEnter by Issues).
	Ops []Operation
	// SeesUnavailable: sees arrest alerts withheld from end-users under
	// Art. 26(4) (only SIRENE).
	SeesUnavailable bool
	// Article is the legal basis of the row.
	Article string
}

func every(Scope) bool { return true }

func categoriesOnly(cats ...Category) func(Scope) bool {
	return func(s Scope) bool { return slices.Contains(cats, s.Category) }
}

func objectsOnly(kinds ...ObjectKind) func(Scope) bool {
	return func(s Scope) bool { return s.Category == ObjectAlert && slices.Contains(kinds, s.ObjectKind) }
}

var personCategoriesAll = []Category{Arrest, MissingProtected, MissingNotProtected, ChildAbductionRisk,
	ChildTravelBan, VulnerableAdultTravelBan, JudicialProcedure, Check, UnknownWanted}

// AccessMatrix is the one declaration of who may see and do what
// (Art. 44–49 and the issuing rules of the categories). Every access
// decision of the package reads it, and the access tests are generated
// from it.
var AccessMatrix = map[AuthorityKind]Rights{
	Police: {
		Sees:    every,
		Issues:  []Category{MissingProtected, MissingNotProtected, JudicialProcedure, Check, ObjectAlert, UnknownWanted},
		Ops:     []Operation{OpBiometricSearch, OpConfirmHit, OpExpertVerify, OpStatistics},
		Article: "44(1)(b)-(c)",
	},
	BorderGuard: {
		Sees:    every,
		Ops:     []Operation{OpBiometricSearch, OpConfirmHit, OpStatistics},
		Article: "44(1)(a)",
	},
	Judicial: {
		Sees: every,
		// Arrest alerts are entered at a judicial authority's request
		// (Art. 26(1)); so are the child and vulnerable-adult alerts of
		// Art. 32(1)(c)–(e) and the judicial-procedure alerts of Art. 34.
		Issues:  []Category{Arrest, ChildAbductionRisk, ChildTravelBan, VulnerableAdultTravelBan, JudicialProcedure},
		Ops:     []Operation{OpBiometricSearch, OpConfirmHit, OpStatistics},
		Article: "44(3)",
	},
	SIRENE: {
		Sees:            every,
		Issues:          Categories(),
		Ops:             []Operation{OpBiometricSearch, OpConfirmHit, OpFlag, OpManage, OpStatistics, OpAudit},
		SeesUnavailable: true,
		Article:         "7(2)",
	},
	VehicleRegistration: {
		Sees:    objectsOnly(MotorVehicle, Trailer, Caravan, RegistrationCertificate, VehiclePart),
		Article: "45(1)",
	},
	BoatAircraftRegistration: {
		Sees:    objectsOnly(Boat, BoatEngine, Aircraft, AircraftEngine),
		Article: "46(1)",
	},
	FirearmsRegistration: {
		Sees: func(s Scope) bool {
			return s.Category == Arrest || s.Category == Check || (s.Category == ObjectAlert && s.ObjectKind == Firearm)
		},
		Article: "47(1)",
	},
	Europol: {
		Sees:    every,
		Ops:     []Operation{OpBiometricSearch},
		Article: "48(1)",
	},
	Eurojust: {
		Sees: categoriesOnly(Arrest, MissingProtected, MissingNotProtected, ChildAbductionRisk,
			ChildTravelBan, VulnerableAdultTravelBan, JudicialProcedure, ObjectAlert, UnknownWanted),
		Ops:     []Operation{OpBiometricSearch},
		Article: "49(1)",
	},
}

// MaySee reports whether an authority of the kind may see alerts of the
// scope (Art. 44–49).
func MaySee(kind AuthorityKind, s Scope) bool {
	r, ok := AccessMatrix[kind]
	return ok && r.Sees != nil && r.Sees(s)
}

// MayIssue reports whether an authority of the kind may enter alerts of
// category c.
func MayIssue(kind AuthorityKind, c Category) bool {
	r, ok := AccessMatrix[kind]
	return ok && slices.Contains(r.Issues, c)
}

// MayDo reports whether an authority of the kind may perform op at all.
func MayDo(kind AuthorityKind, op Operation) bool {
	r, ok := AccessMatrix[kind]
	if !ok {
		return false
	}
	switch op {
	case OpSearch:
		return r.Sees != nil
	case OpEnter:
		return len(r.Issues) > 0
	}
	return slices.Contains(r.Ops, op)
}

func scopeOf(a *Alert) Scope { return Scope{Category: a.Category, ObjectKind: a.ObjectKind} }
