package wsq

// rect is a region of the coefficient plane, which has the image's size.
type rect struct{ x, y, w, h int }

// Quadrant positions within a split region.
const (
	qTL = iota // low x, low y
	qTR        // high x, low y
	qBL        // low x, high y
	qBR        // high x, high y
)

// splitNode describes one two-dimensional synthesis step: a region whose
// four quadrants are the low/high subbands along x and along y. invX and
// invY mark spectral inversion: the highpass half comes first along that
// axis (it occupies the low-coordinate side) and, for odd lengths, gets the
// smaller share.
type splitNode struct {
	r          rect
	invX, invY bool
}

// quadrant returns quadrant q of n. The lowpass half of an odd length gets
// the extra sample.
func (n splitNode) quadrant(q int) splitNode {
	wFirst := (n.r.w + 1) / 2
	if n.invX {
		wFirst = n.r.w / 2
	}
	hFirst := (n.r.h + 1) / 2
	if n.invY {
		hFirst = n.r.h / 2
	}
	c := splitNode{r: n.r}
	if q == qTR || q == qBR {
		c.r.x += wFirst
		c.r.w -= wFirst
		c.invX = true
	} else {
		c.r.w = wFirst
	}
	if q == qBL || q == qBR {
		c.r.y += hFirst
		c.r.h -= hFirst
		c.invY = true
	} else {
		c.r.h = hFirst
	}
	return c
}

// The fixed WSQ decomposition (the specification's 20-node transform tree
// and 64-subband quantisation tree). Quadrants alternate their inversion
// flags, so every quadrant's flags follow from its position: TL none, TR x,
// BL y, BR both. Entries are {parent node, quadrant}; parents always have
// lower indices than their children.
var nodeParents = [20][2]int{
	0:  {-1, 0},
	1:  {0, qTL},
	2:  {0, qTR},
	3:  {0, qBL},
	4:  {1, qTR},
	5:  {1, qBL},
	6:  {4, qTL},
	7:  {4, qTR},
	8:  {4, qBL},
	9:  {4, qBR},
	10: {5, qTL},
	11: {5, qTR},
	12: {5, qBL},
	13: {5, qBR},
	14: {1, qTL},
	15: {14, qTL},
	16: {14, qTR},
	17: {14, qBL},
	18: {14, qBR},
	19: {15, qTL},
}

// subbandParents places the 60 coded subbands, in stream order. The four
// subbands under the root's BR quadrant (60-63) are never coded, so that
// quadrant reconstructs from zeros.
var subbandParents = func() [codedSubbands][2]int {
	var p [codedSubbands][2]int
	four := func(first, node int) {
		for q := range 4 {
			p[first+q] = [2]int{node, q}
		}
	}
	four(0, 19)
	p[4], p[5], p[6] = [2]int{15, qTR}, [2]int{15, qBL}, [2]int{15, qBR}
	for i, node := range []int{16, 17, 18, 6, 7, 8, 9, 10, 11, 12, 13} {
		four(7+4*i, node)
	}
	p[51] = [2]int{1, qBR}
	four(52, 2)
	four(56, 3)
	return p
}()

// geometry is the decomposition laid out for one image size.
type geometry struct {
	nodes [20]splitNode
	bands [codedSubbands]rect
}

func newGeometry(width, height int) *geometry {
	g := &geometry{}
	g.nodes[0] = splitNode{r: rect{0, 0, width, height}}
	for i := 1; i < len(g.nodes); i++ {
		p := nodeParents[i]
		g.nodes[i] = g.nodes[p[0]].quadrant(p[1])
	}
	for i, p := range subbandParents {
		g.bands[i] = g.nodes[p[0]].quadrant(p[1]).r
	}
	return g
}

// codedCapacity is the number of coefficients the coded subbands can hold,
// the most any valid stream can carry whatever its quantisation table.
func (g *geometry) codedCapacity() int {
	n := 0
	for _, b := range g.bands {
		n += b.w * b.h
	}
	return n
}
