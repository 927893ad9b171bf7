package bench

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
)

// histogramBins is the number of bins of the score histogram.
const histogramBins = 40

// WriteHistogramPNG draws the genuine and impostor score distributions as
// a PNG of HistogramWidth × HistogramHeight: two overlaid translucent
// histograms (genuine blue, impostor vermillion) over a common set of
// histogramBins bins spanning the finite scores, each normalised to the
// fraction of its own class so that 280 genuine and 45 impostor pairs are
// comparable. Infinite scores are counted in the end bins. NaN scores are
// an error.
func WriteHistogramPNG(w io.Writer, title string, genuine, impostor []float64) error {
	if len(genuine)+len(impostor) == 0 {
		return errors.New("bench: histogram needs at least one score")
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, set := range [][]float64{genuine, impostor} {
		for _, s := range set {
			if math.IsNaN(s) {
				return errors.New("bench: histogram: score is NaN")
			}
			if !math.IsInf(s, 0) {
				lo, hi = math.Min(lo, s), math.Max(hi, s)
			}
		}
	}
	if lo > hi { // only infinite scores
		lo, hi = 0, 1
	}
	if hi-lo < 1e-9*math.Max(1, math.Abs(lo)) {
		lo, hi = lo-0.5, hi+0.5
	}
	bin := func(s float64) int {
		k := int(math.Floor((s - lo) / (hi - lo) * histogramBins))
		if math.IsInf(s, -1) || k < 0 {
			return 0
		}
		if math.IsInf(s, 1) || k >= histogramBins {
			return histogramBins - 1 // the top score falls in the last bin
		}
		return k
	}
	frac := func(set []float64) []float64 {
		h := make([]float64, histogramBins)
		if len(set) == 0 {
			return h
		}
		for _, s := range set {
			h[bin(s)]++
		}
		for k := range h {
			h[k] /= float64(len(set))
		}
		return h
	}
	hists := [][]float64{frac(genuine), frac(impostor)}
	ymax := 0.0
	for _, h := range hists {
		for _, v := range h {
			ymax = math.Max(ymax, v)
		}
	}
	yTicks := niceTicks(0, ymax*1.05, 5)
	ytop := ymax * 1.05
	if n := len(yTicks); n > 0 && yTicks[n-1] > ytop {
		ytop = yTicks[n-1]
	}

	c := newCanvas(HistogramWidth, HistogramHeight)
	plot := image.Rect(100, 60, HistogramWidth-30, HistogramHeight-80)
	px := func(s float64) float64 { return float64(plot.Min.X) + (s-lo)/(hi-lo)*float64(plot.Dx()) }
	py := func(v float64) float64 { return float64(plot.Max.Y) - v/ytop*float64(plot.Dy()) }

	for _, v := range yTicks {
		y := py(v)
		c.line(float64(plot.Min.X), y, float64(plot.Max.X), y, 1, colGrid, 0)
		c.line(float64(plot.Min.X-6), y, float64(plot.Min.X), y, 2, colBlack, 0)
		c.text(tickLabel(v), plot.Min.X-10, int(y), alignRight, 1, colBlack)
	}
	for _, v := range niceTicks(lo, hi, 8) {
		x := px(v)
		c.line(x, float64(plot.Max.Y), x, float64(plot.Max.Y+6), 2, colBlack, 0)
		c.text(tickLabel(v), int(x), plot.Max.Y+20, alignCenter, 1, colBlack)
	}

	fills := []color.NRGBA{{0, 114, 178, 130}, {213, 94, 0, 130}}
	for i, h := range hists {
		for k, v := range h {
			if v == 0 {
				continue
			}
			x0 := px(lo + float64(k)*(hi-lo)/histogramBins)
			x1 := px(lo + float64(k+1)*(hi-lo)/histogramBins)
			r := image.Rect(int(math.Round(x0)), int(math.Round(py(v))), int(math.Round(x1)), plot.Max.Y)
			c.fill(r, fills[i])
			c.line(x0, py(v), x1, py(v), 2, seriesColours[i], 0)
		}
	}
	drawFrame(c, plot)
	c.text(title, HistogramWidth/2, 28, alignCenter, 2, colBlack)
	c.text("score (higher = more similar)", plot.Min.X+plot.Dx()/2, HistogramHeight-30, alignCenter, 2, colBlack)
	c.textVertical("fraction of the class's pairs", 28, plot.Min.Y+plot.Dy()/2, 2, colBlack)

	labels := []string{fmt.Sprintf("genuine (%d pairs)", len(genuine)), fmt.Sprintf("impostor (%d pairs)", len(impostor))}
	lw, _ := textSize(labels[1]+"    ", 1)
	box := image.Rect(plot.Max.X-lw-60, plot.Min.Y+10, plot.Max.X-10, plot.Min.Y+10+22*len(labels)+6)
	c.fill(box, colWhite)
	drawFrame(c, box)
	for i, l := range labels {
		y := box.Min.Y + 14 + 22*i
		c.fill(image.Rect(box.Min.X+8, y-6, box.Min.X+36, y+6), fills[i])
		c.text(l, box.Min.X+44, y, alignLeft, 1, colBlack)
	}
	return encodePNG(w, c.img)
}
