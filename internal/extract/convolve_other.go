//go:build !amd64 || purego

package extract

func convKernels() []convKernel { return []convKernel{{"go", convolveGroupGo}} }
