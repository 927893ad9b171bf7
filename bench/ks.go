package bench

import (
	"math"
	"slices"
)

// KolmogorovSmirnov is the two-sample Kolmogorov–Smirnov test: d is the
// largest distance between the two empirical distribution functions, p the
// asymptotic probability of a distance at least d if both samples came from
// one distribution (Numerical Recipes' approximation of the Kolmogorov
// distribution, good for the sample sizes of score sets). NaNs are
// ignored; an empty sample gives d = 0, p = 1.
func KolmogorovSmirnov(a, b []float64) (d, p float64) {
	x, y := sortedFinite(a), sortedFinite(b)
	if len(x) == 0 || len(y) == 0 {
		return 0, 1
	}
	i, j := 0, 0
	for i < len(x) && j < len(y) {
		v := min(x[i], y[j])
		for i < len(x) && x[i] <= v {
			i++
		}
		for j < len(y) && y[j] <= v {
			j++
		}
		d = max(d, math.Abs(float64(i)/float64(len(x))-float64(j)/float64(len(y))))
	}
	ne := float64(len(x)) * float64(len(y)) / float64(len(x)+len(y))
	lambda := (math.Sqrt(ne) + 0.12 + 0.11/math.Sqrt(ne)) * d
	return d, kolmogorovQ(lambda)
}

func sortedFinite(v []float64) []float64 {
	out := make([]float64, 0, len(v))
	for _, x := range v {
		if !math.IsNaN(x) {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return out
}

// kolmogorovQ is Q(λ) = 2 Σ (−1)^(k−1) exp(−2k²λ²).
func kolmogorovQ(lambda float64) float64 {
	if lambda < 0.2 {
		return 1
	}
	sum, sign := 0.0, 1.0
	for k := 1; k <= 100; k++ {
		term := sign * 2 * math.Exp(-2*float64(k*k)*lambda*lambda)
		sum += term
		if math.Abs(term) < 1e-12 {
			break
		}
		sign = -sign
	}
	return min(1, max(0, sum))
}
