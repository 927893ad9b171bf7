package main

import (
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/openbms/bms/ansinist"
	"github.com/openbms/bms/minutiae"
)

func runConvert(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("convert", stderr)
	format := fs.String("format", "", "template format of OUT (iso2005, iso2011, ansi2004, ansi2009, ansi2009am1, xyt, json); default from OUT's extension")
	recordIdx := fs.Int("record", -1, "for ANSI/NIST input: index of the record to convert (as listed by inspect); default the first that fits OUT")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usageError("convert needs IN and OUT")
	}
	in, out := fs.Arg(0), fs.Arg(1)
	data, err := readInput(in)
	if err != nil {
		return err
	}
	ext := strings.ToLower(filepath.Ext(out))
	wantImage := ext == ".png" || ext == ".pgm"
	var outFormat minutiae.Format
	if !wantImage {
		if outFormat, err = templateFormatFor(*format, ext); err != nil {
			return err
		}
	}

	var msg string
	switch {
	case minutiae.Detect(data) != minutiae.FormatUnknown:
		if wantImage {
			return fmt.Errorf("%s is a minutiae template, which holds no image", in)
		}
		rec, f, err := minutiae.Decode(data)
		if err != nil {
			return err
		}
		if err := writeTemplate(out, rec, outFormat); err != nil {
			return err
		}
		msg = fmt.Sprintf("%s (%v, %d view(s)) → %s (%v)", in, f, len(rec.Views), out, outFormat)
	case isANSINIST(data):
		tx, err := ansinist.Decode(data)
		if err != nil {
			return err
		}
		if msg, err = convertTransaction(tx, *recordIdx, wantImage, out, outFormat); err != nil {
			return err
		}
		msg = in + " " + msg
	default:
		if !wantImage {
			return fmt.Errorf("%s is not a template or a transaction holding minutiae", in)
		}
		img, err := minutiae.DecodeImage(data)
		if err != nil {
			return err
		}
		if err := minutiae.EncodeImageFile(out, img.Gray); err != nil {
			return err
		}
		b := img.Gray.Bounds()
		msg = fmt.Sprintf("%s (%s %d×%d) → %s", in, img.Format, b.Dx(), b.Dy(), out)
	}
	fmt.Fprintln(stdout, msg)
	return nil
}

// templateFormatFor picks the output template format: the flag wins, then
// the extension (the format names themselves, and .ist, the MINEX name for
// ISO 19794-2:2005 records).
func templateFormatFor(flagValue, ext string) (minutiae.Format, error) {
	if flagValue != "" {
		return minutiae.ParseFormat(flagValue)
	}
	if ext == ".ist" {
		return minutiae.FormatISO2005, nil
	}
	if f, err := minutiae.ParseFormat(strings.TrimPrefix(ext, ".")); err == nil {
		return f, nil
	}
	return minutiae.FormatUnknown, usageError("cannot tell the output format from %q: use .png or .pgm for images, a format name as extension, or -format", ext)
}

func writeTemplate(path string, rec *minutiae.Record, f minutiae.Format) error {
	out, err := minutiae.Encode(rec, f)
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, 0o644)
}

func convertTransaction(tx *ansinist.Transaction, idx int, wantImage bool, out string, f minutiae.Format) (string, error) {
	pick := func(r *ansinist.Record) bool {
		if wantImage {
			_, ok := r.ImageInfo()
			return ok
		}
		return r.Type == 9
	}
	var rec *ansinist.Record
	if idx >= 0 {
		if idx >= len(tx.Records) {
			return "", fmt.Errorf("record %d does not exist (the transaction has %d)", idx, len(tx.Records))
		}
		rec = tx.Records[idx]
		if !pick(rec) {
			what := "minutiae (Type-9)"
			if wantImage {
				what = "an image"
			}
			return "", fmt.Errorf("record %d (Type-%d) holds no %s", idx, rec.Type, what)
		}
	} else {
		for i, r := range tx.Records {
			if pick(r) {
				rec, idx = r, i
				break
			}
		}
		if rec == nil {
			if wantImage {
				return "", fmt.Errorf("the transaction holds no image record")
			}
			return "", fmt.Errorf("the transaction holds no Type-9 minutiae record")
		}
	}
	if wantImage {
		img, err := rec.DecodeImage()
		if err != nil {
			return "", err
		}
		if err := minutiae.EncodeImageFile(out, img); err != nil {
			return "", err
		}
		return fmt.Sprintf("record %d (Type-%d, %s) → %s", idx, rec.Type, describe(img), out), nil
	}
	views, err := rec.Templates()
	if err != nil {
		return "", err
	}
	if len(views) == 0 {
		return "", fmt.Errorf("record %d holds no minutiae", idx)
	}
	r := &minutiae.Record{Views: views}
	if f == minutiae.FormatXYT {
		r.Views = views[:1]
	}
	if err := writeTemplate(out, r, f); err != nil {
		return "", err
	}
	return fmt.Sprintf("record %d (Type-9, %d minutiae) → %s (%v)", idx, len(views[0].Minutiae), out, f), nil
}

func describe(img image.Image) string {
	b := img.Bounds()
	return fmt.Sprintf("%d×%d", b.Dx(), b.Dy())
}
