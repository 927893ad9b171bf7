package match

import (
	"math"
	"math/bits"
)

// Screening: a cheap first stage for 1:N searches. A gallery template
// keeps a signature of ScreenSlots of its cylinders, chosen to cover its
// area (farthest-point sampling from the most central valid minutia), so
// that whatever part of the finger a probe overlaps holds some of them.
// The screening score is, for each slot, the best Dice similarity
// 2·|a∧b| / (|a|+|b|) with a probe cylinder whose direction is within
// ScreenWindow of the slot's, and then the sum of the screenTop best
// slots. It has no geometry and no validity masks: it only has to keep the
// mate in a short list that the full comparison then ranks
// (docs/matching.md, "Screening", has the measurements that chose K = 16,
// Dice, the top 8 and the window).
const (
	ScreenSlots = 16
	screenTop   = 8
	// ScreenWindow is the largest direction difference, in Angle units
	// (1/65536 of a turn), between a slot and a probe cylinder that the
	// screening compares: an eighth of a turn. Cylinders are drawn in
	// their minutia's frame, so their similarity says nothing of the
	// rotation between the prints; the window is what makes the screen
	// prefer candidates whose minutiae point the way the probe's do. It
	// is half the full comparison's (a quarter turn): screening keeps
	// mates rotated by up to about 30° (docs/matching.md), and a print
	// of unknown orientation is searched exhaustively. screen_amd64.s
	// holds it in its constants too; the kernel tests, which check every
	// kernel against this value at the window's edges, fail if they part.
	ScreenWindow = 1 << 13
	// screenMetaWord is the index, after the Words cell words, of the
	// word holding each slot's count<<16 | direction.
	screenMetaWord = Words
	// ScreenWords is the size of one signature in uint64 words: for each
	// of Words+1 words (the cell words, then the meta word), that word of
	// the ScreenSlots slots, slot-minor.
	ScreenWords = (Words + 1) * ScreenSlots
	// screenRowWords is the size of one probe cylinder row: the cell
	// words, the meta word, one word of padding.
	screenRowWords = 8
)

// buildScreen writes t's screening signature into sig (ScreenWords long).
// Slots left empty (templates with fewer valid cylinders) are zero: count
// 0, so no probe cylinder ever beats their initial similarity of 0.
func buildScreen(sig []uint64, t *Template) {
	clear(sig)
	n := t.Len()
	valid := make([]int, 0, n)
	var cx, cy float64
	for i := range n {
		// A cylinder without cells (valid, but no neighbour reaches it)
		// could never score: screenRows leaves such probe rows out too.
		if t.Mask[i] != 0 && cylinderCount(t, i) > 0 {
			valid = append(valid, i)
			cx += float64(t.X[i])
			cy += float64(t.Y[i])
		}
	}
	if len(valid) == 0 {
		return
	}
	cx /= float64(len(valid))
	cy /= float64(len(valid))
	dist := func(i int, x, y float64) float64 {
		return math.Hypot(float64(t.X[i])-x, float64(t.Y[i])-y)
	}
	// The first slot is the valid minutia nearest the centroid (the first
	// in order among equals); each next one the valid minutia farthest
	// from those chosen.
	first := valid[0]
	for _, i := range valid[1:] {
		if dist(i, cx, cy) < dist(first, cx, cy) {
			first = i
		}
	}
	chosen := make([]int, 0, ScreenSlots)
	chosen = append(chosen, first)
	nearest := make([]float64, len(valid))
	for a := range nearest {
		nearest[a] = math.Inf(1)
	}
	for len(chosen) < min(ScreenSlots, len(valid)) {
		last := chosen[len(chosen)-1]
		far, farD := -1, -1.0
		for a, i := range valid {
			d := dist(i, float64(t.X[last]), float64(t.Y[last]))
			nearest[a] = min(nearest[a], d)
			if nearest[a] > farD {
				far, farD = i, nearest[a]
			}
		}
		chosen = append(chosen, far)
	}
	for s, i := range chosen {
		for k, w := range t.cylinder(i) {
			sig[k*ScreenSlots+s] = w
		}
		sig[screenMetaWord*ScreenSlots+s] = uint64(cylinderCount(t, i))<<16 | uint64(t.Dir[i])
	}
}

func cylinderCount(t *Template, i int) int {
	count := 0
	for _, w := range t.cylinder(i) {
		count += bits.OnesCount64(w)
	}
	return count
}

// screenRows lays out the probe's valid cylinders for the screening
// kernel, screenRowWords words each, into rows (reused).
func screenRows(rows []uint64, t *Template) []uint64 {
	rows = rows[:0]
	for i := range t.Len() {
		if t.Mask[i] == 0 {
			continue
		}
		count := cylinderCount(t, i)
		if count == 0 {
			continue
		}
		c := t.cylinder(i)
		rows = append(rows, c[:]...)
		rows = append(rows, uint64(count)<<16|uint64(t.Dir[i]), 0)
	}
	return rows
}

