package minutiae_test

import (
	"path/filepath"
	"testing"

	"github.com/openbms/bms/bench"
	"github.com/openbms/bms/internal/shareddata"
	"github.com/openbms/bms/minutiae"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syntheticCard is a ten-print record of synthetic fingers: a rolled and a
// plain impression of each of the given positions.
func syntheticCard(positions []minutiae.Position) *minutiae.Record {
	s := bench.NewSynth(3)
	rec := &minutiae.Record{}
	var plain []minutiae.Template
	for _, p := range positions {
		f := s.Finger()
		r := *s.Impression(f)
		r.Position, r.Impression = p, minutiae.NonliveRolled
		rec.Views = append(rec.Views, r)
		q := *s.Impression(f)
		q.Position, q.Impression = p, minutiae.NonlivePlain
		plain = append(plain, q)
	}
	rec.Views = append(rec.Views, plain...)
	return rec
}

func TestCheckSequence(t *testing.T) {
	hand := []minutiae.Position{minutiae.RightIndex, minutiae.RightMiddle, minutiae.RightRing, minutiae.RightLittle}
	rec := syntheticCard(hand)
	checks, err := minutiae.CheckSequence(rec)
	require.NoError(t, err)
	require.Len(t, checks, 4)
	for i, c := range checks {
		assert.Equal(t, 4+i, c.Plain)
		assert.Equal(t, hand[i], c.Finger)
		assert.Equal(t, minutiae.SequenceConfirmed, c.Verdict, "%+v", c)
	}

	// The middle and ring rolled prints in each other's boxes.
	rec.Views[1].Position, rec.Views[2].Position = minutiae.RightRing, minutiae.RightMiddle
	checks, err = minutiae.CheckSequence(rec)
	require.NoError(t, err)
	want := []minutiae.SequenceVerdict{minutiae.SequenceConfirmed, minutiae.SequenceMisplaced, minutiae.SequenceMisplaced, minutiae.SequenceConfirmed}
	for i, c := range checks {
		assert.Equal(t, want[i], c.Verdict, "%v: %+v", c.Finger, c)
	}
	assert.Equal(t, minutiae.RightRing, checks[1].BestFinger, "the middle finger's print is in the ring box")
	assert.Equal(t, minutiae.RightMiddle, checks[2].BestFinger)

	// A plain finger whose rolled print is missing and which matches no
	// other: unconfirmed, not misplaced.
	rec = syntheticCard(hand)
	rec.Views = rec.Views[1:] // no rolled index
	checks, err = minutiae.CheckSequence(rec)
	require.NoError(t, err)
	assert.Equal(t, minutiae.SequenceUnconfirmed, checks[0].Verdict)
	assert.Zero(t, checks[0].Own)

	// Nothing to check: rolled prints only, plain prints only; and a nil
	// record.
	none, err := minutiae.CheckSequence(&minutiae.Record{Views: rec.Views[:3]})
	require.NoError(t, err)
	assert.Empty(t, none)
	none, err = minutiae.CheckSequence(&minutiae.Record{Views: rec.Views[3:]})
	require.NoError(t, err)
	assert.Empty(t, none, "plain prints without rolled ones")
	_, err = minutiae.CheckSequence(nil)
	assert.Error(t, err)
	assert.Equal(t, "misplaced", minutiae.SequenceMisplaced.String())
}

// TestCheckSequenceTenPrintCard runs the check on the NIST ten-print card
// with its slaps split: no finger is misplaced; the fingers that confirm
// are the ones that found their rolled prints in
// TestSlapFingersFindTheirRolledPrints. Swapping two rolled prints' boxes
// turns both into misplaced fingers.
func TestCheckSequenceTenPrintCard(t *testing.T) {
	dir := shareddata.Require(t, "fingerprint", "ansi-nist")
	rolled, plain := cardTemplates(t, filepath.Join(dir, "type-4-tpcard.an2"))
	rec := &minutiae.Record{}
	for _, p := range append(plain, rolled...) {
		rec.Views = append(rec.Views, *p)
	}
	checks, err := minutiae.CheckSequence(rec)
	require.NoError(t, err)
	require.Len(t, checks, 10)
	confirmed := 0
	for _, c := range checks {
		t.Logf("%-12v %-11v own %.3f, best other %.3f (%v)", c.Finger, c.Verdict, c.Own, c.Best, c.BestFinger)
		assert.NotEqual(t, minutiae.SequenceMisplaced, c.Verdict, "%+v", c)
		if c.Verdict == minutiae.SequenceConfirmed {
			confirmed++
		}
	}
	assert.GreaterOrEqual(t, confirmed, 8)

	// Left index and left middle rolled prints swapped.
	for i := range rec.Views {
		v := &rec.Views[i]
		if !v.Impression.IsRolled() {
			continue
		}
		switch v.Position {
		case minutiae.LeftIndex:
			v.Position = minutiae.LeftMiddle
		case minutiae.LeftMiddle:
			v.Position = minutiae.LeftIndex
		}
	}
	checks, err = minutiae.CheckSequence(rec)
	require.NoError(t, err)
	for _, c := range checks {
		if c.Finger == minutiae.LeftIndex || c.Finger == minutiae.LeftMiddle {
			assert.Equal(t, minutiae.SequenceMisplaced, c.Verdict, "%+v", c)
		}
	}
}

func TestPositionFinger(t *testing.T) {
	for p, want := range map[minutiae.Position]minutiae.Position{
		minutiae.RightThumb: minutiae.RightThumb, minutiae.LeftLittle: minutiae.LeftLittle,
		minutiae.PlainRightThumb: minutiae.RightThumb, minutiae.PlainLeftThumb: minutiae.LeftThumb,
		minutiae.PlainRightFour: 0, minutiae.PlainThumbs: 0, minutiae.UnknownFinger: 0, minutiae.UnknownPalm: 0, 19: 0,
	} {
		assert.Equal(t, want, p.Finger(), "%v", p)
	}
}
