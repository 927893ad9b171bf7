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
