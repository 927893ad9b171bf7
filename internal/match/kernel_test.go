package match

import (
	"math/bits"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// refKeys is scanCells' contract written plainly, one candidate at a time,
// with the similarity expression scanRow used before the kernels computed
// keys, so that the Go kernel is checked against something other than
// itself and the vector kernels against the Go kernel.
func refKeys(r *rowArgs, cyl []uint64, stride int, masks []uint64, base uint64) []uint64 {
	out := make([]uint64, len(masks))
	for j, mb := range masks {
		mm := r.mask[0] & mb
		if bits.OnesCount64(mm) < int(r.minCells[0]) {
			continue
		}
		var and, or int
		for k := range Words {
			p, c := r.words[k][0], cyl[k*stride+j]
			and += bits.OnesCount64(p & c)
			or += bits.OnesCount64((p | c) & mm)
		}
		fand, f := float32(uint32(and)), float32(max(uint32(or), 1))
		out[j] = uint64(int32(fand/f*65535))<<32 | (base + uint64(j))
	}
	return out
}

// cellCase is one kind of candidate for the kernel tests: the edges of the
// key computation along with random cylinders.
type cellCase int

const (
	caseRandom    cellCase = iota
	caseNoCommon           // no valid cell in common with the probe: key 0
	caseBelowMin           // minCells-1 common valid cells: key 0
	caseAtMin              // exactly minCells common valid cells
	caseZeroUnion          // enough common cells, none set in either: or = 0
	caseSame               // the probe's own cylinder: and = or
	caseFull               // every word and mask full
	caseDisjoint           // cells set in both but none in common: and = 0, or > 0
	cellCases
)

// lowCells are the cells where the tests' probes never set a bit, so that
// caseZeroUnion can have or = 0 with enough common valid cells.
var lowCells = uint64(1)<<minMatchCells - 1

// cellRun makes a probe and n candidates (word k of candidate j at
// cyl[k*n+j]) of random cases.
func cellRun(rng *rand.Rand, n int, fullProbe bool) (r rowArgs, cyl, masks []uint64, cases []cellCase) {
	randWord := func() uint64 {
		switch rng.IntN(4) {
		case 0:
			return 0
		case 1:
			return ^uint64(0)
		}
		return rng.Uint64() & rng.Uint64() // sparse-ish, like cylinders
	}
	var probe [Words]uint64
	probeMask := ^uint64(0)
	if !fullProbe {
		probeMask = rng.Uint64() | lowCells | 0xff<<56
		for k := range probe {
			probe[k] = randWord() & probeMask &^ lowCells
		}
	} else {
		for k := range probe {
			probe[k] = ^uint64(0)
		}
	}
	r.set(probe, probeMask)

	cyl = make([]uint64, n*Words)
	masks = make([]uint64, n)
	cases = make([]cellCase, n)
	// firstCommon keeps the lowest c valid cells of the probe.
	firstCommon := func(c int) uint64 {
		m := uint64(0)
		for w := probeMask; c > 0; c-- {
			b := w & -w
			m, w = m|b, w&^b
		}
		return m
	}
	for j := range n {
		cs := cellCase(rng.IntN(int(cellCases)))
		cases[j] = cs
		mb := randWord()
		var words [Words]uint64
		for k := range words {
			words[k] = randWord()
		}
		switch cs {
		case caseNoCommon:
			mb = ^probeMask
		case caseBelowMin:
			mb = firstCommon(minMatchCells - 1)
		case caseAtMin:
			mb = firstCommon(minMatchCells)
		case caseZeroUnion:
			mb, words = lowCells, [Words]uint64{}
		case caseSame:
			mb, words = probeMask, probe
		case caseFull:
			mb = ^uint64(0)
			for k := range words {
				words[k] = ^uint64(0)
			}
		case caseDisjoint:
			mb = ^uint64(0)
			for k := range words {
				words[k] = ^probe[k] &^ lowCells
			}
		}
		masks[j] = mb
		for k, w := range words {
			cyl[k*n+j] = w & mb // bits are only set in valid cells
		}
	}
	return r, cyl, masks, cases
}

// TestCellKernelsAgree runs every kernel this CPU has on the same inputs,
// every run length from 0 to 70 (vector groups plus every remainder) at
// every offset into the candidate, and demands the reference's keys bit
// for bit: scores must not depend on the CPU.
func TestCellKernelsAgree(t *testing.T) {
	kernels := cellKernels()
	require.Equal(t, "go", kernels[len(kernels)-1].name)
	t.Logf("kernels: %d, in use: %s", len(kernels), CellKernel)
	require.Less(t, minMatchCells, 64)
	rng := rand.New(rand.NewPCG(1, 2))
	// How often each key form came up, to show the edges were reached.
	var zero, simZero, simFull, other int
	for n := 0; n <= 70; n++ {
		for _, fullProbe := range []bool{false, true} {
			r, cyl, masks, _ := cellRun(rng, n, fullProbe)
			for from := 0; from <= n; from++ {
				// Any probe index, and this run's first candidate.
				base := uint64(rng.IntN(MaxPoints))<<16 | uint64(from)
				want := refKeys(&r, cyl[from:], n, masks[from:], base)
				for _, key := range want {
					switch {
					case key == 0:
						zero++
					case key>>32 == 0:
						simZero++
					case key>>32 == 65535:
						simFull++
					default:
						other++
					}
				}
				for _, k := range kernels {
					got := make([]uint64, n-from+3)
					got[n-from] = 0xdead // the kernels must not write past their run
					k.fn(&r, cyl[from:], n, masks[from:], base, got[:n-from])
					if !assert.Equal(t, want, got[:n-from], "%s n=%d from=%d", k.name, n, from) {
						return
					}
					assert.Equal(t, uint64(0xdead), got[n-from], "%s wrote past the run", k.name)
				}
			}
		}
	}
	t.Logf("keys: %d zero, %d of similarity 0, %d of similarity 1, %d others", zero, simZero, simFull, other)
	assert.Positive(t, zero)
	assert.Positive(t, simZero)
	assert.Positive(t, simFull)
	assert.Positive(t, other)
}

// TestCellKernelEdges checks each edge case's key itself, in every kernel.
func TestCellKernelEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, fullProbe := range []bool{false, true} {
		const n = 67
		r, cyl, masks, cases := cellRun(rng, n, fullProbe)
		const base = 123<<16 | 40
		for _, k := range cellKernels() {
			out := make([]uint64, n)
			k.fn(&r, cyl, n, masks, base, out)
			for j, key := range out {
				idx := uint64(base + j)
				switch cases[j] {
				case caseNoCommon, caseBelowMin:
					assert.Zero(t, key, "%s j=%d: too few common cells", k.name, j)
				case caseZeroUnion:
					assert.Equal(t, idx, key, "%s j=%d: or = 0 is similarity 0", k.name, j)
				case caseSame:
					want := idx // and = or = 0
					if r.words != [Words][4]uint64{} {
						want |= 65535 << 32
					}
					assert.Equal(t, want, key, "%s j=%d: and = or is similarity 1", k.name, j)
				case caseFull:
					if fullProbe {
						assert.Equal(t, 65535<<32|idx, key, "%s j=%d: full", k.name, j)
					}
				case caseDisjoint:
					assert.Equal(t, idx, key, "%s j=%d: and = 0 is similarity 0", k.name, j)
				}
				if key != 0 {
					assert.Equal(t, idx, key&(1<<32-1), "%s j=%d: index bits", k.name, j)
				}
			}
		}
	}
}

