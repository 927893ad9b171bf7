package minutiae_test

import (
	"errors"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbms/bms/internal/fixtures"
	"github.com/openbms/bms/internal/shareddata"
	"github.com/openbms/bms/minutiae"
)

// dislocation draws parallel ridges of the given period with one minutia at
// (x0, y0) whose ISO direction is alphaDeg (counter-clockwise on screen).
// The spiral phase term adds one ridge on the side the minutia points to;
// bif chooses whether the extra ridge starts there (ending) or an existing
// ridge splits (bifurcation).
func dislocation(w, h int, x0, y0, period, alphaDeg float64, bif bool) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	a := alphaDeg * math.Pi / 180
	ca, sa := math.Cos(a), math.Sin(a)
	c := 0.0
	if bif {
		c = math.Pi
	}
	for y := range h {
		for x := range w {
			dx, dy := float64(x)-x0, float64(y)-y0
			// u along the minutia direction (y is down, angles are
			// counter-clockwise on screen), v across it.
			u := dx*ca - dy*sa
			v := dx*sa + dy*ca
			phi := 2*math.Pi*v/period + math.Atan2(v, u) + c
			img.Pix[y*img.Stride+x] = uint8(128 - 90*math.Cos(phi))
		}
	}
	return img
}

func angleDiff(a minutiae.Angle, deg float64) float64 {
	d := math.Mod(math.Abs(a.Degrees()-deg), 360)
	return math.Min(d, 360-d)
}

// nearest returns the minutia closest to (x, y) and its distance.
func nearest(t *minutiae.Template, x, y float64) (minutiae.Minutia, float64) {
	best, bd := minutiae.Minutia{}, math.Inf(1)
	for _, m := range t.Minutiae {
		if d := math.Hypot(float64(m.X)-x, float64(m.Y)-y); d < bd {
			best, bd = m, d
		}
	}
	return best, bd
}

func TestExtractSyntheticMinutia(t *testing.T) {
	for _, tc := range []struct {
		name  string
		alpha float64
		bif   bool
	}{
		{"ending-0", 0, false},
		{"ending-30", 30, false},
		{"ending-135", 135, false},
		{"ending-250", 250, false},
		{"bifurcation-0", 0, true},
		{"bifurcation-100", 100, true},
		{"bifurcation-200", 200, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := dislocation(240, 240, 120, 120, 9, tc.alpha, tc.bif)
			tpl, err := minutiae.Extract(img, minutiae.ExtractOptions{})
			require.NoError(t, err)
			m, d := nearest(tpl, 120, 120)
			require.LessOrEqual(t, d, 6.0, "no minutia near the dislocation: %+v", tpl.Minutiae)
			assert.LessOrEqual(t, angleDiff(m.Direction, tc.alpha), 20.0, "direction %.1f°", m.Direction.Degrees())
			want := minutiae.Ending
			if tc.bif {
				want = minutiae.Bifurcation
			}
			assert.Equal(t, want, m.Kind)
			assert.Greater(t, m.Quality, uint8(40))
			// Perfect parallel ridges hold no other minutia.
			assert.Len(t, tpl.Minutiae, 1, "%+v", tpl.Minutiae)
			assert.Equal(t, uint16(240), tpl.Width)
			assert.Equal(t, uint16(197), tpl.ResolutionX)
		})
	}
}

// At 1000 ppi the image is resampled to 500 and the minutia comes back in
// the original pixel coordinates.
func TestExtractResolution(t *testing.T) {
	img := dislocation(480, 440, 250, 210, 18, 60, false)
	tpl, err := minutiae.Extract(img, minutiae.ExtractOptions{PPI: 1000})
	require.NoError(t, err)
	assert.Equal(t, uint16(394), tpl.ResolutionX)
	assert.Equal(t, uint16(480), tpl.Width)
	assert.Equal(t, uint16(440), tpl.Height)
	m, d := nearest(tpl, 250, 210)
	require.LessOrEqual(t, d, 10.0, "%+v", tpl.Minutiae)
	assert.LessOrEqual(t, angleDiff(m.Direction, 60), 20.0)
	assert.Equal(t, minutiae.Ending, m.Kind)
}

