package shareddata

import (
	"os"
	"path/filepath"
	"testing"
)

// EnvVar overrides where the shared data is looked for.
const EnvVar = "BMS_SHARED_DATA"

// Root is the shared data directory, or "" when it cannot be found.
func Root() string {
	if d := os.Getenv(EnvVar); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	// Walk up to the module root so callers at any package depth agree.
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(dir), "shared", "data")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Path joins parts onto the shared data directory ("" if there is none).
func Path(parts ...string) string {
	root := Root()
	if root == "" {
		return ""
	}
	return filepath.Join(append([]string{root}, parts...)...)
}

// Require returns the path of parts under the shared data, or skips the
// test or benchmark when it does not exist.
func Require(tb testing.TB, parts ...string) string {
	tb.Helper()
	p := Path(parts...)
	if p == "" {
		tb.Skipf("shared data not found (looked for ../shared/data beside the module root; set %s): real-data check skipped", EnvVar)
	}
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("shared data not found at %s: real-data check skipped", p)
	}
	return p
}
