//go:build !amd64 || purego

package match

func consistentKernels() []consistentKernel {
	return []consistentKernel{{"go", consistentPairsGo}}
}
