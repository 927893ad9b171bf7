package bench

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
)

// Metrics are the FVC accuracy indicators of one set of genuine and
// impostor scores. Rates are fractions (0.0123 = 1.23 %). Scores are
// similarities: higher means more alike, and a pair is accepted at
// threshold t when its score is ≥ t.
type Metrics struct {
	Genuine  int `json:"genuine"`  // number of genuine comparisons
	Impostor int `json:"impostor"` // number of impostor comparisons

	// EER is the equal error rate per FVC2000 (see [ComputeMetrics]), the
	// midpoint of [EERLow, EERHigh].
	EER     float64 `json:"eer"`
	EERLow  float64 `json:"eer_low"`
	EERHigh float64 `json:"eer_high"`
	// EERThreshold is the threshold (t1 or t2) at which the EER interval
	// was taken: accept when score ≥ EERThreshold. +Inf means "reject
	// everything".
	EERThreshold Threshold `json:"eer_threshold"`

	FMR100   float64 `json:"fmr100"`   // lowest FNMR with FMR ≤ 1 %
	FMR1000  float64 `json:"fmr1000"`  // lowest FNMR with FMR ≤ 0.1 %
	ZeroFMR  float64 `json:"zerofmr"`  // lowest FNMR with FMR = 0
	ZeroFNMR float64 `json:"zerofnmr"` // lowest FMR with FNMR = 0
}

// Threshold is a score threshold. It can be ±Inf (+Inf: accept nothing),
// which JSON cannot hold, so it marshals non-finite values as null.
type Threshold float64

// MarshalJSON writes the threshold as a JSON number, or null when it is
// not finite.
func (t Threshold) MarshalJSON() ([]byte, error) {
	f := float64(t)
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}

// ErrNoScores is returned by [ComputeMetrics] when the genuine or the
// impostor set is empty: no rate can be estimated then.
var ErrNoScores = errors.New("bench: metrics need at least one genuine and one impostor score")

// Point is one operating point of a score set: accepting pairs whose score
// is ≥ Threshold gives these error rates.
type Point struct {
	Threshold float64
	FMR       float64 // fraction of impostor scores ≥ Threshold
	FNMR      float64 // fraction of genuine scores < Threshold
}

// operatingPoint is a Point with its exact counts, so that comparisons of
// rates are done in integers and ties of rates are decided exactly.
type operatingPoint struct {
	t         float64
	fm, fnm   int64 // false matches (impostor ≥ t), false non-matches (genuine < t)
	nImp, nGn int64
}

// Curve returns every distinct operating point of the scores, threshold
// ascending: one point per distinct score value (accepting scores ≥ that
// value) and a last point at +Inf (accept nothing). FMR and FNMR are step
// functions of the threshold that only change at score values, so these
// points are all there is: any other threshold gives the same rates as the
// next point above it. FMR falls and FNMR rises along the curve. The inputs
// are not modified. Scores must not be NaN (see [ComputeMetrics]).
func Curve(genuine, impostor []float64) []Point {
	ops := operatingPoints(genuine, impostor)
	out := make([]Point, len(ops))
	for i, o := range ops {
		out[i] = Point{Threshold: o.t, FMR: o.fmr(), FNMR: o.fnmr()}
	}
	return out
}

func (o operatingPoint) fmr() float64 {
	if o.nImp == 0 {
		return 0
	}
	return float64(o.fm) / float64(o.nImp)
}

func (o operatingPoint) fnmr() float64 {
	if o.nGn == 0 {
		return 0
	}
	return float64(o.fnm) / float64(o.nGn)
}

func operatingPoints(genuine, impostor []float64) []operatingPoint {
	g := append([]float64(nil), genuine...)
	im := append([]float64(nil), impostor...)
	sort.Float64s(g)
	sort.Float64s(im)
	all := make([]float64, 0, len(g)+len(im)+1)
	all = append(all, g...)
	all = append(all, im...)
	sort.Float64s(all)
	out := make([]operatingPoint, 0, len(all)+1)
	gi, ii := 0, 0 // counts of genuine / impostor scores < t
	for k, t := range all {
		if k > 0 && t == all[k-1] {
			continue
		}
		for gi < len(g) && g[gi] < t {
			gi++
		}
		for ii < len(im) && im[ii] < t {
			ii++
		}
		out = append(out, operatingPoint{t: t, fm: int64(len(im) - ii), fnm: int64(gi),
			nImp: int64(len(im)), nGn: int64(len(g))})
	}
	// Accept nothing. When the largest score is +Inf this threshold cannot
	// lie above it in float64; the point is still added (threshold +Inf,
	// FMR 0) so that every curve ends at FMR = 0, FNMR = 1.
	out = append(out, operatingPoint{t: math.Inf(1), fm: 0, fnm: int64(len(g)),
		nImp: int64(len(im)), nGn: int64(len(g))})
	return out
}

