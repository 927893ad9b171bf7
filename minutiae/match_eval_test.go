package minutiae

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/openbms/bms/internal/shareddata"
)

// The accuracy evaluation of the matcher on real prints, with this
// package's extractor: FVC2000 DB1_B–DB4_B and FCJ2020 under the FVC
// protocol. It takes about a minute, so it runs only when asked:
//
//	BMS_MATCH_EVAL=1 go test ./minutiae -run TestMatchEvaluation -v
//
// The figures in docs/matching.md come from it. The extractor changes
// more often than the matcher: BMS_MATCH_CACHE=dir keeps the extracted
// templates there (JSON), so that matcher changes can be compared on the
// same templates.

type evalDB struct {
	name, glob string
	fingers    []string
	imps       int
}

func evalDBs(root string) []evalDB {
	var dbs []evalDB
	for _, d := range []string{"DB1_B", "DB2_B", "DB3_B", "DB4_B"} {
		var fs []string
		for f := 101; f <= 110; f++ {
			fs = append(fs, fmt.Sprint(f))
		}
		dbs = append(dbs, evalDB{"FVC2000 " + d, filepath.Join(root, "fvc2000", d, "*.tif"), fs, 8})
	}
	var fs []string
	for p := 101; p <= 150; p++ {
		for f := 4; f <= 7; f++ {
			fs = append(fs, fmt.Sprintf("%d_%d", p, f))
		}
	}
	return append(dbs, evalDB{"FCJ2020", filepath.Join(root, "fcj2020", "DB*", "*.bmp"), fs, 6})
}

// evalTemplates extracts every image, keyed by file name without extension.
// The images are taken to be 500 ppi, as the databases state.
func evalTemplates(t *testing.T, files []string) map[string]*Template {
	out := make(map[string]*Template, len(files))
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for _, f := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			name := filepath.Base(f)
			name = name[:len(name)-len(filepath.Ext(name))]
			cache := ""
			if dir := os.Getenv("BMS_MATCH_CACHE"); dir != "" {
				cache = filepath.Join(dir, filepath.Base(filepath.Dir(f)), name+".json")
				if b, err := os.ReadFile(cache); err == nil {
					if r, _, err := Decode(b); err == nil && len(r.Views) == 1 {
						mu.Lock()
						out[name] = &r.Views[0]
						mu.Unlock()
						return
					}
				}
			}
			tp := &Template{}
			if im, err := DecodeImageFile(f); err != nil {
				t.Errorf("%s: %v", f, err)
			} else if x, err := ExtractImage(im, ExtractOptions{PPI: 500}); err != nil {
				t.Logf("%s: %v (scored as an empty template)", f, err)
			} else {
				tp = x
			}
			if cache != "" {
				if b, err := Encode(&Record{Views: []Template{*tp}}, FormatJSON); err == nil {
					_ = os.MkdirAll(filepath.Dir(cache), 0o755)
					_ = os.WriteFile(cache, b, 0o644)
				}
			}
			mu.Lock()
			out[name] = tp
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out
}

// eerFVC is the equal error rate as FVC2000 defines it (Maio et al., IEEE
// PAMI 2002): with t1 the largest threshold where FNMR ≤ FMR and t2 the
// smallest where FNMR ≥ FMR, the midpoint of the error rates at whichever
// of them has the smaller FMR + FNMR.
func eerFVC(gen, imp []float64) float64 {
	ts := slices.Concat(gen, imp, []float64{-1, 1e300})
	slices.Sort(ts)
	ts = slices.Compact(ts)
	rates := func(th float64) (fmr, fnmr float64) {
		for _, s := range imp {
			if s >= th {
				fmr++
			}
		}
		for _, s := range gen {
			if s < th {
				fnmr++
			}
		}
		return fmr / float64(len(imp)), fnmr / float64(len(gen))
	}
	t1, t2 := ts[0], ts[len(ts)-1]
	for _, th := range ts {
		if fmr, fnmr := rates(th); fnmr <= fmr {
			t1 = th
		}
	}
	for i := len(ts) - 1; i >= 0; i-- {
		if fmr, fnmr := rates(ts[i]); fnmr >= fmr {
			t2 = ts[i]
		}
	}
	a1, b1 := rates(t1)
	a2, b2 := rates(t2)
	if a1+b1 <= a2+b2 {
		return (a1 + b1) / 2
	}
	return (a2 + b2) / 2
}

