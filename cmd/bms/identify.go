package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/openbms/bms/afis"
	"github.com/openbms/bms/ansinist"
	"github.com/openbms/bms/minutiae"
)

// enrolExtensions are the files a directory walk enrols: images, templates
// and ANSI/NIST transactions.
var enrolExtensions = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".tif": true, ".tiff": true, ".bmp": true,
	".pgm": true, ".pbm": true, ".ppm": true, ".wsq": true,
	".ist": true, ".iso": true, ".ansi": true, ".fmr": true, ".xyt": true, ".json": true,
	".iso2005": true, ".iso2011": true, ".ansi2004": true, ".ansi2009": true, ".ansi2009am1": true,
	".an2": true, ".eft": true, ".nist": true,
}

// enrolItem is one file to enrol and the record ID it gets.
type enrolItem struct{ path, id string }

// listEnrolItems expands paths: a file is one record named after its base
// name, a directory contributes every enrolable file below it, named by its
// path relative to the directory, without extension.
func listEnrolItems(paths []string) ([]enrolItem, error) {
	var items []enrolItem
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			items = append(items, enrolItem{p, strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))})
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !enrolExtensions[strings.ToLower(filepath.Ext(path))] {
				return err
			}
			rel, _ := filepath.Rel(p, path)
			items = append(items, enrolItem{path, filepath.ToSlash(strings.TrimSuffix(rel, filepath.Ext(rel)))})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return items, nil
}

// loadFingerRecord reads every friction-ridge view of a file: all views of
// a template, the Type-9 templates of a transaction (or, without any, its
// finger and palm images extracted with their positions), or one image,
// extracted. impression, when set, overrides the impression of images.
func loadFingerRecord(path string, ppi float64, impression *minutiae.Impression) (*minutiae.Record, error) {
	return loadFingerViews(path, ppi, impression, nil, false)
}

// loadFingerViews is loadFingerRecord; with firstOnly it stops at the first
// view (a comparison needs one finger, and extracting a whole ten-print
// card for it would take a second). roi, when not nil, is the
// region-of-interest mask of an image input.
func loadFingerViews(path string, ppi float64, impression *minutiae.Impression, roi *image.Gray, firstOnly bool) (*minutiae.Record, error) {
	data, err := readInput(path)
	if err != nil {
		return nil, err
	}
	if roi != nil && (minutiae.Detect(data) != minutiae.FormatUnknown || isANSINIST(data)) {
		return nil, fmt.Errorf("%s: an ROI mask applies to an image, not to a template or transaction", path)
	}
	if minutiae.Detect(data) != minutiae.FormatUnknown {
		rec, _, err := minutiae.Decode(data)
		if err != nil {
			return nil, err
		}
		if len(rec.Views) == 0 {
			return nil, fmt.Errorf("%s holds no finger view", path)
		}
		return rec, nil
	}
	if isANSINIST(data) {
		return transactionRecord(path, data, impression, firstOnly)
	}
	img, err := minutiae.DecodeImage(data)
	if err != nil {
		return nil, err
	}
	opts := minutiae.ExtractOptions{PPI: ppi, ROI: roi}
	if impression != nil {
		opts.Impression = *impression
	}
	t, err := minutiae.ExtractImage(img, opts)
	if err != nil {
		return nil, err
	}
	return &minutiae.Record{Views: []minutiae.Template{*t}}, nil
}

