package minutiae

import (
	"cmp"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"math"
	"slices"

	"github.com/openbms/bms/internal/extract"
)

// SlapFinger is one finger found in a multi-finger plain impression (a
// slap): its position and the box round its fingertip (the distal
// phalanx) in the slap image's pixels.
type SlapFinger struct {
	Position Position
	Bounds   image.Rectangle
	// mask marks, at the working scale, the blocks of this finger's region,
	// so that ExtractSlap can blank the parts of neighbouring fingers that
	// reach into the box.
	mask  []uint8
	mbw   int
	scale float64
}

// SlapOptions configure [SegmentSlap] and [ExtractSlap].
type SlapOptions struct {
	// PPI is the image resolution; 0 means 500.
	PPI float64
	// Missing lists the fingers of the slap known to be absent (amputated
	// or unable to print, ANSI/NIST AMP): they get no segment, and the
	// others keep their places.
	Missing []Position
	// Impression is the impression code given to the templates of
	// ExtractSlap; 0 (live-scan plain) when unset.
	Impression Impression
}

// Errors of [SegmentSlap] (wrapped).
var (
	// ErrNotSlap means the position code is not a multi-finger plain one.
	ErrNotSlap = errors.New("position is not a multi-finger slap")
	// ErrNoFingers means no fingertip was found in the image.
	ErrNoFingers = errors.New("no fingertip found in the slap")
)

// slapFingers are the fingers of a slap code from left to right as they
// appear in the image: the card (or scanner) sees the hand palm down, so
// the right hand's index is leftmost and the left hand's little finger is.
func slapFingers(pos Position) []Position {
	switch pos {
	case PlainRightFour:
		return []Position{RightIndex, RightMiddle, RightRing, RightLittle}
	case PlainLeftFour:
		return []Position{LeftLittle, LeftRing, LeftMiddle, LeftIndex}
	case PlainThumbs:
		return []Position{LeftThumb, RightThumb}
	}
	return nil
}

// Finger is the finger (RightThumb … LeftLittle) that p shows when it
// shows exactly one: the finger codes themselves and the plain thumb codes;
// 0 for slaps, palms, unknown and other codes.
func (p Position) Finger() Position {
	switch {
	case p >= RightThumb && p <= LeftLittle:
		return p
	case p == PlainRightThumb:
		return RightThumb
	case p == PlainLeftThumb:
		return LeftThumb
	}
	return 0
}

// IsSlap reports whether p is a multi-finger plain impression that
// [SegmentSlap] splits: four fingers of one hand or the two thumbs.
func (p Position) IsSlap() bool { return slapFingers(p) != nil }

// Slap geometry at 500 ppi, in blocks of extract.BlockSize (8) pixels.
const (
	// slapMinTip is the least area of a region that can be a fingertip,
	// 0.12 square inch (a little finger's tip is about twice that):
	// smaller ones are fragments of prints cut by the card's box edges,
	// smudges and what is left of handwriting.
	slapMinTip = 500 * 500 * 12 / 100 / (extract.BlockSize * extract.BlockSize)
	// slapTipHeight is the longest a fingertip box runs down from the top
	// of its region (1.1 inch): below it lies the middle phalanx when the
	// crease does not separate the two.
	slapTipHeight = 500 * 11 / 10 / extract.BlockSize
	// slapFingerWidth is the widest a single finger's region is (1 inch):
	// a wider region is fingers pressed together, split at the faintest
	// column.
	slapFingerWidth = 500 / extract.BlockSize
)

// slapRegion is one connected region of ridge texture, in blocks.
type slapRegion struct {
	label          int
	area           int
	x0, y0, x1, y1 int // inclusive bounds
	cx, cy         float64
}

