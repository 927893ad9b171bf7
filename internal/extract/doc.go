// Package extract holds the image-processing kernels of the minutiae
// extractor behind minutiae.Extract. It works on 8-bit grey images at
// 500 ppi (Resample brings other resolutions there) and returns minutiae in
// working-scale pixels; it does not import package minutiae, which converts
// the result into a Template.
//
// # Pipeline
//
//  1. Orientation: Sobel gradients of a [1 2 1]/4-blurred copy of the image
//     (so that pores and ridges broken into dots do not steer it),
//     structure tensor summed per 8×8 block, doubled-angle field smoothed
//     over 5×5 blocks (40 px, about four ridge periods); coherence from the
//     same sums.
//  2. Segmentation: from the raw image's gradients — blocks with gradient
//     energy above 5 % of the image's 95th percentile and 3×3-block
//     coherence above 0.12, two majority
//     votes, holes filled, largest component kept (all components for palm
//     tiles), intersected with the caller's ROI; for one fingertip
//     (Params.Hull: plain prints, not latents or card rolls) widened to its
//     convex hull away from the image's edge, which fills the notches that
//     unclear ridges cut round cores. A chessboard distance to the
//     background, in blocks, drives the border rule.
//  3. Ridge period: in every block, the profile of the blurred image across
//     the ridges (33 samples, each the sum of 5 along the ridge), mean
//     spacing of its minima (on the raw image dots add minima and the
//     period comes out short), 5×5-block median of the readings rounded to
//     whole pixels; blocks without a reading take the print's
//     median (9 px when there is none).
//  4. Contextual enhancement, separable in each block's frame: a Gaussian
//     along the ridge (17 taps, σ 4 px) and an even Gabor across it
//     (17 taps, σ = period/2, DC removed) tuned to the block's period; 16
//     orientations, interpolated onto a 4-px grid so the filter direction
//     does not jump at block edges. Ridges are the negative response.
//     Then once more (refine.go, not for latents): the orientation is
//     estimated again on the enhanced image (7×7 blocks, inside the mask
//     only) and averaged with the first estimate, the period is read on
//     the enhanced image, and the original image is enhanced again with
//     both. The first pass's clean ridges steer the second where dots,
//     pores and breaks misled the first estimate.
//  5. Specks: valley components (4-connected) under 80 px inside a ridge
//     and ridge components (8-connected) under 36 px are flipped. Pores and
//     the broken thin valleys of wet prints would otherwise thin into loops
//     (two false bifurcations each); this step took the FVC2000 DB2_B EER
//     from 10.0 % to 6.1 % and FCJ2020 from 4.3 % to 3.9 % (see
//     docs/extraction.md for the final figures).
//  6. Zhang–Suen thinning with lookup tables, then removal of the staircase
//     corners it leaves (they would read as bifurcations).
//  7. Crossing number: endings (1) and junction clusters (3+, adjacent
//     junction pixels merged into one fork). Every branch is followed along
//     the skeleton for up to 30 px; the point reached after 12 px gives the
//     direction. Endings point into their ridge; bifurcations point between
//     the two branches closest in direction, away from the stem — the
//     ISO/IEC 19794-2 angle. The FingerJet FX OSE templates of the MINEX
//     samples confirm it: 61 % of their minutiae have one of ours within
//     10 px and 20° in this sense, 6 % in the opposite one.
//  8. False minutiae, with distances in local periods T: spurs (ending to
//     fork ≤ T), short ridges and dots (ending to ending ≤ 2T), bridges
//     and short holes (fork to fork ≤ T), loops back to the same fork
//     (≤ 3T), broken ridges (two endings facing each other ≤ 1.8T apart),
//     the border (blocks touching the background or the image edge) and
//     clusters (4+ other candidates within 1.6T).
//  9. Minutia quality 1–100 from the block coherence and the distance to
//     the border; template quality 0–100 (TemplateQuality) from coherence,
//     usable area and minutiae count combined geometrically, a heuristic
//     not yet calibrated against match failures; cores and deltas by the
//     Poincaré index of a 7×7-block smoothed field on a ring of 16 blocks,
//     merged, at most two of each.
//
// # Memory and speed
//
// An Extractor keeps its buffers between runs (three float32 planes of the
// padded image, per-block arrays, the skeleton and its labels), so steady
// state allocates only the result: 8 allocations per FVC image through
// minutiae.Extract. The filters run on runs of four pixels that share a
// kernel, which lets the compiler check bounds once per tap rather than once
// per pixel (this alone took DB1 from 6.9 to 4.8 ms); four runs with the
// same weights go together to an AVX or AVX-512 kernel (convolve_amd64.s,
// chosen with cpuid; the purego build tag forces Go), whose sums are the Go
// sums bit for bit. Speck removal joins runs of equal pixels in a
// union-find rather than flooding pixel by pixel. Measured on the 2-core
// AMD EPYC development machine, GOMAXPROCS=1, median per image: FVC2000
// DB1_B 6.6–6.8 ms (300×300) with both enhancement passes, 7.6 ms with
// purego (docs/extraction.md has the other sets). Thinning, the
// orientation field and the ridge period now take about 15, 13 and 11 %
// of the time, the filter 16 %. Palms go through tiles of 768 px plus a
// 48-px margin (see minutiae.Extract): a 2750×2750 1000-ppi image takes
// about 170 ms and 49 MB of resident memory.
//
// # Tuning
//
// Parameters were chosen one at a time on the EER of the bms matcher over
// FVC2000 DB1–4_B (all 280 genuine and 2,880 impostor pairs per database)
// and FCJ2020, and on the pairing rate against the FingerJet templates;
// changes within about half a point of EER on one database were treated as
// noise. docs/extraction.md lists the figures, what was kept and what was
// rejected.
package extract
