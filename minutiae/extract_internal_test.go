package minutiae

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/openbms/bms/internal/extract"
)

func TestBestMinutiae(t *testing.T) {
	var ms []extract.Minutia
	for i := range 300 {
		ms = append(ms, extract.Minutia{X: float32(i), Quality: uint8(1 + i%100)})
	}
	got := bestMinutiae(append([]extract.Minutia(nil), ms...), 255)
	assert.Len(t, got, 255)
	// 300 minutiae of qualities 1–100 three times over: the 45 dropped are
	// those of quality 1–15.
	for i, m := range got {
		assert.Greater(t, m.Quality, uint8(15))
		if i > 0 {
			assert.Greater(t, m.X, got[i-1].X, "order kept")
		}
	}
	// Ties at the threshold are taken in order.
	same := make([]extract.Minutia, 10)
	for i := range same {
		same[i].X = float32(i)
	}
	got = bestMinutiae(same, 4)
	assert.Equal(t, []float32{0, 1, 2, 3}, []float32{got[0].X, got[1].X, got[2].X, got[3].X})
	assert.Len(t, got, 4)
}
