package index

import (
	"context"
	"runtime"

	"golang.org/x/sync/errgroup"
)

// Range is a half-open interval [Lo, Hi) of dense IDs.
type Range struct{ Lo, Hi uint32 }

// Len is the number of IDs in the range.
func (r Range) Len() int { return int(r.Hi - r.Lo) }

// Split cuts [0, n) into at most parts contiguous ranges of nearly equal
// length, each a multiple of align IDs except the last (align keeps SIMD
// blocks and cache lines whole; align < 1 means 1).
func Split(n, parts, align int) []Range {
	if n <= 0 {
		return nil
	}
	if align < 1 {
		align = 1
	}
	if parts < 1 {
		parts = 1
	}
	blocks := (n + align - 1) / align
	if parts > blocks {
		parts = blocks
	}
	out := make([]Range, 0, parts)
	lo := 0
	for p := 0; p < parts; p++ {
		hi := (blocks * (p + 1) / parts) * align
		if hi > n {
			hi = n
		}
		if hi > lo {
			out = append(out, Range{uint32(lo), uint32(hi)})
		}
		lo = hi
	}
	return out
}

// Workers resolves a requested thread count: < 1 means every core.
func Workers(threads int) int {
	if threads < 1 {
		return runtime.GOMAXPROCS(0)
	}
	return threads
}

// ScanParallel runs scan on each range, at most workers at a time, and
// returns the first error. scan gets the index of its range, so that callers
// keep one TopK per range and merge them afterwards without locks. The
// context is checked before each range starts; scans of long ranges should
// check it themselves.
func ScanParallel(ctx context.Context, ranges []Range, workers int, scan func(ctx context.Context, part int, r Range) error) error {
	if len(ranges) == 1 || workers == 1 {
		for i, r := range ranges {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := scan(ctx, i, r); err != nil {
				return err
			}
		}
		return nil
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(Workers(workers))
	for i, r := range ranges {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			return scan(ctx, i, r)
		})
	}
	return g.Wait()
}
