package sis

import (
	"context"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbms/bms/bench"
	"github.com/openbms/bms/dna"
	"github.com/openbms/bms/minutiae"
)

var ctx = context.Background()

func TestArt20_3_PersonDataIsTheClosedList(t *testing.T) {
	// The person model is exactly Art. 20(3)(a)–(i), (s)–(v): no
	// free-form field exists through which other data could be stored.
	var names []string
	for _, f := range reflect.VisibleFields(reflect.TypeOf(Person{})) {
		names = append(names, f.Name)
	}
	sort.Strings(names)
	assert.Equal(t, []string{"Aliases", "BirthName", "DateOfBirth", "Documents", "Forenames", "Gender",
		"Nationalities", "PhysicalCharacteristics", "PlaceOfBirth", "Surname"}, names)
	for _, f := range reflect.VisibleFields(reflect.TypeOf(Alert{})) {
		assert.NotEqual(t, reflect.Map, f.Type.Kind(), "alert field %s would accept arbitrary data", f.Name)
	}

	e := newEnv(t)
	a := personAlert(Check, "Bauer", adultDOB)
	a.Person.Aliases = make([]string, MaxNames+1)
	for i := range a.Person.Aliases {
		a.Person.Aliases[i] = "alias"
	}
	_, err := e.sys.Enter(ctx, issuerFor("DE", Check), a)
	requireRefused(t, err, "20(3)")
	a = personAlert(Check, "Bauer", adultDOB)
	a.Reason = string(make([]byte, MaxText+1))
	_, err = e.sys.Enter(ctx, issuerFor("DE", Check), a)
	requireRefused(t, err, "20(3)")
}

func TestArt22_1_MinimumData(t *testing.T) {
	e := newEnv(t)
	user := issuerFor("DE", JudicialProcedure)
	cases := []struct {
		name  string
		strip func(*Alert)
	}{
		{"no surname", func(a *Alert) { a.Person.Surname = " -- " }},
		{"no date of birth", func(a *Alert) { a.Person.DateOfBirth = time.Time{} }},
		{"no reason", func(a *Alert) { a.Reason = "" }},
		{"no action", func(a *Alert) { a.Action = "" }},
		{"no person", func(a *Alert) { a.Person = nil }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := personAlert(JudicialProcedure, "Klein", adultDOB)
			c.strip(a)
			_, err := e.sys.Enter(ctx, user, a)
			requireRefused(t, err, "22(1)")
		})
	}
	mustEnter(t, e, user, personAlert(JudicialProcedure, "Klein", adultDOB))
}

func TestArt40_UnknownWantedHoldsPrintsOnly(t *testing.T) {
	e := newEnv(t)
	user := issuerFor("DE", UnknownWanted)
	latent, _ := tenPrint(40, 2)
	for i := range latent.Views {
		latent.Views[i].Impression = minutiae.LatentImpression
		latent.Views[i].Position = minutiae.UnknownFinger
	}
	ok := &Alert{Category: UnknownWanted, Reason: "murder scene 2026/77", Action: "identify",
		Proportionality: proportionate(), Biometrics: Biometrics{Prints: latent}}
	// Art. 22(1): no surname or date of birth needed for Art. 40.
	mustEnter(t, e, user, ok)

	withName := *ok
	withName.Person = &Person{Surname: "Unknown", DateOfBirth: adultDOB}
	_, err := e.sys.Enter(ctx, user, &withName)
	requireRefused(t, err, "40")

	withFace := *ok
	withFace.Biometrics.Faces = [][]byte{face(1)}
	_, err = e.sys.Enter(ctx, user, &withFace)
	requireRefused(t, err, "40")

	noPrints := *ok
	noPrints.Biometrics.Prints = nil
	_, err = e.sys.Enter(ctx, user, &noPrints)
	requireRefused(t, err, "40")
}

func TestArt22_2_PhysicalCharacteristicsOnlyWhenNecessary(t *testing.T) {
	e := newEnv(t)
	user := issuerFor("DE", Check)
	a := personAlert(Check, "Roth", adultDOB)
	a.Person.PhysicalCharacteristics = "scar on left cheek"
	_, err := e.sys.Enter(ctx, user, a)
	requireRefused(t, err, "22(2)")
	a.Necessity = "twin brother with the same documents"
	mustEnter(t, e, user, a)
}

func TestArt21_ProportionalityRecorded(t *testing.T) {
	e := newEnv(t)
	user := issuerFor("DE", Check)
	a := personAlert(Check, "Vogel", adultDOB)
	a.Proportionality = Proportionality{Adequate: true, Relevant: true}
	_, err := e.sys.Enter(ctx, user, a)
	requireRefused(t, err, "21")
	a.Proportionality = Proportionality{Adequate: true, Relevant: true, Important: true}
	_, err = e.sys.Enter(ctx, user, a)
	requireRefused(t, err, "21") // the reason must be recorded

	// Terrorism cases are presumed proportionate (Art. 21(2)).
	a.Proportionality = Proportionality{Terrorism: true}
	id := mustEnter(t, e, user, a)
	got, err := e.sys.Read(ctx, user, id)
	require.NoError(t, err)
	assert.True(t, got.Proportionality.Terrorism)
}

