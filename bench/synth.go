package bench

import (
	"math"
	"math/rand/v2"

	"github.com/openbms/bms/minutiae"
)

// Synth draws synthetic minutiae templates for large-gallery benchmarks and
// tests: fingers that are statistically like real ones without being
// anybody's, and further impressions of them.
//
// A finger is a pattern class (arch, tented arch, left or right loop,
// whorl, in roughly their population frequencies) whose ridge flow follows
// the zero-pole model of Sherlock and Monro (1993): the orientation at z is
// a base angle plus half the sum of arg(z − core) over the cores minus half
// the sum of arg(z − delta) over the deltas. Minutiae fall uniformly in an
// elliptical contact area at least MinSpacing apart, their number
// log-normal (median about 34, as extracted from FCJ2020 and FVC2000 DB1 by
// this project's extractor), their directions along the ridge flow with a
// few degrees of noise. Which of the two senses along the flow a minutia
// points is not a coin toss in real prints: where ridges converge or
// diverge, endings and bifurcations of a region point alike (among real
// neighbours 20–40 px apart on parallel flow, 64 % point the same way, 55 %
// at 100–250 px). A smooth random sense field per finger reproduces this;
// some minutiae come in facing pairs, the
// ridge breaks and short ridges that make real templates of unrelated
// fingers look alike (without them the synthetic impostor scores run
// clearly lower than real ones). An impression moves, rotates
// and gently distorts the finger, loses minutiae, shifts the capture window
// and adds spurious ones.
//
// The impostor scores of synthetic fingers are checked against real ones by
// `bms synth finger -compare DIR` (two-sample Kolmogorov–Smirnov; see
// docs/performance.md).
type Synth struct {
	rng *rand.Rand
	// Image size, 500 ppi pixels.
	Width, Height int
	// LogCountMean and LogCountSD set the log-normal number of minutiae.
	LogCountMean, LogCountSD float64
	// MinSpacing is the least distance between two minutiae, pixels.
	MinSpacing float64
	// DirNoise is the standard deviation, radians, of a minutia's
	// direction about the ridge flow.
	DirNoise float64
	// BreakRate is the mean share of minutiae given a facing partner a
	// period or so along the ridge (a break or a short ridge); per finger
	// the share is exponential with this mean.
	BreakRate float64
	// SenseCoherence is the share of minutiae whose sense along the flow
	// follows the finger's sense field; the others take either sense.
	SenseCoherence float64
	// SenseWavelength is the shortest wavelength, pixels, of the plane
	// waves that make up the sense field (the longest is three times it).
	SenseWavelength float64
}

// NewSynth returns a generator seeded for repeatability, with the defaults
// fitted to real templates.
func NewSynth(seed uint64) *Synth {
	return &Synth{
		rng:          rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d)),
		Width:        300,
		Height:       400,
		LogCountMean: 3.53,
		LogCountSD:   0.40,
		MinSpacing:   8,
		DirNoise:     0.04,
		BreakRate:    0.11,
		// Fitted to the same-sense shares of FCJ2020's neighbouring
		// minutiae at 20–250 px (docs/performance.md).
		SenseCoherence:  0.55,
		SenseWavelength: 400,
	}
}

// singular is a ridge-flow model: cores and deltas as points, a base angle.
type flow struct {
	cores, deltas [][2]float64
	base          float64
	archK         float64 // curvature of a plain arch (no singular points)
	archY         float64
}

// orientation is the ridge direction at (x, y), radians modulo π.
func (f *flow) orientation(x, y float64) float64 {
	if len(f.cores) == 0 && len(f.deltas) == 0 {
		// A plain arch: ridges that rise in the middle.
		dx := x / 150
		return f.base + math.Atan(f.archK*dx*math.Exp(-dx*dx)*math.Copysign(1, f.archY-y))
	}
	th := f.base
	for _, c := range f.cores {
		th += 0.5 * math.Atan2(y-c[1], x-c[0])
	}
	for _, d := range f.deltas {
		th -= 0.5 * math.Atan2(y-d[1], x-d[0])
	}
	return th
}

