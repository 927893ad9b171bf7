package facial

import (
	"context"
	"fmt"
	"math"

	"github.com/openbms/bms/index"
	"github.com/openbms/bms/internal/vecdot"
)

// MaxBatch is how many probes share one pass over the gallery. A pass keeps
// each gallery chunk in cache while every probe scores it, so larger
// batches cost less memory bandwidth per probe, until the probes and their
// scores crowd the chunk out of the cache; SearchBatch runs longer lists in
// several passes.
const MaxBatch = 64

// SearchOptions are the parameters of a 1:N search.
type SearchOptions struct {
	// K is how many candidates to return per probe (at least 1).
	K int
	// Filter restricts the search to the dense IDs an actor may see;
	// removed records are always excluded.
	Filter index.Filter
	// Threads is how many cores to use; 0 means the gallery's default.
	Threads int
}

// Candidate is one search result.
type Candidate struct {
	ID    string  // record ID given at enrolment
	Dense uint32  // the gallery's dense ID of the record
	Score float32 // cosine similarity, as stored
}

// Search returns the K best-scoring records for probe, best first (equal
// scores: lower dense ID first).
func (g *Gallery) Search(ctx context.Context, probe *Template, opts SearchOptions) ([]Candidate, error) {
	res, err := g.SearchBatch(ctx, []*Template{probe}, opts)
	if err != nil {
		return nil, err
	}
	return res[0], nil
}

// SearchBatch searches several probes in shared passes over the gallery
// (MaxBatch probes a pass), on several cores: each core scans its own range
// of the gallery into one bounded top-K per probe, merged at the end.
func (g *Gallery) SearchBatch(ctx context.Context, probes []*Template, opts SearchOptions) ([][]Candidate, error) {
	if opts.K < 1 {
		return nil, fmt.Errorf("facial: search for %d candidates", opts.K)
	}
	for i, p := range probes {
		if err := g.accepts(p); err != nil {
			return nil, fmt.Errorf("probe %d: %w", i, err)
		}
	}
	g.mu.RLock()
	defer g.mu.RUnlock()
	filter := opts.Filter
	if g.removed > 0 {
		filter = filter.And(index.AllowOnly(g.live))
	}
	threads := opts.Threads
	if threads == 0 {
		threads = g.threads
	}
	workers := index.Workers(threads)
	// More candidates than records cannot be returned; the bound keeps an
	// outsized K from sizing the selections.
	k := min(opts.K, max(1, g.n-g.removed))
	out := make([][]Candidate, 0, len(probes))
	for lo := 0; lo < len(probes); lo += MaxBatch {
		group := probes[lo:min(lo+MaxBatch, len(probes))]
		tops, err := g.scan(ctx, group, k, filter, workers)
		if err != nil {
			return nil, err
		}
		for _, top := range tops {
			hits := top.Results()
			cands := make([]Candidate, 0, len(hits))
			for _, h := range hits {
				ext, ok := g.ids.External(h.ID)
				if !ok {
					continue // cannot happen under the read lock; never return an unnamed record
				}
				cands = append(cands, Candidate{ID: ext, Dense: h.ID, Score: h.Score})
			}
			out = append(out, cands)
		}
	}
	return out, nil
}

// Scores returns the score of probe against every dense ID in order
// (removed records score 0), for evaluations that need the whole
// distribution. dst is reused if large enough.
func (g *Gallery) Scores(probe *Template, dst []float32) ([]float32, error) {
	if err := g.accepts(probe); err != nil {
		return nil, err
	}
	g.mu.RLock()
	defer g.mu.RUnlock()
	if cap(dst) < g.n {
		dst = make([]float32, g.n)
	}
	dst = dst[:g.n]
	sc := g.newScanner(g.prepare([]*Template{probe}))
	nb := blocks(g.n)
	for b0 := 0; b0 < nb; b0 += sc.chunk {
		b1 := min(b0+sc.chunk, nb)
		sc.score(b0, b1)
		for i := b0 * vecdot.Lanes; i < min(b1*vecdot.Lanes, g.n); i++ {
			dst[i] = sc.scoreAt(0, i-b0*vecdot.Lanes, uint32(i))
		}
	}
	return dst, nil
}

func blocks(n int) int { return (n + vecdot.Lanes - 1) / vecdot.Lanes }

