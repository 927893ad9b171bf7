package sis

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openbms/bms/bench"
	"github.com/openbms/bms/dna"
	"github.com/openbms/bms/index"
	"github.com/openbms/bms/minutiae"
	"github.com/openbms/bms/sis/store"
)

// t0 is the test clock's start.
var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// fakeFaces is a face engine for tests: a template is 32 bytes whose first
// byte is its quality; two templates match when they are equal. It honours
// the filter inside its scan, as a real engine must.
type fakeFaces struct {
	mu   sync.Mutex
	ids  *index.IDMap
	tmpl map[uint32][]byte
}

func newFakeFaces() *fakeFaces { return &fakeFaces{ids: index.NewIDMap(), tmpl: map[uint32][]byte{}} }

var errFaceQuality = errors.New("face quality below 50")

func (f *fakeFaces) CheckQuality(t []byte) error {
	if len(t) != 32 || t[0] < 50 {
		return errFaceQuality
	}
	return nil
}

func (f *fakeFaces) Add(id string, t []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, err := f.ids.Add(id)
	if err != nil {
		return err
	}
	f.tmpl[d] = append([]byte(nil), t...)
	return nil
}

func (f *fakeFaces) Remove(id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.ids.Remove(id)
	if ok {
		delete(f.tmpl, d)
	}
	return nil
}

func (f *fakeFaces) Compact()                       {}
func (f *fakeFaces) Dense(id string) (uint32, bool) { return f.ids.Dense(id) }

func faceScore(a, b []byte) BiometricCandidate {
	if bytes.Equal(a, b) {
		return BiometricCandidate{Score: 1, FMR: 1e-9}
	}
	return BiometricCandidate{Score: 0.1, FMR: 0.5}
}

func (f *fakeFaces) Identify(ctx context.Context, probe []byte, k int, filter index.Filter) ([]BiometricCandidate, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []BiometricCandidate
	for d, t := range f.tmpl {
		if !filter.Allows(d) {
			continue
		}
		c := faceScore(probe, t)
		c.ID, _ = f.ids.External(d)
		out = append(out, c)
	}
	return out, nil
}

func (f *fakeFaces) Verify(ctx context.Context, id string, probe []byte) (BiometricCandidate, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.ids.Dense(id)
	if !ok {
		return BiometricCandidate{}, fmt.Errorf("no face %s", id)
	}
	c := faceScore(probe, f.tmpl[d])
	c.ID = id
	return c, nil
}

func face(seed byte) []byte {
	t := make([]byte, 32)
	t[0] = 90
	for i := 1; i < 32; i++ {
		t[i] = seed*31 + byte(i)*7
	}
	return t
}

// dnaFixture is a synthetic allele-frequency table on the ESS loci and a
// simulator drawing profiles from it.
type dnaFixture struct {
	table *dna.FrequencyTable
	sim   *dna.Simulator
}

func newDNAFixture(tb testing.TB) *dnaFixture {
	tb.Helper()
	tab, err := dna.SyntheticFrequencies(dna.ESS)
	require.NoError(tb, err)
	sim, err := dna.NewSimulator(tab, nil, dna.DefaultMutation, 7)
	require.NoError(tb, err)
	return &dnaFixture{table: tab, sim: sim}
}

// env is a system under test with its engines, clock and store directory.
type env struct {
	sys    *System
	clock  *ManualClock
	dir    string
	st     store.Store
	prints *AFIS
	faces  *fakeFaces
	dna    *dnaFixture
	cfg    Config
}

// The test Member States and users: "<state>-<kind>" is an authority and
// its one user has the same ID in lower case.
var testStates = []MemberState{"DE", "FR"}

func userOf(state MemberState, kind AuthorityKind) string {
	return fmt.Sprintf("%s-%s-user", state, kind)
}

