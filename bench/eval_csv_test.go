package bench

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestWriteScoresCSVGolden covers the exact format: header, relative
// slash-separated names (FCJ2020 sub-folders), genuine flag, shortest
// round-trip scores, infinities, and CSV quoting of an awkward name.
func TestWriteScoresCSVGolden(t *testing.T) {
	dir := filepath.Join("data", "fcj")
	samples := []Sample{
		{Finger: "101_4", Impression: 1, Path: filepath.Join(dir, "DB1", "101_4_1.bmp")},
		{Finger: "101_4", Impression: 2, Path: filepath.Join(dir, "DB2", "101_4_2.bmp")},
		{Finger: "101_5", Impression: 1, Path: filepath.Join(dir, "DB1", "101_5_1.bmp")},
		{Finger: "102_4", Impression: 1, Path: filepath.Join(dir, "DB1", "odd,name.bmp")},
		{Finger: "103_4", Impression: 1, Path: filepath.Join("elsewhere", "103_4_1.bmp")},
	}
	pairs := []Pair{
		{Probe: 0, Candidate: 1, Genuine: true},
		{Probe: 0, Candidate: 2},
		{Probe: 0, Candidate: 3},
		{Probe: 2, Candidate: 3},
		{Probe: 3, Candidate: 4},
	}
	scores := []float64{0.8125, 0.1, 0, math.Inf(1), -2.5e-7}
	var buf bytes.Buffer
	require.NoError(t, WriteScoresCSV(&buf, dir, samples, pairs, scores))

	golden := filepath.Join("testdata", "scores.golden.csv")
	if *update {
		require.NoError(t, os.WriteFile(golden, buf.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), buf.String())
	assert.True(t, bytes.HasPrefix(buf.Bytes(), []byte(ScoresCSVHeader+"\n")))

	rows, err := ReadScoresCSV(bytes.NewReader(want))
	require.NoError(t, err)
	require.Len(t, rows, len(pairs))
	assert.Equal(t, ScoreRow{Probe: "DB1/101_5_1.bmp", Candidate: "DB1/odd,name.bmp", Score: math.Inf(1)}, rows[3])
	for k, r := range rows {
		assert.Equal(t, pairs[k].Genuine, r.Genuine)
		assert.Equal(t, scores[k], r.Score, "scores read back exactly")
	}
	gen, imp := SplitRows(rows)
	assert.Equal(t, []float64{0.8125}, gen)
	assert.Len(t, imp, 4)

	assert.Error(t, WriteScoresCSV(&buf, dir, samples, pairs, scores[:2]), "score count mismatch")
	assert.Error(t, WriteScoresCSV(&buf, dir, samples, []Pair{{Probe: 0, Candidate: 9}}, []float64{1}), "bad pair")
}

func TestReadScoresCSVRejects(t *testing.T) {
	for _, in := range []string{
		"",
		"a,b,c,d\n",
		"probe,candidate,genuine,score\nx,y,2,0.5\n",
		"probe,candidate,genuine,score\nx,y,1,high\n",
		"probe,candidate,genuine,score\nx,y,1,NaN\n",
		"probe,candidate,genuine,score\nx,y,1\n",
	} {
		_, err := ReadScoresCSV(strings.NewReader(in))
		assert.Error(t, err, "%q", in)
	}
	rows, err := ReadScoresCSV(strings.NewReader(ScoresCSVHeader + "\n"))
	require.NoError(t, err)
	assert.Empty(t, rows)
}
