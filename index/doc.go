// Package index is the gallery machinery shared by every modality: dense
// internal IDs mapped to external record IDs, structure-of-arrays storage,
// roaring-bitmap filters (category, owner, deletion, access rights),
// sharding over cores and bounded top-k selection.
//
// This package is built by a later issue; until then it holds only this
// description.
package index
