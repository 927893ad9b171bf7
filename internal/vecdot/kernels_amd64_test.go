//go:build amd64 && !purego

package vecdot

import "github.com/klauspost/cpuid/v2"

// An AVX-512 CPU without VNNI runs the AVX2 int8 kernels on tiles of
// eight; this machine may have VNNI, so the combination is built here.
func init() {
	if cpuid.CPU.Supports(cpuid.AVX2) {
		k := *goKernels
		k.name, k.tile = "avx2-int8-tile8", tileAVX512
		k.i8One, k.i8Tile = i8OneWithAVX2, i8TileWithAVX2(tileAVX512)
		testExtra = append(testExtra, &k)
	}
}
