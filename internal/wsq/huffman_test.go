package wsq

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bitsToBytes packs a string of '0'/'1' (spaces ignored) MSB first, padding
// the last byte with ones, and stuffs a zero after every 0xff.
func bitsToBytes(s string) []byte {
	s = strings.ReplaceAll(s, " ", "")
	for len(s)%8 != 0 {
		s += "1"
	}
	var out []byte
	for i := 0; i < len(s); i += 8 {
		var b byte
		for _, c := range s[i : i+8] {
			b = b<<1 | byte(c-'0')
		}
		out = append(out, b)
		if b == 0xff {
			out = append(out, 0)
		}
	}
	return out
}

func mustTable(t *testing.T, counts map[int]int, vals ...byte) *huffTable {
	t.Helper()
	var c [16]uint8
	for l, n := range counts {
		c[l-1] = uint8(n)
	}
	h, err := newHuffTable(c, vals)
	require.NoError(t, err)
	return h
}

func TestHuffmanCanonicalCodes(t *testing.T) {
	// Lengths 2,2,3,3,4 give codes 00, 01, 100, 101, 1100.
	h := mustTable(t, map[int]int{2: 2, 3: 2, 4: 1}, 'a', 'b', 'c', 'd', 'e')
	assert.Equal(t, int32(1), h.maxCode[2])
	assert.Equal(t, int32(4), h.minCode[3])
	assert.Equal(t, int32(5), h.maxCode[3])
	assert.Equal(t, int32(12), h.minCode[4])
	assert.Equal(t, int32(-1), h.maxCode[1])

	data := append(bitsToBytes("00 01 100 101 1100 1100 101 100 01 00"), 0xff, 0xa1)
	br := bitReader{data: data}
	var got []byte
	for {
		sym, m, err := h.decode(&br)
		require.NoError(t, err)
		if m != 0 {
			assert.Equal(t, uint16(markerEOI), m)
			break
		}
		got = append(got, byte(sym))
	}
	assert.Equal(t, "abcdeedcba", string(got))
	assert.Equal(t, len(data), br.pos, "reader stops just past the marker")
}

// Codes longer than the lookup table take the bit-serial path, including
// when fewer than lutBits bits remain before a marker.
func TestHuffmanLongCodes(t *testing.T) {
	// One 1-bit code, then codes of 10 and 16 bits.
	h := mustTable(t, map[int]int{1: 1, 10: 3, 16: 2}, 1, 2, 3, 4, 5, 6)
	// Codes: 1:"0"; 10: 1000000000, 1000000001, 1000000010;
	// 16: 1000000011000000, 1000000011000001.
	bits := "0 1000000000 1000000010 1000000011000001 0 1000000011000000 0"
	data := append(bitsToBytes(bits), 0xff, 0xa3)
	br := bitReader{data: data}
	var got []int
	for {
		sym, m, err := h.decode(&br)
		require.NoError(t, err)
		if m != 0 {
			assert.Equal(t, uint16(markerSOB), m)
			break
		}
		got = append(got, sym)
	}
	assert.Equal(t, []int{1, 2, 4, 6, 1, 5, 1}, got)
}

func TestHuffmanInvalidCode(t *testing.T) {
	h := mustTable(t, map[int]int{2: 1}, 7) // only "00"
	br := bitReader{data: bitsToBytes("01111111 11111111 11111111")}
	_, _, err := h.decode(&br)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "invalid Huffman code")
}

func TestHuffmanTruncated(t *testing.T) {
	h := mustTable(t, map[int]int{4: 1}, 7) // only "0000"
	br := bitReader{data: []byte{0x0f}}     // "0000" then padding ones
	sym, m, err := h.decode(&br)
	require.NoError(t, err)
	assert.Zero(t, m)
	assert.Equal(t, 7, sym)
	_, _, err = h.decode(&br)
	assert.ErrorIs(t, err, errTruncated)
}

func TestHuffmanTableValidation(t *testing.T) {
	var c [16]uint8
	_, err := newHuffTable(c, nil)
	assert.Error(t, err, "no codes")

	c[0] = 3 // three 1-bit codes
	_, err = newHuffTable(c, []byte{1, 2, 3})
	assert.Error(t, err, "over-subscribed")

	c = [16]uint8{}
	c[0] = 2 // complete 1-bit code: allowed
	_, err = newHuffTable(c, []byte{1, 2})
	assert.NoError(t, err)
	_, err = newHuffTable(c, []byte{1})
	assert.Error(t, err, "count/value mismatch")

	c = [16]uint8{}
	c[15] = 255 // 255 16-bit codes fit
	vals := make([]byte, 255)
	_, err = newHuffTable(c, vals)
	assert.NoError(t, err)

	// 2 one-bit codes leave no room for more.
	c = [16]uint8{}
	c[0], c[15] = 2, 1
	_, err = newHuffTable(c, []byte{1, 2, 3})
	assert.Error(t, err)
}

func TestBitReaderStuffingAndMarkers(t *testing.T) {
	br := bitReader{data: []byte{0xff, 0x00, 0x81, 0xff, 0xb3, 0x55}}
	v, err := br.bits(12)
	require.NoError(t, err)
	assert.Equal(t, uint32(0xff8), v, "stuffed 0xff is data")
	v, err = br.bits(4)
	require.NoError(t, err)
	assert.Equal(t, uint32(0x1), v)
	_, err = br.bits(1)
	require.Error(t, err, "a raw field cannot span a marker")
	assert.Equal(t, uint16(0xffb3), br.marker)
	assert.Equal(t, 5, br.pos)

	br = bitReader{data: []byte{0xab}}
	_, err = br.bits(16)
	assert.ErrorIs(t, err, errTruncated)
}

func TestRestartMarkerRealigns(t *testing.T) {
	h := mustTable(t, map[int]int{2: 2, 3: 2, 4: 1}, 'a', 'b', 'c', 'd', 'e')
	// "a" then padding, RST0, then "e".
	data := append(bitsToBytes("00"), 0xff, 0xb0)
	data = append(data, bitsToBytes("1100")...)
	data = append(data, 0xff, 0xa1)
	br := bitReader{data: data}
	sym, m, err := h.decode(&br)
	require.NoError(t, err)
	require.Zero(t, m)
	assert.Equal(t, 'a', rune(sym))
	_, m, err = h.decode(&br)
	require.NoError(t, err)
	assert.Equal(t, uint16(markerRST), m)
	br.restart()
	sym, m, err = h.decode(&br)
	require.NoError(t, err)
	require.Zero(t, m)
	assert.Equal(t, 'e', rune(sym))
}
