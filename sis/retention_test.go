package sis

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestArt53_ReviewPeriodsPerCategory(t *testing.T) {
	want := map[Category]int{Arrest: 5, MissingProtected: 5, MissingNotProtected: 5, ChildAbductionRisk: 1,
		ChildTravelBan: 1, VulnerableAdultTravelBan: 1, JudicialProcedure: 3, Check: 1, ObjectAlert: 10, UnknownWanted: 3}
	for c, years := range want {
		assert.Equal(t, years, c.ReviewPeriod(), c.Article())
	}
	e := newEnv(t)
	id := mustEnter(t, e, issuerFor("DE", JudicialProcedure), personAlert(JudicialProcedure, "Period", adultDOB))
	a, err := e.sys.Read(ctx, issuerFor("DE", JudicialProcedure), id)
	require.NoError(t, err)
	assert.Equal(t, t0.AddDate(3, 0, 0), a.Expires)
}

func TestArt53_DeletionAfterReviewPeriod(t *testing.T) {
	e := newEnv(t)
	user := issuerFor("DE", Check)
	a := personAlert(Check, "Expire", adultDOB)
	a.Biometrics.Prints, _ = tenPrint(53, 2)
	a.Biometrics.Faces = [][]byte{face(53)}
	id := mustEnter(t, e, user, a)
	keep := mustEnter(t, e, issuerFor("DE", JudicialProcedure), personAlert(JudicialProcedure, "Stays", adultDOB))

	e.clock.AdvanceDate(1, 0, -1)
	rep, err := e.sys.RunRetention(ctx)
	require.NoError(t, err)
	assert.Empty(t, rep.Deleted)
	e.clock.AdvanceDate(0, 0, 1)
	rep, err = e.sys.RunRetention(ctx)
	require.NoError(t, err)
	assert.Equal(t, []AlertID{id}, rep.Deleted)
	assert.True(t, rep.Compacted)
	_, err = e.sys.Read(ctx, userOf("DE", SIRENE), id)
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = e.sys.Read(ctx, userOf("DE", SIRENE), keep)
	assert.NoError(t, err)
	// Its biometrics left every gallery.
	assert.Equal(t, 0, e.prints.Gallery.Len())
	assert.Empty(t, e.faces.tmpl)
}

func TestArt53_7_NoticeFourMonthsBeforeDeletion(t *testing.T) {
	e := newEnv(t)
	id := mustEnter(t, e, issuerFor("DE", Check), personAlert(Check, "Notice", adultDOB))
	e.clock.AdvanceDate(0, 7, 30) // 4 months + 1 day before expiry
	rep, err := e.sys.RunRetention(ctx)
	require.NoError(t, err)
	assert.Empty(t, rep.Notices)
	e.clock.AdvanceDate(0, 0, 2)
	rep, err = e.sys.RunRetention(ctx)
	require.NoError(t, err)
	require.Len(t, rep.Notices, 1)
	n := rep.Notices[0]
	assert.Equal(t, NoticeReviewDue, n.Kind)
	assert.Equal(t, id, n.Alert)
	assert.Equal(t, MemberState("DE"), n.To)
	assert.Equal(t, t0.AddDate(1, 0, 0), n.Due)
	rep, err = e.sys.RunRetention(ctx) // sent once
	require.NoError(t, err)
	assert.Empty(t, rep.Notices)
}

func TestArt53_4_ExtensionNeedsAssessmentAndRestartsPeriod(t *testing.T) {
	e := newEnv(t)
	user := issuerFor("DE", Check)
	id := mustEnter(t, e, user, personAlert(Check, "Extend", adultDOB))
	e.clock.AdvanceDate(0, 10, 0)
	requireRefused(t, e.sys.Extend(ctx, user, id, "still needed"), "53(4)")
	require.NoError(t, e.sys.Extend(ctx, user, id, "individual assessment: person still sought, case 44/26 open"))
	a, err := e.sys.Read(ctx, user, id)
	require.NoError(t, err)
	assert.Equal(t, e.clock.Now().AddDate(1, 0, 0), a.Expires)
	require.Len(t, a.Extensions, 1)
	assert.Equal(t, user, a.Extensions[0].By)

	e.clock.AdvanceDate(0, 6, 0) // past the original expiry
	rep, err := e.sys.RunRetention(ctx)
	require.NoError(t, err)
	assert.Empty(t, rep.Deleted)

	// Art. 53(8), 54(6): extensions are counted.
	rows, err := e.sys.Statistics(ctx, userOf("DE", SIRENE), t0, e.clock.Now(), Annual)
	require.NoError(t, err)
	assert.Equal(t, int64(1), count(rows, "extend", "36", "DE"))
}

