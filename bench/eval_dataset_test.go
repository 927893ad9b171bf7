package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/openbms/bms/internal/shareddata"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func requireShared(t testing.TB, parts ...string) string {
	t.Helper()
	return shareddata.Require(t, parts...)
}

// fakeFVC writes an empty FVC2000 B-set layout (fingers 101–110, 8
// impressions) into a temporary directory, with a few files that must be
// ignored.
func fakeFVC(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for f := 101; f <= 110; f++ {
		for i := 1; i <= 8; i++ {
			touch(t, filepath.Join(dir, fmt.Sprintf("%d_%d.tif", f, i)))
		}
	}
	touch(t, filepath.Join(dir, "README.txt"))
	touch(t, filepath.Join(dir, "Thumbs.db"))
	touch(t, filepath.Join(dir, "101_x.tif"))
	return dir
}

// fakeFCJ writes an empty FCJ2020 layout: DB1..DB6, persons 101–150,
// finger codes 4–7.
func fakeFCJ(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for i := 1; i <= 6; i++ {
		db := filepath.Join(dir, fmt.Sprintf("DB%d", i))
		require.NoError(t, os.Mkdir(db, 0o755))
		for p := 101; p <= 150; p++ {
			for f := 4; f <= 7; f++ {
				touch(t, filepath.Join(db, fmt.Sprintf("%d_%d_%d.bmp", p, f, i)))
			}
		}
	}
	return dir
}

func touch(t *testing.T, path string) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, nil, 0o644))
}

func checkCounts(t *testing.T, samples []Sample, kind string, wantGen, wantImp int) []Pair {
	t.Helper()
	pairs, err := Protocol(samples, kind)
	require.NoError(t, err)
	g, i := CountPairs(pairs)
	assert.Equal(t, wantGen, g, "%s genuine", kind)
	assert.Equal(t, wantImp, i, "%s impostor", kind)
	// Plain checks in the loop: hundreds of thousands of assert calls
	// would dominate the test time under -race.
	seen := make([]bool, len(samples)*len(samples))
	for k, p := range pairs {
		if !validPair(p, len(samples)) || p.Probe >= p.Candidate {
			t.Fatalf("pair %d = %+v: want 0 ≤ probe < candidate < %d", k, p, len(samples))
		}
		if (samples[p.Probe].Finger == samples[p.Candidate].Finger) != p.Genuine {
			t.Fatalf("pair %d = %+v: genuine flag wrong", k, p)
		}
		if key := p.Probe*len(samples) + p.Candidate; seen[key] {
			t.Fatalf("pair %+v twice", p)
		} else {
			seen[key] = true
		}
		if k > 0 && !pairs[k-1].Genuine && p.Genuine {
			t.Fatalf("pair %d: genuine pair after impostor pairs", k)
		}
	}
	return pairs
}

func TestLoadFVCAndProtocol(t *testing.T) {
	s, err := LoadFVC(fakeFVC(t))
	require.NoError(t, err)
	require.Len(t, s, 80)
	assert.Equal(t, "101", s[0].Finger)
	assert.Equal(t, 1, s[0].Impression)
	assert.Equal(t, "110", s[79].Finger)
	assert.Equal(t, 8, s[79].Impression)
	assert.Equal(t, "101_1.tif", filepath.Base(s[0].Path))

	pairs := checkCounts(t, s, ProtocolFVC, 280, 45)
	for _, p := range pairs[280:] {
		assert.Equal(t, 1, s[p.Probe].Impression)
		assert.Equal(t, 1, s[p.Candidate].Impression)
	}
	// Full: C(80,2) = 3160 pairs, 280 of them genuine.
	checkCounts(t, s, ProtocolFull, 280, 2880)
	// No FVC finger shares a person with another: nothing is excluded.
	assert.Len(t, ExcludeSamePerson(s, pairs), len(pairs))
}

