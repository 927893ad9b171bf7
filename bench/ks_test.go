package bench

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestKolmogorovSmirnov(t *testing.T) {
	d, p := KolmogorovSmirnov([]float64{1, 2, 3}, []float64{1, 2, 3})
	assert.Zero(t, d)
	assert.Equal(t, 1.0, p)

	d, _ = KolmogorovSmirnov([]float64{1, 2}, []float64{3, 4})
	assert.Equal(t, 1.0, d, "disjoint samples")

	rng := rand.New(rand.NewPCG(1, 2))
	same1, same2, shifted := make([]float64, 2000), make([]float64, 2000), make([]float64, 2000)
	for i := range same1 {
		same1[i], same2[i], shifted[i] = rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()+0.3
	}
	d, p = KolmogorovSmirnov(same1, same2)
	assert.Less(t, d, 0.05)
	assert.Greater(t, p, 0.01)
	d, p = KolmogorovSmirnov(same1, shifted)
	assert.Greater(t, d, 0.08)
	assert.Less(t, p, 1e-6)

	d, p = KolmogorovSmirnov(nil, []float64{1})
	assert.Zero(t, d)
	assert.Equal(t, 1.0, p)
	d, _ = KolmogorovSmirnov([]float64{math.NaN(), 1}, []float64{1})
	assert.Zero(t, d, "NaN ignored")
}

func TestSynthImpostorScoresCount(t *testing.T) {
	s, err := NewSynth(4).ImpostorScores(30)
	assert.NoError(t, err)
	assert.Len(t, s, 30*29/2)
}
