package minutiae

import (
	"errors"
	"fmt"
	"image"
	"math"
	"sync"

	"github.com/openbms/bms/internal/extract"
)

// WorkingPPI is the resolution [Extract] processes images at; other
// resolutions are resampled to it and the minutiae scaled back.
const WorkingPPI = 500

// ExtractOptions configure [Extract]. The zero value extracts a live-scan
// plain print whose resolution is taken to be 500 ppi.
type ExtractOptions struct {
	// Impression selects the processing mode: latent codes (4–7, 12–15)
	// smooth more along the ridges and accept any foreground area; palm
	// codes (10–15) process the image in overlapping tiles of bounded
	// memory and keep every foreground region. Every other code is
	// processed as a plain or rolled print. The code is copied into the
	// template.
	Impression Impression
	// PPI is the image resolution in pixels per inch; 0 means 500.
	PPI float64
	// ROI optionally restricts extraction (a latent examiner's region of
	// interest): it must have the image's size; non-zero pixels are usable.
	ROI *image.Gray
	// Debug, when non-nil, receives intermediate images (not in palm mode,
	// which works in tiles).
	Debug *ExtractDebug
}

// ExtractDebug receives the intermediate images of one extraction, at the
// 500-ppi working scale (Scale is working pixels per original pixel).
type ExtractDebug struct {
	Scale       float64
	Mask        *image.Gray // 255 = foreground
	Orientation *image.Gray // ridge orientation, 0–180° as 0–255; 0 outside the mask
	Enhanced    *image.Gray // contextual filter output, 128 = zero, ridges dark
	Skeleton    *image.Gray // 255 on the ridge skeleton
}

// Errors of [Extract] (wrapped).
var (
	// ErrNoFingerprint means no usable ridge area was found.
	ErrNoFingerprint = extract.ErrNoPrint
	// ErrImageTooSmall means the image is too small to hold a print at the
	// working scale.
	ErrImageTooSmall = extract.ErrTooSmall
)

var extractors = sync.Pool{New: func() any { return extract.New() }}

// MinPlausiblePPI is the lowest resolution a file may state for
// ExtractImage to believe it: no fingerprint standard goes below 250 ppi,
// while office software writes 72 or 96 dpi into images it never scanned
// (one FCJ2020 file says 72).
const MinPlausiblePPI = 250

// ExtractImage is [Extract] for a decoded image: unless opts.PPI is set, the
// resolution stored in the file is used when it is plausible (at least
// MinPlausiblePPI), else the 500 ppi default.
func ExtractImage(im *Image, opts ExtractOptions) (*Template, error) {
	if im == nil || im.Gray == nil {
		return nil, errors.New("minutiae: extract: nil image")
	}
	if opts.PPI == 0 && im.PPI >= MinPlausiblePPI {
		opts.PPI = im.PPI
	}
	return Extract(im.Gray, opts)
}

