package wsq

import (
	"bytes"
	"image"
	"image/color"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decodeCoefs runs only the header and entropy stages, returning the
// quantiser indices in stream order.
func decodeCoefs(t *testing.T, data []byte) []int32 {
	t.Helper()
	d := decoder{data: data}
	require.NoError(t, d.readHeader())
	g := newGeometry(d.width, d.height)
	sink := newCoefSink(g.codedCapacity(), len(data))
	require.NoError(t, d.readBlocks(sink))
	return sink.v
}

func TestStandardFilterTableMatchesRealFile(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(sharedDir, "*.wsq"))
	if len(files) == 0 {
		t.Skipf("shared data not found at %s: real WSQ check skipped", sharedDir)
	}
	data, err := os.ReadFile(files[0])
	require.NoError(t, err)
	var w builder
	w.segment(markerDTT, dttBody(9, std97Lo, 7, std97Hi))
	assert.True(t, bytes.Contains(data, w.b), "builder's DTT differs from %s", files[0])
}

func TestAllZeroCoefficientsGiveShift(t *testing.T) {
	for _, size := range [][2]int{{32, 32}, {40, 30}, {33, 47}, {64, 17}, {100, 3}, {1, 1}, {2, 5}} {
		s := defaultSpec(size[0], size[1])
		data := s.build(t)
		img, cfg, err := Decode(data)
		require.NoError(t, err, "size %v", size)
		assert.Equal(t, size[0], cfg.Width)
		assert.Equal(t, size[1], cfg.Height)
		assert.Equal(t, 500, cfg.PPI)
		assert.Equal(t, s.comments, cfg.Comments)
		for i, v := range img.Pix {
			require.Equal(t, uint8(128), v, "size %v pixel %d", size, i)
		}
	}
}

// A constant lowest subband must reconstruct to a constant image: each
// two-dimensional synthesis level scales a constant by 1/2 (the lowpass
// taps of either phase sum to 1/sqrt(2)), five levels by 1/32.
func TestConstantLowestSubbandGivesFlatImage(t *testing.T) {
	for _, size := range [][2]int{{64, 64}, {75, 51}, {200, 133}} {
		s := defaultSpec(size[0], size[1])
		s.m, s.r = sv{0, 100}, sv{0, 10}
		g := newGeometry(size[0], size[1])
		s.coefs = make([]int32, s.coefCount())
		for i := range g.bands[0].w * g.bands[0].h {
			s.coefs[i] = 100
		}
		img, _, err := Decode(s.build(t))
		require.NoError(t, err)
		level := (100-0.44)/32*10 + 100 // 131.11
		want := uint8(level + 0.5)
		for i, v := range img.Pix {
			require.Equal(t, want, v, "size %v pixel %d", size, i)
		}
	}
}

func randomCoefs(rng *rand.Rand, n int) []int32 {
	c := make([]int32, n)
	for i := 0; i < n; {
		switch rng.IntN(10) {
		case 0: // long zero run, forcing 8- and 16-bit run escapes
			i += rng.IntN(400)
		case 1: // large values, forcing 8- and 16-bit value escapes
			v := int32(rng.IntN(70000) - 35000)
			if v < -65535 || v > 65535 {
				v /= 2
			}
			if i < n {
				c[i] = v
			}
			i++
		default:
			if i < n {
				c[i] = int32(rng.IntN(21) - 10)
			}
			i++
		}
	}
	return c
}

func TestEntropyDecodingRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range [][2]int{{64, 48}, {97, 61}} {
		s := defaultSpec(size[0], size[1])
		s.coefs = randomCoefs(rng, s.coefCount())
		for _, v := range []struct {
			name    string
			blocks  int
			alt     bool
			restart int
		}{
			{"one block", 1, false, 0},
			{"three blocks", 3, false, 0},
			{"second table between blocks", 3, true, 0},
			{"restart markers", 3, true, 37},
		} {
			t.Run(v.name, func(t *testing.T) {
				s.blocks, s.altTable, s.restartEvery = v.blocks, v.alt, v.restart
				got := decodeCoefs(t, s.build(t))
				// Trailing zeros are implicit, so compare the prefix.
				require.LessOrEqual(t, len(got), len(s.coefs))
				assert.Equal(t, s.coefs[:len(got)], got)
				for _, c := range s.coefs[len(got):] {
					require.Zero(t, c)
				}
			})
		}
	}
}

// Whatever the block layout, the pixels must be the same.
func TestBlockLayoutDoesNotChangePixels(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	s := defaultSpec(81, 66)
	s.coefs = randomCoefs(rng, s.coefCount())
	for i := range s.coefs {
		s.coefs[i] %= 40
	}
	ref, _, err := Decode(s.build(t))
	require.NoError(t, err)
	s.blocks, s.altTable, s.restartEvery = 3, true, 11
	img, _, err := Decode(s.build(t))
	require.NoError(t, err)
	assert.Equal(t, ref.Pix, img.Pix)
}

// eoiComment is a comment holding an EOI byte pair. Placed after the frame
// header, it defeats the decoder's up-front check for a missing EOI, so that
// truncations exercise the deeper error paths.
const eoiComment = "\xff\xa1"

func TestConstructedTruncationsFail(t *testing.T) {
	s := defaultSpec(48, 40)
	s.coefs = randomCoefs(rand.New(rand.NewPCG(5, 6)), s.coefCount())
	s.blocks, s.altTable, s.restartEvery = 3, true, 50
	for _, late := range [][]string{nil, {eoiComment}} {
		s.lateComments = late
		data := s.build(t)
		_, _, err := Decode(data)
		require.NoError(t, err)
		for n := range len(data) {
			_, _, err := Decode(data[:n])
			require.Error(t, err, "prefix of %d bytes decoded without error", n)
		}
	}
}

func TestDecodeConfig(t *testing.T) {
	s := defaultSpec(120, 90)
	s.comments = []string{"hello\x00", "NIST_COM 2\nPPI -1\n", "NIST_COM 2\nPPI 1000\n"}
	cfg, err := DecodeConfig(s.build(t))
	require.NoError(t, err)
	assert.Equal(t, 120, cfg.Width)
	assert.Equal(t, 90, cfg.Height)
	assert.Equal(t, 1000, cfg.PPI, "-1 means unknown, so the later NISTCOM decides")
	assert.Equal(t, []string{"hello", "NIST_COM 2\nPPI -1\n", "NIST_COM 2\nPPI 1000\n"}, cfg.Comments)

	s.comments = []string{"NIST_COM 1\nPPI -1\n"}
	cfg, err = DecodeConfig(s.build(t))
	require.NoError(t, err)
	assert.Zero(t, cfg.PPI)

	s.comments = nil
	cfg, err = DecodeConfig(s.build(t))
	require.NoError(t, err)
	assert.Zero(t, cfg.PPI)
	assert.Empty(t, cfg.Comments)

	// A comment that is not NISTCOM is not searched for fields.
	s.comments = []string{"PPI 300"}
	cfg, err = DecodeConfig(s.build(t))
	require.NoError(t, err)
	assert.Zero(t, cfg.PPI)
}

