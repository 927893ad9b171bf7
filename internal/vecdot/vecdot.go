package vecdot

import "fmt"

// Lanes is the number of gallery vectors in a block.
const Lanes = 16

// I8Group is the number of int8 dimensions kept together in a block row;
// int8 dimensions are padded to a multiple of it.
const I8Group = 4

// MaxTile bounds Kernels.Tile over every implementation.
const MaxTile = 8

// i8Bias is what the int8 kernels add to each gallery byte (by flipping its
// sign bit) so that VPDPBUSD, which multiplies unsigned by signed bytes, can
// take it; Σ p·(g+128) − 128·Σ p restores the exact signed product.
const i8Bias = 128

// Kernels is one implementation of the block kernels. The methods check the
// slice lengths once per call (the assembly behind them does not) and panic
// on a mismatch: they are called by this module's own code with sizes it
// derives itself, so a mismatch is a bug, not bad input.
type Kernels struct {
	name string
	tile int

	f32One  func(out, probe, gal []float32, dim int)
	f32Tile func(out []float32, stride int, probesT, gal []float32, dim int)
	f16One  func(out, probe []float32, gal []uint16, dim int)
	f16Tile func(out []float32, stride int, probesT []float32, gal []uint16, dim int)
	i8One   func(out []int32, probe []int8, gal []int8, dim int, corr int32)
	i8Tile  func(out []int32, stride int, probesT []int8, gal []int8, dim int, corr *[MaxTile]int32)
}

// Name says which instruction set the kernels use.
func (k *Kernels) Name() string { return k.name }

// Tile is the number of probes the tile kernels score in one pass.
func (k *Kernels) Tile() int { return k.tile }

func blocksOf(galLen, dim int) int {
	if dim <= 0 || galLen%(dim*Lanes) != 0 {
		panic(fmt.Sprintf("vecdot: gallery of %d elements is not whole blocks of dimension %d", galLen, dim))
	}
	return galLen / (dim * Lanes)
}

func checkOut(outLen, nb int) {
	if outLen < nb*Lanes {
		panic(fmt.Sprintf("vecdot: %d scores do not hold %d blocks", outLen, nb))
	}
}

func checkTileOut(outLen, stride, rows, nb int) {
	if stride < nb*Lanes || outLen < (rows-1)*stride+nb*Lanes {
		panic(fmt.Sprintf("vecdot: %d scores with stride %d do not hold %d rows of %d blocks", outLen, stride, rows, nb))
	}
}

// F32 scores one probe against float32 blocks: out[i] is the dot product of
// probe and vector i of gal (dim = len(probe)).
func (k *Kernels) F32(out, probe, gal []float32) {
	dim := len(probe)
	nb := blocksOf(len(gal), dim)
	checkOut(len(out), nb)
	if nb > 0 {
		k.f32One(out, probe, gal, dim)
	}
}

// F32Tile scores Tile probes, packed by PackF32, against float32 blocks:
// out[p*stride+i] is the score of probe p and vector i.
func (k *Kernels) F32Tile(out []float32, stride int, probesT, gal []float32, dim int) {
	if len(probesT) != dim*k.tile {
		panic(fmt.Sprintf("vecdot: packed tile has %d elements, want %d", len(probesT), dim*k.tile))
	}
	nb := blocksOf(len(gal), dim)
	checkTileOut(len(out), stride, k.tile, nb)
	if nb > 0 {
		k.f32Tile(out, stride, probesT, gal, dim)
	}
}

// F16 scores one float32 probe against float16 blocks.
func (k *Kernels) F16(out, probe []float32, gal []uint16) {
	dim := len(probe)
	nb := blocksOf(len(gal), dim)
	checkOut(len(out), nb)
	if nb > 0 {
		k.f16One(out, probe, gal, dim)
	}
}

// F16Tile scores Tile probes, packed by PackF32, against float16 blocks.
func (k *Kernels) F16Tile(out []float32, stride int, probesT []float32, gal []uint16, dim int) {
	if len(probesT) != dim*k.tile {
		panic(fmt.Sprintf("vecdot: packed tile has %d elements, want %d", len(probesT), dim*k.tile))
	}
	nb := blocksOf(len(gal), dim)
	checkTileOut(len(out), stride, k.tile, nb)
	if nb > 0 {
		k.f16Tile(out, stride, probesT, gal, dim)
	}
}

// I8Probe is an int8 probe with what the kernels need besides its bytes:
// the sum of its coordinates, which undoes their unsigned bias.
type I8Probe struct {
	v    []int8
	bias int32
}

// NewI8Probe prepares v (its length a multiple of I8Group) for I8. It
// keeps v, which must not change while the probe is in use.
func NewI8Probe(v []int8) I8Probe {
	if len(v)%I8Group != 0 {
		panic(fmt.Sprintf("vecdot: int8 dimension %d is not a multiple of %d", len(v), I8Group))
	}
	return I8Probe{v: v, bias: i8Bias * sumI8(v)}
}

