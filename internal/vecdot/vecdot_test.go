package vecdot

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Edge shapes: dimensions that are odd, tiny or the largest supported, and
// block counts below, at and around every kernel's blocking (4 for the
// one-probe kernels, 3 for the AVX-512 tile kernel).
var (
	testDims   = []int{1, 3, 7, 16, 33, 128, 131, 512, 1024}
	testI8Dims = []int{4, 8, 12, 36, 128, 132, 512, 1024}
	testBlocks = []int{1, 2, 3, 4, 5, 7, 9}
)

// testExtra are kernel combinations this CPU does not select but others
// would.
var testExtra []*Kernels

func testKernels() []*Kernels { return append(append([]*Kernels(nil), All()...), testExtra...) }

func randF32(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

func randI8(rng *rand.Rand, n int) []int8 {
	v := make([]int8, n)
	for i := range v {
		v[i] = int8(rng.IntN(256) - 128) // includes −128, the widest product
	}
	return v
}

func randF16(rng *rand.Rand, n int) []uint16 {
	v := make([]uint16, n)
	for i := range v {
		v[i] = F32ToF16(float32(rng.NormFloat64()))
	}
	return v
}

func TestImplementationsListed(t *testing.T) {
	require.NotEmpty(t, All())
	assert.Equal(t, "go", All()[0].Name())
	assert.Same(t, All()[len(All())-1], Active)
	for _, k := range All() {
		assert.LessOrEqual(t, k.Tile(), MaxTile, k.Name())
		t.Logf("implementation %s, tile %d", k.Name(), k.Tile())
	}
}

// TestF32KernelsAgreeBitForBit runs every implementation on the same inputs
// and demands the reference's bits, and checks the reference against an
// exact float64 dot product within the error bound of a float32 sum.
func TestF32KernelsAgreeBitForBit(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	ref := All()[0]
	for _, dim := range testDims {
		for _, nb := range testBlocks {
			probe := randF32(rng, dim)
			gal := randF32(rng, nb*dim*Lanes)
			want := make([]float32, nb*Lanes)
			ref.F32(want, probe, gal)
			for i := range Lanes { // the reference against exact arithmetic, first block
				var exact float64
				var bound float64
				for d := range dim {
					x := float64(probe[d]) * float64(gal[BlockOffset(i, d, dim)])
					exact += x
					bound += math.Abs(x)
				}
				require.InDelta(t, exact, float64(want[i]), bound*float64(dim)*0x1p-23+1e-30, "dim %d vector %d", dim, i)
				require.Equal(t, DotF32(probe, vectorF32(gal, i, dim)), want[i], "DotF32 differs from lane %d", i)
			}
			for _, k := range All()[1:] {
				got := make([]float32, nb*Lanes+1)
				got[nb*Lanes] = 42
				k.F32(got, probe, gal)
				require.Equal(t, bitsF32(want), bitsF32(got[:nb*Lanes]), "%s dim %d blocks %d", k.Name(), dim, nb)
				require.Equal(t, float32(42), got[nb*Lanes], "%s wrote past the scores", k.Name())
			}
		}
	}
}

func TestF16KernelsAgreeBitForBit(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	ref := All()[0]
	for _, dim := range testDims {
		for _, nb := range testBlocks {
			probe := randF32(rng, dim)
			gal := randF16(rng, nb*dim*Lanes)
			want := make([]float32, nb*Lanes)
			ref.F16(want, probe, gal)
			// float16 storage widened exactly must score as float32 storage.
			wide := make([]float32, len(gal))
			for i, h := range gal {
				wide[i] = F16ToF32(h)
			}
			viaF32 := make([]float32, nb*Lanes)
			ref.F32(viaF32, probe, wide)
			require.Equal(t, bitsF32(viaF32), bitsF32(want))
			for _, k := range All()[1:] {
				got := make([]float32, nb*Lanes)
				k.F16(got, probe, gal)
				require.Equal(t, bitsF32(want), bitsF32(got), "%s dim %d blocks %d", k.Name(), dim, nb)
			}
		}
	}
}

func TestI8KernelsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, dim := range testI8Dims {
		for _, nb := range testBlocks {
			probe := randI8(rng, dim)
			gal := randI8(rng, nb*dim*Lanes)
			if nb == 1 {
				// Extremes: −128·−128 in every product.
				for i := range probe {
					probe[i] = -128
				}
				for i := range gal {
					gal[i] = -128
				}
			}
			want := make([]int32, nb*Lanes)
			for i := range want {
				v := make([]int8, dim)
				for d := range dim {
					v[d] = gal[I8Offset(i, d, dim)]
				}
				want[i] = DotI8(probe, v)
			}
			for _, k := range testKernels() {
				got := make([]int32, nb*Lanes)
				k.I8(got, NewI8Probe(probe), gal)
				require.Equal(t, want, got, "%s dim %d blocks %d", k.Name(), dim, nb)
			}
		}
	}
}

func TestTileKernelsEqualOneProbeKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, k := range testKernels() {
		tl := k.Tile()
		for _, dim := range []int{4, 12, 132, 512} {
			for _, nb := range testBlocks {
				probes := randF32(rng, tl*dim)
				gal := randF32(rng, nb*dim*Lanes)
				gal16 := randF16(rng, nb*dim*Lanes)
				probes8 := randI8(rng, tl*dim)
				gal8 := randI8(rng, nb*dim*Lanes)
				stride := nb*Lanes + 3 // rows not packed: checks the stride
				packed := make([]float32, tl*dim)
				k.PackF32(packed, probes, dim)
				packed8 := k.PackI8(make([]int8, tl*dim), probes8, dim)
				out32 := make([]float32, tl*stride)
				out16 := make([]float32, tl*stride)
				out8 := make([]int32, tl*stride)
				k.F32Tile(out32, stride, packed, gal, dim)
				k.F16Tile(out16, stride, packed, gal16, dim)
				k.I8Tile(out8, stride, packed8, gal8, dim)
				for p := range tl {
					one := make([]float32, nb*Lanes)
					k.F32(one, probes[p*dim:(p+1)*dim], gal)
					require.Equal(t, bitsF32(one), bitsF32(out32[p*stride:p*stride+nb*Lanes]), "%s f32 dim %d blocks %d probe %d", k.Name(), dim, nb, p)
					k.F16(one, probes[p*dim:(p+1)*dim], gal16)
					require.Equal(t, bitsF32(one), bitsF32(out16[p*stride:p*stride+nb*Lanes]), "%s f16 dim %d blocks %d probe %d", k.Name(), dim, nb, p)
					one8 := make([]int32, nb*Lanes)
					k.I8(one8, NewI8Probe(probes8[p*dim:(p+1)*dim]), gal8)
					require.Equal(t, one8, out8[p*stride:p*stride+nb*Lanes], "%s i8 dim %d blocks %d probe %d", k.Name(), dim, nb, p)
					for i := nb * Lanes; i < stride && p+1 < tl; i++ {
						require.Zero(t, out32[p*stride+i], "%s wrote into the gap between rows", k.Name())
					}
				}
			}
		}
	}
}

func TestKernelsPanicOnMismatchedSizes(t *testing.T) {
	k := Active
	assert.Panics(t, func() { k.F32(make([]float32, 16), make([]float32, 3), make([]float32, 47)) })
	assert.Panics(t, func() { k.F32(make([]float32, 15), make([]float32, 3), make([]float32, 48)) })
	assert.Panics(t, func() { k.I8(make([]int32, 15), NewI8Probe(make([]int8, 4)), make([]int8, 64)) })
	assert.Panics(t, func() { NewI8Probe(make([]int8, 3)) })
	assert.NotPanics(t, func() { k.F32(nil, make([]float32, 3), nil) })
}

