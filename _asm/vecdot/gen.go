// Command vecdot writes the amd64 assembly of internal/vecdot's block
// kernels. The kernels differ only in register width, element type and
// blocking, so one generator writes them all and keeps their operation
// order the same (one fused multiply-add per dimension and lane, in
// dimension order), which is what makes every implementation give the same
// bits as the Go reference.
//
//	cd _asm/vecdot && go run . -out ../../internal/vecdot/kernels_amd64.s
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
)

// isa describes a register width: how many registers hold a block row of
// sixteen 32-bit lanes, and how registers are named.
type isa struct {
	name      string
	reg       string // "Z" or "Y"
	parts     int    // registers per block row
	zero      string // zeroing instruction
	oneBlocks int    // blocks scored together by the one-probe kernel
	tileP     int    // probes of the tile kernel
	tileB     int    // blocks of the tile kernel's main loop
}

var (
	avx512 = isa{name: "AVX512", reg: "Z", parts: 1, zero: "VPXORD", oneBlocks: 4, tileP: 8, tileB: 3}
	avx2   = isa{name: "AVX2", reg: "Y", parts: 2, zero: "VXORPS", oneBlocks: 4, tileP: 4, tileB: 1}
)

// elem describes a storage type.
type elem struct {
	name     string
	galType  string // Go type of the gallery pointer
	outType  string
	rowBytes int // bytes of one block row (one dimension, or four for int8)
	blockMul int // block bytes = dim × blockMul
	dimStep  int // dimensions per row
}

var (
	f32 = elem{name: "f32", galType: "*float32", outType: "*float32", rowBytes: 64, blockMul: 64, dimStep: 1}
	f16 = elem{name: "f16", galType: "*uint16", outType: "*float32", rowBytes: 32, blockMul: 32, dimStep: 1}
	i8  = elem{name: "i8", galType: "*int8", outType: "*int32", rowBytes: 64, blockMul: 16, dimStep: 4}
)

type gen struct{ b bytes.Buffer }

func (g *gen) f(format string, args ...any) { fmt.Fprintf(&g.b, format+"\n", args...) }

func (g *gen) r(a isa, n int) string { return fmt.Sprintf("%s%d", a.reg, n) }

// blockAddr is the address of part p of the current row of block j, with
// R8 at block 0's row and DX (R13) holding one (three) block's bytes.
func blockAddr(a isa, e elem, j, p int) string {
	off := ""
	if d := p * e.rowBytes / a.parts; d != 0 {
		off = fmt.Sprint(d)
	}
	switch j {
	case 0:
		return off + "(R8)"
	case 1:
		return off + "(R8)(DX*1)"
	case 2:
		return off + "(R8)(DX*2)"
	case 3:
		return off + "(R8)(R13*1)"
	}
	panic("block index")
}

// loadGallery puts part p of block j's row into register dst, ready to be
// multiplied: float32 as is, float16 widened, int8 with the sign bit
// flipped (the unsigned operand of VPDPBUSD).
func (g *gen) loadGallery(a isa, e elem, j, p int, dst string) {
	switch e.name {
	case "f32":
		g.f("\tVMOVUPS %s, %s", blockAddr(a, e, j, p), dst)
	case "f16":
		g.f("\tVCVTPH2PS %s, %s", blockAddr(a, e, j, p), dst)
	case "i8":
		g.f("\tVPXORD %s, Z31, %s", blockAddr(a, e, j, p), dst)
	}
}

func (g *gen) broadcast(e elem, src, dst string) {
	if e.name == "i8" {
		g.f("\tVPBROADCASTD %s, %s", src, dst)
	} else {
		g.f("\tVBROADCASTSS %s, %s", src, dst)
	}
}

// madd adds probe × gallery into acc.
func (g *gen) madd(e elem, gal, probe, acc string) {
	if e.name == "i8" {
		g.f("\tVPDPBUSD %s, %s, %s", probe, gal, acc)
	} else {
		g.f("\tVFMADD231PS %s, %s, %s", gal, probe, acc)
	}
}

func (g *gen) prologueConst(e elem) {
	if e.name == "i8" {
		g.f("\tMOVL $0x80808080, R11")
		g.f("\tVPBROADCASTD R11, Z31")
	}
}

func (g *gen) rowsAndBlockBytes(e elem) {
	// CX = rows per block, DX = bytes per block.
	if e.dimStep == 4 {
		g.f("\tMOVQ CX, DX")
		g.f("\tSHRQ $2, CX")
	} else {
		g.f("\tMOVQ CX, DX")
	}
	g.f("\tIMULQ $%d, DX", e.blockMul)
}

