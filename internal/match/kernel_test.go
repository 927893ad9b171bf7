package match

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCellKernelsAgree runs every kernel this CPU has on the same inputs,
// every run length from 0 to 70 (vector groups plus every remainder) and
// offsets into the candidate, and demands the Go kernel's integers.
func TestCellKernelsAgree(t *testing.T) {
	kernels := cellKernels()
	require.Equal(t, "go", kernels[len(kernels)-1].name)
	t.Logf("kernels: %d, in use: %s", len(kernels), CellKernel)
	rng := rand.New(rand.NewPCG(1, 2))
	randWord := func() uint64 {
		switch rng.IntN(4) {
		case 0:
			return 0
		case 1:
			return ^uint64(0)
		}
		return rng.Uint64() & rng.Uint64() // sparse-ish, like cylinders
	}
	for n := 0; n <= 70; n++ {
		cyl := make([]uint64, n*Words)
		masks := make([]uint64, n)
		for i := range cyl {
			cyl[i] = randWord()
		}
		for j := range masks {
			masks[j] = randWord()
		}
		var probe [Words]uint64
		for k := range probe {
			probe[k] = randWord()
		}
		var r rowArgs
		r.set(probe, randWord()|rng.Uint64())
		for from := 0; from <= min(n, 9); from++ {
			want := make([]uint64, n-from)
			scanCellsGo(&r, cyl[from:], n, masks[from:], want)
			for _, k := range kernels {
				got := make([]uint64, n-from+3)
				got[n-from] = 0xdead // the kernels must not write past their run
				k.fn(&r, cyl[from:], n, masks[from:], got[:n-from])
				assert.Equal(t, want, got[:n-from], "%s n=%d from=%d", k.name, n, from)
				assert.Equal(t, uint64(0xdead), got[n-from], "%s wrote past the run", k.name)
			}
		}
	}
}

func TestCellKernelCountsByHand(t *testing.T) {
	var r rowArgs
	r.set([Words]uint64{0b1011, 0, 0, 0, 0, 1 << 63}, ^uint64(0))
	// One candidate: cells 0 and 3 of word 0 shared, 63 of word 5 not.
	cyl := []uint64{0b1001, 0, 0, 0, 0, 0}
	for _, k := range cellKernels() {
		out := make([]uint64, 1)
		k.fn(&r, cyl, 1, []uint64{^uint64(0)}, out)
		assert.Equal(t, uint64(4)<<32|2, out[0], k.name) // or: 0,1,3,63; and: 0,3
		k.fn(&r, cyl, 1, []uint64{1}, out)
		assert.Zero(t, out[0], "%s: one common valid cell is below minCells", k.name)
	}
}
