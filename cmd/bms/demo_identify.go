package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/openbms/bms/afis"
	"github.com/openbms/bms/bench"
	"github.com/openbms/bms/minutiae"
)

// demoIdentify enrols 500 synthetic ten-print records and the fixture
// record, then searches a re-captured ten-print (two fingers missing), a
// latent of one finger (position unknown) and the fixture's right index.
func demoIdentify(w io.Writer, fixture *minutiae.Record) error {
	const records = 500
	s := bench.NewSynth(2026)
	g := afis.NewGallery()
	start := time.Now()
	var mate []minutiae.Template
	for r := range records {
		rec := &minutiae.Record{}
		for f := 1; f <= 10; f++ {
			t := s.Finger()
			t.Position, t.Impression = minutiae.Position(f), minutiae.LiveRolled
			rec.Views = append(rec.Views, *t)
		}
		if r == 321 {
			mate = rec.Views
		}
		if err := g.Add(fmt.Sprintf("TP-%04d", r), rec); err != nil {
			return err
		}
	}
	if err := g.Add("FIXTURE", fixture); err != nil {
		return err
	}
	fmt.Fprintf(w, "1:N identification: %d records, %d fingers enrolled in %.2f s (%.0f bytes a finger)\n",
		g.Len(), g.Views(), time.Since(start).Seconds(), float64(g.Bytes())/float64(g.Views()))

	tenPrint := &minutiae.Record{}
	for i := range mate {
		if i == 3 || i == 8 {
			continue // two fingers not captured this time
		}
		t := s.Impression(&mate[i])
		t.Position, t.Impression = mate[i].Position, minutiae.LivePlain
		tenPrint.Views = append(tenPrint.Views, *t)
	}
	latent := s.Impression(&mate[6])
	latent.Position, latent.Impression = minutiae.UnknownFinger, minutiae.LatentImpression
	single := s.Impression(&fixture.Views[0])
	single.Position = fixture.Views[0].Position

	for _, q := range []struct {
		name  string
		probe *minutiae.Record
	}{
		{"ten-print, 8 fingers re-captured", tenPrint},
		{"latent of one finger, position unknown", &minutiae.Record{Views: []minutiae.Template{*latent}}},
		{"right index of the fixture record", &minutiae.Record{Views: []minutiae.Template{*single}}},
	} {
		t0 := time.Now()
		cands, err := g.Identify(context.Background(), q.probe, afis.SearchOptions{K: 3})
		if err != nil {
			return err
		}
		el := time.Since(t0)
		var ranks []string
		for _, c := range cands {
			ranks = append(ranks, fmt.Sprintf("%s %.2f (FMR %.1g)", c.ID, c.Score, c.FMR))
		}
		fmt.Fprintf(w, "  %-40s → %s  [%.0f ms]\n", q.name, strings.Join(ranks, ", "), float64(el)/float64(time.Millisecond))
	}
	fmt.Fprintf(w, "  (%d cores; larger galleries: go run ./cmd/bms bench finger -gallery 100000)\n", runtime.GOMAXPROCS(0))
	return nil
}