// I8 scores one int8 probe against int8 blocks. Scores are exact integer
// dot products.
func (k *Kernels) I8(out []int32, probe I8Probe, gal []int8) {
	dim := len(probe.v)
	nb := blocksOf(len(gal), dim)
	checkOut(len(out), nb)
	if nb > 0 {
		k.i8One(out, probe.v, gal, dim, probe.bias)
	}
}

// I8Packed is a tile of int8 probes laid out by PackI8.
type I8Packed struct {
	v    []int8
	bias [MaxTile]int32
}

// I8Tile scores a tile of int8 probes, packed by PackI8, against int8
// blocks: out[p*stride+i] is the score of probe p and vector i.
func (k *Kernels) I8Tile(out []int32, stride int, probes I8Packed, gal []int8, dim int) {
	if dim%I8Group != 0 || len(probes.v) != dim*k.tile {
		panic(fmt.Sprintf("vecdot: packed int8 tile has %d elements, want %d (dimension %d, a multiple of %d)", len(probes.v), dim*k.tile, dim, I8Group))
	}
	nb := blocksOf(len(gal), dim)
	checkTileOut(len(out), stride, k.tile, nb)
	if nb > 0 {
		k.i8Tile(out, stride, probes.v, gal, dim, &probes.bias)
	}
}

func sumI8(v []int8) int32 {
	var s int32
	for _, x := range v {
		s += int32(x)
	}
	return s
}

// PackF32 lays out Tile probes (row-major, Tile×dim) for F32Tile and
// F16Tile: dst[d*Tile+p] = probes[p*dim+d].
func (k *Kernels) PackF32(dst, probes []float32, dim int) {
	t := k.tile
	if len(probes) != t*dim || len(dst) != t*dim {
		panic("vecdot: PackF32 needs Tile×dim probes and destination")
	}
	for p := range t {
		row := probes[p*dim : (p+1)*dim]
		for d, v := range row {
			dst[d*t+p] = v
		}
	}
}

// PackI8 lays out Tile int8 probes (row-major, Tile×dim, dim a multiple of
// I8Group) in dst for I8Tile: each probe's groups of four bytes,
// interleaved. The result keeps dst.
func (k *Kernels) PackI8(dst, probes []int8, dim int) I8Packed {
	t := k.tile
	if dim%I8Group != 0 || len(probes) != t*dim || len(dst) != t*dim {
		panic("vecdot: PackI8 needs Tile×dim probes and destination, dim a multiple of 4")
	}
	p := I8Packed{v: dst}
	for i := range t {
		for g := 0; g < dim/I8Group; g++ {
			copy(dst[(g*t+i)*I8Group:(g*t+i+1)*I8Group], probes[i*dim+g*I8Group:i*dim+(g+1)*I8Group])
		}
		p.bias[i] = i8Bias * sumI8(probes[i*dim:(i+1)*dim])
	}
	return p
}

// BlockOffset is the index in a float32 or float16 block slice of element d
// of vector i.
func BlockOffset(i, d, dim int) int {
	return (i/Lanes)*dim*Lanes + d*Lanes + i%Lanes
}

// I8Offset is the index in an int8 block slice of element d of vector i
// (dim a multiple of I8Group).
func I8Offset(i, d, dim int) int {
	return (i/Lanes)*dim*Lanes + (d/I8Group)*Lanes*I8Group + (i%Lanes)*I8Group + d%I8Group
}

// StoreF32 writes v as vector i of float32 blocks of dimension len(v).
func StoreF32(blocks []float32, i int, v []float32) {
	dim := len(v)
	base := (i/Lanes)*dim*Lanes + i%Lanes
	for d, x := range v {
		blocks[base+d*Lanes] = x
	}
}

// StoreF16 writes v as vector i of float16 blocks of dimension len(v).
func StoreF16(blocks []uint16, i int, v []uint16) {
	dim := len(v)
	base := (i/Lanes)*dim*Lanes + i%Lanes
	for d, x := range v {
		blocks[base+d*Lanes] = x
	}
}

// StoreI8 writes v as vector i of int8 blocks of dimension len(v), a
// multiple of I8Group.
func StoreI8(blocks []int8, i int, v []int8) {
	dim := len(v)
	base := (i/Lanes)*dim*Lanes + (i%Lanes)*I8Group
	for g := 0; g < dim/I8Group; g++ {
		copy(blocks[base+g*Lanes*I8Group:base+g*Lanes*I8Group+I8Group], v[g*I8Group:(g+1)*I8Group])
	}
}

var implementations []*Kernels

// Active is the fastest implementation this CPU runs.
var Active *Kernels

// All lists every implementation this CPU runs, pure Go first.
func All() []*Kernels { return implementations }

func init() {
	implementations = append([]*Kernels{goKernels}, simdKernels()...)
	Active = implementations[len(implementations)-1]
}
