//go:build amd64 && !purego

package match

import "github.com/klauspost/cpuid/v2"

// The AVX-512 kernel takes any run (its remainder under a lane mask); the
// AVX2 one whole groups of 4, the Go kernel finishing the remainder.

//go:noescape
func scanCellsAVX512(r *rowArgs, cyl *uint64, stride int, masks *uint64, n int, base uint64, out *uint64)

//go:noescape
func scanCellsAVX2(r *rowArgs, cyl *uint64, stride int, masks *uint64, n int, base uint64, out *uint64)

func scanCellsAVX512Go(r *rowArgs, cyl []uint64, stride int, masks []uint64, base uint64, out []uint64) {
	n := len(masks)
	if n == 0 {
		return
	}
	_ = cyl[5*stride+n-1] // the kernel reads word 5 of the last candidate
	_ = out[n-1]
	scanCellsAVX512(r, &cyl[0], stride, &masks[0], n, base, &out[0])
}

func scanCellsAVX2Go(r *rowArgs, cyl []uint64, stride int, masks []uint64, base uint64, out []uint64) {
	n := len(masks) &^ 3
	if n > 0 {
		_ = cyl[5*stride+n-1]
		_ = out[n-1]
		scanCellsAVX2(r, &cyl[0], stride, &masks[0], n, base, &out[0])
	}
	if n < len(masks) {
		scanCellsGo(r, cyl[n:], stride, masks[n:], base+uint64(n), out[n:])
	}
}

// cellKernels lists the implementations this CPU can run, best first, for
// the dispatch and for the tests that demand identical results.
func cellKernels() []cellKernel {
	var ks []cellKernel
	if cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512VPOPCNTDQ) {
		ks = append(ks, cellKernel{"avx512", scanCellsAVX512Go})
	}
	if cpuid.CPU.Supports(cpuid.AVX2) {
		ks = append(ks, cellKernel{"avx2", scanCellsAVX2Go})
	}
	return append(ks, cellKernel{"go", scanCellsGo})
}
