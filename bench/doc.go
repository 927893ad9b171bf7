// Package bench holds the accuracy evaluation of bms — the FVC protocol,
// DET curves, EER, FMR100, FMR1000 and ZeroFMR — used by the `bms eval`
// command, and is the home of the benchmark suites of `bms bench`.
//
// It measures how well an extractor and a comparator separate mated from
// non-mated fingerprints on public datasets, with the definitions of the
// Fingerprint Verification Competitions so that figures can be set beside
// published ones. The package is generic in the template type and knows
// nothing of minutiae: the caller plugs in the extractor and the comparator
// as functions. It imports only the standard library and
// golang.org/x/image (for the bitmap font of the plots), and none of the
// core packages import it.
//
// # Data flow
//
//	dataset dir ──LoadFVC / LoadFCJ2020──▶ []Sample (sorted by finger, impression)
//	[]Sample ──Protocol("fvc"|"full")──▶ []Pair (genuine first, fixed order)
//	Evaluator.Run: Extract once per sample (all cores) ──▶ Compare per pair (all cores)
//	           ──▶ Scores (one score per pair, in pair order; failures to enrol)
//	Scores.Split ──▶ genuine, impostor scores ──ComputeMetrics──▶ Metrics
//	RunFinger does all of it and writes scores.csv, det.png, scores.png, report.json.
//
// [RunFinger] is the entry point for the command line: give it the dataset
// directory and layout, the protocol, an output directory, and the Extract
// and Compare functions; it returns a [Report] (JSON-ready; [Report.WriteText]
// prints a summary). Results are deterministic: extraction and comparison
// run in parallel, but every result is stored at its index, so the scores,
// the CSV, the metrics and the plots are identical from run to run for
// deterministic Extract and Compare. A panic in Extract or Compare is
// recovered and returned as an error naming the file.
//
// # Datasets
//
// FVC2000 B sets ([LoadFVC]): files {finger}_{impression}.tif in one
// directory, 10 fingers × 8 impressions. FCJ2020 ([LoadFCJ2020]):
// DB{n}/{person}_{finger}_{impression}.bmp, 50 persons × 4 fingers × 6
// impressions, finger identity "{person}_{finger}". See
// ../shared/data/README.md for sources and terms; cite the sources when
// publishing results on them.
//
// # Protocols
//
// "fvc" ([ProtocolFVC]), as in FVC2000–FVC2006: genuine pairs are all
// unordered pairs of impressions of the same finger (FVC2000 B set: 10 ×
// C(8,2) = 280; FCJ2020: 200 × C(6,2) = 3,000); impostor pairs are the
// first impression of each finger against the first impression of every
// other finger, unordered (C(10,2) = 45; C(200,2) = 19,900). When g is
// compared with h, h is not compared with g.
//
// "full" ([ProtocolFull]): the same genuine pairs, and every impression
// against every impression of every other finger as impostors (FVC2000 B
// set: 2,880; FCJ2020: 716,400) — more impostor pairs give finer FMR steps
// than the 45 pairs of a B set, whose EER moves in steps of about one point.
//
// FCJ2020 has label noise: a few fingers seem captured twice under two
// finger codes of the same person. RunFinger therefore also reports the
// metrics without impostor pairs of two fingers of one person
// ([ExcludeSamePerson]; 300 pairs under the fvc protocol), in
// Report.WithoutSamePerson, and draws both DET curves.
//
// # Metrics
//
// Scores are similarities (higher = more alike); a pair is accepted at
// threshold t when score ≥ t. FMR(t) is the fraction of impostor scores
// ≥ t, FNMR(t) the fraction of genuine scores < t. Both are step functions
// that change only at score values, so [Curve] lists every distinct
// operating point: one per distinct score, plus "accept nothing".
//
// EER follows FVC2000 (Maio et al., IEEE PAMI 24(3), 2002): with t1 the
// largest threshold where FNMR ≤ FMR and t2 the smallest where FNMR ≥ FMR,
// [EERlow, EERhigh] is [FNMR(t1), FMR(t1)] if FNMR(t1)+FMR(t1) ≤
// FMR(t2)+FNMR(t2) and [FMR(t2), FNMR(t2)] otherwise, and EER is its
// midpoint. FMR100, FMR1000 and ZeroFMR are the lowest FNMR at FMR ≤ 1 %,
// ≤ 0.1 % and = 0; ZeroFNMR the lowest FMR at FNMR = 0. All are fractions,
// and all comparisons of rates use exact integer counts, so ties are
// decided exactly. See [ComputeMetrics].
//
// A failure to enrol (Extract returns an error) keeps the sample in the
// protocol: as in FVC, every comparison involving it gets score 0
// (Evaluator.FailureScore), so it counts as a false non-match on genuine
// pairs. The report gives the number of such samples (fte) and their
// fraction of the dataset (fte_rate), and, when there are some, the
// metrics of the pairs whose samples both enrolled (excluding_fte, FVC's
// EER*).
//
// # Outputs
//
// scores.csv: header "probe,candidate,genuine,score", one line per pair in
// protocol order, names relative to the dataset directory, genuine 1/0;
// [ReadScoresCSV] reads it back, so metrics and plots can be recomputed
// from saved scores.
// det.png: DET curve, FNMR against FMR on log axes from 0.01 % to 100 %,
// EER point circled. scores.png: genuine and impostor score histograms,
// each normalised to its class. report.json: the [Report].
package bench
