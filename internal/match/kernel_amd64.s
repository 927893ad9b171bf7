//go:build amd64 && !purego

#include "textflag.h"

// Pair-key kernels of scanCells (see kernel.go for the contract).
// rowArgs: words [6][4]uint64 at 0, mask [4]uint64 at 192, minCells at 224.
// Candidate word k of candidate j is at cyl + 8*(k*stride + j).
// The AVX2 kernel takes a positive multiple of 4 candidates.
//
// The key of a lane, from its and/or counts (below 2^10, in the low
// dword of a qword): the dwords are converted to float32 in place, so the
// similarity's float32 division, multiplication and truncation are those
// of pairKey, in the low dword; VPSLLQ $32 then moves it above the index
// bits and drops the high dwords. Those high dwords compute 0/1: the
// VPMAXUD that keeps or ≥ 1 also turns or's zero high dword into 1, so no
// lane divides 0 by 0.

// 1 in every dword: the least or.
DATA oneDwords<>+0(SB)/8, $0x0000000100000001
DATA oneDwords<>+8(SB)/8, $0x0000000100000001
DATA oneDwords<>+16(SB)/8, $0x0000000100000001
DATA oneDwords<>+24(SB)/8, $0x0000000100000001
GLOBL oneDwords<>(SB), RODATA|NOPTR, $32

// 65535 as float32 (0x477fff00).
DATA simScale<>+0(SB)/8, $0x477fff00477fff00
DATA simScale<>+8(SB)/8, $0x477fff00477fff00
DATA simScale<>+16(SB)/8, $0x477fff00477fff00
DATA simScale<>+24(SB)/8, $0x477fff00477fff00
GLOBL simScale<>(SB), RODATA|NOPTR, $32

// Lane numbers, added to the run's base index.
DATA laneIndex<>+0(SB)/8, $0
DATA laneIndex<>+8(SB)/8, $1
DATA laneIndex<>+16(SB)/8, $2
DATA laneIndex<>+24(SB)/8, $3
DATA laneIndex<>+32(SB)/8, $4
DATA laneIndex<>+40(SB)/8, $5
DATA laneIndex<>+48(SB)/8, $6
DATA laneIndex<>+56(SB)/8, $7
GLOBL laneIndex<>(SB), RODATA|NOPTR, $64

// The index step of a group: 4 lanes (AVX2), and 8 (AVX-512, broadcast).
DATA groupStep<>+0(SB)/8, $4
DATA groupStep<>+8(SB)/8, $4
DATA groupStep<>+16(SB)/8, $4
DATA groupStep<>+24(SB)/8, $4
DATA groupStep<>+32(SB)/8, $8
GLOBL groupStep<>(SB), RODATA|NOPTR, $40

// func scanCellsAVX512(r *rowArgs, cyl *uint64, stride int, masks *uint64, n int, base uint64, out *uint64)
// Any n ≥ 1: groups of 8, then the remainder under a lane mask (masked-off
// lanes are neither loaded nor stored).
TEXT ·scanCellsAVX512(SB), NOSPLIT, $0-56
	MOVQ r+0(FP), AX
	MOVQ cyl+8(FP), SI
	MOVQ stride+16(FP), DX
	MOVQ masks+24(FP), BX
	MOVQ n+32(FP), CX
	MOVQ out+48(FP), DI
	VPBROADCASTQ base+40(FP), Z14
	VPADDQ       laneIndex<>(SB), Z14, Z14 // Z14: the group's index bits
	VPBROADCASTQ groupStep<>+32(SB), Z15
	VBROADCASTSS simScale<>(SB), Z16
	VPBROADCASTD oneDwords<>(SB), Z17
	VPBROADCASTQ 0(AX), Z0
	VPBROADCASTQ 32(AX), Z1
	VPBROADCASTQ 64(AX), Z2
	VPBROADCASTQ 96(AX), Z3
	VPBROADCASTQ 128(AX), Z4
	VPBROADCASTQ 160(AX), Z5
	VPBROADCASTQ 192(AX), Z6
	VPBROADCASTQ 224(AX), Z7
	SHLQ $3, DX
	LEAQ (SI)(DX*1), R8
	LEAQ (R8)(DX*1), R9
	LEAQ (R9)(DX*1), R10
	LEAQ (R10)(DX*1), R11
	LEAQ (R11)(DX*1), R12
	MOVQ CX, AX
	ANDQ $7, AX               // remainder
	SHRQ $3, CX
	SHLQ $6, CX               // bytes of whole groups
	XORQ R13, R13
	TESTQ CX, CX
	JZ   avx512tail

