package jpeg2000

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

func box(typ string, body ...[]byte) []byte {
	b := bytes.Join(body, nil)
	out := binary.BigEndian.AppendUint32(nil, uint32(8+len(b)))
	return append(append(out, typ...), b...)
}

// wrapJP2 puts a codestream in a minimal JP2 file.
func wrapJP2(cs []byte, w, h int, variant string) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(h))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(w))
	ihdr = append(ihdr, 0, 1, 7, 7, 0, 0)
	colr := []byte{1, 0, 0, 0, 0, 0, 17}
	file := append([]byte(nil), jp2Signature...)
	file = append(file, box("ftyp", []byte("jp2 \x00\x00\x00\x00jp2 "))...)
	file = append(file, box("jp2h", box("ihdr", ihdr), box("colr", colr))...)
	switch variant {
	case "xl": // extended length
		b := binary.BigEndian.AppendUint32(nil, 1)
		b = append(b, "jp2c"...)
		b = binary.BigEndian.AppendUint64(b, uint64(16+len(cs)))
		file = append(file, append(b, cs...)...)
	case "zero": // to the end of the file
		b := binary.BigEndian.AppendUint32(nil, 0)
		file = append(file, append(append(b, "jp2c"...), cs...)...)
	default:
		file = append(file, box("jp2c", cs)...)
	}
	return file
}

func TestDecodeConfig(t *testing.T) {
	img := testImage("ridges", 129, 77, 1)
	cs := encode(t, img, encParams{levels: 4, layers: 3, order: PCRL, x0: 5, y0: 6, tw: 64, th: 64, tx0: 1, ty0: 2})
	cfg, err := DecodeConfig(cs)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{Width: 129, Height: 77, Components: 1, BitDepth: 8, Reversible: true, Levels: 4, Layers: 3,
		Progression: PCRL, TilesX: 3, TilesY: 2}
	if cfg != want {
		t.Errorf("got %+v\nwant %+v", cfg, want)
	}
}

func TestJP2Wrapper(t *testing.T) {
	img := testImage("ridges", 40, 30, 1)
	cs := encode(t, img, encParams{levels: 2})
	for _, variant := range []string{"", "xl", "zero"} {
		file := wrapJP2(cs, 40, 30, variant)
		cfg, err := DecodeConfig(file)
		if err != nil || cfg.Width != 40 || cfg.Height != 30 {
			t.Fatalf("%q: config %+v, %v", variant, cfg, err)
		}
		got, err := Decode(file)
		if err != nil {
			t.Fatalf("%q: %v", variant, err)
		}
		if !bytes.Equal(got.Pix, img.Pix) {
			t.Errorf("%q: pixels differ", variant)
		}
	}
}

// patch returns a copy of data with the bytes at off replaced.
func patch(data []byte, off int, b ...byte) []byte {
	out := append([]byte(nil), data...)
	copy(out[off:], b)
	return out
}

// header builds a main header with the given SIZ fields and COD/QCD.
func mainHeader(w, h, tw, th uint32, ncomp int, ssiz byte, cod []byte) []byte {
	var out []byte
	out = binary.BigEndian.AppendUint16(out, mSOC)
	siz := binary.BigEndian.AppendUint16(nil, 0)
	for _, v := range []uint32{w, h, 0, 0, tw, th, 0, 0} {
		siz = binary.BigEndian.AppendUint32(siz, v)
	}
	siz = binary.BigEndian.AppendUint16(siz, uint16(ncomp))
	for range ncomp {
		siz = append(siz, ssiz, 1, 1)
	}
	seg := func(m int, body []byte) {
		out = binary.BigEndian.AppendUint16(out, uint16(m))
		out = binary.BigEndian.AppendUint16(out, uint16(len(body)+2))
		out = append(out, body...)
	}
	seg(mSIZ, siz)
	seg(mCOD, cod)
	seg(mQCD, []byte{0x40, 0x40, 0x48, 0x48, 0x50})
	return out
}

