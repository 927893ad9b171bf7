package ansinist

import (
	"fmt"

	"github.com/openbms/bms/minutiae"
)

// typeNames are the record type titles of ANSI/NIST-ITL 1-2011 (Table 4),
// lower-cased to follow "Type-N".
var typeNames = map[int]string{
	1:  "transaction information",
	2:  "user-defined descriptive text",
	3:  "low-resolution grayscale fingerprint image",
	4:  "high-resolution grayscale fingerprint image",
	5:  "low-resolution binary fingerprint image",
	6:  "high-resolution binary fingerprint image",
	7:  "user-defined image",
	8:  "signature image",
	9:  "minutiae data",
	10: "photographic body part image",
	11: "forensic and investigatory voice data",
	12: "forensic dental and oral data",
	13: "variable-resolution latent friction ridge image",
	14: "variable-resolution fingerprint image",
	15: "variable-resolution palm print image",
	16: "user-defined variable-resolution testing image",
	17: "iris image",
	18: "DNA data",
	19: "variable-resolution plantar image",
	20: "source representation",
	21: "associated context",
	22: "non-photographic imagery",
	98: "information assurance",
	99: "CBEFF biometric data",
}

// TypeName is a human-readable name of a record type, e.g.
// "Type-14 variable-resolution fingerprint image".
func TypeName(typ int) string {
	if n, ok := typeNames[typ]; ok {
		return fmt.Sprintf("Type-%d %s", typ, n)
	}
	return fmt.Sprintf("Type-%d", typ)
}

// RecordSummary is what a listing shows of one record.
type RecordSummary struct {
	Type     int
	TypeName string
	IDC      int // -1 for Type-1
	// Positions are the finger or palm positions (image FGP, or the
	// position of each minutiae template).
	Positions     []minutiae.Position
	Impression    minutiae.Impression
	HasImpression bool
	// Width, Height, PPI and Compression describe the image (zero and ""
	// when there is none); for Type-9 the first template's image geometry.
	Width, Height int
	PPI           float64
	Compression   string
	// Minutiae is the minutiae count of the first template (-1 when the
	// record holds no minutiae).
	Minutiae int
	// Templates is the number of minutiae forms found (standard, M1, EFS).
	Templates int
	// Problem is set when the record's image header or minutiae could not
	// be interpreted; the record itself parsed.
	Problem string
	// Bytes is the encoded length of the record.
	Bytes int
}

// Summary describes the record for listings such as `bms inspect`. It never
// decodes image data.
func (r *Record) Summary() RecordSummary {
	s := RecordSummary{Type: r.Type, TypeName: TypeName(r.Type), IDC: r.IDC, Minutiae: -1, Bytes: r.Length}
	if info, ok := r.ImageInfo(); ok {
		s.Positions = info.Positions
		s.Impression, s.HasImpression = info.Impression, info.HasImpression
		s.Width, s.Height, s.PPI, s.Compression = info.Width, info.Height, info.PPI, info.Compression
	}
	if r.Type != 9 {
		return s
	}
	if v, ok := r.Int(3); ok && v >= 0 && v <= 255 {
		s.Impression, s.HasImpression = minutiae.Impression(v), true
	}
	ts, err := r.Templates()
	if err != nil {
		s.Problem = err.Error()
	}
	s.Templates = len(ts)
	if len(ts) > 0 {
		t := ts[0]
		s.Minutiae = len(t.Minutiae)
		s.Width, s.Height = int(t.Width), int(t.Height)
		s.PPI = float64(t.ResolutionX) * 2.54
		for _, t := range ts {
			if !containsPosition(s.Positions, t.Position) {
				s.Positions = append(s.Positions, t.Position)
			}
		}
	}
	return s
}

func containsPosition(ps []minutiae.Position, p minutiae.Position) bool {
	for _, q := range ps {
		if q == p {
			return true
		}
	}
	return false
}

// Summaries describes every record of the transaction.
func (t *Transaction) Summaries() []RecordSummary {
	out := make([]RecordSummary, len(t.Records))
	for i, r := range t.Records {
		out[i] = r.Summary()
	}
	return out
}
