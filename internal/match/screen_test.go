package match

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// screenRef is screenBest's contract written plainly, slot by slot, with
// the direction window as an interval of the difference: the check of
// screenBestGo, which checks the vector kernels. With lastWins it keeps
// the last of equal fractions instead of the first, to show that the
// tests reach ties that decide the result.
func screenRef(sig, rows []uint64, lastWins bool) (out [ScreenSlots]uint64) {
	for s := range ScreenSlots {
		meta := sig[screenMetaWord*ScreenSlots+s]
		bestAnd, bestDen := uint64(0), uint64(1)
		for r := 0; r+screenRowWords <= len(rows); r += screenRowWords {
			rowMeta := rows[r+screenMetaWord]
			diff := (int(meta&0xffff) - int(rowMeta&0xffff) + 1<<16) % (1 << 16)
			if diff > ScreenWindow && diff < 1<<16-ScreenWindow {
				continue
			}
			var and uint64
			for k := range Words {
				and += uint64(bits.OnesCount64(sig[k*ScreenSlots+s] & rows[r+k]))
			}
			den := meta>>16 + rowMeta>>16
			// and < 2^9 and den < 2^49: the products cannot overflow.
			if l, rt := and*bestDen, bestAnd*den; l > rt || lastWins && l == rt {
				bestAnd, bestDen = and, den
			}
		}
		out[s] = bestAnd<<32 | bestDen
	}
	return out
}

// screenCounts is how a test input's counts relate to its cell words.
type screenCounts int

const (
	countsTrue     screenCounts = iota // the words' popcount, as buildScreen and screenRows make them
	countsSmall                        // any count in the vector kernels' range (below 2^14)
	countsEdge                         // the words' popcount, or counts at that range's edge and past it
	countsWide                         // any count the 48 bits of a meta word hold
	countsWideRows                     // true counts in the signature, any in the rows
	screenCountModes
)

// screenDirEdges are directions at the wrap-arounds and at the window's
// edges from 0.
var screenDirEdges = []uint16{0, 1, ScreenWindow - 1, ScreenWindow, ScreenWindow + 1, 2 * ScreenWindow,
	1<<14 - 1, 1 << 14, 1<<14 + 1, 1<<15 - 1, 1 << 15, 1<<15 + 1,
	0xbfff, 0xc000, 0xc001, 1<<16 - ScreenWindow - 1, 1<<16 - ScreenWindow, 1<<16 - ScreenWindow + 1, 0xfffe, 0xffff}

// screenDeltas are row minus slot directions at the window's edges.
var screenDeltas = []int{0, 1, -1, ScreenWindow - 1, ScreenWindow, ScreenWindow + 1,
	-(ScreenWindow - 1), -ScreenWindow, -(ScreenWindow + 1), 1 << 14, -(1 << 14), 1 << 15}

// screenGen makes screening inputs.
type screenGen struct {
	rng    *rand.Rand
	counts screenCounts
}

// word is a random cell word of a random density.
func (g *screenGen) word() uint64 {
	switch g.rng.IntN(6) {
	case 0:
		return 0
	case 1:
		return ^uint64(0)
	case 2:
		return g.rng.Uint64() & g.rng.Uint64() & g.rng.Uint64()
	case 3:
		return g.rng.Uint64() | g.rng.Uint64()
	}
	return g.rng.Uint64()
}

func (g *screenGen) count(words []uint64, row bool) uint64 {
	c := uint64(0)
	for _, w := range words {
		c += uint64(bits.OnesCount64(w))
	}
	switch g.counts {
	case countsSmall:
		if g.rng.IntN(2) == 0 {
			return uint64(g.rng.IntN(400))
		}
		return uint64(g.rng.IntN(1 << 14))
	case countsEdge:
		switch g.rng.IntN(8) {
		case 0:
			return 1<<14 - 1
		case 1:
			return 1 << 14
		case 2:
			return 0
		}
	case countsWide, countsWideRows:
		if g.counts == countsWideRows && !row {
			break
		}
		switch g.rng.IntN(3) {
		case 0:
			return g.rng.Uint64() >> 16
		case 1:
			return uint64(g.rng.IntN(1 << 16))
		}
	}
	return c
}