func TestArt23_1_DuplicateCheckIncludesFingerprints(t *testing.T) {
	e := newEnv(t)
	user := issuerFor("DE", Check)
	enrol, probe := tenPrint(23, 4)
	a := personAlert(Check, "Fischer", adultDOB)
	a.Biometrics.Prints = enrol
	mustEnter(t, e, user, a)

	// Same person under another name and birth date: only the prints tell.
	b := personAlert(Check, "Schmidt", adultDOB.AddDate(2, 0, 0))
	b.Biometrics.Prints = probe
	_, err := e.sys.Enter(ctx, user, b)
	requireRefused(t, err, "23(2)")
	assert.ErrorIs(t, err, ErrDuplicate)

	// Other prints: a different person, entered.
	other, _ := tenPrint(99, 4)
	b.Biometrics.Prints = other
	mustEnter(t, e, user, b)
}

func TestArt23_2_OneAlertPerPersonPerMemberState(t *testing.T) {
	e := newEnv(t)
	first := mustEnter(t, e, issuerFor("DE", JudicialProcedure), personAlert(JudicialProcedure, "Weber", adultDOB))
	_, err := e.sys.Enter(ctx, issuerFor("DE", Check), personAlert(Check, "WEBER", adultDOB))
	requireRefused(t, err, "23(2)")

	// Another Member State may add a compatible alert; it learns of the
	// existing one and a cross-check is due (Art. 61).
	res, err := e.sys.Enter(ctx, issuerFor("FR", JudicialProcedure), personAlert(JudicialProcedure, "Wéber", adultDOB))
	require.NoError(t, err)
	assert.Equal(t, []AlertID{first}, res.Existing)

	// Objects: one alert per object per Member State.
	mustEnter(t, e, issuerFor("DE", ObjectAlert), objectAlert(MotorVehicle, "WVW ZZZ 1JZ 3W 386752"))
	_, err = e.sys.Enter(ctx, issuerFor("DE", ObjectAlert), objectAlert(MotorVehicle, "wvwzzz1jz3w386752"))
	requireRefused(t, err, "23(2)")
	mustEnter(t, e, issuerFor("FR", ObjectAlert), objectAlert(MotorVehicle, "WVWZZZ1JZ3W386752"))
}

func TestArt23_3_IncompatibleAlertsGoToConsultation(t *testing.T) {
	e := newEnv(t)
	mustEnter(t, e, issuerFor("DE", Arrest), personAlert(Arrest, "Hoffmann", adultDOB))
	_, err := e.sys.Enter(ctx, issuerFor("FR", Check), personAlert(Check, "Hoffmann", adultDOB))
	requireRefused(t, err, "23(3)")
	assert.ErrorIs(t, err, ErrIncompatible)
	assert.False(t, Compatible(Arrest, Check))
	assert.True(t, Compatible(Arrest, JudicialProcedure))
}

func TestArt61_SameIdentityDescriptionCrossCheck(t *testing.T) {
	e := newEnv(t)
	first := mustEnter(t, e, issuerFor("DE", JudicialProcedure), personAlert(JudicialProcedure, "Wagner", adultDOB))
	res, err := e.sys.Enter(ctx, issuerFor("FR", JudicialProcedure), personAlert(JudicialProcedure, "Wagner", adultDOB))
	require.NoError(t, err)
	assert.Equal(t, []AlertID{first}, res.CrossChecks)
	ns, err := e.sys.Notices(ctx, userOf("FR", SIRENE))
	require.NoError(t, err)
	require.NotEmpty(t, ns)
	assert.Equal(t, NoticeCrossCheck, ns[len(ns)-1].Kind)
	assert.Equal(t, t0.Add(12*time.Hour), ns[len(ns)-1].Due)

	// A different person with the same description, same Member State:
	// allowed after the cross-check only with distinguishing data.
	second := personAlert(JudicialProcedure, "Wagner", adultDOB)
	_, err = e.sys.Enter(ctx, issuerFor("DE", JudicialProcedure), second, first)
	requireRefused(t, err, "61(2)")
	second.Person.PlaceOfBirth = "Lyon"
	_, err = e.sys.Enter(ctx, issuerFor("DE", JudicialProcedure), second, first)
	require.NoError(t, err)
}

