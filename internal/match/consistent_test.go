package match

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// consistentWith is consistentPairsGo with the position test's constants
// as variables, so that the tests can show which float32 values the
// compiled constant expressions have and that their inputs tell one ulp
// apart. (The float32 conversions forbid fusing, as in consistentPairsGo.)
func consistentWith(g *pairGeometry, n int, al *alignment, base2, slope2 float32) []uint16 {
	var out []uint16
	for p := range n {
		dirOK := uint16(g.dd[p]-al.rot+uint16(tolDir)) <= 2*uint16(tolDir)
		ux, uy := g.ax[p]-al.ax, g.ay[p]-al.ay
		tx := al.bx + float32(al.cos*ux) - float32(al.sin*uy) - g.bx[p]
		ty := al.by + float32(al.sin*ux) + float32(al.cos*uy) - g.by[p]
		if float32(tx*tx)+float32(ty*ty) <= base2+float32(slope2*(float32(ux*ux)+float32(uy*uy))) && dirOK {
			out = append(out, uint16(p))
		}
	}
	return out
}

// posCase is one kind of pair for the tests: the edges of the two tests
// along with random pairs.
type posCase int

const (
	posRandom posCase = iota // anywhere: nearly always inconsistent
	posNear                  // within a few pixels of the mapped point
	posEdge                  // the last or first float32 position at the distance limit
	posCentre                // at the alignment's centre, exactly tolBase away (lim = 64)
	posNaN                   // a NaN or infinite coordinate
	posCases
)

// dirOffsets are the direction differences, relative to the alignment's
// rotation, at the edges of the window (and a random one, 0 marking it).
var dirOffsets = []int{-int(tolDir) - 1, -int(tolDir), 0, int(tolDir), int(tolDir) + 1}

// mapped is where al maps the probe point (x, y), as consistentPairsGo
// computes it, and the limit of the squared distance there.
func mapped(al *alignment, x, y float32) (px, py, lim float32) {
	ux, uy := x-al.ax, y-al.ay
	px = al.bx + float32(al.cos*ux) - float32(al.sin*uy)
	py = al.by + float32(al.sin*ux) + float32(al.cos*uy)
	return px, py, tolBase*tolBase + float32(tolSlope*tolSlope*(float32(ux*ux)+float32(uy*uy)))
}

// dist2 is the squared distance of consistentPairsGo.
func dist2(tx, ty float32) float32 { return float32(tx*tx) + float32(ty*ty) }

// randAlignment is a random alignment, its rotation often near the wrap
// of the uint16 angle.
func randAlignment(rng *rand.Rand) alignment {
	rot := uint16(rng.IntN(65536))
	switch rng.IntN(4) {
	case 0:
		rot = uint16(rng.IntN(2*int(tolDir)+3) - int(tolDir) - 1) // around 0
	case 1:
		rot = 0x8000 + uint16(rng.IntN(7)) - 3
	}
	return newAlignment(20+rng.Float32()*280, 20+rng.Float32()*360, 20+rng.Float32()*280, 20+rng.Float32()*360, rot)
}

// consistentGeometry makes n pairs of random cases for al.
func consistentGeometry(rng *rand.Rand, n int, al *alignment) (pairGeometry, []posCase) {
	g := newPairGeometry(n)
	cases := make([]posCase, n)
	for p := range n {
		cs := posCase(rng.IntN(int(posCases)))
		cases[p] = cs
		ax, ay := rng.Float32()*320, rng.Float32()*400
		if cs == posCentre {
			ax, ay = al.ax, al.ay
		}
		px, py, lim := mapped(al, ax, ay)
		var bx, by float32
		switch cs {
		case posRandom:
			bx, by = rng.Float32()*320, rng.Float32()*400
		case posNear:
			bx, by = px+(rng.Float32()-0.5)*30, py+(rng.Float32()-0.5)*30
		case posEdge:
			bx, by = edgePoint(rng, px, py, lim)
		case posCentre:
			// al.bx + 0·cos − 0·sin − bx is exact: |t| = 8 or 8 ± one ulp.
			d := [3]float32{8, math.Nextafter32(8, 0), math.Nextafter32(8, 9)}[rng.IntN(3)]
			if rng.IntN(2) == 0 {
				d = -d
			}
			bx, by = px, py
			if rng.IntN(2) == 0 {
				bx -= d
			} else {
				by -= d
			}
		case posNaN:
			bad := [3]float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))}[rng.IntN(3)]
			bx, by = px, py
			switch rng.IntN(4) {
			case 0:
				ax = bad
			case 1:
				ay = bad
			case 2:
				bx = bad
			default:
				by = bad
			}
		}
		g.ax[p], g.ay[p], g.bx[p], g.by[p] = ax, ay, bx, by
		off := dirOffsets[rng.IntN(len(dirOffsets))]
		if off == 0 {
			off = rng.IntN(65536)
		}
		g.dd[p] = al.rot + uint16(off)
	}
	return g, cases
}

