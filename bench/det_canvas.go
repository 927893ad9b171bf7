package bench

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"strconv"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// The plots are drawn with the standard image packages and the 7×13 bitmap
// font of golang.org/x/image (already a dependency): no plotting library,
// no font files, and the output is byte-for-byte deterministic. Text can be
// scaled by whole factors (pixel doubling) for titles and axis labels.

var (
	colWhite     = color.RGBA{255, 255, 255, 255}
	colBlack     = color.RGBA{0, 0, 0, 255}
	colGrid      = color.RGBA{225, 225, 225, 255}
	colGridMajor = color.RGBA{190, 190, 190, 255}
	colDiagonal  = color.RGBA{150, 150, 150, 255}
	// Series colours (colour-blind safe: Okabe–Ito blue, vermillion,
	// bluish green, orange).
	seriesColours = []color.RGBA{
		{0, 114, 178, 255}, {213, 94, 0, 255}, {0, 158, 115, 255}, {230, 159, 0, 255},
	}
)

type canvas struct {
	img *image.RGBA
	// dashPhase carries the dash pattern from one segment to the next, so
	// that a polyline of many short segments is dashed as a whole.
	dashPhase int
}

func newCanvas(w, h int) *canvas {
	c := &canvas{img: image.NewRGBA(image.Rect(0, 0, w, h))}
	draw.Draw(c.img, c.img.Bounds(), image.NewUniform(colWhite), image.Point{}, draw.Src)
	return c
}

// fill paints r with col, blending when col is translucent. It writes the
// pixels directly: draw.Draw per small rectangle (lines are drawn as many
// tiny squares) is an order of magnitude slower.
func (c *canvas) fill(r image.Rectangle, col color.Color) {
	c.blend(r, col, 0xffff)
}

// blend paints r with col at coverage cov (0..0xffff) over the image.
func (c *canvas) blend(r image.Rectangle, col color.Color, cov uint32) {
	r = r.Intersect(c.img.Rect)
	if r.Empty() {
		return
	}
	sr, sg, sb, sa := col.RGBA() // premultiplied, 0..0xffff
	sr, sg, sb, sa = sr*cov/0xffff, sg*cov/0xffff, sb*cov/0xffff, sa*cov/0xffff
	inv := 0xffff - sa
	for y := r.Min.Y; y < r.Max.Y; y++ {
		i := c.img.PixOffset(r.Min.X, y)
		for x := r.Min.X; x < r.Max.X; x, i = x+1, i+4 {
			p := c.img.Pix[i : i+4 : i+4]
			p[0] = uint8((uint32(p[0])*0x101*inv/0xffff + sr) >> 8)
			p[1] = uint8((uint32(p[1])*0x101*inv/0xffff + sg) >> 8)
			p[2] = uint8((uint32(p[2])*0x101*inv/0xffff + sb) >> 8)
			p[3] = uint8((uint32(p[3])*0x101*inv/0xffff + sa) >> 8)
		}
	}
}

// line draws a segment of width w (square brush) from (x0,y0) to (x1,y1);
// dash > 0 draws dash pixels on, dash off, continuing the pattern of the
// previous dashed segment (see dashPhase).
func (c *canvas) line(x0, y0, x1, y1 float64, w int, col color.Color, dash int) {
	if anyBad(x0, y0, x1, y1) {
		return // never draw from NaN/Inf coordinates: int conversion is undefined
	}
	steps := int(math.Max(math.Abs(x1-x0), math.Abs(y1-y0))) + 1
	for i := 0; i <= steps; i++ {
		if dash > 0 {
			if i > 0 { // the first pixel repeats the previous segment's last
				c.dashPhase++
			}
			if (c.dashPhase/dash)%2 == 1 {
				continue
			}
		}
		f := float64(i) / float64(steps)
		x := int(math.Round(x0 + f*(x1-x0)))
		y := int(math.Round(y0 + f*(y1-y0)))
		c.fill(image.Rect(x-w/2, y-w/2, x-w/2+w, y-w/2+w), col)
	}
}

func anyBad(v ...float64) bool {
	for _, f := range v {
		if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e6 {
			return true
		}
	}
	return false
}