func TestArt42_1_QualityCheckBeforeEntry(t *testing.T) {
	e := newEnv(t)
	user := issuerFor("DE", Check)
	enrol, _ := tenPrint(421, 2)
	enrol.Views[1].Qualities = []minutiae.QualityRecord{{Score: 5}}
	a := personAlert(Check, "Becker", adultDOB)
	a.Biometrics.Prints = enrol
	_, err := e.sys.Enter(ctx, user, a)
	requireRefused(t, err, "42(1)")
	assert.ErrorIs(t, err, ErrQuality)

	few, _ := tenPrint(422, 1)
	few.Views[0].Minutiae = few.Views[0].Minutiae[:5]
	a.Biometrics.Prints = few
	_, err = e.sys.Enter(ctx, user, a)
	requireRefused(t, err, "42(1)")

	a.Biometrics.Prints = nil
	bad := face(3)
	bad[0] = 10
	a.Biometrics.Faces = [][]byte{bad}
	_, err = e.sys.Enter(ctx, user, a)
	requireRefused(t, err, "42(1)")
	assert.ErrorIs(t, err, errFaceQuality)

	a.Biometrics.Faces = [][]byte{face(3)}
	mustEnter(t, e, user, a)
	assert.Equal(t, 1, len(e.faces.tmpl))

	// A ten-print whose rolled index and middle were taken in each other's
	// boxes: its plain (slap) fingers betray it.
	syn := bench.NewSynth(423)
	card := &minutiae.Record{}
	var flats []minutiae.Template
	for _, pos := range []minutiae.Position{minutiae.RightIndex, minutiae.RightMiddle, minutiae.RightRing} {
		f := syn.Finger()
		rolled := *syn.Impression(f)
		rolled.Position, rolled.Impression = pos, minutiae.NonliveRolled
		flat := *syn.Impression(f)
		flat.Position, flat.Impression = pos, minutiae.NonlivePlain
		card.Views = append(card.Views, rolled)
		flats = append(flats, flat)
	}
	card.Views = append(card.Views, flats...)
	card.Views[0].Position, card.Views[1].Position = minutiae.RightMiddle, minutiae.RightIndex
	b := personAlert(Check, "Vogel", adultDOB)
	b.Biometrics.Prints = card
	_, err = e.sys.Enter(ctx, user, b)
	requireRefused(t, err, "42(1)")
	assert.ErrorIs(t, err, ErrQuality)
	assert.Contains(t, err.Error(), "wrong boxes")
	card.Views[0].Position, card.Views[1].Position = minutiae.RightIndex, minutiae.RightMiddle
	mustEnter(t, e, user, b)
}

func TestArt42_2_AtMostTenFlatTenRolledTwoPalms(t *testing.T) {
	e := newEnv(t)
	user := issuerFor("DE", Check)
	build := func(flat, rolled, palms int, seed uint64) *minutiae.Record {
		rec, _ := tenPrint(seed, flat+rolled+palms)
		for i := range rec.Views {
			v := &rec.Views[i]
			switch {
			case i < flat:
				v.Impression, v.Position = minutiae.LivePlain, minutiae.Position(i%10+1)
			case i < flat+rolled:
				v.Impression, v.Position = minutiae.LiveRolled, minutiae.Position(i%10+1)
			default:
				v.Impression, v.Position = minutiae.LivePlain, minutiae.Position(22+i%2)
			}
		}
		return rec
	}
	cases := []struct {
		flat, rolled, palms int
		ok                  bool
	}{
		{10, 10, 2, true}, {11, 0, 0, false}, {0, 11, 0, false}, {1, 1, 3, false},
	}
	for i, c := range cases {
		a := personAlert(Check, "Palm", adultDOB.AddDate(0, 0, i))
		a.Biometrics.Prints = build(c.flat, c.rolled, c.palms, uint64(4200+i))
		_, err := e.sys.Enter(ctx, user, a)
		if c.ok {
			require.NoError(t, err, "%+v", c)
		} else {
			requireRefused(t, err, "42(2)")
		}
	}
	// Crime-scene prints belong in Art. 40 alerts only.
	a := personAlert(Check, "Latent", adultDOB)
	a.Biometrics.Prints, _ = tenPrint(4299, 1)
	a.Biometrics.Prints.Views[0].Impression = minutiae.LatentImpression
	_, err := e.sys.Enter(ctx, user, a)
	requireRefused(t, err, "42(2)")
}

func dnaAlert(e *env, withConsent bool) (*Alert, *dna.Profile) {
	father, mother := e.dna.sim.Unrelated(), e.dna.sim.Unrelated()
	child := e.dna.sim.Child(father, mother)
	f := dna.AsRelative(father, "", dna.Father)
	m := dna.AsRelative(mother, "", dna.Mother)
	f.ID, m.ID = "father", "mother"
	m.Subject.Consent = withConsent
	a := personAlert(MissingProtected, "Lang", childDOB)
	a.Biometrics.DNA = []*dna.Profile{f, m}
	a.Biometrics.DNAJustification = "no photograph or prints of the child exist"
	child.ID = "remains-1"
	return a, child
}

func TestArt42_3_DNAOnlyOnMissingPersonsNeedingProtection(t *testing.T) {
	e := newEnv(t)
	a, remains := dnaAlert(e, true)
	for _, c := range []Category{MissingNotProtected, JudicialProcedure, Check} {
		b := *a
		b.Category = c
		b.Action = "locate"
		_, err := e.sys.Enter(ctx, issuerFor("DE", c), &b)
		requireRefused(t, err, "42(3)")
	}
	noReason := *a
	noReason.Biometrics.DNAJustification = ""
	_, err := e.sys.Enter(ctx, issuerFor("DE", MissingProtected), &noReason)
	requireRefused(t, err, "42(3)")

	id := mustEnter(t, e, issuerFor("DE", MissingProtected), a)
	ms, err := e.sys.SearchDNA(ctx, userOf("FR", Police), remains, 5)
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	assert.Equal(t, id, ms[0].Alert)
	assert.True(t, ms[0].Biometric)

	// A low-quality profile is refused by the DNA gate.
	weak := personAlert(MissingProtected, "Kurz", childDOB)
	p := e.dna.sim.Unrelated()
	p.Restrict(dna.ESS[:3])
	p.Subject = dna.Subject{Role: dna.MissingPerson}
	weak.Biometrics.DNA = []*dna.Profile{p}
	weak.Biometrics.DNAJustification = "no prints"
	_, err = e.sys.Enter(ctx, issuerFor("DE", MissingProtected), weak)
	requireRefused(t, err, "42(3)")
	assert.ErrorIs(t, err, ErrQuality)
}