func (s *Synth) newFlow(cx, cy float64) *flow {
	r := s.rng
	f := &flow{base: r.NormFloat64() * 0.15}
	core := [2]float64{cx + r.NormFloat64()*20, cy + r.NormFloat64()*25}
	u := r.Float64()
	switch {
	case u < 0.05: // arch
		f.archK, f.archY = 1+r.Float64()*2, core[1]
	case u < 0.08: // tented arch
		f.cores = [][2]float64{core}
		f.deltas = [][2]float64{{core[0] + r.NormFloat64()*8, core[1] + 50 + r.Float64()*30}}
	case u < 0.41: // left loop: delta below right of the core (image left = finger's)
		f.cores = [][2]float64{core}
		f.deltas = [][2]float64{{core[0] + 70 + r.Float64()*40, core[1] + 90 + r.Float64()*50}}
	case u < 0.73: // right loop
		f.cores = [][2]float64{core}
		f.deltas = [][2]float64{{core[0] - 70 - r.Float64()*40, core[1] + 90 + r.Float64()*50}}
	default: // whorl: two cores, two deltas
		d := 10 + r.Float64()*20
		a := r.Float64() * math.Pi
		f.cores = [][2]float64{{core[0] + d*math.Cos(a), core[1] + d*math.Sin(a)}, {core[0] - d*math.Cos(a), core[1] - d*math.Sin(a)}}
		f.deltas = [][2]float64{
			{core[0] - 80 - r.Float64()*30, core[1] + 90 + r.Float64()*40},
			{core[0] + 80 + r.Float64()*30, core[1] + 90 + r.Float64()*40},
		}
	}
	return f
}

// Finger draws a new finger's template (plain impression, 500 ppi).
func (s *Synth) Finger() *minutiae.Template {
	r := s.rng
	w, h := float64(s.Width), float64(s.Height)
	cx, cy := w/2+r.NormFloat64()*10, h/2+r.NormFloat64()*15
	ax := max(60, 0.5*(230+r.NormFloat64()*20)) // contact ellipse semi-axes
	ay := max(80, 0.5*(320+r.NormFloat64()*30))
	f := s.newFlow(cx, cy-20)
	n := int(math.Round(math.Exp(s.LogCountMean + s.LogCountSD*r.NormFloat64())))
	n = min(max(n, 8), 150)
	t := &minutiae.Template{
		Position: minutiae.UnknownFinger, Impression: minutiae.LivePlain,
		Width: uint16(s.Width), Height: uint16(s.Height), ResolutionX: 197, ResolutionY: 197,
	}
	pts := make([][2]float64, 0, n)
	for tries := 0; len(pts) < n && tries < 50*n; tries++ {
		// Uniform in the ellipse, not closer than MinSpacing to another.
		a, rr := r.Float64()*2*math.Pi, math.Sqrt(r.Float64())
		x, y := cx+ax*rr*math.Cos(a), cy+ay*rr*math.Sin(a)
		if x < 8 || y < 8 || x > w-8 || y > h-8 {
			continue
		}
		ok := true
		for _, p := range pts {
			if dx, dy := p[0]-x, p[1]-y; dx*dx+dy*dy < s.MinSpacing*s.MinSpacing {
				ok = false
				break
			}
		}
		if ok {
			pts = append(pts, [2]float64{x, y})
		}
	}
	// How many breaks a print shows varies a lot (dry or worn skin, the
	// extractor's luck): exponential across fingers.
	pairRate := min(0.6, s.BreakRate*r.ExpFloat64())
	sense := s.newSenseField()
	for i, p := range pts {
		dir := f.orientation(p[0], p[1]) + r.NormFloat64()*s.DirNoise
		if r.Float64() < s.SenseCoherence {
			if vx, vy := sense.at(p[0], p[1]); vx*math.Cos(dir)+vy*math.Sin(dir) < 0 {
				dir += math.Pi
			}
		} else if r.IntN(2) == 0 {
			dir += math.Pi
		}
		if i < len(pts)-1 && r.Float64() < pairRate {
			// A ridge break or a short ridge: a second ending facing this one
			// a period or so along the ridge. Real templates are full of
			// them, true or false, and they make unrelated fingers look alike.
			// Not when the partner would leave the image (its coordinates
			// would wrap round in the template).
			gap := 8 + r.Float64()*8
			q := [2]float64{p[0] + gap*math.Cos(dir), p[1] + gap*math.Sin(dir)}
			if q[0] >= 0 && q[1] >= 0 && q[0] < w && q[1] < h {
				pts[i+1] = q
			}
		}
		kind := minutiae.Ending
		if r.IntN(100) < 45 {
			kind = minutiae.Bifurcation
		}
		t.Minutiae = append(t.Minutiae, minutiae.Minutia{
			X: uint16(p[0]), Y: uint16(p[1]),
			// Template angles run counter-clockwise on screen (y down).
			Direction: minutiae.AngleFromRadians(-dir),
			Kind:      kind,
			Quality:   uint8(40 + r.IntN(61)),
		})
	}
	return t
}