// SegmentSlap finds the fingertips of a slap image: four fingers of one
// hand (PlainRightFour, PlainLeftFour) or the two thumbs (PlainThumbs).
//
// The ridge texture of the whole image is segmented as the extractor does
// it, with the ridge-period test that drops a card's printed labels,
// handwriting and box lines; its connected regions are the fingertips, the
// middle phalanges below them and fragments of neighbouring boxes. Small
// fragments are dropped, a region wider than one finger is split at its
// faintest column, and a region with another region above it along the
// finger is a lower phalanx. Of what remains, the largest are the
// fingertips, as many as the slap holds less the missing ones, and they
// take their positions from left to right. When fewer are found, those
// found are placed by their spacing where it is unambiguous; otherwise
// they keep the slap's own position code, which a search compares with
// every finger of the hand.
func SegmentSlap(img image.Image, pos Position, opts SlapOptions) ([]SlapFinger, error) {
	order := slapFingers(pos)
	if order == nil {
		return nil, fmt.Errorf("minutiae: segment slap: %w: %d", ErrNotSlap, pos)
	}
	pix, w, h, stride, err := grayPixels(img)
	if err != nil {
		return nil, err
	}
	_, scale, err := workingScale(w, h, opts.PPI)
	if err != nil {
		return nil, fmt.Errorf("minutiae: segment slap: %w", err)
	}
	pix, ww, wh, ws := toWorkingScale(pix, w, h, stride, scale)
	ex := extractors.Get().(*extract.Extractor)
	mask, bw, bh, err := ex.Foreground(pix, ww, wh, ws, slapRidgeShare)
	extractors.Put(ex)
	if err != nil {
		return nil, fmt.Errorf("minutiae: segment slap: %w", err)
	}
	mask = openMask(mask, bw, bh, slapOpening)
	labels := make([]int32, len(mask))
	regions := slapRegions(mask, labels, bw, bh)
	regions = splitWide(regions, labels, bw, bh)
	tips := slapTips(regions)

	want := len(order) - countMissing(order, opts.Missing)
	if len(tips) == 0 || want <= 0 {
		return nil, fmt.Errorf("minutiae: segment slap: %w", ErrNoFingers)
	}
	slices.SortFunc(tips, func(a, b slapRegion) int { return b.area - a.area })
	if len(tips) > want {
		tips = tips[:want]
	}
	slices.SortFunc(tips, func(a, b slapRegion) int { return cmp.Compare(a.cx, b.cx) })
	positions := assignSlapPositions(tips, order, opts.Missing, pos)

	out := make([]SlapFinger, len(tips))
	for i, r := range tips {
		y1 := min(r.y1, r.y0+slapTipHeight)
		fm := make([]uint8, len(mask))
		for by := r.y0; by <= y1; by++ {
			for bx := r.x0; bx <= r.x1; bx++ {
				if int(labels[by*bw+bx]) == r.label {
					fm[by*bw+bx] = 1
				}
			}
		}
		const pad = 2 // blocks
		bx0, by0 := max(0, r.x0-pad), max(0, r.y0-pad)
		bx1, by1 := min(bw-1, r.x1+pad), min(bh-1, y1+pad)
		back := func(b, n int) int {
			return min(n, max(0, int(math.Round(float64(b*extract.BlockSize)/scale))))
		}
		out[i] = SlapFinger{
			Position: positions[i],
			Bounds:   image.Rect(back(bx0, w), back(by0, h), back(bx1+1, w), back(by1+1, h)).Add(img.Bounds().Min),
			mask:     fm,
			mbw:      bw,
			scale:    scale,
		}
	}
	return out, nil
}

func countMissing(order, missing []Position) int {
	n := 0
	for _, p := range order {
		if slices.Contains(missing, p) {
			n++
		}
	}
	return n
}

// slapRidgeShare is the least share of a block's 5×5 neighbourhood that
// must show a ridge period for the block to count as print. Stricter than
// latent mode's half: handwriting on a card is often dense enough to give
// a period in places.
const slapRidgeShare = 0.7

// slapOpening is the radius, in blocks, of the morphological opening of
// the ridge mask: handwriting strokes, box lines and the narrow bridges
// by which they touch a print are thinner than 2·3 blocks (48 px) and
// vanish; fingertips lose nothing but their outline's roughness.
const slapOpening = 3

// openMask is the morphological opening (erosion, then dilation) of a
// block mask by a square of radius r.
func openMask(mask []uint8, bw, bh, r int) []uint8 {
	morph := func(src []uint8, keep uint8) []uint8 {
		// keep 1: erosion (a block stays set when its whole square is set);
		// keep 0: dilation (a block is set when any of its square is set).
		dst := make([]uint8, len(src))
		for y := range bh {
			for x := range bw {
				v := keep
				for j := max(0, y-r); j <= min(bh-1, y+r) && v == keep; j++ {
					for i := max(0, x-r); i <= min(bw-1, x+r); i++ {
						if src[j*bw+i] != keep {
							v = 1 - keep
							break
						}
					}
				}
				dst[y*bw+x] = v
			}
		}
		return dst
	}
	return morph(morph(mask, 1), 0)
}

