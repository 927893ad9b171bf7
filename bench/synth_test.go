package bench

import (
	"testing"

	"github.com/openbms/bms/minutiae"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSynthFingersArePlausibleAndRepeatable(t *testing.T) {
	a, b := NewSynth(1), NewSynth(1)
	for range 2000 {
		fa, fb := a.Finger(), b.Finger()
		require.Equal(t, fa, fb, "same seed, same fingers")
		n := len(fa.Minutiae)
		assert.GreaterOrEqual(t, n, 8)
		assert.LessOrEqual(t, n, 150)
		for _, m := range fa.Minutiae {
			require.Less(t, int(m.X), int(fa.Width))
			require.Less(t, int(m.Y), int(fa.Height))
		}
	}
}

func TestSynthImpressionsMatchTheirFingerOnly(t *testing.T) {
	s := NewSynth(7)
	threshold := minutiae.ThresholdForFMR(1e-3)
	mated, nonMated := 0, 0
	const n = 40
	prev := s.Finger()
	for range n {
		f := s.Finger()
		imp := s.Impression(f)
		if minutiae.Compare(f, imp) >= threshold {
			mated++
		}
		if minutiae.Compare(prev, imp) >= threshold {
			nonMated++
		}
		prev = f
	}
	assert.GreaterOrEqual(t, mated, n*8/10, "impressions of one finger match")
	assert.LessOrEqual(t, nonMated, 1, "different fingers do not")
}
