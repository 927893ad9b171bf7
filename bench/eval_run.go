package bench

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// Evaluator runs a comparison protocol with one feature extractor and one
// comparator. T is the template type (for fingerprints, what the extractor
// returns, e.g. *minutiae.Template).
//
// Every sample is extracted exactly once, then every pair is compared; both
// stages run on Workers goroutines. Results are stored by index, so the
// scores come out in the order of the pairs whatever the scheduling: two
// runs with deterministic Extract and Compare give identical scores.
type Evaluator[T any] struct {
	// Extract makes the template of the image at path. An error is a
	// failure to enrol (FTE): the sample is kept in the protocol and every
	// comparison involving it gets FailureScore, as in FVC. Extract must be
	// safe for concurrent use.
	Extract func(path string) (T, error)
	// Compare returns the similarity of two templates, higher = more alike.
	// It must be safe for concurrent use and must not return NaN (the run
	// stops with an error: a comparison without a number is a bug to fix,
	// not a score to rank).
	Compare func(probe, candidate T) float64
	// NewCompare, if set, replaces Compare: it is called once per
	// comparison goroutine and returns that goroutine's compare function,
	// which is then never called concurrently. It lets a comparator keep
	// per-goroutine scratch memory or caches — e.g. a minutiae.Matcher for
	// the current probe, rebuilt only when the probe changes (pairs come
	// grouped by probe, in blocks of consecutive pairs per goroutine).
	NewCompare func() func(probe, candidate T) float64
	// Workers is the number of goroutines per stage; ≤ 0 means
	// runtime.GOMAXPROCS(0), i.e. every core.
	Workers int
	// FailureScore is the score of a comparison involving a failure to
	// enrol. The zero value follows FVC ("a failure to enrol counts as
	// score 0 against everything"), which assumes scores ≥ 0; a comparator
	// with negative scores should set it to its lowest score or -Inf.
	FailureScore float64
	// Progress, if set, is called with the stage ("extract" or
	// "compare"), the number of items done and the total. Calls are
	// serialised and done only grows, but they come from worker
	// goroutines, so it should be quick.
	Progress func(stage string, done, total int)
}

// EnrolFailure is one sample whose extraction failed.
type EnrolFailure struct {
	Sample int // index into the sample list
	Err    error
}

// Scores is the outcome of [Evaluator.Run].
type Scores struct {
	Samples  []Sample
	Pairs    []Pair
	Scores   []float64 // Scores[k] belongs to Pairs[k]
	Enrolled []bool    // Enrolled[i]: sample i was extracted
	// Failures lists the failures to enrol in sample order.
	Failures []EnrolFailure
}

// Split returns the genuine and impostor scores of the pairs kept by keep
// (all pairs when keep is nil), in pair order.
func (s *Scores) Split(keep func(Pair) bool) (genuine, impostor []float64) {
	for k, p := range s.Pairs {
		if keep != nil && !keep(p) {
			continue
		}
		if p.Genuine {
			genuine = append(genuine, s.Scores[k])
		} else {
			impostor = append(impostor, s.Scores[k])
		}
	}
	return genuine, impostor
}

