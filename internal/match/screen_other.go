//go:build !amd64 || purego

package match

func screenKernels() []screenKernel { return []screenKernel{{"go", screenBestGo}} }
