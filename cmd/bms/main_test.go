package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openbms/bms/internal/fixtures"
	"github.com/openbms/bms/internal/shareddata"
	"github.com/openbms/bms/minutiae"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runBMS(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return out.String(), errOut.String(), code
}

// writeFixtures puts the generated fixtures in a temporary directory.
func writeFixtures(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	_, stderr, code := runBMS(t, "fixtures", dir)
	require.Equal(t, 0, code, stderr)
	return dir
}

func TestUsage(t *testing.T) {
	_, stderr, code := runBMS(t)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "inspect")
	_, stderr, code = runBMS(t, "frobnicate")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "unknown command")
	_, _, code = runBMS(t, "inspect")
	assert.Equal(t, 2, code)
}

func TestDemo(t *testing.T) {
	out, stderr, code := runBMS(t, "demo")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "two-fingers.iso2011: ISO/IEC 19794-2:2011")
	assert.Contains(t, out, "ten-print, 8 fingers re-captured         → TP-0321")
	assert.Contains(t, out, "latent of one finger, position unknown   → TP-0321")
	assert.Contains(t, out, "right index of the fixture record        → FIXTURE")
	// The alert layer at work: refusals name their article, every search
	// finds what it should, the clock expires the checks, the chain holds.
	assert.Contains(t, out, "refused (Art. 22(1))")
	assert.Contains(t, out, "refused (Art. 42(3))")
	assert.Regexp(t, `ten-print, re-captured \(and latents\)\s+→ DE-\d+ Art\. 26 via prints`, out)
	assert.Regexp(t, `latent from a second scene\s+→ \S+ Art\. (26|40) via latent`, out)
	assert.Regexp(t, `face at a border crossing\s+→ DE-\d+ Art\. 32\(1\)\(a\) via face`, out)
	assert.Regexp(t, `DNA of unidentified remains\s+→ DE-\d+ Art\. 32\(1\)\(a\) via dna`, out)
	assert.Contains(t, out, "confirmed the match into a hit")
	assert.Regexp(t, `retention deleted [1-9]\d* alerts`, out)
	assert.Contains(t, out, "audit chain verified")
	assert.Contains(t, out, "ridges-300x400.pgm: pgm")
	assert.NotContains(t, out, "error")
}

func TestInspectFixturesJSON(t *testing.T) {
	dir := writeFixtures(t)
	rec := fixtures.Record(1)
	cases := []struct {
		file, kind, format string
		records            int
	}{
		{"two-fingers.iso2005", "template", "ISO/IEC 19794-2:2005", 2},
		{"two-fingers.iso2011", "template", "ISO/IEC 19794-2:2011", 2},
		{"two-fingers.ansi2004", "template", "ANSI INCITS 378-2004", 2},
		{"two-fingers.ansi2009", "template", "ANSI INCITS 378-2009", 2},
		{"two-fingers.ansi2009am1", "template", "ANSI INCITS 378-2009/AM1", 2},
		{"two-fingers.json", "template", "bms JSON", 2},
		{"right-index.xyt", "template", "NIST xyt", 1},
		{"ridges-300x400.pgm", "image", "pgm", 1},
	}
	var args []string
	for _, c := range cases {
		args = append(args, filepath.Join(dir, c.file))
	}
	out, stderr, code := runBMS(t, append([]string{"inspect", "--json"}, args...)...)
	require.Equal(t, 0, code, stderr)
	var reports []FileReport
	require.NoError(t, json.Unmarshal([]byte(out), &reports))
	require.Len(t, reports, len(cases))
	for i, c := range cases {
		r := reports[i]
		assert.Equal(t, c.kind, r.Kind, c.file)
		assert.Equal(t, c.format, r.Format, c.file)
		assert.Empty(t, r.Error, c.file)
		require.Len(t, r.Records, c.records, c.file)
		if c.kind == "template" {
			require.NotNil(t, r.Records[0].Minutiae)
			assert.Equal(t, len(rec.Views[0].Minutiae), *r.Records[0].Minutiae, c.file)
		}
	}
	img := reports[len(reports)-1].Records[0]
	assert.Equal(t, []int{300, 400}, []int{img.Width, img.Height})
	iso := reports[1].Records[0]
	assert.Equal(t, []string{"right index"}, iso.Positions)
	assert.Equal(t, "live-scan plain", iso.Impression)
	assert.Equal(t, 500.0, iso.PPI)
	assert.Equal(t, 1, iso.Cores)
}