// scan runs one pass of up to MaxBatch probes over the gallery.
func (g *Gallery) scan(ctx context.Context, probes []*Template, k int, filter index.Filter, workers int) ([]*index.TopK, error) {
	pp := g.prepare(probes)
	ranges := index.Split(g.n, workers, vecdot.Lanes)
	tops := make([][]*index.TopK, len(ranges))
	err := index.ScanParallel(ctx, ranges, workers, func(ctx context.Context, part int, r index.Range) error {
		sc := g.newScanner(pp)
		tops[part] = make([]*index.TopK, len(probes))
		for p := range probes {
			tops[part][p] = index.NewTopK(k)
		}
		return sc.run(ctx, r, filter, tops[part])
	})
	if err != nil {
		return nil, err
	}
	merged := make([]*index.TopK, len(probes))
	for p := range probes {
		merged[p] = index.NewTopK(k)
		for part := range tops {
			if tops[part] != nil {
				merged[p].Merge(tops[part][p])
			}
		}
	}
	return merged, nil
}

// prepared is a batch of probes in the forms the kernels take, shared
// read-only by the scanners of one pass.
type prepared struct {
	n     int
	tiles int         // full tiles of Kernels.Tile probes
	f32   [][]float32 // probe vectors (Float32, Float16)
	pack  [][]float32 // packed tiles (Float32, Float16)
	i8    []vecdot.I8Probe
	i8pk  []vecdot.I8Packed
	scale []float32 // int8 probe scales
}

func (g *Gallery) prepare(probes []*Template) *prepared {
	t := g.kern.Tile()
	pp := &prepared{n: len(probes), tiles: len(probes) / t}
	if len(probes) < 2 {
		pp.tiles = 0 // one probe streams the gallery: the one-probe kernel is the fast one
	}
	switch g.storage {
	case Float32, Float16:
		for _, p := range probes {
			pp.f32 = append(pp.f32, p.vec)
		}
		rows := make([]float32, t*g.dim)
		for i := range pp.tiles {
			for j := range t {
				copy(rows[j*g.dim:], probes[i*t+j].vec)
			}
			dst := make([]float32, t*g.dim)
			g.kern.PackF32(dst, rows, g.dim)
			pp.pack = append(pp.pack, dst)
		}
	case Int8:
		q := make([][]int8, len(probes))
		for i, p := range probes {
			q[i] = make([]int8, g.dimI8)
			pp.scale = append(pp.scale, quantizeI8(q[i], p.vec))
			pp.i8 = append(pp.i8, vecdot.NewI8Probe(q[i]))
		}
		rows := make([]int8, t*g.dimI8)
		for i := range pp.tiles {
			for j := range t {
				copy(rows[j*g.dimI8:], q[i*t+j])
			}
			pp.i8pk = append(pp.i8pk, g.kern.PackI8(make([]int8, t*g.dimI8), rows, g.dimI8))
		}
	}
	return pp
}

// scanner scores chunks of the gallery for a batch of probes; one per
// worker, its buffers reused across chunks.
type scanner struct {
	g      *Gallery
	pp     *prepared
	chunk  int       // blocks scored per kernel call
	stride int       // scores per probe row
	f      []float32 // scores [probe][vector of the chunk]
	d      []int32   // int8 dot products, same layout
	base   int       // dense ID of the chunk's first vector
	ids    []uint32  // allowed IDs of a sparse chunk
}

func (g *Gallery) newScanner(pp *prepared) *scanner {
	s := &scanner{g: g, pp: pp, chunk: g.chunk}
	if pp.n == 1 {
		s.chunk = g.chunkOne
	}
	s.stride = s.chunk * vecdot.Lanes
	if g.storage == Int8 {
		s.d = make([]int32, pp.n*s.stride)
	} else {
		s.f = make([]float32, pp.n*s.stride)
	}
	return s
}

// score fills the score rows for blocks [b0, b1).
func (s *scanner) score(b0, b1 int) {
	g, pp, k := s.g, s.pp, s.g.kern
	t := k.Tile()
	s.base = b0 * vecdot.Lanes
	switch g.storage {
	case Float32:
		gal := g.f32[b0*g.dim*vecdot.Lanes : b1*g.dim*vecdot.Lanes]
		for i, pk := range pp.pack {
			k.F32Tile(s.f[i*t*s.stride:], s.stride, pk, gal, g.dim)
		}
		for p := pp.tiles * t; p < pp.n; p++ {
			k.F32(s.f[p*s.stride:(p+1)*s.stride], pp.f32[p], gal)
		}
	case Float16:
		gal := g.f16[b0*g.dim*vecdot.Lanes : b1*g.dim*vecdot.Lanes]
		for i, pk := range pp.pack {
			k.F16Tile(s.f[i*t*s.stride:], s.stride, pk, gal, g.dim)
		}
		for p := pp.tiles * t; p < pp.n; p++ {
			k.F16(s.f[p*s.stride:(p+1)*s.stride], pp.f32[p], gal)
		}
	case Int8:
		gal := g.i8[b0*g.dimI8*vecdot.Lanes : b1*g.dimI8*vecdot.Lanes]
		for i, pk := range pp.i8pk {
			k.I8Tile(s.d[i*t*s.stride:], s.stride, pk, gal, g.dimI8)
		}
		for p := pp.tiles * t; p < pp.n; p++ {
			k.I8(s.d[p*s.stride:(p+1)*s.stride], pp.i8[p], gal)
		}
	}
}