// Extract finds the minutiae of a fingerprint image.
//
// The image is converted to grey and resampled to 500 ppi; the template
// gives coordinates at the original resolution, Width and Height of the
// original image, its resolution in pixels per centimetre, one quality
// record (0–100) and cores and deltas when the orientation field shows them.
// Minutia directions follow ISO/IEC 19794-2 as FingerJet FX writes them: an
// ending points along its ridge away from the end, a bifurcation points
// away from its stem, between the two branches.
//
// Extraction is safe for concurrent use; scratch memory is pooled.
func Extract(img image.Image, opts ExtractOptions) (*Template, error) {
	pix, w, h, stride, err := grayPixels(img)
	if err != nil {
		return nil, err
	}
	ppi, scale, err := workingScale(w, h, opts.PPI)
	if err != nil {
		return nil, fmt.Errorf("minutiae: extract: %w", err)
	}
	var p extract.Params
	p.Latent = opts.Impression.IsLatent()
	p.Hull = !p.Latent && !opts.Impression.IsRolled()
	if opts.ROI != nil {
		rp, rw, rh, rs, err := grayPixels(opts.ROI)
		if err != nil {
			return nil, fmt.Errorf("minutiae: extract: ROI: %w", err)
		}
		if rw != w || rh != h {
			return nil, fmt.Errorf("minutiae: extract: ROI is %d×%d, image %d×%d", rw, rh, w, h)
		}
		if scale != 1 {
			rp, rw, rh = extract.Resample(rp, rw, rh, rs, scale, nil)
			rs = rw
		}
		roi := make([]uint8, rw*rh)
		for y := range rh {
			copy(roi[y*rw:(y+1)*rw], rp[y*rs:y*rs+rw])
		}
		p.ROI = roi
	}
	pix, ww, wh, ws := toWorkingScale(pix, w, h, stride, scale)
	var dbg *extract.Debug
	if opts.Debug != nil {
		dbg = &extract.Debug{}
	}
	var res extract.Result
	if opts.Impression.isPalm() || int64(ww)*int64(wh) > extract.MaxPixels {
		res, err = extractTiled(pix, ww, wh, ws, p)
		dbg = nil
	} else {
		ex := extractors.Get().(*extract.Extractor)
		res, err = ex.Run(pix, ww, wh, ws, p, dbg)
		extractors.Put(ex)
	}
	if dbg != nil && dbg.W > 0 {
		r := image.Rect(0, 0, dbg.W, dbg.H)
		opts.Debug.Scale = scale
		opts.Debug.Mask = &image.Gray{Pix: dbg.Mask, Stride: dbg.W, Rect: r}
		opts.Debug.Orientation = &image.Gray{Pix: dbg.Orientation, Stride: dbg.W, Rect: r}
		opts.Debug.Enhanced = &image.Gray{Pix: dbg.Enhanced, Stride: dbg.W, Rect: r}
		opts.Debug.Skeleton = &image.Gray{Pix: dbg.Skeleton, Stride: dbg.W, Rect: r}
	}
	if err != nil {
		return nil, fmt.Errorf("minutiae: %w", err)
	}
	if !opts.Impression.isPalm() && len(res.Minutiae) > maxFingerMinutiae {
		res.Minutiae = bestMinutiae(res.Minutiae, maxFingerMinutiae)
	}
	ppcm := uint16(math.Round(ppi / cmPerInch))
	t := &Template{
		Impression:  opts.Impression,
		Width:       uint16(w),
		Height:      uint16(h),
		ResolutionX: ppcm,
		ResolutionY: ppcm,
		Qualities:   []QualityRecord{{Score: res.Quality}},
		Minutiae:    make([]Minutia, 0, len(res.Minutiae)),
	}
	back := func(v float32, n int) uint16 {
		o := math.Round((float64(v)+0.5)/scale - 0.5)
		return uint16(min(float64(n-1), max(0, o)))
	}
	for _, m := range res.Minutiae {
		k := Ending
		if m.Bifurcation {
			k = Bifurcation
		}
		t.Minutiae = append(t.Minutiae, Minutia{
			X: back(m.X, w), Y: back(m.Y, h),
			Direction: AngleFromRadians(float64(m.Angle)),
			Kind:      k,
			Quality:   m.Quality,
		})
	}
	singular := func(s extract.Singular) SingularPoint {
		p := SingularPoint{X: back(s.X, w), Y: back(s.Y, h), HasDirection: len(s.Directions) > 0}
		for _, d := range s.Directions {
			p.Directions = append(p.Directions, AngleFromRadians(float64(d)))
		}
		return p
	}
	for _, c := range res.Cores {
		t.Cores = append(t.Cores, singular(c))
	}
	for _, d := range res.Deltas {
		t.Deltas = append(t.Deltas, singular(d))
	}
	return t, nil
}

// workingScale checks an image's resolution (0 meaning 500 ppi) and size
// and returns the resolution and the factor to the 500-ppi working scale:
// 1 within 2 % of it, where the filters' tolerance to ridge period absorbs
// the difference and resampling would only blur.
func workingScale(w, h int, ppi float64) (float64, float64, error) {
	given := ppi
	if ppi == 0 {
		ppi = WorkingPPI
	}
	if math.IsNaN(ppi) || ppi < 100 || ppi > 5000 {
		return 0, 0, fmt.Errorf("resolution %v ppi out of range 100–5000", given)
	}
	if w > math.MaxUint16 || h > math.MaxUint16 || int64(w)*int64(h) > MaxImagePixels {
		return 0, 0, fmt.Errorf("image %d×%d too large", w, h)
	}
	scale := WorkingPPI / ppi
	if math.Abs(scale-1) < 0.02 {
		scale = 1
	}
	if sw, sh := math.Round(float64(w)*scale), math.Round(float64(h)*scale); sw*sh > MaxImagePixels {
		return 0, 0, fmt.Errorf("image %d×%d at %v ppi is too large at %d ppi", w, h, ppi, WorkingPPI)
	}
	return ppi, scale, nil
}

// toWorkingScale resamples pixels by scale (none when it is 1) and returns
// them with their width, height and stride.
func toWorkingScale(pix []uint8, w, h, stride int, scale float64) ([]uint8, int, int, int) {
	if scale == 1 {
		return pix, w, h, stride
	}
	pix, w, h = extract.Resample(pix, w, h, stride, scale, nil)
	return pix, w, h, w
}