// screenBest is the screening kernel. For each slot s of sig (a signature
// of ScreenWords words) it finds, over the probe rows (screenRowWords words
// each) whose direction differs from the slot's by at most ScreenWindow
// (uint16(slotDir − rowDir + ScreenWindow) ≤ 2·ScreenWindow), the largest Dice fraction
// and/den, and = Σ_k popcount(slot_k ∧ row_k), den = slotCount + rowCount.
// It starts from 0/1 and replaces the best only when and·bestDen >
// bestAnd·den (exact integers, so the first of equal fractions stays), and
// writes out[s] = bestAnd<<32 | bestDen. Every implementation gives the
// same integers. Chosen at start-up (ScreenKernel), like scanCells.
var screenBest func(sig []uint64, rows []uint64, out *[ScreenSlots]uint64)

// screenBestGo is the portable screening kernel.
func screenBestGo(sig []uint64, rows []uint64, out *[ScreenSlots]uint64) {
	sig = sig[:ScreenWords]
	for s := range ScreenSlots {
		meta := sig[screenMetaWord*ScreenSlots+s]
		slotCount, slotDir := meta>>16, uint16(meta)
		bestAnd, bestDen := uint64(0), uint64(1)
		for r := 0; r+screenRowWords <= len(rows); r += screenRowWords {
			row := rows[r : r+screenRowWords]
			rowMeta := row[screenMetaWord]
			if uint16(slotDir-uint16(rowMeta)+ScreenWindow) > 2*ScreenWindow {
				continue
			}
			and := uint64(0)
			for k := range Words {
				and += uint64(bits.OnesCount64(sig[k*ScreenSlots+s] & row[k]))
			}
			den := slotCount + rowMeta>>16
			if and*bestDen > bestAnd*den {
				bestAnd, bestDen = and, den
			}
		}
		out[s] = bestAnd<<32 | bestDen
	}
}

// screenScore turns the kernel's fractions into the screening score: the
// sum of the screenTop largest Dice similarities 2·and/den. It is computed
// without a branch on the data (a general sort cost as much as the
// kernel): the similarities, as the bits of non-negative float32s (which
// order like the floats), are sorted in two halves of eight by a sorting
// network; the elementwise larger of the one half ascending and the other
// descending are then the eight largest of the sixteen, summed in that
// order.
func screenScore(best *[ScreenSlots]uint64) float32 {
	var lo, hi [8]uint32
	for s := range 8 {
		lo[s] = math.Float32bits(2 * float32(best[s]>>32) / float32(max(uint32(best[s]), 1)))
		hi[s] = math.Float32bits(2 * float32(best[s+8]>>32) / float32(max(uint32(best[s+8]), 1)))
	}
	sort8(&lo)
	sort8(&hi)
	var sum float32
	for i := range 8 {
		sum += math.Float32frombits(max(lo[i], hi[7-i]))
	}
	return sum
}

// sort8Network is an optimal sorting network for eight inputs (19
// compare-exchanges in six layers).
var sort8Network = [19][2]uint8{
	{0, 2}, {1, 3}, {4, 6}, {5, 7},
	{0, 4}, {1, 5}, {2, 6}, {3, 7},
	{0, 1}, {2, 3}, {4, 5}, {6, 7},
	{2, 4}, {3, 5},
	{1, 4}, {3, 6},
	{1, 2}, {3, 4}, {5, 6},
}

// sort8 sorts v ascending with sort8Network (min and max: CMOV).
func sort8(v *[8]uint32) {
	for _, ce := range sort8Network {
		a, b := v[ce[0]], v[ce[1]]
		v[ce[0]], v[ce[1]] = min(a, b), max(a, b)
	}
}

// ScreenKernel names the screening kernel in use on this CPU.
var ScreenKernel string

func init() {
	k := screenKernels()[0]
	screenBest, ScreenKernel = k.fn, k.name
}

// screenKernel is one implementation of screenBest.
type screenKernel struct {
	name string
	fn   func(sig []uint64, rows []uint64, out *[ScreenSlots]uint64)
}

// Screen is the screening score of the probe against c (0 when c has no
// signature): cheap, for choosing which candidates to Compare.
func (m *Matcher) Screen(c *Template) float32 {
	if len(c.Screen) != ScreenWords || len(m.screenRows) == 0 {
		return 0
	}
	screenBest(c.Screen, m.screenRows, &m.screenOut)
	return screenScore(&m.screenOut)
}
