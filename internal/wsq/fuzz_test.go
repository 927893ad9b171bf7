package wsq

import (
	"bytes"
	"image"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

func FuzzDecode(f *testing.F) {
	f.Add(defaultSpec(32, 32).build(f))
	s := defaultSpec(41, 35)
	s.coefs = randomCoefs(rand.New(rand.NewPCG(11, 12)), s.coefCount())
	for i := range s.coefs {
		s.coefs[i] %= 300
	}
	s.blocks, s.altTable, s.restartEvery = 3, true, 40
	f.Add(s.build(f))
	f.Add(defaultSpec(3, 70).build(f))
	// The header and first block of a real file, when the shared data is
	// present: realistic tables without a slow full-size decode per run.
	if files, _ := filepath.Glob(filepath.Join(sharedDir, "*.wsq")); len(files) > 0 {
		if data, err := os.ReadFile(files[0]); err == nil {
			if i := bytes.Index(data, []byte{0xff, 0xa3}); i > 0 {
				f.Add(data[:min(len(data), i+512)])
			}
		}
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		img, cfg, err := Decode(data)
		if err != nil {
			if img != nil {
				t.Fatalf("error %v with non-nil image", err)
			}
			return
		}
		hdr, err := DecodeConfig(data)
		if err != nil {
			t.Fatalf("Decode succeeded but DecodeConfig failed: %v", err)
		}
		want := image.Rect(0, 0, hdr.Width, hdr.Height)
		if img.Bounds() != want || cfg.Width != hdr.Width || cfg.Height != hdr.Height {
			t.Fatalf("bounds %v, config %dx%d; DecodeConfig says %v", img.Bounds(), cfg.Width, cfg.Height, want)
		}
		if len(img.Pix) != hdr.Width*hdr.Height {
			t.Fatalf("%d pixels for %v", len(img.Pix), want)
		}
	})
}
