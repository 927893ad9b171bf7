package sis

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbms/bms/sis/store"
)

func auditEntries(t *testing.T, st store.Store) []AuditEntry {
	t.Helper()
	var out []AuditEntry
	require.NoError(t, ReadAudit(st, func(e AuditEntry) error { out = append(out, e); return nil }))
	return out
}

func TestArt12_EveryAccessLoggedWithActorAndHistory(t *testing.T) {
	e := newEnv(t)
	user := issuerFor("DE", Check)
	id := mustEnter(t, e, user, personAlert(Check, "Logged", adultDOB))
	upd := personAlert(Check, "Logged", adultDOB)
	upd.Reason = "updated reason"
	require.NoError(t, e.sys.Update(ctx, user, id, upd))
	_, err := e.sys.Read(ctx, userOf("FR", Police), id)
	require.NoError(t, err)
	_, err = e.sys.SearchPersons(ctx, userOf("FR", BorderGuard), PersonQuery{Surname: "Logged"})
	require.NoError(t, err)
	_, err = e.sys.Read(ctx, userOf("FR", VehicleRegistration), id)
	require.Error(t, err)

	es := auditEntries(t, e.st)
	byOp := map[string][]AuditEntry{}
	for _, x := range es {
		byOp[x.Operation] = append(byOp[x.Operation], x)
	}
	enter := byOp["enter"][0]
	assert.Equal(t, user, enter.User)
	assert.Equal(t, "DE-police", enter.Authority)
	assert.Equal(t, MemberState("DE"), enter.State)
	assert.Equal(t, id, enter.Alert)
	assert.Equal(t, t0, enter.Time)
	assert.Equal(t, 1, enter.History.Version)
	update := byOp["update"][0]
	assert.Equal(t, &HistoryRecord{Version: 2, Changed: []string{"reason"}}, update.History)
	search := byOp["search"][0]
	assert.Equal(t, map[string]string{"surname": "Logged"}, search.Search.Criteria)
	assert.Equal(t, []AlertID{id}, search.Search.Results)
	reads := byOp["read"]
	require.Len(t, reads, 2)
	assert.Equal(t, "ok", reads[0].Outcome)
	assert.True(t, strings.HasPrefix(reads[1].Outcome, "refused"))
	assert.Equal(t, userOf("FR", VehicleRegistration), reads[1].User)

	n, err := VerifyAudit(e.st)
	require.NoError(t, err)
	assert.Equal(t, len(es), n)
	seq, hash, err := AuditHead(e.st)
	require.NoError(t, err)
	assert.Equal(t, es[len(es)-1].Seq, seq)
	assert.Equal(t, es[len(es)-1].Hash, hash)
}

func TestArt12_AuditChainIsTamperEvident(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(tx store.Tx) error
	}{
		{"altered outcome", func(tx store.Tx) error {
			v := tx.Get(bucketAudit, seqKey(3))
			return tx.Put(bucketAudit, seqKey(3), bytes.Replace(v, []byte(`"ok"`), []byte(`"no"`), 1))
		}},
		{"altered user and rehashed entry", func(tx store.Tx) error {
			var x AuditEntry
			_ = json.Unmarshal(tx.Get(bucketAudit, seqKey(3)), &x)
			x.User = "someone-else"
			x.Hash, _ = entryHash(x)
			b, _ := json.Marshal(x)
			return tx.Put(bucketAudit, seqKey(3), b)
		}},
		{"deleted entry", func(tx store.Tx) error { return tx.Delete(bucketAudit, seqKey(4)) }},
		{"truncated tail", func(tx store.Tx) error {
			var last []byte
			_ = tx.ForEach(bucketAudit, func(k, _ []byte) error { last = append([]byte(nil), k...); return nil })
			return tx.Delete(bucketAudit, last)
		}},
		{"pruned entry forged to hide", func(tx store.Tx) error {
			var x AuditEntry
			_ = json.Unmarshal(tx.Get(bucketAudit, seqKey(5)), &x)
			x.Pruned = true
			b, _ := json.Marshal(x) // keeps its data: not a valid tombstone
			return tx.Put(bucketAudit, seqKey(5), b)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			mustEnter(t, e, issuerFor("DE", Check), personAlert(Check, "Chain", adultDOB))
			_, err := e.sys.VerifyAudit(ctx, userOf("DE", SIRENE))
			require.NoError(t, err)
			require.NoError(t, e.st.Update(c.tamper))
			_, err = VerifyAudit(e.st)
			assert.ErrorIs(t, err, ErrAuditChain)
		})
	}
	e := newEnv(t)
	_, err := e.sys.VerifyAudit(ctx, userOf("DE", Police))
	assert.ErrorIs(t, err, ErrForbidden)
}

