// Package afis is the 1:N identification engine for friction-ridge prints:
// it searches a probe — one finger, a ten-print record, a latent or a palm —
// against a gallery of records and returns ranked records with fused,
// calibrated scores.
//
// Data flow:
//
//	enrolment: minutiae.Record (views: fingers, palms, latents)
//	  → minutiae.Prepare per view → one shared minutiae.Arena (structure of arrays)
//	  + per-record finger ranges, positions and impressions (a published snapshot)
//	search:    probe record → one minutiae.Matcher per probe view
//	  → records split into ranges (index.Split), scanned on all cores (index.ScanParallel)
//	  → per record: each probe view against the compatible gallery views
//	    (same finger position; anything for latents and unknown positions;
//	    palms against palms), best score per probe view, summed over views;
//	    a comparison with a latent on either side uses Matcher.CompareLatent
//	    and the latent calibration
//	  → index.Filter (category, owner, access) and deletions applied inside the scan
//	  → bounded index.TopK per range → merged → candidates with FMR estimates
//
// With SearchOptions.Shortlist the search is two-stage: the scan first
// ranks every record by a screening score (Matcher.ScreenAt: 16 cylinders
// per gallery view spread over the print, best Dice similarity with a probe
// cylinder each, one vector kernel per view), keeps the best fraction, and
// compares only those in full. Screening is faster and loses a few rank-1
// hits; docs/performance.md measures both.
//
// A search reads one immutable snapshot of the gallery: records added or
// removed while it runs are not seen by it, later searches see them. Adding
// and removing take a writer lock; searching takes none.
package afis
