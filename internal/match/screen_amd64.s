//go:build amd64 && !purego

#include "textflag.h"

// Screening kernels (see screenBest in screen.go for the contract, and
// screen_amd64.go for the range of inputs they take).
//
// Both keep, for each slot, and, den and the direction difference in
// 16-bit fields of a dword lane. For a row of meta word m = count<<16|dir,
// rol16(m) = dir<<16|count; each slot keeps
//
//	P = ((slotDir − W) mod 2^16)<<16 − slotCount  (mod 2^32)
//
// with W = ScreenWindow = 2^13, so that one subtraction D = rol16(m) − P
// gives t<<16 + den, with t = (dir − slotDir + W) mod 2^16 and
// den = slotCount + count < 2^15 (no carry across the fields). The window
// is symmetric, so the row is direction-compatible exactly when t ≤ 2W,
// that is when D < (2W+1)<<16 = 0x40010000 unsigned. The comparison
// and·bestDen > bestAnd·den takes two VPMADDWD: and, bestAnd (≤ 384) and
// den, bestDen (< 2^15) are nonnegative signed words whose high word is 0
// in one of the factors, and the products are below 2^24. bestDen is kept
// as the whole D (the high word is never multiplied) and masked at the
// end.

// Dword indices for VPERMT2D/VPERMI2D: the low dwords of 16 qwords, the
// high dwords, and the interleaving of two 16-dword vectors into 8 qwords
// (den in the low dword, and in the high one) for slots 0-7 and 8-15.
DATA screenIdx<>+0(SB)/8, $0x0000000200000000
DATA screenIdx<>+8(SB)/8, $0x0000000600000004
DATA screenIdx<>+16(SB)/8, $0x0000000a00000008
DATA screenIdx<>+24(SB)/8, $0x0000000e0000000c
DATA screenIdx<>+32(SB)/8, $0x0000001200000010
DATA screenIdx<>+40(SB)/8, $0x0000001600000014
DATA screenIdx<>+48(SB)/8, $0x0000001a00000018
DATA screenIdx<>+56(SB)/8, $0x0000001e0000001c
DATA screenIdx<>+64(SB)/8, $0x0000000300000001
DATA screenIdx<>+72(SB)/8, $0x0000000700000005
DATA screenIdx<>+80(SB)/8, $0x0000000b00000009
DATA screenIdx<>+88(SB)/8, $0x0000000f0000000d
DATA screenIdx<>+96(SB)/8, $0x0000001300000011
DATA screenIdx<>+104(SB)/8, $0x0000001700000015
DATA screenIdx<>+112(SB)/8, $0x0000001b00000019
DATA screenIdx<>+120(SB)/8, $0x0000001f0000001d
DATA screenIdx<>+128(SB)/8, $0x0000001000000000
DATA screenIdx<>+136(SB)/8, $0x0000001100000001
DATA screenIdx<>+144(SB)/8, $0x0000001200000002
DATA screenIdx<>+152(SB)/8, $0x0000001300000003
DATA screenIdx<>+160(SB)/8, $0x0000001400000004
DATA screenIdx<>+168(SB)/8, $0x0000001500000005
DATA screenIdx<>+176(SB)/8, $0x0000001600000006
DATA screenIdx<>+184(SB)/8, $0x0000001700000007
DATA screenIdx<>+192(SB)/8, $0x0000001800000008
DATA screenIdx<>+200(SB)/8, $0x0000001900000009
DATA screenIdx<>+208(SB)/8, $0x0000001a0000000a
DATA screenIdx<>+216(SB)/8, $0x0000001b0000000b
DATA screenIdx<>+224(SB)/8, $0x0000001c0000000c
DATA screenIdx<>+232(SB)/8, $0x0000001d0000000d
DATA screenIdx<>+240(SB)/8, $0x0000001e0000000e
DATA screenIdx<>+248(SB)/8, $0x0000001f0000000f
GLOBL screenIdx<>(SB), RODATA|NOPTR, $256

