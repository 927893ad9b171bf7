package extract

// enhance applies the contextual filter as two 1-D passes in the block's
// frame: a Gaussian along the ridge (joins breaks, averages out pores) and an
// even Gabor across it tuned to the block's period (keeps only the ridge
// frequency). Splitting the 2-D Gabor this way costs 17+17 taps per pixel
// instead of 17×17, which is what keeps extraction within a few ms.
func (e *Extractor) enhance() {
	pw, w, h := e.pw, e.w, e.h
	bw, bh := e.bw, e.bh
	img, sm, enh := e.img, e.smooth, e.enh
	wa := e.wAlong
	// Blocks the first pass must cover: the mask and its neighbours, since
	// the second pass reads up to acrossReach pixels outside the mask.
	act := e.act[:len(e.mask)]
	for by := range bh {
		for bx := range bw {
			act[by*bw+bx] = nearMask(e.mask, bw, bh, bx, by)
		}
	}
	// Pass 1, along the ridge, over the image plus the reach of pass 2 so
	// that pass 2 reads smoothed values everywhere. Runs of sub pixels
	// share one kernel; whole runs go to the vector kernels four at a
	// time (convolve.go), the runs beyond the image's edges one by one.
	batch := convBatch{lo: e.kernLo, hi: e.kernHi}
	for y := -acrossReach; y < h+acrossReach; y++ {
		cy := min(max(y, 0), h-1)
		by := cy / blk
		srow := (cy / sub) * e.sbw
		row := (y + pad) * pw
		for x0 := -acrossReach; x0 < w+acrossReach; {
			cx := min(max(x0, 0), w-1)
			// The run ends at the next sub-block edge (or the buffer's).
			x1 := min(w+acrossReach, x0+sub-((x0%sub)+sub)%sub)
			if x0 < 0 {
				x1 = 0
			} else if x0 >= w {
				x1 = w + acrossReach
			}
			if !act[by*bw+cx/blk] {
				copy(sm[row+x0+pad:row+x1+pad], img[row+x0+pad:row+x1+pad])
				x0 = x1
				continue
			}
			off := e.kernAlong[e.soidx[srow+cx/sub]]
			if x1-x0 == sub {
				batch.add(sm, img, row+x0+pad, off, wa[:len(off)])
			} else {
				convolveRun(sm, img, row+x0+pad, row+x1+pad, off, wa[:len(off)])
			}
			x0 = x1
		}
	}
	batch.flush(sm, img)
	// Pass 2, across the ridge, only inside the mask.
	for y := range h {
		by := y / blk
		srow := (y / sub) * e.sbw
		row := (y + pad) * pw
		for x0 := 0; x0 < w; x0 += sub {
			x1 := min(w, x0+sub)
			b := by*bw + x0/blk
			if e.mask[b] == 0 {
				clear(enh[row+x0+pad : row+x1+pad])
				continue
			}
			off := e.kernAcross[e.soidx[srow+x0/sub]]
			wt := e.wAcross[e.pbin[b]][:len(off)]
			if x1-x0 == sub {
				batch.add(enh, sm, row+x0+pad, off, wt)
			} else {
				convolveRun(enh, sm, row+x0+pad, row+x1+pad, off, wt)
			}
		}
	}
	batch.flush(enh, sm)
}

// nearMask reports whether a block touches a foreground block.
func nearMask(mask []uint8, bw, bh, bx, by int) bool {
	for j := max(0, by-1); j <= min(bh-1, by+1); j++ {
		for i := max(0, bx-1); i <= min(bw-1, bx+1); i++ {
			if mask[j*bw+i] != 0 {
				return true
			}
		}
	}
	return false
}

// binarise marks ridge pixels (dark: negative filter response) in the
// one-pixel-bordered skeleton buffer.
func (e *Extractor) binarise() {
	w, h, pw := e.w, e.h, e.pw
	sw := w + 2
	clear(e.skel)
	for y := range h {
		src := e.enh[(y+pad)*pw+pad : (y+pad)*pw+pad+w]
		dst := e.skel[(y+1)*sw+1 : (y+1)*sw+1+w]
		for x, v := range src {
			if v < 0 {
				dst[x] = 1
			}
		}
	}
}

