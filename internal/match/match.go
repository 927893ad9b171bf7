// Package match is the minutiae comparison kernel of bms: bit-packed
// Minutia Cylinder-Code descriptors (Cappelli, Ferrara, Maltoni, "Minutia
// Cylinder-Code: a new representation and matching technique for
// fingerprint recognition", IEEE TPAMI 32(12), 2010) compared with AND, XOR
// and popcount, followed by a global consolidation that looks for the one
// rigid transformation, with a distortion-tolerant acceptance radius, that
// pairs most similar cylinders one to one. A screening signature per
// template (screen.go) gives 1:N searches a cheap first stage.
//
// Data flow: Build turns points into a Template (cylinders word-major, the
// screening signature); Compare runs the cell-count kernel per probe
// cylinder (kernel.go, returning pair keys), keeps the best three
// candidates per probe minutia, sorts the pairs, tries alignments on them
// (the consistency pass of consistent.go, then a one-to-one pass), refits
// the best and scores the evidence. Every kernel has AVX-512, where
// written AVX2, and Go implementations that give identical results,
// chosen at start-up with cpuid; the purego build tag forces Go.
//
// The package knows nothing of template formats: callers give it points in
// 500 ppi pixel units in a right-handed frame (y up) with directions as
// 1/65536 turn counter-clockwise. Package minutiae wraps it.
package match

import (
	"cmp"
	"math"
	"slices"

	"github.com/openbms/bms/internal/geom"
)

// Cylinder geometry. Ns = 8 makes one spatial layer exactly 64 cells, so a
// cylinder is Nd uint64 words (one per direction bin) plus a single validity
// word shared by all layers: 7 words, 56 bytes per minutia. The MCC paper's
// reference setting is Ns = 16 (256 cells a layer); 8 was chosen for the
// bytes-per-template and speed budget (see docs/matching.md).
const (
	Ns    = 8            // cells along each side of the cylinder base
	Nd    = 6            // direction bins (cylinder height)
	Words = Nd           // uint64 words of cell bits per cylinder
	Cells = Ns * Ns * Nd // cells of the enclosing cuboid

	radius = 70.0 // cylinder radius R, 500 ppi pixels (MCC paper)
	deltaS = 2 * radius / Ns
	sigmaD = 2 * math.Pi / 9 // directional Gaussian σD (MCC paper)
	deltaD = 2 * math.Pi / Nd
	omega  = 50.0 // convex hull enlargement Ω (MCC paper)

	// minValidFraction is the fraction of the in-circle cells that must lie
	// inside the enlarged convex hull for a cylinder to be used (MCC minVC).
	minValidFraction = 0.5
	// minNeighbours is the number of other minutiae a cylinder must see
	// (MCC minM): a cylinder with fewer is noise.
	minNeighbours = 2
	// minMatchFraction is the part of the cuboid's cells that two
	// cylinders must both have valid to be compared (MCC minME).
	minMatchFraction = 0.6
)

var (
	sigmaS = 8.0   // spatial Gaussian σS (MCC paper: 28/3 for Ns = 16)
	muPsi  = 0.006 // bit threshold of the cell value (MCC paper: μΨ = 0.01)
)

// Point is one minutia in the kernel's frame.
type Point struct {
	X, Y float64 // 500 ppi pixels, y up
	Dir  uint16  // 1/65536 turn counter-clockwise from the x axis
}

// Template is the prepared, candidate-side form of a minutiae set: flat
// structure-of-arrays slices with no pointers between records, so that a
// gallery can keep many of them in one arena.
type Template struct {
	X, Y []float32 // positions, 500 ppi pixels, y up
	Dir  []uint16  // directions
	// Cyl holds Words cell words per minutia, word-major: word k of
	// minutia i is Cyl[k*Len()+i], so that a comparison kernel loads
	// word k of consecutive candidates as one vector. Bit c of word k is
	// spatial cell c (row-major, Ns×Ns) of direction bin k.
	Cyl []uint64
	// Mask is the validity word of each cylinder (spatial cells inside
	// the cylinder and the enlarged convex hull); 0 marks a cylinder that
	// is not used for local matching.
	Mask []uint64
	// Screen is the screening signature (ScreenWords words, see
	// screen.go): what a 1:N search's first stage reads.
	Screen []uint64
}

// Len is the number of minutiae.
func (t *Template) Len() int { return len(t.X) }

// Size is the number of bytes the template's data occupies.
func (t *Template) Size() int {
	return 4*len(t.X) + 4*len(t.Y) + 2*len(t.Dir) + 8*len(t.Cyl) + 8*len(t.Mask) + 8*len(t.Screen)
}

// MaxPoints bounds the minutiae of one template: indices are kept in 16
// bits in the pair keys, and a palm rarely holds more than a few thousand.
const MaxPoints = 1 << 12

// Build prepares pts into dst, reusing dst's memory. Points past MaxPoints
// are ignored.
func Build(dst *Template, pts []Point) {
	if len(pts) > MaxPoints {
		pts = pts[:MaxPoints]
	}
	// Sorting by direction lets Compare visit only the direction-compatible
	// candidates of each probe minutia, as contiguous runs.
	sorted := make([]Point, len(pts))
	copy(sorted, pts)
	slices.SortStableFunc(sorted, func(a, b Point) int { return cmp.Compare(a.Dir, b.Dir) })
	pts = sorted
	n := len(pts)
	dst.X = resize(dst.X, n)
	dst.Y = resize(dst.Y, n)
	dst.Dir = resize(dst.Dir, n)
	dst.Cyl = resize(dst.Cyl, n*Words)
	dst.Mask = resize(dst.Mask, n)
	for i, p := range pts {
		dst.X[i], dst.Y[i], dst.Dir[i] = float32(p.X), float32(p.Y), p.Dir
	}
	hull := convexHull(pts)
	near := make([]neighbour, 0, len(pts))
	for i := range pts {
		var cyl [Words]uint64
		near = buildCylinder(cyl[:], &dst.Mask[i], pts, i, hull, near[:0])
		for k, w := range cyl {
			dst.Cyl[k*n+i] = w
		}
	}
	dst.Screen = resize(dst.Screen, ScreenWords)
	buildScreen(dst.Screen, dst)
}

