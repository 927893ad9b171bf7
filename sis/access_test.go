package sis

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbms/bms/minutiae"
)

// TestArt44to49_AccessMatrix enters one alert of every scope (each person
// category, each object kind) and checks, for every authority kind, that
// reading and searching return exactly what AccessMatrix allows.
func TestArt44to49_AccessMatrix(t *testing.T) {
	e := newEnv(t)
	alerts := map[Scope]AlertID{}
	surnames := map[Scope]string{}
	identifiers := map[Scope]string{}
	probes := map[Scope]*minutiae.Record{}
	for i, sc := range Scopes() {
		var a *Alert
		switch {
		case sc.Category == ObjectAlert:
			identifiers[sc] = fmt.Sprintf("OBJ-%02d", i)
			a = objectAlert(sc.ObjectKind, identifiers[sc])
		case sc.Category == UnknownWanted:
			rec, probe := tenPrint(uint64(4400+i), 2)
			for v := range rec.Views {
				rec.Views[v].Impression = minutiae.LatentImpression
			}
			probes[sc] = probe
			a = &Alert{Category: UnknownWanted, Reason: "scene", Action: "identify",
				Proportionality: proportionate(), Biometrics: Biometrics{Prints: rec}}
		default:
			surnames[sc] = fmt.Sprintf("Access%c", 'A'+i)
			dob := adultDOB
			if sc.Category == ChildAbductionRisk || sc.Category == ChildTravelBan {
				dob = childDOB
			}
			a = personAlert(sc.Category, surnames[sc], dob)
			a.Biometrics.Prints, probes[sc] = tenPrint(uint64(4400+i), 2)
		}
		alerts[sc] = mustEnter(t, e, issuerFor("DE", sc.Category), a)
	}

	for _, kind := range AuthorityKinds() {
		state := MemberState("FR")
		if kind == Europol || kind == Eurojust {
			state = "EU"
		}
		user := userOf(state, kind)
		for _, sc := range Scopes() {
			want := MaySee(kind, sc)
			t.Run(fmt.Sprintf("%s/%s", kind, sc), func(t *testing.T) {
				got, err := e.sys.Read(ctx, user, alerts[sc])
				if want {
					require.NoError(t, err)
					assert.Equal(t, alerts[sc], got.ID)
				} else {
					assert.ErrorIs(t, err, ErrNotFound)
				}
				if surnames[sc] != "" {
					ms, err := e.sys.SearchPersons(ctx, user, PersonQuery{Surname: surnames[sc]})
					require.NoError(t, err)
					if want {
						require.Len(t, ms, 1)
						assert.Equal(t, alerts[sc], ms[0].Alert)
					} else {
						assert.Empty(t, ms)
					}
				}
				// The same matrix decides inside the gallery scan.
				if probe := probes[sc]; probe != nil {
					ms, err := e.sys.SearchPrints(ctx, user, probe, 3)
					switch {
					case !MayDo(kind, OpBiometricSearch):
						assert.ErrorIs(t, err, ErrForbidden)
					case want:
						require.NoError(t, err)
						require.NotEmpty(t, ms)
						assert.Equal(t, alerts[sc], ms[0].Alert)
					default:
						require.NoError(t, err)
						for _, m := range ms {
							assert.NotEqual(t, alerts[sc], m.Alert)
						}
					}
				}
				if identifiers[sc] != "" {
					ms, err := e.sys.SearchObjects(ctx, user, ObjectQuery{Kind: sc.ObjectKind, Identifier: identifiers[sc]})
					if want {
						require.NoError(t, err)
						require.Len(t, ms, 1)
						assert.Equal(t, alerts[sc], ms[0].Alert)
					} else {
						assert.ErrorIs(t, err, ErrForbidden)
					}
				}
			})
		}
	}
}

// The matrix itself, against the articles' words.
func TestArt45to49_MatrixMatchesTheArticles(t *testing.T) {
	obj := func(k ObjectKind) Scope { return Scope{ObjectAlert, k} }
	cat := func(c Category) Scope { return Scope{Category: c} }
	cases := []struct {
		kind  AuthorityKind
		scope Scope
		want  bool
	}{
		{VehicleRegistration, obj(MotorVehicle), true},
		{VehicleRegistration, obj(RegistrationCertificate), true},
		{VehicleRegistration, obj(VehiclePart), true},
		{VehicleRegistration, obj(Boat), false},
		{VehicleRegistration, cat(Arrest), false},
		{BoatAircraftRegistration, obj(AircraftEngine), true},
		{BoatAircraftRegistration, obj(MotorVehicle), false},
		{FirearmsRegistration, cat(Arrest), true},
		{FirearmsRegistration, cat(Check), true},
		{FirearmsRegistration, obj(Firearm), true},
		{FirearmsRegistration, cat(MissingProtected), false},
		{FirearmsRegistration, obj(MotorVehicle), false},
		{Eurojust, cat(Check), false},
		{Eurojust, cat(UnknownWanted), true},
		{Eurojust, obj(Banknote), true},
		{Europol, cat(Check), true},
		{Police, cat(UnknownWanted), true},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, MaySee(c.kind, c.scope), "%s sees %s", c.kind, c.scope)
	}
	for _, k := range []AuthorityKind{VehicleRegistration, BoatAircraftRegistration, FirearmsRegistration} {
		assert.False(t, MayDo(k, OpBiometricSearch), k.String())
		assert.False(t, MayDo(k, OpEnter), k.String())
	}
	assert.True(t, MayIssue(Judicial, Arrest))
	assert.False(t, MayIssue(Police, Arrest))
	assert.False(t, MayIssue(Europol, Check))
}

// Every operation refuses unknown users and logs the attempt.
func TestArt12_UnknownActorRefusedAndLogged(t *testing.T) {
	e := newEnv(t)
	_, err := e.sys.Enter(ctx, "mallory", personAlert(Check, "X", adultDOB))
	assert.ErrorIs(t, err, ErrUnknownActor)
	_, err = e.sys.SearchPersons(ctx, "mallory", PersonQuery{Surname: "X"})
	assert.ErrorIs(t, err, ErrUnknownActor)
	_, err = e.sys.Read(ctx, "mallory", "DE-00000001")
	assert.ErrorIs(t, err, ErrUnknownActor)
	var refused int
	require.NoError(t, ReadAudit(e.st, func(a AuditEntry) error {
		if a.User == "mallory" {
			refused++
			assert.Contains(t, a.Outcome, "refused")
		}
		return nil
	}))
	assert.Equal(t, 3, refused)
}

// Registration services may not search with biometrics, nor enter alerts.
func TestArt45_RegistrationServicesLimited(t *testing.T) {
	e := newEnv(t)
	_, probe := tenPrint(45, 1)
	_, err := e.sys.SearchPrints(ctx, userOf("FR", VehicleRegistration), probe, 5)
	assert.ErrorIs(t, err, ErrForbidden)
	_, err = e.sys.Enter(ctx, userOf("FR", VehicleRegistration), objectAlert(MotorVehicle, "V1"))
	assert.ErrorIs(t, err, ErrForbidden)
	_, err = e.sys.SearchObjects(ctx, userOf("FR", VehicleRegistration), ObjectQuery{Kind: Firearm, Identifier: "G1"})
	assert.ErrorIs(t, err, ErrForbidden)
	_, err = e.sys.Statistics(ctx, userOf("FR", VehicleRegistration), t0, t0, Daily)
	assert.ErrorIs(t, err, ErrForbidden)
}