func TestArt42_3_RelativesProfilesOnlyWithConsent(t *testing.T) {
	e := newEnv(t)
	a, _ := dnaAlert(e, false)
	_, err := e.sys.Enter(ctx, issuerFor("DE", MissingProtected), a)
	requireRefused(t, err, "42(3)")
	assert.Contains(t, err.Error(), "consent")

	u := e.dna.sim.Unrelated() // an unidentified profile cannot be attached
	a, _ = dnaAlert(e, true)
	a.Biometrics.DNA = append(a.Biometrics.DNA, u)
	_, err = e.sys.Enter(ctx, issuerFor("DE", MissingProtected), a)
	requireRefused(t, err, "42(3)")
}

func TestArt32_ChildAndAdultCategories(t *testing.T) {
	e := newEnv(t)
	_, err := e.sys.Enter(ctx, issuerFor("DE", ChildTravelBan), personAlert(ChildTravelBan, "Old", adultDOB))
	requireRefused(t, err, "32(1)")
	_, err = e.sys.Enter(ctx, issuerFor("DE", VulnerableAdultTravelBan), personAlert(VulnerableAdultTravelBan, "Young", childDOB))
	requireRefused(t, err, "32(1)(e)")
	mustEnter(t, e, issuerFor("DE", ChildTravelBan), personAlert(ChildTravelBan, "Young", childDOB))
}

func TestArt63_LinkedObjectsAndInvisibleLinks(t *testing.T) {
	e := newEnv(t)
	person := mustEnter(t, e, issuerFor("DE", Check), personAlert(Check, "Link", adultDOB))
	car := mustEnter(t, e, issuerFor("DE", ObjectAlert), objectAlert(MotorVehicle, "B-XY 123"))
	banknote := mustEnter(t, e, issuerFor("DE", ObjectAlert), objectAlert(Banknote, "X123"))
	sirene := userOf("DE", SIRENE)
	require.NoError(t, e.sys.Link(ctx, sirene, person, car))
	err := e.sys.Link(ctx, sirene, person, banknote)
	requireRefused(t, err, "26(5), 32(8), 34(2), 36(5)")

	// Art. 63(3): the vehicle registration service sees the car but not
	// the link to the person alert it may not see.
	got, err := e.sys.Read(ctx, userOf("FR", VehicleRegistration), car)
	require.NoError(t, err)
	assert.Empty(t, got.Links)
	got, err = e.sys.Read(ctx, userOf("FR", Police), car)
	require.NoError(t, err)
	assert.Equal(t, []AlertID{person}, got.Links)

	// Only the issuing Member State links its alerts (Art. 59(3)).
	frCar := mustEnter(t, e, issuerFor("FR", ObjectAlert), objectAlert(Trailer, "T-1"))
	err = e.sys.Link(ctx, sirene, person, frCar)
	requireRefused(t, err, "59(3)")
}

func TestArt55_7_DeletingPersonAlertDeletesLinkedObjects(t *testing.T) {
	e := newEnv(t)
	person := mustEnter(t, e, issuerFor("DE", Arrest), personAlert(Arrest, "Krause", adultDOB))
	car := mustEnter(t, e, issuerFor("DE", ObjectAlert), objectAlert(MotorVehicle, "M-AB 1"))
	gun := mustEnter(t, e, issuerFor("DE", ObjectAlert), objectAlert(Firearm, "SN-778"))
	other := mustEnter(t, e, issuerFor("DE", ObjectAlert), objectAlert(MotorVehicle, "M-AB 2"))
	sirene := userOf("DE", SIRENE)
	require.NoError(t, e.sys.Link(ctx, sirene, person, car))
	require.NoError(t, e.sys.Link(ctx, sirene, person, gun))

	err := e.sys.Delete(ctx, sirene, person, GroundSeized)
	requireRefused(t, err, "55")
	require.NoError(t, e.sys.Delete(ctx, sirene, person, GroundSurrendered))
	for _, id := range []AlertID{person, car, gun} {
		_, err := e.sys.Read(ctx, sirene, id)
		assert.ErrorIs(t, err, ErrNotFound, id)
	}
	_, err = e.sys.Read(ctx, sirene, other)
	assert.NoError(t, err)
}

