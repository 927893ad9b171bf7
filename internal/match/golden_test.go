package match

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite testdata/scores.golden from the current code")

// goldenSets makes deterministic point sets: impressions of a few synthetic
// fingers (rotated, shifted, jittered, with minutiae lost and added), so
// the golden scores cover genuine-like and impostor-like comparisons.
func goldenSets() [][]Point {
	rng := rand.New(rand.NewPCG(2026, 11))
	var sets [][]Point
	for range 6 {
		n := 25 + rng.IntN(40)
		base := make([]Point, n)
		for i := range base {
			base[i] = Point{X: 40 + rng.Float64()*240, Y: 40 + rng.Float64()*320, Dir: uint16(rng.IntN(65536))}
		}
		for range 4 {
			a := (rng.Float64() - 0.5) * 0.6
			dx, dy := (rng.Float64()-0.5)*60, (rng.Float64()-0.5)*60
			var pts []Point
			for _, p := range base {
				if rng.Float64() < 0.2 {
					continue
				}
				x := p.X*math.Cos(a) - p.Y*math.Sin(a) + dx + rng.NormFloat64()*2
				y := p.X*math.Sin(a) + p.Y*math.Cos(a) + dy + rng.NormFloat64()*2
				d := uint16(int(p.Dir) + int(a*65536/(2*math.Pi)) + rng.IntN(1200) - 600)
				pts = append(pts, Point{X: x, Y: y, Dir: d})
			}
			for range rng.IntN(8) {
				pts = append(pts, Point{X: rng.Float64() * 320, Y: rng.Float64() * 400, Dir: uint16(rng.IntN(65536))})
			}
			sets = append(sets, pts)
		}
	}
	return sets
}

// TestScoresGolden pins every score bit for bit, so that speed work on the
// kernel cannot change results unnoticed. A deliberate change of the
// method regenerates the file with `go test ./internal/match -run
// TestScoresGolden -update` (and the calibration table after it).
func TestScoresGolden(t *testing.T) {
	sets := goldenSets()
	ts := make([]Template, len(sets))
	for i := range sets {
		Build(&ts[i], sets[i])
	}
	var got []string
	for i := range sets {
		m := NewMatcher(sets[i])
		for j := range ts {
			s := m.Compare(&ts[j])
			got = append(got, fmt.Sprintf("%d %d %016x %.6f", i, j, math.Float64bits(s), s))
		}
	}
	path := filepath.Join("testdata", "scores.golden")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(strings.Join(got, "\n")+"\n"), 0o644))
	}
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var want []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		want = append(want, sc.Text())
	}
	require.Len(t, want, len(got))
	mated, diff := 0, 0
	for k := range got {
		if got[k] != want[k] {
			diff++
			if diff <= 5 {
				t.Errorf("score changed: got %q, want %q", got[k], want[k])
			}
		}
		f := strings.Fields(got[k])
		i, _ := strconv.Atoi(f[0])
		j, _ := strconv.Atoi(f[1])
		if i/4 == j/4 && i != j {
			mated++
		}
	}
	require.Zero(t, diff, "%d of %d scores changed", diff, len(got))
	require.Equal(t, 6*4*3, mated)
}

// The golden comparisons must still separate: impressions of the same
// synthetic finger score above every pair of different fingers.
func TestGoldenSetsSeparate(t *testing.T) {
	sets := goldenSets()
	ts := make([]Template, len(sets))
	for i := range sets {
		Build(&ts[i], sets[i])
	}
	minMated, maxNon := math.Inf(1), math.Inf(-1)
	for i := range sets {
		m := NewMatcher(sets[i])
		for j := range ts {
			if i == j {
				continue
			}
			s := m.Compare(&ts[j])
			if i/4 == j/4 {
				minMated = min(minMated, s)
			} else {
				maxNon = max(maxNon, s)
			}
		}
	}
	require.Greater(t, minMated, maxNon, "mated %.3f vs non-mated %.3f", minMated, maxNon)
}