func TestExtractFixtureWhorl(t *testing.T) {
	img := fixtures.RidgeImage(300, 400)
	var dbg minutiae.ExtractDebug
	tpl, err := minutiae.Extract(img, minutiae.ExtractOptions{Debug: &dbg})
	require.NoError(t, err)
	// The whorl has no minutiae; a few may appear where the ridges curve
	// tightest at its centre.
	assert.LessOrEqual(t, len(tpl.Minutiae), 4, "%+v", tpl.Minutiae)
	require.NotEmpty(t, tpl.Cores)
	for _, c := range tpl.Cores {
		assert.InDelta(t, 150, float64(c.X), 25)
		assert.InDelta(t, 168, float64(c.Y), 25)
	}
	assert.Empty(t, tpl.Deltas)
	// Without minutiae nothing can be matched, whatever the clarity.
	if len(tpl.Minutiae) == 0 {
		assert.Zero(t, tpl.Quality())
	}
	require.NotNil(t, dbg.Mask)
	assert.Equal(t, img.Rect, dbg.Mask.Rect)
	// The contact ellipse is foreground, the corners are not.
	assert.Equal(t, uint8(255), dbg.Mask.GrayAt(150, 170).Y)
	assert.Equal(t, uint8(0), dbg.Mask.GrayAt(3, 3).Y)
	for _, d := range []*image.Gray{dbg.Orientation, dbg.Enhanced, dbg.Skeleton} {
		require.NotNil(t, d)
		assert.Equal(t, img.Rect, d.Rect)
	}
}

// A latent's region of interest keeps the minutiae inside it only.
func TestExtractROI(t *testing.T) {
	img := dislocation(300, 240, 200, 120, 9, 0, false)
	// Add a second minutia on the left.
	left := dislocation(300, 240, 80, 120, 9, 180, false)
	for y := range 240 {
		copy(img.Pix[y*img.Stride:y*img.Stride+150], left.Pix[y*left.Stride:y*left.Stride+150])
	}
	roi := image.NewGray(img.Rect)
	for y := range 240 {
		for x := 150; x < 300; x++ {
			roi.Pix[y*roi.Stride+x] = 1
		}
	}
	all, err := minutiae.Extract(img, minutiae.ExtractOptions{Impression: minutiae.LatentImpression})
	require.NoError(t, err)
	_, d := nearest(all, 80, 120)
	assert.LessOrEqual(t, d, 6.0, "%+v", all.Minutiae)

	tpl, err := minutiae.Extract(img, minutiae.ExtractOptions{Impression: minutiae.LatentImpression, ROI: roi})
	require.NoError(t, err)
	assert.Equal(t, minutiae.LatentImpression, tpl.Impression)
	for _, m := range tpl.Minutiae {
		assert.GreaterOrEqual(t, m.X, uint16(150))
	}
	_, d = nearest(tpl, 200, 120)
	assert.LessOrEqual(t, d, 6.0, "%+v", tpl.Minutiae)
}

// A faint mark beside dark card lines: the examiner's region of interest
// sets the contrast scale, so the mark is not dropped as background
// against the lines' energy.
func TestExtractROIFaintMark(t *testing.T) {
	const w, h = 320, 240
	img := dislocation(w, h, 240, 120, 9, 0, false)
	for y := range h {
		row := img.Pix[y*img.Stride : y*img.Stride+w]
		for x := range row {
			if x < 160 {
				// Card lines: dark, 4 px wide, every 20 px, full contrast.
				row[x] = 235
				if x%20 < 4 {
					row[x] = 20
				}
				continue
			}
			// The mark: a tenth of the contrast.
			row[x] = uint8(128 + (float64(row[x])-128)/10)
		}
	}
	roi := image.NewGray(img.Rect)
	for y := range h {
		for x := 160; x < w; x++ {
			roi.Pix[y*roi.Stride+x] = 255
		}
	}
	tpl, err := minutiae.Extract(img, minutiae.ExtractOptions{Impression: minutiae.LatentImpression, ROI: roi})
	require.NoError(t, err)
	_, d := nearest(tpl, 240, 120)
	assert.LessOrEqual(t, d, 6.0, "%+v", tpl.Minutiae)
	for _, m := range tpl.Minutiae {
		assert.GreaterOrEqual(t, m.X, uint16(160))
	}
}