// fnmrAt is the FNMR at the smallest threshold whose FMR is at most fmr.
func fnmrAt(gen, imp []float64, fmr float64) float64 {
	c, err := NewCalibration(imp, "test")
	if err != nil {
		return 1
	}
	th := c.ThresholdForFMR(fmr)
	n := 0
	for _, s := range gen {
		if s < th {
			n++
		}
	}
	return float64(n) / float64(len(gen))
}

func TestMatchEvaluation(t *testing.T) {
	if os.Getenv("BMS_MATCH_EVAL") == "" {
		t.Skip("set BMS_MATCH_EVAL=1 to run the accuracy evaluation (about a minute)")
	}
	root := shareddata.Require(t, "fingerprint")
	for _, db := range evalDBs(root) {
		files, _ := filepath.Glob(db.glob)
		if len(files) == 0 {
			t.Logf("%s: no images at %s", db.name, db.glob)
			continue
		}
		tps := evalTemplates(t, files)
		prepared := make(map[string]*Prepared, len(tps))
		matchers := make(map[string]*Matcher, len(tps))
		total := 0
		for k, tp := range tps {
			prepared[k] = mustPrepare(t, tp)
			matchers[k] = mustMatcher(t, tp)
			total += len(tp.Minutiae)
		}
		score := func(a, b string) float64 { return matchers[a].Compare(prepared[b]) }
		var gen, imp, impOtherPerson, impAll []float64
		for _, f := range db.fingers {
			for i := 1; i <= db.imps; i++ {
				for j := i + 1; j <= db.imps; j++ {
					gen = append(gen, score(fmt.Sprintf("%s_%d", f, i), fmt.Sprintf("%s_%d", f, j)))
				}
			}
		}
		for x, fx := range db.fingers {
			for _, fy := range db.fingers[x+1:] {
				s := score(fx+"_1", fy+"_1")
				imp = append(imp, s)
				// FCJ2020 names are person_finger: a few fingers seem
				// captured twice under two codes of one person.
				if len(fx) < 5 || fx[:3] != fy[:3] {
					impOtherPerson = append(impOtherPerson, s)
				}
				if db.imps == 8 { // B sets: every impression pair, for a steadier figure
					for i := 1; i <= db.imps; i++ {
						for j := 1; j <= db.imps; j++ {
							impAll = append(impAll, score(fmt.Sprintf("%s_%d", fx, i), fmt.Sprintf("%s_%d", fy, j)))
						}
					}
				}
			}
		}
		line := fmt.Sprintf("%-14s %4d templates, %5.1f minutiae avg: EER %5.2f %% (%d genuine, %d impostor)",
			db.name, len(tps), float64(total)/float64(len(tps)), 100*eerFVC(gen, imp), len(gen), len(imp))
		if len(impAll) > 0 {
			line += fmt.Sprintf("; all %d impostor pairs: EER %5.2f %%", len(impAll), 100*eerFVC(gen, impAll))
		} else {
			line += fmt.Sprintf("; FMR1000 %5.2f %%, FMR100 %5.2f %%; without same-person impostors (%d): EER %5.2f %%, FMR1000 %5.2f %%",
				100*fnmrAt(gen, imp, 0.001), 100*fnmrAt(gen, imp, 0.01), len(impOtherPerson),
				100*eerFVC(gen, impOtherPerson), 100*fnmrAt(gen, impOtherPerson, 0.001))
			if c, err := NewCalibration(imp, "test"); err == nil {
				line += fmt.Sprintf("; thresholds FMR 1%%: %.3f, 0.1%%: %.3f", c.ThresholdForFMR(0.01), c.ThresholdForFMR(0.001))
			}
		}
		t.Log(line)
	}
}
