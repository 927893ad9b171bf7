// Package bench holds the benchmark suites and the accuracy evaluation
// (FVC protocol, DET curves, EER, FMR100, FMR1000, ZeroFMR) used by the
// `bms bench` and `bms eval` commands.
//
// This package is built by later issues; until then it holds only this
// description.
package bench
