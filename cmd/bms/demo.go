package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/openbms/bms/internal/fixtures"
	"github.com/openbms/bms/minutiae"
)

// runDemo is the project's main job on embedded defaults: it reads every
// bundled fixture, converts templates across formats, compares 1:1 at the
// calibrated threshold and runs 1:N searches on a generated gallery. (The
// alert layer joins it with issue 8.)
func runDemo(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", stderr)
	data := fs.String("data", "", "an FVC2000 or FCJ2020 folder: the alert-layer part uses its real images instead of generated fingers")
	storeDir := fs.String("store", "", "keep the alert store in this directory (default: a temporary one, removed); check it with bms audit verify DIR")
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "bms demo: the fixtures the project generates itself — inspected, converted across")
	fmt.Fprintln(stdout, "formats, compared 1:1 — then 1:N searches on a generated ten-print gallery.")
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
	if err := demoCompare(stdout, rec); err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	if err := demoIdentify(stdout, rec); err != nil {
		return err
	}
	fmt.Fprintln(stdout)
	if err := demoSystem(stdout, *data, *storeDir); err != nil {
		return err
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

// demoCompare compares the fixture's fingers across formats: the same
// finger written as ISO 2011 and read back from ANSI 2004 must match, the
// two different fingers must not.
func demoCompare(w io.Writer, rec *minutiae.Record) error {
	ansi, err := minutiae.Encode(rec, minutiae.FormatANSI2004)
	if err != nil {
		return err
	}
	back, _, err := minutiae.Decode(ansi)
	if err != nil {
		return err
	}
	th := minutiae.DefaultThreshold()
	fmt.Fprintf(w, "1:1 comparison (decision threshold %.4f, FMR %g %%):\n", th, 100*minutiae.DefaultFMR)
	for _, c := range []struct {
		name string
		a, b *minutiae.Template
		want bool
	}{
		{"right index vs its ANSI 2004 copy read back", &rec.Views[0], &back.Views[0], true},
		{"right index vs left index", &rec.Views[0], &back.Views[1], false},
	} {
		score := minutiae.Compare(c.a, c.b)
		decision := "no match"
		if score >= th {
			decision = "MATCH"
		}
		fmt.Fprintf(w, "  %-50s score %7.4f  %s\n", c.name, score, decision)
		if (score >= th) != c.want {
			return fmt.Errorf("demo comparison %q gave the wrong decision", c.name)
		}
	}
	return nil
}
