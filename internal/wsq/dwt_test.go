package wsq

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBandExtension(t *testing.T) {
	type want struct {
		idx  int
		sign float32
		ok   bool
	}
	at := func(e bandExt, n int, ms ...int) []want {
		var out []want
		for _, m := range ms {
			i, s, ok := e.at(m, n)
			out = append(out, want{i, s, ok})
		}
		return out
	}
	// Band a b c d (n = 4).
	ws := bandExt{left: extWS, right: extWS}
	assert.Equal(t, []want{{2, 1, true}, {1, 1, true}, {0, 1, true}, {3, 1, true}, {2, 1, true}, {1, 1, true}},
		at(ws, 4, -2, -1, 0, 3, 4, 5), "c b | a .. d | c b")
	hs := bandExt{left: extHS, right: extHS}
	assert.Equal(t, []want{{1, 1, true}, {0, 1, true}, {3, 1, true}, {2, 1, true}},
		at(hs, 4, -2, -1, 4, 5), "b a | a .. d | d c")
	anti := bandExt{left: extHS, right: extZero, anti: true}
	assert.Equal(t, []want{{0, -1, true}, {0, 0, false}, {3, -1, true}, {2, -1, true}},
		at(anti, 4, -1, 4, 5, 6), "-a | a .. d | 0 -d -c")
	// Reflection repeats for taps longer than the band.
	assert.Equal(t, []want{{0, 1, true}, {1, 1, true}}, at(ws, 2, 4, 5))
	// Degenerate bands.
	assert.Equal(t, []want{{0, 1, true}, {0, 1, true}}, at(ws, 1, -3, 7))
	assert.Equal(t, []want{{0, 0, false}}, at(hs, 0, 0))
}

// analyse is a forward transform written independently from the decoder,
// following the encoder's conventions: the image line is extended
// symmetrically (about its end samples for odd-length filters, half a
// sample beyond them for even ones), the lowpass band keeps the even
// output phase and the highpass band the odd one.
func analyse(x []float64, h0, h1 []float64, inv bool) []float64 {
	n := len(x)
	odd := len(h0)%2 == 1
	ext := func(i int) float64 {
		for i < 0 || i >= n {
			if n == 1 {
				return x[0]
			}
			switch {
			case i < 0 && odd:
				i = -i
			case i < 0:
				i = -1 - i
			case odd:
				i = 2*(n-1) - i
			default:
				i = 2*n - 1 - i
			}
		}
		return x[i]
	}
	// Centre offsets: odd filters centre on their middle tap; even ones
	// straddle the sample pair (2k, 2k+1).
	c0, c1 := len(h0)/2, len(h1)/2
	if !odd {
		c0, c1 = len(h0)/2-1, len(h1)/2-1
	}
	llen, hlen := (n+1)/2, n/2
	low := make([]float64, llen)
	high := make([]float64, hlen)
	for k := range low {
		for t, h := range h0 {
			low[k] += h * ext(2*k+t-c0)
		}
	}
	for k := range high {
		for t, h := range h1 {
			if odd {
				high[k] += h * ext(2*k+1+t-c1)
			} else {
				high[k] += h * ext(2*k+t-c1)
			}
		}
	}
	if inv {
		return append(high, low...)
	}
	return append(low, high...)
}

// full expands a stored half filter (centre outwards) to its taps.
func full(half []float64, n int, antisym bool) []float64 {
	f := make([]float64, n)
	if n%2 == 1 {
		c := n / 2
		for j, v := range half {
			f[c+j], f[c-j] = v, v
		}
		return f
	}
	k := n / 2
	for j, v := range half {
		f[k+j] = v
		f[k-1-j] = v
		if antisym {
			f[k-1-j] = -v
		}
	}
	return f
}

// synthesiseLine runs one line through both the row pass (on five equal
// rows, covering the four-row and single-row paths) and the column pass;
// it returns nil unless all of them agree exactly.
func synthesiseLine(b *filterBank, coefs []float64, inv bool) []float64 {
	n := len(coefs)
	const rows = 5
	tmp := make([]float32, rows*n)
	for i := range tmp {
		tmp[i] = float32(coefs[i%n])
	}
	pix := make([]float32, rows*n)
	ext := make([]float32, 4*(n+2*maxFilterTaps+4))
	b.rows(pix, n, splitNode{r: rect{0, 0, n, rows}, invX: inv}, tmp, ext)
	col := make([]float32, n)
	b.columns(tmp[:n], 1, splitNode{r: rect{0, 0, 1, n}, invY: inv}, col)
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(col[i])
		for r := range rows {
			if pix[r*n+i] != col[i] {
				return nil
			}
		}
	}
	return out
}