// dir is a random direction: any, an edge, or one of anchors (the slots'
// directions) moved by an edge delta.
func (g *screenGen) dir(anchors []uint16) uint16 {
	switch g.rng.IntN(4) {
	case 0:
		return uint16(g.rng.Uint32())
	case 1:
		return screenDirEdges[g.rng.IntN(len(screenDirEdges))]
	}
	if len(anchors) == 0 {
		return uint16(g.rng.Uint32())
	}
	a := anchors[g.rng.IntN(len(anchors))]
	return a + uint16(screenDeltas[g.rng.IntN(len(screenDeltas))])
}

// pick returns words with k random bits of in set and e random bits
// outside it, or nil when there are not enough.
func (g *screenGen) pick(in []uint64, k, e int) []uint64 {
	var inside, outside []int
	for b := range 64 * Words {
		if in[b/64]>>(b%64)&1 != 0 {
			inside = append(inside, b)
		} else {
			outside = append(outside, b)
		}
	}
	if k > len(inside) || e > len(outside) {
		return nil
	}
	w := make([]uint64, Words)
	for _, set := range []struct {
		bits []int
		n    int
	}{{inside, k}, {outside, e}} {
		for _, i := range g.rng.Perm(len(set.bits))[:set.n] {
			b := set.bits[i]
			w[b/64] |= 1 << (b % 64)
		}
	}
	return w
}

// input makes a signature and n rows.
func (g *screenGen) input(n int) (sig, rows []uint64) {
	sig = make([]uint64, ScreenWords)
	var dirs []uint16
	slot := func(s int) []uint64 {
		w := make([]uint64, Words)
		for k := range w {
			w[k] = sig[k*ScreenSlots+s]
		}
		return w
	}
	for s := range ScreenSlots {
		words := make([]uint64, Words)
		dir := g.dir(nil)
		switch g.rng.IntN(8) {
		case 0: // empty, as buildScreen leaves it
			sig[screenMetaWord*ScreenSlots+s] = 0
			continue
		case 1: // empty, with a direction
			sig[screenMetaWord*ScreenSlots+s] = uint64(dir)
			dirs = append(dirs, dir)
			continue
		case 2:
			for k := range words {
				words[k] = ^uint64(0)
			}
		default:
			for k := range words {
				words[k] = g.word()
			}
		}
		for k, w := range words {
			sig[k*ScreenSlots+s] = w
		}
		sig[screenMetaWord*ScreenSlots+s] = g.count(words, false)<<16 | uint64(dir)
		dirs = append(dirs, dir)
	}
	rows = make([]uint64, 0, n*screenRowWords)
	for len(rows) < n*screenRowWords {
		s := g.rng.IntN(ScreenSlots)
		sw := slot(s)
		sc := 0
		for _, w := range sw {
			sc += bits.OnesCount64(w)
		}
		sdir := uint16(sig[screenMetaWord*ScreenSlots+s])
		var words []uint64
		var count uint64
		dir := g.dir(dirs)
		switch g.rng.IntN(12) {
		case 0: // a slot's own words
			words = sw
		case 1: // its complement: and = 0 with that slot
			words = make([]uint64, Words)
			for k, w := range sw {
				words[k] = ^w
			}
		case 2: // no bit
			words = make([]uint64, Words)
		case 3: // every bit
			words = make([]uint64, Words)
			for k := range words {
				words[k] = ^uint64(0)
			}
		case 4, 5: // two rows of the same fraction for slot s, of true counts
			slotCount := int(sig[screenMetaWord*ScreenSlots+s] >> 16)
			if sc < 2 || slotCount > 64*Words || n*screenRowWords-len(rows) < 2*screenRowWords {
				break
			}
			// a/(slotCount+a+e) = 2a/(slotCount+2a+slotCount+2e).
			a, e := 1+g.rng.IntN(sc/2), g.rng.IntN(3)
			first, second := g.pick(sw, a, e), g.pick(sw, 2*a, slotCount+2*e)
			if first == nil || second == nil {
				break
			}
			c1, c2 := uint64(a+e), uint64(2*a+slotCount+2*e)
			if g.rng.IntN(2) == 0 {
				first, second = second, first
				c1, c2 = c2, c1
			}
			rows = append(rows, first...)
			rows = append(rows, c1<<16|uint64(sdir), g.rng.Uint64())
			words, count, dir = second, c2<<16, sdir
		}
		if words == nil {
			words = make([]uint64, Words)
			for k := range words {
				words[k] = g.word()
			}
		}
		if count == 0 {
			count = g.count(words, true) << 16
		}
		rows = append(rows, words...)
		// The padding word is garbage the kernels must ignore.
		rows = append(rows, count|uint64(dir), g.rng.Uint64())
	}
	return sig, rows
}

