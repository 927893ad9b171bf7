// Package facial compares face templates: the fixed-length embeddings that
// face recognition models compute from facial images. SIS may use facial
// images to identify people at border crossing points (Art. 43(4) of
// Regulation (EU) 2018/1862); this package does the comparison part, 1:1
// and 1:N, at the speed of memory.
//
// # Data flow
//
//	embedding (model, quality) ──NewTemplate──▶ Template (validated, unit length)
//	Template ──Gallery.Enrol──▶ QualityGate ──▶ quantise (float32 | float16 | int8) ──▶ blocks
//	probe Template(s) ──Gallery.Search/SearchBatch──▶ kernels over blocks ──▶ Filter ──▶ top-K ──▶ Candidates
//	score ──Calibration (per model)──▶ false-match rate
//
// A Template is the model's embedding, checked (dimension 128–1024, no NaN
// or infinity, non-zero), scaled to unit length so that the dot product of
// two templates is their cosine similarity, and labelled with the model
// identifier: scores are only defined between templates of one model, and
// every comparison refuses a mismatch. Compare gives the 1:1 score.
//
// A Gallery holds the templates of one model and dimension in one storage
// type chosen at creation: float32 (exact), float16 (half the bytes) or int8
// with one scale per vector (a quarter; probes are quantised the same way
// and products summed exactly). Vectors live in blocks of sixteen,
// interleaved by dimension (structure of arrays, one contiguous slice), so
// the SIMD kernels of internal/vecdot score sixteen vectors per instruction
// without horizontal sums. Record IDs map to dense IDs through index.IDMap;
// removal erases the vector and drops its ID from the live bitmap.
//
// Enrolment passes a QualityGate first. It refuses, with a *Refusal naming
// the reason, templates whose stated quality is below the gallery's minimum
// and embeddings whose norm or values show a failed capture (a one-hot or
// mostly-zero output): Article 42(1) admits facial images only if they meet
// minimum data-quality standards.
//
// Search scores a probe against every record an index.Filter allows and
// keeps the K best per probe; SearchBatch shares each pass over the gallery
// among up to MaxBatch probes, scoring tiles of probes against chunks of
// the gallery kept in cache, which turns a memory-bound scan into a
// compute-bound one. Both split the gallery into ranges scanned on all
// cores (index.ScanParallel), each with its own index.TopK, merged at the
// end. Scores are identical whichever kernel the CPU runs.
//
// A Calibration, measured from impostor scores of one model
// (NewCalibration) and registered for it, turns a score into a false-match
// rate and back (FMRForScore, ThresholdForFMR), as minutiae does for
// fingerprints. The embeddings themselves are biometric data: nothing in
// this package logs or prints them.
package facial
