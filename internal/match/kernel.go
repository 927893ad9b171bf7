package match

import "math/bits"

// rowArgs is one probe cylinder laid out for the cell-count kernels: each
// word repeated over four lanes (the AVX2 kernel reads them as vectors, the
// AVX-512 kernel broadcasts lane 0), then the validity mask and the least
// number of valid cells two cylinders must share, likewise.
type rowArgs struct {
	words    [Words][4]uint64
	mask     [4]uint64
	minCells [4]uint64
}

func (r *rowArgs) set(cyl [Words]uint64, mask uint64) {
	for k, w := range cyl {
		r.words[k] = [4]uint64{w, w, w, w}
	}
	r.mask = [4]uint64{mask, mask, mask, mask}
	m := uint64(minMatchCells)
	r.minCells = [4]uint64{m, m, m, m}
}

// scanCells computes, for each candidate j of a run (masks[j] its validity
// word; its word k at cyl[k*stride+j]), the cell counts of the Jaccard
// similarity with the probe cylinder r: and = Σ popcount(probe_k ∧ cand_k)
// and or = Σ popcount((probe_k ∨ cand_k) ∧ mm) with mm = the two validity
// words ANDed, written as out[j] = or<<32 | and; 0 when the two share fewer
// than minCells valid cells. Every implementation gives the same integers.
// The kernel is chosen at start-up, the best the CPU runs (CellKernel).
var scanCells func(r *rowArgs, cyl []uint64, stride int, masks []uint64, out []uint64)

// scanCellsGo is the portable kernel.
func scanCellsGo(r *rowArgs, cyl []uint64, stride int, masks []uint64, out []uint64) {
	ma, minCells := r.mask[0], int(r.minCells[0])
	w0, w1, w2, w3, w4, w5 := r.words[0][0], r.words[1][0], r.words[2][0], r.words[3][0], r.words[4][0], r.words[5][0]
	c0 := cyl[:len(masks)]
	c1 := cyl[stride : stride+len(masks)]
	c2 := cyl[2*stride : 2*stride+len(masks)]
	c3 := cyl[3*stride : 3*stride+len(masks)]
	c4 := cyl[4*stride : 4*stride+len(masks)]
	c5 := cyl[5*stride : 5*stride+len(masks)]
	out = out[:len(masks)]
	for j, mb := range masks {
		mm := ma & mb
		if bits.OnesCount64(mm) < minCells {
			out[j] = 0
			continue
		}
		// Bits are only ever set in a cylinder's valid cells, so the
		// intersection needs no mask.
		and := bits.OnesCount64(w0&c0[j]) + bits.OnesCount64(w1&c1[j]) + bits.OnesCount64(w2&c2[j]) +
			bits.OnesCount64(w3&c3[j]) + bits.OnesCount64(w4&c4[j]) + bits.OnesCount64(w5&c5[j])
		or := bits.OnesCount64((w0|c0[j])&mm) + bits.OnesCount64((w1|c1[j])&mm) + bits.OnesCount64((w2|c2[j])&mm) +
			bits.OnesCount64((w3|c3[j])&mm) + bits.OnesCount64((w4|c4[j])&mm) + bits.OnesCount64((w5|c5[j])&mm)
		out[j] = uint64(or)<<32 | uint64(and)
	}
}

// scanCells' unrolled words are written for exactly six.
var (
	_ [Words - 6]struct{}
	_ [6 - Words]struct{}
)

// cellKernel is one implementation of scanCells.
type cellKernel struct {
	name string
	fn   func(r *rowArgs, cyl []uint64, stride int, masks []uint64, out []uint64)
}

// CellKernel names the kernel comparisons use on this CPU ("avx512",
// "avx2" or "go"; the purego build tag forces "go").
var CellKernel string

func init() {
	k := cellKernels()[0]
	scanCells, CellKernel = k.fn, k.name
}
