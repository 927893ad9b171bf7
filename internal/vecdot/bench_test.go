package vecdot

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// Kernel benchmarks stream a gallery far larger than the caches (1M × 512
// for the one-probe kernels) in chunks of chunkBlocks, as a search does.
// Run with: go test -run '^$' -bench . -benchtime 20x ./internal/vecdot/
const (
	benchVectors = 1 << 20
	benchDim     = 512
	chunkBlocks  = 64
)

func BenchmarkReadBandwidth(b *testing.B) {
	buf := make([]float32, 256<<20) // 1 GiB
	for i := range buf {
		buf[i] = 1
	}
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
			var bw float64
			for b.Loop() {
				bw = ReadBandwidth(buf, threads, 1)
			}
			b.ReportMetric(bw/1e9, "GB/s")
		})
	}
}

func BenchmarkOneProbe(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	probe := randF32(rng, benchDim)
	p8 := NewI8Probe(randI8(rng, benchDim))
	nb := benchVectors / Lanes
	out := make([]float32, chunkBlocks*Lanes)
	out8 := make([]int32, chunkBlocks*Lanes)
	step := chunkBlocks * benchDim * Lanes
	for _, k := range []*Kernels{Active} {
		b.Run(k.Name()+"/float32", func(b *testing.B) {
			gal := make([]float32, nb*benchDim*Lanes)
			fill32(gal)
			for b.Loop() {
				for lo := 0; lo < len(gal); lo += step {
					k.F32(out, probe, gal[lo:lo+step])
				}
			}
			report(b, benchVectors, 4*benchDim)
		})
		b.Run(k.Name()+"/float16", func(b *testing.B) {
			gal := make([]uint16, nb*benchDim*Lanes)
			for i := range gal {
				gal[i] = uint16(0x2c00 + i%512)
			}
			for b.Loop() {
				for lo := 0; lo < len(gal); lo += step {
					k.F16(out, probe, gal[lo:lo+step])
				}
			}
			report(b, benchVectors, 2*benchDim)
		})
		b.Run(k.Name()+"/int8", func(b *testing.B) {
			gal := make([]int8, nb*benchDim*Lanes)
			for i := range gal {
				gal[i] = int8(i)
			}
			for b.Loop() {
				for lo := 0; lo < len(gal); lo += step {
					k.I8(out8, p8, gal[lo:lo+step])
				}
			}
			report(b, benchVectors, benchDim)
		})
	}
}

// BenchmarkTile scores one tile of probes against a cache-resident chunk:
// the compute-bound inner loop of batched search.
func BenchmarkTile(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	nb := benchTileBlocks
	for _, k := range All()[1:] {
		t := k.Tile()
		probes := randF32(rng, t*benchDim)
		packed := make([]float32, t*benchDim)
		k.PackF32(packed, probes, benchDim)
		probes8 := randI8(rng, t*benchDim)
		packed8 := k.PackI8(make([]int8, t*benchDim), probes8, benchDim)
		out := make([]float32, t*nb*Lanes)
		out8 := make([]int32, t*nb*Lanes)
		gal := randF32(rng, nb*benchDim*Lanes)
		gal16 := randF16(rng, nb*benchDim*Lanes)
		gal8 := randI8(rng, nb*benchDim*Lanes)
		b.Run(k.Name()+"/float32", func(b *testing.B) {
			for b.Loop() {
				k.F32Tile(out, nb*Lanes, packed, gal, benchDim)
			}
			reportPairs(b, t*nb*Lanes)
		})
		b.Run(k.Name()+"/float16", func(b *testing.B) {
			for b.Loop() {
				k.F16Tile(out, nb*Lanes, packed, gal16, benchDim)
			}
			reportPairs(b, t*nb*Lanes)
		})
		b.Run(k.Name()+"/int8", func(b *testing.B) {
			for b.Loop() {
				k.I8Tile(out8, nb*Lanes, packed8, gal8, benchDim)
			}
			reportPairs(b, t*nb*Lanes)
		})
	}
}

func fill32(v []float32) {
	for i := range v {
		v[i] = float32(i%1024) / 1024
	}
}

func report(b *testing.B, vectors, bytesPerVector int) {
	perSec := float64(vectors) * float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(perSec, "vectors/s")
	b.ReportMetric(perSec*float64(bytesPerVector)/1e9, "GB/s")
	b.ReportMetric(float64(bytesPerVector), "bytes/vector")
}

func reportPairs(b *testing.B, pairs int) {
	b.ReportMetric(float64(pairs)*float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
}

var benchTileBlocks = 12
