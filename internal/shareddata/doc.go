// Package shareddata locates the project's real reference data for tests,
// benchmarks and evaluations. The data lives outside the repository, in
// ../shared/data beside the module root (or where BMS_SHARED_DATA points),
// and is never copied in; code that needs it skips with one clear message
// when it is absent.
package shareddata
