package extract

import (
	"math"
	"slices"
)

// singular finds cores and deltas with the Poincaré index of the block
// orientation field along a ring of 16 blocks (5×5 blocks, 40 px) round each
// block: +½ turn is a core, −½ a delta. Neighbouring detections are merged.
func (e *Extractor) singular() (cores, deltas []Singular) {
	bw, bh := e.bw, e.bh
	ring := [...][2]int{{-2, -2}, {-1, -2}, {0, -2}, {1, -2}, {2, -2}, {2, -1}, {2, 0}, {2, 1},
		{2, 2}, {1, 2}, {0, 2}, {-1, 2}, {-2, 2}, {-2, 1}, {-2, 0}, {-2, -1}}
	// Smooth the field once more (3×3 blocks, 7×7 in all): creases and
	// noise make spurious ±½ loops in the finer field.
	sx, sy := e.bxx[:len(e.mask)], e.byy[:len(e.mask)]
	for by := range bh {
		for bx := range bw {
			var ax, ay float32
			for j := max(0, by-1); j <= min(bh-1, by+1); j++ {
				for i := max(0, bx-1); i <= min(bw-1, bx+1); i++ {
					ax += e.vx[j*bw+i]
					ay += e.vy[j*bw+i]
				}
			}
			sx[by*bw+bx], sy[by*bw+bx] = ax, ay
		}
	}
	idx := e.tmpb[:len(e.mask)]
	for b := range idx {
		idx[b] = 0
	}
	for by := 2; by < bh-2; by++ {
		for bx := 2; bx < bw-2; bx++ {
			if e.dist[by*bw+bx] < 3 {
				continue
			}
			var sum float64
			angle := func(x, y int) float64 {
				return math.Atan2(float64(sy[y*bw+x]), float64(sx[y*bw+x]))
			}
			prev := angle(bx+ring[len(ring)-1][0], by+ring[len(ring)-1][1])
			for _, r := range ring {
				a := angle(bx+r[0], by+r[1])
				d := a - prev
				for d > math.Pi {
					d -= 2 * math.Pi
				}
				for d <= -math.Pi {
					d += 2 * math.Pi
				}
				sum += d
				prev = a
			}
			// The ring runs clockwise on screen; a doubled-angle sum of
			// ±2π is a half turn of the ridge orientation.
			switch {
			case sum > 1.5*math.Pi:
				idx[by*bw+bx] = 1
			case sum < -1.5*math.Pi:
				idx[by*bw+bx] = -1
			}
		}
	}
	for b, v := range idx {
		if v == 0 {
			continue
		}
		// Merge the 8-connected group of equal sign.
		q := append(e.queue[:0], int32(b))
		idx[b] = 0
		var cx, cy float32
		for k := 0; k < len(q); k++ {
			j := int(q[k])
			x, y := j%bw, j/bw
			cx += float32(x)
			cy += float32(y)
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					xx, yy := x+dx, y+dy
					if xx < 0 || yy < 0 || xx >= bw || yy >= bh {
						continue
					}
					if t := yy*bw + xx; idx[t] == v {
						idx[t] = 0
						q = append(q, int32(t))
					}
				}
			}
		}
		e.queue = q
		n := float32(len(q))
		p := Singular{X: (cx/n + 0.5) * blk, Y: (cy/n + 0.5) * blk, size: len(q)}
		dir := singularDirection(sx, sy, bw, bh, cx/n, cy/n, v > 0)
		if v > 0 {
			p.Directions = []float32{dir}
			cores = append(cores, p)
		} else {
			p.Directions = []float32{dir, dir + 2*math.Pi/3, dir + 4*math.Pi/3}
			for i, d := range p.Directions {
				p.Directions[i] = float32(math.Mod(float64(d), 2*math.Pi))
			}
			deltas = append(deltas, p)
		}
	}
	// A finger has at most two cores and two deltas; the detections with
	// the widest support are the most trustworthy.
	return strongest(cores), strongest(deltas)
}

func strongest(ps []Singular) []Singular {
	slices.SortStableFunc(ps, func(a, b Singular) int { return b.size - a.size })
	return ps[:min(len(ps), 2)]
}

// singularDirection is the direction of a core or the first of a delta's
// three, in radians counter-clockwise from +x as seen on screen: the
// directions from the point along which the ridges run radially. Round an
// ideal core the ridge orientation is θ = (φ + ψ)/2 at polar angle φ, so
// 2θ − φ is the core's direction ψ everywhere; round a delta θ = c − φ/2,
// so 2θ + φ = 2c, and the ridges are radial at φ = (2c + 2πk)/3. Each is
// the mean of that quantity over the blocks 2 to 4 blocks from the point
// (cx, cy, in blocks), weighted by the strength of their orientation
// (sx, sy: the doubled-angle field in image coordinates).
func singularDirection(sx, sy []float32, bw, bh int, cx, cy float32, core bool) float32 {
	var ax, ay float64
	for by := max(0, int(cy)-4); by <= min(bh-1, int(cy)+5); by++ {
		for bx := max(0, int(cx)-4); bx <= min(bw-1, int(cx)+5); bx++ {
			dx, dy := float64(float32(bx)-cx), float64(float32(by)-cy)
			if r := math.Hypot(dx, dy); r < 2 || r > 4 {
				continue
			}
			vx, vy := float64(sx[by*bw+bx]), float64(sy[by*bw+bx])
			w := math.Hypot(vx, vy)
			if w == 0 {
				continue
			}
			// Ridge orientation on screen, counter-clockwise: the gradient's
			// doubled angle is atan2(vy, vx) with y down; the ridge is a
			// quarter turn from the gradient, and y up mirrors the angle.
			twoTheta := -math.Atan2(vy, vx) - math.Pi
			phi := math.Atan2(-dy, dx)
			a := twoTheta - phi
			if !core {
				a = twoTheta + phi
			}
			ax += w * math.Cos(a)
			ay += w * math.Sin(a)
		}
	}
	d := math.Atan2(ay, ax)
	if !core {
		d /= 3
	}
	if d < 0 {
		d += 2 * math.Pi
	}
	return float32(d)
}
