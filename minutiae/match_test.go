package minutiae

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openbms/bms/internal/shareddata"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustMatcher(t testing.TB, tp *Template) *Matcher {
	t.Helper()
	m, err := NewMatcher(tp)
	require.NoError(t, err)
	return m
}

func mustPrepare(t testing.TB, tp *Template) *Prepared {
	t.Helper()
	p, err := Prepare(tp)
	require.NoError(t, err)
	return p
}

func TestCompareIdentityScoresHighest(t *testing.T) {
	var tps []*Template
	for seed := range uint64(6) {
		tps = append(tps, synthTemplate(seed+1, 35+int(seed)*5))
	}
	for i, a := range tps {
		m := mustMatcher(t, a)
		self := m.Compare(mustPrepare(t, a))
		assert.Greater(t, self, 0.0)
		for j, b := range tps {
			if i != j {
				assert.Greater(t, self, 3*m.Compare(mustPrepare(t, b)), "template %d against %d", i, j)
			}
		}
	}
}

func TestCompareRigidInvariance(t *testing.T) {
	a := synthTemplate(7, 45)
	m := mustMatcher(t, a)
	self := m.Compare(mustPrepare(t, a))
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		name         string
		rot, dx, dy  float64
		minFraction  float64 // of the self score
		wantAboveAll bool
	}{
		{"identity", 0, 0, 0, 0.99, true},
		{"shift", 0, 60, -35, 0.99, true},
		{"rotate 20°", 20, 0, 0, 0.8, true},
		{"rotate -45° and shift", -45, -30, 50, 0.8, true},
		{"rotate 80°", 80, 10, 10, 0.8, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := perturb(a, perturbation{rotateDeg: tc.rot, shiftX: tc.dx, shiftY: tc.dy}, rng)
			s := m.Compare(mustPrepare(t, c))
			// Rounding the moved positions to whole pixels costs a little.
			assert.GreaterOrEqual(t, s, tc.minFraction*self)
		})
	}
}

func TestCompareResolutionNormalised(t *testing.T) {
	a := synthTemplate(8, 40)
	hi := *a
	hi.ResolutionX, hi.ResolutionY = 394, 394 // 1000 ppi: twice the pixels
	hi.Width, hi.Height = 2*a.Width, 2*a.Height
	hi.Minutiae = nil
	for _, mi := range a.Minutiae {
		mi.X, mi.Y = 2*mi.X, 2*mi.Y
		hi.Minutiae = append(hi.Minutiae, mi)
	}
	m := mustMatcher(t, a)
	// 394 px/cm is 1001 ppi to the nearest ppi, hence not exactly equal.
	assert.InEpsilon(t, m.Compare(mustPrepare(t, a)), m.Compare(mustPrepare(t, &hi)), 0.05)
}

// hardImpression is the acceptance's synthetic impression: rotation,
// translation, skin distortion, noise, 30 % of the minutiae lost and 20 %
// spurious ones added.
var hardImpression = perturbation{rotateDeg: 25, shiftX: 30, shiftY: -20, stretch: 0.06, waveAmp: 5, jitter: 3, dirJitterDeg: 10, drop: 0.3, add: 0.2}

func TestCompareDistortedAboveUnrelated(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var impostorMax float64
	var genuine []float64
	for seed := range uint64(8) {
		a := synthTemplate(100+seed, 40)
		m := mustMatcher(t, a)
		for other := range uint64(8) {
			if other != seed {
				impostorMax = max(impostorMax, m.Compare(mustPrepare(t, synthTemplate(100+other, 40))))
			}
		}
		for r := range 3 {
			p := hardImpression
			p.rotateDeg = float64(r*30 - 30)
			genuine = append(genuine, m.Compare(mustPrepare(t, perturb(a, p, rng))))
		}
	}
	for i, g := range genuine {
		assert.Greater(t, g, 1.5*impostorMax, "distorted impression %d", i)
	}
}