func TestInspectReportsBadFiles(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.bin")
	require.NoError(t, os.WriteFile(bad, []byte("not a biometric file"), 0o644))
	trunc := filepath.Join(dir, "trunc.iso2011")
	data, err := minutiae.Encode(fixtures.Record(1), minutiae.FormatISO2011)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(trunc, data[:40], 0o644))
	out, _, code := runBMS(t, "inspect", bad, trunc, filepath.Join(dir, "missing"))
	assert.Equal(t, 1, code)
	assert.Equal(t, 3, strings.Count(out, "error:"), out)
}

func TestConvertTemplates(t *testing.T) {
	dir := writeFixtures(t)
	src := filepath.Join(dir, "two-fingers.ansi2004")
	for _, target := range []string{"out.iso2011", "out.ist", "out.ansi2009am1", "out.json"} {
		dst := filepath.Join(dir, target)
		_, stderr, code := runBMS(t, "convert", src, dst)
		require.Equal(t, 0, code, stderr)
		data, err := os.ReadFile(dst)
		require.NoError(t, err)
		rec, _, err := minutiae.Decode(data)
		require.NoError(t, err, target)
		assert.Len(t, rec.Views, 2)
	}
	_, stderr, code := runBMS(t, "convert", "-format", "xyt", filepath.Join(dir, "right-index.xyt"), filepath.Join(dir, "again.txt"))
	require.Equal(t, 0, code, stderr)
	_, stderr, code = runBMS(t, "convert", src, filepath.Join(dir, "x.unknown"))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "-format")
	_, stderr, code = runBMS(t, "convert", src, filepath.Join(dir, "x.png"))
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "no image")
}

func TestConvertImages(t *testing.T) {
	dir := writeFixtures(t)
	pgmPath := filepath.Join(dir, "ridges-300x400.pgm")
	pngPath := filepath.Join(dir, "ridges.png")
	_, stderr, code := runBMS(t, "convert", pgmPath, pngPath)
	require.Equal(t, 0, code, stderr)
	back := filepath.Join(dir, "back.pgm")
	_, stderr, code = runBMS(t, "convert", pngPath, back)
	require.Equal(t, 0, code, stderr)
	a, err := os.ReadFile(pgmPath)
	require.NoError(t, err)
	b, err := os.ReadFile(back)
	require.NoError(t, err)
	assert.Equal(t, a, b, "PGM → PNG → PGM is lossless")
}

// TestInspectRealTransactions is the acceptance check of the reader on the
// NIST reference transactions: every record listed, every WSQ or raw image
// decoded, minutiae from every Type-9.
func TestInspectRealTransactions(t *testing.T) {
	root := shareddata.Require(t, "fingerprint")
	files, _ := filepath.Glob(filepath.Join(root, "ansi-nist", "*.an2"))
	more, _ := filepath.Glob(filepath.Join(root, "templates", "*.an2k"))
	files = append(files, more...)
	require.NotEmpty(t, files)
	out, stderr, code := runBMS(t, append([]string{"inspect", "--json"}, files...)...)
	require.Equal(t, 0, code, stderr)
	var reports []FileReport
	require.NoError(t, json.Unmarshal([]byte(out), &reports))
	require.Len(t, reports, len(files))
	for _, r := range reports {
		assert.Equal(t, "ansi-nist", r.Kind, r.File)
		require.Empty(t, r.Error, r.File)
		require.NotEmpty(t, r.Records, r.File)
		for _, rr := range r.Records {
			if rr.ImageError != "" {
				assert.Contains(t, rr.ImageError, "JPEG 2000", "%s record %d: only JPEG 2000 may fail to decode", r.File, rr.Index)
			}
			if strings.HasPrefix(rr.Type, "Type-9 ") {
				require.NotNil(t, rr.Minutiae, "%s record %d", r.File, rr.Index)
				assert.Positive(t, *rr.Minutiae, "%s record %d", r.File, rr.Index)
			}
		}
	}
}

func TestInspectSequence(t *testing.T) {
	card := filepath.Join(shareddata.Require(t, "fingerprint", "ansi-nist"), "type-4-tpcard.an2")
	out, stderr, code := runBMS(t, "inspect", "-sequence", "--json", card)
	require.Equal(t, 0, code, stderr)
	var reports []FileReport
	require.NoError(t, json.Unmarshal([]byte(out), &reports))
	require.Len(t, reports, 1)
	seq := reports[0].Sequence
	require.Len(t, seq, 10, "eight slap fingers and two plain thumbs")
	verdicts := map[string]int{}
	for _, c := range seq {
		verdicts[c.Verdict]++
	}
	assert.Zero(t, verdicts["misplaced"])
	assert.GreaterOrEqual(t, verdicts["confirmed"], 8)

	out, _, code = runBMS(t, "inspect", "-sequence", card)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "sequence check: ")
}

