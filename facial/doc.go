// Package facial compares face templates: fixed-length embeddings produced by
// face recognition models, stored quantised (float32, float16 or int8) in
// contiguous galleries and compared with SIMD dot-product kernels for 1:1
// verification and 1:N search, with scores calibrated to false-match rates.
//
// This package is built by a later issue; until then it holds only this
// description.
package facial
