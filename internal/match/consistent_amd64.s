//go:build amd64 && !purego

#include "textflag.h"

// The consistency kernel of align (see consistent.go for the contract).
// One lane per pair, 16 pairs a group. The float32 operations are those of
// consistentPairsGo, one instruction each, unfused and in its order (only
// the operands of a commutative + or × may be swapped, which changes no
// value); VCMPPS's LE_OS is false for NaN like Go's <=. The direction test
// is done on zero-extended dwords: dd + (tolDir − rot), masked to 16 bits,
// unsigned ≤ 2·tolDir, which is Go's uint16 arithmetic.
//
// alignment: ax 0, ay 4, bx 8, by 12, cos 16, sin 20 (float32), rot 24
// (uint16); consistent_amd64.go checks the offsets.

// Lane numbers 0–15, the first group's pair indices.
DATA pairLanes<>+0(SB)/8, $0x0000000100000000
DATA pairLanes<>+8(SB)/8, $0x0000000300000002
DATA pairLanes<>+16(SB)/8, $0x0000000500000004
DATA pairLanes<>+24(SB)/8, $0x0000000700000006
DATA pairLanes<>+32(SB)/8, $0x0000000900000008
DATA pairLanes<>+40(SB)/8, $0x0000000b0000000a
DATA pairLanes<>+48(SB)/8, $0x0000000d0000000c
DATA pairLanes<>+56(SB)/8, $0x0000000f0000000e
GLOBL pairLanes<>(SB), RODATA|NOPTR, $64

// tolDir (65536/18; consistent_amd64.go checks it).
#define TOLDIR $3640

// CONSISTENT16 tests the group loaded in Z0 (dd, dwords), Z1 (ax), Z2
// (ay), Z6 (bx), Z7 (by), within the lanes of K3, and compresses the
// indices of the pairs that pass into the low dwords of Z5, K2 their lanes.
#define CONSISTENT16 \
	VPADDD        Z24, Z0, Z0 /* dd − rot + tolDir */ \
	VPANDD        Z25, Z0, Z0 /* as uint16 */ \
	VPCMPUD       $2, Z26, Z0, K3, K1 /* K1: dirOK (≤ 2·tolDir) */ \
	VSUBPS        Z16, Z1, Z1 /* ux = ax − al.ax */ \
	VSUBPS        Z17, Z2, Z2 /* uy = ay − al.ay */ \
	VMULPS        Z20, Z1, Z3 /* al.cos·ux */ \
	VADDPS        Z18, Z3, Z3 /* al.bx + al.cos·ux */ \
	VMULPS        Z21, Z2, Z4 /* al.sin·uy */ \
	VSUBPS        Z4, Z3, Z3 /* … − al.sin·uy */ \
	VSUBPS        Z6, Z3, Z3 /* tx = … − bx */ \
	VMULPS        Z21, Z1, Z4 /* al.sin·ux */ \
	VADDPS        Z19, Z4, Z4 /* al.by + al.sin·ux */ \
	VMULPS        Z20, Z2, Z5 /* al.cos·uy */ \
	VADDPS        Z5, Z4, Z4 /* … + al.cos·uy */ \
	VSUBPS        Z7, Z4, Z4 /* ty = … − by */ \
	VMULPS        Z1, Z1, Z1 /* ux·ux */ \
	VMULPS        Z2, Z2, Z2 /* uy·uy */ \
	VADDPS        Z2, Z1, Z1 /* ux·ux + uy·uy */ \
	VMULPS        Z23, Z1, Z1 /* tolSlope²·(…) */ \
	VADDPS        Z22, Z1, Z1 /* lim = tolBase² + tolSlope²·(…) */ \
	VMULPS        Z3, Z3, Z3 /* tx·tx */ \
	VMULPS        Z4, Z4, Z4 /* ty·ty */ \
	VADDPS        Z4, Z3, Z3 /* tx·tx + ty·ty */ \
	VCMPPS        $2, Z1, Z3, K1, K2 /* K2: dirOK && tx·tx + ty·ty ≤ lim */ \
	VPCOMPRESSD.Z Z27, K2, Z5