func TestArt59_3_OnlyIssuerModifiesOrDeletes(t *testing.T) {
	e := newEnv(t)
	id := mustEnter(t, e, issuerFor("DE", Check), personAlert(Check, "Issuer", adultDOB))
	upd := personAlert(Check, "Issuer", adultDOB)
	upd.Reason = "new decision"
	err := e.sys.Update(ctx, issuerFor("FR", Check), id, upd)
	requireRefused(t, err, "59(3)")
	assert.ErrorIs(t, err, ErrForbidden)
	requireRefused(t, e.sys.Delete(ctx, userOf("FR", SIRENE), id, GroundActionExecuted), "59(3)")
	requireRefused(t, e.sys.Extend(ctx, userOf("FR", SIRENE), id, "comprehensive assessment made"), "59(3)")
	// The border guard of the issuing state sees it but may not modify it.
	assert.ErrorIs(t, e.sys.Update(ctx, userOf("DE", BorderGuard), id, upd), ErrForbidden)

	require.NoError(t, e.sys.Update(ctx, issuerFor("DE", Check), id, upd))
	got, err := e.sys.Read(ctx, issuerFor("DE", Check), id)
	require.NoError(t, err)
	assert.Equal(t, 2, got.Version)
	assert.Equal(t, "new decision", got.Reason)

	// The category cannot change by update.
	upd.Category = JudicialProcedure
	requireRefused(t, e.sys.Update(ctx, issuerFor("DE", Check), id, upd), "59(3)")
}

func TestArt24_FlagSuspendsActionInFlaggingState(t *testing.T) {
	e := newEnv(t)
	id := mustEnter(t, e, issuerFor("DE", Arrest), personAlert(Arrest, "Flagged", adultDOB))
	obj := mustEnter(t, e, issuerFor("DE", ObjectAlert), objectAlert(Boat, "BOAT-1"))

	assert.ErrorIs(t, e.sys.Flag(ctx, userOf("FR", Police), id, "national law"), ErrForbidden)
	requireRefused(t, e.sys.Flag(ctx, userOf("DE", SIRENE), id, "own"), "24(1)")
	requireRefused(t, e.sys.Flag(ctx, userOf("FR", SIRENE), obj, "object"), "24(1)")
	require.NoError(t, e.sys.Flag(ctx, userOf("FR", SIRENE), id, "offence not punishable in FR"))

	ms, err := e.sys.SearchPersons(ctx, userOf("FR", Police), PersonQuery{Surname: "Flagged"})
	require.NoError(t, err)
	require.Len(t, ms, 1)
	assert.True(t, ms[0].ActionSuspended)
	hit, err := e.sys.ConfirmHit(ctx, userOf("FR", Police), id, Confirmation{})
	require.NoError(t, err)
	assert.True(t, hit.ActionSuspended)
	hit, err = e.sys.ConfirmHit(ctx, userOf("DE", Police), id, Confirmation{})
	require.NoError(t, err)
	assert.False(t, hit.ActionSuspended)
}

func TestArt26_4_UnavailableForAtMost48Hours(t *testing.T) {
	e := newEnv(t)
	judge := issuerFor("DE", Arrest)
	id := mustEnter(t, e, judge, personAlert(Arrest, "Covert", adultDOB))
	check := mustEnter(t, e, issuerFor("DE", Check), personAlert(Check, "Other", adultDOB))

	requireRefused(t, e.sys.SetUnavailable(ctx, judge, id, "", time.Hour), "26(4)")
	requireRefused(t, e.sys.SetUnavailable(ctx, judge, id, "order 7/26", 49*time.Hour), "26(4)")
	requireRefused(t, e.sys.SetUnavailable(ctx, issuerFor("DE", Check), check, "order", time.Hour), "26(4)")
	require.NoError(t, e.sys.SetUnavailable(ctx, judge, id, "order 7/26", 48*time.Hour))

	police := userOf("FR", Police)
	ms, err := e.sys.SearchPersons(ctx, police, PersonQuery{Surname: "Covert"})
	require.NoError(t, err)
	assert.Empty(t, ms)
	_, err = e.sys.Read(ctx, police, id)
	assert.ErrorIs(t, err, ErrNotFound)
	ms, err = e.sys.SearchPersons(ctx, userOf("FR", SIRENE), PersonQuery{Surname: "Covert"})
	require.NoError(t, err)
	assert.Len(t, ms, 1)

	// Renewed by at most 48 h from now, then visible again.
	e.clock.Advance(47 * time.Hour)
	require.NoError(t, e.sys.SetUnavailable(ctx, judge, id, "order 7/26 renewed", 48*time.Hour))
	e.clock.Advance(47 * time.Hour)
	_, err = e.sys.Read(ctx, police, id)
	assert.ErrorIs(t, err, ErrNotFound)
	e.clock.Advance(2 * time.Hour)
	_, err = e.sys.Read(ctx, police, id)
	assert.NoError(t, err)

	rows, err := e.sys.Statistics(ctx, userOf("DE", SIRENE), t0, e.clock.Now(), Annual)
	require.NoError(t, err)
	assert.Equal(t, int64(2), count(rows, "unavailable", "26", "DE"))
}

func count(rows []StatRow, metric, cat string, state MemberState) int64 {
	for _, r := range rows {
		if r.Metric == metric && r.Category == cat && r.State == state {
			return r.Count
		}
	}
	return 0
}

func TestArt24_2_NewArrestAlertNotifiesAllStates(t *testing.T) {
	e := newEnv(t)
	id := mustEnter(t, e, issuerFor("DE", Arrest), personAlert(Arrest, "Notify", adultDOB))
	ns, err := e.sys.Notices(ctx, userOf("FR", SIRENE))
	require.NoError(t, err)
	require.Len(t, ns, 1)
	assert.Equal(t, Notice{Seq: ns[0].Seq, Time: t0, To: "FR", Kind: NoticeNewArrestAlert, Alert: id}, ns[0])
	ns, err = e.sys.Notices(ctx, userOf("DE", SIRENE))
	require.NoError(t, err)
	assert.Empty(t, ns)
}

