package store

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBoltTransactionsAndCompact(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s, err := OpenBolt(path, BoltOptions{})
	require.NoError(t, err)
	defer s.Close()
	secret := bytes.Repeat([]byte("MINUTIAE-SECRET-"), 64)
	require.NoError(t, s.Update(func(tx Tx) error {
		for i := 0; i < 50; i++ {
			if err := tx.Put([]byte("b"), []byte(fmt.Sprintf("k%03d", i)), []byte("value")); err != nil {
				return err
			}
		}
		return tx.Put([]byte("b"), []byte("secret"), secret)
	}))
	// A failing transaction leaves nothing.
	err = s.Update(func(tx Tx) error {
		_ = tx.Put([]byte("b"), []byte("half"), []byte("x"))
		return fmt.Errorf("abort")
	})
	require.Error(t, err)
	require.NoError(t, s.View(func(tx Tx) error {
		assert.Nil(t, tx.Get([]byte("b"), []byte("half")))
		assert.Error(t, tx.Put([]byte("b"), []byte("ro"), nil), "read-only")
		n := 0
		_ = tx.ForEachPrefix([]byte("b"), []byte("k01"), func(k, v []byte) error { n++; return nil })
		assert.Equal(t, 10, n)
		return nil
	}))

	require.NoError(t, s.Update(func(tx Tx) error { return tx.Delete([]byte("b"), []byte("secret")) }))
	raw, _ := os.ReadFile(path)
	assert.True(t, bytes.Contains(raw, secret), "bbolt keeps freed pages: this is why Compact exists")
	require.NoError(t, s.Compact())
	raw, _ = os.ReadFile(path)
	assert.False(t, bytes.Contains(raw, secret))
	_, err = os.Stat(path + ".compact")
	assert.True(t, os.IsNotExist(err))
	require.NoError(t, s.View(func(tx Tx) error {
		assert.Equal(t, []byte("value"), tx.Get([]byte("b"), []byte("k049")))
		return nil
	}))
	require.NoError(t, s.Close())
	require.ErrorIs(t, s.Update(func(Tx) error { return nil }), ErrClosed)
}

// BenchmarkBoltCommit measures one durable commit of an alert-sized value
// plus an audit-sized one, the unit of work of every alert operation.
func BenchmarkBoltCommit(b *testing.B) {
	for _, sync := range []bool{true, false} {
		b.Run(fmt.Sprintf("fsync=%v", sync), func(b *testing.B) {
			s, err := OpenBolt(filepath.Join(b.TempDir(), "s.db"), BoltOptions{NoSync: !sync})
			require.NoError(b, err)
			defer s.Close()
			alert := bytes.Repeat([]byte("a"), 1500)
			audit := bytes.Repeat([]byte("l"), 400)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				k := []byte(fmt.Sprintf("%012d", i))
				if err := s.Update(func(tx Tx) error {
					if err := tx.Put([]byte("alerts"), k, alert); err != nil {
						return err
					}
					return tx.Put([]byte("audit"), k, audit)
				}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