func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestHostileSizesFailCheaply(t *testing.T) {
	const limit = 8 << 20
	huge := defaultSpec(65535, 65535)
	huge.coefs = []int32{} // no data needed to claim the size
	hugeData := huge.build(t)

	// 1024x1024 is within the budget every input gets, so the header is
	// accepted; the missing coefficient data must still be caught without
	// a full-size buffer.
	mid := defaultSpec(1024, 1024)
	mid.coefs = []int32{1, 2, 3}
	midData := mid.build(t)
	midData = midData[:len(midData)-2] // drop EOI

	for name, data := range map[string][]byte{
		"65535x65535 with tables": hugeData,
		"65535x65535 bare header": func() []byte {
			var w builder
			w.marker(markerSOI)
			w.segment(markerSOF, sofBody(65535, 65535, sv{0, 128}, sv{0, 1}))
			return w.b
		}(),
		"1024x1024 truncated": midData,
	} {
		t.Run(name, func(t *testing.T) {
			var err, cfgErr error
			n := allocatedBy(func() {
				_, _, err = Decode(data)
				_, cfgErr = DecodeConfig(data)
			})
			require.Error(t, err)
			if name != "1024x1024 truncated" {
				require.Error(t, cfgErr)
			}
			assert.Less(t, n, uint64(limit), "allocated %d bytes", n)
			t.Logf("%s: %v; allocated %d bytes", name, err, n)
		})
	}
}

func TestSizeBudget(t *testing.T) {
	assert.NoError(t, checkSize(1024, 1024, 10))
	assert.Error(t, checkSize(1025, 1024, 10))
	assert.NoError(t, checkSize(2000, 2000, 4_000_000/256))
	assert.Error(t, checkSize(2000, 2000, 4_000_000/256-1))
	assert.Error(t, checkSize(20000, 20000, 1<<30), "absolute cap")
	assert.Error(t, checkSize(0, 10, 1000))
	assert.Error(t, checkSize(10, 0, 1000))
}

// corrupt returns a copy of a valid stream with one segment body replaced.
func withSegment(t *testing.T, s streamSpec, marker uint16, body []byte) []byte {
	t.Helper()
	data := s.build(t)
	var w builder
	w.marker(marker)
	i := bytes.Index(data, w.b)
	require.GreaterOrEqual(t, i, 0)
	n := int(data[i+2])<<8 | int(data[i+3])
	var seg builder
	seg.segment(marker, body)
	return append(append(append([]byte(nil), data[:i]...), seg.b...), data[i+2+n:]...)
}