// senseField is a smooth random vector field over a finger: the sense a
// minutia prefers along the ridge flow is the one that points along it.
// Each component is a sum of senseWaves plane waves of random direction,
// phase and wavelength.
type senseField struct {
	kx, ky, phase [2 * senseWaves]float64
}

const senseWaves = 3

func (s *Synth) newSenseField() *senseField {
	r := s.rng
	var f senseField
	for k := range f.kx {
		a := r.Float64() * 2 * math.Pi
		wavelength := s.SenseWavelength * (1 + 2*r.Float64())
		f.kx[k] = 2 * math.Pi * math.Cos(a) / wavelength
		f.ky[k] = 2 * math.Pi * math.Sin(a) / wavelength
		f.phase[k] = r.Float64() * 2 * math.Pi
	}
	return &f
}

func (f *senseField) at(x, y float64) (vx, vy float64) {
	for k := range senseWaves {
		vx += math.Cos(f.kx[k]*x + f.ky[k]*y + f.phase[k])
		vy += math.Cos(f.kx[k+senseWaves]*x + f.ky[k+senseWaves]*y + f.phase[k+senseWaves])
	}
	return vx, vy
}

// Impression returns another impression of the finger t: moved (σ 20 px),
// rotated (σ 12°), distorted by up to about 4 % round a random centre,
// each minutia jittered (σ 2 px, 5°), 15 % lost, those that leave the image
// dropped, and about 10 % spurious ones added.
func (s *Synth) Impression(t *minutiae.Template) *minutiae.Template {
	r := s.rng
	out := *t
	out.Minutiae = nil
	w, h := float64(t.Width), float64(t.Height)
	cx, cy := w/2, h/2
	rot := r.NormFloat64() * 12 * math.Pi / 180
	dx, dy := r.NormFloat64()*20, r.NormFloat64()*20
	sn, cs := math.Sincos(rot)
	// Distortion: a smooth radial stretch that fades with distance.
	px, py := cx+r.NormFloat64()*60, cy+r.NormFloat64()*80
	amp := r.NormFloat64() * 0.04
	for _, m := range t.Minutiae {
		if r.Float64() < 0.15 {
			continue
		}
		x, y := float64(m.X), float64(m.Y)
		ex, ey := x-px, y-py
		k := 1 + amp*math.Exp(-(ex*ex+ey*ey)/(2*120*120))
		x, y = px+ex*k, py+ey*k
		x, y = x-cx, y-cy
		x, y = cx+cs*x-sn*y+dx+r.NormFloat64()*2, cy+sn*x+cs*y+dy+r.NormFloat64()*2
		if x < 4 || y < 4 || x > w-4 || y > h-4 {
			continue
		}
		m.X, m.Y = uint16(x), uint16(y)
		m.Direction = minutiae.AngleFromRadians(m.Direction.Radians() - rot + r.NormFloat64()*5*math.Pi/180)
		out.Minutiae = append(out.Minutiae, m)
	}
	spurious := int(math.Round(0.1 * float64(len(t.Minutiae)) * (0.5 + r.Float64())))
	for range spurious {
		out.Minutiae = append(out.Minutiae, minutiae.Minutia{
			X: uint16(cx + (r.Float64()-0.5)*0.7*w), Y: uint16(cy + (r.Float64()-0.5)*0.7*h),
			Direction: minutiae.Angle(r.Uint32()), Kind: minutiae.Ending, Quality: uint8(20 + r.IntN(40)),
		})
	}
	return &out
}

