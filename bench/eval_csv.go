package bench

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
)

// ScoresCSVHeader is the first line written by [WriteScoresCSV].
const ScoresCSVHeader = "probe,candidate,genuine,score"

// WriteScoresCSV writes one line per pair, in pair order, after the header
// "probe,candidate,genuine,score": the two file names relative to the
// dataset directory dir (slash-separated, e.g. "DB1/101_4_1.bmp"), 1 for a
// genuine pair and 0 for an impostor pair, and the score in the shortest
// decimal form that reads back to the same float64 ("+Inf"/"-Inf" for
// infinities). Names are quoted by CSV rules when needed.
func WriteScoresCSV(w io.Writer, dir string, samples []Sample, pairs []Pair, scores []float64) error {
	if len(scores) != len(pairs) {
		return fmt.Errorf("bench: %d scores for %d pairs", len(scores), len(pairs))
	}
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"probe", "candidate", "genuine", "score"}); err != nil {
		return err
	}
	for k, p := range pairs {
		if !validPair(p, len(samples)) {
			return fmt.Errorf("bench: pair %d (%d, %d) is outside the %d samples", k, p.Probe, p.Candidate, len(samples))
		}
		g := "0"
		if p.Genuine {
			g = "1"
		}
		rec := []string{
			relName(dir, samples[p.Probe].Path),
			relName(dir, samples[p.Candidate].Path),
			g,
			strconv.FormatFloat(scores[k], 'g', -1, 64),
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// relName is path relative to dir with forward slashes, or path itself
// (slash-separated) when it does not lie under dir.
func relName(dir, path string) string {
	if r, err := filepath.Rel(dir, path); err == nil && filepath.IsLocal(r) {
		return filepath.ToSlash(r)
	}
	return filepath.ToSlash(path)
}

// ScoreRow is one line of a scores CSV file.
type ScoreRow struct {
	Probe, Candidate string
	Genuine          bool
	Score            float64
}

// ReadScoresCSV reads a file written by [WriteScoresCSV]: the header must
// be exactly "probe,candidate,genuine,score", genuine 0 or 1, the score a
// number (NaN refused). Errors name the line.
func ReadScoresCSV(r io.Reader) ([]ScoreRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 4
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("bench: scores CSV header: %w", err)
	}
	if head[0] != "probe" || head[1] != "candidate" || head[2] != "genuine" || head[3] != "score" {
		return nil, fmt.Errorf("bench: scores CSV header is %q, want %q", strings.Join(head, ","), ScoresCSVHeader)
	}
	var rows []ScoreRow
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("bench: scores CSV: %w", err)
		}
		row := ScoreRow{Probe: rec[0], Candidate: rec[1]}
		switch rec[2] {
		case "1":
			row.Genuine = true
		case "0":
		default:
			return nil, fmt.Errorf("bench: scores CSV line %d: genuine is %q, want 0 or 1", line, rec[2])
		}
		row.Score, err = strconv.ParseFloat(rec[3], 64)
		if err != nil || math.IsNaN(row.Score) {
			return nil, fmt.Errorf("bench: scores CSV line %d: score %q is not a number", line, rec[3])
		}
		rows = append(rows, row)
	}
}

// SplitRows returns the genuine and impostor scores of rows, in order.
func SplitRows(rows []ScoreRow) (genuine, impostor []float64) {
	for _, r := range rows {
		if r.Genuine {
			genuine = append(genuine, r.Score)
		} else {
			impostor = append(impostor, r.Score)
		}
	}
	return genuine, impostor
}
