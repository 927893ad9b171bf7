//go:build amd64 && !purego

#include "textflag.h"

// Register use of both kernels:
//   R10–R13  src + at[r]*4, the first pixel of run r in src
//   BX CX SI DX  off[r]: run r's taps (int32 offsets in pixels)
//   R8  wt, R9 taps, AX the tap index, DI the current tap's offset

#define SETUP \
	MOVQ src+8(FP), SI; \
	MOVQ grp+16(FP), DX; \
	MOVQ wt+24(FP), R8; \
	MOVQ taps+32(FP), R9; \
	MOVQ 0(DX), AX; \
	LEAQ (SI)(AX*4), R10; \
	MOVQ 8(DX), AX; \
	LEAQ (SI)(AX*4), R11; \
	MOVQ 16(DX), AX; \
	LEAQ (SI)(AX*4), R12; \
	MOVQ 24(DX), AX; \
	LEAQ (SI)(AX*4), R13; \
	MOVQ 32(DX), BX; \
	MOVQ 56(DX), CX; \
	MOVQ 80(DX), SI; \
	MOVQ 104(DX), DX; \
	XORQ AX, AX

// func conv4x4AVX(dst, src *float32, grp *convGroup, wt *float32, taps int)
TEXT ·conv4x4AVX(SB), NOSPLIT, $0-40
	SETUP
	VXORPS X0, X0, X0
	VXORPS X1, X1, X1
	VXORPS X2, X2, X2
	VXORPS X3, X3, X3

avxloop:
	VBROADCASTSS (R8)(AX*4), X8
	MOVLQSX      (BX)(AX*4), DI
	VMULPS       (R10)(DI*4), X8, X4
	VADDPS       X4, X0, X0
	MOVLQSX      (CX)(AX*4), DI
	VMULPS       (R11)(DI*4), X8, X5
	VADDPS       X5, X1, X1
	MOVLQSX      (SI)(AX*4), DI
	VMULPS       (R12)(DI*4), X8, X6
	VADDPS       X6, X2, X2
	MOVLQSX      (DX)(AX*4), DI
	VMULPS       (R13)(DI*4), X8, X7
	VADDPS       X7, X3, X3
	INCQ         AX
	CMPQ         AX, R9
	JLT          avxloop

	MOVQ    dst+0(FP), DI
	MOVQ    grp+16(FP), DX
	MOVQ    0(DX), AX
	VMOVUPS X0, (DI)(AX*4)
	MOVQ    8(DX), AX
	VMOVUPS X1, (DI)(AX*4)
	MOVQ    16(DX), AX
	VMOVUPS X2, (DI)(AX*4)
	MOVQ    24(DX), AX
	VMOVUPS X3, (DI)(AX*4)
	RET

// func conv4x4AVX512(dst, src *float32, grp *convGroup, wt *float32, taps int)
TEXT ·conv4x4AVX512(SB), NOSPLIT, $0-40
	SETUP
	VXORPS Z0, Z0, Z0

avx512loop:
	VBROADCASTSS (R8)(AX*4), Z8
	MOVLQSX      (BX)(AX*4), DI
	VMOVUPS      (R10)(DI*4), X4
	MOVLQSX      (CX)(AX*4), DI
	VINSERTF32X4 $1, (R11)(DI*4), Z4, Z4
	MOVLQSX      (SI)(AX*4), DI
	VINSERTF32X4 $2, (R12)(DI*4), Z4, Z4
	MOVLQSX      (DX)(AX*4), DI
	VINSERTF32X4 $3, (R13)(DI*4), Z4, Z4
	VMULPS       Z8, Z4, Z4
	VADDPS       Z4, Z0, Z0
	INCQ         AX
	CMPQ         AX, R9
	JLT          avx512loop

	MOVQ          dst+0(FP), DI
	MOVQ          grp+16(FP), DX
	MOVQ          0(DX), AX
	VMOVUPS       X0, (DI)(AX*4)
	MOVQ          8(DX), AX
	VEXTRACTF32X4 $1, Z0, (DI)(AX*4)
	MOVQ          16(DX), AX
	VEXTRACTF32X4 $2, Z0, (DI)(AX*4)
	MOVQ          24(DX), AX
	VEXTRACTF32X4 $3, Z0, (DI)(AX*4)
	VZEROUPPER
	RET
