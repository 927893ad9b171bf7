package match

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestArenaViewsCompareLikeTheirTemplates(t *testing.T) {
	var arena Arena
	var temps []Template
	for i := range 20 {
		var tp Template
		Build(&tp, randomPoints(uint64(100+i), 5+i*3))
		temps = append(temps, tp)
		id, ok := arena.Append(&tp)
		require.True(t, ok)
		assert.Equal(t, uint32(i), id)
	}
	var empty Template
	id, ok := arena.Append(&empty)
	require.True(t, ok)

	v := arena.View()
	assert.Equal(t, 21, v.Len())
	assert.Zero(t, v.MinutiaeOf(id))
	m := NewMatcher(randomPoints(99, 30))
	var tv Template
	for i, tp := range temps {
		v.At(uint32(i), &tv)
		assert.Equal(t, tp.Len(), v.MinutiaeOf(uint32(i)))
		assert.Equal(t, m.Compare(&tp), m.Compare(&tv), "template %d", i)
		assert.Equal(t, tp.X, tv.X)
		assert.Equal(t, tp.Cyl, tv.Cyl)
	}
	v.At(id, &tv)
	assert.Zero(t, m.Compare(&tv))
	allocs := testing.AllocsPerRun(100, func() { v.At(3, &tv) })
	assert.Zero(t, allocs)
}

func TestArenaViewIsASnapshot(t *testing.T) {
	var arena Arena
	assert.Equal(t, 0, arena.View().Len())
	var tp Template
	Build(&tp, randomPoints(7, 10))
	arena.Append(&tp)
	before := arena.View()
	var want Template
	before.At(0, &want)
	wantX := append([]float32(nil), want.X...)

	// Appends while readers read the earlier snapshot (run with -race).
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var got Template
		for range 200 {
			before.At(0, &got)
			assert.Equal(t, wantX, got.X)
		}
	}()
	for i := range 200 {
		var more Template
		Build(&more, randomPoints(uint64(1000+i), 1+i%17))
		arena.Append(&more)
	}
	wg.Wait()
	assert.Equal(t, 1, before.Len(), "an old view does not grow")
	assert.Equal(t, 201, arena.View().Len())
}
