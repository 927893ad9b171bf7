// Package index is the gallery machinery shared by every modality.
//
// A gallery stores its templates in structure-of-arrays form addressed by a
// dense internal ID (uint32, assigned in insertion order and never reused).
// IDMap maps those IDs to the caller's external record IDs and back. A Filter
// (a roaring bitmap of allowed IDs, or "everything") restricts a search to the
// records an actor may see — alert category, owner Member State, deletion,
// access rights — and is applied inside the scan, not after it. A scan is cut
// into Ranges and run on several cores (ScanParallel, golang.org/x/sync); each
// worker keeps a bounded TopK and the workers' lists are merged at the end.
// A first stage that keeps a large share of a gallery (screening) writes
// its scores into a dense array instead and selects with BestOf.
//
// Data flow of a 1:N search:
//
//	probe → [ranges of dense IDs] → kernel scores per range → Filter → TopK per worker → Merge → IDMap.External
package index
