package index

import (
	"math"
	"slices"
)

// Unscored marks, in a dense score array, an ID that a scan did not score
// (filtered out or deleted): BestOf never selects it.
const Unscored = float32(-1)

// BestOf returns, in ascending order, the IDs of the n best scores of a
// dense score array (score i belongs to ID i), in the order of TopK: higher
// score first, then lower ID. Negative scores (Unscored) are never
// selected; fewer than n IDs come back when fewer are scored. NaN is not a
// score.
//
// It is TopK for large n, where a heap of n entries fed by every scanned
// ID would cost a logarithmic, cache-missing push for a large share of
// them: a histogram of the scores' top bits finds the bin holding the n-th
// best, and one pass gathers the IDs above it, so the whole selection is
// three sequential passes over the array.
func BestOf(scores []float32, n int) []uint32 {
	if n <= 0 {
		return nil
	}
	// Non-negative float32s order like their bits: fine bins of the top
	// bits keep the last bin small.
	hist := make([]uint32, 1<<(32-scoreBinShift))
	scored := 0
	for _, s := range scores {
		if s >= 0 {
			hist[scoreBin(s)]++
			scored++
		}
	}
	if n >= scored {
		n = scored
	}
	// cut is the bin of the n-th best; above of them lie in higher bins.
	cut, above := len(hist)-1, 0
	for ; cut > 0; cut-- {
		if above+int(hist[cut]) >= n {
			break
		}
		above += int(hist[cut])
	}
	ids := make([]uint32, 0, n)
	var inCut []Hit
	for id, s := range scores {
		if s < 0 {
			continue
		}
		switch b := scoreBin(s); {
		case b > cut:
			ids = append(ids, uint32(id))
		case b == cut:
			inCut = append(inCut, Hit{ID: uint32(id), Score: s})
		}
	}
	slices.SortFunc(inCut, func(a, b Hit) int {
		if better(a, b) {
			return -1
		}
		return 1
	})
	chosen := make([]uint32, 0, n-above)
	for _, h := range inCut[:n-above] {
		chosen = append(chosen, h.ID)
	}
	slices.Sort(chosen)
	// Merge the two ascending lists.
	out := make([]uint32, 0, n)
	i, j := 0, 0
	for i < len(ids) || j < len(chosen) {
		if j == len(chosen) || (i < len(ids) && ids[i] < chosen[j]) {
			out = append(out, ids[i])
			i++
		} else {
			out = append(out, chosen[j])
			j++
		}
	}
	return out
}

// scoreBinShift sets BestOf's bins: 2^16 of them, the top bits (sign,
// exponent, 7 bits of mantissa) of a score.
const scoreBinShift = 16

// scoreBin is the bin of a score s ≥ 0; −0 goes with +0.
func scoreBin(s float32) int {
	return int(math.Float32bits(s) &^ (1 << 31) >> scoreBinShift)
}