func TestExtractErrors(t *testing.T) {
	var nilGray *image.Gray
	uniform := image.NewGray(image.Rect(0, 0, 200, 200))
	for i := range uniform.Pix {
		uniform.Pix[i] = 200
	}
	noise := image.NewGray(image.Rect(0, 0, 200, 200))
	for i := range noise.Pix {
		noise.Pix[i] = uint8(i * 2654435761 >> 13)
	}
	for _, tc := range []struct {
		name string
		img  image.Image
		opts minutiae.ExtractOptions
	}{
		{"nil", nil, minutiae.ExtractOptions{}},
		{"nil gray", nilGray, minutiae.ExtractOptions{}},
		{"empty", image.NewGray(image.Rect(0, 0, 0, 0)), minutiae.ExtractOptions{}},
		{"tiny", image.NewGray(image.Rect(0, 0, 10, 10)), minutiae.ExtractOptions{}},
		{"one row", image.NewGray(image.Rect(0, 0, 500, 1)), minutiae.ExtractOptions{}},
		{"short buffer", &image.Gray{Pix: make([]uint8, 100), Stride: 100, Rect: image.Rect(0, 0, 100, 100)}, minutiae.ExtractOptions{}},
		{"short stride", &image.Gray{Pix: make([]uint8, 10000), Stride: 10, Rect: image.Rect(0, 0, 100, 100)}, minutiae.ExtractOptions{}},
		{"uniform", uniform, minutiae.ExtractOptions{}},
		{"tiny after resampling", fixtures.RidgeImage(100, 100), minutiae.ExtractOptions{PPI: 1500}},
		{"NaN ppi", fixtures.RidgeImage(100, 100), minutiae.ExtractOptions{PPI: math.NaN()}},
		{"negative ppi", fixtures.RidgeImage(100, 100), minutiae.ExtractOptions{PPI: -500}},
		{"ROI size", fixtures.RidgeImage(200, 200), minutiae.ExtractOptions{ROI: image.NewGray(image.Rect(0, 0, 10, 10))}},
		{"empty ROI", fixtures.RidgeImage(200, 200), minutiae.ExtractOptions{ROI: image.NewGray(image.Rect(0, 0, 200, 200))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tpl, err := minutiae.Extract(tc.img, tc.opts)
			assert.Error(t, err)
			assert.Nil(t, tpl)
		})
	}
	_, err := minutiae.Extract(uniform, minutiae.ExtractOptions{})
	assert.True(t, errors.Is(err, minutiae.ErrNoFingerprint), "%v", err)
	_, err = minutiae.Extract(image.NewGray(image.Rect(0, 0, 10, 10)), minutiae.ExtractOptions{})
	assert.True(t, errors.Is(err, minutiae.ErrImageTooSmall), "%v", err)
	// Noise must not panic; it may or may not give a template.
	assert.NotPanics(t, func() { _, _ = minutiae.Extract(noise, minutiae.ExtractOptions{}) })
	_, err = minutiae.ExtractImage(nil, minutiae.ExtractOptions{})
	assert.Error(t, err)
}

// Other image types, sub-images and odd sizes go through the same path.
func TestExtractImageTypes(t *testing.T) {
	g := dislocation(240, 240, 120, 120, 9, 45, false)
	rgba := image.NewRGBA(image.Rect(10, 20, 250, 260))
	for y := range 240 {
		for x := range 240 {
			v := g.Pix[y*g.Stride+x]
			rgba.Set(x+10, y+20, color.RGBA{v, v, v, 255})
		}
	}
	a, err := minutiae.Extract(g, minutiae.ExtractOptions{})
	require.NoError(t, err)
	b, err := minutiae.Extract(rgba, minutiae.ExtractOptions{})
	require.NoError(t, err)
	assert.Equal(t, a.Minutiae, b.Minutiae)
	sub := g.SubImage(image.Rect(7, 5, 237, 238)).(*image.Gray)
	c, err := minutiae.Extract(sub, minutiae.ExtractOptions{})
	require.NoError(t, err)
	m, d := nearest(c, 113, 115)
	assert.LessOrEqual(t, d, 6.0)
	assert.LessOrEqual(t, angleDiff(m.Direction, 45), 20.0)
	im := &minutiae.Image{Gray: g, PPI: 500}
	e, err := minutiae.ExtractImage(im, minutiae.ExtractOptions{})
	require.NoError(t, err)
	assert.Equal(t, a.Minutiae, e.Minutiae)
	for _, sz := range [][2]int{{33, 400}, {400, 33}, {61, 61}, {127, 255}} {
		_, _ = minutiae.Extract(fixtures.RidgeImage(sz[0], sz[1]), minutiae.ExtractOptions{})
	}
}

