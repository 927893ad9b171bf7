package dna

import (
	"bytes"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/openbms/bms/internal/shareddata"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Small tables in the three layouts, written by hand.
const (
	wideCSV = "Allele,TH01,vWA,Penta D\n" +
		"6,0.25,,\n9.3,0.25,,0.1\n10,0.5,,0.9\n14,,0.5,\n17,,0.5,\n"
	wideSemicolon = "Allele;TH01;VWA\n6;0.25;\n9.3;0.75;\n14;;0.5\n17;;0.5\n"
	blocks        = "TH01\n6\t0.25\n9.3\t0.75\n\nPenta E\n5\t0.4\n7\t0.6\n"
)

func TestReadFrequencyLayouts(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		loci       []Locus
	}{
		{"wide csv", wideCSV, []Locus{PentaD, TH01, VWA}},
		{"semicolons", wideSemicolon, []Locus{TH01, VWA}},
		{"blocks", blocks, []Locus{PentaE, TH01}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := ReadFrequencies(strings.NewReader(tc.text), tc.name, FrequencyOptions{MinFrequency: 0.01})
			require.NoError(t, err)
			assert.Equal(t, tc.loci, tab.Loci())
			assert.InDelta(t, 0.25, tab.Frequency(TH01, Repeat(6)), 1e-12)
			assert.InDelta(t, 0.01, tab.Frequency(TH01, Repeat(8)), 1e-12, "unseen allele: the floor")
			assert.InDelta(t, 0.25, tab.Frequency(TH01, mustAllele(t, "<7")), 1e-12, "off-ladder range sums its alleles")
			assert.InDelta(t, 0.01, tab.Frequency(TH01, OffLadder), 1e-12)
		})
	}
}

func TestMinimumAlleleFrequency(t *testing.T) {
	counts := "Allele,TH01\n6,0.1\n7,0.3\n9.3,0.6\n" // counts over 2N = 10
	tab, err := ReadFrequencies(strings.NewReader(counts), "c", FrequencyOptions{})
	require.NoError(t, err)
	assert.Equal(t, 5, tab.SampleSize, "2N inferred from the rarest count")
	assert.InDelta(t, 0.5, tab.MinFrequency, 1e-12, "5/2N")
	tab, err = ReadFrequencies(strings.NewReader(counts), "c", FrequencyOptions{SampleSize: 500})
	require.NoError(t, err)
	assert.InDelta(t, 0.005, tab.MinFrequency, 1e-12)
	tab, err = ReadFrequencies(strings.NewReader(counts), "c", FrequencyOptions{MinFrequency: 0.02})
	require.NoError(t, err)
	assert.InDelta(t, 0.02, tab.MinFrequency, 1e-12)
	notCounts := "Allele,TH01\n6,0.123\n7,0.877\n"
	tab, err = ReadFrequencies(strings.NewReader(notCounts), "f", FrequencyOptions{})
	require.NoError(t, err)
	assert.Zero(t, tab.SampleSize)
	assert.InDelta(t, 0.123, tab.MinFrequency, 1e-12, "no N: the smallest frequency")
}

func TestMalformedFrequencyTables(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"unknown locus", "Allele,TH01,D99S1\n6,1,1\n", `unknown locus "D99S1"`},
		{"bad allele", "Allele,TH01\nsix,1\n", `bad allele "six"`},
		{"frequency above 1", "Allele,TH01\n6,1.5\n", "not in [0,1]"},
		{"negative frequency", "Allele,TH01\n6,-0.5\n7,1\n", "not in [0,1]"},
		{"not a number", "Allele,TH01\n6,NaN\n", "not in [0,1]"},
		{"sum far from one", "Allele,TH01\n6,0.2\n7,0.3\n", "sum to 0.500"},
		{"repeated allele", "Allele,TH01\n6,0.5\n6,0.5\n", "given twice"},
		{"repeated locus", "Allele,TH01,THO1\n6,1,1\n", "given twice"},
		{"too many cells", "Allele,TH01\n6,1,0\n", "cells"},
		{"block row before marker", "6\t0.5\n", "before any marker"},
		{"block bad marker", "NOTALOCUS\n6\t1\n", "unknown locus"},
		{"wildcard allele", "Allele,TH01\n*,1\n", "no repeat number"},
		{"empty", "", "no locus"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadFrequencies(strings.NewReader(tc.text), "bad", FrequencyOptions{})
			require.Error(t, err)
			assert.ErrorContains(t, err, tc.want)
		})
	}
	_, err := ReadFrequencies(strings.NewReader(wideCSV), "x", FrequencyOptions{Limits: Limits{MaxAlleles: 2}})
	assert.ErrorIs(t, err, ErrTooLarge)
	_, err = ReadFrequencies(strings.NewReader(wideCSV), "x", FrequencyOptions{Limits: Limits{MaxBytes: 10}})
	assert.ErrorIs(t, err, ErrTooLarge)
}

