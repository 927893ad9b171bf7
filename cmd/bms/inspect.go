package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/openbms/bms/ansinist"
	"github.com/openbms/bms/minutiae"
)

// maxInputFile bounds what inspect and convert read into memory; the
// largest real inputs (palm transactions at 1000 ppi) are tens of MiB.
const maxInputFile = 1 << 30

// FileReport is what inspect says about one file (the --json schema).
type FileReport struct {
	File    string         `json:"file"`
	Kind    string         `json:"kind"` // "template", "ansi-nist", "image", "face-record" or "unknown"
	Format  string         `json:"format"`
	Version string         `json:"version,omitempty"`
	Records []RecordReport `json:"records,omitempty"`
	// Sequence is the ten-print sequence check (-sequence): each plain
	// finger against the rolled prints.
	Sequence []SequenceReport `json:"sequence,omitempty"`
	Error    string           `json:"error,omitempty"`
}

// SequenceReport is the check of one plain finger (minutiae.SequenceCheck).
type SequenceReport struct {
	View       int     `json:"view"`
	Finger     string  `json:"finger"`
	Verdict    string  `json:"verdict"` // confirmed, unconfirmed or misplaced
	Own        float64 `json:"own"`
	Best       float64 `json:"best_other"`
	BestFinger string  `json:"best_other_finger,omitempty"`
}

// RecordReport describes one record of a transaction, one view of a
// template, or an image.
type RecordReport struct {
	Index       int      `json:"index"`
	Type        string   `json:"type"`
	IDC         *int     `json:"idc,omitempty"`
	Positions   []string `json:"positions,omitempty"`
	Impression  string   `json:"impression,omitempty"`
	Width       int      `json:"width,omitempty"`
	Height      int      `json:"height,omitempty"`
	PPI         float64  `json:"ppi,omitempty"`
	Compression string   `json:"compression,omitempty"`
	Minutiae    *int     `json:"minutiae,omitempty"`
	Cores       int      `json:"cores,omitempty"`
	Deltas      int      `json:"deltas,omitempty"`
	Quality     *int     `json:"quality,omitempty"`
	// ImageError is set when the record's image does not decode (inspect
	// decodes every image it lists, so a listed size is a checked size).
	ImageError string `json:"image_error,omitempty"`
}

func runInspect(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("inspect", stderr)
	asJSON := fs.Bool("json", false, "print one JSON array of file reports")
	sequence := fs.Bool("sequence", false, "also extract the prints (slaps split) and check that each plain finger matches its own rolled print")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError("inspect needs at least one FILE")
	}
	var reports []FileReport
	failed := 0
	for _, path := range fs.Args() {
		data, err := readInput(path)
		var rep FileReport
		if err != nil {
			rep = FileReport{File: path, Kind: "unknown", Error: err.Error()}
		} else {
			rep = inspectBytes(path, data)
			if *sequence && rep.Error == "" {
				if err := checkSequence(&rep, path); err != nil {
					rep.Error = err.Error()
				}
			}
		}
		if rep.Error != "" {
			failed++
		}
		reports = append(reports, rep)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(reports); err != nil {
			return err
		}
	} else {
		for _, r := range reports {
			printReport(stdout, &r)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files could not be read", failed, len(reports))
	}
	return nil
}

// checkSequence extracts the finger views of a transaction or template
// file and runs the ten-print sequence check on them.
func checkSequence(rep *FileReport, path string) error {
	rec, err := loadFingerRecord(path, 0, nil)
	if err != nil {
		return err
	}
	checks, err := minutiae.CheckSequence(rec)
	if err != nil {
		return err
	}
	rep.Sequence = []SequenceReport{}
	for _, c := range checks {
		r := SequenceReport{View: c.Plain, Finger: c.Finger.String(), Verdict: c.Verdict.String(), Own: c.Own, Best: c.Best}
		if c.BestFinger != 0 {
			r.BestFinger = c.BestFinger.String()
		}
		rep.Sequence = append(rep.Sequence, r)
	}
	return nil
}

func readInput(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory", path)
	}
	if fi.Size() > maxInputFile {
		return nil, fmt.Errorf("%s: %d bytes is over the %d-byte input limit", path, fi.Size(), maxInputFile)
	}
	return os.ReadFile(path)
}

// inspectBytes recognises data by content, never by file name.
func inspectBytes(name string, data []byte) FileReport {
	rep := FileReport{File: name, Kind: "unknown"}
	switch {
	case minutiae.Detect(data) != minutiae.FormatUnknown:
		inspectTemplate(&rep, data)
	case isANSINIST(data):
		inspectTransaction(&rep, data)
	case bytes.HasPrefix(data, []byte("FAC\x00")):
		inspectFaceRecord(&rep, data)
	default:
		img, err := minutiae.DecodeImage(data)
		if err != nil {
			rep.Error = err.Error()
			return rep
		}
		rep.Kind, rep.Format = "image", img.Format
		b := img.Gray.Bounds()
		rep.Records = []RecordReport{{Type: "image", Width: b.Dx(), Height: b.Dy(), PPI: img.PPI, Compression: img.Format}}
	}
	return rep
}

func isANSINIST(data []byte) bool {
	return bytes.HasPrefix(data, []byte("1.001:")) || bytes.HasPrefix(data, []byte("1.01:")) || bytes.HasPrefix(data, []byte("1.1:"))
}

