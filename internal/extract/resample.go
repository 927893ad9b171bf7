package extract

import "math"

// Resample scales an 8-bit grey image by scale (output/input) with a
// separable tent filter whose support widens when shrinking, so downscaling
// averages every input pixel (no aliasing of fine ridges) and upscaling is
// bilinear. It returns the new image and its size; dst is reused when large
// enough.
func Resample(src []uint8, w, h, stride int, scale float64, dst []uint8) ([]uint8, int, int) {
	dw := max(1, int(math.Round(float64(w)*scale)))
	dh := max(1, int(math.Round(float64(h)*scale)))
	if cap(dst) < dw*dh {
		dst = make([]uint8, dw*dh)
	}
	dst = dst[:dw*dh]
	xs, xw := tentWeights(w, dw, scale)
	ys, yw := tentWeights(h, dh, scale)
	tmp := make([]float32, dw*h)
	for y := range h {
		row := src[y*stride : y*stride+w]
		out := tmp[y*dw : (y+1)*dw]
		for x := range dw {
			var s float32
			for k, wt := range xw[x] {
				s += wt * float32(row[xs[x]+k])
			}
			out[x] = s
		}
	}
	for y := range dh {
		out := dst[y*dw : (y+1)*dw]
		for x := range dw {
			var s float32
			for k, wt := range yw[y] {
				s += wt * tmp[(ys[y]+k)*dw+x]
			}
			out[x] = uint8(min(255, max(0, s+0.5)))
		}
	}
	return dst, dw, dh
}

// tentWeights gives, per output sample, the first input index and the
// normalised weights of the inputs from there on.
func tentWeights(n, dn int, scale float64) ([]int, [][]float32) {
	r := max(1, 1/scale)
	starts := make([]int, dn)
	weights := make([][]float32, dn)
	for o := range dn {
		c := (float64(o)+0.5)/scale - 0.5
		lo := max(0, int(math.Ceil(c-r)))
		hi := min(n-1, int(math.Floor(c+r)))
		if hi < lo {
			lo = min(max(0, int(math.Round(c))), n-1)
			hi = lo
		}
		ws := make([]float32, hi-lo+1)
		var sum float64
		for i := lo; i <= hi; i++ {
			v := max(0, 1-math.Abs(float64(i)-c)/r)
			ws[i-lo] = float32(v)
			sum += v
		}
		if sum == 0 {
			ws[0], sum = 1, 1
		}
		for i := range ws {
			ws[i] /= float32(sum)
		}
		starts[o], weights[o] = lo, ws
	}
	return starts, weights
}
