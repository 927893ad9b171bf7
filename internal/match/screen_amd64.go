//go:build amd64 && !purego

package match

import "github.com/klauspost/cpuid/v2"

// The vector kernels (screen_amd64.s) keep each slot's and, den and
// direction in 16-bit fields, so they take signatures and rows whose every
// meta word is below 2^30: counts below 2^14, where a cylinder's count is
// at most 64·Words = 384. They report false, having written nothing, when
// an input is outside that range, and the wrappers then run screenBestGo,
// so that the contract holds for any input. n, the number of rows, is at
// least 1.

//go:noescape
func screenBestAVX512(sig *uint64, rows *uint64, n int, out *[ScreenSlots]uint64) bool

//go:noescape
func screenBestAVX2(sig *uint64, rows *uint64, n int, out *[ScreenSlots]uint64) bool

func screenBestAVX512Go(sig []uint64, rows []uint64, out *[ScreenSlots]uint64) {
	sig = sig[:ScreenWords]
	n := len(rows) / screenRowWords
	if n == 0 {
		screenNoRows(out)
		return
	}
	if !screenBestAVX512(&sig[0], &rows[0], n, out) {
		screenBestGo(sig, rows, out)
	}
}

func screenBestAVX2Go(sig []uint64, rows []uint64, out *[ScreenSlots]uint64) {
	sig = sig[:ScreenWords]
	n := len(rows) / screenRowWords
	if n == 0 {
		screenNoRows(out)
		return
	}
	if !screenBestAVX2(&sig[0], &rows[0], n, out) {
		screenBestGo(sig, rows, out)
	}
}

// screenNoRows is the result without rows: every slot keeps 0/1.
func screenNoRows(out *[ScreenSlots]uint64) {
	for s := range out {
		out[s] = 0<<32 | 1
	}
}

// screenKernels lists the screening kernels this CPU can run, best first.
func screenKernels() []screenKernel {
	var ks []screenKernel
	if cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512BW, cpuid.AVX512VPOPCNTDQ) {
		ks = append(ks, screenKernel{"avx512", screenBestAVX512Go})
	}
	if cpuid.CPU.Supports(cpuid.AVX2) {
		ks = append(ks, screenKernel{"avx2", screenBestAVX2Go})
	}
	return append(ks, screenKernel{"go", screenBestGo})
}

// screenVectorKernel is a vector kernel by itself, without the Go
// fallback: false when the input is out of its range (meta words below
// 2^30).
type screenVectorKernel struct {
	name string
	fn   func(sig *uint64, rows *uint64, n int, out *[ScreenSlots]uint64) bool
}

// screenVectorKernels lists the vector kernels this CPU runs, for the
// tests that check which inputs they take.
func screenVectorKernels() []screenVectorKernel {
	var ks []screenVectorKernel
	for _, k := range screenKernels() {
		switch k.name {
		case "avx512":
			ks = append(ks, screenVectorKernel{k.name, screenBestAVX512})
		case "avx2":
			ks = append(ks, screenVectorKernel{k.name, screenBestAVX2})
		}
	}
	return ks
}