func TestCellKernelKeysByHand(t *testing.T) {
	var r rowArgs
	r.set([Words]uint64{0b1011, 0, 0, 0, 0, 1 << 63}, ^uint64(0))
	// One candidate: cells 0 and 3 of word 0 shared, 63 of word 5 not.
	cyl := []uint64{0b1001, 0, 0, 0, 0, 0}
	const base = 7<<16 | 12
	for _, k := range cellKernels() {
		out := make([]uint64, 1)
		k.fn(&r, cyl, 1, []uint64{^uint64(0)}, base, out)
		// or: cells 0, 1, 3, 63; and: 0, 3. 2/4·65535 = 32767.5, truncated.
		assert.Equal(t, uint64(32767)<<32|base, out[0], k.name)
		k.fn(&r, cyl, 1, []uint64{1}, base, out)
		assert.Zero(t, out[0], "%s: one common valid cell is below minCells", k.name)
	}
}

// BenchmarkCellKernels runs each kernel on runs of the length localPairs
// typically scans (about twenty direction-compatible candidates).
func BenchmarkCellKernels(b *testing.B) {
	const n, run = 64, 20
	rng := rand.New(rand.NewPCG(5, 6))
	r, cyl, masks, _ := cellRun(rng, n, false)
	out := make([]uint64, n)
	for _, k := range cellKernels() {
		b.Run(k.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				from := i % (n - run)
				k.fn(&r, cyl[from:], n, masks[from:from+run], uint64(from), out)
			}
		})
	}
}