// edgePoint is a candidate position at the distance limit from (px, py):
// in a random direction, moved along x one float32 step at a time to the
// last position within the limit or the first beyond it.
func edgePoint(rng *rand.Rand, px, py, lim float32) (bx, by float32) {
	for {
		a := rng.Float64() * 2 * math.Pi
		r := math.Sqrt(float64(lim))
		bx, by = px-float32(r*math.Cos(a)), py-float32(r*math.Sin(a))
		ty := py - by
		if float32(ty*ty) >= lim || bx == px {
			continue // no position along x reaches the limit from inside
		}
		dist := func(bx float32) float32 { return dist2(px-bx, ty) }
		// Away from (px, py) along x the squared distance does not
		// decrease; a few steps either way reach the limit.
		away := float32(math.Inf(1))
		if bx < px {
			away = float32(math.Inf(-1))
		}
		for dist(bx) <= lim {
			bx = math.Nextafter32(bx, away)
		}
		for dist(bx) > lim {
			bx = math.Nextafter32(bx, -away) // bx stays beyond px: dist(px) < lim
		}
		if rng.IntN(2) == 0 { // the first beyond instead
			for dist(bx) <= lim {
				bx = math.Nextafter32(bx, away)
			}
		}
		return bx, by
	}
}

// sub is pairs [from, from+n) of g.
func (g *pairGeometry) sub(from, n int) pairGeometry {
	return pairGeometry{
		ax: g.ax[from : from+n], ay: g.ay[from : from+n],
		bx: g.bx[from : from+n], by: g.by[from : from+n],
		dd: g.dd[from : from+n],
	}
}

// TestConsistentKernelsAgree runs every implementation this CPU has on the
// same geometries, every n from 0 to 70 (vector groups plus every
// remainder) at every offset within a group, and demands consistentPairsGo's
// index list exactly: scores must not depend on the CPU.
func TestConsistentKernelsAgree(t *testing.T) {
	kernels := consistentKernels()
	require.Equal(t, "go", kernels[len(kernels)-1].name)
	names := make([]string, len(kernels))
	for i, k := range kernels {
		names[i] = k.name
	}
	t.Logf("kernels: %v", names)
	rng := rand.New(rand.NewPCG(7, 8))
	const maxN, offsets = 70, 16
	var pass, fail, exact, edgePass, edgeFail int
	for n := 0; n <= maxN; n++ {
		for rep := range 4 {
			al := randAlignment(rng)
			if rep == 0 {
				al.rot = 0 // dd near 0 wraps around
			}
			g, cases := consistentGeometry(rng, maxN+offsets, &al)
			for from := range offsets {
				sub := g.sub(from, n)
				ref := make([]uint16, n+16)
				nc := consistentPairsGo(&sub, n, al, ref)
				want := ref[:nc]
				// The reference, with the constants from the variables.
				require.Equal(t, consistentWith(&sub, n, &al, posLimBase, posLimSlope), append([]uint16(nil), want...), "n=%d from=%d", n, from)
				for _, k := range kernels {
					out := make([]uint16, n+16)
					for i := range out {
						out[i] = 0xdead
					}
					got := k.fn(&sub, n, al, out)
					require.Equal(t, want, out[:got], "%s n=%d from=%d", k.name, n, from)
					for i := n; i < len(out); i++ {
						require.Equal(t, uint16(0xdead), out[i], "%s n=%d from=%d: wrote past n", k.name, n, from)
					}
				}
				if from == 0 {
					ok := make(map[uint16]bool, nc)
					for _, p := range want {
						ok[p] = true
					}
					for p := range n {
						if ok[uint16(p)] {
							pass++
						} else {
							fail++
						}
						if cases[p] != posEdge && cases[p] != posCentre {
							continue
						}
						px, py, lim := mapped(&al, g.ax[p], g.ay[p])
						tx, ty := px-g.bx[p], py-g.by[p]
						switch d := dist2(tx, ty); {
						case d == lim:
							exact++
						case d < lim:
							edgePass++
						default:
							edgeFail++
						}
					}
				}
			}
		}
	}
	t.Logf("pairs: %d consistent, %d not; at the limit: %d exactly, %d just inside, %d just outside", pass, fail, exact, edgePass, edgeFail)
	assert.Positive(t, pass)
	assert.Positive(t, exact)
	assert.Positive(t, edgePass)
	assert.Positive(t, edgeFail)
}

