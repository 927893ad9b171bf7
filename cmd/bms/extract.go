package main

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/openbms/bms/minutiae"
)

var impressionModes = map[string]minutiae.Impression{
	"plain":  minutiae.LivePlain,
	"rolled": minutiae.LiveRolled,
	"latent": minutiae.LatentImpression,
	"palm":   minutiae.PalmLive,
}

func runExtract(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("extract", stderr)
	format := fs.String("format", "iso2011", "template format: iso2005, iso2011, ansi2004, ansi2009, ansi2009am1, xyt, json")
	impression := fs.String("impression", "plain", "impression mode: plain, rolled, latent, palm")
	outDir := fs.String("o", "", "output directory (required)")
	debugDir := fs.String("debug", "", "directory for debug overlays (mask, orientation, enhanced, skeleton, minutiae)")
	ppi := fs.Float64("ppi", 0, "image resolution (0: the file's, when it states at least 250 ppi, else 500)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "images extracted at once")
	roi := fs.String("roi", "", "region-of-interest mask (an examiner's outline of a latent): an image of the same size, non-zero = usable; a directory holds one mask per IMAGE, named like it")
	slap := fs.String("slap", "", "the images are slaps to split into fingertips: right (four fingers), left (four fingers) or thumbs; each file then holds one view per finger")
	if err := fs.Parse(args); err != nil {
		return err
	}
	slapPos, ok := slapCodes[*slap]
	if !ok {
		return usageError("unknown slap %q (want right, left or thumbs)", *slap)
	}
	if slapPos != 0 && *roi != "" {
		return usageError("-slap and -roi do not go together")
	}
	if *outDir == "" || fs.NArg() == 0 {
		return usageError("extract needs -o DIR and at least one IMAGE")
	}
	roiFor, err := roiSource(*roi, fs.NArg())
	if err != nil {
		return err
	}
	f, err := minutiae.ParseFormat(*format)
	if err != nil {
		return usageError("%v", err)
	}
	mode, ok := impressionModes[*impression]
	if slapPos != 0 && *impression == "plain" {
		mode = minutiae.NonlivePlain // slaps are plain; a scanner's are live, a card's not: either compares the same
	}
	if !ok {
		return usageError("unknown impression %q (want plain, rolled, latent or palm)", *impression)
	}
	for _, d := range []string{*outDir, *debugDir} {
		if d != "" {
			if err := os.MkdirAll(d, 0o755); err != nil {
				return err
			}
		}
	}

	files := fs.Args()
	results := make([]string, len(files))
	errs := make([]error, len(files))
	progress := newProgress(stderr, len(files))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range max(1, *workers) {
		wg.Go(func() {
			for i := range jobs {
				if slapPos != 0 {
					results[i], errs[i] = extractSlap(files[i], f, mode, slapPos, *ppi, *outDir, *debugDir)
				} else {
					results[i], errs[i] = extractOne(files[i], f, mode, *ppi, roiFor, *outDir, *debugDir)
				}
				progress.step()
			}
		})
	}
	for i := range files {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	progress.done()

	failed := 0
	for i := range files {
		if errs[i] != nil {
			failed++
			fmt.Fprintf(stdout, "%s: error: %v\n", files[i], errs[i])
			continue
		}
		fmt.Fprintln(stdout, results[i])
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d images failed", failed, len(files))
	}
	return nil
}

func extractOne(path string, f minutiae.Format, mode minutiae.Impression, ppi float64, roiFor func(string) (*image.Gray, error), outDir, debugDir string) (string, error) {
	img, err := minutiae.DecodeImageFile(path)
	if err != nil {
		return "", err
	}
	roi, err := roiFor(path)
	if err != nil {
		return "", err
	}
	opts := minutiae.ExtractOptions{Impression: mode, PPI: ppi, ROI: roi}
	var dbg *minutiae.ExtractDebug
	if debugDir != "" {
		dbg = new(minutiae.ExtractDebug)
		opts.Debug = dbg
	}
	start := time.Now()
	t, err := minutiae.ExtractImage(img, opts)
	if err != nil {
		return "", err
	}
	took := time.Since(start)
	out, base, err := writeRecord(&minutiae.Record{Views: []minutiae.Template{*t}}, f, path, outDir)
	if err != nil {
		return "", err
	}
	if dbg != nil {
		if err := writeDebug(debugDir, base, img.Gray, t, dbg); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("%s → %s: %d minutiae, quality %d, %.1f ms", path, out, len(t.Minutiae), t.Quality(), float64(took.Microseconds())/1000), nil
}

// writeRecord encodes rec in format f into outDir, named after the image
// at path; it returns the file written and the image's base name.
func writeRecord(rec *minutiae.Record, f minutiae.Format, path, outDir string) (out, base string, err error) {
	data, err := minutiae.Encode(rec, f)
	if err != nil {
		return "", "", err
	}
	base = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	out = filepath.Join(outDir, base+"."+f.String())
	return out, base, os.WriteFile(out, data, 0o644)
}

// slapCodes are the -slap values: the multi-finger position codes.
var slapCodes = map[string]minutiae.Position{
	"":       0,
	"right":  minutiae.PlainRightFour,
	"left":   minutiae.PlainLeftFour,
	"thumbs": minutiae.PlainThumbs,
}

// extractSlap splits one slap image into fingertips and writes them as one
// record with a view per finger; with a debug directory it also draws the
// fingertip boxes on the slap.
func extractSlap(path string, f minutiae.Format, mode minutiae.Impression, slap minutiae.Position, ppi float64, outDir, debugDir string) (string, error) {
	img, err := minutiae.DecodeImageFile(path)
	if err != nil {
		return "", err
	}
	if ppi == 0 && img.PPI >= minutiae.MinPlausiblePPI {
		ppi = img.PPI
	}
	start := time.Now()
	tps, fingers, err := minutiae.ExtractSlap(img.Gray, slap, minutiae.SlapOptions{PPI: ppi, Impression: mode})
	if err != nil {
		return "", err
	}
	took := time.Since(start)
	rec := &minutiae.Record{}
	var parts []string
	for i, t := range tps {
		rec.Views = append(rec.Views, *t)
		parts = append(parts, fmt.Sprintf("%v %d minutiae at %v", t.Position, len(t.Minutiae), fingers[i].Bounds))
	}
	out, base, err := writeRecord(rec, f, path, outDir)
	if err != nil {
		return "", err
	}
	if debugDir != "" {
		overlay := image.NewRGBA(img.Gray.Bounds())
		draw.Draw(overlay, overlay.Bounds(), img.Gray, img.Gray.Bounds().Min, draw.Src)
		red := color.RGBA{255, 0, 0, 255}
		for _, fg := range fingers {
			r := fg.Bounds
			for _, e := range [4][4]int{{r.Min.X, r.Min.Y, r.Max.X - 1, r.Min.Y}, {r.Min.X, r.Max.Y - 1, r.Max.X - 1, r.Max.Y - 1}, {r.Min.X, r.Min.Y, r.Min.X, r.Max.Y - 1}, {r.Max.X - 1, r.Min.Y, r.Max.X - 1, r.Max.Y - 1}} {
				drawLine(overlay, float64(e[0]), float64(e[1]), float64(e[2]), float64(e[3]), red)
			}
		}
		if err := minutiae.EncodeImageFile(filepath.Join(debugDir, base+"-slap.png"), overlay); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("%s → %s: %s; %.1f ms", path, out, strings.Join(parts, ", "), float64(took.Microseconds())/1000), nil
}

// roiSource resolves the -roi flag: no mask; one mask file (for a single
// image); or a directory holding, for each image, a mask with the same base
// name and any image extension. A missing mask is an error rather than a
// silent extraction of the whole image, which for a latent means minutiae
// from the card's print and handwriting.
func roiSource(path string, images int) (func(string) (*image.Gray, error), error) {
	if path == "" {
		return func(string) (*image.Gray, error) { return nil, nil }, nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		if images != 1 {
			return nil, usageError("-roi FILE applies to one image; give a directory of masks for %d images", images)
		}
		return func(string) (*image.Gray, error) { return loadROI(path) }, nil
	}
	return func(img string) (*image.Gray, error) {
		base := strings.TrimSuffix(filepath.Base(img), filepath.Ext(img))
		for _, ext := range []string{".png", ".bmp", ".pgm", ".tif", ".tiff", ".gif", ".jpg"} {
			p := filepath.Join(path, base+ext)
			if _, err := os.Stat(p); err == nil {
				return loadROI(p)
			}
		}
		return nil, fmt.Errorf("no ROI mask for %s in %s", filepath.Base(img), path)
	}, nil
}

// loadROI reads a region-of-interest mask: any image format Extract reads;
// non-zero pixels are usable.
func loadROI(path string) (*image.Gray, error) {
	m, err := minutiae.DecodeImageFile(path)
	if err != nil {
		return nil, fmt.Errorf("ROI: %w", err)
	}
	return m.Gray, nil
}

// writeDebug writes the intermediate images and a minutiae overlay on the
// original image: endings red, bifurcations blue, a tick along the
// direction, cores as green circles and deltas as green triangles with
// their directions as long green strokes.
func writeDebug(dir, base string, src *image.Gray, t *minutiae.Template, d *minutiae.ExtractDebug) error {
	for name, img := range map[string]*image.Gray{"mask": d.Mask, "orientation": d.Orientation, "enhanced": d.Enhanced, "skeleton": d.Skeleton} {
		if img == nil {
			continue
		}
		if err := minutiae.EncodeImageFile(filepath.Join(dir, base+"-"+name+".png"), img); err != nil {
			return err
		}
	}
	return minutiae.EncodeImageFile(filepath.Join(dir, base+"-minutiae.png"), drawMinutiae(src, t))
}

func drawMinutiae(src *image.Gray, t *minutiae.Template) *image.RGBA {
	b := src.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := range b.Dy() {
		for x := range b.Dx() {
			v := src.GrayAt(b.Min.X+x, b.Min.Y+y).Y
			// Fade the print so the marks stand out.
			v = 128 + v/2
			out.SetRGBA(x, y, color.RGBA{v, v, v, 255})
		}
	}
	red := color.RGBA{220, 30, 30, 255}
	blue := color.RGBA{30, 70, 230, 255}
	green := color.RGBA{20, 160, 40, 255}
	for _, m := range t.Minutiae {
		c := red
		if m.Kind == minutiae.Bifurcation {
			c = blue
		}
		x, y := float64(m.X), float64(m.Y)
		drawCircle(out, x, y, 4, c)
		// Angles are counter-clockwise on screen, and screen y grows downwards.
		a := m.Direction.Radians()
		drawLine(out, x, y, x+14*math.Cos(a), y-14*math.Sin(a), c)
	}
	arms := func(p minutiae.SingularPoint) {
		for _, d := range p.Directions {
			a := d.Radians()
			x, y := float64(p.X), float64(p.Y)
			drawLine(out, x, y, x+30*math.Cos(a), y-30*math.Sin(a), green)
		}
	}
	for _, p := range t.Cores {
		drawCircle(out, float64(p.X), float64(p.Y), 9, green)
		drawCircle(out, float64(p.X), float64(p.Y), 8, green)
		arms(p)
	}
	for _, p := range t.Deltas {
		x, y := float64(p.X), float64(p.Y)
		drawLine(out, x, y-9, x-8, y+6, green)
		drawLine(out, x-8, y+6, x+8, y+6, green)
		drawLine(out, x+8, y+6, x, y-9, green)
		arms(p)
	}
	return out
}

func drawLine(img *image.RGBA, x0, y0, x1, y1 float64, c color.RGBA) {
	n := int(math.Max(math.Abs(x1-x0), math.Abs(y1-y0))) + 1
	for i := 0; i <= n; i++ {
		f := float64(i) / float64(n)
		img.SetRGBA(int(math.Round(x0+f*(x1-x0))), int(math.Round(y0+f*(y1-y0))), c)
	}
}

func drawCircle(img *image.RGBA, cx, cy, r float64, c color.RGBA) {
	steps := int(2*math.Pi*r) + 8
	for i := range steps {
		a := 2 * math.Pi * float64(i) / float64(steps)
		img.SetRGBA(int(math.Round(cx+r*math.Cos(a))), int(math.Round(cy+r*math.Sin(a))), c)
	}
}

// progress draws a bar on stderr for runs of several files; with one file
// it stays silent so scripted single calls keep clean output. It redraws
// at most every progressInterval (and at the end), so a run of many small
// items does not write a line per item into a log.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	total int
	n     int
	start time.Time
	drawn time.Time // last redraw
}

const progressInterval = 100 * time.Millisecond

func newProgress(w io.Writer, total int) *progress {
	return &progress{w: w, total: total, start: time.Now()}
}

func (p *progress) step() {
	p.mu.Lock()
	n := p.n + 1
	p.mu.Unlock()
	p.set(n)
}

// set shows n of total done.
func (p *progress) set(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n = n
	if p.total < 2 {
		return
	}
	now := time.Now()
	if n < p.total && now.Sub(p.drawn) < progressInterval {
		return
	}
	p.drawn = now
	const width = 30
	filled := width * p.n / p.total
	rate := float64(p.n) / time.Since(p.start).Seconds()
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d  %.1f/s", strings.Repeat("#", filled), strings.Repeat(".", width-filled), p.n, p.total, rate)
}

func (p *progress) done() {
	if p.total >= 2 {
		fmt.Fprintln(p.w)
	}
}
