// Package npy reads float32 matrices from NumPy .npy files (format versions
// 1.0, 2.0 and 3.0), the form face-recognition pipelines export embeddings
// in. Only what embeddings need is accepted: little-endian float32 ('<f4'),
// C order, one or two dimensions.
//
// The header is not trusted: its length is bounded, the shape must fit the
// caller's byte limit, and the data are read in steps so that a header
// promising more than the file holds costs at most twice what was read.
package npy

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// MaxHeader bounds the header dictionary (NumPy writes well under 1 KiB).
const MaxHeader = 64 << 10

// ErrFormat is matched (errors.Is) by every rejection of a malformed file.
var ErrFormat = errors.New("npy: malformed file")

// Matrix is a row-major float32 matrix.
type Matrix struct {
	Rows, Cols int
	Data       []float32
}

// Row returns row i (a view, not a copy).
func (m *Matrix) Row(i int) []float32 { return m.Data[i*m.Cols : (i+1)*m.Cols] }

var magic = []byte("\x93NUMPY")

func formatErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrFormat}, args...)...)
}

// ReadFloat32 reads a float32 matrix of at most maxBytes of data. A
// one-dimensional array is one row.
func ReadFloat32(r io.Reader, maxBytes int64) (*Matrix, error) {
	br := bufio.NewReader(r)
	var pre [8]byte
	if _, err := io.ReadFull(br, pre[:]); err != nil {
		return nil, formatErr("no .npy preamble: %v", err)
	}
	if !bytes.Equal(pre[:6], magic) {
		return nil, formatErr("not a .npy file (magic %q)", pre[:6])
	}
	var hlen int
	switch pre[6] {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return nil, formatErr("truncated header length: %v", err)
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return nil, formatErr("truncated header length: %v", err)
		}
		h := binary.LittleEndian.Uint32(b[:])
		if h > MaxHeader {
			return nil, formatErr("header of %d bytes (at most %d)", h, MaxHeader)
		}
		hlen = int(h)
	default:
		return nil, formatErr("format version %d.%d not supported", pre[6], pre[7])
	}
	header := make([]byte, hlen)
	if _, err := io.ReadFull(br, header); err != nil {
		return nil, formatErr("truncated header: %v", err)
	}
	descr, fortran, shape, err := parseHeader(string(header))
	if err != nil {
		return nil, err
	}
	if descr != "<f4" {
		return nil, formatErr("dtype %q, want little-endian float32 ('<f4')", descr)
	}
	if fortran {
		return nil, formatErr("Fortran order not supported")
	}
	m := &Matrix{}
	switch len(shape) {
	case 1:
		m.Rows, m.Cols = 1, shape[0]
	case 2:
		m.Rows, m.Cols = shape[0], shape[1]
	default:
		return nil, formatErr("%d dimensions, want 1 or 2", len(shape))
	}
	if m.Rows == 0 || m.Cols == 0 {
		return m, nil
	}
	if m.Cols > math.MaxInt64/4/m.Rows || int64(m.Rows)*int64(m.Cols)*4 > maxBytes {
		return nil, fmt.Errorf("npy: %d×%d float32 exceeds the limit of %d bytes", m.Rows, m.Cols, maxBytes)
	}
	n := m.Rows * m.Cols
	m.Data = make([]float32, 0, min(n, 1<<18))
	buf := make([]byte, 1<<16)
	for len(m.Data) < n {
		want := min(len(buf), 4*(n-len(m.Data)))
		if _, err := io.ReadFull(br, buf[:want]); err != nil {
			return nil, formatErr("data end after %d of %d values: %v", len(m.Data), n, err)
		}
		for i := 0; i < want; i += 4 {
			m.Data = append(m.Data, math.Float32frombits(binary.LittleEndian.Uint32(buf[i:])))
		}
	}
	return m, nil
}

// parseHeader reads the Python dict literal of the header, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (1435, 512), }.
func parseHeader(h string) (descr string, fortran bool, shape []int, err error) {
	p := &parser{s: strings.TrimRight(h, " \n\x00")}
	if !p.eat('{') {
		return "", false, nil, formatErr("header is not a dict")
	}
	seen := map[string]bool{}
	for {
		p.space()
		if p.eat('}') {
			break
		}
		key, ok := p.str()
		if !ok || !p.eatSpaced(':') {
			return "", false, nil, formatErr("bad header entry at byte %d", p.i)
		}
		if seen[key] {
			return "", false, nil, formatErr("header key %q repeated", key)
		}
		seen[key] = true
		p.space()
		switch key {
		case "descr":
			if descr, ok = p.str(); !ok {
				return "", false, nil, formatErr("descr is not a string")
			}
		case "fortran_order":
			switch {
			case p.word("True"):
				fortran = true
			case p.word("False"):
			default:
				return "", false, nil, formatErr("fortran_order is not a boolean")
			}
		case "shape":
			if shape, ok = p.tuple(); !ok {
				return "", false, nil, formatErr("shape is not a tuple of sizes")
			}
		default:
			return "", false, nil, formatErr("unknown header key %q", key)
		}
		p.space()
		if !p.eat(',') {
			p.space()
			if !p.eat('}') {
				return "", false, nil, formatErr("bad header after %q", key)
			}
			break
		}
	}
	p.space()
	if p.i != len(p.s) {
		return "", false, nil, formatErr("trailing bytes after the header dict")
	}
	if !seen["descr"] || !seen["fortran_order"] || !seen["shape"] {
		return "", false, nil, formatErr("header lacks descr, fortran_order or shape")
	}
	return descr, fortran, shape, nil
}

type parser struct {
	s string
	i int
}

func (p *parser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n') {
		p.i++
	}
}

func (p *parser) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *parser) eatSpaced(c byte) bool {
	p.space()
	return p.eat(c)
}

func (p *parser) word(w string) bool {
	if strings.HasPrefix(p.s[p.i:], w) {
		p.i += len(w)
		return true
	}
	return false
}

func (p *parser) str() (string, bool) {
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", false
	}
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", false
	}
	v := p.s[p.i+1 : p.i+1+end]
	p.i += end + 2
	return v, true
}

// tuple reads (), (n,) or (n, m, ...) of non-negative sizes.
func (p *parser) tuple() ([]int, bool) {
	if !p.eat('(') {
		return nil, false
	}
	var out []int
	for {
		p.space()
		if p.eat(')') {
			return out, true
		}
		start := p.i
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
		v, err := strconv.Atoi(p.s[start:p.i])
		if err != nil || len(out) == 8 {
			return nil, false
		}
		out = append(out, v)
		p.space()
		if !p.eat(',') {
			p.space()
			return out, p.eat(')')
		}
	}
}

// ReadLabels reads one label per line (a trailing newline is optional;
// carriage returns are dropped), as NumPy string arrays are exported.
func ReadLabels(r io.Reader, maxLines int) ([]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), 1<<16)
	var out []string
	for sc.Scan() {
		if len(out) == maxLines {
			return nil, fmt.Errorf("npy: more than %d labels", maxLines)
		}
		out = append(out, strings.TrimRight(sc.Text(), "\r"))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("npy: reading labels: %w", err)
	}
	return out, nil
}