func TestComparePartialOverlap(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	a := synthTemplate(21, 60)
	m := mustMatcher(t, a)
	var impostorMax float64
	for other := range uint64(10) {
		impostorMax = max(impostorMax, m.Compare(mustPrepare(t, synthTemplate(200+other, 60))))
	}
	for _, crop := range []float64{0.8, 0.6, 0.5} {
		p := perturbation{rotateDeg: 15, shiftX: 10, jitter: 2, dirJitterDeg: 5, crop: crop}
		c := perturb(a, p, rng)
		s := m.Compare(mustPrepare(t, c))
		assert.Greater(t, s, 1.5*impostorMax, "crop %.1f (%d minutiae)", crop, len(c.Minutiae))
		// The partial print as the probe works as well.
		mc := mustMatcher(t, c)
		assert.Greater(t, mc.Compare(mustPrepare(t, a)), 1.5*impostorMax, "crop %.1f as probe", crop)
	}
}

func TestCompareNearlySymmetric(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for seed := range uint64(5) {
		a := synthTemplate(300+seed, 45)
		b := perturb(a, hardImpression, rng)
		ab := Compare(a, b)
		ba := Compare(b, a)
		require.Greater(t, ab, 0.0)
		assert.InEpsilon(t, ab, ba, 0.25, "seed %d: %v vs %v", seed, ab, ba)
	}
}

func TestCompareDegenerate(t *testing.T) {
	one := &Template{Minutiae: []Minutia{{X: 10, Y: 10}}}
	two := &Template{Minutiae: []Minutia{{X: 10, Y: 10}, {X: 30, Y: 10, Direction: 100}}}
	same := &Template{Minutiae: []Minutia{{X: 5, Y: 5}, {X: 5, Y: 5}, {X: 5, Y: 5}}}
	line := &Template{}
	for x := range 20 {
		line.Minutiae = append(line.Minutiae, Minutia{X: uint16(10 + 12*x), Y: 50})
	}
	corner := &Template{Minutiae: []Minutia{{X: 65535, Y: 65535}, {X: 0, Y: 0}, {X: 65535, Y: 0}}}
	full := synthTemplate(1, 40)
	for _, tc := range []struct {
		name string
		a, b *Template
	}{
		{"empty", &Template{}, &Template{}},
		{"empty probe", &Template{}, full},
		{"empty candidate", full, &Template{}},
		{"one minutia", one, one},
		{"one against full", one, full},
		{"two minutiae", two, two},
		{"coincident minutiae", same, same},
		{"collinear minutiae", line, full},
		{"extreme coordinates", corner, corner},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Compare(tc.a, tc.b)
			if len(tc.a.Minutiae) < 3 || len(tc.b.Minutiae) < 3 || tc.a == same {
				// Too few minutiae for any descriptor: no evidence.
				assert.Zero(t, s)
			}
			assert.GreaterOrEqual(t, s, 0.0)
		})
	}
	var nilMatcher *Matcher
	assert.Zero(t, nilMatcher.Compare(mustPrepare(t, full)))
	assert.Zero(t, mustMatcher(t, full).Compare(nil))
	assert.Zero(t, mustMatcher(t, full).Compare(&Prepared{}))
	assert.Zero(t, Compare(nil, full))
	_, err := NewMatcher(nil)
	assert.Error(t, err)
	_, err = Prepare(nil)
	assert.Error(t, err)
}

func TestPrepareTooManyMinutiae(t *testing.T) {
	big := &Template{Minutiae: make([]Minutia, MaxMatchMinutiae+1)}
	_, err := Prepare(big)
	assert.True(t, errors.Is(err, ErrTooManyMinutiae))
	_, err = NewMatcher(big)
	assert.True(t, errors.Is(err, ErrTooManyMinutiae))
}

