package facial

import (
	"fmt"
	"math"

	"github.com/openbms/bms/internal/vecdot"
)

// Storage is how a gallery keeps its vectors. Smaller storage scans faster
// (a scan reads every stored byte) and costs a little accuracy.
type Storage uint8

const (
	// Float32 keeps the normalised embedding exactly: 4 bytes a value.
	Float32 Storage = iota
	// Float16 rounds each value to IEEE binary16 (about 3 decimal digits):
	// 2 bytes a value; probes stay float32.
	Float16
	// Int8 keeps each vector as signed bytes times one float32 scale
	// (symmetric, per vector: the largest |value| maps to 127): 1 byte a
	// value plus 4 a vector. Probes are quantised the same way and the
	// products are summed exactly in integers.
	Int8
)

// Storages lists every storage type.
var Storages = []Storage{Float32, Float16, Int8}

func (s Storage) String() string {
	switch s {
	case Float32:
		return "float32"
	case Float16:
		return "float16"
	case Int8:
		return "int8"
	}
	return fmt.Sprintf("Storage(%d)", uint8(s))
}

// ParseStorage reads a storage name as String writes it.
func ParseStorage(name string) (Storage, error) {
	for _, s := range Storages {
		if s.String() == name {
			return s, nil
		}
	}
	return 0, fmt.Errorf("facial: unknown storage %q (float32, float16 or int8)", name)
}

// BytesPerVector is what one stored vector of dimension dim occupies.
func (s Storage) BytesPerVector(dim int) int {
	switch s {
	case Float16:
		return 2 * dim
	case Int8:
		return padI8(dim) + 4
	}
	return 4 * dim
}

// padI8 rounds an int8 dimension up to the kernels' group of four; the
// padding is zero and adds nothing to a dot product.
func padI8(dim int) int { return (dim + vecdot.I8Group - 1) &^ (vecdot.I8Group - 1) }

// quantizeI8 writes v (unit length) as int8 values into dst (len padI8)
// and returns the scale that maps them back: v ≈ dst·scale.
func quantizeI8(dst []int8, v []float32) float32 {
	var peak float32
	for _, x := range v {
		peak = max(peak, float32(math.Abs(float64(x))))
	}
	clear(dst)
	if peak == 0 {
		return 0
	}
	scale := peak / 127
	inv := 127 / float64(peak)
	for i, x := range v {
		q := math.RoundToEven(float64(x) * inv)
		dst[i] = int8(max(-127, min(127, q)))
	}
	return scale
}