func transactionRecord(path string, data []byte, impression *minutiae.Impression, firstOnly bool) (*minutiae.Record, error) {
	tx, err := ansinist.Decode(data)
	if err != nil {
		return nil, err
	}
	rec := &minutiae.Record{}
	for _, r := range tx.Records {
		if r.Type == 9 {
			if views, err := r.Templates(); err == nil {
				rec.Views = append(rec.Views, views...)
			}
		}
	}
	if len(rec.Views) > 0 {
		return rec, nil
	}
	var skipped []string
	for _, r := range tx.Records {
		info, ok := r.ImageInfo()
		if !ok || r.Type == 10 || r.Type == 16 || r.Type == 17 {
			continue
		}
		img, err := r.DecodeImage()
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("Type-%d: %v", r.Type, err))
			continue
		}
		opts := minutiae.ExtractOptions{PPI: info.PPI, Impression: info.Impression}
		if impression != nil {
			opts.Impression = *impression
		}
		if len(info.Positions) > 0 && info.Positions[0].IsSlap() && !opts.Impression.IsLatent() {
			// A slap is split into its fingertips, each a view with its own
			// finger position, so that a search compares finger with finger.
			tps, _, err := minutiae.ExtractSlap(img, info.Positions[0], minutiae.SlapOptions{PPI: opts.PPI, Impression: opts.Impression, Missing: info.Missing})
			if err != nil {
				skipped = append(skipped, fmt.Sprintf("Type-%d slap: %v", r.Type, err))
				continue
			}
			for _, t := range tps {
				rec.Views = append(rec.Views, *t)
			}
			if firstOnly {
				break
			}
			continue
		}
		t, err := minutiae.Extract(img, opts)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("Type-%d: %v", r.Type, err))
			continue
		}
		if len(info.Positions) > 0 {
			t.Position = info.Positions[0]
		}
		rec.Views = append(rec.Views, *t)
		if firstOnly {
			break
		}
	}
	if len(rec.Views) == 0 {
		return nil, fmt.Errorf("%s holds no minutiae and no usable friction-ridge image (%s)", path, strings.Join(skipped, "; "))
	}
	return rec, nil
}

