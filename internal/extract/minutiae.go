package extract

import (
	"math"
)

// cand is a minutia candidate on the skeleton.
type cand struct {
	x, y    float32 // pixel position (image coordinates)
	dx, dy  float32 // unit direction, image coordinates (y down)
	bif     bool
	dead    bool
	seen    bool
	why     uint8    // the rule that removed it, kept for tuning
	hit     [3]int32 // candidate reached along each branch (-1 none)
	hitLen  [3]int16 // steps to it
	nBranch int8
	block   int32
}

const (
	dirSteps   = 12 // skeleton steps to the point that gives the direction
	traceSteps = 30 // how far a branch is followed to find its other end
)

// minutiae finds endings and bifurcations on the skeleton, follows each of
// their ridges to measure direction and find what they connect to, removes
// the structures that are artefacts of noise or of the image border, and
// appends the survivors to out.
func (e *Extractor) minutiae(out []Minutia) []Minutia {
	sw := e.w + 2
	s := e.skel
	nsk := len(s)
	if cap(e.lab) < nsk {
		e.lab = make([]int32, nsk)
	}
	lab := e.lab[:nsk]
	clear(lab)
	cs := e.cands[:0]
	nb := [8]int{-sw, -sw + 1, 1, sw + 1, sw, sw - 1, -1, -sw - 1}

	// Endings, and junction pixels grouped into 8-connected clusters: the
	// thinning can leave two or three adjacent crossing-number-3 pixels at
	// one fork.
	for _, i32 := range e.work {
		i := int(i32)
		if s[i] == 0 || lab[i] != 0 {
			continue
		}
		cn := cnLUT[code(s, i, sw)]
		x, y := i%sw-1, i/sw-1
		b := int32((y/blk)*e.bw + x/blk)
		if e.mask[b] == 0 {
			continue
		}
		switch {
		case cn == 1:
			cs = append(cs, cand{x: float32(x), y: float32(y), block: b})
			lab[i] = int32(len(cs))
		case cn >= 3:
			id := int32(len(cs) + 1)
			q := append(e.queue[:0], int32(i))
			lab[i] = id
			var sx, sy float32
			n := 0
			for k := 0; k < len(q); k++ {
				j := int(q[k])
				sx += float32(j%sw - 1)
				sy += float32(j/sw - 1)
				n++
				for _, d := range nb {
					if t := j + d; s[t] != 0 && lab[t] == 0 && cnLUT[code(s, t, sw)] >= 3 {
						lab[t] = id
						q = append(q, int32(t))
					}
				}
			}
			e.queue = q
			cs = append(cs, cand{x: sx / float32(n), y: sy / float32(n), bif: true, block: b})
		}
	}
	for k := range cs {
		cs[k].hit = [3]int32{-1, -1, -1}
	}

	// Follow the branches. Starting pixels of the branches of candidate k:
	// skeleton neighbours of its pixels that are not its own.
	var starts [8][2]int // (from, first)
	for _, i32 := range e.work {
		i := int(i32)
		id := lab[i]
		if id == 0 {
			continue
		}
		k := int(id - 1)
		c := &cs[k]
		if c.dead {
			continue
		}
		// Only handle each candidate once, from its first pixel in raster order.
		if c.seen {
			continue
		}
		c.seen = true
		ns := 0
		if !c.bif {
			for _, d := range nb {
				if t := i + d; s[t] != 0 && ns < 8 {
					if ns == 0 || !adjacent(t, starts[0][1], sw) {
						starts[ns] = [2]int{i, t}
						ns++
					}
				}
			}
			ns = min(ns, 1)
		} else {
			ns = e.branchStarts(k, i, starts[:], lab, sw)
		}
		if (c.bif && ns != 3) || (!c.bif && ns != 1) {
			c.dead, c.why = true, 1
			continue
		}
		var vx, vy [3]float32
		for bi := range ns {
			ex, ey, steps, hit := e.trace(starts[bi][0], starts[bi][1], id, lab, sw)
			c.hit[bi], c.hitLen[bi] = hit, int16(steps)
			vx[bi], vy[bi] = ex-c.x, ey-c.y
		}
		c.nBranch = int8(ns)
		if !c.bif {
			c.dx, c.dy = unit(vx[0], vy[0])
		} else {
			// The two branches closest in direction are the forks; the
			// minutia points between them, away from the stem.
			var u [3][2]float32
			for bi := range 3 {
				u[bi][0], u[bi][1] = unit(vx[bi], vy[bi])
			}
			best, bd := 0, float32(-2)
			for bi := range 3 {
				a, b := u[bi], u[(bi+1)%3]
				if d := a[0]*b[0] + a[1]*b[1]; d > bd {
					best, bd = bi, d
				}
			}
			a, b := u[best], u[(best+1)%3]
			c.dx, c.dy = unit(a[0]+b[0], a[1]+b[1])
		}
	}

	e.filter(cs)
	for k := range cs {
		c := &cs[k]
		if c.dead || c.nBranch == 0 {
			continue
		}
		out = append(out, Minutia{
			X: c.x, Y: c.y,
			Angle:       float32(math.Atan2(float64(-c.dy), float64(c.dx))),
			Bifurcation: c.bif,
			Quality:     e.minutiaQuality(c),
		})
	}
	e.cands = cs
	return out
}

