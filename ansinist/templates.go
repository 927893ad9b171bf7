package ansinist

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/openbms/bms/minutiae"
)

// defaultPPMM is the resolution assumed when nothing in the transaction
// states one: the standard's minimum scanning resolution, 19.69 ppmm
// (500 ppi), which the legacy Type-9 format was designed around.
const defaultPPMM = 19.69

// Templates converts the minutiae of a Type-9 record into templates, one per
// feature-set form present, in this order: the legacy standard format
// (fields 9.004–9.012), the INCITS 378 "M1" block (9.126–9.150) and the
// extended feature set (EFS, 9.300–9.399, minutiae from 9.331). Records of
// other types, and Type-9 records holding only vendor blocks, give none.
//
// Coordinates follow the conventions of package minutiae: pixels from the
// top-left corner at the resolution of the image the minutiae were found in,
// directions counter-clockwise from the x axis as ISO/IEC 19794-2 and INCITS
// 378 define them. See the package documentation for how each form is
// converted and where the image geometry comes from.
func (r *Record) Templates() ([]minutiae.Template, error) {
	if r.Type != 9 {
		return nil, nil
	}
	// Each minutiae form of a Type-9 record, recognised by its fields.
	forms := []struct {
		fields []int
		read   func() (minutiae.Template, error)
	}{
		{[]int{10, 12}, r.standardTemplate}, // legacy standard format
		{[]int{137}, r.m1Template},          // INCITS 378 (M1) block
		{[]int{331}, r.efsTemplate},         // extended feature set
	}
	var out []minutiae.Template
	var errs []error
	for _, f := range forms {
		if !r.hasAny(f.fields...) {
			continue
		}
		if t, err := f.read(); err != nil {
			errs = append(errs, err)
		} else {
			out = append(out, t)
		}
	}
	return out, errors.Join(errs...)
}

// Templates converts the minutiae of every Type-9 record (see
// Record.Templates). Templates of records that convert are returned even
// when another record fails; the error then names each failure.
func (t *Transaction) Templates() ([]minutiae.Template, error) {
	var out []minutiae.Template
	var errs []error
	for i, r := range t.Records {
		ts, err := r.Templates()
		out = append(out, ts...)
		if err != nil {
			errs = append(errs, fmt.Errorf("record %d: %w", i, err))
		}
	}
	return out, errors.Join(errs...)
}

func (r *Record) hasAny(numbers ...int) bool {
	for _, n := range numbers {
		if _, ok := r.Field(n); ok {
			return true
		}
	}
	return false
}

// minutiaError formats a Type-9 conversion error.
func (r *Record) minutiaError(field int, msg string, a ...any) error {
	return fmt.Errorf("ansinist: Type-9 record (IDC %d) field 9.%03d: %s", r.IDC, field, fmt.Sprintf(msg, a...))
}

// geometry is what a Type-9 conversion needs from the matching image.
type geometry struct {
	width, height int
	ppmm          float64 // pixels per millimetre
	fromImage     bool
}

// imageGeometry finds the friction-ridge image record with the same IDC as
// r (the standard's link between minutiae and image) and returns its size
// and resolution. Without one, the resolution falls back to Type-1 NTR and
// then to 19.69 ppmm, and the size is unknown (0).
func (r *Record) imageGeometry() geometry {
	g := geometry{}
	if r.tx != nil {
		if o := r.tx.ridgeImage(r.IDC); o != nil {
			info, _ := o.ImageInfo()
			g.width, g.height, g.fromImage = info.Width, info.Height, true
			g.ppmm = info.PPI / 25.4
		}
		if g.ppmm <= 0 {
			g.ppmm = r.tx.NominalResolution
		}
	}
	if g.ppmm <= 0 {
		g.ppmm = defaultPPMM
	}
	return g
}

// ridgeImage returns the first friction-ridge image record with the given
// IDC that declares a size, or nil. The index is built once per transaction
// so that converting every Type-9 record of a large transaction stays
// linear.
func (t *Transaction) ridgeImage(idc int) *Record {
	t.imagesOnce.Do(func() {
		t.images = map[int]*Record{}
		for _, o := range t.Records {
			switch o.Type {
			case 3, 4, 5, 6, 13, 14, 15, 19:
			default:
				continue
			}
			if _, seen := t.images[o.IDC]; seen {
				continue
			}
			if info, ok := o.ImageInfo(); ok && info.Width > 0 && info.Height > 0 {
				t.images[o.IDC] = o
			}
		}
	})
	return t.images[idc]
}