func TestCompareTemplates(t *testing.T) {
	dir := writeFixtures(t)
	a := filepath.Join(dir, "two-fingers.iso2011")
	b := filepath.Join(dir, "two-fingers.ansi2004")
	out, stderr, code := runBMS(t, "compare", "--json", a, b)
	require.Equal(t, 0, code, stderr)
	var rep CompareReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.True(t, rep.Match, "the same minutiae in two formats match")
	assert.Greater(t, rep.Score, rep.Threshold)
	assert.Equal(t, minutiae.DefaultFMR, rep.ThresholdFMR)

	// Two different synthetic fingers (views 0 and 1 are unrelated draws).
	other := filepath.Join(dir, "left.json")
	rec := fixtures.Record(1)
	data, err := minutiae.Encode(&minutiae.Record{Views: rec.Views[1:]}, minutiae.FormatJSON)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(other, data, 0o644))
	out, stderr, code = runBMS(t, "compare", "--json", a, other)
	require.Equal(t, 0, code, stderr)
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.False(t, rep.Match, "unrelated fingers do not match")
	assert.False(t, rep.Latent)

	// A declared latent is compared as one and read with the latent
	// calibration.
	out, stderr, code = runBMS(t, "compare", "--json", "-latent", a, b)
	require.Equal(t, 0, code, stderr)
	var lat CompareReport
	require.NoError(t, json.Unmarshal([]byte(out), &lat))
	assert.True(t, lat.Latent)
	assert.Equal(t, minutiae.LatentThresholdForFMR(minutiae.DefaultFMR), lat.Threshold)
	assert.InDelta(t, minutiae.LatentFMRForScore(lat.Score), lat.FMR, 1e-15)
	assert.True(t, lat.Match, "the same minutiae match as a latent too")

	_, _, code = runBMS(t, "compare", a)
	assert.Equal(t, 2, code)
}

func TestEvalFingerJSON(t *testing.T) {
	dir := shareddata.Require(t, "fingerprint", "fvc2000", "DB1_B")
	out, stderr, code := runBMS(t, "eval", "finger", "-q", "-json", "-out", t.TempDir(), dir)
	require.Equal(t, 0, code, stderr)
	var rep map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	for _, k := range []string{"eer", "fmr100", "fmr1000", "zerofmr", "genuine", "impostor", "fte"} {
		assert.Contains(t, rep, k)
	}
	assert.Equal(t, 280.0, rep["genuine"])
	assert.Equal(t, 45.0, rep["impostor"])
	assert.Less(t, rep["eer"].(float64), 0.10, "a working pipeline separates FVC2000 DB1_B")

	// The label audit adds its threshold and finds no misfiled impression
	// in DB1_B; the official figures stay as they were.
	out, stderr, code = runBMS(t, "eval", "finger", "-q", "-json", "-audit", dir)
	require.Equal(t, 0, code, stderr)
	var audited map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &audited))
	assert.InDelta(t, minutiae.ThresholdForFMR(1e-4), audited["audit_threshold"], 1e-12)
	assert.NotContains(t, audited, "suspect_labels")
	assert.Equal(t, rep["eer"], audited["eer"])
}

func TestDemoStoreAndAuditVerify(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	_, stderr, code := runBMS(t, "demo", "--store", dir)
	require.Equal(t, 0, code, stderr)
	out, stderr, code := runBMS(t, "audit", "verify", "--json", dir)
	require.Equal(t, 0, code, stderr)
	var rep AuditReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.True(t, rep.Verified)
	assert.Greater(t, rep.Entries, 100)
	assert.Len(t, rep.HeadHash, 64)

	_, stderr, code = runBMS(t, "demo", "--store", dir)
	assert.Equal(t, 1, code, "the demo refuses to reuse a store")
	assert.Contains(t, stderr, "exists")
	_, _, code = runBMS(t, "audit", "verify", filepath.Join(t.TempDir(), "none"))
	assert.Equal(t, 1, code)
	_, _, code = runBMS(t, "audit")
	assert.Equal(t, 2, code)
}