// one writes the one-probe kernel: oneBlocks blocks at a time (independent
// accumulators hide the multiply-add latency and give the prefetchers
// several streams), then one block at a time.
func (g *gen) one(a isa, e elem) {
	fn := fmt.Sprintf("%sOne%s", e.name, a.name)
	corrArg := ""
	frame := 40
	if e.name == "i8" {
		corrArg = ", corr int32"
		frame = 44
	}
	g.f("// func %s(out %s, probe %s, gal %s, dim, nb int%s)", fn, e.outType, map[bool]string{true: "*int8", false: "*float32"}[e.name == "i8"], e.galType, corrArg)
	g.f("TEXT ·%s(SB), NOSPLIT, $0-%d", fn, frame)
	g.f("\tMOVQ out+0(FP), DI")
	g.f("\tMOVQ probe+8(FP), SI")
	g.f("\tMOVQ gal+16(FP), AX")
	g.f("\tMOVQ dim+24(FP), CX")
	g.f("\tMOVQ nb+32(FP), BX")
	g.rowsAndBlockBytes(e)
	g.f("\tLEAQ (DX)(DX*2), R13")
	g.prologueConst(e)
	nb := a.oneBlocks
	if a.reg == "Z" && e.name == "f16" {
		// Measured: a float16 block (16 KiB at dimension 512) is too short a
		// stream for the prefetchers when four run side by side; one
		// sequential stream, bound by the multiply-add latency, reads faster.
		// float32 blocks are twice as long and run equally well either way.
		nb = 1
	}
	sizes := []int{nb, 1}
	if nb == 1 {
		sizes = []int{1}
	}
	bc := g.r(a, 16)
	if a.reg == "Y" {
		bc = "Y15"
	}
	// Widening and sign-flipping need a scratch register per block part;
	// AVX2 has only sixteen, so its parts share four.
	tmp := func(i int) string {
		if a.reg == "Y" {
			return g.r(a, 8+i%4)
		}
		return g.r(a, 8+i)
	}
	for _, blocks := range sizes {
		lbl := fmt.Sprintf("blocks%d", blocks)
		g.f("%s:", lbl)
		g.f("\tCMPQ BX, $%d", blocks)
		if blocks == 1 {
			g.f("\tJB done")
		} else {
			g.f("\tJB blocks1")
		}
		n := blocks * a.parts
		for i := 0; i < n; i++ {
			g.f("\t%s %s, %s, %s", a.zero, g.r(a, i), g.r(a, i), g.r(a, i))
		}
		g.f("\tMOVQ AX, R8")
		g.f("\tMOVQ SI, R9")
		g.f("\tMOVQ CX, R10")
		g.f("%s_row:", lbl)
		g.broadcast(e, "(R9)", bc)
		for j := 0; j < blocks; j++ {
			for p := 0; p < a.parts; p++ {
				acc := g.r(a, j*a.parts+p)
				if e.name == "f32" {
					g.f("\tVFMADD231PS %s, %s, %s", blockAddr(a, e, j, p), bc, acc)
					continue
				}
				t := tmp(j*a.parts + p)
				g.loadGallery(a, e, j, p, t)
				g.madd(e, t, bc, acc)
			}
		}
		g.f("\tADDQ $%d, R8", e.rowBytes)
		g.f("\tADDQ $4, R9")
		g.f("\tDECQ R10")
		g.f("\tJNZ %s_row", lbl)
		if e.name == "i8" {
			g.f("\tMOVL corr+40(FP), R11")
			g.f("\tVPBROADCASTD R11, %s", bc)
			for i := 0; i < n; i++ {
				g.f("\tVPSUBD %s, %s, %s", bc, g.r(a, i), g.r(a, i))
			}
		}
		for i := 0; i < n; i++ {
			g.f("\tVMOVUPS %s, %d(DI)", g.r(a, i), i*64/a.parts)
		}
		g.f("\tADDQ $%d, DI", blocks*64)
		switch blocks {
		case 1:
			g.f("\tADDQ DX, AX")
		case 2:
			g.f("\tLEAQ (AX)(DX*2), AX")
		case 4:
			g.f("\tLEAQ (AX)(DX*4), AX")
		default:
			panic("blocks")
		}
		g.f("\tSUBQ $%d, BX", blocks)
		g.f("\tJMP %s", lbl)
	}
	g.epilogue()
}

