//go:build !amd64 || purego

package match

func cellKernels() []cellKernel { return []cellKernel{{"go", scanCellsGo}} }