// TestArt12_3_LogHoldsOnlyTheTypeOfBiometricData is the log scan: after
// biometric searches and verifications, neither the log nor any store
// file holds a byte of the probes, and the log names only the data type.
func TestArt12_3_LogHoldsOnlyTheTypeOfBiometricData(t *testing.T) {
	e := newEnv(t)
	enrol, probe := tenPrint(123, 3)
	a := personAlert(Check, "Scan", adultDOB)
	a.Biometrics.Prints = enrol
	a.Biometrics.Faces = [][]byte{face(12)}
	id := mustEnter(t, e, issuerFor("DE", Check), a)
	dnaA, remains := dnaAlert(e, true)
	mustEnter(t, e, issuerFor("DE", MissingProtected), dnaA)

	facePr := face(12)
	police, border := userOf("FR", Police), userOf("FR", BorderGuard)
	ms, err := e.sys.SearchPrints(ctx, police, probe, 5)
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	_, err = e.sys.SearchFaces(ctx, border, facePr, FaceContext{BorderCrossing: true}, 5)
	require.NoError(t, err)
	_, err = e.sys.VerifyFace(ctx, police, id, face(13))
	require.NoError(t, err)
	_, err = e.sys.VerifyPrints(ctx, police, id, probe)
	require.NoError(t, err)
	_, err = e.sys.SearchDNA(ctx, police, remains, 5)
	require.NoError(t, err)

	types := map[string]bool{}
	var logBytes []byte
	for _, x := range auditEntries(t, e.st) {
		b, _ := json.Marshal(x)
		logBytes = append(logBytes, b...)
		if x.Search != nil && x.Search.BiometricType != "" {
			types[x.Search.BiometricType] = true
			assert.Empty(t, x.Search.Criteria, "biometric searches log no search data")
		}
	}
	assert.Equal(t, map[string]bool{"fingerprints": true, "facial-image": true, "dna-profile": true}, types)

	probeJSON, err := json.Marshal(probe)
	require.NoError(t, err)
	remainsJSON, err := json.Marshal(remains)
	require.NoError(t, err)
	needles := map[string][]byte{
		"print probe (minutiae JSON)": probeJSON[len(probeJSON)/2 : len(probeJSON)/2+48],
		"face probe":                  face(13),
		"DNA probe loci":              remainsJSON[bytes.Index(remainsJSON, []byte(`"loci"`)):],
	}
	require.NoError(t, e.st.Close())
	file, err := os.ReadFile(e.st.Files()[0])
	require.NoError(t, err)
	for name, n := range needles {
		assert.False(t, bytes.Contains(logBytes, n), "%s in the log", name)
		assert.False(t, bytes.Contains(file, n), "%s in the store file", name)
	}
	// The enrolled face is in the store (it is alert data), not in the log.
	assert.True(t, bytes.Contains(file, facePr))
	assert.False(t, bytes.Contains(logBytes, facePr))
}