// enrolAll loads items on workers goroutines, reporting progress, and
// calls add for each loaded record in input order.
func enrolAll(items []enrolItem, ppi float64, impression *minutiae.Impression, workers int, stderr io.Writer, add func(id string, rec *minutiae.Record) error) (failed int, err error) {
	recs := make([]*minutiae.Record, len(items))
	errs := make([]error, len(items))
	progress := newProgress(stderr, len(items))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range max(1, workers) {
		wg.Go(func() {
			for i := range jobs {
				recs[i], errs[i] = loadFingerRecord(items[i].path, ppi, impression)
				progress.step()
			}
		})
	}
	for i := range items {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	progress.done()
	for i, it := range items {
		if errs[i] != nil {
			failed++
			fmt.Fprintf(stderr, "%s: not enrolled: %v\n", it.path, errs[i])
			continue
		}
		if err := add(it.id, recs[i]); err != nil {
			return failed, fmt.Errorf("%s: %w", it.path, err)
		}
	}
	return failed, nil
}

func parseImpression(name string) (*minutiae.Impression, error) {
	if name == "" {
		return nil, nil
	}
	m, ok := impressionModes[name]
	if !ok {
		return nil, usageError("unknown impression %q (want plain, rolled, latent or palm)", name)
	}
	return &m, nil
}

func runEnroll(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("enroll", stderr)
	out := fs.String("o", "", "gallery file to write (required)")
	ppi := fs.Float64("ppi", 0, "image resolution (0: the file's, when it states at least 250 ppi, else 500)")
	impression := fs.String("impression", "", "impression of images: plain, rolled, latent, palm (default: the file's, else plain)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "files loaded at once")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() == 0 {
		return usageError("enroll needs -o FILE and at least one FILE or DIR")
	}
	imp, err := parseImpression(*impression)
	if err != nil {
		return err
	}
	items, err := listEnrolItems(fs.Args())
	if err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	defer f.Close()
	w := afis.NewRecordWriter(f)
	seen := map[string]bool{}
	views := 0
	failed, err := enrolAll(items, *ppi, imp, *workers, stderr, func(id string, rec *minutiae.Record) error {
		if seen[id] {
			return fmt.Errorf("record ID %q given twice", id)
		}
		seen[id] = true
		views += len(rec.Views)
		warnSequence(stderr, id, rec)
		return w.Write(id, rec)
	})
	if err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d records, %d views enrolled; %d files failed\n", *out, len(seen), views, failed)
	return nil
}

// warnSequence runs the ten-print sequence check on a record being
// enrolled and warns of plain fingers that match another finger's rolled
// print (the record is enrolled all the same: the operator decides).
func warnSequence(w io.Writer, id string, rec *minutiae.Record) {
	checks, err := minutiae.CheckSequence(rec)
	if err != nil {
		return
	}
	for _, c := range checks {
		if c.Verdict == minutiae.SequenceMisplaced {
			fmt.Fprintf(w, "%s: sequence check: the plain %v matches the rolled %v (%.2f), not its own (%.2f)\n", id, c.Finger, c.BestFinger, c.Best, c.Own)
		}
	}
}

// IdentifyReport is what `identify --json` prints.
type IdentifyReport struct {
	Probe      string           `json:"probe"`
	ProbeViews int              `json:"probe_views"`
	Gallery    int              `json:"gallery_records"`
	Candidates []afis.Candidate `json:"candidates"`
}

func runIdentify(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("identify", stderr)
	galleryPath := fs.String("gallery", "", "gallery file (bms enroll) or directory of images/templates (required)")
	probePath := fs.String("probe", "", "probe: image, template or ANSI/NIST transaction (required)")
	k := fs.Int("k", 10, "candidates to return")
	threads := fs.Int("threads", 0, "cores to search with (0: every core)")
	shortlist := fs.Float64("shortlist", 0, "search two-stage: screen every record, compare this fraction (at least 100 records) in full (0: exhaustive)")
	ppi := fs.Float64("ppi", 0, "image resolution (0: the file's, when it states at least 250 ppi, else 500)")
	impression := fs.String("impression", "", "impression of the probe image: plain, rolled, latent, palm")
	roiPath := fs.String("roi", "", "region-of-interest mask of a probe image (an examiner's outline of a latent): same size, non-zero = usable")
	anyRotation := fs.Bool("any-rotation", false, "look for a latent (probe or stored) at any rotation, not only within a quarter turn of upright; four times the work, four times the FMR estimate")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *galleryPath == "" || *probePath == "" || fs.NArg() != 0 {
		return usageError("identify needs -gallery FILE|DIR and -probe FILE")
	}
	imp, err := parseImpression(*impression)
	if err != nil {
		return err
	}
	var roi *image.Gray
	if *roiPath != "" {
		if roi, err = loadROI(*roiPath); err != nil {
			return err
		}
	}
	probe, err := loadFingerViews(*probePath, *ppi, imp, roi, false)
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	g := afis.NewGallery()
	if st, err := os.Stat(*galleryPath); err != nil {
		return err
	} else if st.IsDir() {
		items, err := listEnrolItems([]string{*galleryPath})
		if err != nil {
			return err
		}
		if _, err := enrolAll(items, *ppi, nil, runtime.GOMAXPROCS(0), stderr, g.Add); err != nil {
			return err
		}
	} else {
		f, err := os.Open(*galleryPath)
		if err != nil {
			return err
		}
		err = g.Load(f)
		f.Close()
		if err != nil {
			return err
		}
	}
	if g.Len() == 0 {
		return errors.New("the gallery is empty")
	}
	cands, err := g.Identify(context.Background(), probe, afis.SearchOptions{K: *k, Threads: *threads, Shortlist: *shortlist, LatentAnyRotation: *anyRotation})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(IdentifyReport{Probe: *probePath, ProbeViews: len(probe.Views), Gallery: g.Len(), Candidates: cands})
	}
	fmt.Fprintf(stdout, "probe %s (%d view(s)) against %d records (%d views)\n", *probePath, len(probe.Views), g.Len(), g.Views())
	if len(cands) == 0 {
		fmt.Fprintln(stdout, "no candidate")
		return nil
	}
	threshold := minutiae.DefaultThreshold()
	for i, c := range cands {
		var parts []string
		for _, v := range c.Views {
			if v.View >= 0 {
				parts = append(parts, fmt.Sprintf("%d→%d (%v) %.3f", v.Probe, v.View, v.Position, v.Score))
			}
		}
		mark := ""
		if slices.ContainsFunc(c.Views, func(v afis.ViewMatch) bool { return v.Score >= threshold }) {
			mark = "  match"
		}
		fmt.Fprintf(stdout, "%3d  %-30s score %.4f  FMR %.3g%s\n      %s\n", i+1, c.ID, c.Score, c.FMR, mark, strings.Join(parts, ", "))
	}
	return nil
}