#define AVX512WORD(row, w) \
	VMOVDQU64 (row)(R13*1), Z10 \
	VPANDQ    w, Z10, Z11 \
	VPOPCNTQ  Z11, Z11 \
	VPADDQ    Z11, Z12, Z12 \
	VPORQ     w, Z10, Z11 \
	VPANDQ    Z8, Z11, Z11 \
	VPOPCNTQ  Z11, Z11 \
	VPADDQ    Z11, Z13, Z13

// AVX512KEYS turns the counts (and in Z12, or in Z13) into the keys in
// Z12, 0 in the lanes K1 does not set (too few common valid cells).
#define AVX512KEYS \
	VPMAXUD    Z17, Z13, Z13 \
	VCVTDQ2PS  Z12, Z12 \
	VCVTDQ2PS  Z13, Z13 \
	VDIVPS     Z13, Z12, Z12 \
	VMULPS     Z16, Z12, Z12 \
	VCVTTPS2DQ Z12, Z12 \
	VPSLLQ     $32, Z12, Z12 \
	VPORQ.Z    Z14, Z12, K1, Z12

#define AVX512WORDZ(row, w) \
	VMOVDQU64.Z (row)(R13*1), K2, Z10 \
	VPANDQ    w, Z10, Z11 \
	VPOPCNTQ  Z11, Z11 \
	VPADDQ    Z11, Z12, Z12 \
	VPORQ     w, Z10, Z11 \
	VPANDQ    Z8, Z11, Z11 \
	VPOPCNTQ  Z11, Z11 \
	VPADDQ    Z11, Z13, Z13

avx512loop:
	VMOVDQU64 (BX)(R13*1), Z8
	VPANDQ    Z6, Z8, Z8      // mm = ma & mb
	VPOPCNTQ  Z8, Z9
	VPCMPUQ   $5, Z7, Z9, K1  // K1: popcount(mm) >= minCells
	VPXORQ    Z12, Z12, Z12   // and
	VPXORQ    Z13, Z13, Z13   // or
	AVX512WORD(SI, Z0)
	AVX512WORD(R8, Z1)
	AVX512WORD(R9, Z2)
	AVX512WORD(R10, Z3)
	AVX512WORD(R11, Z4)
	AVX512WORD(R12, Z5)
	AVX512KEYS
	VMOVDQU64   Z12, (DI)(R13*1)
	VPADDQ      Z15, Z14, Z14
	ADDQ        $64, R13
	CMPQ        R13, CX
	JB          avx512loop

avx512tail:
	TESTQ AX, AX
	JZ    avx512done
	MOVQ  AX, CX
	MOVL  $1, DX
	SHLL  CX, DX
	DECL  DX
	KMOVW DX, K2              // the remainder's lanes
	VMOVDQU64.Z (BX)(R13*1), K2, Z8
	VPANDQ    Z6, Z8, Z8
	VPOPCNTQ  Z8, Z9
	VPCMPUQ   $5, Z7, Z9, K1
	VPXORQ    Z12, Z12, Z12
	VPXORQ    Z13, Z13, Z13
	AVX512WORDZ(SI, Z0)
	AVX512WORDZ(R8, Z1)
	AVX512WORDZ(R9, Z2)
	AVX512WORDZ(R10, Z3)
	AVX512WORDZ(R11, Z4)
	AVX512WORDZ(R12, Z5)
	AVX512KEYS
	VMOVDQU64   Z12, K2, (DI)(R13*1)

avx512done:
	VZEROUPPER
	RET

// Popcount lookup of a nibble, for both 128-bit lanes of VPSHUFB.
DATA nibblePopcount<>+0(SB)/8, $0x0302020102010100
DATA nibblePopcount<>+8(SB)/8, $0x0403030203020201
DATA nibblePopcount<>+16(SB)/8, $0x0302020102010100
DATA nibblePopcount<>+24(SB)/8, $0x0403030203020201
GLOBL nibblePopcount<>(SB), RODATA|NOPTR, $32