func TestErrors(t *testing.T) {
	img := testImage("ridges", 33, 21, 1)
	good := encode(t, img, encParams{levels: 1})
	okCOD := []byte{0, 0, 0, 1, 0, 1, 4, 4, 0, 1}
	sot := []byte{0xFF, 0x90, 0, 10, 0, 0, 0, 0, 0, 14, 0, 1, 0xFF, 0x93, 0xFF, 0xD9}
	withSOT := func(h []byte) []byte { return append(h, sot...) }
	// Offsets in good: SOC 0, SIZ 2 (Lsiz 4, Xsiz 8 …, Csiz 40, Ssiz 42), COD at 45.
	codAt := 2 + 2 + 38 + 3
	cases := []struct {
		name string
		data []byte
		want string
		is   error
	}{
		{"empty", nil, "neither", ErrFormat},
		{"garbage", []byte("hello, world"), "neither", ErrFormat},
		{"soc only", []byte{0xFF, 0x4F}, "SOC", ErrFormat},
		{"no siz", []byte{0xFF, 0x4F, 0xFF, 0x52, 0, 2}, "SIZ", ErrFormat},
		{"truncated siz", good[:20], "length", ErrFormat},
		{"zero components", patch(good, 40, 0, 0), "components", ErrFormat},
		{"empty image", patch(good, 8, 0, 0, 0, 0), "empty", ErrFormat},
		{"too many pixels", withSOT(mainHeader(70000, 70000, 70000, 70000, 1, 7, okCOD)), "exceeds", ErrFormat},
		{"too many tiles", withSOT(mainHeader(1000, 1000, 1, 1, 1, 7, okCOD)), "tiles", ErrFormat},
		{"signed", withSOT(mainHeader(8, 8, 8, 8, 1, 0x87, okCOD)), "signed", ErrUnsupported},
		{"17 bits", withSOT(mainHeader(8, 8, 8, 8, 1, 16, okCOD)), "17-bit", ErrUnsupported},
		{"levels 33", withSOT(mainHeader(8, 8, 8, 8, 1, 7, []byte{0, 0, 0, 1, 0, 33, 4, 4, 0, 1})), "decomposition levels", ErrFormat},
		{"code-block 2^11", withSOT(mainHeader(8, 8, 8, 8, 1, 7, []byte{0, 0, 0, 1, 0, 1, 9, 0, 0, 1})), "code-block size", ErrFormat},
		{"code-block area", withSOT(mainHeader(8, 8, 8, 8, 1, 7, []byte{0, 0, 0, 1, 0, 1, 6, 6, 0, 1})), "code-block size", ErrFormat},
		{"no layers", withSOT(mainHeader(8, 8, 8, 8, 1, 7, []byte{0, 0, 0, 0, 0, 1, 4, 4, 0, 1})), "layers", ErrFormat},
		{"bad progression", withSOT(mainHeader(8, 8, 8, 8, 1, 7, []byte{0, 5, 0, 1, 0, 1, 4, 4, 0, 1})), "progression", ErrFormat},
		{"part 2 kernel", withSOT(mainHeader(8, 8, 8, 8, 1, 7, []byte{0, 0, 0, 1, 0, 1, 4, 4, 0, 2})), "transform", ErrUnsupported},
		{"HT code-blocks", withSOT(mainHeader(8, 8, 8, 8, 1, 7, []byte{0, 0, 0, 1, 0, 1, 4, 4, 0x40, 1})), "style", ErrUnsupported},
		{"cod length", patch(good, codAt+2, 0, 20), "length", ErrFormat},
		{"truncated tile", good[:len(good)-10], "truncated", ErrFormat},
		{"no tiles", append(mainHeader(8, 8, 8, 8, 1, 7, okCOD), 0xFF, 0xD9), "before any tile", ErrFormat},
		{"tile index", append(mainHeader(8, 8, 8, 8, 1, 7, okCOD), 0xFF, 0x90, 0, 10, 0, 5, 0, 0, 0, 14, 0, 1, 0xFF, 0x93, 0xFF, 0xD9), "tile-part for tile 5", ErrFormat},
		{"ppm short", append(mainHeader(8, 8, 8, 8, 1, 7, okCOD), append([]byte{0xFF, 0x60, 0, 3, 0}, sot...)...), "PPM packet headers run out", ErrFormat},
		{"ppm length", append(mainHeader(8, 8, 8, 8, 1, 7, okCOD), append([]byte{0xFF, 0x60, 0, 7, 0, 0, 0, 1, 0}, sot...)...), "PPM claims 256 bytes", ErrFormat},
		{"poc order", append(mainHeader(8, 8, 8, 8, 1, 7, okCOD), append([]byte{0xFF, 0x5F, 0, 9, 0, 0, 0, 1, 1, 1, 5}, sot...)...), "POC progression order 5", ErrFormat},
		{"poc length", append(mainHeader(8, 8, 8, 8, 1, 7, okCOD), append([]byte{0xFF, 0x5F, 0, 8, 0, 0, 0, 1, 1, 1}, sot...)...), "POC marker has a wrong length", ErrFormat},
		{"jp2 without codestream", append(append([]byte(nil), jp2Signature...), box("ftyp", []byte("jp2 \x00\x00\x00\x00"))...), "no contiguous codestream", ErrFormat},
		{"jp2 bad box length", append(append([]byte(nil), jp2Signature...), 0, 0, 1, 0, 'j', 'p', '2', 'c'), "box", ErrFormat},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			img, err := Decode(c.data)
			if c.is == nil {
				// Only the absence of a panic is checked.
				return
			}
			if err == nil {
				t.Fatalf("no error (image %v)", img.Rect)
			}
			if img != nil {
				t.Errorf("image returned with error")
			}
			if !errors.Is(err, c.is) {
				t.Errorf("error %q does not wrap %v", err, c.is)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
		})
	}
}

// TestTruncationsAndCorruption checks every prefix and many single-byte
// corruptions of a stream decode or fail without panicking.
func TestTruncationsAndCorruption(t *testing.T) {
	img := testImage("ridges", 37, 29, 1)
	data := encode(t, img, encParams{levels: 2, layers: 3, tw: 20, th: 20, cbw: 3, cbh: 3, sop: true, eph: true, cbStyle: cbBypass | cbTermAll})
	for n := 0; n < len(data); n++ {
		if got, err := Decode(data[:n]); err == nil && got == nil {
			t.Fatalf("prefix %d: nil image without error", n)
		}
	}
	for i := 0; i < len(data); i++ {
		for _, v := range []byte{0, 0xFF, data[i] ^ 0x10, data[i] + 1} {
			Decode(patch(data, i, v))
		}
	}
}
