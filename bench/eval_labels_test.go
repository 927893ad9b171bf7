package bench

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// labelScores builds a run over fingers A (3 impressions), B (3) and C (2)
// with every pair scored low, then sets the listed pairs' scores.
func labelScores(set map[[2]int]float64) *Scores {
	samples := []Sample{
		{Finger: "A", Impression: 1, Path: "/d/A_1"}, {Finger: "A", Impression: 2, Path: "/d/A_2"}, {Finger: "A", Impression: 3, Path: "/d/A_3"},
		{Finger: "B", Impression: 1, Path: "/d/B_1"}, {Finger: "B", Impression: 2, Path: "/d/B_2"}, {Finger: "B", Impression: 3, Path: "/d/B_3"},
		{Finger: "C", Impression: 1, Path: "/d/C_1"}, {Finger: "C", Impression: 2, Path: "/d/C_2"},
	}
	pairs, err := Protocol(samples, ProtocolFull)
	if err != nil {
		panic(err)
	}
	sc := &Scores{Samples: samples, Pairs: pairs, Scores: make([]float64, len(pairs))}
	for k, p := range pairs {
		sc.Scores[k] = 0.1
		if p.Genuine {
			sc.Scores[k] = 0.9
		}
		if s, ok := set[[2]int{p.Probe, p.Candidate}]; ok {
			sc.Scores[k] = s
		}
	}
	return sc
}

func TestFindSuspectLabels(t *testing.T) {
	const threshold = 0.5
	for _, tc := range []struct {
		name string
		set  map[[2]int]float64
		want []SuspectLabel
	}{
		{name: "clean labels", want: []SuspectLabel{}},
		{
			// A_3 is really finger B: it fails with A_1, A_2 and matches
			// B_1 and B_3.
			name: "one impression filed under the wrong finger",
			set:  map[[2]int]float64{{0, 2}: 0.2, {1, 2}: 0.3, {2, 3}: 0.8, {2, 5}: 1.2},
			want: []SuspectLabel{{Sample: "A_3", Finger: "A", LooksLike: "B", Matches: 2, BestOther: 1.2, BestOwn: 0.3, index: 2}},
		},
		{
			// One strong impostor score is chance, not evidence.
			name: "a single match with another finger",
			set:  map[[2]int]float64{{0, 2}: 0.2, {1, 2}: 0.3, {2, 3}: 0.8},
			want: []SuspectLabel{},
		},
		{
			// A sample that also matches its own finger is kept: two
			// fingers alike is not a labelling error.
			name: "matches its own finger too",
			set:  map[[2]int]float64{{2, 3}: 0.8, {2, 5}: 1.2},
			want: []SuspectLabel{},
		},
		{
			// C_2 matches both A (3 impressions) and B (2): named after A.
			name: "the finger with more evidence is named",
			set: map[[2]int]float64{{6, 7}: 0.2, {0, 7}: 0.6, {1, 7}: 0.7, {2, 7}: 0.55,
				{3, 7}: 2, {4, 7}: 2},
			want: []SuspectLabel{{Sample: "C_2", Finger: "C", LooksLike: "A", Matches: 3, BestOther: 0.7, BestOwn: 0.2, index: 7}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := FindSuspectLabels(labelScores(tc.set), "/d", threshold)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestRunFingerLabelAudit(t *testing.T) {
	dir := fakeFVC(t)
	samples, err := LoadFVC(dir)
	require.NoError(t, err)
	fakeFeatures(t, samples, 0.2)
	// 104_3 is really another impression of finger 107.
	b, err := os.ReadFile(filepath.Join(dir, "107_2.tif"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "104_3.tif"), b, 0o644))

	ev := Evaluator[[]float64]{Extract: fakeExtract, Compare: fakeCompare}
	plain, err := RunFinger(context.Background(), Config[[]float64]{Dir: dir, Layout: LayoutFVC, Evaluator: ev})
	require.NoError(t, err)
	assert.Nil(t, plain.SuspectLabels)
	assert.Nil(t, plain.WithoutSuspectLabels)

	out := t.TempDir()
	rep, err := RunFinger(context.Background(), Config[[]float64]{Dir: dir, Layout: LayoutFVC, Evaluator: ev,
		AuditThreshold: 0.5, OutDir: out})
	require.NoError(t, err)
	// The official protocol's figures and scores do not change with the
	// audit's extra comparisons.
	assert.Equal(t, plain.Metrics, rep.Metrics)
	rows, err := os.ReadFile(filepath.Join(out, ScoresCSVFile))
	require.NoError(t, err)
	assert.Equal(t, 1+280+45, bytes.Count(rows, []byte("\n")))

	require.Len(t, rep.SuspectLabels, 1)
	s := rep.SuspectLabels[0]
	assert.Equal(t, "104_3.tif", s.Sample)
	assert.Equal(t, "104", s.Finger)
	assert.Equal(t, "107", s.LooksLike)
	assert.Equal(t, 8, s.Matches, "all eight impressions of 107, the copied one included")
	assert.Equal(t, 1.0, s.BestOther, "identical to 107_2")
	assert.Less(t, s.BestOwn, 0.5)
	// Without 104_3: its 7 genuine pairs go; it is not a first impression,
	// so the official impostor pairs stay.
	require.NotNil(t, rep.WithoutSuspectLabels)
	assert.Equal(t, 273, rep.WithoutSuspectLabels.Genuine)
	assert.Equal(t, 45, rep.WithoutSuspectLabels.Impostor)
	assert.Less(t, rep.WithoutSuspectLabels.EER, rep.EER)
	assert.Equal(t, 0.5, rep.AuditThreshold)

	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	assert.Contains(t, text.String(), "without 1 suspect labels")
	assert.Contains(t, text.String(), "104_3.tif (filed as 104) looks like 107: 8 impressions, best 1.000")

	// On the full protocol the audit reads the run's own pairs.
	full, err := RunFinger(context.Background(), Config[[]float64]{Dir: dir, Layout: LayoutFVC, Protocol: ProtocolFull,
		Evaluator: ev, AuditThreshold: 0.5})
	require.NoError(t, err)
	assert.Equal(t, rep.SuspectLabels, full.SuspectLabels)
	assert.Equal(t, 2880-9*8, full.WithoutSuspectLabels.Impostor, "104_3's impostor pairs go too")
}
