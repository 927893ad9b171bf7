package jpeg2000

// tagTree is the decoder side of a tag tree (B.10.2): a quad-tree of
// lower bounds whose leaves are the values of a grid of code-blocks.
type tagTree struct {
	w, h  []int // per level, leaves first
	off   []int
	value []int32
	known []bool
}

func newTagTree(w, h int) *tagTree {
	t := &tagTree{}
	n := 0
	for {
		t.w = append(t.w, w)
		t.h = append(t.h, h)
		t.off = append(t.off, n)
		n += w * h
		if w <= 1 && h <= 1 {
			break
		}
		w, h = (w+1)/2, (h+1)/2
	}
	t.value = make([]int32, n)
	t.known = make([]bool, n)
	return t
}

// decode reads bits until it knows whether leaf (x, y) is below threshold;
// it returns whether it is. The leaf's value is then t.leaf(x, y).
func (t *tagTree) decode(br *bitReader, x, y int, threshold int32) (bool, error) {
	var low int32
	var i int
	for l := len(t.w) - 1; l >= 0; l-- {
		i = t.off[l] + (y>>l)*t.w[l] + x>>l
		if t.value[i] < low {
			t.value[i] = low
		}
		for !t.known[i] && t.value[i] < threshold {
			b, err := br.bit()
			if err != nil {
				return false, err
			}
			if b == 1 {
				t.known[i] = true
			} else {
				t.value[i]++
			}
		}
		low = t.value[i]
	}
	return t.known[i] && t.value[i] < threshold, nil
}

// bitReader reads packet headers: bits most significant first, with a
// stuffed zero bit after every 0xFF byte (B.10.1).
type bitReader struct {
	data []byte
	pos  int
	c    byte
	ct   int
	prev byte
}

func (r *bitReader) bit() (int, error) {
	if r.ct == 0 {
		if r.pos >= len(r.data) {
			return 0, formatErr("packet header runs past the end of the tile data")
		}
		r.c = r.data[r.pos]
		r.pos++
		if r.prev == 0xFF {
			r.ct = 7
		} else {
			r.ct = 8
		}
		r.prev = r.c
	}
	r.ct--
	return int(r.c>>r.ct) & 1, nil
}

func (r *bitReader) bits(n int) (int, error) {
	v := 0
	for range n {
		b, err := r.bit()
		if err != nil {
			return 0, err
		}
		v = v<<1 | b
	}
	return v, nil
}

// align ends the header: the rest of the byte is padding, and a final
// 0xFF byte is followed by a stuffed byte.
func (r *bitReader) align() {
	r.ct = 0
	if r.prev == 0xFF {
		r.pos++
		r.prev = 0
	}
}