// Dwords: 2^14, the AVX-512 compatibility bound 0x80010000, 1, the low
// word mask (also the AVX2 bound, see there), the sign bit; then the qword
// mask of the meta bits that must be 0 (every meta word below 2^30).
DATA screenConst<>+0(SB)/4, $0x2000
DATA screenConst<>+4(SB)/4, $0x40010000
DATA screenConst<>+8(SB)/4, $1
DATA screenConst<>+12(SB)/4, $0xffff
DATA screenConst<>+16(SB)/4, $0x80000000
DATA screenConst<>+20(SB)/4, $0
DATA screenConst<>+24(SB)/8, $0xffffffffc0000000
GLOBL screenConst<>(SB), RODATA|NOPTR, $32

// func screenBestAVX512(sig *uint64, rows *uint64, n int, out *[ScreenSlots]uint64) bool
//
// The 16 slots are the 16 dword lanes of a ZMM: word k of the signature
// is split into its low dwords (Z(2k)) and its high dwords (Z(2k+1)), each
// ANDed with the row's matching dword broadcast, counted with VPOPCNTD and
// summed. n ≥ 1.
//
// Registers: Z0-Z11 the signature's cell dwords, Z12 P, Z13 the bound,
// Z14 bestAnd, Z15 bestDen (the whole D), Z16-Z31 scratch; R10 ORs the
// rows' meta words together for the range check.

#define SPLIT512(off, lo, hi) \
	VMOVDQU64 off(SI), lo \
	VMOVDQA64 lo, hi \
	VPERMT2D  (off+64)(SI), Z30, lo \
	VPERMT2D  (off+64)(SI), Z31, hi

TEXT ·screenBestAVX512(SB), NOSPLIT, $0-33
	MOVQ sig+0(FP), SI
	MOVQ rows+8(FP), DI
	MOVQ n+16(FP), CX
	MOVQ out+24(FP), R8

	// The signature's meta words must be in range.
	VMOVDQU64     768(SI), Z28
	VPORQ         832(SI), Z28, Z29
	VPTESTMQ.BCST screenConst<>+24(SB), Z29, K1
	KORTESTW      K1, K1
	JNZ           avx512outofrange

	VMOVDQU64 screenIdx<>+0(SB), Z30
	VMOVDQU64 screenIdx<>+64(SB), Z31
	SPLIT512(0, Z0, Z1)
	SPLIT512(128, Z2, Z3)
	SPLIT512(256, Z4, Z5)
	SPLIT512(384, Z6, Z7)
	SPLIT512(512, Z8, Z9)
	SPLIT512(640, Z10, Z11)
	VPERMT2D    832(SI), Z30, Z28 // the meta words' low dwords: count<<16 | dir
	VPSUBD.BCST screenConst<>+0(SB), Z28, Z29
	VPSLLD      $16, Z29, Z29
	VPSRLD      $16, Z28, Z28
	VPSUBD      Z28, Z29, Z12     // P
	VPBROADCASTD screenConst<>+4(SB), Z13
	VPXORD       Z14, Z14, Z14    // bestAnd = 0
	VPBROADCASTD screenConst<>+8(SB), Z15 // bestDen = 1
	XORQ         R10, R10