// screenInRange reports whether every meta word is in the vector kernels' range.
func screenInRange(sig, rows []uint64) bool {
	m := uint64(0)
	for s := range ScreenSlots {
		m |= sig[screenMetaWord*ScreenSlots+s]
	}
	for r := 0; r+screenRowWords <= len(rows); r += screenRowWords {
		m |= rows[r+screenMetaWord]
	}
	return m < 1<<30
}

// TestScreenKernelsAgree runs every kernel this CPU has on the same inputs,
// 0 to 70 rows of every kind of count, and demands the reference's
// fractions exactly.
func TestScreenKernelsAgree(t *testing.T) {
	kernels := screenKernels()
	require.Equal(t, "go", kernels[len(kernels)-1].name)
	t.Logf("kernels: %d, in use: %s", len(kernels), ScreenKernel)
	rng := rand.New(rand.NewPCG(7, 8))
	var inRange, outOfRange, ties, compatible, incompatible int
	for n := 0; n <= 70; n++ {
		for counts := range screenCountModes {
			g := &screenGen{rng: rng, counts: counts}
			for range 6 {
				sig, rows := g.input(n)
				if rng.IntN(8) == 0 {
					for range 1 + rng.IntN(screenRowWords-1) { // a partial row, ignored
						rows = append(rows, rng.Uint64())
					}
				}
				want := screenRef(sig, rows, false)
				last := screenRef(sig, rows, true)
				for s := range want {
					if want[s]>>32 != 0 && want[s] != last[s] { // not 0/den against 0/1
						ties++
					}
				}
				if screenInRange(sig, rows) {
					inRange++
				} else {
					outOfRange++
				}
				for s := range ScreenSlots {
					for r := 0; r+screenRowWords <= len(rows); r += screenRowWords {
						if uint16(uint16(sig[screenMetaWord*ScreenSlots+s])-uint16(rows[r+screenMetaWord])+ScreenWindow) <= 2*ScreenWindow {
							compatible++
						} else {
							incompatible++
						}
					}
				}
				sigCopy, rowsCopy := slices.Clone(sig), slices.Clone(rows)
				for _, k := range kernels {
					var got [ScreenSlots]uint64
					for s := range got {
						got[s] = 0xdeadbeef // every slot must be written
					}
					k.fn(sig, rows, &got)
					if !assert.Equal(t, want, got, "%s n=%d counts=%d", k.name, n, counts) {
						return
					}
					require.Equal(t, sigCopy, sig, "%s changed the signature", k.name)
					require.Equal(t, rowsCopy, rows, "%s changed the rows", k.name)
				}
			}
		}
	}
	t.Logf("inputs: %d in the vector range, %d out; %d slots decided by a tie; pairs: %d compatible, %d not",
		inRange, outOfRange, ties, compatible, incompatible)
	assert.Positive(t, ties)
	assert.Positive(t, outOfRange)
}