// ComputeMetrics computes the FVC indicators of genuine and impostor
// similarity scores, with FMR(t) = #{impostor ≥ t}/#impostor and FNMR(t) =
// #{genuine < t}/#genuine, over the operating points of [Curve].
//
// EER follows the FVC2000 definition (D. Maio, D. Maltoni, R. Cappelli,
// J. L. Wayman, A. K. Jain, "FVC2000: Fingerprint Verification
// Competition", IEEE PAMI 24(3), 2002, section on performance evaluation).
// FMR and FNMR being discrete, an exact crossing may not exist, so
//
//	t1 = max{ t | FNMR(t) ≤ FMR(t) }
//	t2 = min{ t | FNMR(t) ≥ FMR(t) }
//	[EERlow, EERhigh] = [FNMR(t1), FMR(t1)]  if FNMR(t1)+FMR(t1) ≤ FMR(t2)+FNMR(t2)
//	                  = [FMR(t2), FNMR(t2)]  otherwise
//	EER = (EERlow + EERhigh) / 2
//
// t1 and t2 always exist when both sets are non-empty: at the lowest score
// FNMR = 0 ≤ FMR = 1, and above the highest FMR = 0 ≤ FNMR = 1. Every
// comparison of rates is made on exact integer counts, so ties of rates
// (and ties of scores, which fall on one operating point) are decided
// exactly rather than by rounding. With perfect separation (every genuine
// score above every impostor score) FMR = FNMR = 0 between the two sets and
// EER = 0.
//
// FMR100 and FMR1000 are the lowest FNMR over the thresholds with FMR ≤ 1 %
// and ≤ 0.1 %, ZeroFMR the lowest FNMR with FMR = 0 (genuine scores equal
// to the highest impostor score count as non-matches there), ZeroFNMR the
// lowest FMR with FNMR = 0. As FNMR rises and FMR falls with the threshold,
// each is read at the lowest threshold meeting its condition.
//
// Failures to enrol must be passed as scores (FVC gives them 0 against
// everything) so that they count as errors. It returns [ErrNoScores] when a
// set is empty and an error for a NaN score (a comparison that produced no
// number is a bug to surface, not a score to rank); ±Inf scores are valid.
func ComputeMetrics(genuine, impostor []float64) (Metrics, error) {
	if len(genuine) == 0 || len(impostor) == 0 {
		return Metrics{}, ErrNoScores
	}
	for _, set := range [][]float64{genuine, impostor} {
		for i, s := range set {
			if math.IsNaN(s) {
				return Metrics{}, fmt.Errorf("bench: score %d is NaN", i)
			}
		}
	}
	ops := operatingPoints(genuine, impostor)
	nG, nI := int64(len(genuine)), int64(len(impostor))
	m := Metrics{Genuine: len(genuine), Impostor: len(impostor)}

	// FNMR ≤ FMR  ⇔  fnm/nG ≤ fm/nI  ⇔  fnm·nI ≤ fm·nG (exact in int64 for
	// any realistic set: counts below 2^31 each).
	t1, t2 := -1, -1
	for k, o := range ops {
		if o.fnm*nI <= o.fm*nG {
			t1 = k // the last such point: FNMR−FMR only grows with t
		}
		if t2 < 0 && o.fnm*nI >= o.fm*nG {
			t2 = k
		}
	}
	// Both are found (see the doc comment); guard anyway rather than index
	// out of range on a logic error.
	if t1 < 0 || t2 < 0 {
		return Metrics{}, errors.New("bench: internal error: EER thresholds not found")
	}
	a, b := ops[t1], ops[t2]
	// FNMR(t1)+FMR(t1) ≤ FMR(t2)+FNMR(t2), on the common denominator nG·nI.
	if a.fnm*nI+a.fm*nG <= b.fnm*nI+b.fm*nG {
		m.EERLow, m.EERHigh, m.EERThreshold = a.fnmr(), a.fmr(), Threshold(a.t)
	} else {
		m.EERLow, m.EERHigh, m.EERThreshold = b.fmr(), b.fnmr(), Threshold(b.t)
	}
	m.EER = (m.EERLow + m.EERHigh) / 2

	m.FMR100, m.FMR1000, m.ZeroFMR = math.NaN(), math.NaN(), math.NaN()
	for _, o := range ops {
		if math.IsNaN(m.FMR100) && o.fm*100 <= nI {
			m.FMR100 = o.fnmr()
		}
		if math.IsNaN(m.FMR1000) && o.fm*1000 <= nI {
			m.FMR1000 = o.fnmr()
		}
		if math.IsNaN(m.ZeroFMR) && o.fm == 0 {
			m.ZeroFMR = o.fnmr()
		}
	}
	// ZeroFNMR: the highest threshold with no false non-match gives the
	// lowest FMR.
	m.ZeroFNMR = 1
	for _, o := range ops {
		if o.fnm == 0 {
			m.ZeroFNMR = o.fmr()
		}
	}
	return m, nil
}
