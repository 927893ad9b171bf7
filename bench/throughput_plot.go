package bench

import (
	"fmt"
	"image"
	"io"
	"math"
	"strconv"
)

// ThroughputSeries is one line of a throughput plot: a label (e.g. the
// gallery size) and its measurements.
type ThroughputSeries struct {
	Label  string
	Points []ThroughputPoint
}

// ThroughputPoint is a measured rate at a thread count.
type ThroughputPoint struct {
	Threads int
	PerSec  float64
}

// WriteThroughputPNG draws rate against threads, one line per series (at
// most four), on linear axes from 0, as a PNG of 800 × 600.
func WriteThroughputPNG(w io.Writer, title, unit string, series []ThroughputSeries) error {
	if len(series) == 0 || len(series) > len(seriesColours) {
		return fmt.Errorf("bench: throughput plot needs 1 to %d series, got %d", len(seriesColours), len(series))
	}
	maxT, maxR := 1, 0.0
	for _, s := range series {
		for _, p := range s.Points {
			if p.Threads < 1 || p.PerSec < 0 || math.IsNaN(p.PerSec) || math.IsInf(p.PerSec, 0) {
				return fmt.Errorf("bench: throughput point %+v of %q", p, s.Label)
			}
			maxT, maxR = max(maxT, p.Threads), max(maxR, p.PerSec)
		}
	}
	if maxR == 0 {
		maxR = 1
	}
	c := newCanvas(800, 600)
	plot := image.Rect(110, 60, 760, 500)
	px := func(t float64) float64 {
		if maxT == 1 {
			return float64(plot.Min.X+plot.Max.X) / 2
		}
		return float64(plot.Min.X) + (t-1)/float64(maxT-1)*float64(plot.Dx())
	}
	ticks := niceTicks(0, maxR, 6)
	// The axis ends at the first tick at or above the largest rate.
	for step := ticks[1] - ticks[0]; ticks[len(ticks)-1] < maxR; {
		ticks = append(ticks, ticks[len(ticks)-1]+step)
	}
	top := ticks[len(ticks)-1]
	py := func(r float64) float64 { return float64(plot.Max.Y) - r/top*float64(plot.Dy()) }
	for _, v := range ticks {
		c.line(float64(plot.Min.X), py(v), float64(plot.Max.X), py(v), 1, colGrid, 0)
		c.text(tickLabel(v), plot.Min.X-10, int(py(v)), alignRight, 1, colBlack)
	}
	for t := 1; t <= maxT; t++ {
		c.line(px(float64(t)), float64(plot.Max.Y), px(float64(t)), float64(plot.Max.Y+6), 2, colBlack, 0)
		c.text(strconv.Itoa(t), int(px(float64(t))), plot.Max.Y+20, alignCenter, 1, colBlack)
	}
	drawFrame(c, plot)
	c.text(title, 400, 25, alignCenter, 2, colBlack)
	c.text("threads", 435, 545, alignCenter, 1, colBlack)
	c.textVertical(unit, 30, 280, 1, colBlack)
	for i, s := range series {
		col := seriesColours[i]
		for k, p := range s.Points {
			x, y := px(float64(p.Threads)), py(p.PerSec)
			c.circle(x, y, 4, col)
			if k > 0 {
				q := s.Points[k-1]
				c.line(px(float64(q.Threads)), py(q.PerSec), x, y, 3, col, 0)
			}
		}
		c.line(130, float64(80+22*i), 160, float64(80+22*i), 3, col, 0)
		c.text(s.Label, 170, 80+22*i, alignLeft, 1, colBlack)
	}
	return encodePNG(w, c.img)
}