// tile writes the tile kernel: tileP probes × tileB blocks of scores held
// in registers while the rows stream by, then tileP × 1 for the remainder.
func (g *gen) tile(a isa, e elem) {
	fn := fmt.Sprintf("%sTile%s", e.name, a.name)
	frame := 48
	corrArg := ""
	if e.name == "i8" {
		frame = 56
		corrArg = ", corr *[8]int32"
	}
	g.f("// func %s(out %s, stride int, probesT %s, gal %s, dim, nb int%s)", fn, e.outType, map[bool]string{true: "*int8", false: "*float32"}[e.name == "i8"], e.galType, corrArg)
	g.f("TEXT ·%s(SB), NOSPLIT, $0-%d", fn, frame)
	g.f("\tMOVQ out+0(FP), DI")
	g.f("\tMOVQ stride+8(FP), R12")
	g.f("\tSHLQ $2, R12")
	g.f("\tMOVQ probesT+16(FP), SI")
	g.f("\tMOVQ gal+24(FP), AX")
	g.f("\tMOVQ dim+32(FP), CX")
	g.f("\tMOVQ nb+40(FP), BX")
	g.rowsAndBlockBytes(e)
	g.prologueConst(e)
	P := a.tileP
	var galBase, tmpBase int
	if a.reg == "Z" {
		galBase, tmpBase = 24, 27
	} else {
		galBase, tmpBase = 8, 10
	}
	nTmp := 4
	if a.reg == "Y" {
		nTmp = 2
	}
	sizes := []int{a.tileB}
	if a.tileB != 1 {
		sizes = append(sizes, 1)
	}
	for si, blocks := range sizes {
		lbl := fmt.Sprintf("blocks%d", blocks)
		next := "done"
		if si+1 < len(sizes) {
			next = fmt.Sprintf("blocks%d", sizes[si+1])
		}
		g.f("%s:", lbl)
		g.f("\tCMPQ BX, $%d", blocks)
		g.f("\tJB %s", next)
		G := blocks * a.parts // gallery registers
		for i := 0; i < P*G; i++ {
			g.f("\t%s %s, %s, %s", a.zero, g.r(a, i), g.r(a, i), g.r(a, i))
		}
		g.f("\tMOVQ AX, R8")
		g.f("\tMOVQ SI, R9")
		g.f("\tMOVQ CX, R10")
		g.f("%s_row:", lbl)
		for j := 0; j < blocks; j++ {
			for p := 0; p < a.parts; p++ {
				g.loadGallery(a, e, j, p, g.r(a, galBase+j*a.parts+p))
			}
		}
		for p := 0; p < P; p++ {
			t := g.r(a, tmpBase+p%nTmp)
			g.broadcast(e, fmt.Sprintf("%d(R9)", p*4), t)
			for k := 0; k < G; k++ {
				g.madd(e, g.r(a, galBase+k), t, g.r(a, p*G+k))
			}
		}
		g.f("\tADDQ $%d, R8", e.rowBytes)
		g.f("\tADDQ $%d, R9", P*4)
		g.f("\tDECQ R10")
		g.f("\tJNZ %s_row", lbl)
		g.f("\tMOVQ DI, R11")
		if e.name == "i8" {
			g.f("\tMOVQ corr+48(FP), R9")
		}
		for p := 0; p < P; p++ {
			if e.name == "i8" {
				t := g.r(a, tmpBase)
				g.f("\tVPBROADCASTD %d(R9), %s", p*4, t)
				for k := 0; k < G; k++ {
					g.f("\tVPSUBD %s, %s, %s", t, g.r(a, p*G+k), g.r(a, p*G+k))
				}
			}
			for k := 0; k < G; k++ {
				g.f("\tVMOVUPS %s, %d(R11)", g.r(a, p*G+k), k*64/a.parts)
			}
			if p+1 < P {
				g.f("\tADDQ R12, R11")
			}
		}
		g.nextBlocks(blocks, lbl)
	}
	g.epilogue()
}

