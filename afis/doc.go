// Package afis is the 1:N identification engine: it searches a probe (one
// finger, a ten-print record, a latent or a palm) against a gallery of
// prepared templates and returns ranked candidates with calibrated scores.
//
// Data flows from minutiae templates, prepared once at enrolment into
// structure-of-arrays galleries held by package index, through SIMD
// comparison kernels selected at start-up, to a bounded top-k and score
// fusion across fingers. This package is built by a later issue; until then
// it holds only this description.
package afis
