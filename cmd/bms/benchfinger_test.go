package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBenchFingerSmall(t *testing.T) {
	plot := filepath.Join(t.TempDir(), "tp.png")
	var out, errOut bytes.Buffer
	err := runBenchFinger([]string{"-gallery", "300,600", "-threads", "1,2", "-probes", "3", "-json", "-plot", plot}, &out, &errOut)
	require.NoError(t, err, errOut.String())
	var rep FingerBenchReport
	require.NoError(t, json.Unmarshal(out.Bytes(), &rep))
	assert.Len(t, rep.Runs, 4)
	assert.Equal(t, 300, rep.Gallery)
	assert.Equal(t, 1, rep.Threads)
	assert.Greater(t, rep.ComparisonsPerSecondPerCore, 0.0)
	assert.Greater(t, rep.EffectivePerSecondPerCore, 0.0)
	assert.Equal(t, 0.05, rep.Shortlist, "screened searches by default")
	assert.Contains(t, rep.Screening, "screening")
	assert.Greater(t, rep.BytesPerFinger, 500.0)
	assert.Less(t, rep.BytesPerFinger, 8192.0, "≤ 8 KiB per finger")
	for _, r := range rep.Runs {
		assert.Equal(t, 1.0, r.Rank1, "every mated probe first (gallery %d)", r.Gallery)
		assert.Equal(t, 1.0, r.ScreenedRank1, "every mated probe first with screening (gallery %d)", r.Gallery)
	}
	for _, p := range []string{plot, filepath.Join(filepath.Dir(plot), "tp-screened.png")} {
		st, err := os.Stat(p)
		require.NoError(t, err)
		assert.Greater(t, st.Size(), int64(1000))
	}

	out.Reset()
	require.NoError(t, runBenchFinger([]string{"-gallery", "300", "-threads", "1", "-probes", "2", "-shortlist", "0", "-json"}, &out, &errOut))
	rep = FingerBenchReport{}
	require.NoError(t, json.Unmarshal(out.Bytes(), &rep))
	assert.Equal(t, rep.ComparisonsPerSecondPerCore, rep.EffectivePerSecondPerCore, "without screening the effective rate is the exhaustive one")
	assert.Equal(t, "none (exhaustive)", rep.Screening)

	assert.Error(t, runBenchFinger([]string{"-gallery", "0"}, &out, &errOut))
	assert.Error(t, runBenchFinger([]string{"-threads", "x"}, &out, &errOut))
}

func TestSynthFingerCompare(t *testing.T) {
	csv := filepath.Join(t.TempDir(), "scores.csv")
	require.NoError(t, os.WriteFile(csv, []byte("probe,candidate,genuine,score\na,b,0,0.1\na,c,0,0.12\nb,c,0,0.09\na,a2,1,1.5\n"), 0o644))
	dir := filepath.Join(t.TempDir(), "synth")
	stdout, stderr, code := runBMS(t, "synth", "finger", "-fingers", "20", "-compare", csv, "-o", dir, "--json")
	require.Equal(t, 0, code, stderr)
	var rep SynthReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.Equal(t, 190, rep.SynthImpostors)
	assert.Equal(t, 3, rep.RealImpostors)
	assert.Greater(t, rep.KSDistance, 0.0)
	assert.Equal(t, 20, rep.TemplatesWritten)
	files, _ := filepath.Glob(filepath.Join(dir, "*.iso2011"))
	assert.Len(t, files, 20)
	_, _, code = runBMS(t, "synth")
	assert.Equal(t, 2, code)

	// -score=false only writes the templates: the same ones, no scores.
	dir2 := filepath.Join(t.TempDir(), "synth")
	stdout, stderr, code = runBMS(t, "synth", "finger", "-fingers", "20", "-score=false", "-o", dir2, "--json")
	require.Equal(t, 0, code, stderr)
	var only SynthReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &only))
	assert.Zero(t, only.SynthImpostors)
	assert.Equal(t, 20, only.TemplatesWritten)
	for _, f := range files {
		a, err := os.ReadFile(f)
		require.NoError(t, err)
		b, err := os.ReadFile(filepath.Join(dir2, filepath.Base(f)))
		require.NoError(t, err)
		assert.Equal(t, a, b, "same seed, same template")
	}
	_, _, code = runBMS(t, "synth", "finger", "-score=false")
	assert.Equal(t, 2, code, "nothing to do without -o")
}