// TestConsistentConstants shows that the edge cases tell the position
// test's constants to the ulp: the kernels' posLimBase and posLimSlope are
// the values the compiled expression uses (TestConsistentKernelsAgree),
// and a limit one ulp off would change some index lists.
func TestConsistentConstants(t *testing.T) {
	assert.Equal(t, float32(64), posLimBase)
	f := float32(0.05)
	assert.Equal(t, math.Float32bits(f*f), math.Float32bits(posLimSlope), "tolSlope² is float32(0.05)² rounded")
	t.Logf("tolSlope*tolSlope = %#08x; float32(0.0025) = %#08x", math.Float32bits(posLimSlope), math.Float32bits(0.0025))
	rng := rand.New(rand.NewPCG(9, 10))
	variants := map[string][2]float32{
		"tolBase² − 1 ulp":  {math.Nextafter32(posLimBase, 0), posLimSlope},
		"tolBase² + 1 ulp":  {math.Nextafter32(posLimBase, 100), posLimSlope},
		"tolSlope² − 1 ulp": {posLimBase, math.Nextafter32(posLimSlope, 0)},
		"tolSlope² + 1 ulp": {posLimBase, math.Nextafter32(posLimSlope, 1)},
	}
	differ := make(map[string]int)
	for range 300 {
		al := randAlignment(rng)
		const n = 64
		g, _ := consistentGeometry(rng, n, &al)
		out := make([]uint16, n)
		want := out[:consistentPairsGo(&g, n, al, out)]
		require.Equal(t, consistentWith(&g, n, &al, posLimBase, posLimSlope), append([]uint16(nil), want...))
		for name, c := range variants {
			if !slices.Equal(consistentWith(&g, n, &al, c[0], c[1]), want) {
				differ[name]++
			}
		}
	}
	for name := range variants {
		assert.Positive(t, differ[name], "the tests cannot tell %s", name)
	}
	t.Logf("geometries telling a constant one ulp off: %v", differ)
}

// TestConsistentByHand checks a few pairs worked out by hand, in every
// implementation.
func TestConsistentByHand(t *testing.T) {
	// The identity alignment at (100, 100): lim = 64 + 0.0025·r².
	al := newAlignment(100, 100, 100, 100, 0)
	require.Equal(t, float32(1), al.cos)
	require.Equal(t, float32(0), al.sin)
	g := newPairGeometry(6)
	set := func(p int, ax, ay, bx, by float32, dd uint16) {
		g.ax[p], g.ay[p], g.bx[p], g.by[p], g.dd[p] = ax, ay, bx, by, dd
	}
	set(0, 100, 100, 108, 100, 0)                           // 8 away, at the centre: in
	set(1, 100, 100, 108, 100.5, 0)                         // beyond 8: out
	set(2, 100, 100, 100, 100, uint16(tolDir))              // direction at +tolDir: in
	set(3, 100, 100, 100, 100, uint16(tolDir)+1)            // beyond: out
	set(4, 100, 100, 100, 100, uint16(1<<16-int(tolDir)))   // at −tolDir: in
	set(5, 100, 100, 100, 100, uint16(1<<16-int(tolDir)-1)) // beyond: out
	for _, k := range consistentKernels() {
		out := make([]uint16, 6)
		nc := k.fn(&g, 6, al, out)
		assert.Equal(t, []uint16{0, 2, 4}, out[:nc], k.name)
		assert.Zero(t, k.fn(&g, 0, al, nil), "%s: n = 0", k.name)
	}
}

// BenchmarkConsistentPairs runs each implementation on geometries like
// align's: n = 32 for the hypothesis screens, 128 for a full pass; a fifth
// of the pairs near their mapped position, the rest random.
func BenchmarkConsistentPairs(b *testing.B) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, n := range []int{32, 128} {
		const sets = 16
		als := make([]alignment, sets)
		gs := make([]pairGeometry, sets)
		for s := range sets {
			al := randAlignment(rng)
			g := newPairGeometry(n)
			for p := range n {
				ax, ay := rng.Float32()*320, rng.Float32()*400
				bx, by := rng.Float32()*320, rng.Float32()*400
				g.dd[p] = uint16(rng.IntN(65536))
				if rng.IntN(5) == 0 {
					px, py, _ := mapped(&al, ax, ay)
					bx, by = px+(rng.Float32()-0.5)*16, py+(rng.Float32()-0.5)*16
					g.dd[p] = al.rot + uint16(rng.IntN(4000)-2000)
				}
				g.ax[p], g.ay[p], g.bx[p], g.by[p] = ax, ay, bx, by
			}
			als[s], gs[s] = al, g
		}
		out := make([]uint16, n)
		for _, k := range consistentKernels() {
			b.Run(fmt.Sprintf("%s/n=%d", k.name, n), func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					s := i % sets
					k.fn(&gs[s], n, als[s], out)
				}
			})
		}
	}
}

