package minutiae

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syntheticRecord makes a record every binary format can hold exactly:
// angles on the 2°-and-1/256-turn common grid are not needed because each
// format is round-tripped on its own; only the image geometry is shared.
func syntheticRecord(rng *rand.Rand, views, minutiae int) *Record {
	rec := &Record{ProductOwner: 0x0042, ProductType: 17}
	for v := range views {
		t := Template{
			Position:    Position(1 + v%10),
			View:        uint8(v / 10),
			Impression:  Impression(v % 2),
			Width:       416,
			Height:      560,
			ResolutionX: 197,
			ResolutionY: 197,
			Qualities:   []QualityRecord{{Score: uint8(40 + v)}},
			Device:      CaptureDevice{Type: 181, Compliance: 8},
			Minutiae:    make([]Minutia, minutiae),
		}
		for i := range t.Minutiae {
			t.Minutiae[i] = Minutia{
				X:         uint16(rng.IntN(416)),
				Y:         uint16(rng.IntN(560)),
				Direction: Angle(rng.IntN(65536)),
				Kind:      Kind(rng.IntN(3)),
				Quality:   uint8(rng.IntN(101)),
			}
		}
		if v == 0 {
			t.Cores = []SingularPoint{{X: 200, Y: 250, HasDirection: true, Directions: []Angle{AngleFromDegrees(90)}}}
			t.Deltas = []SingularPoint{{X: 100, Y: 400, HasDirection: true, Directions: []Angle{AngleFromDegrees(10), AngleFromDegrees(130), AngleFromDegrees(250)}}}
			t.RidgeMethod = 1
			t.RidgeCounts = []RidgeCount{{From: 0, To: 1, Count: 3}, {From: 0, To: 2, Count: 7}}
			t.Extensions = []Extension{{Type: 0x0221, Data: []byte{1, 2, 3, 4, 5}}}
		}
		rec.Views = append(rec.Views, t)
	}
	return rec
}

// canonical is what a record looks like after a trip through format f: the
// values each format stores in coarser units, or not at all, take the
// value that format gives them.
func canonical(rec *Record, f Format) *Record {
	out := &Record{ProductOwner: rec.ProductOwner, ProductType: rec.ProductType}
	if f == FormatISO2005 || f == FormatISO2011 {
		out.ProductOwner, out.ProductType = 0, 0
	}
	for _, v := range rec.Views {
		v.Minutiae = slices.Clone(v.Minutiae)
		for i := range v.Minutiae {
			m := &v.Minutiae[i]
			switch f {
			case FormatISO2005, FormatISO2011:
				m.Direction = angleFromISO(m.Direction.isoAngle())
			default:
				m.Direction = angleFromANSI(m.Direction.ansiAngle())
			}
		}
		fixPoints := func(pts []SingularPoint) []SingularPoint {
			var res []SingularPoint
			for _, p := range pts {
				p.Directions = slices.Clone(p.Directions)
				for i, a := range p.Directions {
					if f == FormatISO2005 || f == FormatISO2011 {
						p.Directions[i] = angleFromISO(a.isoAngle())
					} else {
						p.Directions[i] = angleFromANSI(a.ansiAngle())
					}
				}
				res = append(res, p)
			}
			return res
		}
		v.Cores, v.Deltas = fixPoints(v.Cores), fixPoints(v.Deltas)
		if v.Deltas != nil && v.Cores == nil {
			v.Cores = []SingularPoint{}
		}
		if f == FormatISO2011 {
			v.Device.Compliance = 0
		} else {
			v.Device.Technology, v.Device.Vendor = 0, 0
		}
		out.Views = append(out.Views, v)
	}
	return out
}

