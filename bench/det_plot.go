package bench

import (
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"strings"
)

// DETSeries is one curve of a DET plot: a label and the scores it is
// computed from.
type DETSeries struct {
	Label             string
	Genuine, Impostor []float64
}

// Plot sizes in pixels.
const (
	DETWidth        = 800
	DETHeight       = 800
	HistogramWidth  = 900
	HistogramHeight = 600
)

// DET axes: both rates on a log scale from detMin to 1. Rates below detMin
// (in particular 0, which a log axis cannot show) are drawn on the lower
// edge of the plot.
const (
	detMin     = 1e-4
	detDecades = 4
)

// WriteDETPNG draws a DET (detection error trade-off) plot as a PNG of
// DETWidth × DETHeight: FNMR against FMR, both on log axes from 0.01 % to
// 100 %, one curve per series through all its operating points ([Curve])
// — the first wide, the others narrow — each with its EER point circled,
// the FMR = FNMR diagonal dashed, and a legend with each series' label and
// EER. At most four series.
func WriteDETPNG(w io.Writer, title string, series []DETSeries) error {
	if len(series) == 0 || len(series) > len(seriesColours) {
		return fmt.Errorf("bench: DET plot needs 1 to %d series, got %d", len(seriesColours), len(series))
	}
	type curve struct {
		pts []Point
		m   Metrics
	}
	curves := make([]curve, len(series))
	for i, s := range series {
		m, err := ComputeMetrics(s.Genuine, s.Impostor)
		if err != nil {
			return fmt.Errorf("bench: DET series %q: %w", s.Label, err)
		}
		curves[i] = curve{pts: Curve(s.Genuine, s.Impostor), m: m}
	}

	c := newCanvas(DETWidth, DETHeight)
	plot := image.Rect(110, 60, DETWidth-40, DETHeight-100)
	pw, ph := float64(plot.Dx()), float64(plot.Dy())
	// Rate → pixel along an axis of length l (0 at detMin, l at 1).
	pos := func(v, l float64) float64 {
		if v < detMin {
			v = detMin
		}
		return (math.Log10(v) + detDecades) / detDecades * l
	}
	px := func(fmr float64) float64 { return float64(plot.Min.X) + pos(fmr, pw) }
	py := func(fnmr float64) float64 { return float64(plot.Max.Y) - pos(fnmr, ph) }

	// Grid: minor lines at 2..9 × 10^k, major at each decade.
	for d := -detDecades; d < 0; d++ {
		for k := 2; k <= 9; k++ {
			v := float64(k) * math.Pow(10, float64(d))
			c.line(px(v), float64(plot.Min.Y), px(v), float64(plot.Max.Y), 1, colGrid, 0)
			c.line(float64(plot.Min.X), py(v), float64(plot.Max.X), py(v), 1, colGrid, 0)
		}
	}
	for d := -detDecades; d <= 0; d++ {
		v := math.Pow(10, float64(d))
		c.line(px(v), float64(plot.Min.Y), px(v), float64(plot.Max.Y), 1, colGridMajor, 0)
		c.line(float64(plot.Min.X), py(v), float64(plot.Max.X), py(v), 1, colGridMajor, 0)
		label := percentLabel(v)
		c.line(px(v), float64(plot.Max.Y), px(v), float64(plot.Max.Y+6), 2, colBlack, 0)
		c.text(label, int(px(v)), plot.Max.Y+20, alignCenter, 1, colBlack)
		c.line(float64(plot.Min.X-6), py(v), float64(plot.Min.X), py(v), 2, colBlack, 0)
		c.text(label, plot.Min.X-10, int(py(v)), alignRight, 1, colBlack)
	}
	c.line(px(detMin), py(detMin), px(1), py(1), 1, colDiagonal, 6)

	for i, cv := range curves {
		col := seriesColours[i]
		// The first series is drawn wide and later ones narrow on top, so
		// that a curve lying on an earlier one (FCJ2020 with and without
		// same-person impostors) stays visible.
		for k := 1; k < len(cv.pts); k++ {
			a, b := cv.pts[k-1], cv.pts[k]
			c.line(px(a.FMR), py(a.FNMR), px(b.FMR), py(b.FNMR), seriesWidth(i), col, 0)
		}
		c.circle(px(cv.m.EER), py(cv.m.EER), 7, colBlack)
	}

	// Frame, title, axis labels.
	drawFrame(c, plot)
	c.text(title, DETWidth/2, 30, alignCenter, 2, colBlack)
	c.text("FMR (false match rate)", plot.Min.X+plot.Dx()/2, DETHeight-50, alignCenter, 2, colBlack)
	c.textVertical("FNMR (false non-match rate)", 30, plot.Min.Y+plot.Dy()/2, 2, colBlack)
	c.text("rates below 0.01% (incl. 0) are drawn on the axes; o = EER point",
		plot.Min.X+plot.Dx()/2, DETHeight-20, alignCenter, 1, colDiagonal)

	// Legend, bottom left inside the plot (DET curves live top right).
	lines := make([]string, len(curves))
	width := 0
	for i, cv := range curves {
		lines[i] = fmt.Sprintf("%s: EER %.2f%% (%d gen., %d imp.)", series[i].Label, 100*cv.m.EER, cv.m.Genuine, cv.m.Impostor)
		width = max(width, len(lines[i]))
	}
	lw, _ := textSize(strings.Repeat("m", width), 1)
	box := image.Rect(plot.Min.X+12, plot.Max.Y-14-22*len(lines), plot.Min.X+12+lw+52, plot.Max.Y-12)
	c.fill(box, colWhite)
	drawFrame(c, box)
	for i, l := range lines {
		y := box.Min.Y + 12 + 22*i
		c.line(float64(box.Min.X+8), float64(y), float64(box.Min.X+36), float64(y), seriesWidth(i), seriesColours[i], 0)
		c.text(l, box.Min.X+44, y, alignLeft, 1, colBlack)
	}
	return encodePNG(w, c.img)
}

func percentLabel(v float64) string {
	return tickLabel(100*v) + "%"
}

func drawFrame(c *canvas, r image.Rectangle) {
	x0, y0, x1, y1 := float64(r.Min.X), float64(r.Min.Y), float64(r.Max.X), float64(r.Max.Y)
	c.line(x0, y0, x1, y0, 1, colBlack, 0)
	c.line(x0, y1, x1, y1, 1, colBlack, 0)
	c.line(x0, y0, x0, y1, 1, colBlack, 0)
	c.line(x1, y0, x1, y1, 1, colBlack, 0)
}

func encodePNG(w io.Writer, img image.Image) error {
	if w == nil {
		return errors.New("bench: nil writer")
	}
	// Best speed: the plots are mostly flat colour and compress well
	// anyway, and encoding dominates the drawing time.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	return enc.Encode(w, img)
}

func seriesWidth(i int) int {
	if i == 0 {
		return 5
	}
	return 2
}
