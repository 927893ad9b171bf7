package bench

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func repeat(v float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func concat(sets ...[]float64) []float64 {
	var out []float64
	for _, s := range sets {
		out = append(out, s...)
	}
	return out
}

// TestComputeMetrics checks hand-computed cases. Each comment lists the
// operating points as threshold: (FNMR, FMR), from which t1, t2 and the
// other indicators are read by hand.
func TestComputeMetrics(t *testing.T) {
	inf := math.Inf(1)
	cases := []struct {
		name          string
		gen, imp      []float64
		eer, lo, hi   float64
		thr           float64
		fmr100, fmr1k float64
		zeroFMR       float64
		zeroFNMR      float64
	}{
		{
			// 0.1:(0,1) 0.2:(0,.5) 0.8:(0,0) 0.9:(.5,0) inf:(1,0)
			// t1 = t2 = 0.8 → EER 0.
			name: "perfect separation",
			gen:  []float64{0.9, 0.8}, imp: []float64{0.2, 0.1},
			eer: 0, lo: 0, hi: 0, thr: 0.8,
			fmr100: 0, fmr1k: 0, zeroFMR: 0, zeroFNMR: 0,
		},
		{
			// 0.5:(0,1) inf:(1,0); t1 = 0.5, t2 = inf, sums 1 = 1 → t1.
			name: "all scores tied",
			gen:  []float64{0.5, 0.5}, imp: []float64{0.5, 0.5},
			eer: 0.5, lo: 0, hi: 1, thr: 0.5,
			fmr100: 1, fmr1k: 1, zeroFMR: 1, zeroFNMR: 1,
		},
		{
			// 0.1:(0,1) .2:(0,.75) .3:(0,.5) .4:(.25,.5) .6:(.25,.25)
			// .65:(.5,.25) .7:(.5,0) .9:(.75,0) inf:(1,0); t1 = t2 = 0.6.
			name: "exact crossing",
			gen:  []float64{0.3, 0.6, 0.7, 0.9}, imp: []float64{0.1, 0.2, 0.4, 0.65},
			eer: 0.25, lo: 0.25, hi: 0.25, thr: 0.6,
			fmr100: 0.5, fmr1k: 0.5, zeroFMR: 0.5, zeroFNMR: 0.5,
		},
		{
			// 0.1:(0,1) .3:(0,.5) .5:(1/3,1/2) .6:(1/3,0) .9:(2/3,0)
			// inf:(1,0); t1 = .5 (sum 5/6), t2 = .6 (sum 1/3) → t2:
			// [FMR(t2), FNMR(t2)] = [0, 1/3].
			name: "no crossing, t2 side",
			gen:  []float64{0.3, 0.6, 0.9}, imp: []float64{0.1, 0.5},
			eer: 1.0 / 6, lo: 0, hi: 1.0 / 3, thr: 0.6,
			fmr100: 1.0 / 3, fmr1k: 1.0 / 3, zeroFMR: 1.0 / 3, zeroFNMR: 0.5,
		},
		{
			// Ties between the classes at 0.5 (genuine 0.5 is accepted
			// at t = 0.5, rejected above).
			// .05:(0,1) .1:(0,.2) .5:(.1,.2) .9:(.5,.05) .95:(1,.05)
			// inf:(1,0); t1 = .5 (sum .3), t2 = .9 (sum .55) → t1:
			// [FNMR(t1), FMR(t1)] = [.1, .2].
			name: "no crossing, t1 side, ties across classes",
			gen:  concat([]float64{0.1}, repeat(0.5, 4), repeat(0.9, 5)),
			imp:  concat(repeat(0.05, 16), repeat(0.5, 3), []float64{0.95}),
			eer:  0.15, lo: 0.1, hi: 0.2, thr: 0.5,
			fmr100: 1, fmr1k: 1, zeroFMR: 1, zeroFNMR: 0.2,
		},
		{
			// Failures to enrol scored 0 (FVC rule) tie with impostor
			// zeros: 0:(0,1) .1:(1/3,1/3) .8:(1/3,0) .9:(2/3,0) inf:(1,0).
			name: "failure to enrol as score 0",
			gen:  []float64{0, 0.8, 0.9}, imp: []float64{0, 0, 0.1},
			eer: 1.0 / 3, lo: 1.0 / 3, hi: 1.0 / 3, thr: 0.1,
			fmr100: 1.0 / 3, fmr1k: 1.0 / 3, zeroFMR: 1.0 / 3, zeroFNMR: 1,
		},
		{
			// 100 impostors, one high: FMR exactly 1 % is allowed for
			// FMR100 but not for FMR1000.
			// .1:(0,1) .5:(0,.01) .9:(1/3,.01) .95:(2/3,.01) .99:(2/3,0)
			// inf:(1,0); t1 = .5 (sum .01) beats t2 = .9.
			name: "FMR100 boundary",
			gen:  []float64{0.5, 0.9, 0.99}, imp: concat(repeat(0.1, 99), []float64{0.95}),
			eer: 0.005, lo: 0, hi: 0.01, thr: 0.5,
			fmr100: 0, fmr1k: 2.0 / 3, zeroFMR: 2.0 / 3, zeroFNMR: 0.01,
		},
		{
			// Everything inverted: genuine below impostor.
			// 0.1:(0,1) 0.2:(.5,1) 0.8:(1,1) 0.9:(1,.5) inf:(1,0);
			// t1 = t2 = 0.8 → EER 1.
			name: "inverted scores",
			gen:  []float64{0.1, 0.2}, imp: []float64{0.8, 0.9},
			eer: 1, lo: 1, hi: 1, thr: 0.8,
			fmr100: 1, fmr1k: 1, zeroFMR: 1, zeroFNMR: 1,
		},
		{
			// +Inf scores are valid: .5:(0,1) inf:(.5,.5) then the
			// accept-nothing point (1,0). t1 = t2 = the first inf point.
			name: "infinite score",
			gen:  []float64{inf, 0.5}, imp: []float64{inf, 0.5},
			eer: 0.5, lo: 0.5, hi: 0.5, thr: inf,
			fmr100: 1, fmr1k: 1, zeroFMR: 1, zeroFNMR: 1,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			gen := append([]float64(nil), c.gen...)
			m, err := ComputeMetrics(c.gen, c.imp)
			require.NoError(t, err)
			assert.Equal(t, gen, c.gen, "input must not be modified")
			assert.Equal(t, len(c.gen), m.Genuine)
			assert.Equal(t, len(c.imp), m.Impostor)
			assert.InDelta(t, c.eer, m.EER, 1e-12, "EER")
			assert.InDelta(t, c.lo, m.EERLow, 1e-12, "EERlow")
			assert.InDelta(t, c.hi, m.EERHigh, 1e-12, "EERhigh")
			assert.Equal(t, c.thr, float64(m.EERThreshold), "threshold")
			assert.InDelta(t, c.fmr100, m.FMR100, 1e-12, "FMR100")
			assert.InDelta(t, c.fmr1k, m.FMR1000, 1e-12, "FMR1000")
			assert.InDelta(t, c.zeroFMR, m.ZeroFMR, 1e-12, "ZeroFMR")
			assert.InDelta(t, c.zeroFNMR, m.ZeroFNMR, 1e-12, "ZeroFNMR")
		})
	}
}