// grayPixels returns the 8-bit grey pixels of img without copying when it is
// already an *image.Gray, after checking that its buffer holds its bounds
// (a hand-made image.Gray may not, and reading it must not panic).
func grayPixels(img image.Image) (pix []uint8, w, h, stride int, err error) {
	if img == nil {
		return nil, 0, 0, 0, errors.New("minutiae: extract: nil image")
	}
	if g, ok := img.(*image.Gray); ok {
		if g == nil {
			return nil, 0, 0, 0, errors.New("minutiae: extract: nil image")
		}
		b := g.Rect
		if b.Empty() {
			return nil, 0, 0, 0, errors.New("minutiae: extract: empty image")
		}
		w, h = b.Dx(), b.Dy()
		if g.Stride < w {
			return nil, 0, 0, 0, errors.New("minutiae: extract: malformed image (stride shorter than width)")
		}
		start := g.PixOffset(b.Min.X, b.Min.Y)
		if start < 0 || int64(start)+int64(h-1)*int64(g.Stride)+int64(w) > int64(len(g.Pix)) {
			return nil, 0, 0, 0, errors.New("minutiae: extract: malformed image (pixel buffer too short)")
		}
		return g.Pix[start:], w, h, g.Stride, nil
	}
	b := img.Bounds()
	if b.Empty() {
		return nil, 0, 0, 0, errors.New("minutiae: extract: empty image")
	}
	if int64(b.Dx())*int64(b.Dy()) > MaxImagePixels {
		return nil, 0, 0, 0, fmt.Errorf("minutiae: extract: image %d×%d too large", b.Dx(), b.Dy())
	}
	g := toGray(img)
	return g.Pix, g.Rect.Dx(), g.Rect.Dy(), g.Stride, nil
}

// maxFingerMinutiae is the most minutiae a finger template keeps: the ISO
// and ANSI formats hold at most 255, and a finger with more is so noisy
// that only the best-rated ones are worth comparing.
const maxFingerMinutiae = 255

// bestMinutiae keeps the n of highest quality, in their original order.
func bestMinutiae(ms []extract.Minutia, n int) []extract.Minutia {
	var hist [256]int
	for _, m := range ms {
		hist[m.Quality]++
	}
	// The quality threshold q keeps at most n, plus ties taken in order.
	q, kept := 255, 0
	for ; q > 0 && kept+hist[q] <= n; q-- {
		kept += hist[q]
	}
	ties := n - kept
	out := ms[:0]
	for _, m := range ms {
		switch {
		case int(m.Quality) > q:
			out = append(out, m)
		case int(m.Quality) == q && ties > 0:
			out = append(out, m)
			ties--
		}
	}
	return out
}

func (i Impression) isPalm() bool { return i >= PalmLive && i <= PalmLatentLift }

// Palm tiling, in working-scale pixels: each tile is processed with a margin
// of tileMargin on every side so that minutiae near its edge see their whole
// neighbourhood, and only the minutiae of its core are kept. The margin
// exceeds the border rule's reach (two 8-px blocks) plus the filters'.
const (
	tileCore   = 768
	tileMargin = 48
)

// extractTiled runs the extractor over overlapping tiles; scratch memory is
// that of one tile whatever the image size.
func extractTiled(pix []uint8, w, h, stride int, p extract.Params) (extract.Result, error) {
	var res extract.Result
	ex := extractors.Get().(*extract.Extractor)
	defer extractors.Put(ex)
	var cohSum float64
	var roi []uint8
	tp := extract.Params{Latent: p.Latent, Tile: true}
	for cy := 0; cy < h; cy += tileCore {
		for cx := 0; cx < w; cx += tileCore {
			x0, y0 := max(0, cx-tileMargin), max(0, cy-tileMargin)
			x1, y1 := min(w, cx+tileCore+tileMargin), min(h, cy+tileCore+tileMargin)
			tw, th := x1-x0, y1-y0
			if tw < extract.MinSize || th < extract.MinSize {
				continue
			}
			if p.ROI != nil {
				roi = roi[:0]
				for y := y0; y < y1; y++ {
					roi = append(roi, p.ROI[y*w+x0:y*w+x1]...)
				}
				tp.ROI = roi
			}
			r, err := ex.Run(pix[y0*stride+x0:], tw, th, stride, tp, nil)
			if errors.Is(err, extract.ErrNoPrint) {
				continue
			}
			if err != nil {
				return res, err
			}
			inCore := func(x, y float32) bool {
				gx, gy := int(x)+x0, int(y)+y0
				return gx >= cx && gx < cx+tileCore && gy >= cy && gy < cy+tileCore
			}
			for _, m := range r.Minutiae {
				if inCore(m.X, m.Y) {
					m.X += float32(x0)
					m.Y += float32(y0)
					res.Minutiae = append(res.Minutiae, m)
				}
			}
			for _, c := range r.Cores {
				if inCore(c.X, c.Y) {
					res.Cores = append(res.Cores, extract.Singular{X: c.X + float32(x0), Y: c.Y + float32(y0)})
				}
			}
			for _, d := range r.Deltas {
				if inCore(d.X, d.Y) {
					res.Deltas = append(res.Deltas, extract.Singular{X: d.X + float32(x0), Y: d.Y + float32(y0)})
				}
			}
			// Tiles overlap: count each one's area in proportion to its core.
			frac := float64(min(tileCore, w-cx)*min(tileCore, h-cy)) / float64(tw*th)
			a := float64(r.Area) * frac
			res.Area += int(a)
			cohSum += a * float64(r.Coherence)
		}
	}
	if res.Area == 0 {
		return res, extract.ErrNoPrint
	}
	res.Coherence = float32(cohSum / float64(res.Area))
	res.Quality = extract.TemplateQuality(res.Area, res.Coherence, len(res.Minutiae), p.Latent)
	return res, nil
}