// slapRegions labels the 4-connected regions of mask (labels from 1) and
// returns those of at least slapMinTip blocks.
func slapRegions(mask []uint8, labels []int32, bw, bh int) []slapRegion {
	var out []slapRegion
	var queue []int
	label := int32(0)
	for s := range mask {
		if mask[s] == 0 || labels[s] != 0 {
			continue
		}
		label++
		r := slapRegion{label: int(label), x0: bw, y0: bh, x1: -1, y1: -1}
		queue = append(queue[:0], s)
		labels[s] = label
		var sx, sy float64
		for len(queue) > 0 {
			b := queue[len(queue)-1]
			queue = queue[:len(queue)-1]
			x, y := b%bw, b/bw
			r.area++
			sx += float64(x)
			sy += float64(y)
			r.x0, r.x1 = min(r.x0, x), max(r.x1, x)
			r.y0, r.y1 = min(r.y0, y), max(r.y1, y)
			for _, n := range [4]int{b - 1, b + 1, b - bw, b + bw} {
				if (n == b-1 && x == 0) || (n == b+1 && x == bw-1) || n < 0 || n >= len(mask) {
					continue
				}
				if mask[n] != 0 && labels[n] == 0 {
					labels[n] = label
					queue = append(queue, n)
				}
			}
		}
		if r.area >= slapMinTip {
			r.cx, r.cy = sx/float64(r.area), sy/float64(r.area)
			out = append(out, r)
		}
	}
	return out
}

// splitWide splits every region wider than one finger at the column, in
// its middle part, where it has the fewest blocks, relabelling the right
// part, until every part is narrow enough.
func splitWide(regions []slapRegion, labels []int32, bw, bh int) []slapRegion {
	next := int32(0)
	for _, l := range labels {
		next = max(next, l)
	}
	var out []slapRegion
	for len(regions) > 0 {
		r := regions[len(regions)-1]
		regions = regions[:len(regions)-1]
		width := r.x1 - r.x0 + 1
		if width <= slapFingerWidth {
			out = append(out, r)
			continue
		}
		// The cut lies at least a third of a finger from either edge.
		margin := slapFingerWidth / 3
		cut, least := -1, math.MaxInt
		for x := r.x0 + margin; x <= r.x1-margin; x++ {
			n := 0
			for y := r.y0; y <= r.y1; y++ {
				if int(labels[y*bw+x]) == r.label {
					n++
				}
			}
			if n < least {
				cut, least = x, n
			}
		}
		if cut < 0 {
			out = append(out, r)
			continue
		}
		next++
		left := slapRegion{label: r.label, x0: bw, y0: bh, x1: -1, y1: -1}
		right := slapRegion{label: int(next), x0: bw, y0: bh, x1: -1, y1: -1}
		var lx, ly, rx, ry float64
		for y := r.y0; y <= r.y1; y++ {
			for x := r.x0; x <= r.x1; x++ {
				b := y*bw + x
				if int(labels[b]) != r.label {
					continue
				}
				p, sx, sy := &left, &lx, &ly
				if x >= cut {
					labels[b] = next
					p, sx, sy = &right, &rx, &ry
				}
				p.area++
				*sx += float64(x)
				*sy += float64(y)
				p.x0, p.x1 = min(p.x0, x), max(p.x1, x)
				p.y0, p.y1 = min(p.y0, y), max(p.y1, y)
			}
		}
		for _, part := range []struct {
			r      *slapRegion
			sx, sy float64
		}{{&left, lx, ly}, {&right, rx, ry}} {
			if part.r.area >= slapMinTip {
				part.r.cx, part.r.cy = part.sx/float64(part.r.area), part.sy/float64(part.r.area)
				regions = append(regions, *part.r)
			}
		}
	}
	return out
}

// slapTips drops the regions that lie below another region along a finger
// (a middle phalanx under its fingertip): the other region is higher,
// shaped like a finger (at least 0.8 times as tall as wide, which a
// smear of handwriting is not) and their columns overlap by at least half
// the narrower one's width.
func slapTips(regions []slapRegion) []slapRegion {
	var tips []slapRegion
	for i, r := range regions {
		below := false
		for j, o := range regions {
			if i == j || o.cy >= r.cy || o.y1 > r.y0+slapTipHeight/3 {
				continue
			}
			if 5*(o.y1-o.y0+1) < 4*(o.x1-o.x0+1) {
				continue
			}
			overlap := min(r.x1, o.x1) - max(r.x0, o.x0) + 1
			if 2*overlap >= min(r.x1-r.x0+1, o.x1-o.x0+1) {
				below = true
				break
			}
		}
		if !below {
			tips = append(tips, r)
		}
	}
	return tips
}