func TestSharedFrequencyTables(t *testing.T) {
	for _, tc := range []struct {
		file        string
		loci        int
		sampleSize  int
		minFreq     float64
		mustInclude []Locus
	}{
		{"NIST1036_Cauc.csv", 24, 361, 5.0 / 722, append(append([]Locus{}, CODIS20...), PentaD, PentaE, SE33, D6S1043)},
		{"NGM_Holland.csv", 15, 2085, 5.0 / 4170, append(append([]Locus{}, ESS...), D16S539, D2S1338, D19S433)},
		{"EuropaDB_v2023.txt", 45, 0, 0.001, append(append([]Locus{}, CODIS20...), ESS...)},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := shareddata.Require(t, "dna", tc.file)
			f, err := os.Open(path)
			require.NoError(t, err)
			defer f.Close()
			tab, err := ReadFrequencies(f, tc.file, FrequencyOptions{})
			require.NoError(t, err)
			assert.Len(t, tab.Loci(), tc.loci)
			assert.Equal(t, tc.sampleSize, tab.SampleSize)
			assert.InDelta(t, tc.minFreq, tab.MinFrequency, 1e-9)
			for _, l := range tc.mustInclude {
				assert.True(t, tab.Has(l), "%s in %s", l, tc.file)
			}
		})
	}
	// Spot values straight from the files.
	nist := loadShared(t, "NIST1036_Cauc.csv")
	assert.InDelta(t, 0.344875346, nist.Raw(TH01, Repeat(9.3)), 1e-12)
	assert.InDelta(t, 0.282548476, nist.Raw(D21S11, Repeat(30)), 1e-12)
	eu := loadShared(t, "EuropaDB_v2023.txt")
	assert.InDelta(t, 0.515902, eu.Raw(TPOX, Repeat(8)), 1e-12)
	assert.InDelta(t, 0.087, eu.Raw(PentaE, Repeat(5)), 1e-12)
	ngm := loadShared(t, "NGM_Holland.csv")
	assert.InDelta(t, 0.346522782, ngm.Raw(TH01, Repeat(9.3)), 1e-12)
}

func loadShared(t testing.TB, name string) *FrequencyTable {
	t.Helper()
	f, err := os.Open(shareddata.Require(t, "dna", name))
	require.NoError(t, err)
	defer f.Close()
	tab, err := ReadFrequencies(f, name, FrequencyOptions{})
	require.NoError(t, err)
	return tab
}

func mustAllele(t testing.TB, s string) Allele {
	t.Helper()
	a, err := ParseAllele(s)
	require.NoError(t, err)
	return a
}

// allocatedBy reports the bytes fn allocates.
func allocatedBy(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// The readers' allocation grows with their input, with a bound: the
// fuzz tests below check it on every input.
const (
	allocPerInputByte = 64
	allocBase         = 256 << 10
)

func FuzzReadProfiles(f *testing.F) {
	var js, cs bytes.Buffer
	_ = WriteProfilesJSON(&js, sampleProfiles())
	_ = WriteProfilesCSV(&cs, sampleProfiles())
	f.Add(js.Bytes())
	f.Add(cs.Bytes())
	f.Add([]byte(`{"id":"x","loci":{"FGA":"20,21,22"}}`))
	f.Add([]byte("id,D3S1358,VWA\nu1,15/16,17/18\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var ps []*Profile
		var err error
		n := allocatedBy(func() {
			ps, err = ReadProfiles(bytes.NewReader(data), Limits{MaxBytes: 1 << 20, MaxProfiles: 1000})
		})
		if n > allocBase+allocPerInputByte*uint64(len(data)) {
			t.Fatalf("reading %d bytes allocated %d", len(data), n)
		}
		if err != nil {
			return
		}
		// What was read writes and reads back to the same profiles.
		var buf bytes.Buffer
		if err := WriteProfilesJSON(&buf, ps); err != nil {
			t.Fatal(err)
		}
		again, err := ReadProfilesJSON(&buf, Limits{})
		if err != nil {
			t.Fatalf("re-reading: %v", err)
		}
		if len(again) != len(ps) {
			t.Fatalf("%d profiles became %d", len(ps), len(again))
		}
		for i := range ps {
			if ps[i].loci != again[i].loci {
				t.Fatalf("profile %d changed", i)
			}
		}
	})
}

func FuzzReadFrequencies(f *testing.F) {
	f.Add([]byte(wideCSV))
	f.Add([]byte(wideSemicolon))
	f.Add([]byte(blocks))
	f.Fuzz(func(t *testing.T, data []byte) {
		var tab *FrequencyTable
		var err error
		n := allocatedBy(func() {
			tab, err = ReadFrequencies(bytes.NewReader(data), "fuzz", FrequencyOptions{Limits: Limits{MaxBytes: 1 << 20, MaxAlleles: 10000}})
		})
		if n > allocBase+allocPerInputByte*uint64(len(data)) {
			t.Fatalf("reading %d bytes allocated %d", len(data), n)
		}
		if err != nil {
			return
		}
		for _, l := range tab.Loci() {
			for _, a := range tab.Alleles(l) {
				if fr := tab.Frequency(l, a); !(fr > 0 && fr <= 1) {
					t.Fatalf("%s %s: frequency %g", l, a, fr)
				}
			}
		}
	})
}
