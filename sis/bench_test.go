package sis

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/openbms/bms/sis/store"
)

// benchEnv is newEnv on a durable store (fsync on every commit), as in
// production.
func benchEnv(b *testing.B) *env {
	e := newEnv(b)
	require.NoError(b, e.sys.Close())
	st, err := store.OpenBolt(filepath.Join(e.dir, "sis.db"), store.BoltOptions{})
	require.NoError(b, err)
	e.cfg.Store, e.st = st, st
	e.sys, err = Open(e.cfg)
	require.NoError(b, err)
	return e
}

// BenchmarkEnter is one alert entry (no biometrics): rules, duplicate
// check, one durable commit with its audit entry.
func BenchmarkEnter(b *testing.B) {
	e := benchEnv(b)
	user := issuerFor("DE", Check)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := personAlert(Check, fmt.Sprintf("Bench%d", i), adultDOB)
		if _, err := e.sys.Enter(ctx, user, a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearchPersonsParallel is alphanumeric searches from many
// goroutines, each logged durably.
func BenchmarkSearchPersonsParallel(b *testing.B) {
	e := benchEnv(b)
	user := issuerFor("DE", Check)
	for i := 0; i < 200; i++ {
		mustEnter(b, e, user, personAlert(Check, fmt.Sprintf("Bench%d", i), adultDOB))
	}
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := e.sys.SearchPersons(ctx, userOf("FR", Police), PersonQuery{Surname: fmt.Sprintf("Bench%d", i%200)}); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkOpenRebuild is a restart: reading about 2,000 alerts with
// two-finger prints (those the quality gate admitted) from the store and
// rebuilding the fingerprint gallery. Measured: about 2.2 s on two cores,
// nearly all of it the AFIS preparing each view (~0.5 ms), linear in the
// number of views. The setup (2,000 entries, each with a dactyloscopic
// duplicate search on one thread) takes over two minutes: run it alone.
func BenchmarkOpenRebuild(b *testing.B) {
	e := newEnv(b)
	user := issuerFor("DE", Check)
	for i := 0; i < 2000; i++ {
		a := personAlert(Check, fmt.Sprintf("Rebuild%d", i), adultDOB)
		a.Biometrics.Prints, _ = tenPrint(uint64(90000+i), 2)
		// Synthetic prints below the gate, or taken for another alert's
		// by the duplicate check, are simply left out.
		if _, err := e.sys.Enter(ctx, user, a); err != nil && !errors.Is(err, ErrRefused) {
			b.Fatal(err)
		}
	}
	n := e.prints.Gallery.Len()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cfg := e.cfg
		eng := NewAFIS()
		cfg.Fingerprints = eng
		if _, err := Open(cfg); err != nil {
			b.Fatal(err)
		}
		if eng.Gallery.Len() != n {
			b.Fatal(eng.Gallery.Len())
		}
	}
}
