package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openbms/bms/dna"
	"github.com/openbms/bms/internal/shareddata"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dnaFixtures writes a generated frequency table (wide CSV, the CODIS 20
// loci, ten alleles each) and returns its path and a simulator on it.
func dnaFixtures(t *testing.T) (string, string, *dna.Simulator) {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("Allele")
	for _, l := range dna.CODIS20 {
		b.WriteString("," + l.String())
	}
	b.WriteString("\n")
	weights := []float64{1, 2, 4, 7, 9, 8, 6, 4, 2, 1} // sum 44
	for i, w := range weights {
		fmt.Fprintf(&b, "%d", 8+i)
		for range dna.CODIS20 {
			fmt.Fprintf(&b, ",%.6f", w/44)
		}
		b.WriteString("\n")
	}
	table := filepath.Join(dir, "table.csv")
	require.NoError(t, os.WriteFile(table, []byte(b.String()), 0o644))
	tab, err := dna.ReadFrequencies(strings.NewReader(b.String()), "table.csv", dna.FrequencyOptions{})
	require.NoError(t, err)
	sim, err := dna.NewSimulator(tab, nil, dna.MutationModel{}, 5)
	require.NoError(t, err)
	return dir, table, sim
}

func writeProfiles(t *testing.T, path string, ps ...*dna.Profile) string {
	t.Helper()
	var buf bytes.Buffer
	if strings.HasSuffix(path, ".json") {
		require.NoError(t, dna.WriteProfilesJSON(&buf, ps))
	} else {
		require.NoError(t, dna.WriteProfilesCSV(&buf, ps))
	}
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	return path
}

func TestDNAMatchCommand(t *testing.T) {
	dir, table, sim := dnaFixtures(t)
	a := sim.Unrelated()
	b := *a
	b.ID = "copy"
	fa := writeProfiles(t, filepath.Join(dir, "a.json"), a)
	fb := writeProfiles(t, filepath.Join(dir, "b.csv"), &b, sim.Unrelated())

	out, stderr, code := runBMS(t, "dna", "match", "-freq", table, fa, fb)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, a.ID+" vs copy: match (prum rules; 20 compared, 20 matching")
	assert.Contains(t, out, "RMP")

	out, stderr, code = runBMS(t, "dna", "match", "--json", "-rules", "high", fa, fb)
	require.Equal(t, 0, code, stderr)
	var reps []DNAMatchReport
	require.NoError(t, json.Unmarshal([]byte(out), &reps))
	require.Len(t, reps, 2)
	assert.Equal(t, dna.FullMatch, reps[0].Result.Class)
	assert.Equal(t, "high", reps[0].Result.Rules)
	assert.Len(t, reps[0].Result.Compared, 20)
	assert.Equal(t, dna.NoMatch, reps[1].Result.Class)
	assert.NotEmpty(t, reps[1].Result.Mismatching)

	bad := filepath.Join(dir, "bad.csv")
	require.NoError(t, os.WriteFile(bad, []byte("id,D3S1358\nx,\"15,16,17\"\n"), 0o644))
	_, stderr, code = runBMS(t, "dna", "match", fa, bad)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "mixtures are not accepted")

	_, _, code = runBMS(t, "dna", "match", fa)
	assert.Equal(t, 2, code)
	_, _, code = runBMS(t, "dna", "match", "-rules", "fuzzy", fa, fb)
	assert.Equal(t, 2, code)
	_, _, code = runBMS(t, "dna", "frobnicate")
	assert.Equal(t, 2, code)
}

func TestDNAKinshipCommand(t *testing.T) {
	dir, table, sim := dnaFixtures(t)
	f, m := sim.Unrelated(), sim.Unrelated()
	child := sim.Child(f, m)
	fu := writeProfiles(t, filepath.Join(dir, "u.json"), child)
	fr := writeProfiles(t, filepath.Join(dir, "rel.csv"),
		dna.AsRelative(f, "SIS-1", dna.Father), dna.AsRelative(m, "SIS-1", dna.Mother))

	out, stderr, code := runBMS(t, "dna", "kinship", "--json", "-freq", table, fu, fr)
	require.Equal(t, 0, code, stderr)
	var rep DNAKinshipReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.Len(t, rep.Pairwise, 2)
	require.NotNil(t, rep.Joint)
	assert.Equal(t, "parent-child", rep.Pairwise[0].Kinship)
	assert.Greater(t, rep.Joint.Log10LR, rep.Pairwise[0].Result.Log10LR)
	assert.Len(t, rep.Joint.Loci, 20)

	out, stderr, code = runBMS(t, "dna", "kinship", "-freq", table, "-kinship", "full-siblings", fu, fr)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "full-siblings")
	assert.NotContains(t, out, "joint")

	// A relative without consent is refused by the quality gate.
	noConsent := dna.AsRelative(sim.Unrelated(), "SIS-1", dna.Father)
	noConsent.Subject.Consent = false
	fn := writeProfiles(t, filepath.Join(dir, "nc.json"), noConsent)
	_, stderr, code = runBMS(t, "dna", "kinship", "-freq", table, fu, fn)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "explicit consent")

	_, stderr, code = runBMS(t, "dna", "kinship", fu, fr)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "-freq")
}