func TestComputeMetricsRejects(t *testing.T) {
	_, err := ComputeMetrics(nil, []float64{1})
	assert.ErrorIs(t, err, ErrNoScores)
	_, err = ComputeMetrics([]float64{1}, nil)
	assert.ErrorIs(t, err, ErrNoScores)
	_, err = ComputeMetrics([]float64{1, math.NaN()}, []float64{0})
	assert.Error(t, err)
}

func TestCurve(t *testing.T) {
	c := Curve([]float64{0.3, 0.6, 0.7, 0.9}, []float64{0.1, 0.2, 0.4, 0.65})
	want := []Point{
		{0.1, 1, 0}, {0.2, 0.75, 0}, {0.3, 0.5, 0}, {0.4, 0.5, 0.25},
		{0.6, 0.25, 0.25}, {0.65, 0.25, 0.5}, {0.7, 0, 0.5}, {0.9, 0, 0.75},
		{math.Inf(1), 0, 1},
	}
	assert.Equal(t, want, c)
}

func TestThresholdJSON(t *testing.T) {
	b, err := json.Marshal(Metrics{EERThreshold: Threshold(math.Inf(1))})
	require.NoError(t, err)
	assert.Contains(t, string(b), `"eer_threshold":null`)
	b, err = json.Marshal(Metrics{EERThreshold: 0.25})
	require.NoError(t, err)
	assert.Contains(t, string(b), `"eer_threshold":0.25`)
}