// TestFMA32IsCorrectlyRounded checks the emulation against exact rational
// arithmetic, on random operands and on operands built to put the float64
// sum exactly on a float32 midpoint.
func TestFMA32IsCorrectlyRounded(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	check := func(a, b, c float32) {
		exact := new(big.Float).SetPrec(0).SetMode(big.ToNearestEven)
		exact.SetPrec(400)
		exact.Mul(big.NewFloat(float64(a)).SetPrec(400), big.NewFloat(float64(b)).SetPrec(400))
		exact.Add(exact, big.NewFloat(float64(c)).SetPrec(400))
		want, _ := exact.Float32()
		got := FMA32(a, b, c)
		require.Equal(t, math.Float32bits(want), math.Float32bits(got), "fma(%g, %g, %g)", a, b, c)
	}
	for range 50000 {
		a := float32(rng.NormFloat64())
		b := float32(rng.NormFloat64() * math.Exp2(float64(rng.IntN(60)-30)))
		c := float32(rng.NormFloat64() * math.Exp2(float64(rng.IntN(60)-30)))
		check(a, b, c)
	}
	// a·b = 1 + 2⁻¹¹ + 2⁻²⁴ is a float32 midpoint; a tiny c decides.
	a := float32(1 + 0x1p-12)
	for _, c := range []float32{0x1p-80, -0x1p-80, 0x1p-60, -0x1p-60, 0, 0x1p-149, -0x1p-149} {
		check(a, a, c)
		check(-a, a, c)
	}
	check(0x1p-75, 0x1p-75, 0x1p-149) // subnormal result
	check(float32(math.Inf(1)), 1, 1)
}

func TestF16Conversion(t *testing.T) {
	for h := range 1 << 16 {
		f := F16ToF32(uint16(h))
		if math.IsNaN(float64(f)) {
			require.True(t, math.IsNaN(float64(F16ToF32(F32ToF16(f)))))
			continue
		}
		if got := F32ToF16(f); got != uint16(h) {
			t.Fatalf("round trip of %#04x gives %#04x", h, got)
		}
	}
	// Midpoints between neighbouring halves round to the even one; a hair
	// either side rounds to the nearer.
	for h := uint16(0); h < 0x7bff; h++ {
		lo, hi := F16ToF32(h), F16ToF32(h+1)
		mid := float32((float64(lo) + float64(hi)) / 2)
		even := h
		if h&1 == 1 {
			even = h + 1
		}
		below, above := math.Nextafter32(mid, 0), math.Nextafter32(mid, float32(math.Inf(1)))
		if F32ToF16(mid) != even || F32ToF16(below) != h || F32ToF16(above) != h+1 {
			t.Fatalf("rounding around the midpoint above %#04x: %#04x %#04x %#04x", h, F32ToF16(below), F32ToF16(mid), F32ToF16(above))
		}
	}
	assert.Equal(t, uint16(0x7c00), F32ToF16(70000))
	assert.Equal(t, uint16(0xfc00), F32ToF16(-70000))
	assert.Equal(t, uint16(0x8000), F32ToF16(-1e-10))
}

func TestSumF32(t *testing.T) {
	for _, n := range []int{0, 1, 127, 128, 129, 1000, 4096} {
		x := make([]float32, n)
		for i := range x {
			x[i] = 1
		}
		assert.Equal(t, float32(n), SumF32(x), "n=%d", n)
	}
	assert.Positive(t, ReadBandwidth(make([]float32, 1<<16), 2, 2))
}

func TestLayoutOffsetsMatchStores(t *testing.T) {
	const dim = 8
	f := make([]float32, 2*dim*Lanes)
	h := make([]uint16, 2*dim*Lanes)
	b := make([]int8, 2*dim*Lanes)
	v := make([]float32, dim)
	vh := make([]uint16, dim)
	vb := make([]int8, dim)
	for d := range dim {
		v[d], vh[d], vb[d] = float32(d+1), uint16(d+1), int8(d+1)
	}
	StoreF32(f, 19, v)
	StoreF16(h, 19, vh)
	StoreI8(b, 19, vb)
	for d := range dim {
		assert.Equal(t, float32(d+1), f[BlockOffset(19, d, dim)])
		assert.Equal(t, uint16(d+1), h[BlockOffset(19, d, dim)])
		assert.Equal(t, int8(d+1), b[I8Offset(19, d, dim)])
	}
}

func vectorF32(gal []float32, i, dim int) []float32 {
	v := make([]float32, dim)
	for d := range v {
		v[d] = gal[BlockOffset(i, d, dim)]
	}
	return v
}

func bitsF32(v []float32) []uint32 {
	out := make([]uint32, len(v))
	for i, x := range v {
		out[i] = math.Float32bits(x)
	}
	return out
}
