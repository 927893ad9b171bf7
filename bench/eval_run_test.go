package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeFeatures fills every file of samples with a small feature vector:
// the finger's own random vector plus noise, so that a distance-based
// comparator separates fingers imperfectly, like a real matcher. Files
// listed in fail hold "fail", which fakeExtract rejects (a failure to
// enrol).
func fakeFeatures(t *testing.T, samples []Sample, noise float64, fail ...string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	base := map[string][]float64{}
	for _, s := range samples {
		if base[s.Finger] == nil {
			v := make([]float64, 4)
			for k := range v {
				v[k] = rng.NormFloat64()
			}
			base[s.Finger] = v
		}
	}
	for _, s := range samples {
		var parts []string
		for _, b := range base[s.Finger] {
			parts = append(parts, strconv.FormatFloat(b+noise*rng.NormFloat64(), 'g', -1, 64))
		}
		content := strings.Join(parts, " ")
		for _, f := range fail {
			if filepath.Base(s.Path) == f {
				content = "fail"
			}
		}
		require.NoError(t, os.WriteFile(s.Path, []byte(content), 0o644))
	}
}

func fakeExtract(path string) ([]float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var v []float64
	for _, f := range strings.Fields(string(b)) {
		x, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return nil, errors.New("no features found")
		}
		v = append(v, x)
	}
	return v, nil
}

// fakeCompare is a similarity in (0, 1]: 1/(1 + squared distance).
func fakeCompare(a, b []float64) float64 {
	d := 0.0
	for k := range a {
		d += (a[k] - b[k]) * (a[k] - b[k])
	}
	return 1 / (1 + d)
}