func TestArt62_MisusedIdentityPerCategoryConsent(t *testing.T) {
	e := newEnv(t)
	user := issuerFor("DE", Check)
	a := personAlert(Check, "Impostor", adultDOB)
	a.MisusedIdentity = &MisusedIdentity{
		Consent: map[DataCategory]bool{MisusedNames: true},
		Surname: "Victim", Face: face(9),
	}
	_, err := e.sys.Enter(ctx, user, a)
	requireRefused(t, err, "62(1)")
	assert.Contains(t, err.Error(), "face")

	a.MisusedIdentity.Consent[MisusedPhotograph] = true
	id := mustEnter(t, e, user, a)
	// The misused identity's face is not searchable: it serves only to
	// avoid misidentification.
	assert.Equal(t, 0, len(e.faces.tmpl))
	got, err := e.sys.Read(ctx, user, id)
	require.NoError(t, err)
	require.NotNil(t, got.MisusedIdentity)
	assert.Equal(t, face(9), got.MisusedIdentity.Face)

	// Deleted on request (Art. 62(5)).
	require.NoError(t, e.sys.DeleteMisusedIdentity(ctx, user, id))
	got, err = e.sys.Read(ctx, user, id)
	require.NoError(t, err)
	assert.Nil(t, got.MisusedIdentity)
	requireRefused(t, e.sys.DeleteMisusedIdentity(ctx, user, id), "62(5)")
}

func TestArt25_ArrestAlertExecutedFirst(t *testing.T) {
	e := newEnv(t)
	chk := mustEnter(t, e, issuerFor("DE", JudicialProcedure), personAlert(JudicialProcedure, "Multi", adultDOB))
	arr := mustEnter(t, e, issuerFor("FR", Arrest), personAlert(Arrest, "Multi", adultDOB))
	ms, err := e.sys.SearchPersons(ctx, userOf("DE", Police), PersonQuery{Surname: "multi", DateOfBirth: adultDOB})
	require.NoError(t, err)
	require.Len(t, ms, 2)
	assert.Equal(t, arr, ms[0].Alert)
	assert.Equal(t, chk, ms[1].Alert)
	order := ExecutionOrder([]Hit{{Alert: chk, Priority: int(JudicialProcedure)}, {Alert: arr, Priority: int(Arrest)}})
	assert.Equal(t, arr, order[0].Alert)
}

func TestArt3_BiometricMatchNeedsConfirmation(t *testing.T) {
	e := newEnv(t)
	enrol, probe := tenPrint(38, 3)
	a := personAlert(Check, "Match", adultDOB)
	a.Biometrics.Prints = enrol
	id := mustEnter(t, e, issuerFor("DE", Check), a)
	ms, err := e.sys.SearchPrints(ctx, userOf("FR", Police), probe, 5)
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	assert.Equal(t, id, ms[0].Alert)
	assert.True(t, ms[0].Biometric)

	_, err = e.sys.ConfirmHit(ctx, userOf("FR", Police), id, Confirmation{Biometric: true})
	requireRefused(t, err, "3(8)")
	hit, err := e.sys.ConfirmHit(ctx, userOf("FR", Police), id, Confirmation{Biometric: true, DecisionRef: "FR AFIS expert 2026/3"})
	require.NoError(t, err)
	assert.Equal(t, id, hit.Alert)
	// Registration services and Europol do not confirm hits.
	_, err = e.sys.ConfirmHit(ctx, userOf("EU", Europol), id, Confirmation{})
	assert.ErrorIs(t, err, ErrForbidden)

	rows, err := e.sys.Statistics(ctx, userOf("FR", SIRENE), t0, t0, Daily)
	require.NoError(t, err)
	assert.Equal(t, int64(1), count(rows, "hit", "36", "FR"))
}

func TestArt41_UnknownWantedHitNeedsExpertVerification(t *testing.T) {
	e := newEnv(t)
	scene, suspect := tenPrint(41, 2)
	for i := range scene.Views {
		scene.Views[i].Impression = minutiae.LatentImpression
	}
	id := mustEnter(t, e, issuerFor("DE", UnknownWanted), &Alert{Category: UnknownWanted, Reason: "robbery",
		Action: "identify", Proportionality: proportionate(), Biometrics: Biometrics{Prints: scene}})
	ms, err := e.sys.SearchPrints(ctx, userOf("FR", Police), suspect, 5)
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	assert.Equal(t, id, ms[0].Alert)

	conf := Confirmation{Biometric: true, DecisionRef: "FR-2026-11"}
	_, err = e.sys.ConfirmHit(ctx, userOf("FR", Police), id, conf)
	requireRefused(t, err, "41")
	conf.ExpertUser, conf.ExpertRef = userOf("DE", Police), "report 1" // wrong Member State
	_, err = e.sys.ConfirmHit(ctx, userOf("FR", Police), id, conf)
	requireRefused(t, err, "41")
	conf.ExpertUser = userOf("FR", BorderGuard) // not a forensic authority
	_, err = e.sys.ConfirmHit(ctx, userOf("FR", Police), id, conf)
	requireRefused(t, err, "41")
	conf.ExpertUser = userOf("FR", Police)
	_, err = e.sys.ConfirmHit(ctx, userOf("FR", Police), id, conf)
	require.NoError(t, err)
}