func TestRoundTripEveryFormat(t *testing.T) {
	formats := []Format{FormatISO2005, FormatISO2011, FormatANSI2004, FormatANSI2009, FormatANSI2009AM1}
	shapes := []struct{ views, minutiae int }{{1, 0}, {1, 1}, {2, 37}, {10, 60}, {3, 255}}
	for _, f := range formats {
		for _, sh := range shapes {
			rng := rand.New(rand.NewPCG(uint64(sh.views), uint64(sh.minutiae)))
			rec := syntheticRecord(rng, sh.views, sh.minutiae)
			if f == FormatISO2011 {
				rec.Views[0].CaptureTime = time.Date(2026, 11, 24, 9, 30, 15, 250e6, time.UTC)
				rec.Views[0].Certifications = []Certification{{Authority: 0x1234, Scheme: 2}}
				rec.Views[0].Qualities = append(rec.Views[0].Qualities, QualityRecord{Score: 77, VendorID: 0x0f, AlgorithmID: 0x8001})
				rec.Views[0].RidgeSkeleton = true
				rec.Views[0].Device = CaptureDevice{Technology: 3, Vendor: 0xabcd, Type: 0x0123}
			}
			data, err := Encode(rec, f)
			require.NoError(t, err, "%v %+v", f, sh)
			require.Equal(t, f, Detect(data), "%v %+v detected", f, sh)
			got, gf, err := Decode(data)
			require.NoError(t, err, "%v %+v", f, sh)
			require.Equal(t, f, gf)
			require.Equal(t, canonical(rec, f), got, "%v %+v", f, sh)
			again, err := Encode(got, f)
			require.NoError(t, err)
			assert.Equal(t, data, again, "%v %+v: encoding a decoded record is byte-identical", f, sh)
		}
	}
}

func TestISO2011FiveByteMinutiae(t *testing.T) {
	rec := syntheticRecord(rand.New(rand.NewPCG(1, 2)), 1, 12)
	for i := range rec.Views[0].Minutiae {
		rec.Views[0].Minutiae[i].Quality = QualityNotReported
	}
	data, err := Encode(rec, FormatISO2011)
	require.NoError(t, err)
	six, err := Encode(syntheticRecord(rand.New(rand.NewPCG(1, 2)), 1, 12), FormatISO2011)
	require.NoError(t, err)
	assert.Equal(t, len(six)-12, len(data), "quality-free minutiae take 5 bytes")
	got, _, err := Decode(data)
	require.NoError(t, err)
	assert.Equal(t, canonical(rec, FormatISO2011), got)
}

func TestConvertBetweenFormats(t *testing.T) {
	rec := syntheticRecord(rand.New(rand.NewPCG(5, 5)), 2, 40)
	for _, from := range []Format{FormatISO2005, FormatISO2011, FormatANSI2004, FormatANSI2009} {
		for _, to := range []Format{FormatISO2005, FormatISO2011, FormatANSI2004, FormatANSI2009AM1, FormatJSON} {
			a, err := Encode(rec, from)
			require.NoError(t, err)
			ra, _, err := Decode(a)
			require.NoError(t, err)
			b, err := Encode(ra, to)
			require.NoError(t, err, "%v→%v", from, to)
			rb, f, err := Decode(b)
			require.NoError(t, err)
			require.Equal(t, to, f)
			require.Len(t, rb.Views, 2)
			for v := range rb.Views {
				require.Len(t, rb.Views[v].Minutiae, 40)
				for i, m := range rb.Views[v].Minutiae {
					orig := rec.Views[v].Minutiae[i]
					assert.Equal(t, orig.X, m.X)
					assert.Equal(t, orig.Y, m.Y)
					assert.Equal(t, orig.Kind, m.Kind)
					// The coarsest unit is ANSI's 2°; two roundings may add up to 2°.
					assert.InDelta(t, 0, angleDiffDegrees(orig.Direction, m.Direction), 2.01, "%v→%v minutia %d", from, to, i)
				}
			}
		}
	}
}

func angleDiffDegrees(a, b Angle) float64 {
	d := int16(a - b)
	return Angle(uint16(max(d, -d))).Degrees()
}

func TestAngleUnits(t *testing.T) {
	for v := range 256 {
		require.Equal(t, uint8(v), angleFromISO(uint8(v)).isoAngle())
	}
	for v := range 180 {
		require.Equal(t, uint8(v), angleFromANSI(uint8(v)).ansiAngle())
	}
	for d := range 360 {
		require.Equal(t, d, angleFromWholeDegrees(d).wholeDegrees())
		require.Equal(t, d, AngleFromDegrees(float64(d)).wholeDegrees())
	}
	assert.Equal(t, Angle(0), AngleFromDegrees(360))
	assert.Equal(t, Angle(0x4000), AngleFromDegrees(-270))
	assert.InDelta(t, 3.14159, AngleFromRadians(3.14159).Radians(), 1e-4)
	assert.Equal(t, uint8(0), Angle(65535).ansiAngle(), "359.99° rounds to 0, not 180")
	assert.Equal(t, uint8(0), Angle(65535).isoAngle())
}

