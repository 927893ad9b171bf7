package index

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBestOfIsTopK checks BestOf against TopK on random score arrays with
// many ties, unscored IDs, and n from 0 to past the number scored.
func TestBestOfIsTopK(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		size := rng.IntN(3000)
		scores := make([]float32, size)
		for i := range scores {
			switch rng.IntN(5) {
			case 0:
				scores[i] = Unscored
			case 1:
				scores[i] = float32(rng.IntN(4)) // many exact ties
			default:
				scores[i] = rng.Float32() * 8
			}
		}
		for _, n := range []int{0, 1, 7, size / 20, size / 2, size, size + 5} {
			top := NewTopK(n)
			for id, s := range scores {
				if s >= 0 {
					top.Push(uint32(id), s)
				}
			}
			var want []uint32
			for _, h := range top.Results() {
				want = append(want, h.ID)
			}
			slices.Sort(want)
			got := BestOf(scores, n)
			require.Equal(t, len(want), len(got), "trial %d, n %d", trial, n)
			if len(want) > 0 {
				assert.Equal(t, want, got, "trial %d, n %d", trial, n)
			}
		}
	}
}

func TestBestOfByHand(t *testing.T) {
	scores := []float32{0.5, Unscored, 2, 0.5, 7, 0, 2}
	assert.Equal(t, []uint32{4}, BestOf(scores, 1))
	assert.Equal(t, []uint32{2, 4, 6}, BestOf(scores, 3))
	assert.Equal(t, []uint32{0, 2, 4, 6}, BestOf(scores, 4), "ties: the lower ID")
	assert.Equal(t, []uint32{0, 2, 3, 4, 5, 6}, BestOf(scores, 10), "never the unscored")
	assert.Empty(t, BestOf(scores, 0))
	assert.Empty(t, BestOf(nil, 3))
	negZero := float32(math.Copysign(0, -1))
	assert.Equal(t, []uint32{1}, BestOf([]float32{negZero, 0.25}, 1), "-0 ranks as 0")
}