func checkPerfectReconstruction(t *testing.T, name string, b *filterBank, h0, h1 []float64, minLen int) {
	rng := rand.New(rand.NewPCG(9, 10))
	for n := minLen; n <= 41; n++ {
		for _, inv := range []bool{false, true} {
			x := make([]float64, n)
			for i := range x {
				x[i] = rng.Float64()*200 - 100
			}
			got := synthesiseLine(b, analyse(x, h0, h1, inv), inv)
			require.NotNil(t, got, "%s n=%d inv=%v: row and column passes disagree", name, n, inv)
			for i := range x {
				require.InDelta(t, x[i], got[i], 1e-3, "%s n=%d inv=%v sample %d", name, n, inv, i)
			}
		}
	}
}

func TestPerfectReconstruction97(t *testing.T) {
	half := func(cs []filterCoef) []float64 {
		out := make([]float64, len(cs))
		for i, c := range cs {
			out[i] = float64(c.val) / math.Pow(10, float64(c.scale))
			if c.sign != 0 {
				out[i] = -out[i]
			}
		}
		return out
	}
	lo, hi := half(std97Lo), half(std97Hi)
	b := newFilterBank(9, toF32(lo), 7, toF32(hi))
	checkPerfectReconstruction(t, "9/7", b, full(lo, 9, false), full(hi, 7, false), 1)
}

func TestPerfectReconstructionEvenFilters(t *testing.T) {
	r := math.Sqrt2 / 2
	// Haar: lowpass (1,1)/sqrt2, highpass (-1,1)/sqrt2.
	haar := newFilterBank(2, toF32([]float64{r}), 2, toF32([]float64{-r}))
	checkPerfectReconstruction(t, "haar", haar, []float64{r, r}, []float64{-r, r}, 1)

	// A 6/2 biorthogonal pair (Cohen-Daubechies-Feauveau 1.3): the
	// lowpass is (-1, 1, 8, 8, 1, -1)*sqrt2/16, the highpass Haar's.
	e := math.Sqrt2 / 16
	lo6 := []float64{8 * e, 1 * e, -1 * e}
	b := newFilterBank(6, toF32(lo6), 2, toF32([]float64{-r}))
	checkPerfectReconstruction(t, "cdf 1.3", b, full(lo6, 6, false), []float64{-r, r}, 3)
}

func toF32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

func TestFilterBankFromTable(t *testing.T) {
	half := []float32{0.5, 0.25, -0.125}
	b := newFilterBank(5, half, 5, half)
	// Odd: the synthesis highpass is the analysis lowpass modulated by
	// (-1)^n about its centre, and likewise the lowpass.
	assert.Equal(t, []float32{-0.125, -0.25, 0.5, -0.25, -0.125}, b.hi)
	assert.Equal(t, []float32{-0.125, -0.25, 0.5, -0.25, -0.125}, b.lo)
	assert.True(t, b.odd)

	b = newFilterBank(4, []float32{0.5, 0.25}, 4, []float32{0.5, 0.25})
	assert.False(t, b.odd)
	assert.Equal(t, []float32{0.25, -0.5, -0.5, 0.25}, b.lo, "even lowpass is symmetric")
	assert.Equal(t, []float32{-0.25, 0.5, -0.5, 0.25}, b.hi, "even highpass is antisymmetric")
}

// Every filter length the DTT allows, with lines of every short length and
// both inversions: the row form and the column form of a plan must agree
// exactly (synthesiseLine checks), and nothing may index out of range.
func TestPlansForAllFilterLengths(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	half := func(n int) []float32 {
		h := make([]float32, (n+1)/2)
		for i := range h {
			h[i] = rng.Float32()*2 - 1
		}
		return h
	}
	for nLo := 1; nLo <= maxFilterTaps; nLo++ {
		// The DTT parser only accepts pairs of equal parity.
		p := 2 - nLo%2
		for _, nHi := range []int{p, p + 2, p + 6, maxFilterTaps - nLo%2} {
			b := newFilterBank(nLo, half(nLo), nHi, half(nHi))
			for _, n := range []int{1, 2, 3, 4, 5, 8, 13, 64, 71} {
				for _, inv := range []bool{false, true} {
					x := make([]float64, n)
					for i := range x {
						x[i] = rng.Float64()
					}
					require.NotNil(t, synthesiseLine(b, x, inv), "filters %d/%d, n=%d inv=%v", nLo, nHi, n, inv)
				}
			}
		}
	}
}
