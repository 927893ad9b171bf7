//go:build !amd64 || purego

package match

func screenKernels() []screenKernel { return []screenKernel{{"go", screenBestGo}} }

// screenVectorKernel is a vector kernel by itself (screen_amd64.go): none
// here.
type screenVectorKernel struct {
	name string
	fn   func(sig *uint64, rows *uint64, n int, out *[ScreenSlots]uint64) bool
}

func screenVectorKernels() []screenVectorKernel { return nil }
