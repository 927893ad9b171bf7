package bench

import (
	"math"
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

// sameSenseShare is, over neighbouring minutiae 20–40 px apart whose
// directions are parallel or antiparallel within 25°, the share that point
// the same way: 0.5 when each minutia's sense is a coin toss.
func sameSenseShare(s *Synth, fingers int) float64 {
	same, opposite := 0, 0
	for range fingers {
		f := s.Finger()
		for i, a := range f.Minutiae {
			for _, b := range f.Minutiae[i+1:] {
				dx, dy := float64(a.X)-float64(b.X), float64(a.Y)-float64(b.Y)
				if d2 := dx*dx + dy*dy; d2 < 20*20 || d2 >= 40*40 {
					continue
				}
				diff := math.Abs(math.Remainder(a.Direction.Radians()-b.Direction.Radians(), 2*math.Pi))
				switch {
				case diff < 25*math.Pi/180:
					same++
				case diff > 155*math.Pi/180:
					opposite++
				}
			}
		}
	}
	return float64(same) / float64(same+opposite)
}

func TestSynthSenseFieldMakesNeighboursPointAlike(t *testing.T) {
	// Real FCJ2020 templates give 0.64; a coin toss per minutia gives 0.5.
	coherent := sameSenseShare(NewSynth(5), 400)
	assert.InDelta(t, 0.63, coherent, 0.03)
	tossed := NewSynth(5)
	tossed.SenseCoherence = 0
	assert.InDelta(t, 0.5, sameSenseShare(tossed, 400), 0.02)
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

func TestSynthPartialIsADiscOfTheFingerPlusNoise(t *testing.T) {
	s, again := NewSynth(3), NewSynth(3)
	made := 0
	for range 300 {
		f := s.Finger()
		require.Equal(t, f, again.Finger())
		p := s.Partial(f)
		require.Equal(t, p, again.Partial(f), "same seed, same partial")
		if p == nil {
			continue
		}
		made++
		assert.Equal(t, minutiae.LatentImpression, p.Impression)
		assert.Equal(t, f.Position, p.Position)
		// The first minutiae are the finger's own, in order, all within
		// 110 px of each other's centre; the rest are spurious, at most
		// twice as many.
		own := map[minutiae.Minutia]bool{}
		for _, m := range f.Minutiae {
			own[m] = true
		}
		kept := 0
		for kept < len(p.Minutiae) && own[p.Minutiae[kept]] {
			kept++
		}
		assert.GreaterOrEqual(t, kept, MinPartialMinutiae)
		assert.Less(t, kept, len(f.Minutiae)+1)
		assert.LessOrEqual(t, len(p.Minutiae)-kept, 2*kept+1)
		for _, m := range p.Minutiae {
			require.Less(t, int(m.X), int(f.Width))
			require.Less(t, int(m.Y), int(f.Height))
			for _, q := range p.Minutiae[:kept] {
				dx, dy := float64(m.X)-float64(q.X), float64(m.Y)-float64(q.Y)
				require.LessOrEqual(t, dx*dx+dy*dy, 4*110*110+1.0, "every point lies in one disc of radius ≤ 110")
			}
		}
	}
	assert.Greater(t, made, 200, "most plain fingers give a partial")

	empty := &minutiae.Template{Width: 300, Height: 400}
	assert.Nil(t, s.Partial(empty))
	few := &minutiae.Template{Width: 300, Height: 400, Minutiae: []minutiae.Minutia{{X: 10, Y: 10}, {X: 20, Y: 20}}}
	assert.Nil(t, s.Partial(few), "fewer than MinPartialMinutiae in any disc")
}