func TestLoadFCJ2020AndProtocol(t *testing.T) {
	s, err := LoadFCJ2020(fakeFCJ(t))
	require.NoError(t, err)
	require.Len(t, s, 1200)
	assert.Equal(t, Sample{Finger: "101_4", Impression: 1, Path: s[0].Path}, s[0])
	assert.Equal(t, "101", s[0].Person())
	assert.Equal(t, filepath.Join("DB1", "101_4_1.bmp"), filepath.Join(filepath.Base(filepath.Dir(s[0].Path)), filepath.Base(s[0].Path)))

	pairs := checkCounts(t, s, ProtocolFVC, 3000, 19900)
	// 50 persons × C(4,2) finger pairs = 300 same-person impostor pairs.
	g, i := CountPairs(ExcludeSamePerson(s, pairs))
	assert.Equal(t, 3000, g)
	assert.Equal(t, 19600, i)

	// Full: C(1200,2) = 719,400 pairs, 3,000 genuine. Same person,
	// different finger: per person C(24,2) − 4·C(6,2) = 216, × 50.
	full := checkCounts(t, s, ProtocolFull, 3000, 716400)
	g, i = CountPairs(ExcludeSamePerson(s, full))
	assert.Equal(t, 3000, g)
	assert.Equal(t, 716400-10800, i)
}

func TestProtocolFirstImpressionAndOrder(t *testing.T) {
	// Fingers interleaved and impression 1 missing for "b": its first
	// impression is 2.
	s := []Sample{
		{Finger: "a", Impression: 2}, {Finger: "b", Impression: 3},
		{Finger: "a", Impression: 1}, {Finger: "b", Impression: 2},
	}
	pairs, err := Protocol(s, ProtocolFVC)
	require.NoError(t, err)
	assert.Equal(t, []Pair{
		{Probe: 0, Candidate: 2, Genuine: true},
		{Probe: 1, Candidate: 3, Genuine: true},
		{Probe: 2, Candidate: 3},
	}, pairs)
	_, err = Protocol(s, "nope")
	assert.Error(t, err)
}

func TestLoadErrors(t *testing.T) {
	_, err := LoadFVC(filepath.Join(t.TempDir(), "missing"))
	assert.Error(t, err)
	_, err = LoadFVC(t.TempDir())
	assert.ErrorContains(t, err, "no samples")

	dir := t.TempDir()
	touch(t, filepath.Join(dir, "101_1.tif"))
	touch(t, filepath.Join(dir, "101_01.TIF"))
	_, err = LoadFVC(dir)
	assert.ErrorContains(t, err, "twice")

	dir = t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "DB2"), 0o755))
	touch(t, filepath.Join(dir, "DB2", "101_4_1.bmp"))
	_, err = LoadFCJ2020(dir)
	assert.ErrorContains(t, err, "folder")

	_, err = LoadDataset(dir, "other")
	assert.Error(t, err)
}

func TestSortSamplesNumeric(t *testing.T) {
	s := []Sample{{Finger: "10_4", Impression: 1}, {Finger: "9_5", Impression: 2},
		{Finger: "9_5", Impression: 1}, {Finger: "9_10", Impression: 1}}
	sortSamples(s)
	assert.Equal(t, []Sample{{Finger: "9_5", Impression: 1}, {Finger: "9_5", Impression: 2},
		{Finger: "9_10", Impression: 1}, {Finger: "10_4", Impression: 1}}, s)
}

func TestRealDatasetsLoad(t *testing.T) {
	fvc := requireShared(t, "fingerprint", "fvc2000")
	for _, db := range []string{"DB1_B", "DB2_B", "DB3_B", "DB4_B"} {
		s, err := LoadFVC(filepath.Join(fvc, db))
		require.NoError(t, err, db)
		assert.Len(t, s, 80, db)
		checkCounts(t, s, ProtocolFVC, 280, 45)
	}
	fcj := requireShared(t, "fingerprint", "fcj2020")
	s, err := LoadFCJ2020(fcj)
	require.NoError(t, err)
	assert.Len(t, s, 1200)
	pairs := checkCounts(t, s, ProtocolFVC, 3000, 19900)
	_, i := CountPairs(ExcludeSamePerson(s, pairs))
	assert.Equal(t, 19600, i)
}