// clampU16 rounds a pixel coordinate into the uint16 range of the model.
func clampU16(v float64) uint16 {
	v = math.Round(v)
	if v < 0 || math.IsNaN(v) {
		return 0
	}
	if v > math.MaxUint16 {
		return math.MaxUint16
	}
	return uint16(v)
}

func ppcm(ppmm float64) uint16 { return clampU16(ppmm * 10) }

// impression reads 9.003 IMP.
func (r *Record) impression() minutiae.Impression {
	if v, ok := r.Int(3); ok && v >= 0 && v <= 255 {
		return minutiae.Impression(v)
	}
	return minutiae.UnknownImpression
}

// firstPosition reads the first FGP value of a field.
func (r *Record) firstPosition(field int) minutiae.Position {
	if f, ok := r.Field(field); ok {
		if p := positions(f); len(p) > 0 {
			return p[0]
		}
	}
	return minutiae.UnknownFinger
}

// standardTemplate converts the legacy fields (ANSI/NIST-ITL 1-2007
// "standard" format, FMT 'S'). 9.012 holds one subfield per minutia:
// index, XXXXYYYYTTT (x and y in units of 0.01 mm from the bottom-left
// corner with y upwards, theta in whole degrees counter-clockwise from the
// x axis pointing away from the ridge ending — opposite to INCITS 378),
// quality, type (A ending, B bifurcation, C compound, D undetermined) and
// ridge counts "neighbour,count". 9.008 and 9.009 hold cores and deltas as
// XXXXYYYY.
func (r *Record) standardTemplate() (minutiae.Template, error) {
	g := r.imageGeometry()
	t := minutiae.Template{
		Position:    r.firstPosition(6),
		Impression:  r.impression(),
		ResolutionX: ppcm(g.ppmm),
		ResolutionY: ppcm(g.ppmm),
	}
	type raw struct {
		id         int
		x, y       float64 // pixels, y still upwards
		theta      int
		quality    int
		kind       minutiae.Kind
		neighbours [][2]int
	}
	var ms []raw
	f, ok := r.Field(12)
	if !ok {
		// 9.010 MIN without 9.012 is consistent only when it counts none.
		if n, _ := r.Int(10); n != 0 {
			return t, r.minutiaError(12, "missing while 9.010 counts %d minutiae", n)
		}
	}
	for i, s := range f.Subfields() {
		if len(s) == 1 && strings.TrimSpace(s[0]) == "" {
			continue // empty field or trailing RS
		}
		if len(s) < 2 {
			return t, r.minutiaError(12, "minutia %d has %d items", i+1, len(s))
		}
		id, ok := atoi(s[0])
		xyt := strings.TrimSpace(s[1])
		if !ok || len(xyt) != 11 || !allDigits(xyt) {
			return t, r.minutiaError(12, "minutia %d: %q is not an index and XXXXYYYYTTT", i+1, strings.Join(s[:2], "/"))
		}
		x, _ := strconv.Atoi(xyt[0:4])
		y, _ := strconv.Atoi(xyt[4:8])
		th, _ := strconv.Atoi(xyt[8:11])
		m := raw{id: id, x: float64(x) / 100 * g.ppmm, y: float64(y) / 100 * g.ppmm, theta: th, quality: 1, kind: minutiae.Other}
		if len(s) > 2 {
			if q, ok := atoi(s[2]); ok {
				m.quality = q
			}
		}
		if len(s) > 3 {
			switch strings.ToUpper(strings.TrimSpace(s[3])) {
			case "A":
				m.kind = minutiae.Ending
			case "B":
				m.kind = minutiae.Bifurcation
			}
		}
		for _, rc := range s[min(len(s), 4):] {
			a, b, found := strings.Cut(rc, ",")
			if !found {
				continue
			}
			n, ok1 := atoi(a)
			c, ok2 := atoi(b)
			if ok1 && ok2 {
				m.neighbours = append(m.neighbours, [2]int{n, c})
			}
		}
		ms = append(ms, m)
	}
	cores, err := r.standardPoints(8, g)
	if err != nil {
		return t, err
	}
	deltas, err := r.standardPoints(9, g)
	if err != nil {
		return t, err
	}
	// The image height turns the bottom-left origin into a top-left one.
	// Without an image the height is the smallest that keeps every feature
	// inside: absolute positions are then arbitrary, but the geometry
	// between minutiae (all a matcher uses) is exact.
	if g.fromImage {
		t.Width, t.Height = uint16(min(g.width, math.MaxUint16)), uint16(min(g.height, math.MaxUint16))
	} else {
		maxX, maxY := 0.0, 0.0
		for _, m := range ms {
			maxX, maxY = math.Max(maxX, m.x), math.Max(maxY, m.y)
		}
		for _, p := range append(cores, deltas...) {
			maxX, maxY = math.Max(maxX, p[0]), math.Max(maxY, p[1])
		}
		t.Width, t.Height = clampU16(math.Ceil(maxX)+1), clampU16(math.Ceil(maxY)+1)
	}
	H := float64(t.Height)
	index := make(map[int]int, len(ms))
	t.Minutiae = make([]minutiae.Minutia, len(ms))
	for i, m := range ms {
		if _, dup := index[m.id]; !dup {
			index[m.id] = i
		}
		t.Minutiae[i] = minutiae.Minutia{
			X:         clampU16(m.x),
			Y:         clampU16(H - m.y),
			Direction: minutiae.AngleFromDegrees(float64(m.theta) + 180),
			Kind:      m.kind,
			Quality:   standardQuality(m.quality),
		}
	}
	for i, m := range ms {
		for _, nb := range m.neighbours {
			j, ok := index[nb[0]]
			if !ok || j == i || i > math.MaxUint8 || j > math.MaxUint8 || nb[1] < 0 || nb[1] > math.MaxUint8 {
				continue // 255 / 0: no neighbour in that octant
			}
			t.RidgeCounts = append(t.RidgeCounts, minutiae.RidgeCount{From: uint8(i), To: uint8(j), Count: uint8(nb[1])})
		}
	}
	for _, p := range cores {
		t.Cores = append(t.Cores, minutiae.SingularPoint{X: clampU16(p[0]), Y: clampU16(H - p[1])})
	}
	for _, p := range deltas {
		t.Deltas = append(t.Deltas, minutiae.SingularPoint{X: clampU16(p[0]), Y: clampU16(H - p[1])})
	}
	return t, nil
}

