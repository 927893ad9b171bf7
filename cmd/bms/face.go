package main

import (
	"context"
	"encoding/json"
	"fmt"
	"go/format"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/openbms/bms/facial"
	"github.com/openbms/bms/facial/npy"
	"github.com/openbms/bms/index"
	"github.com/openbms/bms/internal/vecdot"
)

// maxEmbeddingBytes bounds what `eval face` reads from an .npy file.
const maxEmbeddingBytes = 4 << 30

// faceEvalFARs are the operating points `eval face` reports.
var faceEvalFARs = []float64{1e-3, 1e-4}

// FaceStorageResult is the accuracy of one storage type.
type FaceStorageResult struct {
	TARAtFAR1e3       float64 `json:"tar_at_far_1e-3"`
	TARAtFAR1e4       float64 `json:"tar_at_far_1e-4"`
	ThresholdAtFAR1e3 float64 `json:"threshold_at_far_1e-3"`
	ThresholdAtFAR1e4 float64 `json:"threshold_at_far_1e-4"`
	Rank1             float64 `json:"rank1"`
	Rank1Hits         int     `json:"rank1_hits"`
	MeanGenuine       float64 `json:"mean_genuine"`
	MeanImpostor      float64 `json:"mean_impostor"`
}

// FaceEvalReport is what `eval face` prints; each storage type is a key.
type FaceEvalReport struct {
	Embeddings    string             `json:"embeddings"`
	Model         string             `json:"model"`
	Templates     int                `json:"templates"`
	Identities    int                `json:"identities"`
	GenuinePairs  int                `json:"genuine_pairs"`
	ImpostorPairs int                `json:"impostor_pairs"`
	Rank1Probes   int                `json:"rank1_probes"`
	Kernels       string             `json:"kernels"`
	Float32       *FaceStorageResult `json:"float32"`
	Float16       *FaceStorageResult `json:"float16"`
	Int8          *FaceStorageResult `json:"int8"`
}

func (r *FaceEvalReport) result(s facial.Storage) **FaceStorageResult {
	switch s {
	case facial.Float16:
		return &r.Float16
	case facial.Int8:
		return &r.Int8
	}
	return &r.Float32
}