func TestArt43_3_LatentSearchOnlyAgainstAllowedCategories(t *testing.T) {
	e := newEnv(t)
	enrol, probe := tenPrint(433, 2)
	a := personAlert(JudicialProcedure, "Witness", adultDOB) // Art. 34: not searchable by latents
	a.Biometrics.Prints = enrol
	id := mustEnter(t, e, issuerFor("DE", JudicialProcedure), a)

	ms, err := e.sys.SearchPrints(ctx, userOf("DE", Police), probe, 5)
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	assert.Equal(t, id, ms[0].Alert)

	latent := &minutiae.Record{Views: []minutiae.Template{probe.Views[0]}}
	latent.Views[0].Impression = minutiae.LatentImpression
	ms, err = e.sys.SearchPrints(ctx, userOf("DE", Police), latent, 5)
	require.NoError(t, err)
	assert.Empty(t, ms, "latent prints must not reach Art. 34 alerts")

	// The same print on an Art. 36 alert is found by the latent search.
	enrol2, probe2 := tenPrint(434, 2)
	b := personAlert(Check, "Suspect", adultDOB)
	b.Biometrics.Prints = enrol2
	id2 := mustEnter(t, e, issuerFor("DE", Check), b)
	latent = &minutiae.Record{Views: []minutiae.Template{probe2.Views[0], probe2.Views[1]}}
	for i := range latent.Views {
		latent.Views[i].Impression = minutiae.LatentImpression
	}
	ms, err = e.sys.SearchPrints(ctx, userOf("DE", Police), latent, 5)
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	assert.Equal(t, id2, ms[0].Alert)
	assert.Equal(t, "latent", ms[0].Via)
}

func TestArt43_4_FaceIdentificationOnlyAtBorderCrossings(t *testing.T) {
	e := newEnv(t)
	a := personAlert(Check, "Face", adultDOB)
	a.Biometrics.Faces = [][]byte{face(7)}
	id := mustEnter(t, e, issuerFor("DE", Check), a)

	_, err := e.sys.SearchFaces(ctx, userOf("FR", Police), face(7), FaceContext{BorderCrossing: true}, 5)
	requireRefused(t, err, "43(4)")
	_, err = e.sys.SearchFaces(ctx, userOf("FR", BorderGuard), face(7), FaceContext{}, 5)
	requireRefused(t, err, "43(4)")
	ms, err := e.sys.SearchFaces(ctx, userOf("FR", BorderGuard), face(7), FaceContext{BorderCrossing: true}, 5)
	require.NoError(t, err)
	require.Len(t, ms, 1)
	assert.Equal(t, id, ms[0].Alert)

	// Verification (Art. 43(1)) is open to whoever sees the alert.
	v, err := e.sys.VerifyFace(ctx, userOf("FR", Police), id, face(7))
	require.NoError(t, err)
	assert.True(t, v.Matches)
	v, err = e.sys.VerifyFace(ctx, userOf("FR", Police), id, face(8))
	require.NoError(t, err)
	assert.False(t, v.Matches)

	// Disabled until the technology is declared reliable.
	e.sys.cfg.FaceIdentification = false
	_, err = e.sys.SearchFaces(ctx, userOf("FR", BorderGuard), face(7), FaceContext{BorderCrossing: true}, 5)
	requireRefused(t, err, "43(4)")
}

func TestArt43_1_PrintsConfirmAlphanumericFind(t *testing.T) {
	e := newEnv(t)
	enrol, probe := tenPrint(431, 2)
	a := personAlert(Check, "Confirm", adultDOB)
	a.Biometrics.Prints = enrol
	id := mustEnter(t, e, issuerFor("DE", Check), a)
	ms, err := e.sys.SearchPersons(ctx, userOf("FR", BorderGuard), PersonQuery{Surname: "Confirm"})
	require.NoError(t, err)
	require.Len(t, ms, 1)
	v, err := e.sys.VerifyPrints(ctx, userOf("FR", BorderGuard), id, probe)
	require.NoError(t, err)
	assert.True(t, v.Matches)
	other, _ := tenPrint(999, 1)
	v, err = e.sys.VerifyPrints(ctx, userOf("FR", BorderGuard), id, other)
	require.NoError(t, err)
	assert.False(t, v.Matches)
}

func TestRecital19_SearchDataNotStored(t *testing.T) {
	e := newEnv(t)
	_, remains := dnaAlert(e, true)
	alerts, unidentified := e.cfg.DNA.(*DNAStore).Store.Len()
	_, err := e.sys.SearchDNA(ctx, userOf("DE", Police), remains, 5)
	require.NoError(t, err)
	a2, u2 := e.cfg.DNA.(*DNAStore).Store.Len()
	assert.Equal(t, alerts, a2)
	assert.Equal(t, unidentified, u2)
}