// Run extracts every sample and compares every pair. It fails when Extract
// or Compare is nil, when a pair indexes outside samples, when Compare
// returns NaN, when Extract or Compare panics (the panic is recovered and
// returned as an error naming the file, so one bad image does not take the
// whole process down) or when ctx is cancelled. Failures to enrol are not
// errors: they are reported in Scores.Failures.
func (e *Evaluator[T]) Run(ctx context.Context, samples []Sample, pairs []Pair) (*Scores, error) {
	if e.Extract == nil || (e.Compare == nil && e.NewCompare == nil) {
		return nil, errors.New("bench: evaluator needs Extract and Compare (or NewCompare)")
	}
	newCompare := e.NewCompare
	if newCompare == nil {
		newCompare = func() func(probe, candidate T) float64 { return e.Compare }
	}
	for k, p := range pairs {
		if !validPair(p, len(samples)) {
			return nil, fmt.Errorf("bench: pair %d (%d, %d) is outside the %d samples", k, p.Probe, p.Candidate, len(samples))
		}
	}
	res := &Scores{
		Samples:  samples,
		Pairs:    pairs,
		Scores:   make([]float64, len(pairs)),
		Enrolled: make([]bool, len(samples)),
	}
	templates := make([]T, len(samples))
	errs := make([]error, len(samples))
	extract := func(i int) error {
		t, err := e.Extract(samples[i].Path)
		if err != nil {
			errs[i] = err
			return nil
		}
		templates[i], res.Enrolled[i] = t, true
		return nil
	}
	err := parallelFor(ctx, len(samples), e.Workers, 1, func() func(int) error { return extract },
		e.progress("extract", len(samples)), func(i int) string { return samples[i].Path })
	if err != nil {
		return nil, fmt.Errorf("bench: extraction: %w", err)
	}
	for i, err := range errs {
		if err != nil {
			res.Failures = append(res.Failures, EnrolFailure{Sample: i, Err: err})
		}
	}

	// Comparisons are cheap next to extraction: hand them out in blocks to
	// keep the shared counter out of the way.
	err = parallelFor(ctx, len(pairs), e.Workers, 256, func() func(int) error {
		compare := newCompare()
		return func(k int) error {
			p := pairs[k]
			if !res.Enrolled[p.Probe] || !res.Enrolled[p.Candidate] {
				res.Scores[k] = e.FailureScore
				return nil
			}
			if compare == nil {
				return errors.New("NewCompare returned nil")
			}
			s := compare(templates[p.Probe], templates[p.Candidate])
			if math.IsNaN(s) {
				return errors.New("score is NaN")
			}
			res.Scores[k] = s
			return nil
		}
	}, e.progress("compare", len(pairs)), func(k int) string {
		return samples[pairs[k].Probe].Path + " vs " + samples[pairs[k].Candidate].Path
	})
	if err != nil {
		return nil, fmt.Errorf("bench: comparison: %w", err)
	}
	return res, nil
}

func (e *Evaluator[T]) progress(stage string, total int) func(int) {
	if e.Progress == nil {
		return nil
	}
	return func(done int) { e.Progress(stage, done, total) }
}

// parallelFor calls fn(i) for i in [0, n) on workers goroutines, handing
// out indices in blocks of chunk; each goroutine gets its own fn from
// newWorker (called in that goroutine). It stops at the first error or panic
// (named with what(i)) or when ctx is done, and returns the error of the
// lowest index that failed. progress, if not nil, gets the number of
// indices done after each block, serialised.
func parallelFor(ctx context.Context, n, workers, chunk int, newWorker func() func(i int) error,
	progress func(done int), what func(i int) string) error {
	if n == 0 {
		return ctx.Err()
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers > (n+chunk-1)/chunk {
		workers = (n + chunk - 1) / chunk
	}
	var (
		next, done atomic.Int64
		stop       atomic.Bool
		mu         sync.Mutex
		errIndex   = n + 1 // no error yet; a cancelled ctx counts as index n
		firstErr   error
		wg         sync.WaitGroup
	)
	fail := func(i int, err error) {
		stop.Store(true)
		mu.Lock()
		if i < errIndex {
			errIndex, firstErr = i, err
		}
		mu.Unlock()
	}
	call := func(fn func(int) error, i int) (err error) {
		// A panic in a worker goroutine would kill the process; turn it
		// into an error that names the input.
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return fn(i)
	}
	start := func() (fn func(int) error, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic starting a worker: %v", r)
			}
		}()
		return newWorker(), nil
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn, err := start()
			if err != nil {
				fail(0, err)
				return
			}
			for !stop.Load() {
				if err := ctx.Err(); err != nil {
					fail(n, err)
					return
				}
				from := int(next.Add(int64(chunk))) - chunk
				if from >= n {
					return
				}
				end := min(from+chunk, n)
				for i := from; i < end; i++ {
					if err := call(fn, i); err != nil {
						fail(i, fmt.Errorf("%s: %w", what(i), err))
						return
					}
				}
				if progress != nil {
					mu.Lock()
					progress(int(done.Add(int64(end - from))))
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}