func runEvalFace(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("eval face", stderr)
	embeddings := fs.String("embeddings", "", "embeddings as an .npy float32 matrix, one row per image")
	labels := fs.String("labels", "", "identity of each row, one per line")
	model := fs.String("model", "facenet-512", "model identifier of the embeddings")
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	writeCal := fs.String("write-calibration", "", "also write the float32 impostor calibration of the model as Go source (facial/calibration_table.go)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *embeddings == "" || *labels == "" || fs.NArg() != 0 {
		return usageError("eval face needs -embeddings FILE.npy -labels FILE.txt")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	templates, ids, err := loadFaceSet(*embeddings, *labels, *model)
	if err != nil {
		return err
	}
	rep, impostors, err := evalFace(ctx, templates, ids)
	if err != nil {
		return err
	}
	rep.Embeddings, rep.Model = *embeddings, *model
	if *writeCal != "" {
		source := fmt.Sprintf("%s, %d impostor pairs, float32 storage", *embeddings, len(impostors))
		c, err := facial.NewCalibration(*model, impostors, source)
		if err != nil {
			return err
		}
		if err := writeFaceCalibration(*writeCal, c, os.Args); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	fmt.Fprintf(stdout, "%s: %d templates of %d identities (model %s, kernels %s)\n", rep.Embeddings, rep.Templates, rep.Identities, rep.Model, rep.Kernels)
	fmt.Fprintf(stdout, "%d genuine pairs, %d impostor pairs, %d rank-1 probes\n", rep.GenuinePairs, rep.ImpostorPairs, rep.Rank1Probes)
	fmt.Fprintf(stdout, "%-8s %14s %14s %12s %12s %12s\n", "storage", "TAR@FAR=1e-3", "TAR@FAR=1e-4", "rank-1", "mean gen.", "mean imp.")
	for _, s := range facial.Storages {
		r := *rep.result(s)
		fmt.Fprintf(stdout, "%-8s %14.4f %14.4f %12.4f %12.4f %12.4f\n", s, r.TARAtFAR1e3, r.TARAtFAR1e4, r.Rank1, r.MeanGenuine, r.MeanImpostor)
	}
	return nil
}

// loadFaceSet reads embeddings and their labels and makes templates.
func loadFaceSet(embPath, labelPath, model string) ([]*facial.Template, []string, error) {
	f, err := os.Open(embPath)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	m, err := npy.ReadFloat32(f, maxEmbeddingBytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", embPath, err)
	}
	lf, err := os.Open(labelPath)
	if err != nil {
		return nil, nil, err
	}
	defer lf.Close()
	labels, err := npy.ReadLabels(lf, m.Rows+1)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", labelPath, err)
	}
	if len(labels) != m.Rows {
		return nil, nil, fmt.Errorf("%d labels for %d embeddings", len(labels), m.Rows)
	}
	templates := make([]*facial.Template, m.Rows)
	for i := range templates {
		if templates[i], err = facial.NewTemplate(model, m.Row(i), facial.NoQuality); err != nil {
			return nil, nil, fmt.Errorf("%s row %d: %w", embPath, i, err)
		}
	}
	return templates, labels, nil
}

// evalFace scores every pair of templates with each storage type. The
// gallery holds all templates; genuine and impostor scores are the pairs
// i < j scored with i as probe; rank-1 asks, for every template whose
// identity has another, whether its best other-than-itself candidate is of
// the same identity.
func evalFace(ctx context.Context, templates []*facial.Template, labels []string) (*FaceEvalReport, []float64, error) {
	if len(templates) < 2 {
		return nil, nil, fmt.Errorf("evaluation needs at least two templates, has %d", len(templates))
	}
	var impostorsF32 []float64
	rep := &FaceEvalReport{Templates: len(templates), Kernels: vecdot.Active.Name()}
	count := map[string]int{}
	for _, l := range labels {
		count[l]++
	}
	rep.Identities = len(count)
	var probes []*facial.Template
	var probeRows []int
	for i, t := range templates {
		if count[labels[i]] > 1 {
			probes = append(probes, t)
			probeRows = append(probeRows, i)
		}
	}
	rep.Rank1Probes = len(probes)
	dim := templates[0].Dim()
	for _, s := range facial.Storages {
		g, err := facial.NewGallery(facial.GalleryOptions{
			Model: templates[0].Model(), Dim: dim, Storage: s,
			Gate: &facial.QualityGate{}, // measure comparison, not the enrolment policy
		})
		if err != nil {
			return nil, nil, err
		}
		for i, t := range templates {
			if _, err := g.Enrol(strconv.Itoa(i), t); err != nil {
				return nil, nil, fmt.Errorf("row %d: %w", i, err)
			}
		}
		var genuine, impostor []float64
		var row []float32
		for i, t := range templates {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
			if row, err = g.Scores(t, row); err != nil {
				return nil, nil, err
			}
			for j := i + 1; j < len(templates); j++ {
				if labels[i] == labels[j] {
					genuine = append(genuine, float64(row[j]))
				} else {
					impostor = append(impostor, float64(row[j]))
				}
			}
		}
		if len(genuine) == 0 || len(impostor) == 0 {
			return nil, nil, fmt.Errorf("evaluation needs same-person and different-person pairs (have %d and %d)", len(genuine), len(impostor))
		}
		rep.GenuinePairs, rep.ImpostorPairs = len(genuine), len(impostor)
		slices.Sort(impostor)
		slices.Sort(genuine)
		res := &FaceStorageResult{MeanGenuine: mean(genuine), MeanImpostor: mean(impostor)}
		for _, far := range faceEvalFARs {
			th := facial.ThresholdAtFMR(impostor, far)
			tar := float64(len(genuine)-sort.SearchFloat64s(genuine, th)) / float64(len(genuine))
			if far == 1e-3 {
				res.TARAtFAR1e3, res.ThresholdAtFAR1e3 = tar, th
			} else {
				res.TARAtFAR1e4, res.ThresholdAtFAR1e4 = tar, th
			}
		}
		if len(probes) > 0 {
			cands, err := g.SearchBatch(ctx, probes, facial.SearchOptions{K: 2})
			if err != nil {
				return nil, nil, err
			}
			for p, cs := range cands {
				self := strconv.Itoa(probeRows[p])
				for _, c := range cs {
					if c.ID == self {
						continue
					}
					j, _ := strconv.Atoi(c.ID)
					if labels[j] == labels[probeRows[p]] {
						res.Rank1Hits++
					}
					break
				}
			}
			res.Rank1 = float64(res.Rank1Hits) / float64(len(probes))
		}
		*rep.result(s) = res
		if s == facial.Float32 {
			impostorsF32 = impostor
		}
	}
	return rep, impostorsF32, nil
}

// writeFaceCalibration writes c as the Go source of a calibration that
// package facial registers at start-up.
func writeFaceCalibration(path string, c *facial.Calibration, args []string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "// Code generated by \"bms eval face -write-calibration\"; DO NOT EDIT.\n\npackage facial\n\n")
	fmt.Fprintf(&b, "// Calibration of model %q, measured on impostor pairs (different people) of\n// development data. Regenerate with:\n//\n//\tgo run ./cmd/bms %s\n", c.Model, strings.Join(args[1:], " "))
	fmt.Fprintf(&b, "func init() {\n\tmustRegister(&Calibration{\n\t\tModel: %q,\n\t\tImpostors: %d,\n\t\tSource: %q,\n\t\tPoints: []CalibrationPoint{\n", c.Model, c.Impostors, c.Source)
	for _, p := range c.Points {
		fmt.Fprintf(&b, "\t\t\t{FMR: %v, Threshold: %v},\n", p.FMR, p.Threshold)
	}
	b.WriteString("\t\t},\n\t})\n}\n")
	src, err := format.Source([]byte(b.String()))
	if err != nil {
		return err
	}
	return os.WriteFile(path, src, 0o644)
}

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// runBench is the `bms bench` command: finger (benchfinger.go) or face.
func runBench(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "finger" {
		return runBenchFinger(args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "face" {
		return usageError("bench needs a modality: bms bench finger|face [flags]")
	}
	return runBenchFace(args[1:], stdout, stderr)
}

// FaceBenchReport is what `bench face` prints.
type FaceBenchReport struct {
	Gallery           int     `json:"gallery"`
	Dim               int     `json:"dim"`
	Storage           string  `json:"storage"`
	Threads           int     `json:"threads"`
	Batch             int     `json:"batch"`
	K                 int     `json:"k"`
	Passes            int     `json:"passes"`
	Kernels           string  `json:"kernels"`
	BytesPerVector    int     `json:"bytes_per_vector"`
	BuildSeconds      float64 `json:"build_seconds"`
	BestPassSeconds   float64 `json:"best_pass_seconds"`
	MedianPassSeconds float64 `json:"median_pass_seconds"`
	// VectorsPerSecond is probe–vector pairs scored per second in the best
	// pass: gallery × batch / time.
	VectorsPerSecond float64 `json:"vectors_per_second"`
	// GalleryBytesPerSecond is the stored gallery read per second.
	GalleryBytesPerSecond float64 `json:"gallery_bytes_per_second"`
	// ReadBandwidth is what the same number of threads reads from memory
	// when doing nothing else (vecdot.ReadBandwidth, a STREAM-like sum).
	ReadBandwidth     float64 `json:"read_bandwidth"`
	BandwidthFraction float64 `json:"bandwidth_fraction"`
}

func runBenchFace(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench face", stderr)
	n := fs.Int("gallery", 1_000_000, "gallery size")
	dim := fs.Int("dim", 512, "embedding dimension")
	threads := fs.Int("threads", 1, "cores to search with (0: every core)")
	batch := fs.Int("batch", 1, "probes per search")
	storage := fs.String("storage", "float32", "float32, float16 or int8")
	k := fs.Int("k", 10, "candidates per probe")
	passes := fs.Int("passes", 5, "timed searches (the best counts, as STREAM reports)")
	bwMiB := fs.Int("bandwidth-mib", 1024, "size of the array the read-bandwidth reference sums (far beyond the last-level cache)")
	asJSON := fs.Bool("json", false, "print the report as one JSON object")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := facial.ParseStorage(*storage)
	if err != nil {
		return usageError("%v", err)
	}
	if *n < 1 || *batch < 1 || *passes < 1 || *k < 1 || *bwMiB < 1 {
		return usageError("gallery, batch, passes, k and bandwidth-mib must be at least 1")
	}
	rep, err := benchFace(*n, *dim, st, *threads, *batch, *k, *passes, *bwMiB)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	fmt.Fprintf(stdout, "%d × %d %s, %d thread(s), batch %d, kernels %s (gallery built in %.1f s)\n",
		rep.Gallery, rep.Dim, rep.Storage, rep.Threads, rep.Batch, rep.Kernels, rep.BuildSeconds)
	fmt.Fprintf(stdout, "best pass %.4f s (median %.4f s): %.3g vectors/s, %.2f GB/s of gallery = %.0f%% of %.2f GB/s read bandwidth\n",
		rep.BestPassSeconds, rep.MedianPassSeconds, rep.VectorsPerSecond, rep.GalleryBytesPerSecond/1e9,
		100*rep.BandwidthFraction, rep.ReadBandwidth/1e9)
	return nil
}

// benchFace builds a gallery of random unit vectors and times searches.
func benchFace(n, dim int, st facial.Storage, threads, batch, k, passes, bwMiB int) (*FaceBenchReport, error) {
	const model = "bench"
	g, err := facial.NewGallery(facial.GalleryOptions{Model: model, Dim: dim, Storage: st, Gate: &facial.QualityGate{}, Capacity: n})
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(1, uint64(dim)))
	v := make([]float32, dim)
	randomUnit := func() (*facial.Template, error) {
		for d := range v {
			v[d] = rng.Float32()*2 - 1
		}
		return facial.NewTemplate(model, v, facial.NoQuality)
	}
	start := time.Now()
	for i := range n {
		t, err := randomUnit()
		if err != nil {
			return nil, err
		}
		if _, err := g.Enrol(strconv.Itoa(i), t); err != nil {
			return nil, err
		}
	}
	build := time.Since(start)
	probes := make([]*facial.Template, batch)
	for i := range probes {
		if probes[i], err = randomUnit(); err != nil {
			return nil, err
		}
	}
	workers := index.Workers(threads)
	opts := facial.SearchOptions{K: k, Threads: workers}
	ctx := context.Background()
	if _, err := g.SearchBatch(ctx, probes, opts); err != nil { // warm-up: page faults, caches
		return nil, err
	}
	times := make([]float64, passes)
	for i := range times {
		start := time.Now()
		if _, err := g.SearchBatch(ctx, probes, opts); err != nil {
			return nil, err
		}
		times[i] = time.Since(start).Seconds()
	}
	slices.Sort(times)
	best := times[0]
	bw := vecdot.ReadBandwidth(bandwidthBuffer(bwMiB), workers, 5)
	rep := &FaceBenchReport{
		Gallery: n, Dim: dim, Storage: st.String(), Threads: workers, Batch: batch, K: k, Passes: passes,
		Kernels:               vecdot.Active.Name(),
		BytesPerVector:        st.BytesPerVector(dim),
		BuildSeconds:          build.Seconds(),
		BestPassSeconds:       best,
		MedianPassSeconds:     times[len(times)/2],
		VectorsPerSecond:      float64(n) * float64(batch) / best,
		GalleryBytesPerSecond: float64(g.StoredBytes()) * float64((batch+facial.MaxBatch-1)/facial.MaxBatch) / best,
		ReadBandwidth:         bw,
	}
	rep.BandwidthFraction = rep.GalleryBytesPerSecond / bw
	if math.IsNaN(rep.BandwidthFraction) || math.IsInf(rep.BandwidthFraction, 0) {
		rep.BandwidthFraction = 0
	}
	return rep, nil
}

// bandwidthBuffer is the array of the bandwidth reference, filled so that
// its pages are really mapped.
func bandwidthBuffer(mib int) []float32 {
	buf := make([]float32, mib<<18)
	for i := range buf {
		buf[i] = 1
	}
	return buf
}
