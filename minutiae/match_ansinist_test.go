package minutiae_test

import (
	"path/filepath"
	"testing"

	"github.com/openbms/bms/ansinist"
	"github.com/openbms/bms/internal/shareddata"
	"github.com/openbms/bms/minutiae"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCompareSameMinutiaeTwoEncodings compares the NIST reference
// transactions that carry the same minutiae as Type-9 standard fields and
// as INCITS 378 ("M1") fields: after conversion to one convention they
// must score as near-identical templates, far above different fingers.
func TestCompareSameMinutiaeTwoEncodings(t *testing.T) {
	dir := shareddata.Require(t, "fingerprint", "ansi-nist")
	load := func(name string) []minutiae.Template {
		tx, err := ansinist.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		tps, err := tx.Templates()
		require.NoError(t, err)
		require.NotEmpty(t, tps)
		return tps
	}
	std, m1 := load("type-9-14-std.an2"), load("type-9-14-m1.an2")
	require.Equal(t, len(std), len(m1))
	for i := range std {
		if len(std[i].Minutiae) < 10 {
			continue
		}
		m, err := minutiae.NewMatcher(&std[i])
		require.NoError(t, err)
		self, err := minutiae.Prepare(&std[i])
		require.NoError(t, err)
		other, err := minutiae.Prepare(&m1[i])
		require.NoError(t, err)
		s, sSelf := m.Compare(other), m.Compare(self)
		assert.Greater(t, s, 0.8*sSelf, "view %d: std vs m1 %.2f, std vs itself %.2f", i, s, sSelf)
		for j := range m1 {
			if j != i && len(m1[j].Minutiae) >= 10 {
				pj, err := minutiae.Prepare(&m1[j])
				require.NoError(t, err)
				assert.Greater(t, s, 3*m.Compare(pj), "view %d against view %d", i, j)
			}
		}
	}
}