// patternPair is a pair whose outcome under the identity alignment at
// (100, 100) is known: in or out, by position, direction or a NaN or
// infinite coordinate, and at the edges of both tests.
type patternPair struct {
	ax, ay, bx, by float32
	dd             uint16
}

var (
	patternIn = []patternPair{
		{100, 100, 108, 100, 0},                           // exactly 8 away
		{100, 100, 100, 100, uint16(tolDir)},              // at +tolDir
		{100, 100, 100, 100, uint16(1<<16 - int(tolDir))}, // at −tolDir
		{130, 140, 133, 138, 5},                           // near, off centre
		{100, 100, 100, 92, 0},                            // exactly 8 away along y
	}
	patternOut = []patternPair{
		{100, 100, 108, 100.5, 0},                             // beyond 8
		{100, 100, 100, 100, uint16(tolDir) + 1},              // beyond +tolDir
		{100, 100, 100, 100, uint16(1<<16 - int(tolDir) - 1)}, // beyond −tolDir
		{float32(math.NaN()), 100, 100, 100, 0},               // NaN probe x
		{100, 100, 100, float32(math.NaN()), 0},               // NaN candidate y
		{100, 100, float32(math.Inf(1)), 100, 0},              // infinite candidate x
		{float32(math.Inf(-1)), 100, 100, 100, 0},             // infinite probe x
		{300, 20, 40, 380, 0x8000},                            // far, and opposite
	}
)

// TestConsistentPatterns runs every kernel on geometries whose index list
// is known: every pass pattern of every n up to 15 (a vector group, the
// remainder after it and the short inputs, every subset), and 256 groups
// with every mask of 8 lanes followed by each remainder. The in and out
// pairs vary with the position, so that each kind of pair meets each lane.
func TestConsistentPatterns(t *testing.T) {
	al := newAlignment(100, 100, 100, 100, 0)
	require.Equal(t, float32(1), al.cos)
	require.Equal(t, float32(0), al.sin)
	for in, pp := range map[bool][]patternPair{true: patternIn, false: patternOut} {
		for i, q := range pp {
			g := pairGeometry{[]float32{q.ax}, []float32{q.ay}, []float32{q.bx}, []float32{q.by}, []uint16{q.dd}}
			out := make([]uint16, 1)
			require.Equal(t, in, consistentPairsGo(&g, 1, al, out) == 1, "pattern pair %d (in: %v)", i, in)
		}
	}
	kernels := consistentKernels()
	const maxN = 8*256 + 7
	g := newPairGeometry(maxN)
	set := func(p int, in bool, salt int) {
		q := patternOut[(p+salt)%len(patternOut)]
		if in {
			q = patternIn[(p+salt)%len(patternIn)]
		}
		g.ax[p], g.ay[p], g.bx[p], g.by[p], g.dd[p] = q.ax, q.ay, q.bx, q.by, q.dd
	}
	buf := make([]uint16, maxN+16)
	var want []uint16
	check := func(n int, what string, args ...any) {
		out := buf[:n+16]
		for _, k := range kernels {
			for i := range out {
				out[i] = 0xdead
			}
			got := k.fn(&g, n, al, out[:n])
			if !slices.Equal(want, out[:got]) {
				t.Fatalf("%s: %s: got %v, want %v", k.name, fmt.Sprintf(what, args...), out[:got], want)
			}
			for i := n; i < len(out); i++ {
				if out[i] != 0xdead {
					t.Fatalf("%s: %s: wrote out[%d] past n", k.name, fmt.Sprintf(what, args...), i)
				}
			}
		}
	}
	for n := 1; n <= 15; n++ {
		for mask := range 1 << n {
			want = want[:0]
			for p := range n {
				in := mask>>p&1 != 0
				set(p, in, mask)
				if in {
					want = append(want, uint16(p))
				}
			}
			check(n, "n=%d mask=%#x", n, mask)
		}
	}
	for r := range 8 {
		n := 8*256 + r
		want = want[:0]
		for p := range n {
			mask := p / 8 // group k has mask k
			if p >= 8*256 {
				mask = 0xff >> (8 - r) // the remainder: all in
				if r >= 3 {
					mask = 0x55 // or alternating, from the first
				}
			}
			in := mask>>(p%8)&1 != 0
			set(p, in, r)
			if in {
				want = append(want, uint16(p))
			}
		}
		check(n, "every group mask, remainder %d", r)
	}
}

