package index

import "sort"

// Hit is one scored candidate of a search: a dense gallery ID and its score.
type Hit struct {
	ID    uint32
	Score float32
}

// better orders hits: higher score first, then lower ID, so that results are
// deterministic whatever the order the scan visits candidates in.
func better(a, b Hit) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return a.ID < b.ID
}

// TopK keeps the k best hits seen so far in a min-heap of fixed capacity: a
// push costs one comparison when the hit cannot enter, O(log k) otherwise,
// and nothing is allocated after NewTopK.
type TopK struct {
	k    int
	heap []Hit // heap[0] is the worst kept hit
}

// NewTopK returns an empty selection of at most k hits (k < 1 keeps none).
func NewTopK(k int) *TopK {
	if k < 0 {
		k = 0
	}
	return &TopK{k: k, heap: make([]Hit, 0, k)}
}

// Reset empties the selection, keeping its capacity.
func (t *TopK) Reset() { t.heap = t.heap[:0] }

// K is the capacity of the selection.
func (t *TopK) K() int { return t.k }

// Len is the number of hits kept.
func (t *TopK) Len() int { return len(t.heap) }

// Full reports whether k hits are kept, after which Floor is meaningful.
func (t *TopK) Full() bool { return len(t.heap) == t.k }

// Floor is the score of the worst kept hit; a full selection admits only
// hits that beat it. Kernels use it to skip work on hopeless candidates.
func (t *TopK) Floor() float32 {
	if len(t.heap) == 0 {
		return 0
	}
	return t.heap[0].Score
}

// Push offers a hit and reports whether it was kept.
func (t *TopK) Push(id uint32, score float32) bool {
	h := Hit{ID: id, Score: score}
	if len(t.heap) < t.k {
		t.heap = append(t.heap, h)
		t.up(len(t.heap) - 1)
		return true
	}
	if t.k == 0 || !better(h, t.heap[0]) {
		return false
	}
	t.heap[0] = h
	t.down(0)
	return true
}

// Merge offers every hit of other, as when the workers of a sharded scan
// combine their selections.
func (t *TopK) Merge(other *TopK) {
	for _, h := range other.heap {
		t.Push(h.ID, h.Score)
	}
}

// Results returns the kept hits, best first, in a new slice.
func (t *TopK) Results() []Hit {
	out := make([]Hit, len(t.heap))
	copy(out, t.heap)
	sort.Slice(out, func(i, j int) bool { return better(out[i], out[j]) })
	return out
}

func (t *TopK) up(i int) {
	h := t.heap
	for i > 0 {
		p := (i - 1) / 2
		if !better(h[p], h[i]) { // parent is worse or equal: heap order holds
			break
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func (t *TopK) down(i int) {
	h := t.heap
	n := len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		w := l
		if r := l + 1; r < n && better(h[l], h[r]) {
			w = r
		}
		if !better(h[i], h[w]) {
			return
		}
		h[i], h[w] = h[w], h[i]
		i = w
	}
}
