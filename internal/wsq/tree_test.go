package wsq

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTreeInversionFlags(t *testing.T) {
	// The specification's transform tree inverts rows (x) at nodes
	// 2,4,7,9,11,13,16,18 and columns (y) at 3,5,8,9,12,13,17,18.
	g := newGeometry(800, 750)
	var invX, invY []int
	for i, n := range g.nodes {
		if n.invX {
			invX = append(invX, i)
		}
		if n.invY {
			invY = append(invY, i)
		}
	}
	assert.Equal(t, []int{2, 4, 7, 9, 11, 13, 16, 18}, invX)
	assert.Equal(t, []int{3, 5, 8, 9, 12, 13, 17, 18}, invY)
}

// Hand-derived geometry for 545x622 (the shape of sample.wsq).
func TestTreeGeometryKnownSize(t *testing.T) {
	g := newGeometry(545, 622)
	// 545 -> 273 -> 137 -> 69 -> 35 -> 18; 622 -> 311 -> 156 -> 78 -> 39 -> 20.
	assert.Equal(t, rect{0, 0, 273, 311}, g.nodes[1].r)
	assert.Equal(t, rect{273, 0, 272, 311}, g.nodes[2].r)
	assert.Equal(t, rect{0, 311, 273, 311}, g.nodes[3].r)
	assert.Equal(t, rect{137, 0, 136, 156}, g.nodes[4].r)
	assert.Equal(t, rect{0, 156, 137, 155}, g.nodes[5].r)
	assert.Equal(t, rect{0, 0, 137, 156}, g.nodes[14].r)
	assert.Equal(t, rect{0, 0, 69, 78}, g.nodes[15].r)
	assert.Equal(t, rect{0, 0, 35, 39}, g.nodes[19].r)
	assert.Equal(t, rect{0, 0, 18, 20}, g.bands[0])
	assert.Equal(t, rect{18, 0, 17, 20}, g.bands[1])
	assert.Equal(t, rect{0, 20, 18, 19}, g.bands[2])
	assert.Equal(t, rect{18, 20, 17, 19}, g.bands[3])
	assert.Equal(t, rect{35, 0, 34, 39}, g.bands[4])
	assert.Equal(t, rect{137, 156, 136, 155}, g.bands[51])
}

// With odd lengths, an inverted quadrant gives the extra sample to its
// second (lowpass) half.
func TestTreeGeometryOddInverted(t *testing.T) {
	g := newGeometry(803, 803)
	// 803 -> 402 (node 1) -> node 4 is x 201..401, width 201, inverted.
	n4 := g.nodes[4]
	assert.Equal(t, rect{201, 0, 201, 201}, n4.r)
	assert.Equal(t, rect{201, 0, 100, 101}, g.nodes[6].r, "node 4's first x half is the smaller")
	assert.Equal(t, rect{301, 0, 101, 101}, g.nodes[7].r)
	// Node 7 is itself x-inverted: 101 splits 50 | 51.
	assert.Equal(t, 50, g.bands[23].w)
	assert.Equal(t, 51, g.bands[24].w)
	// Node 6 is not: 100 splits 50 | 50; its y split of 101 is 51 | 50.
	assert.Equal(t, rect{201, 0, 50, 51}, g.bands[19])
	assert.Equal(t, rect{201, 51, 50, 50}, g.bands[21])
}

// For any size, the 60 coded subbands plus the discarded quadrant tile the
// image exactly once, and every node is the union of its quadrants.
func TestTreeTilesImage(t *testing.T) {
	sizes := [][2]int{{1, 1}, {2, 3}, {5, 7}, {31, 33}, {64, 64}, {100, 99}, {545, 622}, {803, 751}, {1608, 1000}}
	for _, s := range sizes {
		g := newGeometry(s[0], s[1])
		cover := make([]int, s[0]*s[1])
		mark := func(r rect) {
			for y := r.y; y < r.y+r.h; y++ {
				for x := r.x; x < r.x+r.w; x++ {
					cover[y*s[0]+x]++
				}
			}
		}
		for _, b := range g.bands {
			require.GreaterOrEqual(t, b.w, 0)
			require.GreaterOrEqual(t, b.h, 0)
			mark(b)
		}
		mark(g.nodes[0].quadrant(qBR).r)
		for i, c := range cover {
			require.Equal(t, 1, c, "size %v pixel %d covered %d times", s, i, c)
		}
		for i, n := range g.nodes {
			area := 0
			for q := range 4 {
				c := n.quadrant(q).r
				area += c.w * c.h
			}
			require.Equal(t, n.r.w*n.r.h, area, "size %v node %d", s, i)
		}
		capacity := 0
		for _, b := range g.bands {
			capacity += b.w * b.h
		}
		assert.Equal(t, capacity, g.codedCapacity())
	}
}