avx512row:
	VPANDD.BCST 0(DI), Z0, Z16
	VPANDD.BCST 4(DI), Z1, Z17
	VPANDD.BCST 8(DI), Z2, Z18
	VPANDD.BCST 12(DI), Z3, Z19
	VPANDD.BCST 16(DI), Z4, Z20
	VPANDD.BCST 20(DI), Z5, Z21
	VPANDD.BCST 24(DI), Z6, Z22
	VPANDD.BCST 28(DI), Z7, Z23
	VPANDD.BCST 32(DI), Z8, Z24
	VPANDD.BCST 36(DI), Z9, Z25
	VPANDD.BCST 40(DI), Z10, Z26
	VPANDD.BCST 44(DI), Z11, Z27
	VPOPCNTD    Z16, Z16
	VPOPCNTD    Z17, Z17
	VPOPCNTD    Z18, Z18
	VPOPCNTD    Z19, Z19
	VPOPCNTD    Z20, Z20
	VPOPCNTD    Z21, Z21
	VPOPCNTD    Z22, Z22
	VPOPCNTD    Z23, Z23
	VPOPCNTD    Z24, Z24
	VPOPCNTD    Z25, Z25
	VPOPCNTD    Z26, Z26
	VPOPCNTD    Z27, Z27
	VPADDD      Z17, Z16, Z16
	VPADDD      Z19, Z18, Z18
	VPADDD      Z21, Z20, Z20
	VPADDD      Z23, Z22, Z22
	VPADDD      Z25, Z24, Z24
	VPADDD      Z27, Z26, Z26
	VPADDD      Z18, Z16, Z16
	VPADDD      Z22, Z20, Z20
	VPADDD      Z26, Z24, Z24
	VPADDD      Z20, Z16, Z16
	VPADDD      Z24, Z16, Z16     // and
	VPROLD.BCST $16, 48(DI), Z28  // dir<<16 | count
	VPSUBD      Z12, Z28, Z28     // D = t<<16 + den
	VPCMPUD     $1, Z13, Z28, K1  // K1: direction-compatible (D < bound)
	VPMADDWD    Z15, Z16, Z29     // and·bestDen
	VPMADDWD    Z14, Z28, Z30     // den·bestAnd
	VPCMPD      $6, Z30, Z29, K1, K2 // K2: compatible and better
	VMOVDQA32   Z16, K2, Z14
	VMOVDQA32   Z28, K2, Z15
	ORQ         48(DI), R10
	ADDQ        $64, DI
	DECQ        CX
	JNZ         avx512row

	// The rows' meta words must be in range too.
	MOVQ  screenConst<>+24(SB), R11
	TESTQ R11, R10
	JNZ   avx512outofrange

	VPANDD.BCST screenConst<>+12(SB), Z15, Z15 // den
	VMOVDQU64   screenIdx<>+128(SB), Z16
	VMOVDQU64   screenIdx<>+192(SB), Z17
	VPERMI2D    Z14, Z15, Z16
	VPERMI2D    Z14, Z15, Z17
	VMOVDQU64   Z16, 0(R8)
	VMOVDQU64   Z17, 64(R8)
	MOVB        $1, ret+32(FP)
	VZEROUPPER
	RET

avx512outofrange:
	MOVB $0, ret+32(FP)
	VZEROUPPER
	RET