// func consistentAVX512(ax, ay, bx, by *float32, dd *uint16, n int, al *alignment, base2, slope2 float32, out *uint16) int
TEXT ·consistentAVX512(SB), NOSPLIT, $0-80
	MOVQ ax+0(FP), SI
	MOVQ ay+8(FP), R8
	MOVQ bx+16(FP), R9
	MOVQ by+24(FP), R12
	MOVQ dd+32(FP), DX
	MOVQ n+40(FP), CX
	MOVQ al+48(FP), AX
	MOVQ out+64(FP), DI
	VBROADCASTSS 0(AX), Z16      // al.ax
	VBROADCASTSS 4(AX), Z17      // al.ay
	VBROADCASTSS 8(AX), Z18      // al.bx
	VBROADCASTSS 12(AX), Z19     // al.by
	VBROADCASTSS 16(AX), Z20     // al.cos
	VBROADCASTSS 20(AX), Z21     // al.sin
	VBROADCASTSS base2+56(FP), Z22
	VBROADCASTSS slope2+60(FP), Z23
	MOVWLZX      24(AX), AX      // al.rot
	MOVL         TOLDIR, BX
	SUBL         AX, BX
	ANDL         $0xffff, BX     // tolDir − rot, as uint16
	VPBROADCASTD BX, Z24
	MOVL         $0xffff, BX
	VPBROADCASTD BX, Z25
	KMOVW        BX, K3          // every lane, in whole groups
	MOVL         $(2*3640), BX
	VPBROADCASTD BX, Z26         // 2·tolDir
	VMOVDQU32    pairLanes<>(SB), Z27 // the group's pair indices
	MOVL         $16, BX
	VPBROADCASTD BX, Z28
	XORQ         R10, R10        // p: the group's first pair
	XORQ         R11, R11        // nc
	MOVQ         CX, R13
	ANDQ         $-16, R13       // pairs in whole groups
	JZ           tail

loop:
	VPMOVZXWD (DX)(R10*2), Z0
	VMOVUPS   (SI)(R10*4), Z1
	VMOVUPS   (R8)(R10*4), Z2
	VMOVUPS   (R9)(R10*4), Z6
	VMOVUPS   (R12)(R10*4), Z7
	CONSISTENT16
	// p + 16 ≤ n and nc ≤ p: the 16 indices stored are below n.
	VPMOVDW   Z5, Y5
	VMOVDQU   Y5, (DI)(R11*2)
	KMOVW     K2, AX
	POPCNTL   AX, AX
	ADDQ      AX, R11
	VPADDD    Z28, Z27, Z27
	ADDQ      $16, R10
	CMPQ      R10, R13
	JB        loop

tail:
	SUBQ CX, R13
	JZ   done
	NEGQ R13                     // the remainder, 1 to 15
	MOVL $1, BX
	MOVQ R13, CX
	SHLL CX, BX
	DECL BX
	KMOVW BX, K3                 // its lanes
	VPMOVZXWD.Z (DX)(R10*2), K3, Z0
	VMOVUPS.Z   (SI)(R10*4), K3, Z1
	VMOVUPS.Z   (R8)(R10*4), K3, Z2
	VMOVUPS.Z   (R9)(R10*4), K3, Z6
	VMOVUPS.Z   (R12)(R10*4), K3, Z7
	CONSISTENT16
	// Under K3: nc + remainder ≤ n.
	VPMOVDW     Z5, K3, (DI)(R11*2)
	KMOVW       K2, AX
	POPCNTL     AX, AX
	ADDQ        AX, R11

done:
	MOVQ R11, ret+72(FP)
	VZEROUPPER
	RET

// The AVX2 kernel: the same computation, 8 pairs a group in YMM lanes
// (CONSISTENT8), then the passing pairs' indices written from the
// VMOVMSKPS mask one set bit at a time (TZCNT, BLSR), each at out[nc] with
// nc < n. Without VPCOMPRESSD, this loop was measured against a table of
// the lane numbers of each of the 256 masks (stored 8 indices at a time,
// nc advanced by POPCNT, without a branch): on the calls align makes in the
// golden comparisons (12.8% of the pairs consistent, a third of the groups
// with none) the loop was 3–6% faster, on an AMD Zen 4 (and 10% on
// BenchmarkConsistentPairs, a fifth of the pairs near); the table wins when
// half the pairs pass, but most of align's calls, and nearly all of them
// in 1:N, are impostor comparisons where few pairs pass. (TZCNT and BLSR are BMI1, which every
// AVX2 CPU has; consistentKernels checks for both.)
//
// The remainder (1 to 7 pairs, r) is not loaded under a mask: AVX2 has no
// word-masked load for dd. With n ≥ 8 the window of the last 8 pairs,
// n−8 to n−1, is loaded instead (all within bounds), the lanes of the
// 8 − r pairs already done shifted out of the mask. With n < 8 the pairs
// are copied to lanes 8−n to 7 of a zeroed buffer on the stack, the
// pointers moved so that the same window code reads it. Nothing past n is
// read, and only the indices of passing pairs are written.
//
// The direction test is the AVX-512 one: the dword (dd + tolDir − rot) &
// 0xffff is in [0, 0xffff], so the signed VPCMPGTD against 2·tolDir is the
// unsigned comparison; it gives the lanes that fail.