func TestRunFingerFVC(t *testing.T) {
	dir := fakeFVC(t)
	samples, err := LoadFVC(dir)
	require.NoError(t, err)
	fakeFeatures(t, samples, 0.5, "103_2.tif", "105_1.tif")
	out := filepath.Join(t.TempDir(), "out")

	var extracted atomic.Int64
	var lastCompare atomic.Int64
	rep, err := RunFinger(context.Background(), Config[[]float64]{
		Dir: dir, Layout: LayoutFVC, Protocol: ProtocolFVC, Name: "fake FVC", OutDir: out,
		Evaluator: Evaluator[[]float64]{
			Extract: func(p string) ([]float64, error) { extracted.Add(1); return fakeExtract(p) },
			Compare: fakeCompare,
			Workers: 3,
			Progress: func(stage string, done, total int) {
				if stage == "compare" {
					lastCompare.Store(int64(done))
				}
			},
		},
	})
	require.NoError(t, err)
	assert.EqualValues(t, 80, extracted.Load(), "each image is extracted exactly once")
	assert.EqualValues(t, 325, lastCompare.Load())
	assert.Equal(t, "fake FVC", rep.Dataset)
	assert.Equal(t, 80, rep.Samples)
	assert.Equal(t, 10, rep.Fingers)
	assert.Equal(t, 280, rep.Genuine)
	assert.Equal(t, 45, rep.Impostor)
	assert.Equal(t, 2, rep.FTE)
	assert.InDelta(t, 2.0/80, rep.FTERate, 1e-12)
	assert.Equal(t, []string{"103_2.tif: no features found", "105_1.tif: no features found"}, rep.FTESamples)
	assert.Nil(t, rep.WithoutSamePerson, "FVC has no same-person impostor pairs")
	// EER*: 103_2 is in 7 genuine pairs, 105_1 in 7 genuine and 9
	// impostor pairs.
	require.NotNil(t, rep.ExcludingFTE)
	assert.Equal(t, 280-14, rep.ExcludingFTE.Genuine)
	assert.Equal(t, 45-9, rep.ExcludingFTE.Impostor)
	assert.LessOrEqual(t, rep.ExcludingFTE.ZeroFMR, rep.ZeroFMR)
	assert.Equal(t, []string{ScoresCSVFile, DETFile, HistogramFile, ReportFile}, rep.Files)
	// 103_2 is in 7 genuine pairs, 105_1 in 7 genuine and 9 impostor
	// pairs: all scored 0, so FNMR at any threshold > 0 is ≥ 14/280.
	assert.GreaterOrEqual(t, rep.ZeroFMR, 14.0/280)
	assert.Greater(t, rep.EER, 0.0)
	assert.Less(t, rep.EER, 0.5)

	// The same run again gives the same scores (order fixed, whatever
	// the scheduling) and the same metrics.
	csv1, err := os.ReadFile(filepath.Join(out, ScoresCSVFile))
	require.NoError(t, err)
	rep2, err := RunFinger(context.Background(), Config[[]float64]{
		Dir: dir, Layout: LayoutFVC, Name: "fake FVC", OutDir: out,
		Evaluator: Evaluator[[]float64]{Extract: fakeExtract, Compare: fakeCompare, Workers: 7},
	})
	require.NoError(t, err)
	csv2, err := os.ReadFile(filepath.Join(out, ScoresCSVFile))
	require.NoError(t, err)
	assert.Equal(t, csv1, csv2)
	assert.Equal(t, rep.Metrics, rep2.Metrics)

	// The saved scores give back the same metrics.
	rows, err := ReadScoresCSV(bytes.NewReader(csv1))
	require.NoError(t, err)
	m, err := ComputeMetrics(SplitRows(rows))
	require.NoError(t, err)
	assert.Equal(t, rep.Metrics, m)

	lines := strings.Split(strings.TrimSpace(string(csv1)), "\n")
	require.Len(t, lines, 1+325)
	assert.Equal(t, ScoresCSVHeader, lines[0])
	assert.True(t, strings.HasPrefix(lines[1], "101_1.tif,101_2.tif,1,"), lines[1])
	assert.True(t, strings.HasPrefix(lines[281], "101_1.tif,102_1.tif,0,"), lines[281])

	var decoded map[string]any
	b, err := os.ReadFile(filepath.Join(out, ReportFile))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &decoded))
	for _, k := range []string{"dataset", "protocol", "eer", "fmr100", "fmr1000", "zerofmr", "genuine", "impostor", "fte", "fte_rate"} {
		assert.Contains(t, decoded, k)
	}
	assert.EqualValues(t, 280, decoded["genuine"])
	checkPNG(t, filepath.Join(out, DETFile), DETWidth, DETHeight)
	checkPNG(t, filepath.Join(out, HistogramFile), HistogramWidth, HistogramHeight)

	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	assert.Contains(t, text.String(), "fake FVC (fvc layout, fvc protocol): 80 samples, 10 fingers, FTE 2 (2.50%)")
	assert.Contains(t, text.String(), fmt.Sprintf("EER %.2f%%", 100*rep.EER))
	assert.Contains(t, text.String(), "excluding failures to enrol")
}

func TestRunFingerFCJ2020(t *testing.T) {
	dir := fakeFCJ(t)
	samples, err := LoadFCJ2020(dir)
	require.NoError(t, err)
	fakeFeatures(t, samples, 0.3)
	rep, err := RunFinger(context.Background(), Config[[]float64]{
		Dir: dir, Layout: LayoutFCJ2020, Evaluator: Evaluator[[]float64]{Extract: fakeExtract, Compare: fakeCompare},
	})
	require.NoError(t, err)
	assert.Equal(t, filepath.Base(dir), rep.Dataset)
	assert.Equal(t, ProtocolFVC, rep.Protocol)
	assert.Equal(t, 3000, rep.Genuine)
	assert.Equal(t, 19900, rep.Impostor)
	require.NotNil(t, rep.WithoutSamePerson)
	assert.Equal(t, 3000, rep.WithoutSamePerson.Genuine)
	assert.Equal(t, 19600, rep.WithoutSamePerson.Impostor)
	assert.Empty(t, rep.Files, "no OutDir, no files")
	assert.Nil(t, rep.ExcludingFTE, "no failure to enrol")
	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	assert.Contains(t, text.String(), "without same-person impostors")
}

