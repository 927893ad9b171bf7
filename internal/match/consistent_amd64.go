//go:build amd64 && !purego

package match

import (
	"unsafe"

	"github.com/klauspost/cpuid/v2"
)

// consistentAVX512 is consistentPairs for n ≥ 1 (consistent_amd64.s):
// groups of 16 pairs, then the remainder under a lane mask, which neither
// reads nor writes past n. base2 and slope2 are posLimBase and posLimSlope.
//
//go:noescape
func consistentAVX512(ax, ay, bx, by *float32, dd *uint16, n int, al *alignment, base2, slope2 float32, out *uint16) int

func consistentPairsAVX512Go(g *pairGeometry, n int, al alignment, out []uint16) int {
	if n <= 0 {
		return 0
	}
	_, _, _, _, _ = g.ax[n-1], g.ay[n-1], g.bx[n-1], g.by[n-1], g.dd[n-1]
	_ = out[n-1]
	return consistentAVX512(&g.ax[0], &g.ay[0], &g.bx[0], &g.by[0], &g.dd[0], n, &al, posLimBase, posLimSlope, &out[0])
}

// consistentAVX2 is consistentPairs for n ≥ 1 (consistent_amd64.s): groups
// of 8 pairs, the passing indices written one at a time from the lane
// mask, then the remainder from the window of the last 8 pairs (for n < 8,
// from a copy on the stack); it neither reads nor writes past n. base2 and
// slope2 are posLimBase and posLimSlope.
//
//go:noescape
func consistentAVX2(ax, ay, bx, by *float32, dd *uint16, n int, al *alignment, base2, slope2 float32, out *uint16) int

func consistentPairsAVX2Go(g *pairGeometry, n int, al alignment, out []uint16) int {
	if n <= 0 {
		return 0
	}
	_, _, _, _, _ = g.ax[n-1], g.ay[n-1], g.bx[n-1], g.by[n-1], g.dd[n-1]
	_ = out[n-1]
	return consistentAVX2(&g.ax[0], &g.ay[0], &g.bx[0], &g.by[0], &g.dd[0], n, &al, posLimBase, posLimSlope, &out[0])
}

// The kernels have tolDir as a constant, and read alignment's fields at
// these offsets.
var (
	_ [tolDir - 3640]struct{}
	_ [3640 - tolDir]struct{}
	_ [unsafe.Offsetof(alignment{}.ax) - 0]struct{}
	_ [0 - unsafe.Offsetof(alignment{}.ax)]struct{}
	_ [unsafe.Offsetof(alignment{}.ay) - 4]struct{}
	_ [4 - unsafe.Offsetof(alignment{}.ay)]struct{}
	_ [unsafe.Offsetof(alignment{}.bx) - 8]struct{}
	_ [8 - unsafe.Offsetof(alignment{}.bx)]struct{}
	_ [unsafe.Offsetof(alignment{}.by) - 12]struct{}
	_ [12 - unsafe.Offsetof(alignment{}.by)]struct{}
	_ [unsafe.Offsetof(alignment{}.cos) - 16]struct{}
	_ [16 - unsafe.Offsetof(alignment{}.cos)]struct{}
	_ [unsafe.Offsetof(alignment{}.sin) - 20]struct{}
	_ [20 - unsafe.Offsetof(alignment{}.sin)]struct{}
	_ [unsafe.Offsetof(alignment{}.rot) - 24]struct{}
	_ [24 - unsafe.Offsetof(alignment{}.rot)]struct{}
)

// consistentKernels lists the implementations this CPU can run, best
// first.
func consistentKernels() []consistentKernel {
	var ks []consistentKernel
	if cpuid.CPU.Supports(cpuid.AVX512F, cpuid.POPCNT) {
		ks = append(ks, consistentKernel{"avx512", consistentPairsAVX512Go})
	}
	if cpuid.CPU.Supports(cpuid.AVX2, cpuid.BMI1) {
		ks = append(ks, consistentKernel{"avx2", consistentPairsAVX2Go})
	}
	return append(ks, consistentKernel{"go", consistentPairsGo})
}
