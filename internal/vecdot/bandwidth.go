package vecdot

import (
	"sync"
	"time"
)

// SumF32 adds x up with the widest loads the CPU has. It exists to measure
// read bandwidth the way STREAM does: the arithmetic is trivial, so its
// speed on an array far larger than the caches is the speed of memory.
func SumF32(x []float32) float32 { return sumF32(x) }

func sumF32Go(x []float32) float32 {
	var a [8]float32
	for len(x) >= 8 {
		a[0] += x[0]
		a[1] += x[1]
		a[2] += x[2]
		a[3] += x[3]
		a[4] += x[4]
		a[5] += x[5]
		a[6] += x[6]
		a[7] += x[7]
		x = x[8:]
	}
	for _, v := range x {
		a[0] += v
	}
	return a[0] + a[1] + a[2] + a[3] + a[4] + a[5] + a[6] + a[7]
}

// ReadBandwidth measures the bytes per second threads goroutines read from
// memory, each summing its own part of buf, over passes passes (the best
// pass counts, as STREAM reports). buf must be far larger than the last
// level cache for the figure to be memory's.
func ReadBandwidth(buf []float32, threads, passes int) float64 {
	if threads < 1 {
		threads = 1
	}
	if passes < 1 {
		passes = 1
	}
	part := len(buf) / threads
	var best time.Duration
	sink := make([]float32, threads)
	for range passes {
		var wg sync.WaitGroup
		start := time.Now()
		for t := range threads {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sink[t] = SumF32(buf[t*part : (t+1)*part])
			}()
		}
		wg.Wait()
		if d := time.Since(start); best == 0 || d < best {
			best = d
		}
	}
	return float64(part*threads*4) / best.Seconds()
}