func TestArt43_2_TenPrintAndPalmIdentification(t *testing.T) {
	e := newEnv(t)
	enrol, probe := tenPrint(432, 4)
	// The last two views are palms (positions 22, 23: writer's palms).
	enrol.Views[2].Position, enrol.Views[3].Position = 22, 23
	probe.Views[2].Position, probe.Views[3].Position = 22, 23
	a := personAlert(Arrest, "Palmer", adultDOB)
	a.Biometrics.Prints = enrol
	id := mustEnter(t, e, issuerFor("DE", Arrest), a)
	mustEnter(t, e, issuerFor("DE", Check), func() *Alert {
		b := personAlert(Check, "Other", adultDOB)
		b.Biometrics.Prints, _ = tenPrint(999, 4)
		return b
	}())

	palmOnly := &minutiae.Record{Views: []minutiae.Template{probe.Views[2]}}
	for _, c := range []struct {
		name  string
		probe *minutiae.Record
	}{{"ten-print", probe}, {"palm", palmOnly}} {
		ms, err := e.sys.SearchPrints(ctx, userOf("FR", BorderGuard), c.probe, 3)
		require.NoError(t, err, c.name)
		require.NotEmpty(t, ms, c.name)
		assert.Equal(t, id, ms[0].Alert, c.name)
		assert.Less(t, ms[0].FMR, 1e-3, c.name)
	}
	var types []string
	for _, x := range auditEntries(t, e.st) {
		if x.Search != nil {
			types = append(types, x.Search.BiometricType)
		}
	}
	assert.Equal(t, []string{"fingerprints+palm-prints", "palm-prints"}, types)
}

func TestArt26_4_UnavailableAlertFilteredInsideGallerySearch(t *testing.T) {
	e := newEnv(t)
	judge := issuerFor("DE", Arrest)
	enrol, probe := tenPrint(264, 2)
	a := personAlert(Arrest, "Hidden", adultDOB)
	a.Biometrics.Prints = enrol
	id := mustEnter(t, e, judge, a)
	require.NoError(t, e.sys.SetUnavailable(ctx, judge, id, "order 9/26", 24*time.Hour))
	ms, err := e.sys.SearchPrints(ctx, userOf("FR", Police), probe, 5)
	require.NoError(t, err)
	assert.Empty(t, ms)
	ms, err = e.sys.SearchPrints(ctx, userOf("FR", SIRENE), probe, 5)
	require.NoError(t, err)
	require.Len(t, ms, 1)
	assert.Equal(t, id, ms[0].Alert)
}

func TestBadInputRefusedWithoutPanic(t *testing.T) {
	e := newEnv(t)
	user := userOf("DE", SIRENE)
	emptyPrints := &minutiae.Record{Views: []minutiae.Template{{}}}
	bad := []*Alert{
		nil,
		{},
		{Category: 200},
		{Category: ObjectAlert},
		{Category: ObjectAlert, ObjectKind: 99, Object: &Object{Identifier: "x"}},
		{Category: ObjectAlert, ObjectKind: Boat, Object: &Object{Identifier: "--"}, Action: "seize", Proportionality: proportionate()},
		{Category: Check, Person: &Person{}},
		func() *Alert { a := personAlert(Check, "P", adultDOB); a.Biometrics.Prints = emptyPrints; return a }(),
		func() *Alert {
			a := personAlert(Check, "P", adultDOB)
			a.Biometrics.Prints = &minutiae.Record{}
			return a
		}(),
		func() *Alert { a := personAlert(Check, "P", adultDOB); a.Biometrics.Faces = [][]byte{nil}; return a }(),
		func() *Alert {
			a := personAlert(MissingProtected, "P", adultDOB)
			a.Biometrics.DNA = []*dna.Profile{nil}
			a.Biometrics.DNAJustification = "x"
			return a
		}(),
		func() *Alert {
			a := personAlert(Check, "P", adultDOB)
			a.MisusedIdentity = &MisusedIdentity{}
			return a
		}(),
		func() *Alert { a := personAlert(Check, "P", time.Now().AddDate(5, 0, 0)); return a }(),
		func() *Alert { a := personAlert(Check, "P", adultDOB); a.DocumentCopies = [][]byte{{}}; return a }(),
	}
	for i, a := range bad {
		_, err := e.sys.Enter(ctx, user, a)
		assert.Error(t, err, "case %d", i)
	}
	_, err := e.sys.SearchPrints(ctx, user, nil, 5)
	assert.Error(t, err)
	_, err = e.sys.SearchPrints(ctx, user, &minutiae.Record{}, 5)
	assert.Error(t, err)
	_, err = e.sys.SearchPersons(ctx, user, PersonQuery{})
	assert.Error(t, err)
	_, err = e.sys.SearchDNA(ctx, user, nil, 5)
	assert.Error(t, err)
	_, err = e.sys.SearchFaces(ctx, userOf("DE", BorderGuard), nil, FaceContext{BorderCrossing: true}, 5)
	assert.Error(t, err)
	assert.Error(t, e.sys.Update(ctx, user, "nope", nil))
	assert.Error(t, e.sys.Link(ctx, user, "a", "b"))
	_, err = e.sys.VerifyPrints(ctx, user, "nope", nil)
	assert.Error(t, err)
	n, err := VerifyAudit(e.st)
	require.NoError(t, err)
	assert.Greater(t, n, len(bad))
}