func TestDNASearchCommand(t *testing.T) {
	dir, table, sim := dnaFixtures(t)
	var gallery []*dna.Profile
	var missing []*dna.Profile
	for i := 0; i < 30; i++ {
		alert := fmt.Sprintf("SIS-%02d", i)
		f, m := sim.Unrelated(), sim.Unrelated()
		missing = append(missing, sim.Child(f, m))
		gallery = append(gallery, dna.AsRelative(f, alert, dna.Father), dna.AsRelative(m, alert, dna.Mother))
	}
	for i := 0; i < 100; i++ {
		gallery = append(gallery, sim.Unrelated())
	}
	remains := sim.Child(sim.Unrelated(), sim.Unrelated())
	gallery = append(gallery, remains)
	fg := writeProfiles(t, filepath.Join(dir, "gallery.csv"), gallery...)
	probe := *missing[7]
	probe.ID = "remains-A"
	fp := writeProfiles(t, filepath.Join(dir, "probe.json"), &probe)

	out, stderr, code := runBMS(t, "dna", "search", "--json", "-freq", table, "-k", "3", fp, fg)
	require.Equal(t, 0, code, stderr)
	var reps []DNASearchReport
	require.NoError(t, json.Unmarshal([]byte(out), &reps))
	require.Len(t, reps, 1)
	require.NotEmpty(t, reps[0].Alerts)
	assert.Equal(t, "SIS-07", reps[0].Alerts[0].Alert)
	assert.Equal(t, "pedigree", reps[0].Alerts[0].Method)
	assert.Greater(t, reps[0].Alerts[0].Likelihood.Log10LR, 4.0)

	// A newly added relative searches the unidentified profiles.
	f2, m2 := sim.Unrelated(), sim.Unrelated()
	lost := sim.Child(f2, m2)
	lost.ID = "remains-B"
	fg2 := writeProfiles(t, filepath.Join(dir, "gallery2.csv"), append(gallery, lost, dna.AsRelative(f2, "SIS-99", dna.Father))...)
	fnew := writeProfiles(t, filepath.Join(dir, "new.csv"), dna.AsRelative(m2, "SIS-99", dna.Mother))
	out, stderr, code = runBMS(t, "dna", "search", "-freq", table, fnew, fg2)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, " 1. unidentified remains-B")

	// A probe below the quality gate is refused with the reason.
	thin := &dna.Profile{ID: "thin"}
	require.NoError(t, thin.SetString("D3S1358", "10,11"))
	fthin := writeProfiles(t, filepath.Join(dir, "thin.json"), thin)
	out, stderr, code = runBMS(t, "dna", "search", "-freq", table, fthin, fg)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "refused")
	assert.Contains(t, out, "1 fully designated loci, at least 6 needed")
}

func TestDNASimulateCommand(t *testing.T) {
	_, table, _ := dnaFixtures(t)
	out, stderr, code := runBMS(t, "dna", "simulate", "--json", "-freq", table, "-pairs", "200", "-seed", "3")
	require.Equal(t, 0, code, stderr)
	var rep dna.PowerReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Len(t, rep.Rows, 10)
	assert.Len(t, rep.Loci, 20)
	out, stderr, code = runBMS(t, "dna", "simulate", "-freq", table, "-pairs", "50")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "both parents")
	_, _, code = runBMS(t, "dna", "simulate", "-freq", table, "-pairs", "0")
	assert.Equal(t, 2, code)
}

func TestDNASimulateNIST(t *testing.T) {
	table := shareddata.Require(t, "dna", "NIST1036_Cauc.csv")
	out, stderr, code := runBMS(t, "dna", "simulate", "-freq", table, "-pairs", "300")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "table NIST1036_Cauc.csv, 20 loci")
}
