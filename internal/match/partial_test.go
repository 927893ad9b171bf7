package match

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// spacedPoints draws n points at least 9 px apart in a w×h box (y down,
// as matchPoints gives them: negative), random directions.
func spacedPoints(rng *rand.Rand, n int, w, h float64) []Point {
	var pts []Point
	for tries := 0; len(pts) < n && tries < 100*n; tries++ {
		p := Point{X: rng.Float64() * w, Y: -rng.Float64() * h, Dir: uint16(rng.Uint32())}
		ok := true
		for _, q := range pts {
			if dx, dy := p.X-q.X, p.Y-q.Y; dx*dx+dy*dy < 81 {
				ok = false
				break
			}
		}
		if ok {
			pts = append(pts, p)
		}
	}
	return pts
}

// latentOf cuts a latent out of a whole print: its points within radius
// of (cx, cy), rotated by a, shifted, jittered, half of them lost, and
// three times as many spurious points scattered over the disc: a poor
// latent, mostly noise, as real ones are.
func latentOf(rng *rand.Rand, whole []Point, cx, cy, radius, a float64) []Point {
	s, c := math.Sincos(a)
	var pts []Point
	for _, p := range whole {
		dx, dy := p.X-cx, p.Y-cy
		if dx*dx+dy*dy > radius*radius || rng.Float64() < 0.5 {
			continue
		}
		pts = append(pts, Point{
			X:   c*dx - s*dy + 150 + rng.NormFloat64()*3,
			Y:   s*dx + c*dy - 200 + rng.NormFloat64()*3,
			Dir: uint16(int(p.Dir) + int(a*65536/(2*math.Pi)) + rng.IntN(900) - 450),
		})
	}
	for range 3 * len(pts) {
		r, t := radius*math.Sqrt(rng.Float64()), rng.Float64()*2*math.Pi
		pts = append(pts, Point{X: 150 + r*math.Cos(t), Y: -200 + r*math.Sin(t), Dir: uint16(rng.Uint32())})
	}
	return pts
}

func TestComparePartialRanksRolledMateFirst(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 1862))
	rolled := spacedPoints(rng, 230, 750, 750)
	latent := latentOf(rng, rolled, 380, -360, 130, 0.3)
	require.Greater(t, len(latent), 30)

	var mate Template
	Build(&mate, rolled)
	m := NewMatcher(latent)
	plain := m.Compare(&mate)
	partial := m.ComparePartial(&mate, ProbePartial)
	// The rolled mate's 230 minutiae, nearly all outside the latent, no
	// longer divide its score: only those inside the latent's area do.
	assert.Greater(t, partial, 1.4*plain, "plain %.3f, partial %.3f", plain, partial)
	d := m.Detail(&mate)
	assert.Equal(t, partial, d.PartialScore, "Detail reports ComparePartial's score")
	assert.Less(t, d.OverlapB, len(rolled)/2, "most of the rolled print lies outside the latent")

	// Among plain-size unrelated prints the mate stands further above the
	// best of them with the partial score than with the plain one.
	var topPlain, topPartial float64
	for range 300 {
		var other Template
		Build(&other, spacedPoints(rng, 25+rng.IntN(60), 300, 400))
		topPlain = max(topPlain, m.Compare(&other))
		topPartial = max(topPartial, m.ComparePartial(&other, ProbePartial))
	}
	t.Logf("mate: plain %.3f, partial %.3f; best of 300 unrelated: plain %.3f, partial %.3f", plain, partial, topPlain, topPartial)
	assert.Greater(t, partial/topPartial, 1.2*plain/topPlain, "the mate's margin over unrelated prints")

	// The reverse search (a whole print against stored latents) scores the
	// same comparison from the other side.
	var lt Template
	Build(&lt, latent)
	rm := NewMatcher(rolled)
	reverse := rm.ComparePartial(&lt, CandidatePartial)
	assert.Greater(t, reverse, 1.4*rm.Compare(&lt))
	assert.InDelta(t, partial, reverse, 0.35*partial, "either side as probe gives a similar score")
	assert.Equal(t, reverse, rm.Detail(&lt).PartialScoreB)

	allocs := testing.AllocsPerRun(50, func() { m.ComparePartial(&mate, ProbePartial) })
	assert.Zero(t, allocs)
}

func TestPartialScore(t *testing.T) {
	for _, tc := range []struct {
		evidence    float64
		n, overlap  int
		want        float64
		explanation string
	}{
		{4, 16, 81, 4 / math.Sqrt(math.Sqrt(16*81)), "latent size times the overlap"},
		{4, 16, 5, 4 / math.Sqrt(math.Sqrt(16*partialFloor)), "an overlap below the floor counts as the floor"},
		{4, 16, partialFloor, 4 / math.Sqrt(math.Sqrt(16*partialFloor)), "at the floor"},
		{0, 16, 81, 0, "no evidence"},
		{4, 0, 81, 0, "an empty latent"},
	} {
		assert.InDelta(t, tc.want, partialScore(tc.evidence, tc.n, tc.overlap), 1e-12, tc.explanation)
	}
}

func TestComparePartialAnyTurnFindsALatentAtAnyRotation(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 1862))
	rolled := spacedPoints(rng, 230, 750, 750)
	var mate Template
	Build(&mate, rolled)
	// Unrelated prints of plain size: the chance level of the latent's
	// scores.
	chance := 0.0
	for range 50 {
		var other Template
		Build(&other, spacedPoints(rng, 25+rng.IntN(60), 300, 400))
		m := NewMatcher(latentOf(rand.New(rand.NewPCG(5, 5)), rolled, 380, -360, 130, 0))
		chance = max(chance, m.ComparePartialAnyTurn(&other, ProbePartial))
	}
	for deg := 0; deg < 360; deg += 30 {
		// The same latent at each rotation.
		latent := latentOf(rand.New(rand.NewPCG(5, 5)), rolled, 380, -360, 130, float64(deg)*math.Pi/180)
		m := NewMatcher(latent)
		within := m.ComparePartial(&mate, ProbePartial)
		anyTurn := m.ComparePartialAnyTurn(&mate, ProbePartial)
		assert.GreaterOrEqual(t, anyTurn, within, "%d°: the best of the turns includes no turn", deg)
		assert.Greater(t, anyTurn, chance, "%d°: the mate stands above unrelated prints", deg)
		// A latent turned past a quarter turn shows no more than chance
		// evidence within the quarter turn.
		if deg > 90 && deg < 270 {
			assert.Less(t, within, chance, "%d°: within a quarter turn %.3f, any turn %.3f", deg, within, anyTurn)
		}
		assert.Equal(t, within, m.ComparePartial(&mate, ProbePartial), "%d°: the turn is reset", deg)
	}
}