func (c *cand) die(why uint8) {
	if !c.dead {
		c.dead, c.why = true, why
	}
}

func adjacent(a, b, sw int) bool {
	dx := a%sw - b%sw
	dy := a/sw - b/sw
	return dx >= -1 && dx <= 1 && dy >= -1 && dy <= 1
}

func adjacent4(a, b, sw int) bool {
	d := a - b
	return d == 1 || d == -1 || d == sw || d == -sw
}

func unit(x, y float32) (float32, float32) {
	n := float32(math.Sqrt(float64(x*x + y*y)))
	if n == 0 {
		return 1, 0
	}
	return x / n, y / n
}

// branchStarts lists the branches leaving the junction cluster of candidate
// k (whose pixels are labelled k+1): the outside skeleton pixels next to the
// cluster, grouped so that adjacent ones count as one branch.
func (e *Extractor) branchStarts(k, first int, starts [][2]int, lab []int32, sw int) int {
	id := int32(k + 1)
	s := e.skel
	nb := [8]int{-sw, -sw + 1, 1, sw + 1, sw, sw - 1, -1, -sw - 1}
	// The cluster is small; find its pixels around the first one.
	var px [16]int
	np := 0
	px[np] = first
	np++
	for q := 0; q < np; q++ {
		for _, d := range nb {
			t := px[q] + d
			if lab[t] != id {
				continue
			}
			dup := false
			for _, p := range px[:np] {
				dup = dup || p == t
			}
			if !dup && np < len(px) {
				px[np] = t
				np++
			}
		}
	}
	ns := 0
	for _, p := range px[:np] {
		for _, d := range nb {
			t := p + d
			if s[t] == 0 || lab[t] == id {
				continue
			}
			same := false
			for _, st := range starts[:ns] {
				same = same || st[1] == t || adjacent4(st[1], t, sw)
			}
			if same {
				continue
			}
			if ns == len(starts) {
				return ns
			}
			starts[ns] = [2]int{p, t}
			ns++
		}
	}
	return ns
}

// trace follows a ridge from pixel from through next until it reaches
// another candidate (returned as hit, else -1), a dead end or traceSteps.
// The returned point is where the ridge is after dirSteps (or at its end if
// shorter).
func (e *Extractor) trace(from, next int, id int32, lab []int32, sw int) (px, py float32, steps int, hit int32) {
	s := e.skel
	nb := [8]int{-sw, -sw + 1, 1, sw + 1, sw, sw - 1, -1, -sw - 1}
	prev, cur := from, next
	hit = -1
	px, py = float32(cur%sw-1), float32(cur/sw-1)
	for steps = 1; ; steps++ {
		if steps <= dirSteps {
			px, py = float32(cur%sw-1), float32(cur/sw-1)
		}
		if l := lab[cur]; l != 0 && (l != id || steps > 3) {
			return px, py, steps, l - 1
		}
		if steps >= traceSteps {
			return px, py, steps, -1
		}
		cand, fallback := -1, -1
		for _, d := range nb {
			t := cur + d
			if s[t] == 0 || t == prev || t == from || (lab[t] == id && steps <= 3) {
				continue
			}
			if adjacent(t, prev, sw) {
				if fallback < 0 {
					fallback = t
				}
				continue
			}
			if cand < 0 || d == -sw || d == sw || d == 1 || d == -1 {
				cand = t
			}
		}
		if cand < 0 {
			cand = fallback
		}
		if cand < 0 {
			return px, py, steps, -1
		}
		prev, cur = cur, cand
	}
}

