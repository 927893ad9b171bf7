package geom

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestConvexHull(t *testing.T) {
	p := func(x, y int32) Vec[int32] { return Vec[int32]{x, y} }
	for _, c := range []struct {
		name string
		pts  []Vec[int32]
		want []Vec[int32]
	}{
		{"empty", nil, nil},
		{"one point", []Vec[int32]{p(3, 4)}, []Vec[int32]{p(3, 4)}},
		{"repeated point", []Vec[int32]{p(3, 4), p(3, 4), p(3, 4)}, []Vec[int32]{p(3, 4)}},
		{"two points", []Vec[int32]{p(5, 1), p(0, 0)}, []Vec[int32]{p(0, 0), p(5, 1)}},
		{"collinear", []Vec[int32]{p(0, 0), p(2, 2), p(1, 1), p(3, 3)}, []Vec[int32]{p(0, 0), p(3, 3)}},
		{"square with inner, edge and repeated points", []Vec[int32]{p(0, 0), p(4, 0), p(4, 4), p(0, 4), p(2, 2), p(2, 0), p(4, 1), p(1, 3), p(4, 4)},
			[]Vec[int32]{p(0, 0), p(4, 0), p(4, 4), p(0, 4)}},
		{"notched shape", []Vec[int32]{p(0, 0), p(6, 0), p(3, 2), p(6, 5), p(0, 5)},
			[]Vec[int32]{p(0, 0), p(6, 0), p(6, 5), p(0, 5)}},
	} {
		got := ConvexHull(append([]Vec[int32](nil), c.pts...), nil)
		assert.Equal(t, c.want, got, c.name)
	}
	// Appending to a non-empty dst leaves what it held alone.
	dst := []Vec[int32]{p(9, 9)}
	got := ConvexHull([]Vec[int32]{p(0, 0), p(4, 0), p(0, 4), p(1, 1)}, dst)
	assert.Equal(t, []Vec[int32]{p(9, 9), p(0, 0), p(4, 0), p(0, 4)}, got)
	// Floating-point coordinates go the same way.
	fh := ConvexHull([]Vec[float64]{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {5, 5}}, nil)
	assert.Len(t, fh, 4)
}

func TestInside(t *testing.T) {
	p := func(x, y int32) Vec[int32] { return Vec[int32]{x, y} }
	sq := ConvexHull([]Vec[int32]{p(0, 0), p(4, 0), p(4, 4), p(0, 4)}, nil)
	assert.True(t, Inside(sq, p(2, 2)))
	assert.True(t, Inside(sq, p(4, 2)), "a point on an edge is inside")
	assert.True(t, Inside(sq, p(0, 0)), "a vertex is inside")
	assert.False(t, Inside(sq, p(5, 2)))
	assert.False(t, Inside(sq, p(-1, -1)))
	assert.False(t, Inside(ConvexHull([]Vec[int32]{p(0, 0), p(3, 3)}, nil), p(1, 1)),
		"a degenerate hull encloses nothing")
}
