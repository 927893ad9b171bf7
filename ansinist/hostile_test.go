package ansinist

import (
	"bytes"
	"encoding/binary"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// allocLimit is the most a hostile input may make the package allocate.
const allocLimit = 8 << 20

// allocated runs f and returns the bytes it allocated.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// exercise decodes data and, when that succeeds, touches every derived view.
func exercise(data []byte) error {
	tx, err := Decode(data)
	if err != nil {
		return err
	}
	for _, r := range tx.Records {
		r.ImageInfo()
		r.DecodeImage()
		r.Templates()
		r.Summary()
	}
	tx.Templates()
	return nil
}

// patchLEN replaces the LEN value of the tagged record at off.
func patchTaggedLEN(data []byte, off int, newLen string) []byte {
	colon := bytes.IndexByte(data[off:], ':') + off
	end := bytes.IndexAny(data[colon:], "\x1d\x1c") + colon
	out := append([]byte{}, data[:colon+1]...)
	out = append(out, newLen...)
	return append(out, data[end:]...)
}

func TestHostileHeaders(t *testing.T) {
	fx := fixture()
	tx, err := Decode(fx)
	require.NoError(t, err)
	off := func(i int) int { return tx.Records[i].Offset }

	withBinaryLEN := func(rec int, v uint32) []byte {
		b := append([]byte{}, fx...)
		binary.BigEndian.PutUint32(b[off(rec):], v)
		return b
	}
	t1only := tagged(1, fld{2, "0400"}, fld{3, subs(items("1", "1"), items("14", "01"))})
	tests := []struct {
		name string
		data []byte
		msg  string
	}{
		{"empty", nil, "empty input"},
		{"not a transaction", []byte("hello world"), "1.001"},
		{"Type-1 LEN beyond file", patchTaggedLEN(fx, 0, "99999"), "exceeds"},
		{"Type-1 LEN of 11 digits", patchTaggedLEN(fx, 0, "99999999999"), "more than 10 digits"},
		{"Type-1 LEN negative", patchTaggedLEN(fx, 0, "-5"), "not a number"},
		{"Type-1 LEN zero", patchTaggedLEN(fx, 0, "0"), "shorter"},
		{"Type-14 LEN beyond file", patchTaggedLEN(fx, off(3), "9999999999"), "exceeds"},
		{"Type-14 LEN too short", patchTaggedLEN(fx, off(3), "200"), "does not end"},
		{"Type-4 LEN 4 GiB", withBinaryLEN(2, 0xFFFFFFFF), "exceeds"},
		{"Type-4 LEN below header", withBinaryLEN(2, 3), "shorter"},
		{"Type-7 LEN beyond file", withBinaryLEN(6, 0x7FFFFFFF), "exceeds"},
		{"missing CNT", tagged(1, fld{2, "0400"}), "CNT is missing"},
		{"CNT count mismatch", tagged(1, fld{2, "0400"}, fld{3, subs(items("1", "5"), items("2", "00"))}), "declares 5"},
		{"CNT garbage", tagged(1, fld{2, "0400"}, fld{3, subs(items("1", "1"), items("x", "00"))}), "not a record type"},
		{"CNT huge count", tagged(1, fld{2, "0400"}, fld{3, items("1", "999999999")}), "declares 999999999"},
		{"CNT names more records than present", t1only, "input ends"},
		{"wrong record type", append(append([]byte{}, t1only...), tagged(13, fld{2, "01"})...), "want 14.001"},
		{"record separator inside", tagged(1, fld{2, "0400"}, fld{3, items("1", "0")}, fld{4, "a\x1cb"}), "FS"},
		{"bad field tag", []byte(strings.Replace(string(tagged(1, fld{2, "0400"}, fld{3, items("1", "0")})), "1.003", "1x003", 1)), "tag"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			n := allocated(func() { err = exercise(tc.data) })
			require.Error(t, err)
			t.Log(err)
			assert.ErrorIs(t, err, ErrMalformed)
			assert.True(t, strings.HasPrefix(err.Error(), "ansinist: "), err.Error())
			assert.Contains(t, err.Error(), tc.msg)
			assert.Less(t, n, uint64(allocLimit))
		})
	}
}

// TestTruncation cuts the fixture at every offset: each prefix must fail
// cleanly, since every record is needed by CNT.
func TestTruncation(t *testing.T) {
	fx := fixture()
	var worst uint64
	for i := 0; i < len(fx); i++ {
		var err error
		n := allocated(func() { err = exercise(fx[:i]) })
		require.Error(t, err, "prefix of %d bytes", i)
		require.ErrorIs(t, err, ErrMalformed, "prefix of %d bytes", i)
		worst = max(worst, n)
	}
	assert.Less(t, worst, uint64(allocLimit))
	require.NoError(t, exercise(fx))
}

