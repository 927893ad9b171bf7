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
// word; its word k at cyl[k*stride+j]), the pair key of localPairs: the
// Jaccard similarity with the probe cylinder r, from the cell counts
// and = Σ popcount(probe_k ∧ cand_k) and or = Σ popcount((probe_k ∨ cand_k) ∧ mm)
// with mm = the two validity words ANDed, as
//
//	out[j] = uint64(int32(float32(and)/float32(max(or, 1))*65535))<<32 | (base + j)
//
// base being the index bits of the run's first candidate (probe index<<16
// | candidate index). A candidate sharing fewer than minCells valid cells
// with the probe gets key 0, below every key of a candidate that does.
// Every implementation gives the same keys, bit for bit: the same float32
// division, multiplication and truncation as this expression (none fuses),
// so scores do not depend on the CPU. The kernel is chosen at start-up, the
// best the CPU runs (CellKernel).
var scanCells func(r *rowArgs, cyl []uint64, stride int, masks []uint64, base uint64, out []uint64)

// scanCellsGo is the portable kernel.
func scanCellsGo(r *rowArgs, cyl []uint64, stride int, masks []uint64, base uint64, out []uint64) {
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
		out[j] = pairKey(and, or, base+uint64(j))
	}
}

// pairKey is the key of a candidate with enough common valid cells: its
// similarity scaled to [0, 65535] above the index bits. The vector kernels
// compute the same float32 operations lane by lane. or = 0 (the two share
// valid cells, but no cell is set in either) has and = 0 too: similarity
// 0, not the NaN of 0/0. sim·65535 lies in [0, 65535], so the conversion
// through int32 truncates as uint64 would, in one instruction (CVTTSS2SL,
// VCVTTPS2DQ in the vector kernels) instead of the branches of an unsigned
// 64-bit conversion.
func pairKey(and, or int, index uint64) uint64 {
	sim := float32(and) / float32(max(or, 1)) * 65535
	return uint64(int32(sim))<<32 | index
}

// scanCells' unrolled words are written for exactly six.
var (
	_ [Words - 6]struct{}
	_ [6 - Words]struct{}
)

// cellKernel is one implementation of scanCells.
type cellKernel struct {
	name string
	fn   func(r *rowArgs, cyl []uint64, stride int, masks []uint64, base uint64, out []uint64)
}

// CellKernel names the kernel comparisons use on this CPU ("avx512",
// "avx2" or "go"; the purego build tag forces "go").
var CellKernel string

func init() {
	k := cellKernels()[0]
	scanCells, CellKernel = k.fn, k.name
}