func TestRunFingerErrors(t *testing.T) {
	dir := fakeFVC(t)
	samples, err := LoadFVC(dir)
	require.NoError(t, err)
	fakeFeatures(t, samples, 0.5)
	cfg := Config[[]float64]{Dir: dir, Layout: LayoutFVC, Evaluator: Evaluator[[]float64]{Extract: fakeExtract, Compare: fakeCompare}}

	bad := cfg
	bad.Layout = "nist"
	_, err = RunFinger(context.Background(), bad)
	assert.ErrorContains(t, err, "layout")

	bad = cfg
	bad.Protocol = "all"
	_, err = RunFinger(context.Background(), bad)
	assert.ErrorContains(t, err, "protocol")

	bad = cfg
	bad.Compare = nil
	_, err = RunFinger(context.Background(), bad)
	assert.Error(t, err)

	bad = cfg
	bad.Compare = func(a, b []float64) float64 { return math.NaN() }
	_, err = RunFinger(context.Background(), bad)
	assert.ErrorContains(t, err, "NaN")

	// A panicking extractor is an error naming the file, not a crash.
	bad = cfg
	bad.Extract = func(p string) ([]float64, error) {
		if strings.HasSuffix(p, "104_3.tif") {
			var m map[string]int
			m["x"] = 1 // nil map write: a real runtime panic
		}
		return fakeExtract(p)
	}
	_, err = RunFinger(context.Background(), bad)
	assert.ErrorContains(t, err, "104_3.tif")
	assert.ErrorContains(t, err, "panic")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = RunFinger(ctx, cfg)
	assert.ErrorIs(t, err, context.Canceled)

	// Every sample failing to enrol: all scores 0, EER 0.5 — reported,
	// not an error, so that a broken extractor shows up in the numbers.
	bad = cfg
	bad.Extract = func(string) ([]float64, error) { return nil, errors.New("no") }
	rep, err := RunFinger(context.Background(), bad)
	require.NoError(t, err)
	assert.Equal(t, 80, rep.FTE)
	assert.InDelta(t, 0.5, rep.EER, 1e-12)
}

// TestNewComparePerWorker checks that NewCompare gives each goroutine its
// own compare function, never called concurrently, and that the scores do
// not depend on the number of workers.
func TestNewComparePerWorker(t *testing.T) {
	dir := fakeFVC(t)
	samples, err := LoadFVC(dir)
	require.NoError(t, err)
	fakeFeatures(t, samples, 0.3)
	pairs, err := Protocol(samples, ProtocolFull) // 3,160 pairs: 13 blocks
	require.NoError(t, err)
	var reference []float64
	for _, workers := range []int{1, 4, 16} {
		var made atomic.Int64
		ev := &Evaluator[[]float64]{
			Extract: fakeExtract,
			NewCompare: func() func(a, b []float64) float64 {
				made.Add(1)
				var busy atomic.Bool
				return func(a, b []float64) float64 {
					if !busy.CompareAndSwap(false, true) {
						return math.NaN() // concurrent use: fails the run
					}
					defer busy.Store(false)
					return fakeCompare(a, b)
				}
			},
			Workers: workers,
		}
		sc, err := ev.Run(context.Background(), samples, pairs)
		require.NoError(t, err)
		assert.LessOrEqual(t, made.Load(), int64(workers))
		if reference == nil {
			reference = sc.Scores
		}
		assert.Equal(t, reference, sc.Scores, "workers=%d", workers)
	}
}

func TestEvaluatorRejectsBadPairs(t *testing.T) {
	ev := &Evaluator[int]{
		Extract: func(string) (int, error) { return 1, nil },
		Compare: func(a, b int) float64 { return 1 },
	}
	_, err := ev.Run(context.Background(), []Sample{{Finger: "a"}}, []Pair{{Probe: 0, Candidate: 1}})
	assert.ErrorContains(t, err, "outside")
}

func checkPNG(t *testing.T, path string, w, h int) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err, path)
	assert.Equal(t, w, img.Bounds().Dx(), path)
	assert.Equal(t, h, img.Bounds().Dy(), path)
}