// TestHugeDeclaredImages: headers claiming enormous images over a few bytes
// of data must be refused before any pixel buffer is allocated.
func TestHugeDeclaredImages(t *testing.T) {
	fgp := [6]byte{1, 255, 255, 255, 255, 255}
	big := func(cga, data string) []byte {
		return tagged(14, fld{2, "01"}, fld{3, "1"}, fld{6, "99999"}, fld{7, "99999"}, fld{8, "1"},
			fld{9, "500"}, fld{11, cga}, fld{12, "8"}, fld{13, "1"}, fld{999, data})
	}
	tests := []struct {
		name string
		r    rec
	}{
		{"Type-4 raw 65535²", rec{4, 1, binaryImage(4, 1, 0, fgp, 0, 65535, 65535, 0, []byte{1, 2, 3})}},
		{"Type-6 raw 65535²", rec{6, 1, binaryImage(6, 1, 0, fgp, 0, 65535, 65535, 0, []byte{1, 2, 3})}},
		{"Type-14 raw 99999²", rec{14, 1, big("NONE", "abc")}},
		{"Type-14 16-bit", rec{14, 1, tagged(14, fld{2, "01"}, fld{6, "1000000000"}, fld{7, "1000000000"},
			fld{11, "NONE"}, fld{12, "16"}, fld{999, "ab"})}},
		{"Type-14 PNG declared 99999²", rec{14, 1, big("PNG", string(pngGray(6, 5)))}},
		{"Type-14 PNG stream claims 60000²", rec{14, 1, tagged(14, fld{2, "01"}, fld{6, "60000"}, fld{7, "60000"},
			fld{11, "PNG"}, fld{12, "8"}, fld{999, string(pngHeaderClaiming(60000, 60000))})}},
		{"Type-14 JPEG garbage", rec{14, 1, big("JPEGB", "\xff\xd8\xff\xc0\x00\x11\x08\xff\xff\xff\xff\x01")}},
		{"Type-14 WSQ garbage", rec{14, 1, big("WSQ20", "\xff\xa0\xff\xa2")}},
		{"Type-14 no data", rec{14, 1, big("NONE", "")}},
		{"Type-14 negative size", rec{14, 1, tagged(14, fld{2, "01"}, fld{6, "-5"}, fld{7, "10"}, fld{11, "NONE"},
			fld{12, "8"}, fld{999, "abc"})}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tx, err := Decode(transaction(nil, tc.r))
			require.NoError(t, err)
			var derr error
			n := allocated(func() { _, derr = tx.Records[1].DecodeImage() })
			require.Error(t, derr)
			t.Log(derr)
			assert.True(t, strings.HasPrefix(derr.Error(), "ansinist: "), derr.Error())
			assert.Less(t, n, uint64(allocLimit))
		})
	}
}

// pngHeaderClaiming is a PNG signature and IHDR chunk for a w×h grey image
// with no data after it.
func pngHeaderClaiming(w, h int) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 0
	chunk := append([]byte("IHDR"), ihdr...)
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32IEEE(chunk))
	return b.Bytes()
}

func crc32IEEE(b []byte) uint32 {
	crc := ^uint32(0)
	for _, c := range b {
		crc ^= uint32(c)
		for k := 0; k < 8; k++ {
			if crc&1 != 0 {
				crc = crc>>1 ^ 0xEDB88320
			} else {
				crc >>= 1
			}
		}
	}
	return ^crc
}

// TestHostileMinutiae: absurd counts and indices in Type-9 stay cheap and
// never panic.
func TestHostileMinutiae(t *testing.T) {
	many := strings.Repeat(items("999999999", "99999999999", "99", "Z", "999999,999999")+"\x1e", 500)
	t9 := tagged(9, fld{2, "01"}, fld{3, "999"}, fld{4, "S"}, fld{6, "99999"}, fld{10, "99999999"}, fld{12, many},
		fld{128, "-1"}, fld{130, "1"}, fld{131, "0"}, fld{136, "999999999"},
		fld{137, strings.Repeat(items("1", "99999999", "-99999999", "999999999", "7", "999")+"\x1e", 500)},
		fld{138, subs(items("999"), items("1", "1", "99999"))},
		fld{139, items("a", "b")}, fld{141, items("99999", "1", "2")},
		fld{300, items("999999999", "999999999", "-999999999", "x")},
		fld{331, items("999999999", "-999999999", "999999999", "Q")},
		fld{333, items("0", "999999", "-1")})
	var err error
	n := allocated(func() { err = exercise(transaction(nil, rec{9, 1, t9})) })
	require.NoError(t, err)
	assert.Less(t, n, uint64(allocLimit))
}

// TestManyRecordsStayLinear: tens of thousands of small Type-9 records must
// not make minutiae conversion quadratic (each looks up its image by IDC).
func TestManyRecordsStayLinear(t *testing.T) {
	const n = 20000
	recs := make([]rec, 0, n+1)
	recs = append(recs, rec{14, 1, tagged(14, fld{2, "01"}, fld{6, "10"}, fld{7, "10"}, fld{8, "1"}, fld{9, "500"},
		fld{11, "NONE"}, fld{12, "8"}, fld{999, string(gradient(10, 10))})})
	t9 := tagged(9, fld{2, "01"}, fld{4, "S"}, fld{10, "1"}, fld{12, items("1", "00100010090", "0", "A")})
	for i := 0; i < n; i++ {
		recs = append(recs, rec{9, 1, t9})
	}
	data := transaction(nil, recs...)
	start := time.Now()
	tx, err := Decode(data)
	require.NoError(t, err)
	ts, err := tx.Templates()
	require.NoError(t, err)
	assert.Len(t, ts, n)
	tx.Summaries()
	assert.Less(t, time.Since(start), 30*time.Second)
}
