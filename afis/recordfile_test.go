package afis

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/openbms/bms/bench"
	"github.com/openbms/bms/minutiae"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGalleryFileRoundTrip(t *testing.T) {
	s := bench.NewSynth(21)
	var buf bytes.Buffer
	w := NewRecordWriter(&buf)
	var fingers []*minutiae.Template
	for i := range 20 {
		f := s.Finger()
		fingers = append(fingers, f)
		require.NoError(t, w.Write(fmt.Sprintf("R%d", i), tenPrint([]*minutiae.Template{f, s.Finger()})))
	}
	require.NoError(t, w.Close())

	g := NewGallery()
	require.NoError(t, g.Load(bytes.NewReader(buf.Bytes())))
	assert.Equal(t, 20, g.Len())
	assert.Equal(t, 40, g.Views())
	probe := &minutiae.Record{Views: []minutiae.Template{*s.Impression(fingers[9])}}
	probe.Views[0].Position = minutiae.RightThumb
	cands, err := g.Identify(context.Background(), probe, SearchOptions{K: 1})
	require.NoError(t, err)
	require.Len(t, cands, 1)
	assert.Equal(t, "R9", cands[0].ID)

	var ids []string
	require.NoError(t, ReadRecords(bytes.NewReader(buf.Bytes()), func(id string, rec *minutiae.Record) error {
		ids = append(ids, id)
		assert.Len(t, rec.Views, 2)
		assert.Equal(t, minutiae.RightIndex, rec.Views[1].Position)
		return nil
	}))
	assert.Len(t, ids, 20)
}

func TestGalleryFileErrors(t *testing.T) {
	for name, data := range map[string][]byte{
		"empty":          nil,
		"wrong magic":    []byte("NOT-A-GALLERY\n"),
		"truncated ID":   append([]byte(galleryMagic), 5, 'a'),
		"zero ID":        append([]byte(galleryMagic), 0),
		"huge template":  append([]byte(galleryMagic), 1, 'a', 0xff, 0xff, 0xff, 0xff, 0x7f),
		"lying length":   append([]byte(galleryMagic), 1, 'a', 0xff, 0xff, 0x01, 1, 2, 3),
		"not a template": append([]byte(galleryMagic), 1, 'a', 3, 1, 2, 3),
	} {
		err := ReadRecords(bytes.NewReader(data), func(string, *minutiae.Record) error { return nil })
		assert.ErrorIs(t, err, ErrGalleryFile, name)
	}
	var buf bytes.Buffer
	w := NewRecordWriter(&buf)
	assert.Error(t, w.Write("", tenPrint([]*minutiae.Template{bench.NewSynth(1).Finger()})))
}

func FuzzReadRecords(f *testing.F) {
	var buf bytes.Buffer
	w := NewRecordWriter(&buf)
	_ = w.Write("seed", tenPrint([]*minutiae.Template{bench.NewSynth(1).Finger()}))
	_ = w.Close()
	f.Add(buf.Bytes())
	f.Add([]byte(galleryMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		g := NewGallery()
		_ = g.Load(bytes.NewReader(data)) // must not panic or over-allocate
	})
}