func TestArt53_9_SIRENEPurposeAchievedDeletionAfter15Days(t *testing.T) {
	e := newEnv(t)
	issuer := issuerFor("DE", MissingNotProtected)
	id := mustEnter(t, e, issuer, personAlert(MissingNotProtected, "Found", adultDOB))
	kept := mustEnter(t, e, issuer, personAlert(MissingNotProtected, "Found2", adultDOB))

	assert.ErrorIs(t, e.sys.ReportPurposeAchieved(ctx, userOf("FR", Police), id), ErrForbidden)
	require.NoError(t, e.sys.ReportPurposeAchieved(ctx, userOf("DE", SIRENE), id))
	require.NoError(t, e.sys.ReportPurposeAchieved(ctx, userOf("DE", SIRENE), kept))
	ns, err := e.sys.Notices(ctx, issuer)
	require.NoError(t, err)
	require.Len(t, ns, 2)
	assert.Equal(t, NoticePurposeAchieved, ns[0].Kind)
	assert.Equal(t, t0.Add(15*24*time.Hour), ns[0].Due)
	require.NoError(t, e.sys.KeepAlert(ctx, issuer, kept, "still missing: sighting was another person"))

	e.clock.Advance(15*24*time.Hour - time.Minute)
	rep, err := e.sys.RunRetention(ctx)
	require.NoError(t, err)
	assert.Empty(t, rep.Deleted)
	e.clock.Advance(time.Minute)
	rep, err = e.sys.RunRetention(ctx)
	require.NoError(t, err)
	assert.Equal(t, []AlertID{id}, rep.Deleted)
}

func TestArt32_7_NoticeBeforeChildReachesMajority(t *testing.T) {
	e := newEnv(t)
	dob := t0.AddDate(-17, -6, 0) // 17½ at entry
	id := mustEnter(t, e, issuerFor("DE", ChildAbductionRisk), personAlert(ChildAbductionRisk, "Teen", dob))
	e.clock.AdvanceDate(0, 1, 0) // majority in 5 months
	rep, err := e.sys.RunRetention(ctx)
	require.NoError(t, err)
	assert.Empty(t, rep.Notices)
	e.clock.AdvanceDate(0, 1, 1) // majority in < 4 months
	rep, err = e.sys.RunRetention(ctx)
	require.NoError(t, err)
	require.Len(t, rep.Notices, 1)
	assert.Equal(t, NoticeMajority, rep.Notices[0].Kind)
	assert.Equal(t, id, rep.Notices[0].Alert)
	assert.Equal(t, dob.AddDate(18, 0, 0), rep.Notices[0].Due)
}

func TestArt38_ObjectLinkedToPersonFollowsThePersonAlert(t *testing.T) {
	e := newEnv(t)
	sirene := userOf("DE", SIRENE)
	person := mustEnter(t, e, issuerFor("DE", Arrest), personAlert(Arrest, "Owner", adultDOB))
	e.clock.AdvanceDate(4, 0, 0)
	car := mustEnter(t, e, issuerFor("DE", ObjectAlert), objectAlert(MotorVehicle, "CAR-9"))
	require.NoError(t, e.sys.Link(ctx, sirene, person, car))
	lone := mustEnter(t, e, issuerFor("DE", ObjectAlert), objectAlert(Container, "CONT-1"))

	e.clock.AdvanceDate(1, 0, 0) // the person alert expires (5 y), the car goes with it
	rep, err := e.sys.RunRetention(ctx)
	require.NoError(t, err)
	assert.ElementsMatch(t, []AlertID{person, car}, rep.Deleted)
	e.clock.AdvanceDate(9, 0, 0) // the unlinked object at 10 years
	rep, err = e.sys.RunRetention(ctx)
	require.NoError(t, err)
	assert.Equal(t, []AlertID{lone}, rep.Deleted)
}