func TestXYT(t *testing.T) {
	in := "10 20 0 50\n300 40 91 0\n\n7 8 359\n"
	tpl, err := DecodeXYT([]byte(in), XYTOptions{})
	require.NoError(t, err)
	require.Len(t, tpl.Minutiae, 3)
	assert.Equal(t, Minutia{X: 10, Y: 20, Direction: 0, Quality: 50}, tpl.Minutiae[0])
	assert.Equal(t, 91, tpl.Minutiae[1].Direction.wholeDegrees())
	out, err := EncodeXYT(tpl, XYTOptions{})
	require.NoError(t, err)
	assert.Equal(t, "10 20 0 50\n300 40 91 0\n7 8 359 0\n", string(out))
	assert.Equal(t, FormatXYT, Detect([]byte(in)))

	nist, err := DecodeXYT([]byte("10 480 180 50\n"), XYTOptions{NIST: true, ImageHeight: 500})
	require.NoError(t, err)
	assert.Equal(t, uint16(20), nist.Minutiae[0].Y, "bottom-left origin flipped")
	assert.Equal(t, 0, nist.Minutiae[0].Direction.wholeDegrees(), "NIST angle is opposite")
	nist.Height = 500
	back, err := EncodeXYT(nist, XYTOptions{NIST: true})
	require.NoError(t, err)
	assert.Equal(t, "10 480 180 50\n", string(back))

	for _, bad := range []string{"1 2\n", "1 2 3 4 5\n", "a b c\n", "-1 2 3\n", "1 2 3 101\n", "1 99999 3\n"} {
		_, err := DecodeXYT([]byte(bad), XYTOptions{})
		assert.Error(t, err, "%q", bad)
	}
	_, err = DecodeXYT([]byte(strings.Repeat("1 1 1\n", maxXYTLines+1)), XYTOptions{})
	assert.ErrorContains(t, err, "more than")
	_, err = DecodeXYT([]byte("1 1 1\n"), XYTOptions{NIST: true})
	assert.ErrorContains(t, err, "image height")
}

func TestEncodeRefusesWhatFormatsCannotHold(t *testing.T) {
	rec := syntheticRecord(rand.New(rand.NewPCG(9, 9)), 2, 10)
	rec.Views[1].Width = 500
	_, err := Encode(rec, FormatISO2005)
	assert.ErrorContains(t, err, "image size")
	_, err = Encode(rec, FormatANSI2009)
	assert.NoError(t, err, "ANSI 2009 keeps geometry per view")

	big := syntheticRecord(rand.New(rand.NewPCG(9, 9)), 1, 256)
	for _, f := range []Format{FormatISO2005, FormatISO2011, FormatANSI2004, FormatANSI2009} {
		_, err = Encode(big, f)
		assert.ErrorContains(t, err, "number of minutiae", f.String())
	}
	far := syntheticRecord(rand.New(rand.NewPCG(9, 9)), 1, 1)
	far.Views[0].Minutiae[0].X = 20000
	_, err = Encode(far, FormatISO2011)
	assert.ErrorContains(t, err, "14-bit")
	_, err = Encode(&Record{}, FormatANSI2004)
	assert.Error(t, err)
	_, err = Encode(syntheticRecord(rand.New(rand.NewPCG(1, 1)), 2, 1), FormatXYT)
	assert.ErrorContains(t, err, "one view")
}

func TestDecodeRejectsBrokenRecords(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, f := range []Format{FormatISO2005, FormatISO2011, FormatANSI2004, FormatANSI2009, FormatANSI2009AM1} {
		data, err := Encode(syntheticRecord(rng, 3, 20), f)
		require.NoError(t, err)
		// Every truncation errors (or, for the final extended data
		// area, decodes without it); none panics.
		for n := range len(data) {
			rec, err := DecodeAs(data[:n], f)
			if err == nil {
				require.NotNil(t, rec)
			}
		}
		// A declared record length beyond the data is refused.
		long := bytes.Clone(data)
		switch f {
		case FormatANSI2004:
			long[8], long[9] = 0xff, 0xf0
		default:
			long[8], long[9], long[10], long[11] = 0x7f, 0xff, 0xff, 0xff
		}
		_, err = DecodeAs(long, f)
		assert.ErrorContains(t, err, "beyond", f.String())
	}
	_, _, err := Decode([]byte("hello world"))
	assert.ErrorIs(t, err, ErrNotTemplate)
	_, _, err = Decode(nil)
	assert.ErrorIs(t, err, ErrNotTemplate)
}

