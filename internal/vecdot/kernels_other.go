//go:build !amd64 || purego

package vecdot

func simdKernels() []*Kernels { return nil }

func sumF32(x []float32) float32 { return sumF32Go(x) }
