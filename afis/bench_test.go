package afis

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/openbms/bms/bench"
	"github.com/openbms/bms/minutiae"
)

// BenchmarkIdentify measures a 1:N search of one synthetic finger against
// galleries of synthetic fingers (bench.Synth, FVC-size templates, median
// about 34 minutiae), on one thread and on every core, exhaustive and with
// screening (shortlist = the fraction compared in full). fingers/s/core is
// the gallery fingers searched per second per thread; B/finger the gallery
// memory per stored finger. Larger galleries: `bms bench finger -gallery N`.
func BenchmarkIdentify(b *testing.B) {
	for _, n := range []int{10_000} {
		s := bench.NewSynth(uint64(n))
		g := NewGallery()
		for i := range n {
			if err := g.Add(fmt.Sprint(i), single(s.Finger())); err != nil {
				b.Fatal(err)
			}
		}
		probe := single(s.Impression(s.Finger()))
		for _, threads := range []int{1, runtime.GOMAXPROCS(0)} {
			for _, shortlist := range []float64{0, 0.05} {
				name := fmt.Sprintf("gallery=%d/threads=%d", n, threads)
				if shortlist > 0 {
					name += fmt.Sprintf("/shortlist=%g", shortlist)
				}
				b.Run(name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						if _, err := g.Identify(context.Background(), probe, SearchOptions{K: 10, Threads: threads, Shortlist: shortlist}); err != nil {
							b.Fatal(err)
						}
					}
					perSec := float64(n) * float64(b.N) / b.Elapsed().Seconds()
					b.ReportMetric(perSec, "fingers/s")
					b.ReportMetric(perSec/float64(threads), "fingers/s/core")
					b.ReportMetric(float64(g.Bytes())/float64(g.Views()), "B/finger")
				})
			}
		}
	}
}

// BenchmarkCompareAt is the per-comparison cost inside a gallery scan.
func BenchmarkCompareAt(b *testing.B) {
	s := bench.NewSynth(3)
	var arena minutiae.Arena
	for range 1000 {
		p, err := minutiae.Prepare(s.Finger())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := arena.Append(p); err != nil {
			b.Fatal(err)
		}
	}
	v := arena.View()
	m, err := minutiae.NewMatcher(s.Finger())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := uint32(0)
	for b.Loop() {
		m.CompareAt(v, i)
		if i++; int(i) == v.Len() {
			i = 0
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cmp/s")
}
