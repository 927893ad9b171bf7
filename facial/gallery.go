package facial

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/openbms/bms/index"
	"github.com/openbms/bms/internal/vecdot"
)

// ErrNotEnrolled is returned for record IDs the gallery does not hold.
var ErrNotEnrolled = errors.New("facial: record not in the gallery")

// GalleryOptions configures a gallery. Model and Dim fix what it accepts.
type GalleryOptions struct {
	Model   string
	Dim     int
	Storage Storage
	// Gate is the enrolment quality gate; nil means DefaultGate.
	Gate *QualityGate
	// Threads is how many cores a search uses unless its options say
	// otherwise; 0 means every core.
	Threads int
	// Capacity is how many records to reserve storage for; a gallery of
	// known size then never copies its vectors while growing.
	Capacity int
}

// Gallery holds the enrolled templates of one model in blocks of sixteen
// vectors interleaved by dimension (see internal/vecdot), one contiguous
// slice per storage type, addressed by dense IDs from an index.IDMap.
// Enrolment and removal take a write lock; searches share a read lock.
type Gallery struct {
	model   string
	dim     int
	dimI8   int // int8 dimension, padded for the kernels
	storage Storage
	gate    QualityGate
	threads int
	kern    *vecdot.Kernels
	chunk   int // blocks a batch scores at once, sized to stay in L2
	// chunkOne is the same for one probe, which streams the gallery and
	// gains from longer runs of the kernel between score checks.
	chunkOne int

	mu      sync.RWMutex
	ids     *index.IDMap
	n       int             // dense IDs handed out
	live    *roaring.Bitmap // IDs not removed
	removed int
	f32     []float32
	f16     []uint16
	i8      []int8
	scale   []float32 // int8 scale per dense ID
	// maxScale bounds every int8 scale, so that a search can reject most
	// candidates on their integer dot product alone.
	maxScale float32
	qbuf     []int8 // quantisation scratch, under the write lock
	hbuf     []uint16
}

// chunkBytes is the gallery slice a batched search keeps in the per-core L2
// cache while every tile of probes passes over it.
const chunkBytes = 384 << 10

// oneProbeChunkBytes is the gallery slice a one-probe search scores per
// kernel call.
const oneProbeChunkBytes = 4 << 20

// NewGallery makes an empty gallery.
func NewGallery(opts GalleryOptions) (*Gallery, error) {
	if opts.Model == "" {
		return nil, ErrModel
	}
	if opts.Dim < MinDim || opts.Dim > MaxDim {
		return nil, fmt.Errorf("%w: gallery dimension %d, must be %d to %d", ErrDimension, opts.Dim, MinDim, MaxDim)
	}
	if opts.Storage > Int8 {
		return nil, fmt.Errorf("facial: unknown storage %v", opts.Storage)
	}
	if opts.Capacity < 0 || int64(opts.Capacity) > 1<<32-1 {
		return nil, fmt.Errorf("facial: capacity %d outside 0 to 2³²−1 records", opts.Capacity)
	}
	g := &Gallery{
		model:   opts.Model,
		dim:     opts.Dim,
		dimI8:   padI8(opts.Dim),
		storage: opts.Storage,
		gate:    DefaultGate,
		threads: opts.Threads,
		kern:    vecdot.Active,
		ids:     index.NewIDMap(),
		live:    roaring.New(),
	}
	if opts.Gate != nil {
		g.gate = *opts.Gate
	}
	blockBytes := opts.Storage.BytesPerVector(opts.Dim) * vecdot.Lanes
	g.chunk = max(3, chunkBytes/blockBytes/3*3)
	g.chunkOne = max(g.chunk, oneProbeChunkBytes/blockBytes/4*4)
	if c := blocks(max(0, opts.Capacity)); c > 0 {
		switch g.storage {
		case Float32:
			g.f32 = make([]float32, 0, c*g.dim*vecdot.Lanes)
		case Float16:
			g.f16 = make([]uint16, 0, c*g.dim*vecdot.Lanes)
		case Int8:
			g.i8 = make([]int8, 0, c*g.dimI8*vecdot.Lanes)
			g.scale = make([]float32, 0, c*vecdot.Lanes)
		}
	}
	g.qbuf = make([]int8, g.dimI8)
	g.hbuf = make([]uint16, g.dim)
	return g, nil
}

// Model is the model identifier the gallery accepts.
func (g *Gallery) Model() string { return g.model }