func TestArt55_DeletionGroundsPerCategory(t *testing.T) {
	cases := []struct {
		cat    Category
		ground DeletionGround
		ok     bool
	}{
		{Arrest, GroundSurrendered, true},
		{Arrest, GroundLocated, false},
		{MissingProtected, GroundLocated, true},
		{JudicialProcedure, GroundWhereaboutsKnown, true},
		{JudicialProcedure, GroundSeized, false},
		{Check, GroundActionExecuted, true},
		{ObjectAlert, GroundSeized, true},
		{ObjectAlert, GroundIdentified, false},
		{UnknownWanted, GroundIdentified, true},
		{UnknownWanted, GroundSurrendered, false},
		{Check, GroundIssuerDecision, true},
		{ObjectAlert, GroundPurposeAchieved, true},
		{Check, "", false},
	}
	for _, c := range cases {
		assert.Equal(t, c.ok, MayDeleteFor(c.cat, c.ground), "%s on %q", c.cat.Article(), c.ground)
	}
	e := newEnv(t)
	user := issuerFor("DE", JudicialProcedure)
	id := mustEnter(t, e, user, personAlert(JudicialProcedure, "Ground", adultDOB))
	requireRefused(t, e.sys.Delete(ctx, user, id, GroundSurrendered), "55")
	require.NoError(t, e.sys.Delete(ctx, user, id, GroundWhereaboutsKnown))
	var ops []string
	for _, x := range auditEntries(t, e.st) {
		if x.Alert == id {
			ops = append(ops, x.Operation)
		}
	}
	assert.Equal(t, []string{"enter", "delete", "delete:whereabouts-communicated"}, ops)
}

// Art. 53(8) and 54(6): statistics are kept on the alerts whose retention
// was extended, persons and objects alike.
func TestArt53_8_54_6_ExtensionsCountedInStatistics(t *testing.T) {
	e := newEnv(t)
	personIssuer := issuerFor("DE", Check)
	objectIssuer := issuerFor("FR", ObjectAlert)
	p := mustEnter(t, e, personIssuer, personAlert(Check, "Counted", adultDOB))
	o := mustEnter(t, e, objectIssuer, objectAlert(MotorVehicle, "EXT-1"))
	e.clock.AdvanceDate(0, 10, 0)
	require.NoError(t, e.sys.Extend(ctx, personIssuer, p, "individual assessment: the check is still needed, case 7/26"))
	require.NoError(t, e.sys.Extend(ctx, objectIssuer, o, "individual assessment: the vehicle is still sought, case 9/26"))
	rows, err := e.sys.Statistics(ctx, userOf("DE", SIRENE), t0, e.clock.Now(), Annual)
	require.NoError(t, err)
	assert.Equal(t, int64(1), count(rows, "extend", "36", "DE"))
	assert.Equal(t, int64(1), count(rows, "extend", "38", "FR"))
}

// Art. 56(3): technical copies that make offline databases last at most 48
// hours. The system makes none: after entries, searches, deletions and
// compaction its folder holds only the store itself.
func TestArt56_3_NoOfflineTechnicalCopies(t *testing.T) {
	e := newEnv(t)
	id := mustEnter(t, e, issuerFor("DE", Check), personAlert(Check, "Copy", adultDOB))
	_, err := e.sys.SearchPersons(ctx, userOf("FR", Police), PersonQuery{Surname: "Copy"})
	require.NoError(t, err)
	require.NoError(t, e.sys.Delete(ctx, issuerFor("DE", Check), id, GroundActionExecuted))
	require.NoError(t, e.sys.Compact())
	entries, err := os.ReadDir(e.dir)
	require.NoError(t, err)
	var names []string
	for _, de := range entries {
		names = append(names, de.Name())
	}
	assert.Equal(t, []string{"sis.db"}, names)
}
