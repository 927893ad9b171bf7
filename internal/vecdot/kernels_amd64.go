//go:build amd64 && !purego

package vecdot

import "github.com/klauspost/cpuid/v2"

//go:generate sh -c "cd ../../_asm/vecdot && go run . -out ../../internal/vecdot/kernels_amd64.s"

//go:noescape
func f32OneAVX512(out, probe, gal *float32, dim, nb int)

//go:noescape
func f32TileAVX512(out *float32, stride int, probesT, gal *float32, dim, nb int)

//go:noescape
func f16OneAVX512(out, probe *float32, gal *uint16, dim, nb int)

//go:noescape
func f16TileAVX512(out *float32, stride int, probesT *float32, gal *uint16, dim, nb int)

//go:noescape
func i8OneAVX512(out *int32, probe, gal *int8, dim, nb int, corr int32)

//go:noescape
func i8TileAVX512(out *int32, stride int, probesT, gal *int8, dim, nb int, corr *[8]int32)

//go:noescape
func f32OneAVX2(out, probe, gal *float32, dim, nb int)

//go:noescape
func f32TileAVX2(out *float32, stride int, probesT, gal *float32, dim, nb int)

//go:noescape
func f16OneAVX2(out, probe *float32, gal *uint16, dim, nb int)

//go:noescape
func f16TileAVX2(out *float32, stride int, probesT *float32, gal *uint16, dim, nb int)

//go:noescape
func i8OneAVX2(out *int32, probe, gal *int8, dim, nb int, corr int32)

//go:noescape
func i8TileAVX2(out *int32, stride int, probesT, gal *int8, dim, nb, tile int)

//go:noescape
func sumF32AVX512(x *float32, n int) float32

// The assembly tile kernels are written for these tile sizes.
const (
	tileAVX512 = 8
	tileAVX2   = 4
)

func simdKernels() []*Kernels {
	var ks []*Kernels
	c := cpuid.CPU
	if c.Supports(cpuid.AVX2, cpuid.FMA3, cpuid.F16C) {
		ks = append(ks, &Kernels{
			name: "avx2",
			tile: tileAVX2,
			f32One: func(out, probe, gal []float32, dim int) {
				f32OneAVX2(&out[0], &probe[0], &gal[0], dim, len(gal)/(dim*Lanes))
			},
			f32Tile: func(out []float32, stride int, probesT, gal []float32, dim int) {
				f32TileAVX2(&out[0], stride, &probesT[0], &gal[0], dim, len(gal)/(dim*Lanes))
			},
			f16One: func(out, probe []float32, gal []uint16, dim int) {
				f16OneAVX2(&out[0], &probe[0], &gal[0], dim, len(gal)/(dim*Lanes))
			},
			f16Tile: func(out []float32, stride int, probesT []float32, gal []uint16, dim int) {
				f16TileAVX2(&out[0], stride, &probesT[0], &gal[0], dim, len(gal)/(dim*Lanes))
			},
			i8One:  i8OneWithAVX2,
			i8Tile: i8TileWithAVX2(tileAVX2),
		})
	}
	if c.Supports(cpuid.AVX512F, cpuid.AVX512BW, cpuid.AVX512VL) {
		k := &Kernels{
			name: "avx512",
			tile: tileAVX512,
			f32One: func(out, probe, gal []float32, dim int) {
				f32OneAVX512(&out[0], &probe[0], &gal[0], dim, len(gal)/(dim*Lanes))
			},
			f32Tile: func(out []float32, stride int, probesT, gal []float32, dim int) {
				f32TileAVX512(&out[0], stride, &probesT[0], &gal[0], dim, len(gal)/(dim*Lanes))
			},
			f16One: func(out, probe []float32, gal []uint16, dim int) {
				f16OneAVX512(&out[0], &probe[0], &gal[0], dim, len(gal)/(dim*Lanes))
			},
			f16Tile: func(out []float32, stride int, probesT []float32, gal []uint16, dim int) {
				f16TileAVX512(&out[0], stride, &probesT[0], &gal[0], dim, len(gal)/(dim*Lanes))
			},
		}
		if c.Supports(cpuid.AVX2) {
			// No VNNI: the exact AVX2 kernels, on this implementation's tiles.
			k.i8One = i8OneWithAVX2
			k.i8Tile = i8TileWithAVX2(tileAVX512)
		} else {
			k.i8One, k.i8Tile = i8OneGo, i8TileGo
		}
		if c.Supports(cpuid.AVX512VNNI) {
			k.name = "avx512+vnni"
			k.i8One = func(out []int32, probe, gal []int8, dim int, corr int32) {
				i8OneAVX512(&out[0], &probe[0], &gal[0], dim, len(gal)/(dim*Lanes), corr)
			}
			k.i8Tile = func(out []int32, stride int, probesT, gal []int8, dim int, corr *[MaxTile]int32) {
				i8TileAVX512(&out[0], stride, &probesT[0], &gal[0], dim, len(gal)/(dim*Lanes), corr)
			}
		}
		ks = append(ks, k)
	}
	return ks
}

// The AVX2 int8 kernels multiply signed by signed: no bias to correct.
func i8OneWithAVX2(out []int32, probe, gal []int8, dim int, _ int32) {
	i8OneAVX2(&out[0], &probe[0], &gal[0], dim, len(gal)/(dim*Lanes), 0)
}

func i8TileWithAVX2(tile int) func([]int32, int, []int8, []int8, int, *[MaxTile]int32) {
	return func(out []int32, stride int, probesT, gal []int8, dim int, _ *[MaxTile]int32) {
		i8TileAVX2(&out[0], stride, &probesT[0], &gal[0], dim, len(gal)/(dim*Lanes), tile)
	}
}

func sumF32(x []float32) float32 {
	if !cpuid.CPU.Supports(cpuid.AVX512F) {
		return sumF32Go(x)
	}
	n := len(x) &^ 127
	var s float32
	if n > 0 {
		s = sumF32AVX512(&x[0], n)
	}
	return s + sumF32Go(x[n:])
}