// i8OneAVX512 writes the one-probe int8 kernel for AVX-512 VNNI. Integer
// sums do not depend on their order, so instead of several blocks at once
// (several memory streams, as the float kernels need for independent
// accumulators) it reads one block at a time, one sequential stream, with
// four accumulators taking turns over the rows.
func (g *gen) i8OneAVX512() {
	g.f("// func i8OneAVX512(out *int32, probe *int8, gal *int8, dim, nb int, corr int32)")
	g.f("TEXT ·i8OneAVX512(SB), NOSPLIT, $0-44")
	g.f("\tMOVQ out+0(FP), DI")
	g.f("\tMOVQ probe+8(FP), SI")
	g.f("\tMOVQ gal+16(FP), AX")
	g.f("\tMOVQ dim+24(FP), CX")
	g.f("\tMOVQ nb+32(FP), BX")
	g.rowsAndBlockBytes(i8)
	g.prologueConst(i8)
	g.f("\tMOVL corr+40(FP), R11")
	g.f("\tVPBROADCASTD R11, Z30")
	g.f("block:")
	g.f("\tTESTQ BX, BX")
	g.f("\tJZ done")
	for i := 0; i < 4; i++ {
		g.f("\tVPXORD Z%d, Z%d, Z%d", i, i, i)
	}
	g.f("\tMOVQ AX, R8")
	g.f("\tMOVQ SI, R9")
	g.f("\tMOVQ CX, R10")
	g.f("rows4:")
	g.f("\tCMPQ R10, $4")
	g.f("\tJB rows1")
	for r := 0; r < 4; r++ {
		g.f("\tVPBROADCASTD %d(R9), Z%d", 4*r, 16+r)
		g.f("\tVPXORD %d(R8), Z31, Z%d", 64*r, 8+r)
		g.f("\tVPDPBUSD Z%d, Z%d, Z%d", 16+r, 8+r, r)
	}
	g.f("\tADDQ $256, R8")
	g.f("\tADDQ $16, R9")
	g.f("\tSUBQ $4, R10")
	g.f("\tJMP rows4")
	g.f("rows1:")
	g.f("\tTESTQ R10, R10")
	g.f("\tJZ sum")
	g.f("\tVPBROADCASTD (R9), Z16")
	g.f("\tVPXORD (R8), Z31, Z8")
	g.f("\tVPDPBUSD Z16, Z8, Z0")
	g.f("\tADDQ $64, R8")
	g.f("\tADDQ $4, R9")
	g.f("\tDECQ R10")
	g.f("\tJMP rows1")
	g.f("sum:")
	g.f("\tVPADDD Z1, Z0, Z0")
	g.f("\tVPADDD Z3, Z2, Z2")
	g.f("\tVPADDD Z2, Z0, Z0")
	g.f("\tVPSUBD Z30, Z0, Z0")
	g.f("\tVMOVUPS Z0, (DI)")
	g.f("\tADDQ $64, DI")
	g.f("\tADDQ DX, AX")
	g.f("\tDECQ BX")
	g.f("\tJMP block")
	g.epilogue()
}

// i8AVX2Row accumulates one row (four dimensions of sixteen lanes) of the
// block at address base into acc[0..3], one register per four lanes: the
// bytes are sign-extended to words and multiplied with the probe's four
// words (in Y15 or pr) by VPMADDWD, which sums pairs exactly into dwords.
// AVX2 has no VNNI, and VPMADDUBSW would saturate; this path is exact.
func (g *gen) i8AVX2Row(base string, acc [4]int, pr string, tmps [2]int) {
	for q := 0; q < 4; q++ {
		t := fmt.Sprintf("Y%d", tmps[q%2])
		off := ""
		if q > 0 {
			off = fmt.Sprint(16 * q)
		}
		g.f("\tVPMOVSXBW %s%s, %s", off, base, t)
		g.f("\tVPMADDWD %s, %s, %s", pr, t, t)
		g.f("\tVPADDD %s, Y%d, Y%d", t, acc[q], acc[q])
	}
}

// i8AVX2Store folds the pair sums of acc[0..3] into sixteen lane sums and
// stores them at off(DI): VPHADDD adds neighbouring dwords (leaving lanes
// 0,1,4,5 | 2,3,6,7) and VPERMQ puts the lanes in order.
func (g *gen) i8AVX2Store(acc [4]int, off int, out string) {
	for h := 0; h < 2; h++ {
		a, b := acc[2*h], acc[2*h+1]
		g.f("\tVPHADDD Y%d, Y%d, Y%d", b, a, a)
		g.f("\tVPERMQ $0xd8, Y%d, Y%d", a, a)
		g.f("\tVMOVDQU Y%d, %d%s", a, off+32*h, out)
	}
}