// circle draws a ring of radius r and width 2 around (cx, cy).
func (c *canvas) circle(cx, cy float64, r int, col color.Color) {
	if anyBad(cx, cy) {
		return
	}
	x0, y0 := int(math.Round(cx)), int(math.Round(cy))
	for dy := -r - 1; dy <= r+1; dy++ {
		for dx := -r - 1; dx <= r+1; dx++ {
			d := math.Hypot(float64(dx), float64(dy))
			if d >= float64(r)-1 && d <= float64(r)+1 {
				c.fill(image.Rect(x0+dx, y0+dy, x0+dx+1, y0+dy+1), col)
			}
		}
	}
}

// textSize is the size in pixels of s drawn at scale.
func textSize(s string, scale int) (w, h int) {
	f := basicfont.Face7x13
	return len([]rune(s)) * f.Advance * scale, f.Height * scale
}

// textMask renders s (ASCII; other characters become '?', which the bitmap
// font lacks) at scale 1 into an alpha mask.
func textMask(s string) *image.Alpha {
	rs := []rune(s)
	for i, r := range rs {
		if r < 0x20 || r > 0x7e {
			rs[i] = '?'
		}
	}
	w, h := textSize(string(rs), 1)
	m := image.NewAlpha(image.Rect(0, 0, max(w, 1), h))
	d := font.Drawer{Dst: m, Src: image.Opaque, Face: basicfont.Face7x13,
		Dot: fixed.P(0, basicfont.Face7x13.Ascent)}
	d.DrawString(string(rs))
	return m
}

// Text anchors: where (x, y) lies on the text box.
const (
	alignLeft   = 0
	alignCenter = 1
	alignRight  = 2
)

// text draws s with its box's horizontal anchor at x (alignLeft/Center/
// Right) and vertical centre at y, pixels scaled by scale.
func (c *canvas) text(s string, x, y, align, scale int, col color.Color) {
	m := textMask(s)
	w, h := m.Bounds().Dx()*scale, m.Bounds().Dy()*scale
	x -= align * w / 2
	y -= h / 2
	c.blitMask(m, x, y, scale, false, col)
}

// textVertical draws s rotated a quarter turn counter-clockwise (reading
// bottom to top), centred on (x, y).
func (c *canvas) textVertical(s string, x, y, scale int, col color.Color) {
	m := textMask(s)
	w, h := m.Bounds().Dy()*scale, m.Bounds().Dx()*scale
	c.blitMask(m, x-w/2, y-h/2, scale, true, col)
}

// blitMask paints col through mask m scaled by scale with its top-left
// corner at (x, y); rotate turns it a quarter turn counter-clockwise.
func (c *canvas) blitMask(m *image.Alpha, x, y, scale int, rotate bool, col color.Color) {
	b := m.Bounds()
	for my := b.Min.Y; my < b.Max.Y; my++ {
		for mx := b.Min.X; mx < b.Max.X; mx++ {
			a := m.AlphaAt(mx, my).A
			if a == 0 {
				continue
			}
			px, py := mx*scale, my*scale
			if rotate {
				px, py = my*scale, (b.Max.X-1-mx)*scale
			}
			c.blend(image.Rect(x+px, y+py, x+px+scale, y+py+scale), col, uint32(a)*0x101)
		}
	}
}

// niceTicks returns tick values covering [lo, hi] with a 1-2-5 step aimed
// at about n ticks. Values are computed as integer multiples divided by a
// power of ten, so they are the float64 nearest to the decimal (0.6, not
// 0.6000000000000001).
func niceTicks(lo, hi float64, n int) []float64 {
	if !(hi > lo) || anyBad(lo, hi) || n < 1 {
		return nil
	}
	e := int(math.Floor(math.Log10((hi - lo) / float64(n))))
	mult := 10.0
	for _, m := range []float64{1, 2, 5} {
		if m*math.Pow10(e) >= (hi-lo)/float64(n) {
			mult = m
			break
		}
	}
	// value(k) = k·mult·10^e, written so that a negative exponent divides.
	value := func(k float64) float64 {
		if e < 0 {
			return k * mult / math.Pow10(-e)
		}
		return k * mult * math.Pow10(e)
	}
	step := value(1)
	var out []float64
	for k := math.Ceil(lo/step - 1e-9); k <= math.Floor(hi/step+1e-9) && len(out) <= 100; k++ {
		out = append(out, value(k)+0) // +0 turns -0 into 0
	}
	return out
}

// tickLabel formats a tick value compactly.
func tickLabel(v float64) string {
	if math.Abs(v) < 1e-12 {
		return "0"
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}