// Partial returns a simulated latent made from the print t: the minutiae of
// t inside a disc of radius 70–110 px (500 ppi) round one of its minutiae
// chosen at random — a third to a half of a plain print — plus spurious
// minutiae scattered over the disc, between none and twice as many as
// were kept (a latent's background, pores and broken ridges add them),
// marked as a latent impression. It returns nil when fewer than
// MinPartialMinutiae of t's minutiae fall in the disc. Positions stay in
// t's frame: a latent has no known placement anyway.
func (s *Synth) Partial(t *minutiae.Template) *minutiae.Template {
	r := s.rng
	if len(t.Minutiae) == 0 {
		return nil
	}
	c := t.Minutiae[r.IntN(len(t.Minutiae))]
	cx, cy := float64(c.X), float64(c.Y)
	radius := 70 + 40*r.Float64()
	out := *t
	out.Impression = minutiae.LatentImpression
	out.Minutiae = nil
	for _, m := range t.Minutiae {
		if dx, dy := float64(m.X)-cx, float64(m.Y)-cy; dx*dx+dy*dy <= radius*radius {
			out.Minutiae = append(out.Minutiae, m)
		}
	}
	if len(out.Minutiae) < MinPartialMinutiae {
		return nil
	}
	spurious := int(math.Round(2 * r.Float64() * float64(len(out.Minutiae))))
	for range spurious {
		a, rr := r.Float64()*2*math.Pi, radius*math.Sqrt(r.Float64())
		x, y := cx+rr*math.Cos(a), cy+rr*math.Sin(a)
		if x < 0 || y < 0 || x >= float64(t.Width) || y >= float64(t.Height) {
			continue
		}
		out.Minutiae = append(out.Minutiae, minutiae.Minutia{
			X: uint16(x), Y: uint16(y), Direction: minutiae.Angle(r.Uint32()),
			Kind: minutiae.Ending, Quality: uint8(10 + r.IntN(40)),
		})
	}
	return &out
}

// MinPartialMinutiae is the fewest true minutiae [Synth.Partial] keeps.
const MinPartialMinutiae = 8

// ImpostorScores draws fingers synthetic fingers and compares every pair
// (fingers·(fingers−1)/2 comparisons): the synthetic impostor distribution.
func (s *Synth) ImpostorScores(fingers int) ([]float64, error) {
	temps := make([]*minutiae.Template, fingers)
	prepared := make([]*minutiae.Prepared, fingers)
	for i := range temps {
		temps[i] = s.Finger()
		p, err := minutiae.Prepare(temps[i])
		if err != nil {
			return nil, err
		}
		prepared[i] = p
	}
	scores := make([]float64, 0, fingers*(fingers-1)/2)
	for i := range temps {
		m, err := minutiae.NewMatcher(temps[i])
		if err != nil {
			return nil, err
		}
		for j := i + 1; j < fingers; j++ {
			scores = append(scores, m.Compare(prepared[j]))
		}
	}
	return scores, nil
}