func TestMalformedStreams(t *testing.T) {
	base := defaultSpec(40, 32)
	valid := base.build(t)
	_, _, err := Decode(valid)
	require.NoError(t, err)

	var q, z [numSubbands]sv
	oversub := flat8()
	oversub.counts[7], oversub.counts[0] = 254, 1 // 1-bit code + 254 8-bit codes
	oversub.vals = append([]byte{1}, oversub.vals...)
	tooFew := flat8()
	tooFew.counts[7] = 255 // one value short

	afterSOF := bytes.Index(valid, []byte{0xff, 0xa3}) // first SOB
	require.Greater(t, afterSOF, 0)
	splice := func(at int, insert ...byte) []byte {
		return append(append(append([]byte(nil), valid[:at]...), insert...), valid[at:]...)
	}

	cases := map[string][]byte{
		"empty":                  {},
		"not WSQ":                []byte("\x89PNG\r\n\x1a\n"),
		"JPEG SOI":               {0xff, 0xd8, 0xff, 0xe0},
		"no marker after SOI":    {0xff, 0xa0, 0x12, 0x34},
		"unknown marker":         splice(2, 0xff, 0xc4, 0, 2),
		"SOB before SOF":         splice(2, 0xff, 0xa3, 0, 3, 0),
		"segment length 1":       splice(2, 0xff, 0xa8, 0, 1),
		"segment past end":       {0xff, 0xa0, 0xff, 0xa8, 0x10, 0x00, 'x'},
		"DTT zero taps":          withSegment(t, base, markerDTT, dttBody(0, nil, 7, std97Hi)),
		"DTT 65 taps":            withSegment(t, base, markerDTT, dttBody(65, make([]filterCoef, 33), 7, std97Hi)),
		"DTT odd/even mix":       withSegment(t, base, markerDTT, dttBody(9, std97Lo, 8, std97Hi)),
		"DTT length mismatch":    withSegment(t, base, markerDTT, append(dttBody(9, std97Lo, 7, std97Hi), 0)),
		"DTT truncated":          withSegment(t, base, markerDTT, []byte{9}),
		"DQT short":              withSegment(t, base, markerDQT, dqtBody(sv{2, 44}, q, z)[:100]),
		"DHT table id 8":         withSegment(t, base, markerDHT, dhtBody(8, flat8())),
		"DHT over-subscribed":    withSegment(t, base, markerDHT, dhtBody(0, oversub)),
		"DHT values missing":     withSegment(t, base, markerDHT, dhtBody(0, tooFew)),
		"DHT empty table":        withSegment(t, base, markerDHT, dhtBody(0, huffSpec{})),
		"DHT empty segment":      withSegment(t, base, markerDHT, nil),
		"DRT bad length":         splice(afterSOF, 0xff, 0xa7, 0, 3, 1),
		"SOF short":              withSegment(t, base, markerSOF, sofBody(40, 32, sv{}, sv{})[:10]),
		"zero width":             withSegment(t, base, markerSOF, sofBody(0, 32, sv{0, 128}, sv{0, 1})),
		"second SOF":             splice(afterSOF, append([]byte{0xff, 0xa2, 0, 17}, sofBody(40, 32, sv{}, sv{})...)...),
		"EOI right after tables": splice(afterSOF, 0xff, 0xa1),
		"SOB undefined table":    withSegment(t, base, markerSOB, []byte{5}),
		"SOB table id 9":         withSegment(t, base, markerSOB, []byte{9}),
		"SOB bad length":         withSegment(t, base, markerSOB, []byte{0, 0}),
		"missing EOI":            valid[:len(valid)-2],
		"missing DTT": func() []byte {
			var w builder
			w.segment(markerDTT, dttBody(9, std97Lo, 7, std97Hi))
			return bytes.Replace(valid, w.b, nil, 1)
		}(),
		"missing DQT": func() []byte {
			var w builder
			w.segment(markerDQT, dqtBody(base.c, base.q, base.z))
			return bytes.Replace(valid, w.b, nil, 1)
		}(),
	}

	// Too many coefficients for the subbands.
	over := base
	over.coefs = make([]int32, base.coefCount()+1)
	over.coefs[len(over.coefs)-1] = 5
	cases["coefficient overrun"] = over.build(t)
	// A zero run past the end.
	overRun := base
	overRun.coefs = make([]int32, base.coefCount()+300)
	cases["zero-run overrun"] = overRun.build(t)

	// Huffman-level corruption: symbol 0 and symbol 255 are not valid.
	bad := base
	bad.coefs = []int32{}
	badData := bad.build(t)
	withData := func(stream []byte, extra ...byte) []byte {
		return append(append([]byte(nil), stream[:len(stream)-2]...), extra...)
	}
	// flat8 leaves codes 0xfe and 0xff unused: 16 one bits match nothing.
	cases["code longer than 16 bits"] = withData(badData, 0xff, 0x00, 0xff, 0x00, 0xff, 0x00, 0xff, 0xa1)
	zeroSym := huffSpec{vals: []byte{0, 180}}
	zeroSym.counts[0], zeroSym.counts[1] = 1, 1 // "0" is symbol 0, "10" is 180
	cases["invalid symbol 0"] = withData(withSegment(t, bad, markerDHT, dhtBody(0, zeroSym)), 0x3f, 0xff, 0xa1)
	// In flat8, symbol s is the byte s-1.
	cases["marker inside 16-bit field"] = withData(badData, 103-1, 0x12, 0xff, 0xa1)
	// Streams cut short, with an EOI pair inside a comment so that the
	// entropy decoder itself meets the end of data.
	cut := bad
	cut.lateComments = []string{eoiComment}
	cutData := cut.build(t)
	cases["end inside 8-bit field"] = withData(cutData, 101-1)
	cases["end inside 16-bit field"] = withData(cutData, 104-1, 0x12)
	cases["end inside a code"] = withData(cutData, 0xfe)
	cases["0xff not stuffed at end"] = withData(cutData, 0xff)
	cases["no EOI"] = withData(badData)

	wantErr := map[string]string{
		"empty":                      "too short",
		"not WSQ":                    "missing SOI",
		"JPEG SOI":                   "missing SOI",
		"no marker after SOI":        "expected a marker",
		"unknown marker":             "unexpected 0xffc4 marker",
		"SOB before SOF":             "unexpected SOB marker",
		"segment length 1":           "invalid length 1",
		"segment past end":           "runs past the end",
		"DTT zero taps":              "outside 1..64",
		"DTT 65 taps":                "outside 1..64",
		"DTT odd/even mix":           "mix odd and even",
		"DTT length mismatch":        "DTT segment has length 59",
		"DTT truncated":              "DTT segment too short",
		"DQT short":                  "DQT segment has length",
		"DHT table id 8":             "table id 8",
		"DHT over-subscribed":        "over-subscribed",
		"DHT values missing":         "lists 255 values",
		"DHT empty table":            "defines no codes",
		"DHT empty segment":          "empty DHT",
		"DRT bad length":             "DRT segment",
		"SOF short":                  "SOF segment has length",
		"zero width":                 "invalid image size",
		"second SOF":                 "unexpected SOF marker",
		"EOI right after tables":     "unexpected EOI marker",
		"SOB undefined table":        "undefined Huffman table 5",
		"SOB table id 9":             "undefined Huffman table 9",
		"SOB bad length":             "SOB segment",
		"missing EOI":                "no EOI marker",
		"missing DTT":                "no transform table",
		"missing DQT":                "no quantisation table",
		"coefficient overrun":        "coefficient data overruns",
		"zero-run overrun":           "zero run overruns",
		"code longer than 16 bits":   "invalid Huffman code",
		"invalid symbol 0":           "invalid Huffman symbol 0",
		"marker inside 16-bit field": "EOI marker inside coefficient data",
		"end inside 8-bit field":     "unexpected end of data",
		"end inside 16-bit field":    "unexpected end of data",
		"end inside a code":          "unexpected end of data",
		"0xff not stuffed at end":    "unexpected end of data",
		"no EOI":                     "no EOI marker",
	}
	require.Len(t, wantErr, len(cases))
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			want, ok := wantErr[name]
			require.True(t, ok, "no expected error for case")
			_, _, err := Decode(data)
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), "wsq: "), "error %q lacks the package prefix", err)
			assert.Contains(t, err.Error(), want)
		})
	}
}

