package wsq

import (
	"errors"
	"fmt"
)

// huffTable is a canonical Huffman code in the JPEG style: codes of each
// length are consecutive integers, and the first code of a length follows
// the last code of the previous length shifted left.
type huffTable struct {
	maxCode [17]int32 // largest code of each length, -1 if none
	minCode [17]int32 // smallest code of each length
	valPtr  [17]int32 // index in vals of the value of minCode
	vals    []byte
	// lut decodes codes of up to lutBits bits in one step, indexed by the
	// next lutBits bits of input; entries with n == 0 need the slow path.
	lut [1 << lutBits]struct{ n, sym uint8 }
}

const lutBits = 8

// newHuffTable builds the decoding tables from the 16 per-length code
// counts and the symbol values in code order.
func newHuffTable(counts [16]uint8, vals []byte) (*huffTable, error) {
	t := &huffTable{vals: append([]byte(nil), vals...)}
	total := 0
	for _, c := range counts {
		total += int(c)
	}
	if total == 0 {
		return nil, errors.New("wsq: Huffman table defines no codes")
	}
	if total != len(vals) {
		return nil, fmt.Errorf("wsq: Huffman table has %d counts but %d values", total, len(vals))
	}
	code, k := int32(0), int32(0)
	for l := 1; l <= 16; l++ {
		c := int32(counts[l-1])
		if c == 0 {
			t.maxCode[l] = -1
		} else {
			t.valPtr[l] = k
			t.minCode[l] = code
			code += c
			k += c
			t.maxCode[l] = code - 1
			// More codes than l bits can hold would need codes longer
			// than 16 bits or make prefixes ambiguous.
			if code > 1<<l {
				return nil, fmt.Errorf("wsq: Huffman code lengths over-subscribed at %d bits", l)
			}
		}
		code <<= 1
	}
	for l := 1; l <= lutBits; l++ {
		for c := t.minCode[l]; c <= t.maxCode[l]; c++ {
			sym := t.vals[t.valPtr[l]+c-t.minCode[l]]
			shift := lutBits - l
			for j := c << shift; j < (c+1)<<shift; j++ {
				t.lut[j].n, t.lut[j].sym = uint8(l), sym
			}
		}
	}
	return t, nil
}

// decode reads one symbol. If the coded data ends in a marker first, the
// marker is returned with sym undefined; any partial code before it is
// padding and is dropped. That is the only way a block ends.
func (t *huffTable) decode(br *bitReader) (sym int, marker uint16, err error) {
	if br.nbits < 16 {
		br.fill()
	}
	var code int32
	l := 1
	if br.nbits >= lutBits {
		peek := (br.acc >> (br.nbits - lutBits)) & (1<<lutBits - 1)
		if e := t.lut[peek]; e.n != 0 {
			br.nbits -= uint(e.n)
			return int(e.sym), 0, nil
		}
		// No code of lutBits bits or fewer matches; carry on from there.
		code = int32(peek)
		br.nbits -= lutBits
		l = lutBits + 1
	}
	for ; l <= 16; l++ {
		if br.nbits == 0 {
			br.fill()
			if br.nbits == 0 {
				if br.marker != 0 {
					m := br.marker
					br.marker = 0
					return 0, m, nil
				}
				return 0, 0, errTruncated
			}
		}
		br.nbits--
		code = code<<1 | int32(br.acc>>br.nbits&1)
		if l > lutBits || code <= t.maxCode[l] {
			if code <= t.maxCode[l] {
				// For a prefix that matched no shorter code,
				// code >= minCode[l] holds by construction; the check
				// below is belt and braces.
				i := t.valPtr[l] + code - t.minCode[l]
				if i < 0 || int(i) >= len(t.vals) {
					break
				}
				return int(t.vals[i]), 0, nil
			}
		}
	}
	return 0, 0, fmt.Errorf("wsq: invalid Huffman code near offset %d", br.pos)
}

// bitReader reads entropy-coded data MSB first. A 0xff data byte is
// followed by a stuffed 0x00; 0xff followed by anything else is a marker,
// which ends the data: bits are buffered up to it and no further.
type bitReader struct {
	data   []byte
	pos    int    // next byte to load; just past the marker once one is found
	acc    uint64 // buffered bits, right-aligned; only the low nbits matter
	nbits  uint
	marker uint16 // marker met by fill, pending until the bits run out
}

// fill buffers whole bytes until the accumulator is nearly full or a marker
// or the end of data is reached.
func (br *bitReader) fill() {
	for br.nbits <= 56 && br.marker == 0 && br.pos < len(br.data) {
		b := br.data[br.pos]
		if b == 0xff {
			if br.pos+1 >= len(br.data) {
				return
			}
			if b2 := br.data[br.pos+1]; b2 != 0 {
				br.marker = 0xff00 | uint16(b2)
				br.pos += 2
				return
			}
			br.pos++
		}
		br.pos++
		br.acc = br.acc<<8 | uint64(b)
		br.nbits += 8
	}
}

// restart drops the padding bits before a restart marker so decoding
// resumes on the byte boundary after it.
func (br *bitReader) restart() {
	br.nbits = 0
}

// bits reads an n-bit (n <= 16) raw field following an escape symbol. A
// marker before n bits means the field was cut short.
func (br *bitReader) bits(n uint) (uint32, error) {
	if br.nbits < n {
		br.fill()
		if br.nbits < n {
			if br.marker != 0 {
				return 0, fmt.Errorf("wsq: %s marker inside coefficient data at offset %d", markerName(br.marker), br.pos-2)
			}
			return 0, errTruncated
		}
	}
	br.nbits -= n
	return uint32(br.acc>>br.nbits) & (1<<n - 1), nil
}