// cylinder gathers the cell words of minutia i.
func (t *Template) cylinder(i int) (c [Words]uint64) {
	n := len(t.X)
	for k := range c {
		c[k] = t.Cyl[k*n+i]
	}
	return c
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// inCircle is the number of spatial cells whose centre lies within radius
// of the cylinder centre.
var inCircle = func() int {
	n := 0
	for c := 0; c < Ns*Ns; c++ {
		u, v := cellOffset(c)
		if u*u+v*v <= radius*radius {
			n++
		}
	}
	return n
}()

func cellOffset(c int) (u, v float64) {
	i, j := c%Ns, c/Ns
	return (float64(i) - (Ns-1)/2.0) * deltaS, (float64(j) - (Ns-1)/2.0) * deltaS
}

// dirContribution is the integral of the directional Gaussian over the
// direction bin centred at binCentre, for an angle difference a (radians).
func dirContribution(binCentre, a float64) float64 {
	d := normAngle(binCentre - a)
	k := 1 / (sigmaD * math.Sqrt2)
	return 0.5 * (math.Erf((d+deltaD/2)*k) - math.Erf((d-deltaD/2)*k))
}

// normAngle reduces a to [-π, π).
func normAngle(a float64) float64 {
	a = math.Mod(a+math.Pi, 2*math.Pi)
	if a < 0 {
		a += 2 * math.Pi
	}
	return a - math.Pi
}

func rad(a uint16) float64 { return float64(a) * 2 * math.Pi / 65536 }

// neighbour is a minutia that can reach a cell of the cylinder being
// built, with its directional contribution to each bin.
type neighbour struct {
	x, y float64
	gd   [Nd]float64
}

// buildCylinder computes the cylinder of minutia m; near is scratch space,
// returned for reuse.
func buildCylinder(cyl []uint64, mask *uint64, pts []Point, m int, hull []geom.Vec[float64], near []neighbour) []neighbour {
	c := pts[m]
	theta := rad(c.Dir)
	cos, sin := math.Cos(theta), math.Sin(theta)
	reach := radius + 3*sigmaS
	for t := range pts {
		dx, dy := pts[t].X-c.X, pts[t].Y-c.Y
		if t == m || dx*dx+dy*dy > reach*reach {
			continue
		}
		n := neighbour{x: pts[t].X, y: pts[t].Y}
		dphi := normAngle(theta - rad(pts[t].Dir))
		for k := range Nd {
			n.gd[k] = dirContribution(-math.Pi+(float64(k)+0.5)*deltaD, dphi)
		}
		near = append(near, n)
	}
	var valid uint64
	nValid := 0
	norm := 1 / (sigmaS * math.Sqrt(2*math.Pi))
	for cell := 0; cell < Ns*Ns; cell++ {
		u, v := cellOffset(cell)
		if u*u+v*v > radius*radius {
			continue
		}
		px, py := c.X+u*cos-v*sin, c.Y+u*sin+v*cos
		if !nearHull(hull, px, py, omega) {
			continue
		}
		valid |= 1 << cell
		nValid++
		var sum [Nd]float64
		for _, n := range near {
			d2 := (n.x-px)*(n.x-px) + (n.y-py)*(n.y-py)
			if d2 > 9*sigmaS*sigmaS {
				continue
			}
			gs := math.Exp(-d2/(2*sigmaS*sigmaS)) * norm
			for k := range Nd {
				sum[k] += gs * n.gd[k]
			}
		}
		for k := range Nd {
			if sum[k] > muPsi {
				cyl[k] |= 1 << cell
			}
		}
	}
	if len(near) < minNeighbours || float64(nValid) < minValidFraction*float64(inCircle) {
		clear(cyl)
		valid = 0
	}
	*mask = valid
	return near
}

// convexHull returns the convex hull of the points counter-clockwise
// (y up).
func convexHull(pts []Point) []geom.Vec[float64] {
	v := make([]geom.Vec[float64], len(pts))
	for i, p := range pts {
		v[i] = geom.Vec[float64]{X: p.X, Y: p.Y}
	}
	return geom.ConvexHull(v, nil)
}

// nearHull reports whether (x, y) is inside the convex polygon h
// (counter-clockwise) or within dist of its boundary.
func nearHull(h []geom.Vec[float64], x, y, dist float64) bool {
	switch len(h) {
	case 0:
		return false
	case 1:
		dx, dy := x-h[0].X, y-h[0].Y
		return dx*dx+dy*dy <= dist*dist
	}
	if len(h) >= 3 {
		inside := true
		for i := range h {
			a, b := h[i], h[(i+1)%len(h)]
			if (b.X-a.X)*(y-a.Y)-(b.Y-a.Y)*(x-a.X) < 0 {
				inside = false
				break
			}
		}
		if inside {
			return true
		}
	}
	for i := range h {
		a, b := h[i], h[(i+1)%len(h)]
		ex, ey := b.X-a.X, b.Y-a.Y
		l2 := ex*ex + ey*ey
		t := 0.0
		if l2 > 0 {
			t = max(0, min(1, ((x-a.X)*ex+(y-a.Y)*ey)/l2))
		}
		dx, dy := x-a.X-t*ex, y-a.Y-t*ey
		if dx*dx+dy*dy <= dist*dist {
			return true
		}
	}
	return false
}
