package sis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbms/bms/dna"
	"github.com/openbms/bms/minutiae"
	"github.com/openbms/bms/sis/store"
)

// reopen closes the system and starts a new one on the same file with
// empty engines, as a restart does.
func (e *env) reopen(tb testing.TB) {
	tb.Helper()
	require.NoError(tb, e.sys.Close())
	st, err := store.OpenBolt(filepath.Join(e.dir, "sis.db"), store.BoltOptions{NoSync: true})
	require.NoError(tb, err)
	e.st = st
	e.prints = NewAFIS()
	e.prints.Threads = 1
	e.faces = newFakeFaces()
	gate := dna.QualityGate{Table: e.dna.table}
	e.cfg.Store, e.cfg.Fingerprints, e.cfg.Faces = st, e.prints, e.faces
	e.cfg.DNA = &DNAStore{Store: dna.NewStore(dna.NewModel(e.dna.table), gate), Gate: gate}
	e.sys, err = Open(e.cfg)
	require.NoError(tb, err)
}

func storeFiles(t *testing.T, dir string) []byte {
	t.Helper()
	var all []byte
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		all = append(all, b...)
		return err
	}))
	return all
}

func TestStore_GalleriesRebuiltAtStartup(t *testing.T) {
	e := newEnv(t)
	enrol, probe := tenPrint(600, 3)
	a, remains := dnaAlert(e, true)
	a.Biometrics.Prints = enrol
	a.Biometrics.Faces = [][]byte{face(60)}
	id := mustEnter(t, e, issuerFor("DE", MissingProtected), a)
	e.reopen(t)

	police := userOf("FR", Police)
	ms, err := e.sys.SearchPrints(ctx, police, probe, 5)
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	assert.Equal(t, id, ms[0].Alert)
	ms, err = e.sys.SearchFaces(ctx, userOf("FR", BorderGuard), face(60), FaceContext{BorderCrossing: true}, 5)
	require.NoError(t, err)
	require.Len(t, ms, 1)
	ms, err = e.sys.SearchDNA(ctx, police, remains, 5)
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	assert.Equal(t, id, ms[0].Alert)
	got, err := e.sys.Read(ctx, police, id)
	require.NoError(t, err)
	assert.Equal(t, len(enrol.Views), len(got.Biometrics.Prints.Views))
	assert.Len(t, got.Biometrics.DNA, 2)
	_, err = VerifyAudit(e.st)
	require.NoError(t, err)
}

// TestArt55_DeletedBiometricsLeaveNoBytes is the acceptance check: after
// an alert with prints, face and DNA is deleted and the store compacted,
// none of its biometric bytes are in any file of the store, and no search
// finds it — before or after a restart.
func TestArt55_DeletedBiometricsLeaveNoBytes(t *testing.T) {
	e := newEnv(t)
	enrol, probe := tenPrint(555, 4)
	a, remains := dnaAlert(e, true)
	a.Biometrics.Prints = enrol
	a.Biometrics.Faces = [][]byte{face(55)}
	user := issuerFor("DE", MissingProtected)
	id := mustEnter(t, e, user, a)
	// Other alerts so that the file has live data around the deleted one.
	for i := 0; i < 20; i++ {
		mustEnter(t, e, issuerFor("DE", ObjectAlert), objectAlert(Container, string(rune('A'+i))+"-CONT"))
	}

	printJSON, err := json.Marshal(enrol)
	require.NoError(t, err)
	dnaJSON, err := json.Marshal(a.Biometrics.DNA[0])
	require.NoError(t, err)
	needles := map[string][]byte{
		"prints": printJSON[len(printJSON)/3 : len(printJSON)/3+64],
		"face":   face(55),
		"dna":    dnaJSON[bytes.Index(dnaJSON, []byte(`"loci"`)):],
	}
	before := storeFiles(t, e.dir)
	for name, n := range needles {
		require.True(t, bytes.Contains(before, n), "%s should be stored before deletion (the check must see it)", name)
	}

	require.NoError(t, e.sys.Delete(ctx, user, id, GroundLocated))
	require.NoError(t, e.sys.Compact())
	after := storeFiles(t, e.dir)
	for name, n := range needles {
		assert.False(t, bytes.Contains(after, n), "%s bytes remain in the store files", name)
	}
	assertNotFound := func() {
		police := userOf("FR", Police)
		ms, err := e.sys.SearchPrints(ctx, police, probe, 5)
		require.NoError(t, err)
		assert.Empty(t, ms)
		ms, err = e.sys.SearchFaces(ctx, userOf("FR", BorderGuard), face(55), FaceContext{BorderCrossing: true}, 5)
		require.NoError(t, err)
		assert.Empty(t, ms)
		ms, err = e.sys.SearchDNA(ctx, police, remains, 5)
		require.NoError(t, err)
		assert.Empty(t, ms)
		ms, err = e.sys.SearchPersons(ctx, police, PersonQuery{Surname: "Lang"})
		require.NoError(t, err)
		assert.Empty(t, ms)
	}
	assertNotFound()
	assert.Equal(t, 0, e.prints.Gallery.Len())
	e.reopen(t)
	assertNotFound()
	_, err = VerifyAudit(e.st)
	require.NoError(t, err)
}

