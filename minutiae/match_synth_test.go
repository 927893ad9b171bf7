package minutiae

import (
	"math"
	"math/rand/v2"
)

// perturbation describes how synthetic "other impressions" of a template are
// made for tests: a rigid motion, a smooth non-linear (skin) distortion,
// position and direction noise, lost and spurious minutiae, and an optional
// crop to a window (partial overlap).
type perturbation struct {
	rotateDeg, shiftX, shiftY float64
	stretch                   float64 // radial stretch factor per 200 px from a random centre
	waveAmp                   float64 // amplitude (px) of a sinusoidal displacement field
	jitter, dirJitterDeg      float64 // uniform noise half-widths
	drop, add                 float64 // fractions of minutiae dropped and spurious ones added
	crop                      float64 // keep a window of this fraction of the width and height (0 = all)
}

// perturb returns a distorted copy of t, deterministic for a given rng.
func perturb(t *Template, p perturbation, rng *rand.Rand) *Template {
	out := *t
	out.Minutiae = nil
	w, h := float64(t.Width), float64(t.Height)
	if w == 0 || h == 0 {
		w, h = 500, 500
	}
	cx, cy := w/2, h/2
	sx, sy := rng.Float64()*w, rng.Float64()*h
	ph1, ph2 := rng.Float64()*2*math.Pi, rng.Float64()*2*math.Pi
	rot := p.rotateDeg * math.Pi / 180
	cos, sin := math.Cos(rot), math.Sin(rot)
	x0, y0, x1, y1 := 0.0, 0.0, w, h
	if p.crop > 0 {
		cw, ch := w*p.crop, h*p.crop
		x0, y0 = rng.Float64()*(w-cw), rng.Float64()*(h-ch)
		x1, y1 = x0+cw, y0+ch
	}
	// The output canvas is enlarged so that moved minutiae keep
	// non-negative coordinates.
	const margin = 200
	for _, m := range t.Minutiae {
		if rng.Float64() < p.drop {
			continue
		}
		x, y := float64(m.X), float64(m.Y)
		if x < x0 || x > x1 || y < y0 || y > y1 {
			continue
		}
		// Skin distortion first, in the finger's own frame.
		dx, dy := x-sx, y-sy
		r := math.Hypot(dx, dy)
		k := 1 + p.stretch*r/200
		x, y = sx+dx*k, sy+dy*k
		x += p.waveAmp * math.Sin(y/70+ph1)
		y += p.waveAmp * math.Sin(x/70+ph2)
		// Then the rigid motion of the whole impression. Directions are
		// counter-clockwise on screen (y down), so a counter-clockwise
		// turn of the picture by rot maps (x, y) to
		// (x cos + y sin, -x sin + y cos) around the centre.
		ux, uy := x-cx, y-cy
		x = cx + ux*cos + uy*sin + p.shiftX + margin
		y = cy - ux*sin + uy*cos + p.shiftY + margin
		x += (rng.Float64()*2 - 1) * p.jitter
		y += (rng.Float64()*2 - 1) * p.jitter
		d := m.Direction + AngleFromDegrees(p.rotateDeg+(rng.Float64()*2-1)*p.dirJitterDeg)
		if x < 0 || y < 0 || x > 65535 || y > 65535 {
			continue
		}
		out.Minutiae = append(out.Minutiae, Minutia{X: uint16(x), Y: uint16(y), Direction: d, Kind: m.Kind, Quality: m.Quality})
	}
	nAdd := int(p.add * float64(len(t.Minutiae)))
	for range nAdd {
		out.Minutiae = append(out.Minutiae, Minutia{
			X:         uint16(margin + x0 + rng.Float64()*(x1-x0)),
			Y:         uint16(margin + y0 + rng.Float64()*(y1-y0)),
			Direction: Angle(rng.Uint32()),
			Kind:      Ending,
		})
	}
	out.Width, out.Height = uint16(w+2*margin), uint16(h+2*margin)
	return &out
}

// synthTemplate makes a finger-like template: n minutiae at least 10 px
// apart inside an elliptical contact area of a 500 ppi 320×440 image, with
// directions that follow a smooth loop-like ridge flow (so that, as in
// real prints, neighbouring minutiae have related directions) and a random
// half-turn for the ridge side they end on.
func synthTemplate(seed uint64, n int) *Template {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	const w, h = 320, 440
	t := &Template{Width: w, Height: h, ResolutionX: 197, ResolutionY: 197, Impression: LivePlain}
	cx, cy := w/2+rng.Float64()*20-10, h/2+rng.Float64()*20-10
	for tries := 0; len(t.Minutiae) < n && tries < 100*n; tries++ {
		x, y := rng.Float64()*w, rng.Float64()*h
		if (x-w/2)*(x-w/2)/(150*150)+(y-h/2)*(y-h/2)/(210*210) > 1 {
			continue
		}
		ok := true
		for _, m := range t.Minutiae {
			if math.Hypot(float64(m.X)-x, float64(m.Y)-y) < 10 {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		// Ridge orientation: circular around the core above the centre,
		// turning to horizontal flow below it.
		flow := math.Atan2(y-cy, x-cx) + math.Pi/2
		if y > cy+40 {
			flow = 0.3 * math.Sin(x/60)
		}
		deg := flow*180/math.Pi + rng.Float64()*16 - 8
		if rng.IntN(2) == 0 {
			deg += 180
		}
		kind := Ending
		if rng.IntN(2) == 0 {
			kind = Bifurcation
		}
		t.Minutiae = append(t.Minutiae, Minutia{X: uint16(x), Y: uint16(y), Direction: AngleFromDegrees(deg), Kind: kind, Quality: 60})
	}
	return t
}