// i8OneAVX2 writes the one-probe int8 kernel for AVX2: two blocks at a
// time, then one.
func (g *gen) i8OneAVX2() {
	g.f("// func i8OneAVX2(out *int32, probe *int8, gal *int8, dim, nb int, corr int32)")
	g.f("TEXT ·i8OneAVX2(SB), NOSPLIT, $0-44")
	g.f("\tMOVQ out+0(FP), DI")
	g.f("\tMOVQ probe+8(FP), SI")
	g.f("\tMOVQ gal+16(FP), AX")
	g.f("\tMOVQ dim+24(FP), CX")
	g.f("\tMOVQ nb+32(FP), BX")
	g.rowsAndBlockBytes(i8)
	for _, blocks := range []int{2, 1} {
		lbl := fmt.Sprintf("blocks%d", blocks)
		next := "done"
		if blocks == 2 {
			next = "blocks1"
		}
		g.f("%s:", lbl)
		g.f("\tCMPQ BX, $%d", blocks)
		g.f("\tJB %s", next)
		for i := 0; i < 4*blocks; i++ {
			g.f("\tVPXOR Y%d, Y%d, Y%d", i, i, i)
		}
		g.f("\tMOVQ AX, R8")
		g.f("\tMOVQ SI, R9")
		g.f("\tMOVQ CX, R10")
		g.f("%s_row:", lbl)
		g.f("\tVPBROADCASTD (R9), X15")
		g.f("\tVPMOVSXBW X15, Y15")
		g.i8AVX2Row("(R8)", [4]int{0, 1, 2, 3}, "Y15", [2]int{8, 9})
		if blocks == 2 {
			g.i8AVX2Row("(R8)(DX*1)", [4]int{4, 5, 6, 7}, "Y15", [2]int{10, 11})
		}
		g.f("\tADDQ $64, R8")
		g.f("\tADDQ $4, R9")
		g.f("\tDECQ R10")
		g.f("\tJNZ %s_row", lbl)
		g.i8AVX2Store([4]int{0, 1, 2, 3}, 0, "(DI)")
		if blocks == 2 {
			g.i8AVX2Store([4]int{4, 5, 6, 7}, 64, "(DI)")
		}
		g.nextBlocks(blocks, lbl)
	}
	g.epilogue()
}

// i8TileAVX2 writes the int8 tile kernel for AVX2: tile probes (even),
// scored two at a time against each block (eight accumulators is what
// sixteen registers allow); the block's rows stay in L1 for the next pair.
// The tile size is an argument so that AVX-512 CPUs without VNNI can run it
// on their tiles of eight.
func (g *gen) i8TileAVX2() {
	g.f("// func i8TileAVX2(out *int32, stride int, probesT *int8, gal *int8, dim, nb, tile int)")
	g.f("TEXT ·i8TileAVX2(SB), NOSPLIT, $0-56")
	g.f("\tMOVQ out+0(FP), DI")
	g.f("\tMOVQ stride+8(FP), R12")
	g.f("\tSHLQ $2, R12")
	g.f("\tMOVQ probesT+16(FP), SI")
	g.f("\tMOVQ gal+24(FP), AX")
	g.f("\tMOVQ dim+32(FP), CX")
	g.f("\tMOVQ nb+40(FP), BX")
	g.rowsAndBlockBytes(i8)
	g.f("block:")
	g.f("\tTESTQ BX, BX")
	g.f("\tJZ done")
	g.f("\tXORQ R13, R13") // first probe of the pair
	g.f("pair:")
	for i := 0; i < 8; i++ {
		g.f("\tVPXOR Y%d, Y%d, Y%d", i, i, i)
	}
	g.f("\tMOVQ AX, R8")
	g.f("\tLEAQ (SI)(R13*4), R9")
	g.f("\tMOVQ tile+48(FP), R11")
	g.f("\tSHLQ $2, R11") // probe bytes per row
	g.f("\tMOVQ CX, R10")
	g.f("pair_row:")
	g.f("\tVPBROADCASTD (R9), X12")
	g.f("\tVPMOVSXBW X12, Y12")
	g.f("\tVPBROADCASTD 4(R9), X13")
	g.f("\tVPMOVSXBW X13, Y13")
	for q := 0; q < 4; q++ {
		off := ""
		if q > 0 {
			off = fmt.Sprint(16 * q)
		}
		g.f("\tVPMOVSXBW %s(R8), Y%d", off, 8+q)
	}
	for p := 0; p < 2; p++ {
		for q := 0; q < 4; q++ {
			t := fmt.Sprintf("Y%d", 14+q%2)
			g.f("\tVPMADDWD Y%d, Y%d, %s", 12+p, 8+q, t)
			g.f("\tVPADDD %s, Y%d, Y%d", t, 4*p+q, 4*p+q)
		}
	}
	g.f("\tADDQ $64, R8")
	g.f("\tADDQ R11, R9")
	g.f("\tDECQ R10")
	g.f("\tJNZ pair_row")
	// Rows of the pair: out + probe·stride and the next.
	g.f("\tMOVQ R13, R11")
	g.f("\tIMULQ R12, R11")
	g.f("\tADDQ DI, R11")
	g.i8AVX2Store([4]int{0, 1, 2, 3}, 0, "(R11)")
	g.f("\tADDQ R12, R11")
	g.i8AVX2Store([4]int{4, 5, 6, 7}, 0, "(R11)")
	g.f("\tADDQ $2, R13")
	g.f("\tCMPQ R13, tile+48(FP)")
	g.f("\tJB pair")
	g.f("\tADDQ $64, DI")
	g.f("\tADDQ DX, AX")
	g.f("\tDECQ BX")
	g.f("\tJMP block")
	g.epilogue()
}