func inspectTemplate(rep *FileReport, data []byte) {
	rec, f, err := minutiae.Decode(data)
	rep.Kind, rep.Format = "template", f.Title()
	if err != nil {
		rep.Error = err.Error()
		return
	}
	for i, v := range rec.Views {
		n, q := len(v.Minutiae), int(v.Quality())
		r := RecordReport{
			Index:      i,
			Type:       "finger view",
			Positions:  []string{v.Position.String()},
			Impression: v.Impression.String(),
			Width:      int(v.Width),
			Height:     int(v.Height),
			PPI:        roundPPI(v.PPI()),
			Minutiae:   &n,
			Cores:      len(v.Cores),
			Deltas:     len(v.Deltas),
		}
		if len(v.Qualities) > 0 {
			r.Quality = &q
		}
		rep.Records = append(rep.Records, r)
	}
}

func roundPPI(p float64) float64 { return float64(int(p*10+0.5)) / 10 }

func inspectTransaction(rep *FileReport, data []byte) {
	rep.Kind, rep.Format = "ansi-nist", "ANSI/NIST-ITL"
	tx, err := ansinist.Decode(data)
	if err != nil {
		rep.Error = err.Error()
		return
	}
	rep.Version = tx.Version
	for i, r := range tx.Records {
		s := r.Summary()
		rr := RecordReport{Index: i, Type: s.TypeName, Width: s.Width, Height: s.Height, PPI: roundPPI(s.PPI), Compression: s.Compression}
		if s.IDC >= 0 { // Type-1 has none
			idc := s.IDC
			rr.IDC = &idc
		}
		for _, p := range s.Positions {
			rr.Positions = append(rr.Positions, p.String())
		}
		if s.HasImpression {
			rr.Impression = s.Impression.String()
		}
		if s.Minutiae >= 0 {
			n := s.Minutiae
			rr.Minutiae = &n
		}
		if _, ok := r.ImageInfo(); ok {
			if _, err := r.DecodeImage(); err != nil {
				rr.ImageError = err.Error()
			}
		}
		rep.Records = append(rep.Records, rr)
	}
}

// inspectFaceRecord reads the header of an ISO/IEC 19794-5 face image record
// (which template folders hold beside fingerprint records): it is named,
// not decoded.
func inspectFaceRecord(rep *FileReport, data []byte) {
	rep.Kind, rep.Format = "face-record", "ISO/IEC 19794-5 face image record"
	if len(data) < 14 {
		rep.Error = "face record header truncated"
		return
	}
	rep.Version = strings.TrimRight(string(data[4:8]), "\x00 ")
	faces := int(data[12])<<8 | int(data[13])
	rep.Records = []RecordReport{{Type: fmt.Sprintf("%d facial image(s), not decoded", faces)}}
}

func printReport(w io.Writer, r *FileReport) {
	format := r.Format
	if format == "" {
		format = "unrecognised content"
	}
	fmt.Fprintf(w, "%s: %s", filepath.Base(r.File), format)
	if r.Version != "" {
		fmt.Fprintf(w, " (version %s)", r.Version)
	}
	if r.Error != "" {
		fmt.Fprintf(w, "\n  error: %s\n", r.Error)
		return
	}
	fmt.Fprintf(w, ", %d record(s)\n", len(r.Records))
	for _, rr := range r.Records {
		var parts []string
		parts = append(parts, rr.Type)
		if rr.IDC != nil {
			parts = append(parts, fmt.Sprintf("IDC %d", *rr.IDC))
		}
		if len(rr.Positions) > 0 {
			parts = append(parts, strings.Join(rr.Positions, "+"))
		}
		if rr.Impression != "" {
			parts = append(parts, rr.Impression)
		}
		if rr.Width > 0 {
			parts = append(parts, fmt.Sprintf("%d×%d", rr.Width, rr.Height))
		}
		if rr.PPI > 0 {
			parts = append(parts, fmt.Sprintf("%g ppi", rr.PPI))
		}
		if rr.Compression != "" {
			parts = append(parts, rr.Compression)
		}
		if rr.Minutiae != nil {
			parts = append(parts, fmt.Sprintf("%d minutiae", *rr.Minutiae))
		}
		if rr.Cores+rr.Deltas > 0 {
			parts = append(parts, fmt.Sprintf("%d cores, %d deltas", rr.Cores, rr.Deltas))
		}
		if rr.Quality != nil {
			parts = append(parts, fmt.Sprintf("quality %d", *rr.Quality))
		}
		if rr.ImageError != "" {
			parts = append(parts, "image: "+rr.ImageError)
		}
		fmt.Fprintf(w, "  [%d] %s\n", rr.Index, strings.Join(parts, ", "))
	}
	if r.Sequence != nil {
		counts := map[string]int{}
		for _, c := range r.Sequence {
			counts[c.Verdict]++
		}
		fmt.Fprintf(w, "  sequence check: %d confirmed, %d unconfirmed, %d misplaced\n", counts["confirmed"], counts["unconfirmed"], counts["misplaced"])
		for _, c := range r.Sequence {
			if c.Verdict == "confirmed" {
				continue
			}
			fmt.Fprintf(w, "    %s %s: %.2f against its own rolled print, %.2f against %s\n", c.Finger, c.Verdict, c.Own, c.Best, c.BestFinger)
		}
	}
}
