// Package vecdot holds the dot-product kernels of face-template search: one
// probe or a tile of probes against blocks of gallery vectors stored as
// float32, float16 or int8.
//
// # Block layout
//
// A gallery is a sequence of blocks of Lanes (16) vectors. Inside a block the
// vectors are interleaved by dimension, so one 64-byte row holds the same
// coordinate of all sixteen vectors:
//
//	float32, float16: element (lane l, dim d) at d*Lanes + l
//	int8:             element (lane l, dim d) at (d/4)*64 + l*4 + d%4
//
// (int8 rows group four dimensions because VPDPBUSD adds four byte products
// into each 32-bit lane.) A SIMD register then holds one partial dot product
// per gallery vector and no horizontal reduction is ever needed: the kernels
// broadcast one probe coordinate and multiply-add it into sixteen scores at a
// time, which is what lets them stream the gallery at memory speed and, for
// tiles of probes, keep a 8×48 block of scores in registers.
//
// # Identical results everywhere
//
// Every implementation computes, for each (probe, vector) pair, the same
// sequence of operations: acc = fma(p[d], g[d], acc) for d = 0, 1, …, dim−1,
// one fused multiply-add rounded to float32 per dimension, starting from +0.
// The pure-Go kernels emulate the fused float32 operation exactly (FMA32), so
// float32 and float16 scores are bit-identical across the Go, AVX2 and
// AVX-512 kernels; int8 kernels accumulate exactly in int32. Tests run every
// implementation the CPU supports on the same inputs and compare bits.
//
// # Dispatch
//
// Active is chosen once at start-up from the CPU's features
// (github.com/klauspost/cpuid/v2): AVX-512 (F, BW, VL; VNNI for int8), else
// AVX2 with FMA and F16C, else pure Go. The purego build tag compiles only
// the Go kernels.
package vecdot