// Searches run concurrently (read lock, batched audit commits) beside
// entries and deletions; the audit chain stays whole.
func TestConcurrentSearchesAndWrites(t *testing.T) {
	e := newEnv(t)
	user := issuerFor("DE", Check)
	var probes []*minutiae.Record
	for i := 0; i < 6; i++ {
		enrol, probe := tenPrint(uint64(700+i), 2)
		a := personAlert(Check, fmt.Sprintf("Conc%d", i), adultDOB)
		a.Biometrics.Prints = enrol
		mustEnter(t, e, user, a)
		probes = append(probes, probe)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				_, err := e.sys.SearchPrints(ctx, userOf("FR", Police), probes[(g+i)%len(probes)], 3)
				assert.NoError(t, err)
				_, err = e.sys.SearchPersons(ctx, userOf("FR", BorderGuard), PersonQuery{Surname: fmt.Sprintf("Conc%d", i%6)})
				assert.NoError(t, err)
			}
		}()
	}
	for i := 0; i < 10; i++ {
		id := mustEnter(t, e, user, personAlert(Check, fmt.Sprintf("Writer%d", i), adultDOB))
		if i%2 == 0 {
			require.NoError(t, e.sys.Delete(ctx, user, id, GroundActionExecuted))
		}
	}
	wg.Wait()
	n, err := VerifyAudit(e.st)
	require.NoError(t, err)
	assert.Greater(t, n, 90)
}

func TestOpenDirAndVerifyAuditDir(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenDir(dir, Config{Clock: NewManualClock(t0)})
	require.NoError(t, err)
	registerUser(t, s, "DE", Police)
	res, err := s.Enter(ctx, userOf("DE", Police), personAlert(Check, "Dir", adultDOB))
	require.NoError(t, err)
	require.NoError(t, s.Close())
	n, seq, hash, err := VerifyAuditDir(dir)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.Equal(t, uint64(3), seq)
	assert.Len(t, hash, 64)

	s, err = OpenDir(dir, Config{Clock: NewManualClock(t0)})
	require.NoError(t, err)
	defer s.Close()
	a, err := s.Read(ctx, userOf("DE", Police), res.ID)
	require.NoError(t, err)
	assert.Equal(t, "Dir", a.Person.Surname)
}

// What a caller passes in or gets back is a copy: changing it afterwards
// changes nothing in the system.
func TestAlertCopiesAreIndependent(t *testing.T) {
	e := newEnv(t)
	user := issuerFor("DE", MissingProtected)
	a, _ := dnaAlert(e, true)
	a.Biometrics.Prints, _ = tenPrint(808, 2)
	a.Biometrics.Faces = [][]byte{face(8)}
	id := mustEnter(t, e, user, a)
	a.Person.Surname = "Changed"
	a.Biometrics.Prints.Views[0].Minutiae[0].X += 100
	a.Biometrics.Faces[0][5] ^= 0xff
	require.NoError(t, a.Biometrics.DNA[0].Set(dna.ESS[0], dna.Genotype{}))

	got, err := e.sys.Read(ctx, user, id)
	require.NoError(t, err)
	assert.Equal(t, "Lang", got.Person.Surname)
	assert.NotEqual(t, a.Biometrics.Prints.Views[0].Minutiae[0].X, got.Biometrics.Prints.Views[0].Minutiae[0].X)
	assert.Equal(t, face(8), got.Biometrics.Faces[0])
	assert.NotEqual(t, len(a.Biometrics.DNA[0].Loci()), len(got.Biometrics.DNA[0].Loci()))

	got.Person.Surname = "Mutated"
	got.Biometrics.Faces[0][1] = 0
	again, err := e.sys.Read(ctx, user, id)
	require.NoError(t, err)
	assert.Equal(t, "Lang", again.Person.Surname)
	assert.Equal(t, face(8), again.Biometrics.Faces[0])
}