// sum writes the read-bandwidth kernel: a STREAM-like sum of n float32 (n
// a multiple of 128) into eight accumulators, one sequential stream.
// (Reading the array as four streams, one per quarter, measured no faster.)
func (g *gen) sum() {
	g.f("// func sumF32AVX512(x *float32, n int) float32")
	g.f("TEXT ·sumF32AVX512(SB), NOSPLIT, $0-20")
	g.f("\tMOVQ x+0(FP), SI")
	g.f("\tMOVQ n+8(FP), CX")
	g.f("\tSHRQ $7, CX")
	for i := 0; i < 8; i++ {
		g.f("\tVPXORD Z%d, Z%d, Z%d", i, i, i)
	}
	g.f("\tTESTQ CX, CX")
	g.f("\tJZ reduce")
	g.f("loop:")
	for i := 0; i < 8; i++ {
		g.f("\tVADDPS %d(SI), Z%d, Z%d", i*64, i, i)
	}
	g.f("\tADDQ $512, SI")
	g.f("\tDECQ CX")
	g.f("\tJNZ loop")
	g.f("reduce:")
	for _, p := range [][2]int{{0, 1}, {2, 3}, {4, 5}, {6, 7}, {0, 2}, {4, 6}, {0, 4}} {
		g.f("\tVADDPS Z%d, Z%d, Z%d", p[1], p[0], p[0])
	}
	g.f("\tVEXTRACTF64X4 $1, Z0, Y1")
	g.f("\tVADDPS Y1, Y0, Y0")
	g.f("\tVEXTRACTF128 $1, Y0, X1")
	g.f("\tVADDPS X1, X0, X0")
	g.f("\tVHADDPS X0, X0, X0")
	g.f("\tVHADDPS X0, X0, X0")
	g.f("\tMOVSS X0, ret+16(FP)")
	g.f("\tVZEROUPPER")
	g.f("\tRET")
}

func main() {
	out := flag.String("out", "kernels_amd64.s", "file to write")
	flag.Parse()
	var g gen
	g.f("// Code generated by _asm/vecdot/gen.go; DO NOT EDIT.")
	g.f("")
	g.f("//go:build amd64 && !purego")
	g.f("")
	g.f("#include \"textflag.h\"")
	g.f("")
	for _, a := range []isa{avx512, avx2} {
		for _, e := range []elem{f32, f16, i8} {
			switch {
			case e.name == "i8" && a.reg == "Y":
				g.i8OneAVX2()
				g.i8TileAVX2()
				continue
			case e.name == "i8":
				g.i8OneAVX512()
			default:
				g.one(a, e)
			}
			g.tile(a, e)
		}
	}
	g.sum()
	if err := os.WriteFile(*out, g.b.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}

// epilogue ends a kernel: the label its loops leave by, and the return
// (VZEROUPPER first, so that SSE code after it pays no transition).
func (g *gen) epilogue() {
	g.f("done:")
	g.f("\tVZEROUPPER")
	g.f("\tRET")
	g.f("")
}

// nextBlocks advances a tile loop past blocks gallery blocks: the output
// by 64 bytes a block, the gallery pointer by one block stride (DX) each,
// the block count, and jumps back to lbl.
func (g *gen) nextBlocks(blocks int, lbl string) {
	g.f("\tADDQ $%d, DI", 64*blocks)
	for range blocks {
		g.f("\tADDQ DX, AX")
	}
	g.f("\tSUBQ $%d, BX", blocks)
	g.f("\tJMP %s", lbl)
}
