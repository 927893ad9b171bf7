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
	return m.m.ComparePartial(&c.t, side.partial())
}

// CompareLatentAt is [Matcher.CompareLatent] against template i of v.
func (m *Matcher) CompareLatentAt(v ArenaView, i uint32, side LatentSide) float64 {
	if m == nil || m.m == nil || v.v == nil {
		return 0
	}
	v.v.At(i, &m.view)
	return m.m.ComparePartial(&m.view, side.partial())
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
