package facial

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
)

// The search benchmarks scan a 1M × 512 gallery (2 GB as float32), built
// once per storage type and process:
//
//	go test -run '^$' -bench Search -benchtime 10x -count 3 ./facial/
//
// pairs/s is probe–vector scores per second; vectors/s is gallery vectors
// scanned per second (equal for one probe); GB/s is gallery bytes read.
const (
	benchGallerySize = 1_000_000
	benchDim         = 512
)

var benchGalleries = map[Storage]*Gallery{}

func benchGallery(b *testing.B, s Storage) *Gallery {
	if g, ok := benchGalleries[s]; ok {
		return g
	}
	g, err := NewGallery(GalleryOptions{Model: testModel, Dim: benchDim, Storage: s, Gate: &QualityGate{}, Capacity: benchGallerySize})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	v := make([]float32, benchDim)
	for i := range benchGallerySize {
		for d := range v {
			v[d] = rng.Float32()*2 - 1
		}
		t, err := NewTemplate(testModel, v, NoQuality)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := g.Enrol(strconv.Itoa(i), t); err != nil {
			b.Fatal(err)
		}
	}
	benchGalleries[s] = g
	return g
}

func BenchmarkSearch(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	probes := make([]*Template, MaxBatch)
	for i := range probes {
		probes[i] = mustTemplate(b, randomEmbedding(rng, benchDim))
	}
	for _, s := range Storages {
		for _, c := range []struct{ batch, threads int }{{1, 1}, {64, 1}, {1, 2}, {64, 2}} {
			b.Run(fmt.Sprintf("%v/batch=%d/threads=%d", s, c.batch, c.threads), func(b *testing.B) {
				g := benchGallery(b, s)
				opts := SearchOptions{K: 10, Threads: c.threads}
				batch := probes[:c.batch]
				if _, err := g.SearchBatch(context.Background(), batch, opts); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for b.Loop() {
					if _, err := g.SearchBatch(context.Background(), batch, opts); err != nil {
						b.Fatal(err)
					}
				}
				sec := b.Elapsed().Seconds()
				scans := float64(b.N) * benchGallerySize
				b.ReportMetric(scans/sec, "vectors/s")
				b.ReportMetric(scans*float64(c.batch)/sec, "pairs/s")
				b.ReportMetric(scans*float64(s.BytesPerVector(benchDim))/sec/1e9, "GB/s")
				b.ReportMetric(float64(s.BytesPerVector(benchDim)), "bytes/vector")
			})
		}
	}
}

func BenchmarkCompare(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	x := mustTemplate(b, randomEmbedding(rng, benchDim))
	y := mustTemplate(b, randomEmbedding(rng, benchDim))
	for b.Loop() {
		if _, err := Compare(x, y); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
}
