// Package geom holds the small pieces of plane geometry that the
// extractor and the matcher share: the convex hull of a point set and the
// turn test it rests on. Nothing here is on a per-comparison path:
//
//   - internal/extract widens a plain print's block mask to the hull of its
//     blocks (integer block coordinates);
//   - internal/match bounds each minutia cylinder's valid cells by the hull
//     of the template's minutiae (float coordinates), once per template.
package geom