DATA lowNibbles<>+0(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA lowNibbles<>+8(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA lowNibbles<>+16(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA lowNibbles<>+24(SB)/8, $0x0f0f0f0f0f0f0f0f
GLOBL lowNibbles<>(SB), RODATA|NOPTR, $32

// POPCNTBYTES sets d to the popcount of each byte of x (t: scratch).
#define POPCNTBYTES(x, t, d) \
	VPAND   Y14, x, t \
	VPSRLQ  $4, x, d \
	VPAND   Y14, d, d \
	VPSHUFB t, Y15, t \
	VPSHUFB d, Y15, d \
	VPADDB  t, d, d

// AVX2WORD adds word w's per-byte and/or counts to Y0/Y1.
#define AVX2WORD(row, off) \
	VMOVDQU (row)(R13*1), Y10 \
	VPAND   off(AX), Y10, Y11 \
	POPCNTBYTES(Y11, Y12, Y2) \
	VPADDB  Y2, Y0, Y0 \
	VPOR    off(AX), Y10, Y11 \
	VPAND   Y8, Y11, Y11 \
	POPCNTBYTES(Y11, Y12, Y2) \
	VPADDB  Y2, Y1, Y1

// func scanCellsAVX2(r *rowArgs, cyl *uint64, stride int, masks *uint64, n int, base uint64, out *uint64)
TEXT ·scanCellsAVX2(SB), NOSPLIT, $0-56
	MOVQ    r+0(FP), AX
	MOVQ    cyl+8(FP), SI
	MOVQ    stride+16(FP), DX
	MOVQ    masks+24(FP), BX
	MOVQ    n+32(FP), CX
	MOVQ    out+48(FP), DI
	VPBROADCASTQ base+40(FP), Y3
	VPADDQ       laneIndex<>(SB), Y3, Y3 // Y3: the group's index bits
	VMOVDQU      oneDwords<>(SB), Y4
	VMOVDQU      simScale<>(SB), Y5
	VMOVDQU 192(AX), Y6
	VMOVDQU 224(AX), Y7
	VMOVDQU nibblePopcount<>(SB), Y15
	VMOVDQU lowNibbles<>(SB), Y14
	VPXOR   Y13, Y13, Y13
	SHLQ    $3, DX
	LEAQ    (SI)(DX*1), R8
	LEAQ    (R8)(DX*1), R9
	LEAQ    (R9)(DX*1), R10
	LEAQ    (R10)(DX*1), R11
	LEAQ    (R11)(DX*1), R12
	XORQ    R13, R13
	SHLQ    $3, CX

avx2loop:
	VMOVDQU (BX)(R13*1), Y8
	VPAND   Y6, Y8, Y8        // mm = ma & mb
	POPCNTBYTES(Y8, Y10, Y9)
	VPSADBW Y13, Y9, Y9       // popcount(mm) per lane
	VPCMPGTQ Y9, Y7, Y9       // Y9: minCells > popcount(mm), lanes to zero

	VPXOR   Y0, Y0, Y0
	VPXOR   Y1, Y1, Y1
	AVX2WORD(SI, 0)
	AVX2WORD(R8, 32)
	AVX2WORD(R9, 64)
	AVX2WORD(R10, 96)
	AVX2WORD(R11, 128)
	AVX2WORD(R12, 160)

	VPSADBW    Y13, Y0, Y0    // and
	VPSADBW    Y13, Y1, Y1    // or
	VPMAXUD    Y4, Y1, Y1
	VCVTDQ2PS  Y0, Y0
	VCVTDQ2PS  Y1, Y1
	VDIVPS     Y1, Y0, Y0
	VMULPS     Y5, Y0, Y0
	VCVTTPS2DQ Y0, Y0
	VPSLLQ     $32, Y0, Y0
	VPOR       Y3, Y0, Y0
	VPANDN     Y0, Y9, Y0     // lanes without enough common cells: 0
	VMOVDQU    Y0, (DI)(R13*1)
	VPADDQ     groupStep<>(SB), Y3, Y3
	ADDQ       $32, R13
	CMPQ    R13, CX
	JB      avx2loop
	VZEROUPPER
	RET
