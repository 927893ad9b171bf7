package minutiae

import "fmt"

// SequenceVerdict is what a ten-print's plain impression says about the
// rolled print of the same finger.
type SequenceVerdict uint8

const (
	// SequenceConfirmed: the plain finger matches the rolled print of its
	// own position.
	SequenceConfirmed SequenceVerdict = iota + 1
	// SequenceUnconfirmed: it matches no rolled print well enough to say
	// (a poor print on either side, or no rolled print of its finger).
	SequenceUnconfirmed
	// SequenceMisplaced: it does not match its own position's rolled print
	// but strongly matches another finger's: the rolled prints (or the
	// slap's fingers) are in the wrong boxes.
	SequenceMisplaced
)

func (v SequenceVerdict) String() string {
	switch v {
	case SequenceConfirmed:
		return "confirmed"
	case SequenceUnconfirmed:
		return "unconfirmed"
	case SequenceMisplaced:
		return "misplaced"
	}
	return fmt.Sprintf("SequenceVerdict(%d)", uint8(v))
}

// SequenceCheck is the check of one plain finger of a record.
type SequenceCheck struct {
	Plain   int      // index of the plain view in the record
	Finger  Position // its finger (1–10)
	Verdict SequenceVerdict
	// Own is the score against the rolled print of Finger (0 when the
	// record has none); Best is the best score against the rolled prints
	// of the other nine fingers, BestFinger that finger.
	Own, Best  float64
	BestFinger Position
}

// Sequence thresholds: a plain finger confirms its rolled print above the
// FMR 1 % threshold (a few comparisons per finger, so a chance
// confirmation is rare and harmless), and says it belongs elsewhere only
// above the FMR 0.01 % one.
var (
	sequenceConfirm  = ThresholdForFMR(0.01)
	sequenceMisplace = ThresholdForFMR(0.0001)
)

// CheckSequence compares each plain view of a single finger (a segmented
// slap finger or a plain thumb) with every rolled view of rec, the
// sequence check of a ten-print card: a rolled print taken in the wrong
// box, or a card whose hands were swapped, shows as plain fingers that
// match another position's rolled print. Views without a single finger
// position, latents and palms are skipped; a plain finger whose position
// has no rolled print is still checked against the others. It returns one
// check per plain finger, in view order, and none when rec holds no rolled
// print of a finger (nothing to check against).
func CheckSequence(rec *Record) ([]SequenceCheck, error) {
	if rec == nil {
		return nil, fmt.Errorf("minutiae: check sequence: nil record")
	}
	var rolled [LeftLittle + 1]*Prepared // by finger
	found := false
	for i := range rec.Views {
		v := &rec.Views[i]
		if f := v.Position.Finger(); f != 0 && v.Impression.IsRolled() {
			p, err := Prepare(v)
			if err != nil {
				return nil, fmt.Errorf("minutiae: check sequence: view %d: %w", i, err)
			}
			rolled[f], found = p, true
		}
	}
	if !found {
		return nil, nil
	}
	var out []SequenceCheck
	for i := range rec.Views {
		v := &rec.Views[i]
		f := v.Position.Finger()
		if f == 0 || v.Impression.IsRolled() || v.Impression.IsLatent() || v.Impression.isPalm() {
			continue
		}
		m, err := NewMatcher(v)
		if err != nil {
			return nil, fmt.Errorf("minutiae: check sequence: view %d: %w", i, err)
		}
		c := SequenceCheck{Plain: i, Finger: f}
		for g := RightThumb; g <= LeftLittle; g++ {
			r := rolled[g]
			if r == nil {
				continue
			}
			s := m.Compare(r)
			switch {
			case g == f:
				c.Own = s
			case s > c.Best:
				c.Best, c.BestFinger = s, g
			}
		}
		switch {
		case c.Own >= sequenceConfirm && c.Own >= c.Best:
			c.Verdict = SequenceConfirmed
		case c.Best >= sequenceMisplace && c.Best > c.Own:
			c.Verdict = SequenceMisplaced
		default:
			c.Verdict = SequenceUnconfirmed
		}
		out = append(out, c)
	}
	return out, nil
}
