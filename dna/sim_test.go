package dna

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func powerRow(t *testing.T, rep PowerReport, truth, tested string) PowerRow {
	t.Helper()
	for _, r := range rep.Rows {
		if r.True == truth && r.Tested == tested {
			return r
		}
	}
	t.Fatalf("no row %s/%s", truth, tested)
	return PowerRow{}
}

// checkPower asserts the bounds any sound kinship model meets on 20 loci.
func checkPower(t *testing.T, rep PowerReport) {
	pc := powerRow(t, rep, "parent-child", "parent-child")
	fs := powerRow(t, rep, "full-siblings", "full-siblings")
	assert.Greater(t, pc.ShareAbove, 0.8, "true parent–child pairs above 10⁴")
	assert.Greater(t, fs.ShareAbove, 0.4, "true full siblings above 10⁴")
	for _, tested := range []string{"parent-child", "full-siblings", "half-siblings", "both parents"} {
		assert.Less(t, powerRow(t, rep, "unrelated", tested).ShareAbove, 0.01, "unrelated pairs above 10⁴ as %s", tested)
	}
	one := powerRow(t, rep, "missing child", "one parent")
	both := powerRow(t, rep, "missing child", "both parents")
	assert.Greater(t, both.MedianLog10, one.MedianLog10+4, "both parents say far more than one")
	assert.Greater(t, powerRow(t, rep, "missing child", "one parent + two full siblings").MedianLog10, one.MedianLog10)
}

func TestSimulatedPowerSynthetic(t *testing.T) {
	m := NewModel(syntheticTable(t))
	rep, err := SimulatePower(m, CODIS20, 300, 1e4, 3)
	require.NoError(t, err)
	checkPower(t, rep)
}

func TestSimulatedPowerNIST(t *testing.T) {
	m := NewModel(loadShared(t, "NIST1036_Cauc.csv"))
	rep, err := SimulatePower(m, CODIS20, 500, 1e4, 1)
	require.NoError(t, err)
	assert.Len(t, rep.Loci, 20)
	checkPower(t, rep)
}

func TestSimulatorTransmitsMendelian(t *testing.T) {
	tab := syntheticTable(t)
	sim, err := NewSimulator(tab, nil, MutationModel{}, 9)
	require.NoError(t, err)
	for i := 0; i < 200; i++ {
		f, m := sim.Unrelated(), sim.Unrelated()
		c := sim.Child(f, m)
		for _, l := range sim.Loci() {
			g := c.Genotype(l)
			from := func(a Allele, p Genotype) bool { return a == p.A || a == p.B }
			ok := (from(g.A, f.Genotype(l)) && from(g.B, m.Genotype(l))) || (from(g.B, f.Genotype(l)) && from(g.A, m.Genotype(l)))
			require.True(t, ok, "locus %s", l)
		}
	}
	_, err = NewSimulator(tab, []Locus{SE33}, MutationModel{}, 1)
	assert.ErrorContains(t, err, "no frequencies for SE33")
}

func TestSyntheticFrequencies(t *testing.T) {
	tab, err := SyntheticFrequencies(ESS)
	require.NoError(t, err)
	sim, err := NewSimulator(tab, nil, DefaultMutation, 1)
	require.NoError(t, err)
	p := sim.Unrelated()
	require.NoError(t, QualityGate{Table: tab}.Check(p), "a simulated profile passes the gate on every ESS locus")
	_, err = SyntheticFrequencies(nil)
	assert.Error(t, err, "no loci, no table")
}
