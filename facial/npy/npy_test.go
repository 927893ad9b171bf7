package npy

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbms/bms/internal/shareddata"
)

// encode writes an .npy file the way numpy.save does: header padded with
// spaces to a multiple of 64 bytes, ending in a newline.
func encode(version byte, header string, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x93NUMPY")
	b.WriteByte(version)
	b.WriteByte(0)
	lenBytes := 2
	if version > 1 {
		lenBytes = 4
	}
	total := 8 + lenBytes + len(header) + 1
	pad := (64 - total%64) % 64
	h := header + strings.Repeat(" ", pad) + "\n"
	if version == 1 {
		binary.Write(&b, binary.LittleEndian, uint16(len(h)))
	} else {
		binary.Write(&b, binary.LittleEndian, uint32(len(h)))
	}
	b.WriteString(h)
	b.Write(data)
	return b.Bytes()
}

func floats(v ...float32) []byte {
	out := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(x))
	}
	return out
}

func TestReadFloat32(t *testing.T) {
	data := floats(1, 2, 3, 4, 5, 6)
	for _, version := range []byte{1, 2, 3} {
		for _, header := range []string{
			"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
			`{"shape": (2,3), "fortran_order": False, "descr": "<f4"}`,
		} {
			m, err := ReadFloat32(bytes.NewReader(encode(version, header, data)), 1<<20)
			require.NoError(t, err, "version %d %s", version, header)
			assert.Equal(t, 2, m.Rows)
			assert.Equal(t, 3, m.Cols)
			assert.Equal(t, []float32{4, 5, 6}, m.Row(1))
		}
	}
	m, err := ReadFloat32(bytes.NewReader(encode(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", floats(7, 8, 9))), 1<<20)
	require.NoError(t, err)
	assert.Equal(t, []float32{7, 8, 9}, m.Row(0))
	m, err = ReadFloat32(bytes.NewReader(encode(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 512), }", nil)), 1<<20)
	require.NoError(t, err)
	assert.Equal(t, 0, m.Rows)
}

func TestReadFloat32Rejects(t *testing.T) {
	good := "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }"
	data := floats(1, 2, 3, 4)
	cases := map[string][]byte{
		"empty":           nil,
		"not npy":         []byte("PK\x03\x04 this is a zip file"),
		"version 4":       append([]byte("\x93NUMPY\x04\x00"), make([]byte, 100)...),
		"float64":         encode(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", data),
		"big-endian":      encode(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }", data),
		"fortran":         encode(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", data),
		"3-d":             encode(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 2), }", data),
		"scalar":          encode(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", data),
		"truncated data":  encode(1, good, data[:10]),
		"missing key":     encode(1, "{'descr': '<f4', 'shape': (2, 2), }", data),
		"unknown key":     encode(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), 'x': 1}", data),
		"repeated key":    encode(1, "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 2)}", data),
		"negative shape":  encode(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 2), }", data),
		"huge shape":      encode(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999), }", data),
		"overflow shape":  encode(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (999999999999999999999, 2), }", data),
		"bad literal":     encode(1, "{'descr': <f4, 'fortran_order': False, 'shape': (2, 2), }", data),
		"trailing":        encode(1, good+" junk", data),
		"long v2 header":  append([]byte("\x93NUMPY\x02\x00\xff\xff\xff\x7f"), make([]byte, 10)...),
		"truncated head":  encode(1, good, data)[:40],
		"not a dict":      encode(1, "['descr']", data),
		"bool misspelled": encode(1, "{'descr': '<f4', 'fortran_order': false, 'shape': (2, 2), }", data),
	}
	for name, file := range cases {
		_, err := ReadFloat32(bytes.NewReader(file), 1<<20)
		assert.Error(t, err, name)
	}
	_, err := ReadFloat32(bytes.NewReader(encode(1, good, data)), 15)
	assert.ErrorContains(t, err, "exceeds the limit", "the byte limit is checked before reading")
}

func TestReadLabels(t *testing.T) {
	l, err := ReadLabels(strings.NewReader("Ann\r\nBob\nAnn"), 10)
	require.NoError(t, err)
	assert.Equal(t, []string{"Ann", "Bob", "Ann"}, l)
	_, err = ReadLabels(strings.NewReader("a\nb\nc\n"), 2)
	assert.Error(t, err)
	_, err = ReadLabels(strings.NewReader(strings.Repeat("x", 1<<17)), 2)
	assert.Error(t, err, "a line longer than any name")
}

func TestReadsLFWFaceNet(t *testing.T) {
	dir := shareddata.Require(t, "face", "lfw-facenet")
	f, err := os.Open(dir + "/lfw_embeddings.npy")
	require.NoError(t, err)
	defer f.Close()
	m, err := ReadFloat32(f, 1<<30)
	require.NoError(t, err)
	assert.Equal(t, 1435, m.Rows)
	assert.Equal(t, 512, m.Cols)
	var norm float64
	for _, x := range m.Row(0) {
		norm += float64(x) * float64(x)
	}
	assert.InDelta(t, 1, norm, 1e-3, "the embeddings are unit length")
}

// FuzzReadFloat32 checks that no file makes the reader panic or allocate
// beyond its limit, and that what it accepts is consistent.
//
//	go test -run '^$' -fuzz FuzzReadFloat32 -fuzztime 60s ./facial/npy/
func FuzzReadFloat32(f *testing.F) {
	f.Add(encode(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", floats(1, 2, 3, 4)))
	f.Add(encode(2, `{"descr": "<f4", "fortran_order": False, "shape": (3,)}`, floats(1, 2, 3)))
	f.Add(encode(3, "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 512), }", floats(1)))
	f.Add([]byte("\x93NUMPY\x01\x00"))
	f.Fuzz(func(t *testing.T, file []byte) {
		m, err := ReadFloat32(bytes.NewReader(file), 1<<16)
		if err != nil {
			return
		}
		if len(m.Data) != m.Rows*m.Cols {
			t.Fatalf("%d values for %d×%d", len(m.Data), m.Rows, m.Cols)
		}
		if 4*len(m.Data) > len(file) {
			t.Fatalf("%d values from a file of %d bytes", len(m.Data), len(file))
		}
	})
}

func FuzzReadLabels(f *testing.F) {
	f.Add([]byte("a\nb\r\n"))
	f.Fuzz(func(t *testing.T, file []byte) {
		l, err := ReadLabels(bytes.NewReader(file), 100)
		if err == nil && len(l) > 100 {
			t.Fatal("more labels than the limit")
		}
	})
}