// Dwords: 0xffff (a uint16) at 0, 2·tolDir (0x1c70) at 32.
DATA consistConst2<>+0(SB)/8, $0x0000ffff0000ffff
DATA consistConst2<>+8(SB)/8, $0x0000ffff0000ffff
DATA consistConst2<>+16(SB)/8, $0x0000ffff0000ffff
DATA consistConst2<>+24(SB)/8, $0x0000ffff0000ffff
DATA consistConst2<>+32(SB)/8, $0x00001c7000001c70
DATA consistConst2<>+40(SB)/8, $0x00001c7000001c70
DATA consistConst2<>+48(SB)/8, $0x00001c7000001c70
DATA consistConst2<>+56(SB)/8, $0x00001c7000001c70
GLOBL consistConst2<>(SB), RODATA|NOPTR, $64

// CONSISTENT8 tests the 8 pairs from index R10 of the arrays at SI (ax),
// R8 (ay), R9 (bx), R12 (by), DX (dd), and sets AX to the mask of those
// that pass. Y6: tolDir − rot; Y8–Y15: al.ax, al.ay, al.bx, al.by, al.cos,
// al.sin, posLimBase, posLimSlope. Y0–Y5 scratch.
#define CONSISTENT8 \
	VPMOVZXWD (DX)(R10*2), Y0 \
	VMOVUPS   (SI)(R10*4), Y1 \
	VMOVUPS   (R8)(R10*4), Y2 \
	VPADDD    Y6, Y0, Y0 /* dd − rot + tolDir */ \
	VPAND     consistConst2<>+0(SB), Y0, Y0 /* as uint16 */ \
	VPCMPGTD  consistConst2<>+32(SB), Y0, Y0 /* Y0: not dirOK (> 2·tolDir) */ \
	VSUBPS    Y8, Y1, Y1 /* ux = ax − al.ax */ \
	VSUBPS    Y9, Y2, Y2 /* uy = ay − al.ay */ \
	VMULPS    Y12, Y1, Y3 /* al.cos·ux */ \
	VADDPS    Y10, Y3, Y3 /* al.bx + al.cos·ux */ \
	VMULPS    Y13, Y2, Y4 /* al.sin·uy */ \
	VSUBPS    Y4, Y3, Y3 /* … − al.sin·uy */ \
	VSUBPS    (R9)(R10*4), Y3, Y3 /* tx = … − bx */ \
	VMULPS    Y13, Y1, Y4 /* al.sin·ux */ \
	VADDPS    Y11, Y4, Y4 /* al.by + al.sin·ux */ \
	VMULPS    Y12, Y2, Y5 /* al.cos·uy */ \
	VADDPS    Y5, Y4, Y4 /* … + al.cos·uy */ \
	VSUBPS    (R12)(R10*4), Y4, Y4 /* ty = … − by */ \
	VMULPS    Y1, Y1, Y1 /* ux·ux */ \
	VMULPS    Y2, Y2, Y2 /* uy·uy */ \
	VADDPS    Y2, Y1, Y1 /* ux·ux + uy·uy */ \
	VMULPS    Y15, Y1, Y1 /* tolSlope²·(…) */ \
	VADDPS    Y14, Y1, Y1 /* lim = tolBase² + tolSlope²·(…) */ \
	VMULPS    Y3, Y3, Y3 /* tx·tx */ \
	VMULPS    Y4, Y4, Y4 /* ty·ty */ \
	VADDPS    Y4, Y3, Y3 /* tx·tx + ty·ty */ \
	VCMPPS    $2, Y1, Y3, Y3 /* tx·tx + ty·ty ≤ lim (LE_OS: false for NaN) */ \
	VANDNPS   Y3, Y0, Y3 /* && dirOK */ \
	VMOVMSKPS Y3, AX

