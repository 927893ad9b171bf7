package minutiae

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/openbms/bms/internal/shareddata"
)

// BenchmarkCompare measures comparisons per second with a cached probe
// (run with GOMAXPROCS=1 for the per-core figure): the candidate is another
// impression of the probe's finger (the costlier case, as its pairs survive
// to the global step) or an unrelated finger.
func BenchmarkCompare(b *testing.B) {
	for _, n := range []int{40, 120} {
		rng := rand.New(rand.NewPCG(1, uint64(n)))
		probe := synthTemplate(uint64(1000+n), n)
		m, err := NewMatcher(probe)
		if err != nil {
			b.Fatal(err)
		}
		for _, kind := range []string{"mated", "nonmated"} {
			c := synthTemplate(uint64(2000+n), n)
			if kind == "mated" {
				c = perturb(probe, hardImpression, rng)
			}
			p, err := Prepare(c)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(fmt.Sprintf("minutiae=%d/%s", n, kind), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					m.Compare(p)
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cmp/s")
				b.ReportMetric(float64(p.Size()), "B/template")
			})
		}
	}
}

// BenchmarkCompareLatent measures latent comparisons (CompareLatent) with a
// cached probe: a 100-minutia latent, as extracted from SD27 marks, against
// a plain-size (40) and a rolled-size (200) candidate. The normalisation's
// overlap count adds one pass over both templates to Compare's work.
func BenchmarkCompareLatent(b *testing.B) {
	probe := synthTemplate(4100, 100)
	probe.Impression = LatentImpression
	m, err := NewMatcher(probe)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{40, 200} {
		p, err := Prepare(synthTemplate(uint64(4200+n), n))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("candidate=%d/latent", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m.CompareLatent(p, LatentProbe)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cmp/s")
		})
		// The same comparison scored by Compare, for the overhead.
		b.Run(fmt.Sprintf("candidate=%d/plain", n), func(b *testing.B) {
			for b.Loop() {
				m.Compare(p)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cmp/s")
		})
	}
}

// BenchmarkPrepare measures preparing a candidate (done once per gallery
// template) and a probe.
func BenchmarkPrepare(b *testing.B) {
	for _, n := range []int{40, 120} {
		t := synthTemplate(uint64(3000+n), n)
		b.Run(fmt.Sprintf("minutiae=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			var p Prepared
			for b.Loop() {
				if err := PrepareInto(&p, t); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(p.Size()), "B/template")
		})
	}
}

// BenchmarkCompareMinex compares real FingerJet FX templates (about 60
// minutiae each, from the shared test data) with one cached probe.
func BenchmarkCompareMinex(b *testing.B) {
	dir := shareddata.Require(b, "fingerprint", "minex-samples")
	files, _ := filepath.Glob(filepath.Join(dir, "*.ist"))
	var ps []*Prepared
	var probe *Template
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		r, _, err := Decode(data)
		if err != nil {
			b.Fatal(err)
		}
		if probe == nil {
			probe = &r.Views[0]
		}
		p, err := Prepare(&r.Views[0])
		if err != nil {
			b.Fatal(err)
		}
		ps = append(ps, p)
	}
	m, err := NewMatcher(probe)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.Compare(ps[i])
		i++
		if i == len(ps) {
			i = 0
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cmp/s")
}

// BenchmarkCompareFVC compares templates extracted from FVC2000 DB1_B and
// DB3_B (shared test data) with one cached probe per database: the
// "FVC-size templates" of the acceptance.
func BenchmarkCompareFVC(b *testing.B) {
	for _, db := range []string{"DB1_B", "DB3_B"} {
		files, _ := filepath.Glob(filepath.Join(shareddata.Require(b, "fingerprint", "fvc2000", db), "*.tif"))
		var ps []*Prepared
		var ms []*Matcher
		total := 0
		for _, f := range files {
			im, err := DecodeImageFile(f)
			if err != nil {
				b.Fatal(err)
			}
			tp, err := ExtractImage(im, ExtractOptions{PPI: 500})
			if err != nil {
				continue
			}
			p, err := Prepare(tp)
			if err != nil {
				b.Fatal(err)
			}
			m, err := NewMatcher(tp)
			if err != nil {
				b.Fatal(err)
			}
			ps, ms = append(ps, p), append(ms, m)
			total += len(tp.Minutiae)
		}
		b.Run(fmt.Sprintf("%s/avg_minutiae=%d", db, total/len(ps)), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				// Probe i/len against every candidate in turn.
				ms[i/len(ps)%len(ms)].Compare(ps[i%len(ps)])
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cmp/s")
		})
	}
}