// filter removes false minutiae. Distances scale with the local ridge
// period T.
func (e *Extractor) filter(cs []cand) {
	// Structural rules from the traces.
	for k := range cs {
		c := &cs[k]
		if c.nBranch == 0 {
			continue
		}
		T := int16(e.pbin[c.block])
		for bi := range int(c.nBranch) {
			o := c.hit[bi]
			if o < 0 {
				continue
			}
			l := c.hitLen[bi]
			other := &cs[o]
			switch {
			case int(o) == k:
				// A loop back to itself: a hole or a pore.
				if l <= 3*T {
					c.dead, c.why = true, 2
				}
			case !c.bif && other.bif && l <= T:
				// Spur.
				c.die(3)
				other.die(3)
			case !c.bif && !other.bif && l <= 2*T:
				// Short ridge or dot.
				c.die(4)
				other.die(4)
			case c.bif && other.bif && l <= T:
				// Bridge between neighbouring ridges, or a short hole.
				c.die(5)
				other.die(5)
			}
		}
	}
	// Broken ridges: two endings facing each other across a short gap
	// along the ridge.
	for a := range cs {
		ca := &cs[a]
		if ca.bif || ca.nBranch == 0 {
			continue
		}
		T := float32(e.pbin[ca.block])
		for b := a + 1; b < len(cs); b++ {
			cb := &cs[b]
			if cb.bif || cb.nBranch == 0 {
				continue
			}
			gx, gy := cb.x-ca.x, cb.y-ca.y
			d2 := gx*gx + gy*gy
			if d2 > (1.8*T)*(1.8*T) || d2 == 0 {
				continue
			}
			if ca.dx*cb.dx+ca.dy*cb.dy > -0.7 {
				continue
			}
			ux, uy := unit(gx, gy)
			// a points into its ridge, away from the gap towards b's side.
			if -(ca.dx*ux+ca.dy*uy) > 0.7 && (cb.dx*ux+cb.dy*uy) > 0.7 {
				ca.die(6)
				cb.die(6)
			}
		}
	}
	// Border of the usable area. (Dropping minutiae of low orientation
	// certainty as well was tried: it also drops the true ones round the
	// cores, where certainty is low by nature, and did not pay overall.)
	for k := range cs {
		c := &cs[k]
		if e.dist[c.block] < 2 {
			c.die(7)
		}
	}
	// Clusters: in good prints minutiae are rarely closer than a period or
	// two, so a crowd marks a smudge or a scar. (Four or more others, dead
	// or alive: three lost true minutiae, five let noise through.)
	for a := range cs {
		ca := &cs[a]
		if ca.dead || ca.nBranch == 0 {
			continue
		}
		T := float32(e.pbin[ca.block])
		r2 := (1.6 * T) * (1.6 * T)
		n := 0
		for b := range cs {
			cb := &cs[b]
			if b == a || cb.nBranch == 0 {
				continue
			}
			gx, gy := cb.x-ca.x, cb.y-ca.y
			if gx*gx+gy*gy <= r2 {
				n++
			}
		}
		if n >= 4 {
			ca.die(8)
		}
	}
}

// minutiaQuality rates a minutia by the orientation certainty around it and
// its distance from the edge of the usable area.
func (e *Extractor) minutiaQuality(c *cand) uint8 {
	coh := float64(e.coh[c.block])
	q := clamp01((coh - 0.15) / 0.6)
	d := float64(e.dist[c.block])
	q *= clamp01(0.4 + 0.15*d)
	return uint8(math.Round(1 + 99*q))
}
