package extract

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/openbms/bms/internal/geom"
)

// Working-scale geometry. Everything below is tuned for 500 ppi, the scale
// the caller resamples to.
const (
	blk = 8  // orientation and mask block, in pixels
	sub = 4  // the enhancement's orientation grid, interpolated between blocks
	pad = 18 // replicated margin of the float buffers: the reach of the filters

	alongReach  = 8  // half length of the along-ridge smoothing
	alongStep   = 1  // taps every other pixel were faster but lost accuracy on FVC2000 DB2/DB3
	acrossReach = 8  // half length of the across-ridge band-pass
	sigHalf     = 16 // half length of the period estimate's ridge signature
	sigAlong    = 5  // pixels averaged along the ridge per signature step
	nOrient     = 16

	// minBlocks is the smallest foreground, in blocks, of a plain print:
	// 100 blocks is 80×80 px, 4×4 mm, about the least a matcher can use.
	minBlocks = 100

	// Largest valley hole and ridge dot, in pixels, that fillSpecks removes.
	holeMax = 80
	dotMax  = 36

	minPeriod = 5
	maxPeriod = 15

	// MinSize is the smallest side, in working-scale pixels, of an image
	// Run accepts: below four blocks there is no orientation field to speak of.
	MinSize = 4 * blk
	// MaxPixels bounds the working image of one Run (a tile in palm mode):
	// the scratch memory is about 25 bytes a pixel, so at most ~400 MiB.
	MaxPixels = 16 << 20
)

// Errors returned by Run.
var (
	ErrTooSmall = errors.New("extract: image too small")
	ErrTooLarge = errors.New("extract: image too large for one pass")
	ErrNoPrint  = errors.New("extract: no fingerprint area found")
)

// Params selects the processing mode.
type Params struct {
	// Latent smooths longer along the ridges (19 taps instead of 17) and
	// lifts the minimum-area rule.
	Latent bool
	// ROI, when non-nil, is a w×h mask (non-zero = usable) intersected with
	// the segmentation.
	ROI []uint8
	// Tile marks one tile of a larger image (palms): every foreground
	// component is kept, not only the largest, and there is no minimum area.
	Tile bool
	// Hull says the image shows one fingertip, whose print is nearly
	// convex: the mask is widened to its convex hull, filling the notches
	// that unclear ridges cut into it. Not for latents, whose mask is not
	// a fingertip's outline, nor for the rolled prints of ten-print cards,
	// whose boxes also hold the edges of the neighbouring rolls and the
	// card's text: their hull covers paper (seven of the NIST card's eight
	// slap fingers lost 0.03–0.28 of score against their rolled prints,
	// SD27 good's mate fell from rank 139 to 5,871). Ignored with an ROI or
	// a Tile.
	Hull bool
}

// Minutia is a minutia at the working scale. Angle is in radians,
// counter-clockwise from +x as seen on screen (y grows downwards), in the
// ISO/IEC 19794-2 sense: an ending points into its ridge, a bifurcation
// points away from its stem, between the two branches.
type Minutia struct {
	X, Y        float32
	Angle       float32
	Bifurcation bool
	Quality     uint8
}

// Singular is a core or a delta at the working scale.
type Singular struct {
	X, Y float32
	// Directions are, in radians counter-clockwise from +x as seen on
	// screen, the directions along which the ridges leave the point
	// radially: one for a core (towards the open side of the loop), three
	// for a delta.
	Directions []float32
	size       int // blocks supporting the detection
}

// Result is the output of one Run.
type Result struct {
	Minutiae      []Minutia
	Cores, Deltas []Singular
	// Quality is the template quality 0–100.
	Quality uint8
	// Area is the usable (foreground) area in working-scale pixels.
	Area int
	// Coherence is the mean orientation certainty over the foreground, 0–1.
	Coherence float32
}

// Debug receives intermediate images, each w×h, one byte per pixel.
type Debug struct {
	W, H        int
	Mask        []uint8 // 255 foreground
	Orientation []uint8 // ridge orientation 0–179° scaled to 0–255, 0 outside the mask
	Enhanced    []uint8 // contextual filter output, 128 = 0
	Skeleton    []uint8 // 255 on ridge skeleton
}