// TestScreenVectorRange checks that the vector kernels themselves take
// every input in their range (the Go fallback is for the rest only), and
// refuse one meta word out of it, wherever it is.
func TestScreenVectorRange(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	g := &screenGen{rng: rng, counts: countsSmall}
	for _, k := range screenVectorKernels() {
		for n := 1; n <= 40; n++ {
			sig, rows := g.input(n)
			// Every count at the top of the range.
			if n%3 == 0 {
				for s := range ScreenSlots {
					sig[screenMetaWord*ScreenSlots+s] |= (1<<14 - 1) << 16
				}
				for r := 0; r < len(rows); r += screenRowWords {
					rows[r+screenMetaWord] |= (1<<14 - 1) << 16
				}
			}
			var got [ScreenSlots]uint64
			require.True(t, k.fn(&sig[0], &rows[0], n, &got), "%s n=%d", k.name, n)
			require.Equal(t, screenRef(sig, rows, false), got, "%s n=%d", k.name, n)
			for _, bad := range []uint64{1 << 30, 1 << 32, 1 << 63} {
				s, r := rng.IntN(ScreenSlots), rng.IntN(n)*screenRowWords
				sig[screenMetaWord*ScreenSlots+s] ^= bad
				assert.False(t, k.fn(&sig[0], &rows[0], n, &got), "%s n=%d slot %d meta %#x", k.name, n, s, bad)
				sig[screenMetaWord*ScreenSlots+s] ^= bad
				rows[r+screenMetaWord] ^= bad
				assert.False(t, k.fn(&sig[0], &rows[0], n, &got), "%s n=%d row %d meta %#x", k.name, n, r/screenRowWords, bad)
				rows[r+screenMetaWord] ^= bad
			}
		}
	}
}

// screenSig sets slot s of sig.
func screenSig(sig []uint64, s int, words [Words]uint64, count uint64, dir uint16) {
	for k, w := range words {
		sig[k*ScreenSlots+s] = w
	}
	sig[screenMetaWord*ScreenSlots+s] = count<<16 | uint64(dir)
}

// screenRow appends a row.
func screenRow(rows []uint64, words [Words]uint64, count uint64, dir uint16) []uint64 {
	rows = append(rows, words[:]...)
	return append(rows, count<<16|uint64(dir), 0)
}