// alignCall is one call of consistentPairs in Compare: its geometry
// (shared by the calls of a comparison), n and the alignment.
type alignCall struct {
	g  *pairGeometry
	n  int
	al alignment
	nc int // its result
}

// withConsistent runs f with consistentPairs set to fn.
func withConsistent(fn func(g *pairGeometry, n int, al alignment, out []uint16) int, f func()) {
	saved := consistentPairs
	defer func() { consistentPairs = saved }()
	consistentPairs = fn
	f()
}

// goldenScores compares every pair of the golden sets.
func goldenScores() []float64 {
	sets := goldenSets()
	ts := make([]Template, len(sets))
	for i := range sets {
		Build(&ts[i], sets[i])
	}
	var scores []float64
	for i := range sets {
		m := NewMatcher(sets[i])
		for j := range ts {
			scores = append(scores, m.Compare(&ts[j]))
		}
	}
	return scores
}

// TestConsistentKernelsCompare runs the golden comparisons with each
// implementation in align: the scores must be the same bits.
func TestConsistentKernelsCompare(t *testing.T) {
	want := goldenScores()
	for _, k := range consistentKernels() {
		var got []float64
		withConsistent(k.fn, func() { got = goldenScores() })
		require.Len(t, got, len(want))
		for i := range want {
			require.Equal(t, math.Float64bits(want[i]), math.Float64bits(got[i]), "%s: comparison %d", k.name, i)
		}
	}
}

// BenchmarkConsistentAlign runs each implementation on the calls align
// makes in the golden comparisons (genuine and impostor, n as it comes,
// remainders included), in their order; ns/pair is per pair tested.
func BenchmarkConsistentAlign(b *testing.B) {
	var calls []alignCall
	var geos []*pairGeometry
	pairs, passed := 0, 0
	withConsistent(func(g *pairGeometry, n int, al alignment, out []uint16) int {
		// A comparison's calls read the same pairs, the first of them fewer.
		var last *pairGeometry
		if len(geos) > 0 {
			last = geos[len(geos)-1]
			m := min(n, len(last.ax))
			if !last.sub(0, m).equal(g.sub(0, m)) {
				last = nil
			}
		}
		if last == nil || n > len(last.ax) {
			c := g.sub(0, n).clone()
			if last != nil {
				*last = c // the same comparison: its earlier calls read the prefix
			} else {
				last = &c
				geos = append(geos, last)
			}
		}
		nc := consistentPairsGo(g, n, al, out)
		calls = append(calls, alignCall{last, n, al, nc})
		pairs += n
		passed += nc
		return nc
	}, func() { goldenScores() })
	b.Logf("%d calls on %d geometries, %.1f pairs a call, %.1f%% consistent", len(calls), len(geos), float64(pairs)/float64(len(calls)), 100*float64(passed)/float64(pairs))
	out := make([]uint16, 1<<16)
	for _, c := range calls {
		if consistentPairsGo(c.g, c.n, c.al, out) != c.nc {
			b.Fatal("the recorded calls do not replay")
		}
	}
	for _, k := range consistentKernels() {
		b.Run(k.name, func(b *testing.B) {
			for b.Loop() {
				for i := range calls {
					c := &calls[i]
					k.fn(c.g, c.n, c.al, out)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(pairs), "ns/pair")
		})
	}
}

// clone copies g.
func (g pairGeometry) clone() pairGeometry {
	return pairGeometry{
		ax: slices.Clone(g.ax), ay: slices.Clone(g.ay),
		bx: slices.Clone(g.bx), by: slices.Clone(g.by),
		dd: slices.Clone(g.dd),
	}
}

// equal tells whether g and h hold the same bits.
func (g pairGeometry) equal(h pairGeometry) bool {
	bits := func(a, b []float32) bool {
		return slices.EqualFunc(a, b, func(x, y float32) bool { return math.Float32bits(x) == math.Float32bits(y) })
	}
	return bits(g.ax, h.ax) && bits(g.ay, h.ay) && bits(g.bx, h.bx) && bits(g.by, h.by) && slices.Equal(g.dd, h.dd)
}