func TestExtractConcurrent(t *testing.T) {
	img := fixtures.RidgeImage(300, 300)
	want, err := minutiae.Extract(dislocation(240, 240, 120, 120, 9, 10, false), minutiae.ExtractOptions{})
	require.NoError(t, err)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if i%2 == 0 {
				_, err := minutiae.Extract(img, minutiae.ExtractOptions{})
				assert.NoError(t, err)
				return
			}
			got, err := minutiae.Extract(dislocation(240, 240, 120, 120, 9, 10, false), minutiae.ExtractOptions{})
			if assert.NoError(t, err) {
				assert.Equal(t, want.Minutiae, got.Minutiae)
			}
		})
	}
	wg.Wait()
}

var realData = shareddata.Path("fingerprint")

func skipWithoutData(t testing.TB, dir string) string {
	p := filepath.Join(realData, dir)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real data absent (%s): %v", p, err)
	}
	return p
}

// pairRate is the share of a's minutiae that have one of b's within 10 px
// and 20°.
func pairRate(a, b []minutiae.Minutia) float64 {
	if len(a) == 0 {
		return 0
	}
	n := 0
	for _, m := range a {
		for _, o := range b {
			dx, dy := float64(m.X)-float64(o.X), float64(m.Y)-float64(o.Y)
			if dx*dx+dy*dy <= 100 && angleDiff(m.Direction, o.Direction.Degrees()) <= 20 {
				n++
				break
			}
		}
	}
	return float64(n) / float64(len(a))
}