func TestRestartIntervalSegmentAccepted(t *testing.T) {
	s := defaultSpec(40, 32)
	s.restartEvery = 5
	s.coefs = randomCoefs(rand.New(rand.NewPCG(7, 8)), s.coefCount())
	data := s.build(t)
	i := bytes.Index(data, []byte{0xff, 0xa2}) // SOF
	data = append(append(append([]byte(nil), data[:i]...), 0xff, 0xa7, 0, 4, 0, 5), data[i:]...)
	_, _, err := Decode(data)
	require.NoError(t, err)
}

func TestImageDecodeRegistration(t *testing.T) {
	data := defaultSpec(70, 45).build(t)

	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	require.NoError(t, err)
	assert.Equal(t, "wsq", format)
	assert.Equal(t, color.GrayModel, cfg.ColorModel)
	assert.Equal(t, 70, cfg.Width)
	assert.Equal(t, 45, cfg.Height)

	img, format, err := image.Decode(bytes.NewReader(data))
	require.NoError(t, err)
	assert.Equal(t, "wsq", format)
	assert.Equal(t, image.Rect(0, 0, 70, 45), img.Bounds())
	assert.IsType(t, &image.Gray{}, img)

	_, _, err = image.Decode(bytes.NewReader(data[:len(data)-2]))
	assert.Error(t, err)
}