// func consistentAVX2(ax, ay, bx, by *float32, dd *uint16, n int, al *alignment, base2, slope2 float32, out *uint16) int
//
// The frame is the buffer for n < 8: ax at 0, ay 32, bx 64, by 96 (8
// float32 each), dd at 128 (8 uint16). Registers: see CONSISTENT8; R10 the
// group's first pair, R11 nc, R13 the end of the whole groups, then the
// first pair of the remainder; BX scratch.
TEXT ·consistentAVX2(SB), NOSPLIT, $144-80
	MOVQ ax+0(FP), SI
	MOVQ ay+8(FP), R8
	MOVQ bx+16(FP), R9
	MOVQ by+24(FP), R12
	MOVQ dd+32(FP), DX
	MOVQ n+40(FP), CX
	MOVQ al+48(FP), AX
	MOVQ out+64(FP), DI
	VBROADCASTSS 0(AX), Y8       // al.ax
	VBROADCASTSS 4(AX), Y9       // al.ay
	VBROADCASTSS 8(AX), Y10      // al.bx
	VBROADCASTSS 12(AX), Y11     // al.by
	VBROADCASTSS 16(AX), Y12     // al.cos
	VBROADCASTSS 20(AX), Y13     // al.sin
	VBROADCASTSS base2+56(FP), Y14
	VBROADCASTSS slope2+60(FP), Y15
	MOVWLZX      24(AX), AX      // al.rot
	MOVL         TOLDIR, BX
	SUBL         AX, BX
	ANDL         $0xffff, BX     // tolDir − rot, as uint16
	MOVQ         BX, X6
	VPBROADCASTD X6, Y6
	XORQ         R10, R10        // p: the group's first pair
	XORQ         R11, R11        // nc
	MOVQ         CX, R13
	ANDQ         $-8, R13        // pairs in whole groups
	JZ           small

loop:
	CONSISTENT8
	TESTL   AX, AX
	JZ      next

groupbits:
	TZCNTL  AX, BX               // the lowest passing lane
	ADDL    R10, BX
	MOVW    BX, (DI)(R11*2)      // nc ≤ its index < n
	INCQ    R11
	BLSRL   AX, AX
	JNZ     groupbits

next:
	ADDQ    $8, R10
	CMPQ    R10, R13
	JB      loop
	CMPQ    R13, CX
	JEQ     done
	LEAQ    -8(CX), R10          // the window: pairs n−8 to n−1

window:
	CONSISTENT8
	// Lane j is pair R10 + j; pair R13 + i is lane i + R13 − R10.
	MOVQ    R13, CX
	SUBQ    R10, CX
	SHRL    CX, AX
	TESTL   AX, AX
	JZ      done

tailbits:
	TZCNTL  AX, BX
	ADDL    R13, BX
	MOVW    BX, (DI)(R11*2)      // nc ≤ its index < n
	INCQ    R11
	BLSRL   AX, AX
	JNZ     tailbits

done:
	MOVQ R11, ret+72(FP)
	VZEROUPPER
	RET

small:
	// 1 ≤ n < 8, R13 = 0. Pair i goes to lane 8 − n + i of the buffer, and
	// each pointer to the buffer's lane 8 − n: the window code, reading
	// from index n − 8, reads the buffer's 8 lanes. The lanes before 8 − n
	// are shifted out of the mask; they are zeroed so that they compute on
	// ordinary numbers (no denormal or NaN from the stack).
	VPXOR   Y0, Y0, Y0
	VMOVDQU Y0, 0(SP)
	VMOVDQU Y0, 32(SP)
	VMOVDQU Y0, 64(SP)
	VMOVDQU Y0, 96(SP)
	VMOVDQU X0, 128(SP)
	MOVQ    $8, BX
	SUBQ    CX, BX               // 8 − n: pair i's lane is BX + i

copy:
	MOVL    (SI)(R10*4), AX
	MOVL    AX, 0(SP)(BX*4)
	MOVL    (R8)(R10*4), AX
	MOVL    AX, 32(SP)(BX*4)
	MOVL    (R9)(R10*4), AX
	MOVL    AX, 64(SP)(BX*4)
	MOVL    (R12)(R10*4), AX
	MOVL    AX, 96(SP)(BX*4)
	MOVWLZX (DX)(R10*2), AX
	MOVW    AX, 128(SP)(BX*2)
	INCQ    BX
	INCQ    R10
	CMPQ    R10, CX
	JB      copy
	SUBQ    CX, BX               // 8 − n again
	LEAQ    0(SP)(BX*4), SI
	LEAQ    32(SP)(BX*4), R8
	LEAQ    64(SP)(BX*4), R9
	LEAQ    96(SP)(BX*4), R12
	LEAQ    128(SP)(BX*2), DX
	LEAQ    -8(CX), R10
	JMP     window
