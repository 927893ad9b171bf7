//go:build amd64 && !purego

package extract

import (
	"unsafe"

	"github.com/klauspost/cpuid/v2"
)

// conv4x4AVX is convolveGroupGo for taps ≥ 1 (convolve_amd64.s): the four
// runs' sums in four XMM registers, one tap of every run per iteration.
// It trusts convolveGroup's bounds checks.
//
//go:noescape
func conv4x4AVX(dst, src *float32, grp *convGroup, wt *float32, taps int)

func convolveGroupAVX(dst, src []float32, g *convGroup, wt []float32) {
	conv4x4AVX(&dst[0], &src[0], g, &wt[0], len(wt))
}

// conv4x4AVX512 is convolveGroupGo for taps ≥ 1 (convolve_amd64.s): the
// four runs in the four 128-bit lanes of one ZMM register.
//
//go:noescape
func conv4x4AVX512(dst, src *float32, grp *convGroup, wt *float32, taps int)

func convolveGroupAVX512(dst, src []float32, g *convGroup, wt []float32) {
	conv4x4AVX512(&dst[0], &src[0], g, &wt[0], len(wt))
}

// The kernels read convGroup at these offsets: at[r] at 8r, the data
// pointer of off[r] at 32 + 24r.
var (
	_ [unsafe.Offsetof(convGroup{}.at) - 0]struct{}
	_ [0 - unsafe.Offsetof(convGroup{}.at)]struct{}
	_ [unsafe.Offsetof(convGroup{}.off) - 32]struct{}
	_ [32 - unsafe.Offsetof(convGroup{}.off)]struct{}
	_ [unsafe.Sizeof([]int32{}) - 24]struct{}
	_ [24 - unsafe.Sizeof([]int32{})]struct{}
)

// convKernels lists the implementations this CPU can run, best first.
func convKernels() []convKernel {
	var ks []convKernel
	if cpuid.CPU.Supports(cpuid.AVX512F) {
		ks = append(ks, convKernel{"avx512", convolveGroupAVX512})
	}
	if cpuid.CPU.Supports(cpuid.AVX) {
		ks = append(ks, convKernel{"avx", convolveGroupAVX})
	}
	return append(ks, convKernel{"go", convolveGroupGo})
}