// assignSlapPositions gives the tips, sorted left to right, their finger
// positions: the fingers of order less the missing ones, in order. When
// fewer tips than fingers were found, the tips are placed by their
// spacing if that is unambiguous (every gap between neighbours is either
// about one finger or clearly more), else they all keep the slap code.
func assignSlapPositions(tips []slapRegion, order, missing []Position, slap Position) []Position {
	present := make([]Position, 0, len(order))
	for _, p := range order {
		if !slices.Contains(missing, p) {
			present = append(present, p)
		}
	}
	out := make([]Position, len(tips))
	if len(tips) == len(present) {
		copy(out, present)
		return out
	}
	for i := range out {
		out[i] = slap
	}
	if len(tips) < 2 {
		return out
	}
	// The smallest gap between neighbouring tips is one finger's spacing;
	// a gap of about k spacings skips k−1 fingers.
	minGap := math.Inf(1)
	for i := 1; i < len(tips); i++ {
		minGap = min(minGap, tips[i].cx-tips[i-1].cx)
	}
	if minGap <= 0 {
		return out
	}
	slots := []int{0}
	for i := 1; i < len(tips); i++ {
		k := (tips[i].cx - tips[i-1].cx) / minGap
		steps := math.Round(k)
		if math.Abs(k-steps) > 0.3 {
			return out // ambiguous spacing
		}
		slots = append(slots, slots[i-1]+int(steps))
	}
	span := slots[len(slots)-1] + 1
	if span > len(present) {
		return out
	}
	if span == len(present) {
		for i, s := range slots {
			out[i] = present[s]
		}
	}
	// A span shorter than the hand leaves the ends unknown: keep the slap
	// code.
	return out
}

// ExtractSlap segments a slap image ([SegmentSlap]) and extracts each
// fingertip as its own template, with its finger position. Each template
// describes the fingertip's box (SlapFinger.Bounds), its coordinates
// relative to the box; the parts of other fingers that reach into the box
// are blanked first. A fingertip in which the extractor finds no print is
// left out; the error is returned only when none is left.
func ExtractSlap(img image.Image, pos Position, opts SlapOptions) ([]*Template, []SlapFinger, error) {
	gray, ok := img.(*image.Gray)
	if !ok {
		gray = image.NewGray(img.Bounds())
		draw.Draw(gray, gray.Bounds(), img, img.Bounds().Min, draw.Src)
	}
	fingers, err := SegmentSlap(gray, pos, opts)
	if err != nil {
		return nil, nil, err
	}
	var out []*Template
	var kept []SlapFinger
	var firstErr error
	for _, f := range fingers {
		crop := image.NewGray(f.Bounds)
		draw.Draw(crop, crop.Bounds(), gray, f.Bounds.Min, draw.Src)
		f.blankOthers(crop, gray.Bounds().Min)
		t, err := Extract(crop, ExtractOptions{Impression: opts.Impression, PPI: opts.PPI})
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("minutiae: extract slap: %v: %w", f.Position, err)
			}
			continue
		}
		t.Position = f.Position
		out = append(out, t)
		kept = append(kept, f)
	}
	if len(out) == 0 {
		return nil, nil, firstErr
	}
	return out, kept, nil
}

// blankOthers whitens the pixels of crop farther than slapMargin blocks
// from the finger's own region: the background of an inked card and of a
// live scan is light.
func (f *SlapFinger) blankOthers(crop *image.Gray, origin image.Point) {
	bh := len(f.mask) / f.mbw
	near := make([]uint8, len(f.mask))
	for by := range bh {
		for bx := range f.mbw {
			if f.mask[by*f.mbw+bx] == 0 {
				continue
			}
			for j := max(0, by-slapMargin); j <= min(bh-1, by+slapMargin); j++ {
				for i := max(0, bx-slapMargin); i <= min(f.mbw-1, bx+slapMargin); i++ {
					near[j*f.mbw+i] = 1
				}
			}
		}
	}
	b := crop.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		by := min(bh-1, int(float64(y-origin.Y)*f.scale)/extract.BlockSize)
		row := crop.Pix[(y-b.Min.Y)*crop.Stride:]
		for x := b.Min.X; x < b.Max.X; x++ {
			bx := min(f.mbw-1, int(float64(x-origin.X)*f.scale)/extract.BlockSize)
			if near[by*f.mbw+bx] == 0 {
				row[x-b.Min.X] = 255
			}
		}
	}
}

// slapMargin is how far, in blocks, round a finger's region its pixels are
// kept: the opening and the ridge-period test trim the print's edge.
const slapMargin = 3
