package vecdot

import "math"

// FMA32 is a·b+c rounded once to float32, as VFMADD231PS computes it.
//
// The product of two float32 values is exact in float64 (48 significant
// bits), so p+c in float64 is the exact sum rounded once. Rounding that to
// float32 gives the correctly rounded result except when the float64 sum
// landed exactly on a float32 midpoint and the exact sum was not there: then
// the rounding error of the float64 addition, recovered by TwoSum, says
// which way the exact value lies.
func FMA32(a, b, c float32) float32 {
	p := float64(a) * float64(b)
	cc := float64(c)
	s := p + cc
	// Fast path: in the float32 normal range a float64 is a float32
	// midpoint exactly when the 29 bits float32 drops read 1000…0.
	if a := math.Abs(s); a >= 0x1p-126 && math.Float64bits(s)&(1<<29-1) != 1<<28 {
		return float32(s)
	}
	r := float32(s)
	if float64(r) == s || math.IsInf(s, 0) || math.IsNaN(s) {
		return r
	}
	other := math.Nextafter32(r, float32(math.Copysign(math.Inf(1), s-float64(r))))
	if s != (float64(r)+float64(other))/2 {
		return r // not a midpoint: one rounding or two agree
	}
	// TwoSum: err = (p + cc) − s exactly.
	bb := s - p
	err := (p - (s - bb)) + (cc - bb)
	switch {
	case err > 0:
		return float32(math.Nextafter(s, math.Inf(1)))
	case err < 0:
		return float32(math.Nextafter(s, math.Inf(-1)))
	}
	return r
}

// DotF32 is the dot product of a and b as every kernel computes it for one
// lane: a chain of float32 fused multiply-adds in dimension order. It serves
// 1:1 comparisons, whose scores thereby equal the scores a float32 gallery
// search gives for the same pair.
func DotF32(a, b []float32) float32 {
	b = b[:len(a)]
	var acc float32
	for i, x := range a {
		acc = FMA32(x, b[i], acc)
	}
	return acc
}

// DotI8 is the exact dot product of two int8 vectors.
func DotI8(a, b []int8) int32 {
	b = b[:len(a)]
	var acc int32
	for i, x := range a {
		acc += int32(x) * int32(b[i])
	}
	return acc
}