func TestArt12_4_LogRetention(t *testing.T) {
	e := newEnv(t)
	user := issuerFor("DE", Check)
	sirene := userOf("DE", SIRENE)
	gone := mustEnter(t, e, user, personAlert(Check, "Gone", adultDOB))
	live := mustEnter(t, e, issuerFor("DE", Arrest), personAlert(Arrest, "Live", adultDOB))
	_, err := e.sys.SearchPersons(ctx, userOf("FR", Police), PersonQuery{Surname: "Gone"})
	require.NoError(t, err)
	e.clock.AdvanceDate(0, 6, 0)
	require.NoError(t, e.sys.Delete(ctx, user, gone, GroundActionExecuted))

	logged := func(id AlertID, op string) bool {
		for _, x := range auditEntries(t, e.st) {
			if x.Alert == id && strings.HasPrefix(x.Operation, op) {
				return true
			}
		}
		return false
	}
	searchLogged := func() bool {
		for _, x := range auditEntries(t, e.st) {
			if x.Search != nil && x.Search.Criteria["surname"] == "Gone" {
				return true
			}
		}
		return false
	}
	e.clock.AdvanceDate(3, -6, 1) // 3 years after the search, < 3 years after the deletion
	_, err = e.sys.RunRetention(ctx)
	require.NoError(t, err)
	assert.False(t, searchLogged(), "plain logs go after 3 years")
	assert.True(t, logged(gone, "enter"), "alert history stays until 3 years after deletion")
	assert.True(t, logged(live, "enter"), "history of a live alert stays")

	// A monitoring procedure holds the logs of the deleted alert.
	require.Error(t, e.sys.HoldLogs(ctx, user, gone, e.clock.Now().AddDate(1, 0, 0), "DPA inquiry 4/29"))
	require.NoError(t, e.sys.HoldLogs(ctx, sirene, gone, e.clock.Now().AddDate(0, 9, 0), "DPA inquiry 4/29"))
	e.clock.AdvanceDate(0, 6, 0)
	_, err = e.sys.RunRetention(ctx)
	require.NoError(t, err)
	assert.True(t, logged(gone, "enter"), "held for the monitoring procedure")
	e.clock.AdvanceDate(0, 3, 1)
	_, err = e.sys.RunRetention(ctx)
	require.NoError(t, err)
	assert.False(t, logged(gone, "enter"))
	assert.False(t, logged(gone, "delete"))
	_, err = e.sys.VerifyAudit(ctx, sirene)
	require.NoError(t, err, "the chain verifies across pruned entries")
}

func TestArt74_StatisticsWithoutPersonalData(t *testing.T) {
	e := newEnv(t)
	id := mustEnter(t, e, issuerFor("DE", Check), personAlert(Check, "Statistic", adultDOB))
	mustEnter(t, e, issuerFor("FR", ObjectAlert), objectAlert(Firearm, "GUN-1"))
	_, err := e.sys.SearchPersons(ctx, userOf("FR", Police), PersonQuery{Surname: "Statistic"})
	require.NoError(t, err)
	_, err = e.sys.ConfirmHit(ctx, userOf("FR", Police), id, Confirmation{})
	require.NoError(t, err)

	rows, err := e.sys.Statistics(ctx, userOf("DE", SIRENE), t0, t0, Daily)
	require.NoError(t, err)
	assert.Equal(t, int64(1), count(rows, "records", "36", "DE"))
	assert.Equal(t, int64(1), count(rows, "records", "38", "FR"))
	assert.Equal(t, int64(2), count(rows, "enter", "36", "")+count(rows, "enter", "38", ""))
	assert.Equal(t, int64(1), count(rows, "hit", "36", "FR"))
	assert.Equal(t, int64(1), count(rows, "search", "all", "FR"))
	monthly, err := e.sys.Statistics(ctx, userOf("DE", SIRENE), t0, t0, Monthly)
	require.NoError(t, err)
	assert.Equal(t, int64(1), count(monthly, "enter", "36", "DE"))
	for _, r := range monthly {
		if r.Metric == "enter" {
			assert.Equal(t, "2026-01", r.Period)
		}
	}

	b, _ := json.Marshal(rows)
	for _, personal := range []string{"Statistic", "Anna", "GUN-1", string(id), "user", "1980"} {
		assert.NotContains(t, string(b), personal)
	}
}

func TestArt10_AuditLogReadOnlyForSelfMonitoring(t *testing.T) {
	e := newEnv(t)
	mustEnter(t, e, issuerFor("DE", Check), personAlert(Check, "Monitor", adultDOB))
	_, err := e.sys.AuditLog(ctx, userOf("DE", Police), t0)
	assert.ErrorIs(t, err, ErrForbidden)
	es, err := e.sys.AuditLog(ctx, userOf("DE", SIRENE), t0)
	require.NoError(t, err)
	require.NotEmpty(t, es)
	assert.Equal(t, "enter", es[len(es)-2].Operation)
	assert.Equal(t, "refused: "+ErrForbidden.Error()+": a police authority may not read the audit log", es[len(es)-1].Outcome)
	last := auditEntries(t, e.st)
	assert.Equal(t, "audit-read", last[len(last)-1].Operation)
}
