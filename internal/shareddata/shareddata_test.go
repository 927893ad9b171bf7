package shareddata

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestEnvOverride(t *testing.T) {
	t.Setenv(EnvVar, "/somewhere/else")
	assert.Equal(t, "/somewhere/else", Root())
	assert.Equal(t, filepath.Join("/somewhere/else", "a", "b"), Path("a", "b"))
}

func TestRootBesideModule(t *testing.T) {
	t.Setenv(EnvVar, "")
	root := Root()
	// This package is two levels below the module root.
	want, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "data"))
	assert.NoError(t, err)
	assert.Equal(t, want, root)
}

func TestRequireSkipsWhenAbsent(t *testing.T) {
	t.Setenv(EnvVar, t.TempDir())
	ran := t.Run("inner", func(t *testing.T) {
		Require(t, "no", "such", "dir")
		t.Fatal("Require should have skipped")
	})
	assert.True(t, ran, "a skipped subtest counts as passed")
}
