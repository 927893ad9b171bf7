package match

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func randomPoints(seed uint64, n int) []Point {
	rng := rand.New(rand.NewPCG(seed, 1))
	pts := make([]Point, n)
	for i := range pts {
		pts[i] = Point{X: rng.Float64() * 300, Y: -rng.Float64() * 400, Dir: uint16(rng.Uint32())}
	}
	return pts
}

func TestGeometryConstants(t *testing.T) {
	// Ns = 8 over a 140 px square: 52 cell centres lie within R = 70.
	assert.Equal(t, 52, inCircle)
	assert.Equal(t, 31, minMatchCells)
	assert.Equal(t, 64, Ns*Ns, "one layer must fill one uint64")
}

func TestDirSearch(t *testing.T) {
	dirs := []uint16{10, 20, 20, 30, 1 << 10, 5000, 5000, 65535}
	m := &Matcher{}
	m.indexDirs(dirs)
	for _, tc := range []struct {
		d    uint16
		want int
	}{{0, 0}, {10, 0}, {11, 1}, {20, 1}, {21, 3}, {30, 3}, {31, 4}, {1 << 10, 4}, {1<<10 + 1, 5}, {5000, 5}, {5001, 7}, {65535, 7}} {
		assert.Equal(t, tc.want, m.dirSearch(dirs, tc.d), "d=%d", tc.d)
	}
	// Every d: the first index whose direction is at least d.
	for d := 0; d < 1<<16; d++ {
		want := 0
		for want < len(dirs) && dirs[want] < uint16(d) {
			want++
		}
		if got := m.dirSearch(dirs, uint16(d)); got != want {
			t.Fatalf("d=%d: %d, want %d", d, got, want)
		}
	}
	m.indexDirs(nil)
	assert.Equal(t, 0, m.dirSearch(nil, 5))
}

func TestHull(t *testing.T) {
	sq := []Point{{X: 0, Y: 0}, {X: 10, Y: 0}, {X: 10, Y: 10}, {X: 0, Y: 10}, {X: 5, Y: 5}}
	h := convexHull(sq)
	require.Len(t, h, 4)
	assert.True(t, nearHull(h, 5, 5, 0))
	assert.True(t, nearHull(h, 12, 5, 3))
	assert.False(t, nearHull(h, 14, 5, 3))
	// Degenerate hulls: a point and a segment.
	assert.True(t, nearHull(convexHull(sq[:1]), 3, 4, 5))
	assert.False(t, nearHull(convexHull(sq[:1]), 3, 4.1, 5))
	seg := convexHull(sq[:2])
	assert.True(t, nearHull(seg, 5, 2, 2))
	assert.False(t, nearHull(seg, 5, 3, 2))
	assert.False(t, nearHull(nil, 0, 0, 100))
}

func TestBuildSortsByDirectionAndKeepsShape(t *testing.T) {
	pts := randomPoints(1, 50)
	var tp Template
	Build(&tp, pts)
	require.Equal(t, 50, tp.Len())
	assert.Len(t, tp.Cyl, 50*Words)
	for i := 1; i < tp.Len(); i++ {
		assert.LessOrEqual(t, tp.Dir[i-1], tp.Dir[i])
	}
	valid := 0
	for i, m := range tp.Mask {
		if m == 0 {
			for k := range Words {
				assert.Zero(t, tp.cylinder(i)[k], "an invalid cylinder has no bits")
			}
			continue
		}
		valid++
		for k := range Words {
			assert.Zero(t, tp.cylinder(i)[k]&^m, "bits only in valid cells")
		}
	}
	assert.Greater(t, valid, 25)
}

func TestCompareKernel(t *testing.T) {
	pts := randomPoints(2, 40)
	m := NewMatcher(pts)
	var self, other Template
	Build(&self, pts)
	Build(&other, randomPoints(3, 40))
	rs := m.Detail(&self)
	assert.Equal(t, 40, rs.Matched)
	assert.InDelta(t, 40, rs.Evidence, 1e-9)
	assert.InDelta(t, 40/math.Sqrt(40), rs.Score, 1e-9)
	assert.Equal(t, rs.Score, m.Compare(&self))
	ro := m.Detail(&other)
	assert.Less(t, ro.Score, rs.Score/4)

	// Inconsistent candidate slices: no evidence, no panic.
	bad := self.Clone()
	bad.Cyl = bad.Cyl[:len(bad.Cyl)-1]
	assert.Zero(t, m.Compare(&bad))
	assert.Zero(t, m.Compare(&Template{}))
	assert.Zero(t, NewMatcher(nil).Compare(&self))
}
