package minutiae

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
)

// XYTOptions selects the conventions of a NIST .xyt file. The format itself
// does not say which it follows.
//
// By default it is read and written as NBIS mindtct writes it with -m1 and
// bozorth3 reads it with -m1: the ANSI INCITS 378 conventions of this
// package (origin top-left, angle counter-clockwise from the x axis, whole
// degrees). With NIST set, it follows mindtct's default output instead: the
// origin is the bottom-left corner, so ImageHeight is needed to convert, and
// the angle points the opposite way (180° from the INCITS 378 angle).
type XYTOptions struct {
	NIST        bool
	ImageHeight int
}

// maxXYTLines bounds how many minutiae a .xyt file may hold; real ones hold
// tens to a few hundred.
const maxXYTLines = 10000

// DecodeXYT reads a .xyt minutiae file: one minutia per line as
// "x y theta" or "x y theta quality". The format has no minutia kind, so
// every minutia is [Other]; it has no image size either.
func DecodeXYT(data []byte, opt XYTOptions) (*Template, error) {
	if opt.NIST && opt.ImageHeight <= 0 {
		return nil, fmt.Errorf("minutiae: xyt: NIST conventions need the image height")
	}
	t := &Template{Minutiae: []Minutia{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	line := 0
	for sc.Scan() {
		line++
		fields := bytes.Fields(sc.Bytes())
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 3 && len(fields) != 4 {
			return nil, fmt.Errorf("minutiae: xyt line %d: %d fields (want x y theta [quality])", line, len(fields))
		}
		var v [4]int
		for i, f := range fields {
			n, err := strconv.Atoi(string(f))
			if err != nil {
				return nil, fmt.Errorf("minutiae: xyt line %d: field %d: %q is not an integer", line, i+1, f)
			}
			v[i] = n
		}
		x, y, theta, q := v[0], v[1], v[2], v[3]
		if opt.NIST {
			y = opt.ImageHeight - y
			theta += 180
		}
		if x < 0 || y < 0 || x > maxCoordinate || y > maxCoordinate {
			return nil, fmt.Errorf("minutiae: xyt line %d: position (%d,%d) out of range", line, x, y)
		}
		if q < 0 || q > 100 {
			return nil, fmt.Errorf("minutiae: xyt line %d: quality %d is not 0–100", line, q)
		}
		if len(t.Minutiae) == maxXYTLines {
			return nil, fmt.Errorf("minutiae: xyt: more than %d minutiae", maxXYTLines)
		}
		t.Minutiae = append(t.Minutiae, Minutia{X: uint16(x), Y: uint16(y), Direction: angleFromWholeDegrees(theta), Quality: uint8(q)})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("minutiae: xyt: %w", err)
	}
	return t, nil
}

// EncodeXYT writes the minutiae of t as "x y theta quality" lines. Kinds are
// lost (the format has none); qualities above 100 (not reported, failed)
// are written as 0.
func EncodeXYT(t *Template, opt XYTOptions) ([]byte, error) {
	if opt.NIST && opt.ImageHeight <= 0 {
		if t.Height == 0 {
			return nil, fmt.Errorf("minutiae: xyt: NIST conventions need the image height")
		}
		opt.ImageHeight = int(t.Height)
	}
	var b bytes.Buffer
	for _, m := range t.Minutiae {
		y, theta := int(m.Y), m.Direction.wholeDegrees()
		if opt.NIST {
			y = opt.ImageHeight - y
			theta = m.Direction.Opposite().wholeDegrees()
		}
		fmt.Fprintf(&b, "%d %d %d %d\n", m.X, y, theta, legacyQuality(m.Quality))
	}
	return b.Bytes(), nil
}

// looksLikeXYT accepts text whose first lines are all 3 or 4 integers.
func looksLikeXYT(data []byte) bool {
	if len(data) == 0 || len(data) > maxXYTLines*40 {
		return false
	}
	lines := 0
	for raw := range bytes.SplitSeq(data, []byte("\n")) {
		f := bytes.Fields(raw)
		if len(f) == 0 {
			continue
		}
		if len(f) != 3 && len(f) != 4 {
			return false
		}
		for _, x := range f {
			if _, err := strconv.Atoi(string(x)); err != nil {
				return false
			}
		}
		lines++
		if lines == 8 {
			break
		}
	}
	return lines > 0
}
