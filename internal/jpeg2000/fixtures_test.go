package jpeg2000

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The files in testdata are written by this test encoder (run with
// JPEG2000_UPDATE_TESTDATA=1 to regenerate them) and read by the wiring
// tests of packages ansinist and minutiae, which cannot import the
// encoder. Both hold testImage("ridges", 33, 21, 1) losslessly.
var fixtures = []struct {
	name string
	make func(t *testing.T) []byte
}{
	{"ridges-33x21.j2k", func(t *testing.T) []byte {
		return encode(t, testImage("ridges", 33, 21, 1), encParams{levels: 2, layers: 2})
	}},
	{"ridges-33x21.jp2", func(t *testing.T) []byte {
		cs := encode(t, testImage("ridges", 33, 21, 1), encParams{levels: 3, layers: 1, tw: 16, th: 16, order: RPCL})
		return wrapJP2(cs, 33, 21, "")
	}},
}

func TestFixtures(t *testing.T) {
	want := testImage("ridges", 33, 21, 1)
	for _, f := range fixtures {
		path := filepath.Join("testdata", f.name)
		if os.Getenv("JPEG2000_UPDATE_TESTDATA") != "" {
			if err := os.WriteFile(path, f.make(t), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		img, err := Decode(data)
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		if img.Rect != want.Rect || !bytes.Equal(img.Pix, want.Pix) {
			t.Errorf("%s does not hold the expected image", f.name)
		}
	}
}