// Dim is the embedding dimension the gallery accepts.
func (g *Gallery) Dim() int { return g.dim }

// Storage is how the gallery keeps its vectors.
func (g *Gallery) Storage() Storage { return g.storage }

// Len is the number of records enrolled and not removed.
func (g *Gallery) Len() int {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.n - g.removed
}

// StoredBytes is the size of the vector storage a full scan reads.
func (g *Gallery) StoredBytes() int64 {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return int64(g.n) * int64(g.storage.BytesPerVector(g.dim))
}

// accepts reports why t cannot enter or probe this gallery.
func (g *Gallery) accepts(t *Template) error {
	if t == nil {
		return errors.New("facial: nil template")
	}
	if t.model != g.model {
		return fmt.Errorf("%w: template of %q, gallery of %q", ErrModelMismatch, t.model, g.model)
	}
	if len(t.vec) != g.dim {
		return fmt.Errorf("%w: template of %d values, gallery of %d", ErrDimension, len(t.vec), g.dim)
	}
	return nil
}

// Enrol adds t under the record ID id and returns its dense ID. The
// quality gate may refuse it with a *Refusal.
func (g *Gallery) Enrol(id string, t *Template) (uint32, error) {
	if err := g.accepts(t); err != nil {
		return 0, err
	}
	if err := g.gate.Check(t); err != nil {
		return 0, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	dense, err := g.ids.Add(id)
	if err != nil {
		return 0, err
	}
	if int(dense) != g.n {
		panic("facial: IDMap and gallery disagree on the next dense ID")
	}
	g.grow()
	g.store(int(dense), t.vec)
	g.live.Add(dense)
	g.n++
	return dense, nil
}

// grow makes room for vector g.n, a block at a time.
func (g *Gallery) grow() {
	if g.n%vecdot.Lanes != 0 {
		return
	}
	switch g.storage {
	case Float32:
		g.f32 = growBlock(g.f32, g.dim*vecdot.Lanes)
	case Float16:
		g.f16 = growBlock(g.f16, g.dim*vecdot.Lanes)
	case Int8:
		g.i8 = growBlock(g.i8, g.dimI8*vecdot.Lanes)
		g.scale = growBlock(g.scale, vecdot.Lanes)
	}
}

func growBlock[T any](s []T, n int) []T {
	s = slices.Grow(s, n)
	s = s[:len(s)+n]
	clear(s[len(s)-n:])
	return s
}

func (g *Gallery) store(i int, v []float32) {
	switch g.storage {
	case Float32:
		vecdot.StoreF32(g.f32, i, v)
	case Float16:
		for d, x := range v {
			g.hbuf[d] = vecdot.F32ToF16(x)
		}
		vecdot.StoreF16(g.f16, i, g.hbuf)
	case Int8:
		g.scale[i] = quantizeI8(g.qbuf, v)
		g.maxScale = max(g.maxScale, g.scale[i])
		vecdot.StoreI8(g.i8, i, g.qbuf)
	}
}

// Remove deletes record id and reports whether it was there. Its vector is
// overwritten with zeros at once; its dense ID is never reused.
func (g *Gallery) Remove(id string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	dense, ok := g.ids.Remove(id)
	if !ok {
		return false
	}
	g.live.Remove(dense)
	g.removed++
	switch g.storage {
	case Float32:
		vecdot.StoreF32(g.f32, int(dense), make([]float32, g.dim))
	case Float16:
		vecdot.StoreF16(g.f16, int(dense), make([]uint16, g.dim))
	case Int8:
		vecdot.StoreI8(g.i8, int(dense), make([]int8, g.dimI8))
		g.scale[dense] = 0
	}
	return true
}

// Verify is the 1:1 comparison of probe with enrolled record id, scored
// from the gallery's storage exactly as a search scores it.
func (g *Gallery) Verify(id string, probe *Template) (float32, error) {
	if err := g.accepts(probe); err != nil {
		return 0, err
	}
	g.mu.RLock()
	defer g.mu.RUnlock()
	dense, ok := g.ids.Dense(id)
	if !ok {
		return 0, fmt.Errorf("%w: %q", ErrNotEnrolled, id)
	}
	pp := g.prepare([]*Template{probe})
	sc := g.newScanner(pp)
	b := int(dense) / vecdot.Lanes
	sc.score(b, b+1)
	return sc.scoreAt(0, int(dense)%vecdot.Lanes, dense), nil
}