// Extractor holds scratch memory so that steady-state extraction allocates
// little. An Extractor is not safe for concurrent use; keep one per
// goroutine (or in a sync.Pool).
type Extractor struct {
	w, h, pw, ph int
	bw, bh       int

	img, smooth, enh []float32 // padded pw×ph
	blur             []float32 // padded pw×ph, binomial-blurred img for orientation

	// Per block.
	bxx, byy, bxy  []float32 // structure tensor of the blurred image, per block
	rxx, ryy, rxy  []float32 // structure tensor of the raw image, per block
	vx, vy, coh    []float32
	ux, uy         []float32 // coherence-weighted unit orientation vectors (subOrientation)
	lcoh           []float32
	energy         []float32
	mask, dist     []uint8
	act            []bool
	oidx, pbin     []uint8
	qper           []uint8 // per block: the period reading rounded to a bin, 0 for none
	soidx          []uint8 // orientation per sub-block
	sbw, sbh       int
	period, tmpb   []float32
	queue          []int32
	hullPts, hull  []geom.Vec[int32] // fillHull's scratch
	skel           []uint8           // (w+2)×(h+2), 1 = ridge
	lab            []int32
	specRuns       []specRun
	specRows       []int32
	work           []int32
	cands          []cand
	kernAlong      [nOrient][]int32
	kernAcross     [nOrient][]int32
	kernSig        [nOrient][]int32 // ridge signature: sigAlong offsets per across step
	wAlong         []float32
	wAcross        [maxPeriod + 1][]float32
	kernStrideW    int
	kernAlongReach int
	kernLo, kernHi int // the smallest and largest offset of kernAlong and kernAcross
}

// New returns an Extractor with empty scratch memory.
func New() *Extractor { return &Extractor{} }

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// Run extracts minutiae from an 8-bit grey image at 500 ppi (pixel (x, y)
// is pix[y*stride+x]).
func (e *Extractor) Run(pix []uint8, w, h, stride int, p Params, dbg *Debug) (res Result, err error) {
	if w < MinSize || h < MinSize {
		return res, fmt.Errorf("%w: %d×%d pixels at 500 ppi, need at least %d×%d", ErrTooSmall, w, h, MinSize, MinSize)
	}
	if int64(w)*int64(h) > MaxPixels {
		return res, fmt.Errorf("%w: %d×%d pixels", ErrTooLarge, w, h)
	}
	if stride < w || len(pix) < (h-1)*stride+w {
		return res, errors.New("extract: pixel buffer shorter than the image")
	}
	if p.ROI != nil && len(p.ROI) != w*h {
		return res, errors.New("extract: ROI size differs from the image")
	}
	e.setup(w, h, p.Latent)
	e.load(pix, stride)
	e.orientation()
	area := e.segment(p)
	if area == 0 || (!p.Latent && !p.Tile && area < minBlocks) {
		if dbg != nil {
			e.fillDebug(dbg)
		}
		return res, ErrNoPrint
	}
	e.frequency(e.blur)
	if p.Latent && p.ROI == nil {
		if area = e.ridgeMask(); area == 0 {
			if dbg != nil {
				e.fillDebug(dbg)
			}
			return res, ErrNoPrint
		}
		e.frequency(e.blur)
	}
	e.subOrientation()
	e.enhance()
	// Not for latents: on their noisy backgrounds the first enhancement
	// draws ridges into the noise, and the refined field follows them (SD27
	// good and ugly lose their mates with it, docs/extraction.md).
	if !p.Latent {
		e.refine()
		e.subOrientation()
		e.enhance()
	}
	e.binarise()
	e.fillSpecks(holeMax, dotMax)
	e.thin()
	res.Minutiae = e.minutiae(res.Minutiae[:0])
	res.Cores, res.Deltas = e.singular()
	res.Area = area * blk * blk
	res.Coherence = e.meanCoherence()
	res.Quality = TemplateQuality(res.Area, res.Coherence, len(res.Minutiae), p.Latent)
	if dbg != nil {
		e.fillDebug(dbg)
	}
	return res, nil
}

