package faceadapter_test

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/openbms/bms/facial"
	"github.com/openbms/bms/sis"
	"github.com/openbms/bms/sis/faceadapter"
	"github.com/openbms/bms/sis/store"
)

const model = "facenet-512"

func embedding(rng *rand.Rand) []float32 {
	v := make([]float32, 512)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

// nearby is another capture of the same face: the embedding plus noise.
func nearby(rng *rand.Rand, v []float32) []float32 {
	w := make([]float32, len(v))
	for i := range v {
		w[i] = v[i] + 0.3*float32(rng.NormFloat64())
	}
	return w
}

func encode(t *testing.T, v []float32, q int) []byte {
	b, err := faceadapter.Encode(model, v, q)
	require.NoError(t, err)
	return b
}

func TestEncodeDecode(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	v := embedding(rng)
	b := encode(t, v, 77)
	tmpl, err := faceadapter.Decode(b)
	require.NoError(t, err)
	assert.Equal(t, model, tmpl.Model())
	q, ok := tmpl.Quality()
	assert.True(t, ok)
	assert.Equal(t, 77, q)
	tmpl, err = faceadapter.Decode(encode(t, v, facial.NoQuality))
	require.NoError(t, err)
	_, ok = tmpl.Quality()
	assert.False(t, ok)

	for _, bad := range [][]byte{nil, []byte("BFT1"), b[:len(b)-1], append([]byte("XXXX"), b[4:]...)} {
		_, err := faceadapter.Decode(bad)
		assert.Error(t, err)
	}
	_, err = faceadapter.Encode(model, v[:10], 50)
	assert.Error(t, err)
	_, err = faceadapter.Encode(model, v, 101)
	assert.Error(t, err)
}

// The facial engine under the alert layer: the quality gate refuses a poor
// capture (Art. 42(1)), a border guard at a crossing point identifies, an
// unavailable arrest alert is filtered inside the face scan (Art. 26(4)),
// and deletion removes the face from the gallery.
func TestFacialEngineUnderSIS(t *testing.T) {
	ctx := context.Background()
	g, err := facial.NewGallery(facial.GalleryOptions{Model: model, Dim: 512, Threads: 1})
	require.NoError(t, err)
	engine := faceadapter.New(g, facial.QualityGate{MinQuality: 40, MaxPeak: 0.5, MaxZeroShare: 0.25})
	st, err := store.OpenBolt(filepath.Join(t.TempDir(), "sis.db"), store.BoltOptions{NoSync: true})
	require.NoError(t, err)
	clock := sis.NewManualClock(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	sys, err := sis.Open(sis.Config{Store: st, Clock: clock, Faces: engine, FaceIdentification: true})
	require.NoError(t, err)
	defer sys.Close()
	for _, a := range []sis.Authority{{ID: "DE-court", State: "DE", Kind: sis.Judicial}, {ID: "FR-border", State: "FR", Kind: sis.BorderGuard}} {
		require.NoError(t, sys.RegisterAuthority(a))
		require.NoError(t, sys.RegisterUser(sis.User{ID: a.ID, Authority: a.ID}))
	}
	rng := rand.New(rand.NewPCG(2, 2))
	v := embedding(rng)
	alert := func(q int) *sis.Alert {
		return &sis.Alert{Category: sis.Arrest,
			Person: &sis.Person{Surname: "Face", DateOfBirth: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)},
			Reason: "EAW", Action: "arrest", Proportionality: sis.Proportionality{Terrorism: true},
			Biometrics: sis.Biometrics{Faces: [][]byte{encode(t, v, q)}}}
	}
	_, err = sys.Enter(ctx, "DE-court", alert(20))
	require.ErrorIs(t, err, sis.ErrQuality)
	res, err := sys.Enter(ctx, "DE-court", alert(80))
	require.NoError(t, err)
	for i := 0; i < 50; i++ { // others in the gallery
		a := alert(80)
		a.Person.Surname = "Other"
		a.Person.DateOfBirth = a.Person.DateOfBirth.AddDate(0, 0, i+1)
		a.Biometrics.Faces = [][]byte{encode(t, embedding(rng), 80)}
		_, err := sys.Enter(ctx, "DE-court", a)
		require.NoError(t, err)
	}

	probe := encode(t, nearby(rng, v), 70)
	ms, err := sys.SearchFaces(ctx, "FR-border", probe, sis.FaceContext{BorderCrossing: true}, 3)
	require.NoError(t, err)
	require.Len(t, ms, 1, "only the mate is below the match rate")
	assert.Equal(t, res.ID, ms[0].Alert)
	vr, err := sys.VerifyFace(ctx, "FR-border", res.ID, probe)
	require.NoError(t, err)
	assert.True(t, vr.Matches)

	require.NoError(t, sys.SetUnavailable(ctx, "DE-court", res.ID, "judicial order 3", time.Hour))
	ms, err = sys.SearchFaces(ctx, "FR-border", probe, sis.FaceContext{BorderCrossing: true}, 3)
	require.NoError(t, err)
	assert.Empty(t, ms)
	clock.Advance(2 * time.Hour)

	require.NoError(t, sys.Delete(ctx, "DE-court", res.ID, sis.GroundSurrendered))
	ms, err = sys.SearchFaces(ctx, "FR-border", probe, sis.FaceContext{BorderCrossing: true}, 3)
	require.NoError(t, err)
	assert.Empty(t, ms)
	assert.Equal(t, 50, g.Len())
}