// A header announcing the largest counts must not make the decoder
// allocate for them before the data is there.
func TestHostileCountsAllocateLittle(t *testing.T) {
	iso := []byte("FMR\x00030\x00\x00\x00\x00\x40\xff\xff\x00")
	ansi := []byte("FMR\x00 20\x00\x00\x40\x00\x42\x00\x11\x00\xb5\xff\xff\xff\xff\x00\xc5\x00\xc5\xff\x00\x07\x00\x5a\xff")
	for _, data := range [][]byte{iso, ansi} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, _, err := Decode(data)
		runtime.ReadMemStats(&after)
		assert.Error(t, err)
		assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20))
	}
}

func TestRealTemplatesPlausible(t *testing.T) {
	var files []string
	for _, pattern := range []string{"templates/libbiomeval-fmr.*", "minex-samples/*.ist"} {
		m, err := filepath.Glob(filepath.Join(requireShared(t, "fingerprint"), pattern))
		require.NoError(t, err)
		files = append(files, m...)
	}
	require.NotEmpty(t, files)
	for _, path := range files {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		rec, f, err := Decode(data)
		require.NoError(t, err, path)
		require.NotEmpty(t, rec.Views, path)
		for i, v := range rec.Views {
			t.Logf("%s: %v view %d %v %v %dx%d %d minutiae, %d cores, %d deltas", filepath.Base(path), f, i, v.Position, v.Impression, v.Width, v.Height, len(v.Minutiae), len(v.Cores), len(v.Deltas))
			assert.GreaterOrEqual(t, len(v.Minutiae), 10, "%s view %d", path, i)
			for _, m := range v.Minutiae {
				assert.Less(t, m.X, v.Width, path)
				assert.Less(t, m.Y, v.Height, path)
			}
			assert.InDelta(t, 500, v.PPI(), 1, path)
		}
		again, err := Encode(rec, f)
		require.NoError(t, err)
		rec2, _, err := Decode(again)
		require.NoError(t, err)
		assert.Equal(t, rec, rec2, path)
	}
}

func FuzzDecodeTemplate(f *testing.F) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, fm := range []Format{FormatISO2005, FormatISO2011, FormatANSI2004, FormatANSI2009, FormatANSI2009AM1, FormatXYT, FormatJSON} {
		data, err := Encode(syntheticRecord(rng, 1, 5), fm)
		if err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("FMR\x00030\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, fm, err := Decode(data)
		if err != nil {
			return
		}
		// Whatever decodes must encode (where the format can hold it) and
		// decode again to the same values.
		out, err := Encode(rec, fm)
		if err != nil {
			return
		}
		rec2, err := DecodeAs(out, fm)
		if err != nil {
			t.Fatalf("%v: re-encoded record does not decode: %v", fm, err)
		}
		if fm != FormatJSON && fm != FormatXYT {
			out2, err := Encode(rec2, fm)
			if err != nil || !bytes.Equal(out, out2) {
				t.Fatalf("%v: second encoding differs (%v)", fm, err)
			}
		}
	})
}

func TestNonconformingANSIAnglesKept(t *testing.T) {
	rec := syntheticRecord(rand.New(rand.NewPCG(2, 3)), 1, 3)
	data, err := Encode(rec, FormatANSI2009)
	require.NoError(t, err)
	// Minutia 1's angle code sits at 21 (header) + 17 (view) + 6 + 4.
	off := 21 + 17 + 6 + 4
	data[off] = 213
	got, _, err := Decode(data)
	require.NoError(t, err)
	v := got.Views[0]
	assert.Equal(t, []RawAngle{{Minutia: 1, Code: 213}}, v.NonconformingAngles)
	assert.Equal(t, 66, v.Minutiae[1].Direction.wholeDegrees(), "code 213 denotes 426° = 66°")

	again, err := Encode(got, FormatANSI2009)
	require.NoError(t, err)
	assert.Equal(t, data, again, "the original code is written back")

	got.Views[0].Minutiae[1].Direction = AngleFromDegrees(90)
	moved, err := Encode(got, FormatANSI2009)
	require.NoError(t, err)
	assert.Equal(t, uint8(45), moved[off], "a changed direction is written canonically")
}
