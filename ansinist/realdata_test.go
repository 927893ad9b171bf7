package ansinist

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/openbms/bms/internal/shareddata"
	"github.com/openbms/bms/minutiae"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sharedData is the fingerprint data set beside the repository.
var sharedData = shareddata.Path("fingerprint")

// realFiles lists the ANSI/NIST files of the shared data set, skipping the
// test when it is absent.
func realFiles(t *testing.T) []string {
	t.Helper()
	if _, err := os.Stat(sharedData); err != nil {
		t.Skipf("shared data set not found at %s (%v); real-data tests skipped", sharedData, err)
	}
	a, _ := filepath.Glob(filepath.Join(sharedData, "ansi-nist", "*.an2"))
	b, _ := filepath.Glob(filepath.Join(sharedData, "templates", "*.an2k"))
	files := append(a, b...)
	if len(files) == 0 {
		t.Skipf("no .an2/.an2k files under %s", sharedData)
	}
	return files
}

func TestRealFiles(t *testing.T) {
	for _, path := range realFiles(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			tx, err := ReadFile(path)
			require.NoError(t, err)

			// Every record CNT lists is there, of the listed type and IDC.
			cnt, ok := tx.Records[0].Field(3)
			require.True(t, ok)
			subs := cnt.Subfields()
			n, _ := strconv.Atoi(subs[0][1])
			require.Len(t, tx.Records, n+1)
			for i, s := range subs[1:] {
				typ, _ := strconv.Atoi(s[0])
				idc, _ := strconv.Atoi(s[1])
				assert.Equal(t, typ, tx.Records[i+1].Type, "record %d", i+1)
				assert.Equal(t, idc, tx.Records[i+1].IDC, "record %d", i+1)
			}

			var rows []string
			for i, r := range tx.Records {
				s := r.Summary()
				row := fmt.Sprintf("%2d %-48s IDC %2d", i, s.TypeName, s.IDC)
				if info, ok := r.ImageInfo(); ok {
					row += fmt.Sprintf(" %v %v %d×%d %.0fppi %s", info.Positions, info.Impression, info.Width, info.Height, info.PPI, info.Compression)
					img, err := r.DecodeImage()
					require.NoError(t, err, "record %d", i)
					b := img.Bounds()
					assert.Equal(t, info.Width, b.Dx(), "record %d width", i)
					assert.Equal(t, info.Height, b.Dy(), "record %d height", i)
					row += " decoded"
				}
				if r.Type == 9 {
					ts, err := r.Templates()
					require.NoError(t, err, "record %d", i)
					require.NotEmpty(t, ts, "record %d", i)
					for _, tp := range ts {
						checkPlausible(t, i, tp)
						row += fmt.Sprintf(" | %v %v %d×%d %d minutiae %d cores %d deltas %d ridge counts",
							tp.Position, tp.Impression, tp.Width, tp.Height, len(tp.Minutiae), len(tp.Cores), len(tp.Deltas), len(tp.RidgeCounts))
					}
				}
				rows = append(rows, row)
			}
			t.Logf("%s: version %s, %d records\n%s", name, tx.Version, len(tx.Records), strings.Join(rows, "\n"))
		})
	}
}

// checkPlausible: a real template has minutiae, all inside its image, with
// a resolution near the usual 500 ppi.
func checkPlausible(t *testing.T, rec int, tp minutiae.Template) {
	t.Helper()
	require.NotEmpty(t, tp.Minutiae, "record %d", rec)
	require.NotZero(t, tp.Width, "record %d", rec)
	require.NotZero(t, tp.Height, "record %d", rec)
	assert.InDelta(t, 197, int(tp.ResolutionX), 60, "record %d resolution", rec)
	for j, m := range tp.Minutiae {
		assert.Less(t, m.X, tp.Width, "record %d minutia %d", rec, j)
		assert.Less(t, m.Y, tp.Height, "record %d minutia %d", rec, j)
	}
	for _, p := range append(append([]minutiae.SingularPoint{}, tp.Cores...), tp.Deltas...) {
		assert.Less(t, p.X, tp.Width, "record %d singular point", rec)
		assert.Less(t, p.Y, tp.Height, "record %d singular point", rec)
	}
}

// TestStandardAgreesWithM1 is the proof of the conversion conventions: the
// NIST reference files type-9-14-std.an2 and type-9-14-m1.an2 (and the
// Type-9 of type-9-10-14.an2) hold the same 48 minutiae of one finger, in
// the legacy form (0.01 mm, bottom-left origin, theta away from the ridge)
// and in INCITS 378 form (pixels, top-left origin, 2° units). After
// conversion both must agree.
func TestStandardAgreesWithM1(t *testing.T) {
	realFiles(t)
	load := func(name string) minutiae.Template {
		tx, err := ReadFile(filepath.Join(sharedData, "ansi-nist", name))
		require.NoError(t, err)
		ts, err := tx.Templates()
		require.NoError(t, err)
		require.Len(t, ts, 1)
		return ts[0]
	}
	m1 := load("type-9-14-m1.an2")
	for _, name := range []string{"type-9-14-std.an2", "type-9-10-14.an2"} {
		t.Run(name, func(t *testing.T) {
			std := load(name)
			require.Len(t, std.Minutiae, len(m1.Minutiae))
			assert.Equal(t, m1.Width, std.Width)
			assert.Equal(t, m1.Height, std.Height)
			assert.Equal(t, m1.Position, std.Position)
			var maxD, maxA float64
			for i, a := range std.Minutiae {
				b := m1.Minutiae[i]
				d := math.Hypot(float64(a.X)-float64(b.X), float64(a.Y)-float64(b.Y))
				da := angleDiff(a.Direction, b.Direction)
				assert.LessOrEqual(t, d, 2.0, "minutia %d: %+v vs %+v", i, a, b)
				assert.LessOrEqual(t, da, 3.0, "minutia %d: %+v vs %+v", i, a, b)
				assert.Equal(t, b.Kind, a.Kind, "minutia %d", i)
				maxD, maxA = math.Max(maxD, d), math.Max(maxA, da)
			}
			for i := range m1.Cores {
				assert.InDelta(t, m1.Cores[i].X, std.Cores[i].X, 2)
				assert.InDelta(t, m1.Cores[i].Y, std.Cores[i].Y, 2)
			}
			for i := range m1.Deltas {
				assert.InDelta(t, m1.Deltas[i].X, std.Deltas[i].X, 2)
				assert.InDelta(t, m1.Deltas[i].Y, std.Deltas[i].Y, 2)
			}
			t.Logf("%d minutiae: max position difference %.2f px, max direction difference %.1f°", len(std.Minutiae), maxD, maxA)
		})
	}
}

func angleDiff(a, b minutiae.Angle) float64 {
	d := math.Abs(a.Degrees() - b.Degrees())
	if d > 180 {
		d = 360 - d
	}
	return d
}