// standardPoints reads 9.008 CRP or 9.009 DLT: subfields XXXXYYYY in units
// of 0.01 mm from the bottom-left; returned in pixels, y still upwards.
func (r *Record) standardPoints(field int, g geometry) ([][2]float64, error) {
	f, ok := r.Field(field)
	if !ok {
		return nil, nil
	}
	var out [][2]float64
	for _, s := range f.Subfields() {
		v := strings.TrimSpace(s[0])
		if v == "" {
			continue
		}
		if len(v) != 8 || !allDigits(v) {
			return nil, r.minutiaError(field, "%q is not XXXXYYYY", v)
		}
		x, _ := strconv.Atoi(v[:4])
		y, _ := strconv.Atoi(v[4:])
		out = append(out, [2]float64{float64(x) / 100 * g.ppmm, float64(y) / 100 * g.ppmm})
	}
	return out, nil
}

// standardQuality maps the legacy quality (0 manually encoded, 1 no quality
// available, 2–63 decreasing confidence from 2) to the 0–100 scale of
// ISO/IEC 19794-2 (0 = not recorded).
func standardQuality(q int) uint8 {
	switch {
	case q == 0:
		return 100
	case q >= 2 && q <= 63:
		return uint8(100 - (q-2)*99/61)
	}
	return 0
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// item returns the i-th information item of a subfield as an integer.
func item(s []string, i int) (int, bool) {
	if i >= len(s) {
		return 0, false
	}
	return atoi(s[i])
}

// hexItem parses an item that INCITS 378 defines as hexadecimal (vendor and
// algorithm identifiers), accepting decimal digits too since they are also
// valid hexadecimal.
func hexItem(s []string, i int) uint16 {
	if i >= len(s) {
		return 0
	}
	v, err := strconv.ParseUint(strings.TrimSpace(s[i]), 16, 16)
	if err != nil {
		return 0
	}
	return uint16(v)
}

// m1Template converts the INCITS 378 block: coordinates are already pixels
// from the top-left at the resolution of 9.131/9.132 (9.130 SLC: 1 ppi,
// 2 ppcm), angles are in units of 2° in the INCITS 378 convention.
func (r *Record) m1Template() (minutiae.Template, error) {
	t := minutiae.Template{
		Position:   r.firstPosition(134),
		Impression: r.impression(),
	}
	if w, ok := r.Int(128); ok && w > 0 {
		t.Width = clampU16(float64(w))
	}
	if h, ok := r.Int(129); ok && h > 0 {
		t.Height = clampU16(float64(h))
	}
	slc, _ := r.Int(130)
	for i, field := range []int{131, 132} {
		v, ok := r.Int(field)
		if !ok || v <= 0 {
			continue
		}
		res := float64(v)
		switch slc {
		case 1:
			res /= 2.54
		case 2:
		default:
			continue
		}
		if i == 0 {
			t.ResolutionX = clampU16(res)
		} else {
			t.ResolutionY = clampU16(res)
		}
	}
	if t.ResolutionX == 0 || t.ResolutionY == 0 || t.Width == 0 || t.Height == 0 {
		// No usable scale or size: take the image's, as for the other forms.
		g := r.imageGeometry()
		if t.Width == 0 && g.fromImage {
			t.Width = clampU16(float64(g.width))
		}
		if t.Height == 0 && g.fromImage {
			t.Height = clampU16(float64(g.height))
		}
		if t.ResolutionX == 0 {
			t.ResolutionX = ppcm(g.ppmm)
		}
		if t.ResolutionY == 0 {
			t.ResolutionY = ppcm(g.ppmm)
		}
	}
	if v, ok := r.Int(133); ok && v >= 0 && v <= 255 {
		t.View = uint8(v)
	}
	if f, ok := r.Field(135); ok {
		for _, s := range f.Subfields() {
			q, ok := item(s, 0)
			if !ok || q < 0 || q > 255 {
				continue
			}
			t.Qualities = append(t.Qualities, minutiae.QualityRecord{Score: uint8(q), VendorID: hexItem(s, 1), AlgorithmID: hexItem(s, 2)})
		}
	}
	if f, ok := r.Field(127); ok {
		s := f.Subfields()[0]
		if strings.EqualFold(strings.TrimSpace(s[0]), "APPF") {
			t.Device.Compliance = 0x8
		}
		t.Device.Type = hexItem(s, 1)
	}
	f, _ := r.Field(137)
	index := map[int]int{}
	for i, s := range f.Subfields() {
		if len(s) == 1 && strings.TrimSpace(s[0]) == "" {
			continue
		}
		id, ok0 := item(s, 0)
		x, ok1 := item(s, 1)
		y, ok2 := item(s, 2)
		a, ok3 := item(s, 3)
		if !ok0 || !ok1 || !ok2 || !ok3 {
			return t, r.minutiaError(137, "minutia %d %q lacks index, x, y or angle", i+1, strings.Join(s, "/"))
		}
		m := minutiae.Minutia{X: clampU16(float64(x)), Y: clampU16(float64(y)), Direction: minutiae.AngleFromDegrees(float64(2 * a))}
		if k, ok := item(s, 4); ok {
			switch k {
			case 1:
				m.Kind = minutiae.Ending
			case 2:
				m.Kind = minutiae.Bifurcation
			}
		}
		if q, ok := item(s, 5); ok && q >= 0 && q <= 255 {
			m.Quality = uint8(q)
		}
		if _, dup := index[id]; !dup {
			index[id] = len(t.Minutiae)
		}
		t.Minutiae = append(t.Minutiae, m)
	}
	if f, ok := r.Field(138); ok {
		subs := f.Subfields()
		if m, ok := item(subs[0], 0); ok && m >= 0 && m <= 255 {
			t.RidgeMethod = minutiae.RidgeCountMethod(m)
		}
		for _, s := range subs[1:] {
			a, ok1 := item(s, 0)
			b, ok2 := item(s, 1)
			c, ok3 := item(s, 2)
			i, okA := index[a]
			j, okB := index[b]
			if !ok1 || !ok2 || !ok3 || !okA || !okB || i > 255 || j > 255 || c < 0 || c > 255 {
				continue
			}
			t.RidgeCounts = append(t.RidgeCounts, minutiae.RidgeCount{From: uint8(i), To: uint8(j), Count: uint8(c)})
		}
	}
	t.Cores = m1Points(r, 139)
	t.Deltas = m1Points(r, 140)
	// 9.141 adds the second and third angle of a delta: delta number
	// (1-based), angle 2, angle 3.
	if f, ok := r.Field(141); ok {
		for _, s := range f.Subfields() {
			n, ok := item(s, 0)
			if !ok || n < 1 || n > len(t.Deltas) || !t.Deltas[n-1].HasDirection {
				continue
			}
			for k := 1; k <= 2; k++ {
				if a, ok := item(s, k); ok {
					t.Deltas[n-1].Directions = append(t.Deltas[n-1].Directions, minutiae.AngleFromDegrees(float64(2*a)))
				}
			}
		}
	}
	return t, nil
}

// m1Points reads 9.139 cores or 9.140 deltas: x, y (pixels) and an optional
// angle in units of 2°.
func m1Points(r *Record, field int) []minutiae.SingularPoint {
	pixels := func(x, y int) (float64, float64) { return float64(x), float64(y) }
	return singularPoints(r, field, 1, 2, pixels)
}

// singularPoints reads a field of core or delta subfields "x, y, angle…":
// pos converts the coordinates to pixels, each angle item is degPerUnit
// degrees, and up to maxDirs of them are read.
func singularPoints(r *Record, field, maxDirs int, degPerUnit float64, pos func(x, y int) (float64, float64)) []minutiae.SingularPoint {
	f, ok := r.Field(field)
	if !ok {
		return nil
	}
	var out []minutiae.SingularPoint
	for _, s := range f.Subfields() {
		x, ok1 := item(s, 0)
		y, ok2 := item(s, 1)
		if !ok1 || !ok2 {
			continue
		}
		fx, fy := pos(x, y)
		p := minutiae.SingularPoint{X: clampU16(fx), Y: clampU16(fy)}
		for k := 2; k < 2+maxDirs; k++ {
			a, ok := item(s, k)
			if !ok {
				break
			}
			p.Directions = append(p.Directions, minutiae.AngleFromDegrees(degPerUnit*float64(a)))
		}
		p.HasDirection = len(p.Directions) > 0
		out = append(out, p)
	}
	return out
}

// efsTemplate converts the extended feature set minutiae (9.331). EFS
// coordinates are in units of 0.01 mm from the top-left corner of the region
// of interest (9.300: width, height, horizontal and vertical offset of the
// region in the image, same units); directions are whole degrees
// counter-clockwise from the x axis with the INCITS 378 sense (a ridge
// ending's direction runs up its ridge).
func (r *Record) efsTemplate() (minutiae.Template, error) {
	g := r.imageGeometry()
	t := minutiae.Template{
		Position:    r.firstPosition(302),
		Impression:  r.impression(),
		ResolutionX: ppcm(g.ppmm),
		ResolutionY: ppcm(g.ppmm),
	}
	var ewi, ehi, eho, evo int
	if f, ok := r.Field(300); ok {
		s := f.Subfields()[0]
		ewi, _ = item(s, 0)
		ehi, _ = item(s, 1)
		eho, _ = item(s, 2)
		evo, _ = item(s, 3)
	}
	px := func(v, offset int) float64 { return float64(v+offset) / 100 * g.ppmm }
	if g.fromImage {
		t.Width, t.Height = clampU16(float64(g.width)), clampU16(float64(g.height))
	} else {
		t.Width, t.Height = clampU16(math.Ceil(px(ewi, eho))), clampU16(math.Ceil(px(ehi, evo)))
	}
	f, _ := r.Field(331)
	for i, s := range f.Subfields() {
		if len(s) == 1 && strings.TrimSpace(s[0]) == "" {
			continue
		}
		x, ok1 := item(s, 0)
		y, ok2 := item(s, 1)
		a, ok3 := item(s, 2)
		if !ok1 || !ok2 || !ok3 {
			return t, r.minutiaError(331, "minutia %d %q lacks x, y or theta", i+1, strings.Join(s, "/"))
		}
		m := minutiae.Minutia{X: clampU16(px(x, eho)), Y: clampU16(px(y, evo)), Direction: minutiae.AngleFromDegrees(float64(a))}
		if len(s) > 3 {
			switch strings.ToUpper(strings.TrimSpace(s[3])) {
			case "E":
				m.Kind = minutiae.Ending
			case "B":
				m.Kind = minutiae.Bifurcation
			}
		}
		t.Minutiae = append(t.Minutiae, m)
	}
	// 9.333: minutia A, minutia B (1-based positions in 9.331), count, …
	if f, ok := r.Field(333); ok {
		for _, s := range f.Subfields() {
			a, ok1 := item(s, 0)
			b, ok2 := item(s, 1)
			c, ok3 := item(s, 2)
			if !ok1 || !ok2 || !ok3 || a < 1 || b < 1 || a > len(t.Minutiae) || b > len(t.Minutiae) ||
				a > 256 || b > 256 || c < 0 || c > 255 {
				continue
			}
			t.RidgeCounts = append(t.RidgeCounts, minutiae.RidgeCount{From: uint8(a - 1), To: uint8(b - 1), Count: uint8(c)})
		}
	}
	switch strings.ToUpper(strings.TrimSpace(r.Text(332))) {
	case "QUADRANT":
		t.RidgeMethod = 1
	case "OCTANT", "EFTS7":
		t.RidgeMethod = 2
	}
	// 9.320 cores: x, y, direction; 9.321 deltas: x, y, up, left, right.
	efsPixels := func(x, y int) (float64, float64) { return px(x, eho), px(y, evo) }
	t.Cores = singularPoints(r, 320, 1, 1, efsPixels)
	t.Deltas = singularPoints(r, 321, 3, 1, efsPixels)
	return t, nil
}