// Foreground returns the friction-ridge blocks of a whole 500-ppi image,
// every region kept: the segmentation of Run followed by latent mode's
// ridge-period test, which drops the printed labels, handwriting and card
// lines around the prints on a ten-print card: a block is kept when at
// least ridgeShare of its 5×5 neighbourhood shows a ridge period. mask has
// bw×bh blocks of BlockSize pixels, 1 for ridge texture; it is the
// caller's to keep. An image with no ridge texture gives an all-zero mask.
func (e *Extractor) Foreground(pix []uint8, w, h, stride int, ridgeShare float32) (mask []uint8, bw, bh int, err error) {
	if w < MinSize || h < MinSize {
		return nil, 0, 0, fmt.Errorf("%w: %d×%d pixels at 500 ppi, need at least %d×%d", ErrTooSmall, w, h, MinSize, MinSize)
	}
	if int64(w)*int64(h) > MaxPixels {
		return nil, 0, 0, fmt.Errorf("%w: %d×%d pixels", ErrTooLarge, w, h)
	}
	if stride < w || len(pix) < (h-1)*stride+w {
		return nil, 0, 0, errors.New("extract: pixel buffer shorter than the image")
	}
	e.setup(w, h, false)
	e.load(pix, stride)
	e.orientation()
	if e.segment(Params{Tile: true}) > 0 {
		e.frequency(e.blur)
		e.keepRidgeBlocks(ridgeShare)
	}
	return slices.Clone(e.mask), e.bw, e.bh, nil
}

// BlockSize is the side of Foreground's blocks in pixels.
const BlockSize = blk

func (e *Extractor) setup(w, h int, latent bool) {
	e.w, e.h = w, h
	e.pw, e.ph = w+2*pad, h+2*pad
	e.bw, e.bh = (w+blk-1)/blk, (h+blk-1)/blk
	n := e.pw * e.ph
	e.img = grow(e.img, n)
	e.smooth = grow(e.smooth, n)
	e.blur = grow(e.blur, n)
	e.enh = grow(e.enh, n)
	nb := e.bw * e.bh
	e.bxx = grow(e.bxx, nb)
	e.byy = grow(e.byy, nb)
	e.bxy = grow(e.bxy, nb)
	e.rxx = grow(e.rxx, nb)
	e.ryy = grow(e.ryy, nb)
	e.rxy = grow(e.rxy, nb)
	e.vx = grow(e.vx, nb)
	e.vy = grow(e.vy, nb)
	e.coh = grow(e.coh, nb)
	e.ux = grow(e.ux, nb)
	e.uy = grow(e.uy, nb)
	e.lcoh = grow(e.lcoh, nb)
	e.energy = grow(e.energy, nb)
	e.mask = grow(e.mask, nb)
	e.dist = grow(e.dist, nb)
	e.act = grow(e.act, nb)
	e.oidx = grow(e.oidx, nb)
	e.sbw, e.sbh = (w+sub-1)/sub, (h+sub-1)/sub
	e.soidx = grow(e.soidx, e.sbw*e.sbh)
	e.pbin = grow(e.pbin, nb)
	e.qper = grow(e.qper, nb)
	e.period = grow(e.period, nb)
	e.tmpb = grow(e.tmpb, nb)
	e.skel = grow(e.skel, (w+2)*(h+2))
	reach := alongReach
	if latent {
		reach = pad - acrossReach - 1
	}
	if e.kernStrideW != e.pw || e.kernAlongReach != reach {
		e.buildKernels(reach)
	}
}

// load copies the image into the padded float buffer, replicating edges so
// that the filters need no bounds checks.
func (e *Extractor) load(pix []uint8, stride int) {
	pw := e.pw
	for y := 0; y < e.ph; y++ {
		sy := min(max(y-pad, 0), e.h-1)
		row := pix[sy*stride : sy*stride+e.w]
		dst := e.img[y*pw : (y+1)*pw]
		for x := range pad {
			dst[x] = float32(row[0])
			dst[pad+e.w+x] = float32(row[e.w-1])
		}
		for x, v := range row {
			dst[pad+x] = float32(v)
		}
	}
}

