package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbms/bms/internal/shareddata"
)

// writeFaceSet writes a generated embedding set: persons directions in
// 128 dimensions, images per person with noise, as .npy and labels.
func writeFaceSet(t *testing.T, persons, images int) (string, string) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	const dim = 128
	var data bytes.Buffer
	var labels strings.Builder
	for p := range persons {
		base := make([]float64, dim)
		for d := range base {
			base[d] = rng.NormFloat64()
		}
		for range images {
			for d := range dim {
				binary.Write(&data, binary.LittleEndian, float32(base[d]+0.6*rng.NormFloat64()))
			}
			fmt.Fprintf(&labels, "person_%d\n", p)
		}
	}
	header := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", persons*images, dim)
	header += strings.Repeat(" ", 117-len(header)) + "\n"
	var file bytes.Buffer
	file.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&file, binary.LittleEndian, uint16(len(header)))
	file.WriteString(header)
	file.Write(data.Bytes())
	dir := t.TempDir()
	emb, lab := filepath.Join(dir, "e.npy"), filepath.Join(dir, "l.txt")
	require.NoError(t, os.WriteFile(emb, file.Bytes(), 0o644))
	require.NoError(t, os.WriteFile(lab, []byte(labels.String()), 0o644))
	return emb, lab
}

func TestEvalFaceGenerated(t *testing.T) {
	emb, lab := writeFaceSet(t, 40, 3)
	out, stderr, code := runBMS(t, "eval", "face", "-embeddings", emb, "-labels", lab, "--json")
	require.Equal(t, 0, code, stderr)
	var rep map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.EqualValues(t, 120, rep["templates"])
	assert.EqualValues(t, 40*3, rep["genuine_pairs"])
	for _, s := range []string{"float32", "float16", "int8"} {
		r, ok := rep[s].(map[string]any)
		require.True(t, ok, "key %s", s)
		for _, key := range []string{"tar_at_far_1e-3", "tar_at_far_1e-4", "rank1"} {
			v, ok := r[key].(float64)
			require.True(t, ok, "%s.%s", s, key)
			assert.True(t, v >= 0 && v <= 1, "%s.%s = %v", s, key, v)
		}
		assert.Greater(t, r["rank1"], 0.9, "well separated persons are found")
	}

	out, stderr, code = runBMS(t, "eval", "face", "-embeddings", emb, "-labels", lab)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "TAR@FAR=1e-3")
	assert.Contains(t, out, "int8")
}

func TestEvalFaceErrors(t *testing.T) {
	emb, lab := writeFaceSet(t, 3, 2)
	_, stderr, code := runBMS(t, "eval", "face", "-embeddings", emb)
	assert.Equal(t, 2, code, stderr)
	short := filepath.Join(t.TempDir(), "short.txt")
	require.NoError(t, os.WriteFile(short, []byte("a\nb\n"), 0o644))
	_, stderr, code = runBMS(t, "eval", "face", "-embeddings", emb, "-labels", short)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "2 labels for 6 embeddings")
	_, stderr, code = runBMS(t, "eval", "face", "-embeddings", lab, "-labels", lab)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "not a .npy file")
	_, _, code = runBMS(t, "eval", "palm")
	assert.Equal(t, 2, code)
}

// TestEvalFaceLFW is the acceptance check of face comparison on real
// embeddings: float32 reproduces the reference TAR, quantised storage loses
// at most 0.003 of it and no rank-1 hit.
func TestEvalFaceLFW(t *testing.T) {
	dir := shareddata.Require(t, "face", "lfw-facenet")
	out, stderr, code := runBMS(t, "eval", "face", "-embeddings", filepath.Join(dir, "lfw_embeddings.npy"), "-labels", filepath.Join(dir, "lfw_labels.txt"), "--json")
	require.Equal(t, 0, code, stderr)
	var rep FaceEvalReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, 1435, rep.Templates)
	assert.Equal(t, 3631, rep.GenuinePairs)
	assert.InDelta(t, 0.665, rep.Float32.TARAtFAR1e3, 0.002)
	for _, r := range []*FaceStorageResult{rep.Float16, rep.Int8} {
		assert.GreaterOrEqual(t, r.TARAtFAR1e3, rep.Float32.TARAtFAR1e3-0.003)
		assert.GreaterOrEqual(t, r.TARAtFAR1e4, rep.Float32.TARAtFAR1e4-0.003)
		assert.GreaterOrEqual(t, r.Rank1Hits, rep.Float32.Rank1Hits)
	}
	t.Logf("TAR@1e-3 float32 %.4f float16 %.4f int8 %.4f; rank-1 %.4f %.4f %.4f",
		rep.Float32.TARAtFAR1e3, rep.Float16.TARAtFAR1e3, rep.Int8.TARAtFAR1e3, rep.Float32.Rank1, rep.Float16.Rank1, rep.Int8.Rank1)
}

func TestBenchFace(t *testing.T) {
	out, stderr, code := runBMS(t, "bench", "face", "-gallery", "1000", "-dim", "128", "-batch", "9", "-threads", "2",
		"-storage", "int8", "-passes", "2", "-bandwidth-mib", "16", "--json")
	require.Equal(t, 0, code, stderr)
	var rep map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	for _, key := range []string{"vectors_per_second", "bandwidth_fraction"} {
		v, ok := rep[key].(float64)
		require.True(t, ok, key)
		assert.False(t, math.IsNaN(v) || v <= 0, "%s = %v", key, v)
	}
	assert.Equal(t, "int8", rep["storage"])

	_, _, code = runBMS(t, "bench", "face", "-storage", "bf16")
	assert.Equal(t, 2, code)
	_, _, code = runBMS(t, "bench")
	assert.Equal(t, 2, code)
	_, _, code = runBMS(t, "bench", "face", "-gallery", "0")
	assert.Equal(t, 2, code)
}