func TestScreenBestByHand(t *testing.T) {
	sig := make([]uint64, ScreenWords)
	screenSig(sig, 0, [Words]uint64{0b1111}, 4, 0x1000)
	screenSig(sig, 1, [Words]uint64{5: 0xff00}, 8, 0xc000)
	// Slots 2-15 are empty.
	var rows []uint64
	// Slot 0: 0x1000 - 0x3000 is an eighth turn back (ScreenWindow),
	// compatible: 2/(4+6). Slot 1: 0xc000 - 0x3000 = 0x9000, beyond.
	rows = screenRow(rows, [Words]uint64{0b0011, 5: 0xf000}, 6, 0x3000)
	// Slot 0: 1/(4+3), worse (the count need not be the words'). Slot 1:
	// 0xb000 apart.
	rows = screenRow(rows, [Words]uint64{0b0001}, 3, 0x1000)
	// Slot 0: 0x3000 apart. Slot 1: exactly an eighth turn ahead:
	// 8/(8+12).
	rows = screenRow(rows, [Words]uint64{5: 0xff0f}, 12, 0xe000)
	// Slot 0: 0x1fff apart (across 0), and 0. Slot 1: 0x3001 apart.
	rows = screenRow(rows, [Words]uint64{5: 0x0f00}, 4, 0xf001)
	// Slot 0: 0x3001 apart. Slot 1: 0x1fff apart the other way: 4/(8+4),
	// worse.
	rows = screenRow(rows, [Words]uint64{5: 0x0f00}, 4, 0xdfff)
	// Slot 0: 4/8 would be the best, but 0x2001 apart.
	rows = screenRow(rows, [Words]uint64{0b1111}, 4, 0x3001)
	// Slot 1: 4/(8+2) equals 8/20: the first stays.
	rows = screenRow(rows, [Words]uint64{5: 0xf000}, 2, 0xc000)
	want := [ScreenSlots]uint64{2<<32 | 10, 8<<32 | 20}
	for s := 2; s < ScreenSlots; s++ {
		want[s] = 0<<32 | 1
	}
	// The row of 4/10 first: it stays.
	swapped := slices.Clone(rows)
	copy(swapped[2*screenRowWords:], rows[6*screenRowWords:])
	copy(swapped[6*screenRowWords:], rows[2*screenRowWords:3*screenRowWords])
	wantSwapped := want
	wantSwapped[1] = 4<<32 | 10
	var none [ScreenSlots]uint64
	for s := range none {
		none[s] = 1
	}
	for _, k := range screenKernels() {
		var got [ScreenSlots]uint64
		k.fn(sig, rows, &got)
		assert.Equal(t, want, got, k.name)
		k.fn(sig, swapped, &got)
		assert.Equal(t, wantSwapped, got, "%s, swapped", k.name)
		k.fn(sig, nil, &got)
		assert.Equal(t, none, got, "%s, no rows", k.name)
		// Every word full, in every slot and row.
		full := make([]uint64, ScreenWords)
		var ones [Words]uint64
		for k := range ones {
			ones[k] = ^uint64(0)
		}
		for s := range ScreenSlots {
			screenSig(full, s, ones, 64*Words, uint16(s)<<12)
		}
		// A row every quarter turn: every slot has one within its window.
		var fullRows []uint64
		for dir := 0; dir < 1<<16; dir += 1 << 14 {
			fullRows = screenRow(fullRows, ones, 64*Words, uint16(dir))
		}
		k.fn(full, fullRows, &got)
		for s := range ScreenSlots {
			assert.Equal(t, uint64(64*Words)<<32|2*64*Words, got[s], "%s full, slot %d", k.name, s)
		}
	}
	assert.Equal(t, want, screenRef(sig, rows, false))
	assert.Equal(t, wantSwapped, screenRef(sig, swapped, false))
}

// TestScreenSelf screens templates against themselves: every slot finds
// its own cylinder, Dice 1, so the score is the maximum, screenTop.
func TestScreenSelf(t *testing.T) {
	for seed := range uint64(8) {
		pts := randomPoints(100+seed, 30+int(seed)*5)
		var tmpl Template
		Build(&tmpl, pts)
		m := NewMatcher(pts)
		// Slots holding a cylinder with cells set: those rows exist.
		full := 0
		for s := range ScreenSlots {
			if tmpl.Screen[screenMetaWord*ScreenSlots+s]>>16 != 0 {
				full++
			}
		}
		require.GreaterOrEqual(t, full, screenTop, "seed %d: too few cylinders for the test", seed)
		for _, k := range screenKernels() {
			var out [ScreenSlots]uint64
			k.fn(tmpl.Screen, m.screenRows, &out)
			for s, b := range out {
				// Only the slot's own cylinder reaches 1/2 (a row's and is
				// at most either count), so the fraction is exactly its own.
				c := tmpl.Screen[screenMetaWord*ScreenSlots+s] >> 16
				if c == 0 {
					assert.Equal(t, uint64(1), b, "%s seed %d slot %d", k.name, seed, s)
				} else {
					assert.Equal(t, c<<32|2*c, b, "%s seed %d slot %d", k.name, seed, s)
				}
			}
			assert.Equal(t, float32(screenTop), screenScore(&out), "%s seed %d", k.name, seed)
		}
		assert.Equal(t, float32(screenTop), m.Screen(&tmpl), "seed %d", seed)
	}
}