// scoreAt is probe p's score for the vector at offset i of the chunk,
// whose dense ID is id.
func (s *scanner) scoreAt(p, i int, id uint32) float32 {
	if s.g.storage == Int8 {
		return i8Score(s.d[p*s.stride+i], s.pp.scale[p], s.g.scale[id])
	}
	return s.f[p*s.stride+i]
}

// i8Score turns an exact int8 dot product into a cosine similarity; one
// function so that search, verification and tests round alike.
func i8Score(dot int32, probeScale, galleryScale float32) float32 {
	return float32(dot) * (probeScale * galleryScale)
}

// sparseShare: a chunk in which fewer than one vector in sparseShare passes
// the filter is scored block by block, only where allowed IDs lie.
const sparseShare = 16

// run scans range r into one top-K per probe.
func (s *scanner) run(ctx context.Context, r index.Range, filter index.Filter, tops []*index.TopK) error {
	bLo, bHi := int(r.Lo)/vecdot.Lanes, blocks(int(r.Hi))
	all := filter.All()
	for b0 := bLo; b0 < bHi; b0 += s.chunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		b1 := min(b0+s.chunk, bHi)
		lo, hi := uint32(b0*vecdot.Lanes), min(uint32(b1*vecdot.Lanes), r.Hi)
		if !all {
			allowed := filter.Count(int(hi)) - filter.Count(int(lo))
			if allowed == 0 {
				continue
			}
			if allowed*sparseShare < int(hi-lo) {
				s.runSparse(lo, hi, filter, tops)
				continue
			}
		}
		s.score(b0, b1)
		for p, top := range tops {
			s.push(p, top, lo, hi, filter, all)
		}
	}
	return nil
}

// push offers probe p's scores of IDs [lo, hi) of the scored chunk. IDs
// rise within a worker's range, so a score equal to a full selection's
// floor can never enter and is skipped with the lower ones.
func (s *scanner) push(p int, top *index.TopK, lo, hi uint32, filter index.Filter, all bool) {
	full, floor := top.Full(), top.Floor()
	off := int(lo) - s.base
	if s.g.storage == Int8 {
		row := s.d[p*s.stride+off : p*s.stride+off+int(hi-lo)]
		ps := s.pp.scale[p]
		scales := s.g.scale[lo:hi]
		bound := s.dotBound(full, floor, ps)
		for i, d := range row {
			if d <= bound {
				continue
			}
			sc := i8Score(d, ps, scales[i])
			if (full && sc <= floor) || (!all && !filter.Allows(lo+uint32(i))) {
				continue
			}
			if top.Push(lo+uint32(i), sc) {
				full, floor = top.Full(), top.Floor()
				bound = s.dotBound(full, floor, ps)
			}
		}
		return
	}
	row := s.f[p*s.stride+off : p*s.stride+off+int(hi-lo)]
	for i, sc := range row {
		if (full && sc <= floor) || (!all && !filter.Allows(lo+uint32(i))) {
			continue
		}
		if top.Push(lo+uint32(i), sc) {
			full, floor = top.Full(), top.Floor()
		}
	}
}

// dotBound is the largest int8 dot product that cannot beat floor whatever
// the vector's scale: score = dot·ps·scale ≤ dot·ps·maxScale. The margin
// covers the three roundings of i8Score many times over; with no floor yet
// (or one at or below zero) nothing is rejected this way.
func (s *scanner) dotBound(full bool, floor, ps float32) int32 {
	if !full || floor <= 0 || s.g.maxScale == 0 || ps == 0 {
		return math.MinInt32
	}
	b := math.Floor(float64(floor) / (float64(ps) * float64(s.g.maxScale)) * (1 - 1e-5))
	return int32(min(b, math.MaxInt32))
}

// runSparse scores only the blocks of [lo, hi) that hold allowed IDs.
func (s *scanner) runSparse(lo, hi uint32, filter index.Filter, tops []*index.TopK) {
	s.ids = s.ids[:0]
	filter.ForEachIn(lo, hi, func(id uint32) { s.ids = append(s.ids, id) })
	for i := 0; i < len(s.ids); {
		b := int(s.ids[i]) / vecdot.Lanes
		j := i
		for j < len(s.ids) && int(s.ids[j])/vecdot.Lanes == b {
			j++
		}
		s.score(b, b+1)
		for p, top := range tops {
			for _, id := range s.ids[i:j] {
				top.Push(id, s.scoreAt(p, int(id)-s.base, id))
			}
		}
		i = j
	}
}