func TestPrepareIntoReusesMemory(t *testing.T) {
	a, b := synthTemplate(31, 50), synthTemplate(32, 30)
	var p Prepared
	require.NoError(t, PrepareInto(&p, a))
	require.NoError(t, PrepareInto(&p, b))
	fresh := mustPrepare(t, b)
	assert.Equal(t, fresh.Len(), p.Len())
	assert.Equal(t, fresh.Size(), p.Size())
	m := mustMatcher(t, b)
	assert.Equal(t, m.Compare(fresh), m.Compare(&p))
	// The large template's slices hold the small one.
	require.NoError(t, PrepareInto(&p, a))
	cyl := &p.t.Cyl[0]
	require.NoError(t, PrepareInto(&p, b))
	assert.Same(t, cyl, &p.t.Cyl[0])
}

func TestPreparedSize(t *testing.T) {
	p := mustPrepare(t, synthTemplate(41, 60))
	// 4+4 bytes of position, 2 of direction, 7 words of cylinder per
	// minutia, and the screening signature of 16 slots of 7 words.
	assert.Equal(t, 60*(4+4+2+7*8)+16*7*8, p.Size())
	assert.Zero(t, (&Prepared{}).Size())
}

func TestCompareAllocatesNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	a := synthTemplate(51, 60)
	m := mustMatcher(t, a)
	for _, c := range []*Template{a, perturb(a, hardImpression, rng), synthTemplate(52, 120), synthTemplate(53, 5), {}} {
		p := mustPrepare(t, c)
		allocs := testing.AllocsPerRun(50, func() { m.Compare(p) })
		assert.Zero(t, allocs, "%d minutiae", len(c.Minutiae))
	}
}

func TestMatcherClone(t *testing.T) {
	a, b := synthTemplate(61, 40), synthTemplate(62, 40)
	m := mustMatcher(t, a)
	c := m.Clone()
	pa, pb := mustPrepare(t, a), mustPrepare(t, b)
	assert.Equal(t, m.Compare(pa), c.Compare(pa))
	assert.Equal(t, m.Compare(pb), c.Compare(pb))
	assert.Equal(t, m.Compare(pa), NewMatcherPrepared(pa).Compare(pa))
	// Clones run concurrently without sharing scratch memory.
	done := make(chan float64)
	for range 4 {
		go func() {
			mc := m.Clone()
			s := 0.0
			for range 20 {
				s = mc.Compare(pa)
			}
			done <- s
		}()
	}
	for range 4 {
		assert.Equal(t, m.Compare(pa), <-done)
	}
}

// TestCompareMinexMatedAboveNonMated uses FingerJet FX OSE templates of
// real prints: a001_0N and b001_0N are two impressions of finger N; every
// other pair is of different fingers.
func TestCompareMinexMatedAboveNonMated(t *testing.T) {
	dir := shareddata.Require(t, "fingerprint", "minex-samples")
	files, err := filepath.Glob(filepath.Join(dir, "*.ist"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	names := make([]string, len(files))
	tps := make([]*Template, len(files))
	for i, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		r, _, err := Decode(b)
		require.NoError(t, err)
		names[i] = strings.TrimSuffix(filepath.Base(f), ".ist")
		tps[i] = &r.Views[0]
	}
	var mated, nonMated []float64
	for i := range tps {
		m := mustMatcher(t, tps[i])
		for j := range tps {
			if i == j {
				continue
			}
			s := m.Compare(mustPrepare(t, tps[j]))
			if names[i][1:] == names[j][1:] {
				mated = append(mated, s)
			} else {
				nonMated = append(nonMated, s)
			}
		}
	}
	require.Len(t, mated, 4) // a001_04p/b001_04p and a001_06p/b001_06p, both ways
	maxNon := 0.0
	for _, s := range nonMated {
		maxNon = max(maxNon, s)
	}
	for _, s := range mated {
		assert.Greater(t, s, maxNon, "mated %v, best non-mated %v", mated, maxNon)
	}
}