// BenchmarkScreenKernels screens signatures against a 35-row probe: ns/op
// is per signature.
func BenchmarkScreenKernels(b *testing.B) {
	const nsig, nrows = 64, 35
	rng := rand.New(rand.NewPCG(11, 12))
	g := &screenGen{rng: rng, counts: countsTrue}
	sigs := make([][]uint64, nsig)
	var rows []uint64
	for i := range sigs {
		sigs[i], rows = g.input(nrows)
	}
	for _, k := range screenKernels() {
		b.Run(k.name, func(b *testing.B) {
			var out [ScreenSlots]uint64
			for i := 0; b.Loop(); i++ {
				k.fn(sigs[i%nsig], rows, &out)
			}
		})
	}
}

// TestSort8 checks the sorting network on every 0/1 input (the 0-1
// principle: a network that sorts them sorts everything) and on random
// ones.
func TestSort8(t *testing.T) {
	for m := range 256 {
		var v [8]uint32
		for i := range v {
			v[i] = uint32(m >> i & 1)
		}
		sort8(&v)
		require.True(t, slices.IsSorted(v[:]), "input %08b", m)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 1000 {
		var v [8]uint32
		for i := range v {
			v[i] = rng.Uint32N(20)
		}
		want := v
		slices.Sort(want[:])
		sort8(&v)
		require.Equal(t, want, v)
	}
}

// TestScreenScoreSumsTheBestEight checks screenScore against a plain sort.
func TestScreenScoreSumsTheBestEight(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 1000 {
		var best [ScreenSlots]uint64
		sims := make([]float64, ScreenSlots)
		for s := range best {
			den := 1 + rng.Uint64N(700)
			and := rng.Uint64N(den/2 + 1)
			if rng.IntN(4) == 0 {
				and, den = 0, 1
			}
			best[s] = and<<32 | den
			sims[s] = float64(float32(2 * float32(and) / float32(den)))
		}
		slices.Sort(sims)
		want := 0.0
		for _, v := range sims[ScreenSlots-screenTop:] {
			want += v
		}
		assert.InDelta(t, want, float64(screenScore(&best)), 1e-5)
	}
}

// TestScreenWindowKeepsTurnedMatesWithinAnEighthTurn screens a print
// turned by growing angles (directions with a little noise) against
// itself: while the turn and the noise stay within ScreenWindow (45°), it
// stands far above 200 unrelated prints; turned past the window, its own
// cylinders are never compared, and it falls below the best of them. (On
// real prints, whose directions are noisier, screening keeps mates turned
// by up to about 30°: docs/matching.md.)
func TestScreenWindowKeepsTurnedMatesWithinAnEighthTurn(t *testing.T) {
	rng := rand.New(rand.NewPCG(30, 45))
	pts := spacedPoints(rng, 40, 300, 400)
	var mate Template
	Build(&mate, pts)
	others := make([]Template, 200)
	for i := range others {
		Build(&others[i], spacedPoints(rng, 25+rng.IntN(30), 300, 400))
	}
	for _, deg := range []float64{0, 10, 20, 30, 40, -40, 60, -60, 90} {
		sn, cs := math.Sincos(deg * math.Pi / 180)
		noise := rand.New(rand.NewPCG(7, 7))
		turned := make([]Point, len(pts))
		for i, p := range pts {
			turned[i] = Point{X: cs*p.X - sn*p.Y, Y: sn*p.X + cs*p.Y,
				Dir: p.Dir + uint16(int(math.Round(deg*65536/360))+noise.IntN(1001)-500)}
		}
		m := NewMatcher(turned)
		chance := float32(0)
		for i := range others {
			chance = max(chance, m.Screen(&others[i]))
		}
		self := m.Screen(&mate)
		if math.Abs(deg) <= 40 {
			assert.Greater(t, self, 2*chance, "%v°: unrelated prints reach %.3f", deg, chance)
		} else {
			assert.Less(t, self, chance, "%v°: unrelated prints reach %.3f", deg, chance)
		}
	}
}
