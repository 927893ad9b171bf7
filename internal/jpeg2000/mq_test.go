package jpeg2000

import (
	"math/rand/v2"
	"testing"
)

func TestMQRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 50; trial++ {
		n := rng.IntN(5000) + 1
		cx := make([]int, n)
		bits := make([]int, n)
		bias := rng.Float64()
		for i := range bits {
			cx[i] = rng.IntN(numCtx)
			if rng.Float64() < bias*float64(cx[i])/numCtx {
				bits[i] = 1
			}
		}
		var e mqEncoder
		e.cx.reset()
		e.init()
		for i := range bits {
			e.encode(cx[i], bits[i])
		}
		data := e.flush()
		var d mqDecoder
		d.cx.reset()
		d.init(data)
		for i := range bits {
			if got := d.decode(cx[i]); got != bits[i] {
				t.Fatalf("trial %d: symbol %d of %d: got %d want %d", trial, i, n, got, bits[i])
			}
		}
	}
}