func newEnv(tb testing.TB) *env {
	tb.Helper()
	dir := tb.TempDir()
	st, err := store.OpenBolt(filepath.Join(dir, "sis.db"), store.BoltOptions{NoSync: true})
	require.NoError(tb, err)
	e := &env{clock: NewManualClock(t0), dir: dir, st: st, prints: NewAFIS(), faces: newFakeFaces(), dna: newDNAFixture(tb)}
	e.prints.Threads = 1
	gate := dna.QualityGate{Table: e.dna.table}
	e.cfg = Config{Store: st, Clock: e.clock, Fingerprints: e.prints, Faces: e.faces,
		DNA: &DNAStore{Store: dna.NewStore(dna.NewModel(e.dna.table), gate), Gate: gate}, FaceIdentification: true}
	e.sys, err = Open(e.cfg)
	require.NoError(tb, err)
	for _, s := range testStates {
		for _, k := range AuthorityKinds() {
			if k == Europol || k == Eurojust {
				continue
			}
			registerUser(tb, e.sys, s, k)
		}
	}
	registerUser(tb, e.sys, "EU", Europol)
	registerUser(tb, e.sys, "EU", Eurojust)
	tb.Cleanup(func() { e.sys.Close() })
	return e
}

func registerUser(tb testing.TB, s *System, state MemberState, k AuthorityKind) {
	auth := fmt.Sprintf("%s-%s", state, k)
	require.NoError(tb, s.RegisterAuthority(Authority{ID: auth, State: state, Kind: k}))
	require.NoError(tb, s.RegisterUser(User{ID: userOf(state, k), Authority: auth}))
}

// issuerFor is a user of state who may issue category c.
func issuerFor(state MemberState, c Category) string {
	for _, k := range []AuthorityKind{Police, Judicial} {
		if MayIssue(k, c) {
			return userOf(state, k)
		}
	}
	return userOf(state, SIRENE)
}

func proportionate() Proportionality {
	return Proportionality{Adequate: true, Relevant: true, Important: true, Justification: "serious case, national decision 12/2026"}
}

// personAlert is a valid alert of category c on a person.
func personAlert(c Category, surname string, dob time.Time) *Alert {
	a := &Alert{
		Category:        c,
		Person:          &Person{Surname: surname, Forenames: "Anna", DateOfBirth: dob, Nationalities: []string{"DE"}},
		Reason:          "court decision",
		Action:          "arrest and surrender",
		DecisionRef:     "EAW 2026/1",
		Proportionality: proportionate(),
	}
	if c.IsMissing() {
		a.Action = "place under protection"
	}
	return a
}

func objectAlert(k ObjectKind, id string) *Alert {
	return &Alert{Category: ObjectAlert, ObjectKind: k, Object: &Object{Identifier: id},
		Reason: "stolen", Action: "seize", Proportionality: proportionate()}
}

var adultDOB = time.Date(1980, 3, 14, 0, 0, 0, 0, time.UTC)
var childDOB = time.Date(2016, 6, 1, 0, 0, 0, 0, time.UTC)

// tenPrint draws n synthetic fingers (positions 1..n) and returns the
// enrolment record and a second impression of the same fingers as a probe.
func tenPrint(seed uint64, n int) (enrol, probe *minutiae.Record) {
	syn := bench.NewSynth(seed)
	enrol, probe = &minutiae.Record{}, &minutiae.Record{}
	for i := 0; i < n; i++ {
		f := syn.Finger()
		f.Position = minutiae.Position(i + 1)
		p := syn.Impression(f)
		p.Position = f.Position
		enrol.Views = append(enrol.Views, *f)
		probe.Views = append(probe.Views, *p)
	}
	return enrol, probe
}

func mustEnter(tb testing.TB, e *env, user string, a *Alert) AlertID {
	tb.Helper()
	res, err := e.sys.Enter(context.Background(), user, a)
	require.NoError(tb, err)
	return res.ID
}

// requireRefused asserts a refusal by the rule of the article.
func requireRefused(tb testing.TB, err error, article string) {
	tb.Helper()
	require.Error(tb, err)
	require.ErrorIs(tb, err, ErrRefused)
	var re *RuleError
	require.ErrorAs(tb, err, &re)
	require.Equal(tb, article, re.Article, "refused by the wrong rule: %v", err)
}
