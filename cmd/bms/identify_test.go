package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/openbms/bms/bench"
	"github.com/openbms/bms/internal/shareddata"
	"github.com/openbms/bms/minutiae"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeSynthGallery writes n synthetic fingers as ISO templates in a
// directory tree and returns the directory and the fingers.
func writeSynthGallery(t *testing.T, n int) (string, []*minutiae.Template) {
	t.Helper()
	dir := t.TempDir()
	s := bench.NewSynth(31)
	var fingers []*minutiae.Template
	for i := range n {
		f := s.Finger()
		fingers = append(fingers, f)
		data, err := minutiae.Encode(&minutiae.Record{Views: []minutiae.Template{*f}}, minutiae.FormatISO2011)
		require.NoError(t, err)
		sub := filepath.Join(dir, fmt.Sprintf("batch%d", i%3))
		require.NoError(t, os.MkdirAll(sub, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(sub, fmt.Sprintf("f%02d.iso2011", i)), data, 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a print"), 0o644))
	return dir, fingers
}

func TestEnrollAndIdentify(t *testing.T) {
	dir, fingers := writeSynthGallery(t, 30)
	probe := bench.NewSynth(99).Impression(fingers[17])
	data, err := minutiae.Encode(&minutiae.Record{Views: []minutiae.Template{*probe}}, minutiae.FormatISO2011)
	require.NoError(t, err)
	probePath := filepath.Join(t.TempDir(), "probe.iso2011")
	require.NoError(t, os.WriteFile(probePath, data, 0o644))

	galleryFile := filepath.Join(t.TempDir(), "g.bmsg")
	stdout, stderr, code := runBMS(t, "enroll", "-o", galleryFile, dir)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "30 records, 30 views enrolled; 0 files failed")

	for _, gallery := range []string{galleryFile, dir} {
		stdout, stderr, code = runBMS(t, "identify", "-gallery", gallery, "-probe", probePath, "-k", "3", "--json")
		require.Equal(t, 0, code, stderr)
		var rep IdentifyReport
		require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
		assert.Equal(t, 30, rep.Gallery)
		require.NotEmpty(t, rep.Candidates)
		assert.LessOrEqual(t, len(rep.Candidates), 3)
		assert.Equal(t, "batch2/f17", rep.Candidates[0].ID, "gallery %s", gallery)
		assert.Less(t, rep.Candidates[0].FMR, 1e-4)
	}

	stdout, stderr, code = runBMS(t, "identify", "-gallery", galleryFile, "-probe", probePath)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "batch2/f17")
	assert.Contains(t, stdout, "match")

	// The flag reaches the search (30 records are below afis.MinShortlist,
	// so every one is compared in full; afis tests the screening itself).
	stdout, stderr, code = runBMS(t, "identify", "-gallery", galleryFile, "-probe", probePath, "-shortlist", "0.05")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "batch2/f17")

	_, _, code = runBMS(t, "identify", "-gallery", galleryFile)
	assert.Equal(t, 2, code)
	_, stderr, code = runBMS(t, "identify", "-gallery", probePath, "-probe", probePath)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "gallery file")
}

func TestIdentifyTenPrintCard(t *testing.T) {
	dir := shareddata.Require(t, "fingerprint/ansi-nist")
	gallery := t.TempDir()
	for _, f := range []string{"type-4-tpcard.an2", "type-9-14-std.an2", "type-9-10-14.an2"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(gallery, f), data, 0o644))
	}
	stdout, stderr, code := runBMS(t, "identify", "-gallery", gallery, "-probe", filepath.Join(dir, "type-14-tpcard-nqm.an2"), "--json")
	require.Equal(t, 0, code, stderr)
	var rep IdentifyReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	require.NotEmpty(t, rep.Candidates)
	assert.Equal(t, "type-4-tpcard", rep.Candidates[0].ID)
	// Ten rolled prints, two single thumbs and two four-finger slaps split
	// into their fingers.
	assert.Equal(t, 20, rep.ProbeViews)

	// Slaps alone, with the left ring finger declared amputated: the thumbs
	// slap and both hands split into fingers that each find a finger of the
	// same position on the card.
	stdout, stderr, code = runBMS(t, "identify", "-gallery", gallery, "-probe", filepath.Join(dir, "type-14-amp-nqm-utf8.an2"), "--json")
	require.Equal(t, 0, code, stderr)
	rep = IdentifyReport{}
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	require.NotEmpty(t, rep.Candidates)
	assert.Equal(t, "type-4-tpcard", rep.Candidates[0].ID)
	assert.Equal(t, 2+4+3, rep.ProbeViews)
	matched := 0
	for _, v := range rep.Candidates[0].Views {
		if v.Score > 0.6 {
			matched++
		}
	}
	assert.Equal(t, rep.ProbeViews, matched, "every slap finger pairs with its own finger on the card")
}

func TestEnrollWarnsOfMisplacedPrints(t *testing.T) {
	// A card whose rolled index and middle were taken in each other's
	// boxes, with plain impressions in the right ones.
	s := bench.NewSynth(5)
	rec := &minutiae.Record{}
	var flats []minutiae.Template
	for _, pos := range []minutiae.Position{minutiae.LeftIndex, minutiae.LeftMiddle, minutiae.LeftRing} {
		f := s.Finger()
		rolled, flat := *s.Impression(f), *s.Impression(f)
		rolled.Position, rolled.Impression = pos, minutiae.NonliveRolled
		flat.Position, flat.Impression = pos, minutiae.NonlivePlain
		rec.Views = append(rec.Views, rolled)
		flats = append(flats, flat)
	}
	rec.Views = append(rec.Views, flats...)
	dir := t.TempDir()
	write := func(name string) {
		data, err := minutiae.Encode(rec, minutiae.FormatISO2011)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}
	write("good.iso2011")
	rec.Views[0].Position, rec.Views[1].Position = minutiae.LeftMiddle, minutiae.LeftIndex
	write("swapped.iso2011")

	stdout, stderr, code := runBMS(t, "enroll", "-o", filepath.Join(t.TempDir(), "g.bmsg"), dir)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "2 records")
	assert.Contains(t, stderr, "swapped: sequence check: the plain left index matches the rolled left middle")
	assert.Contains(t, stderr, "swapped: sequence check: the plain left middle matches the rolled left index")
	assert.NotContains(t, stderr, "good:")
}
