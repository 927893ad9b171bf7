package geom

import (
	"cmp"
	"slices"
)

// Number is a coordinate type.
type Number interface {
	~int32 | ~int64 | ~float32 | ~float64
}

// Vec is a point of the plane.
type Vec[T Number] struct{ X, Y T }

// Turn is the cross product (a − o) × (b − o): positive when o → a → b
// turns counter-clockwise in a frame whose y axis points up (clockwise on
// screen, y down), negative the other way, 0 when the three are collinear.
// Integer callers must keep |coordinates| small enough for the products
// not to overflow T.
func Turn[T Number](o, a, b Vec[T]) T {
	return (a.X-o.X)*(b.Y-o.Y) - (a.Y-o.Y)*(b.X-o.X)
}

// ConvexHull returns, appended to dst, the vertices of the convex hull of
// pts in order of positive Turn (Andrew's monotone chain), collinear and
// repeated points dropped: one point for a single distinct point, two for
// collinear ones. pts is sorted and compacted in place.
func ConvexHull[T Number](pts, dst []Vec[T]) []Vec[T] {
	slices.SortFunc(pts, func(a, b Vec[T]) int {
		if c := cmp.Compare(a.X, b.X); c != 0 {
			return c
		}
		return cmp.Compare(a.Y, b.Y)
	})
	pts = slices.Compact(pts)
	if len(pts) < 3 {
		return append(dst, pts...)
	}
	base := len(dst)
	hull := dst
	for _, p := range pts {
		for len(hull)-base >= 2 && Turn(hull[len(hull)-2], hull[len(hull)-1], p) <= 0 {
			hull = hull[:len(hull)-1]
		}
		hull = append(hull, p)
	}
	lower := len(hull) + 1
	for i := len(pts) - 2; i >= 0; i-- {
		p := pts[i]
		for len(hull) >= lower && Turn(hull[len(hull)-2], hull[len(hull)-1], p) <= 0 {
			hull = hull[:len(hull)-1]
		}
		hull = append(hull, p)
	}
	return hull[:len(hull)-1]
}

// Inside reports whether p lies inside or on the hull (as returned by
// ConvexHull). A hull of fewer than three vertices encloses nothing but
// its own points, which callers already hold.
func Inside[T Number](hull []Vec[T], p Vec[T]) bool {
	if len(hull) < 3 {
		return false
	}
	for i := range hull {
		if Turn(hull[i], hull[(i+1)%len(hull)], p) < 0 {
			return false
		}
	}
	return true
}