// fillSpecks flips connected components smaller than the limits: valley
// specks inside a ridge (pores, and the broken thin valleys of wet prints)
// would thin into loops read as two bifurcations, and ridge specks into
// short ridges read as two endings. Valleys are 4-connected and ridges
// 8-connected, the pairing that keeps the two complementary. A component
// touching the image's edge may continue outside it and is kept.
//
// The components are found on runs of equal pixels, not pixel by pixel:
// a run joins the runs of the row above that it touches (overlapping for
// valleys, overlapping or diagonal for ridges) in a union-find over runs.
// A 300×300 print has about 15,000 runs against 90,000 pixels, and a
// flood fill spent most of its time crossing the background and the long
// ridges that are never filled.
func (e *Extractor) fillSpecks(holeMax, dotMax int) {
	sw := e.w + 2
	s := e.skel
	runs := e.specRuns[:0]
	rowStart := grow(e.specRows, e.h+2)
	// Row y's runs are runs[rowStart[y]:rowStart[y+1]].
	for y := 1; y <= e.h; y++ {
		rowStart[y] = int32(len(runs))
		row := s[y*sw+1 : y*sw+1+e.w]
		for x0 := 0; x0 < len(row); {
			v := row[x0]
			x1 := x0 + 1
			for x1 < len(row) && row[x1] == v {
				x1++
			}
			r := specRun{x0: int32(x0), x1: int32(x1), v: v, parent: int32(len(runs)), size: int32(x1 - x0)}
			r.open = y == 1 || y == e.h || x0 == 0 || x1 == len(row)
			runs = append(runs, r)
			x0 = x1
		}
	}
	rowStart[e.h+1] = int32(len(runs))
	// Join each row's runs with those of the row above.
	for y := 2; y <= e.h; y++ {
		up, upEnd := rowStart[y-1], rowStart[y]
		for i := rowStart[y]; i < rowStart[y+1]; i++ {
			r := &runs[i]
			// Ridges also touch diagonally: widen by one pixel each side.
			var reach int32
			if r.v != 0 {
				reach = 1
			}
			for up < upEnd && runs[up].x1+reach <= r.x0 {
				up++
			}
			for j := up; j < upEnd && runs[j].x0 < r.x1+reach; j++ {
				if runs[j].v == r.v {
					unionRuns(runs, i, j)
				}
			}
		}
	}
	for y := 1; y <= e.h; y++ {
		row := s[y*sw+1 : y*sw+1+e.w]
		for i := rowStart[y]; i < rowStart[y+1]; i++ {
			r := &runs[i]
			root := &runs[findRun(runs, i)]
			limit := holeMax
			if r.v != 0 {
				limit = dotMax
			}
			if root.open || int(root.size) > limit {
				continue
			}
			for x := r.x0; x < r.x1; x++ {
				row[x] = 1 - r.v
			}
		}
	}
	e.specRuns, e.specRows = runs, rowStart
}

// specRun is a run of equal pixels of one row, a node of fillSpecks'
// union-find; size and open are the component's, kept at its root.
type specRun struct {
	x0, x1, parent, size int32
	v                    uint8
	open                 bool
}

func findRun(runs []specRun, i int32) int32 {
	for runs[i].parent != i {
		runs[i].parent = runs[runs[i].parent].parent // path halving
		i = runs[i].parent
	}
	return i
}

func unionRuns(runs []specRun, a, b int32) {
	a, b = findRun(runs, a), findRun(runs, b)
	if a == b {
		return
	}
	if runs[a].size < runs[b].size {
		a, b = b, a
	}
	runs[b].parent = a
	runs[a].size += runs[b].size
	runs[a].open = runs[a].open || runs[b].open
}
