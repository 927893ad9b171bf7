//go:build amd64 && !purego

package match

// screenKernels lists the screening kernels this CPU can run, best first.
func screenKernels() []screenKernel {
	return []screenKernel{{"go", screenBestGo}}
}
