//go:build amd64 && !purego

package vecdot

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestAssemblyMatchesGenerator keeps kernels_amd64.s equal to what
// _asm/vecdot writes, so that the generator stays the source of truth.
func TestAssemblyMatchesGenerator(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the generator")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	out := filepath.Join(t.TempDir(), "kernels_amd64.s")
	cmd := exec.Command(goTool, "run", ".", "-out", out)
	cmd.Dir = filepath.Join("..", "..", "_asm", "vecdot")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("running the generator: %v\n%s", err, msg)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("kernels_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("kernels_amd64.s differs from the generator's output: run go generate ./internal/vecdot")
	}
}
