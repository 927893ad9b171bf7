package minutiae

import (
	"fmt"
	"math"
	"time"
)

// Kind is the kind of a minutia.
type Kind uint8

const (
	// Other is a minutia whose kind the extractor could not or did not decide
	// (ISO/ANSI type bits 00).
	Other Kind = iota
	// Ending is a ridge ending (type bits 01).
	Ending
	// Bifurcation is a ridge bifurcation (type bits 10).
	Bifurcation
)

func (k Kind) String() string {
	switch k {
	case Other:
		return "other"
	case Ending:
		return "ending"
	case Bifurcation:
		return "bifurcation"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Angle is a direction as a fraction of a full turn, in units of 1/65536 turn,
// measured counter-clockwise from the positive x axis as seen on the image
// (x to the right, y downwards), the convention of ISO/IEC 19794-2 and
// ANSI INCITS 378. 16 bits hold every unit used by the interchange formats
// exactly: ISO's 1/256 turn, ANSI's 2° and the whole degrees of .xyt and
// ANSI/NIST Type-9 all convert to an Angle and back without loss.
type Angle uint16

// AngleFromDegrees converts degrees (any real value; it is reduced modulo 360).
func AngleFromDegrees(deg float64) Angle {
	turns := deg / 360
	turns -= math.Floor(turns)
	return Angle(uint32(math.Round(turns*65536)) & 0xffff)
}

// AngleFromRadians converts radians (any real value; it is reduced modulo 2π).
func AngleFromRadians(rad float64) Angle { return AngleFromDegrees(rad * 180 / math.Pi) }

// Degrees is the angle in degrees, in [0, 360).
func (a Angle) Degrees() float64 { return float64(a) * 360 / 65536 }

// Radians is the angle in radians, in [0, 2π).
func (a Angle) Radians() float64 { return float64(a) * 2 * math.Pi / 65536 }

// Opposite is the angle turned by half a turn.
func (a Angle) Opposite() Angle { return a + 0x8000 }

// isoAngle is the angle in ISO/IEC 19794-2 units (1/256 turn, 1.40625°).
func (a Angle) isoAngle() uint8 { return uint8((uint32(a) + 0x80) >> 8) }

func angleFromISO(v uint8) Angle { return Angle(uint16(v) << 8) }

// ansiAngle is the angle in ANSI INCITS 378 units (2°, 0–179).
func (a Angle) ansiAngle() uint8 {
	return uint8((uint32(a)*180 + 0x8000) >> 16 % 180)
}

func angleFromANSI(v uint8) Angle { return Angle((uint32(v)*65536 + 90) / 180) }

// wholeDegrees is the angle rounded to whole degrees, 0–359.
func (a Angle) wholeDegrees() int { return int((uint32(a)*360+0x8000)>>16) % 360 }

func angleFromWholeDegrees(d int) Angle {
	d %= 360
	if d < 0 {
		d += 360
	}
	return Angle((uint32(d)*65536 + 180) / 360)
}

// Special quality values of ISO/IEC 19794-2:2011.
const (
	QualityNotReported uint8 = 254
	QualityFailed      uint8 = 255
)

// Minutia is one ridge ending or bifurcation.
//
// X and Y are in pixels of the template's image, origin at the top-left
// corner, x to the right and y downwards. Direction is the minutia angle of
// ISO/IEC 19794-2 and ANSI INCITS 378 (the codecs convert other conventions,
// such as ANSI/NIST-ITL Type-9 standard minutiae, into it). Quality is 0–100;
// [QualityNotReported] and [QualityFailed] keep their ISO/IEC 19794-2:2011
// meanings, and the older formats' 0 ("no quality given") stays 0.
type Minutia struct {
	X, Y      uint16
	Direction Angle
	Kind      Kind
	Quality   uint8
}

// Position is a friction-ridge position code as defined by ANSI/NIST-ITL 1-2011
// Table 8 (fingers 0–15, 19) and Table 10 (palms 20–38); ISO/IEC 19794-2 and
// ANSI INCITS 378 use the same codes for fingers.
type Position uint8

// Finger and palm positions (ANSI/NIST-ITL 1-2011 Tables 8 and 10).
const (
	UnknownFinger     Position = 0
	RightThumb        Position = 1
	RightIndex        Position = 2
	RightMiddle       Position = 3
	RightRing         Position = 4
	RightLittle       Position = 5
	LeftThumb         Position = 6
	LeftIndex         Position = 7
	LeftMiddle        Position = 8
	LeftRing          Position = 9
	LeftLittle        Position = 10
	PlainRightThumb   Position = 11
	PlainLeftThumb    Position = 12
	PlainRightFour    Position = 13
	PlainLeftFour     Position = 14
	PlainThumbs       Position = 15
	EJIOrTip          Position = 19
	UnknownPalm       Position = 20
	RightFullPalm     Position = 21
	RightWritersPalm  Position = 22
	LeftFullPalm      Position = 23
	LeftWritersPalm   Position = 24
	RightLowerPalm    Position = 25
	RightUpperPalm    Position = 26
	LeftLowerPalm     Position = 27
	LeftUpperPalm     Position = 28
	RightPalmOther    Position = 29
	LeftPalmOther     Position = 30
	RightInterdigital Position = 31
	RightThenar       Position = 32
	RightHypothenar   Position = 33
	LeftInterdigital  Position = 34
	LeftThenar        Position = 35
	LeftHypothenar    Position = 36
	RightGrasp        Position = 37
	LeftGrasp         Position = 38
)

var positionNames = map[Position]string{
	0: "unknown finger", 1: "right thumb", 2: "right index", 3: "right middle", 4: "right ring",
	5: "right little", 6: "left thumb", 7: "left index", 8: "left middle", 9: "left ring",
	10: "left little", 11: "plain right thumb", 12: "plain left thumb", 13: "plain right four fingers",
	14: "plain left four fingers", 15: "plain thumbs", 16: "right extra digit", 17: "left extra digit",
	18: "unknown friction ridge", 19: "EJI or tip",
	20: "unknown palm", 21: "right full palm", 22: "right writer's palm", 23: "left full palm",
	24: "left writer's palm", 25: "right lower palm", 26: "right upper palm", 27: "left lower palm",
	28: "left upper palm", 29: "right palm other", 30: "left palm other", 31: "right interdigital",
	32: "right thenar", 33: "right hypothenar", 34: "left interdigital", 35: "left thenar",
	36: "left hypothenar", 37: "right grasp", 38: "left grasp",
}

func (p Position) String() string {
	if s, ok := positionNames[p]; ok {
		return s
	}
	return fmt.Sprintf("position %d", uint8(p))
}

// IsPalm reports whether the position is a palm region.
func (p Position) IsPalm() bool { return p >= 20 && p <= 38 }

// Impression is the ANSI/NIST-ITL 1-2011 impression code (Table 7). ISO/IEC
// 19794-2 and ANSI INCITS 378 use codes 0–3 and 8 with the same meaning.
type Impression uint8

// Impression codes (ANSI/NIST-ITL 1-2011 Table 7).
const (
	LivePlain              Impression = 0
	LiveRolled             Impression = 1
	NonlivePlain           Impression = 2
	NonliveRolled          Impression = 3
	LatentImpression       Impression = 4
	LatentTracing          Impression = 5
	LatentPhoto            Impression = 6
	LatentLift             Impression = 7
	LiveSwipe              Impression = 8
	LiveContactlessPlain   Impression = 9
	PalmLive               Impression = 10
	PalmNonlive            Impression = 11
	PalmLatentImpression   Impression = 12
	PalmLatentTracing      Impression = 13
	PalmLatentPhoto        Impression = 14
	PalmLatentLift         Impression = 15
	LiveOpticalContactless Impression = 24
	UnknownImpression      Impression = 29
	LiveRolledContactless  Impression = 41
	UnknownFrictionRidge   Impression = 255
)

var impressionNames = map[Impression]string{
	0: "live-scan plain", 1: "live-scan rolled", 2: "nonlive-scan plain", 3: "nonlive-scan rolled",
	4: "latent impression", 5: "latent tracing", 6: "latent photo", 7: "latent lift",
	8: "live-scan swipe", 9: "live-scan contactless plain", 10: "live-scan palm", 11: "nonlive-scan palm",
	12: "latent palm impression", 13: "latent palm tracing", 14: "latent palm photo",
	15: "latent palm lift", 20: "live-scan optical contact plain", 21: "live-scan optical contact rolled",
	22: "live-scan non-optical contact plain", 23: "live-scan non-optical contact rolled",
	24: "live-scan optical contactless plain", 25: "live-scan optical contactless rolled",
	26: "live-scan non-optical contactless plain", 27: "live-scan non-optical contactless rolled",
	28: "other", 29: "unknown", 255: "unknown",
}

func (i Impression) String() string {
	if s, ok := impressionNames[i]; ok {
		return s
	}
	return fmt.Sprintf("impression %d", uint8(i))
}

// IsLatent reports whether the impression is a latent (finger or palm).
func (i Impression) IsLatent() bool { return (i >= 4 && i <= 7) || (i >= 12 && i <= 15) }

// IsRolled reports whether the impression is rolled.
func (i Impression) IsRolled() bool {
	return i == LiveRolled || i == NonliveRolled || i == 21 || i == 23 || i == 25 || i == 27
}

// SingularPoint is a core or a delta. Directions are optional in the
// interchange formats: HasDirection tells whether Directions holds any
// (one for a core, up to three for a delta).
type SingularPoint struct {
	X, Y         uint16
	HasDirection bool
	Directions   []Angle
}

// RawAngle is an angle code as stored in a record, for the minutia at the
// given index of Template.Minutiae.
type RawAngle struct {
	Minutia int
	Code    uint8
}

// RidgeCount is the number of ridges crossed between two minutiae, given by
// their indices in Template.Minutiae.
type RidgeCount struct {
	From, To uint8
	Count    uint8
}

// RidgeCountMethod is the extraction method of the ridge-count block
// (ISO/ANSI): 0 unspecified, 1 four neighbours per quadrant, 2 eight
// neighbours per octant.
type RidgeCountMethod uint8

// Extension is an extended data block that the codecs keep but do not
// interpret (vendor blocks, zonal quality, …). Type is the 16-bit block type;
// Data is the block body without its type and length fields.
type Extension struct {
	Type uint16
	Data []byte
}

// QualityRecord is one quality score with the identity of the algorithm that
// computed it (ISO/IEC 29794 registry, IBIA-registered vendor and algorithm).
// Score is 0–100; ISO/IEC 19794-2:2011 uses 254 for "not computed" and 255
// for "failed".
type QualityRecord struct {
	Score       uint8
	VendorID    uint16
	AlgorithmID uint16
}

// Certification is one ISO/IEC 19794-2:2011 certification block.
type Certification struct {
	Authority uint16
	Scheme    uint8
}

// CaptureDevice describes the scanner a view was taken with.
// Technology is the ISO/IEC 19794-2:2011 capture device technology code (0
// unknown); Vendor is an IBIA vendor ID; Type is the vendor's device type
// (12 bits in the older formats). Compliance holds the older formats'
// certification bits (ISO 2005, ANSI 378: four bits, 0x8 = "Appendix F /
// EFTS certified").
type CaptureDevice struct {
	Technology uint8
	Vendor     uint16
	Type       uint16
	Compliance uint8
}

// Template is the minutiae of one view of one finger or palm region.
//
// Width and Height are those of the image the minutiae were found in, in
// pixels; ResolutionX and ResolutionY are in pixels per centimetre as in
// ISO/IEC 19794-2 (197 ≈ 500 ppi; 0 when unknown).
type Template struct {
	Position   Position
	View       uint8 // view (ISO "representation") number of this position, 0-based
	Impression Impression

	Width, Height            uint16
	ResolutionX, ResolutionY uint16

	// Qualities is the finger quality: one record for the formats that carry
	// a single value (ISO 2005, ANSI 2004 leave the vendor and algorithm 0).
	Qualities []QualityRecord

	// CaptureTime is when the view was captured (ISO 2011 only; zero if absent).
	CaptureTime time.Time
	// Device is the capture device; formats that record it per record (ISO
	// 2005, ANSI) repeat the record's device in every view.
	Device         CaptureDevice
	Certifications []Certification
	// RidgeSkeleton is true when ending positions were taken on the ridge
	// skeleton (ISO 2011 ending type 1), false for the valley-skeleton
	// bifurcation point (type 0, the default of every other format).
	RidgeSkeleton bool

	Minutiae []Minutia
	// NonconformingAngles keeps ANSI INCITS 378 angle codes beyond the
	// legal 0–179 found when decoding (seen in published reference data),
	// so that nothing is lost: the minutia's Direction holds the direction
	// the code denotes (modulo 360°), and the ANSI writers put the original
	// code back as long as that Direction is unchanged.
	NonconformingAngles []RawAngle `json:",omitempty"`

	Cores       []SingularPoint
	Deltas      []SingularPoint
	RidgeMethod RidgeCountMethod
	RidgeCounts []RidgeCount
	Extensions  []Extension
}

// Quality is the first quality score, or 0 when none was recorded.
func (t *Template) Quality() uint8 {
	if len(t.Qualities) == 0 {
		return 0
	}
	return t.Qualities[0].Score
}

// PPI is the horizontal resolution in pixels per inch (0 when unknown). The
// stored pixels per centimetre are rounded, so a whole ppi within that
// rounding is reported: 197 px/cm is 500 ppi, not 500.38.
func (t *Template) PPI() float64 { return metricPPI(float64(t.ResolutionX), cmPerInch, 1) }

// Record is a multi-view template record: several fingers (or several views
// of one finger, or palm regions) of one person, as carried by one ISO/ANSI
// finger minutiae record or one ANSI/NIST-ITL transaction.
type Record struct {
	// ProductOwner and ProductType form the CBEFF product identifier of the
	// software that made the record (ANSI 378; 0 in ISO).
	ProductOwner, ProductType uint16
	Views                     []Template
}

// Len is the number of views.
func (r *Record) Len() int { return len(r.Views) }
