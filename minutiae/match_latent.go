package minutiae

import "github.com/openbms/bms/internal/match"

// LatentSide says which side of a comparison is the latent (a partial
// print lifted from a surface), the other being a whole print.
type LatentSide uint8

const (
	// LatentProbe: a latent searched against whole prints.
	LatentProbe LatentSide = iota
	// LatentCandidate: a whole print searched against stored latents
	// (a new ten-print against unsolved marks).
	LatentCandidate
)

func (s LatentSide) partial() match.Partial {
	if s == LatentCandidate {
		return match.CandidatePartial
	}
	return match.ProbePartial
}

// CompareLatent compares the probe with candidate c when one of them is a
// latent. The evidence is Compare's, but it is normalised by the latent's
// size and by the minutiae of the whole print that fall inside the
// latent's area under the best alignment (never fewer than 20), not by
// the whole print's size: a rolled print holds two to five times the
// minutiae of a plain one, nearly all outside the latent, and Compare
// would rank a rolled mate below small unrelated prints. The scores have
// their own scale: read them with [DefaultLatentCalibration], not
// [DefaultCalibration]. Allocates nothing.
func (m *Matcher) CompareLatent(c *Prepared, side LatentSide) float64 {
	if m == nil || m.m == nil || c == nil {
		return 0
	}
	return m.comparePartial(&c.t, side)
}

// comparePartial is the latent comparison with c, at any rotation when
// SetLatentAnyRotation is on.
func (m *Matcher) comparePartial(c *match.Template, side LatentSide) float64 {
	if m.anyRotation {
		return m.m.ComparePartialAnyTurn(c, side.partial())
	}
	return m.m.ComparePartial(c, side.partial())
}

// SetLatentAnyRotation sets whether the matcher's latent comparisons
// ([Matcher.CompareLatent], [Matcher.CompareLatentAt]) look for the latent
// at any rotation against the whole print. By default they accept a
// quarter turn either way, as [Matcher.Compare] does: enough when the
// examiner has set the latent roughly upright, but a mark lifted from an
// object can lie at any angle, and its mate is then missed. Any rotation
// costs four comparisons instead of one and gives chance four times the
// opportunities: read its scores with [LatentAnyRotationFMRForScore].
func (m *Matcher) SetLatentAnyRotation(on bool) {
	if m != nil {
		m.anyRotation = on
	}
}

// LatentAnyRotation reports whether SetLatentAnyRotation is on.
func (m *Matcher) LatentAnyRotation() bool { return m != nil && m.anyRotation }

// CompareLatentAt is [Matcher.CompareLatent] against template i of v.
func (m *Matcher) CompareLatentAt(v ArenaView, i uint32, side LatentSide) float64 {
	if m == nil || m.m == nil || v.v == nil {
		return 0
	}
	v.v.At(i, &m.view)
	return m.comparePartial(&m.view, side)
}

// LatentThresholdForFMR is the latent score ([Matcher.CompareLatent]) at or
// above which comparisons of a latent with an unrelated print happen with
// the rate fmr, by the default latent calibration.
func LatentThresholdForFMR(fmr float64) float64 {
	return DefaultLatentCalibration.ThresholdForFMR(fmr)
}

// LatentFMRForScore is the false-match rate of a latent decision threshold
// at score, by the default latent calibration.
func LatentFMRForScore(score float64) float64 { return DefaultLatentCalibration.FMRForScore(score) }

// LatentAnyRotationFMRForScore is LatentFMRForScore for a matcher with
// SetLatentAnyRotation on: a bound, the rate of the best of four
// comparisons, each at the calibrated rate, exceeding score (at most four
// times LatentFMRForScore; the four are not independent, so the true rate
// is lower, see docs/matching.md).
func LatentAnyRotationFMRForScore(score float64) float64 {
	return min(1, float64(match.Turns)*LatentFMRForScore(score))
}

// LatentAnyRotationThresholdForFMR is the score at or above which
// LatentAnyRotationFMRForScore is at most fmr.
func LatentAnyRotationThresholdForFMR(fmr float64) float64 {
	return LatentThresholdForFMR(fmr / match.Turns)
}
