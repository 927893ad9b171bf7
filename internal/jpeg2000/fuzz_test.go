package jpeg2000

import (
	"testing"
)

// fuzzMaxPixels keeps the fuzzer's allocations small.
const fuzzMaxPixels = 1 << 20

func FuzzDecode(f *testing.F) {
	seeds := []struct {
		kind string
		w, h int
		p    encParams
	}{
		{"ridges", 33, 21, encParams{levels: 2}},
		{"random", 17, 9, encParams{levels: 1, layers: 2, cbw: 2, cbh: 2}},
		{"ridges", 40, 30, encParams{levels: 3, layers: 3, tw: 16, th: 16, x0: 3, y0: 1, order: RPCL, pp: []uint8{0x22, 0x33, 0x33, 0x44}, sop: true, eph: true}},
		{"gradient", 20, 20, encParams{levels: 2, cbStyle: cbBypass | cbTermAll | cbSegMark | cbCausal, order: CPRL}},
		{"ridges", 24, 24, encParams{levels: 2, irreversible: true, qstyle: 2, layers: 2, order: PCRL}},
		{"ridges", 16, 16, encParams{levels: 1, depth: 12, order: RLCP, parts: 2}},
		{"ridges", 30, 20, encParams{levels: 2, layers: 2, tw: 16, th: 16, packed: "ppt", eph: true, roi: 9}},
		{"ridges", 30, 20, encParams{levels: 2, layers: 2, packed: "ppm", poc: []pocEntry{{0, 0, 1, 3, 1, LRCP}, {0, 0, 2, 3, 1, CPRL}}}},
	}
	for _, s := range seeds {
		cs := encode(f, testImage(s.kind, s.w, s.h, 1), s.p)
		f.Add(cs)
		if s.p.levels == 2 && s.kind == "ridges" {
			f.Add(wrapJP2(cs, s.w, s.h, ""))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := decode(data, fuzzMaxPixels)
		if err != nil {
			if img != nil {
				t.Fatalf("error %v with non-nil image", err)
			}
			return
		}
		cfg, err := DecodeConfig(data)
		if err != nil {
			t.Fatalf("Decode succeeded but DecodeConfig failed: %v", err)
		}
		if img.Rect.Dx() != cfg.Width || img.Rect.Dy() != cfg.Height || len(img.Pix) != cfg.Width*cfg.Height {
			t.Fatalf("image %v, config %dx%d", img.Rect, cfg.Width, cfg.Height)
		}
	})
}