// The FingerJet FX OSE templates of the MINEX samples fix the coordinate
// system and direction convention: most of its minutiae must have one of
// ours at the same place with the same direction.
func TestExtractAgreesWithFingerJet(t *testing.T) {
	dir := skipWithoutData(t, "minex-samples")
	files, err := filepath.Glob(filepath.Join(dir, "*.ist"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var sum float64
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		rec, _, err := minutiae.Decode(data)
		require.NoError(t, err)
		ref := rec.Views[0]
		im, err := minutiae.DecodeImageFile(strings.TrimSuffix(f, ".ist") + ".pgm")
		require.NoError(t, err)
		tpl, err := minutiae.ExtractImage(im, minutiae.ExtractOptions{})
		require.NoError(t, err)
		assert.Equal(t, ref.Width, tpl.Width)
		assert.Equal(t, ref.Height, tpl.Height)
		r := pairRate(ref.Minutiae, tpl.Minutiae)
		t.Logf("%s: FingerJet %d, ours %d, FingerJet's paired %.0f%%, ours paired %.0f%%", filepath.Base(f),
			len(ref.Minutiae), len(tpl.Minutiae), 100*r, 100*pairRate(tpl.Minutiae, ref.Minutiae))
		sum += r
	}
	assert.Greater(t, sum/float64(len(files)), 0.5)
}

func TestExtractFVC(t *testing.T) {
	dir := skipWithoutData(t, "fvc2000")
	for _, db := range []string{"DB1_B", "DB2_B", "DB3_B", "DB4_B"} {
		files, err := filepath.Glob(filepath.Join(dir, db, "10[12]_*.tif"))
		require.NoError(t, err)
		var counts []int
		for _, f := range files {
			im, err := minutiae.DecodeImageFile(f)
			require.NoError(t, err)
			tpl, err := minutiae.ExtractImage(im, minutiae.ExtractOptions{})
			require.NoError(t, err, f)
			counts = append(counts, len(tpl.Minutiae))
			assert.Greater(t, tpl.Quality(), uint8(0), f)
		}
		sort.Ints(counts)
		t.Logf("%s minutiae: %v", db, counts)
		require.NotEmpty(t, counts)
		med := counts[len(counts)/2]
		assert.GreaterOrEqual(t, med, 15, db)
		assert.LessOrEqual(t, med, 90, db)
	}
}

// benchImage is FVC2000 DB1_B 101_1 (300×300, 500 ppi) when the real data
// is there, else the 300×300 generated whorl.
func benchImage(b *testing.B) *image.Gray {
	if im, err := minutiae.DecodeImageFile(filepath.Join(realData, "fvc2000/DB1_B/101_1.tif")); err == nil {
		return im.Gray
	}
	b.Log("real data absent: benchmarking the generated whorl")
	return fixtures.RidgeImage(300, 300)
}

func BenchmarkExtract(b *testing.B) {
	img := benchImage(b)
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		if _, err := minutiae.Extract(img, minutiae.ExtractOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/image")
}

// BenchmarkExtractPalm is a 2750×2750, 1000-ppi image (the palm size of the
// acceptance criteria), processed at 500 ppi.
func BenchmarkExtractPalm(b *testing.B) {
	img := fixtures.RidgeImage(2750, 2750)
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		if _, err := minutiae.Extract(img, minutiae.ExtractOptions{PPI: 1000, Impression: minutiae.PalmLive}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/image")
}

// Palms are processed in overlapping tiles: a minutia just past a tile
// boundary is found once, at the right place, and tile edges add none.
func TestExtractPalmTiles(t *testing.T) {
	// 1000 ppi: 1800×1700 is 900×850 at the working scale, and the first
	// tile's core ends at working x = 768, original x = 1536.
	img := dislocation(1800, 1700, 1544, 800, 18, 120, true)
	tpl, err := minutiae.Extract(img, minutiae.ExtractOptions{PPI: 1000, Impression: minutiae.PalmLive})
	require.NoError(t, err)
	require.Len(t, tpl.Minutiae, 1, "%+v", tpl.Minutiae)
	m := tpl.Minutiae[0]
	assert.InDelta(t, 1544, float64(m.X), 10)
	assert.InDelta(t, 800, float64(m.Y), 10)
	assert.LessOrEqual(t, angleDiff(m.Direction, 120), 20.0)
	assert.Equal(t, minutiae.Bifurcation, m.Kind)
	assert.Equal(t, minutiae.PalmLive, tpl.Impression)
	assert.Equal(t, uint16(1800), tpl.Width)
	assert.Greater(t, tpl.Quality(), uint8(0))
}

// Arbitrary sizes, resolutions and contents give a template or an error,
// never a panic.
func TestExtractNeverPanics(t *testing.T) {
	seed := uint32(1)
	rnd := func(n int) int {
		seed = seed*1664525 + 1013904223
		return int(seed>>8) % n
	}
	for i := range 60 {
		w, h := 1+rnd(400), 1+rnd(400)
		img := image.NewGray(image.Rect(0, 0, w, h))
		switch i % 4 {
		case 0: // noise
			for k := range img.Pix {
				img.Pix[k] = uint8(rnd(256))
			}
		case 1: // a print-like whorl
			img = fixtures.RidgeImage(w, h)
		case 2: // blobs and lines
			for k := range img.Pix {
				x, y := k%w, k/w
				img.Pix[k] = uint8(((x/(1+rnd(20)))^(y/7))&1) * 255
			}
		case 3: // a minutia in a corner
			img = dislocation(w, h, float64(rnd(w)), float64(rnd(h)), float64(4+rnd(16)), float64(rnd(360)), rnd(2) == 0)
		}
		opts := minutiae.ExtractOptions{
			PPI:        []float64{0, 300, 500, 1000, 333}[rnd(5)],
			Impression: []minutiae.Impression{minutiae.LivePlain, minutiae.LatentImpression, minutiae.PalmLive}[rnd(3)],
		}
		if rnd(3) == 0 {
			roi := image.NewGray(img.Rect)
			for k := range roi.Pix {
				roi.Pix[k] = uint8(rnd(2))
			}
			opts.ROI = roi
		}
		require.NotPanics(t, func() {
			tpl, err := minutiae.Extract(img, opts)
			if err == nil {
				for _, m := range tpl.Minutiae {
					assert.Less(t, int(m.X), w)
					assert.Less(t, int(m.Y), h)
					assert.LessOrEqual(t, m.Quality, uint8(100))
				}
			}
		}, "case %d: %d×%d %+v", i, w, h, opts)
	}
}

// BenchmarkExtractFVC extracts every FVC2000 DB1_B image (80, 300×300,
// 500 ppi) per iteration and reports the median and mean time per image:
// the acceptance figure is the median with GOMAXPROCS=1.
func BenchmarkExtractFVC(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(realData, "fvc2000/DB1_B/*.tif"))
	if len(files) == 0 {
		b.Skip("real data absent: FVC2000 DB1_B")
	}
	var imgs []*minutiae.Image
	for _, f := range files {
		im, err := minutiae.DecodeImageFile(f)
		if err != nil {
			b.Fatal(err)
		}
		imgs = append(imgs, im)
	}
	b.ReportAllocs()
	var times []float64
	for b.Loop() {
		for _, im := range imgs {
			st := time.Now()
			if _, err := minutiae.ExtractImage(im, minutiae.ExtractOptions{}); err != nil {
				b.Fatal(err)
			}
			times = append(times, float64(time.Since(st).Microseconds())/1000)
		}
	}
	sort.Float64s(times)
	var sum float64
	for _, t := range times {
		sum += t
	}
	b.ReportMetric(times[len(times)/2], "median-ms/image")
	b.ReportMetric(sum/float64(len(times)), "ms/image")
}

func TestExtractImageDistrustsImplausibleResolution(t *testing.T) {
	img := fixtures.RidgeImage(300, 400)
	at := func(filePPI float64) *minutiae.Template {
		tp, err := minutiae.ExtractImage(&minutiae.Image{Gray: img, PPI: filePPI}, minutiae.ExtractOptions{})
		if err != nil {
			t.Fatalf("file ppi %v: %v", filePPI, err)
		}
		return tp
	}
	// A stated 72 dpi is ignored (500 ppi assumed); a stated 1000 ppi is used.
	if got := at(72).ResolutionX; got != 197 {
		t.Errorf("72 dpi file: resolution %d px/cm, want 197 (500 ppi assumed)", got)
	}
	if got := at(1000).ResolutionX; got != 394 {
		t.Errorf("1000 ppi file: resolution %d px/cm, want 394", got)
	}
	tp, err := minutiae.ExtractImage(&minutiae.Image{Gray: img, PPI: 72}, minutiae.ExtractOptions{PPI: 400})
	if err != nil || tp.ResolutionX != 157 {
		t.Errorf("an explicit PPI wins: %v, %d px/cm", err, tp.ResolutionX)
	}
}

// A loop opening towards 200° (down and to the left on screen): the core
// carries that direction, and keeps it through an ISO/IEC 19794-2:2011
// record and an ANSI INCITS 378-2009 one.
func TestExtractCoreDirection(t *testing.T) {
	const n, open = 320, 200.0
	img := image.NewGray(image.Rect(0, 0, n, n))
	psi := open * math.Pi / 180
	for y := range n {
		for x := range n {
			dx, dy := float64(x)-n/2, -(float64(y) - n/2)
			phiPolar := math.Atan2(dy, dx)
			th := (phiPolar + psi) / 2
			phase := 2 * math.Pi / 9 * math.Hypot(dx, dy) * math.Sin(phiPolar-th)
			img.Pix[y*img.Stride+x] = uint8(128 - 90*math.Cos(phase))
		}
	}
	tpl, err := minutiae.Extract(img, minutiae.ExtractOptions{})
	require.NoError(t, err)
	require.Len(t, tpl.Cores, 1)
	c := tpl.Cores[0]
	require.True(t, c.HasDirection)
	require.Len(t, c.Directions, 1)
	assert.LessOrEqual(t, angleDiff(c.Directions[0], open), 10.0, "core direction %.1f°", c.Directions[0].Degrees())
	for _, f := range []minutiae.Format{minutiae.FormatISO2011, minutiae.FormatANSI2009} {
		data, err := minutiae.Encode(&minutiae.Record{Views: []minutiae.Template{*tpl}}, f)
		require.NoError(t, err)
		rec, _, err := minutiae.Decode(data)
		require.NoError(t, err)
		require.Len(t, rec.Views[0].Cores, 1, "%v", f)
		back := rec.Views[0].Cores[0]
		require.True(t, back.HasDirection, "%v", f)
		assert.LessOrEqual(t, angleDiff(back.Directions[0], open), 12.0, "%v: %.1f°", f, back.Directions[0].Degrees())
	}
}
