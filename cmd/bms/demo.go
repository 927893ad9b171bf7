package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/openbms/bms/internal/fixtures"
	"github.com/openbms/bms/minutiae"
)

// runDemo is the project's main job on embedded defaults. Until extraction,
// matching and identification land, it shows the foundation they stand on:
// reading every bundled fixture and converting templates across formats.
func runDemo(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "bms demo: the matcher and 1:N engine are not built yet, so this demo inspects")
	fmt.Fprintln(stdout, "the fixtures the project generates itself and converts templates across formats.")
	fmt.Fprintln(stdout)
	files, err := fixtures.Files()
	if err != nil {
		return err
	}
	for _, f := range files {
		rep := inspectBytes(f.Name, f.Data)
		printReport(stdout, &rep)
		if rep.Error != "" {
			return fmt.Errorf("fixture %s: %s", f.Name, rep.Error)
		}
	}
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, "Template conversion, every format to every other and back:")
	rec := fixtures.Record(1)
	formats := []minutiae.Format{minutiae.FormatISO2005, minutiae.FormatISO2011, minutiae.FormatANSI2004, minutiae.FormatANSI2009, minutiae.FormatANSI2009AM1}
	for _, from := range formats {
		a, err := minutiae.Encode(rec, from)
		if err != nil {
			return err
		}
		ra, _, err := minutiae.Decode(a)
		if err != nil {
			return err
		}
		line := fmt.Sprintf("  %-12s %4d bytes →", from, len(a))
		for _, to := range formats {
			b, err := minutiae.Encode(ra, to)
			if err != nil {
				return err
			}
			rb, _, err := minutiae.Decode(b)
			if err != nil {
				return err
			}
			if n := len(rb.Views[0].Minutiae) + len(rb.Views[1].Minutiae); n != len(rec.Views[0].Minutiae)+len(rec.Views[1].Minutiae) {
				return fmt.Errorf("%v→%v lost minutiae", from, to)
			}
			line += fmt.Sprintf(" %s ok", to)
		}
		fmt.Fprintln(stdout, line)
	}
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, "Try it on real files: go run ./cmd/bms inspect testdata/gen/* ../shared/data/fingerprint/ansi-nist/*.an2")
	return nil
}

// runFixtures writes the generated fixtures to a directory; the committed
// copies in testdata/gen are kept equal to them by a test.
func runFixtures(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("fixtures", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("fixtures needs a DIR")
	}
	files, err := fixtures.Files()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(fs.Arg(0), 0o755); err != nil {
		return err
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(fs.Arg(0), f.Name), f.Data, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s (%d bytes)\n", filepath.Join(fs.Arg(0), f.Name), len(f.Data))
	}
	return nil
}