func (e *Extractor) buildKernels(reach int) {
	e.kernStrideW, e.kernAlongReach = e.pw, reach
	e.kernLo, e.kernHi = 0, 0
	pw := e.pw
	// Along the ridge the grey level varies slowly (pores aside), so every
	// other pixel suffices: half the taps of the costliest pass.
	e.wAlong = e.wAlong[:0]
	sigma := float64(reach) / 2
	var sum float64
	for k := -reach; k <= reach; k += alongStep {
		v := math.Exp(-float64(k*k) / (2 * sigma * sigma))
		e.wAlong = append(e.wAlong, float32(v))
		sum += v
	}
	for i := range e.wAlong {
		e.wAlong[i] /= float32(sum)
	}
	for o := range nOrient {
		// Orientation o is the ridge direction o·π/nOrient from +x, y down.
		th := float64(o) * math.Pi / nOrient
		c, s := math.Cos(th), math.Sin(th)
		a := make([]int32, 0, 2*reach+1)
		for k := -reach; k <= reach; k += alongStep {
			a = append(a, int32(math.Round(float64(k)*s))*int32(pw)+int32(math.Round(float64(k)*c)))
		}
		e.kernAlong[o] = a
		b := make([]int32, 2*acrossReach+1)
		for t := -acrossReach; t <= acrossReach; t++ {
			// Across the ridge: the normal (-sin, cos).
			b[t+acrossReach] = int32(math.Round(float64(t)*c))*int32(pw) + int32(math.Round(-float64(t)*s))
		}
		e.kernAcross[o] = b
		for _, v := range append(a, b...) {
			e.kernLo, e.kernHi = min(e.kernLo, int(v)), max(e.kernHi, int(v))
		}
		// The ridge signature of the period estimate: 2·sigHalf+1 steps
		// across the ridge, each the sum of sigAlong pixels 2 px apart
		// along it.
		sg := make([]int32, 0, (2*sigHalf+1)*sigAlong)
		for t := -sigHalf; t <= sigHalf; t++ {
			for k := range sigAlong {
				d := float64(2*k - (sigAlong - 1))
				row := math.Round(float64(t)*c) + math.Round(d*s)
				col := math.Round(-float64(t)*s) + math.Round(d*c)
				sg = append(sg, int32(row)*int32(pw)+int32(col))
			}
		}
		e.kernSig[o] = sg
	}
	for T := minPeriod; T <= maxPeriod; T++ {
		g := make([]float32, 2*acrossReach+1)
		sig := 0.5 * float64(T)
		env := make([]float64, len(g))
		var dc, envSum float64
		for t := -acrossReach; t <= acrossReach; t++ {
			env[t+acrossReach] = math.Exp(-float64(t*t) / (2 * sig * sig))
			v := math.Cos(2*math.Pi*float64(t)/float64(T)) * env[t+acrossReach]
			g[t+acrossReach] = float32(v)
			dc += v
			envSum += env[t+acrossReach]
		}
		// The band-pass must ignore the local mean grey level: take its DC
		// response out under the Gaussian envelope, so flat areas give zero
		// and the sign of the output tells ridge from valley.
		var tot float64
		for i := range g {
			g[i] -= float32(dc * env[i] / envSum)
			tot += math.Abs(float64(g[i]))
		}
		for i := range g {
			g[i] /= float32(tot)
		}
		e.wAcross[T] = g
	}
}

// TemplateQuality combines orientation certainty (mean coherence over the
// foreground), usable area (working-scale pixels) and minutiae count into a
// 0–100 score. It is a heuristic, not yet calibrated against match failures.
func TemplateQuality(area int, coh float32, n int, latent bool) uint8 {
	clarity := clamp01((float64(coh) - 0.25) / 0.5)
	areaS := clamp01(float64(area) / 60000)
	if latent {
		areaS = clamp01(float64(area) / 20000)
	}
	count := clamp01(float64(n) / 35)
	q := 100 * math.Pow(clarity, 0.45) * math.Pow(areaS, 0.25) * math.Pow(count, 0.3)
	return uint8(math.Round(min(100, max(0, q))))
}

func clamp01(v float64) float64 { return min(1, max(0, v)) }

func (e *Extractor) meanCoherence() float32 {
	var s float32
	n := 0
	for i, m := range e.mask {
		if m != 0 {
			s += e.coh[i]
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return s / float32(n)
}

func (e *Extractor) fillDebug(d *Debug) {
	w, h := e.w, e.h
	d.W, d.H = w, h
	d.Mask = grow(d.Mask, w*h)
	d.Orientation = grow(d.Orientation, w*h)
	d.Enhanced = grow(d.Enhanced, w*h)
	d.Skeleton = grow(d.Skeleton, w*h)
	for y := range h {
		for x := range w {
			b := (y/blk)*e.bw + x/blk
			i := y*w + x
			if e.mask[b] != 0 {
				d.Mask[i] = 255
				th := math.Atan2(float64(e.vy[b]), float64(e.vx[b]))/2 + math.Pi/2
				if th >= math.Pi {
					th -= math.Pi
				}
				d.Orientation[i] = uint8(th / math.Pi * 255)
			}
			v := e.enh[(y+pad)*e.pw+x+pad]*2 + 128
			d.Enhanced[i] = uint8(min(255, max(0, v)))
			if e.skel[(y+1)*(w+2)+x+1] != 0 {
				d.Skeleton[i] = 255
			}
		}
	}
}