// Popcount of a nibble, for both 128-bit lanes of VPSHUFB; the low-nibble
// mask; the word swap of each dword (rol16).
DATA screenNibbles<>+0(SB)/8, $0x0302020102010100
DATA screenNibbles<>+8(SB)/8, $0x0403030203020201
DATA screenNibbles<>+16(SB)/8, $0x0302020102010100
DATA screenNibbles<>+24(SB)/8, $0x0403030203020201
DATA screenNibbles<>+32(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA screenNibbles<>+40(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA screenNibbles<>+48(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA screenNibbles<>+56(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA screenNibbles<>+64(SB)/8, $0x0504070601000302
DATA screenNibbles<>+72(SB)/8, $0x0d0c0f0e09080b0a
DATA screenNibbles<>+80(SB)/8, $0x0504070601000302
DATA screenNibbles<>+88(SB)/8, $0x0d0c0f0e09080b0a
GLOBL screenNibbles<>(SB), RODATA|NOPTR, $96

// The AVX2 compatibility bound, 0x4000ffff − 2^31 = 0xc000ffff (signed)
// in each dword (see there).
DATA screenBound2<>+0(SB)/8, $0xc000ffffc000ffff
DATA screenBound2<>+8(SB)/8, $0xc000ffffc000ffff
DATA screenBound2<>+16(SB)/8, $0xc000ffffc000ffff
DATA screenBound2<>+24(SB)/8, $0xc000ffffc000ffff
GLOBL screenBound2<>(SB), RODATA|NOPTR, $32

// func screenBestAVX2(sig *uint64, rows *uint64, n int, out *[ScreenSlots]uint64) bool
//
// The 16 slots are four groups of 4 qword lanes for the counts, the
// nibble-lookup popcount of slot ∧ row summed bytewise over the 6 words
// (at most 48 a byte) and then by VPSADBW; and two pairs of groups of 8
// dword lanes for the rest, the pair (g, g+1) holding slot 4g+i in dword
// 2i and slot 4g+4+i in dword 2i+1. Without an unsigned dword comparison,
// each pair's P has its sign bit flipped, so that D' = D ^ 2^31, that is
// D − 2^31 as a signed dword, and the row is incompatible exactly when
// D' > 0x4000ffff − 2^31 (signed).
//
// The frame holds the signature's high nibbles, (word>>4) & 0x0f0f…, at
// the same offsets as the words in sig (768 bytes), then P of the two
// pairs (768 and 800). n ≥ 1.
//
// Registers: Y0-Y3 the groups' byte counts, then their and; Y4, Y5 the
// row word's low nibbles and the word >> 4; Y6, Y7 scratch; Y8, Y9 bestAnd
// and bestDen of pair 0, Y10, Y11 of pair 1; Y12 zero; Y13 the row's
// rol16(meta); Y14 the low-nibble mask; Y15 the nibble popcounts. R10 ORs
// the rows' meta words together for the range check.

// AVX2GROUP adds the per-byte counts of group g of the row word (Y4, Y5)
// ∧ the signature at off to acc; AVX2GROUP0 sets acc to them.
#define AVX2GROUP(off, acc) \
	VPAND   off(SI), Y4, Y6 \
	VPAND   off(SP), Y5, Y7 \
	VPSHUFB Y6, Y15, Y6 \
	VPSHUFB Y7, Y15, Y7 \
	VPADDB  Y6, acc, acc \
	VPADDB  Y7, acc, acc

#define AVX2GROUP0(off, acc) \
	VPAND   off(SI), Y4, Y6 \
	VPAND   off(SP), Y5, Y7 \
	VPSHUFB Y6, Y15, Y6 \
	VPSHUFB Y7, Y15, Y7 \
	VPADDB  Y6, Y7, acc

#define AVX2WORD(k) \
	VPBROADCASTQ (8*k)(DI), Y4 \
	VPSRLQ       $4, Y4, Y5 \
	VPAND        Y14, Y4, Y4

// AVX2P sets y to P of the group whose meta words are at off (in the
// low dwords; x: scratch).
#define AVX2P(off, x, y) \
	VMOVDQU off(SI), y \
	VPSUBD  Y13, y, x \
	VPSLLD  $16, x, x \
	VPSRLD  $16, y, y \
	VPSUBD  y, x, y

// AVX2PAIR updates a pair's bests (ba, bd) with its and (a): x, y scratch.
#define AVX2PAIR(a, poff, ba, bd, x, y) \
	VPSUBD    poff(SP), Y13, Y6 \
	VPCMPGTD  screenBound2<>(SB), Y6, Y7 \
	VPMADDWD  bd, a, x \
	VPMADDWD  ba, Y6, y \
	VPCMPGTD  y, x, x \
	VPANDN    x, Y7, Y7 \
	VPBLENDVB Y7, a, ba, ba \
	VPBLENDVB Y7, Y6, bd, bd

// AVX2OUT stores a pair's results: slots 4g..4g+3 at off, 4g+4..4g+7 at
// off+32.
#define AVX2OUT(ba, bd, off) \
	VPAND    Y14, bd, bd \
	VPSLLQ   $32, ba, Y0 \
	VPBLENDD $0xaa, Y0, bd, Y0 \
	VPSRLQ   $32, bd, Y1 \
	VPBLENDD $0xaa, ba, Y1, Y1 \
	VMOVDQU  Y0, off(R8) \
	VMOVDQU  Y1, (off+32)(R8)

TEXT ·screenBestAVX2(SB), 0, $832-33
	MOVQ sig+0(FP), SI
	MOVQ rows+8(FP), DI
	MOVQ n+16(FP), CX
	MOVQ out+24(FP), R8

	// The signature's meta words must be in range.
	VMOVDQU      768(SI), Y0
	VPOR         800(SI), Y0, Y0
	VPOR         832(SI), Y0, Y0
	VPOR         864(SI), Y0, Y0
	VPBROADCASTQ screenConst<>+24(SB), Y1
	VPTEST       Y1, Y0
	JNZ          avx2outofrange

	// The high nibbles.
	VMOVDQU screenNibbles<>+32(SB), Y14
	XORQ    AX, AX

avx2nibbles:
	VMOVDQU (SI)(AX*1), Y0
	VPSRLQ  $4, Y0, Y0
	VPAND   Y14, Y0, Y0
	VMOVDQU Y0, (SP)(AX*1)
	ADDQ    $32, AX
	CMPQ    AX, $768
	JB      avx2nibbles

	// P of the pairs, their sign bits flipped.
	VPBROADCASTD screenConst<>+0(SB), Y13
	VPBROADCASTD screenConst<>+16(SB), Y12
	AVX2P(768, Y4, Y0)
	AVX2P(800, Y4, Y1)
	AVX2P(832, Y4, Y2)
	AVX2P(864, Y4, Y3)
	VPSLLQ       $32, Y1, Y1
	VPBLENDD     $0xaa, Y1, Y0, Y0
	VPXOR        Y12, Y0, Y0
	VMOVDQU      Y0, 768(SP)
	VPSLLQ       $32, Y3, Y3
	VPBLENDD     $0xaa, Y3, Y2, Y2
	VPXOR        Y12, Y2, Y2
	VMOVDQU      Y2, 800(SP)

	VMOVDQU      screenNibbles<>+0(SB), Y15
	VPXOR        Y12, Y12, Y12
	VPXOR        Y8, Y8, Y8
	VPXOR        Y10, Y10, Y10
	VPBROADCASTD screenConst<>+8(SB), Y9
	VMOVDQA      Y9, Y11
	XORQ         R10, R10

avx2row:
	AVX2WORD(0)
	AVX2GROUP0(0, Y0)
	AVX2GROUP0(32, Y1)
	AVX2GROUP0(64, Y2)
	AVX2GROUP0(96, Y3)
	AVX2WORD(1)
	AVX2GROUP(128, Y0)
	AVX2GROUP(160, Y1)
	AVX2GROUP(192, Y2)
	AVX2GROUP(224, Y3)
	AVX2WORD(2)
	AVX2GROUP(256, Y0)
	AVX2GROUP(288, Y1)
	AVX2GROUP(320, Y2)
	AVX2GROUP(352, Y3)
	AVX2WORD(3)
	AVX2GROUP(384, Y0)
	AVX2GROUP(416, Y1)
	AVX2GROUP(448, Y2)
	AVX2GROUP(480, Y3)
	AVX2WORD(4)
	AVX2GROUP(512, Y0)
	AVX2GROUP(544, Y1)
	AVX2GROUP(576, Y2)
	AVX2GROUP(608, Y3)
	AVX2WORD(5)
	AVX2GROUP(640, Y0)
	AVX2GROUP(672, Y1)
	AVX2GROUP(704, Y2)
	AVX2GROUP(736, Y3)

	VPSADBW      Y12, Y0, Y0
	VPSADBW      Y12, Y1, Y1
	VPSADBW      Y12, Y2, Y2
	VPSADBW      Y12, Y3, Y3
	VPSLLQ       $32, Y1, Y1
	VPOR         Y1, Y0, Y0       // and of pair 0
	VPSLLQ       $32, Y3, Y3
	VPOR         Y3, Y2, Y2       // and of pair 1
	VPBROADCASTD 48(DI), Y13
	VPSHUFB      screenNibbles<>+64(SB), Y13, Y13 // dir<<16 | count
	AVX2PAIR(Y0, 768, Y8, Y9, Y4, Y1)
	AVX2PAIR(Y2, 800, Y10, Y11, Y5, Y3)
	ORQ          48(DI), R10
	ADDQ         $64, DI
	DECQ         CX
	JNZ          avx2row

	// The rows' meta words must be in range too.
	MOVQ  screenConst<>+24(SB), R11
	TESTQ R11, R10
	JNZ   avx2outofrange

	VPBROADCASTD screenConst<>+12(SB), Y14 // the low word of each dword
	AVX2OUT(Y8, Y9, 0)
	AVX2OUT(Y10, Y11, 64)
	MOVB    $1, ret+32(FP)
	VZEROUPPER
	RET

avx2outofrange:
	MOVB $0, ret+32(FP)
	VZEROUPPER
	RET
