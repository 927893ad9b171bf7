package jpeg2000

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"testing"
)

func testImage(kind string, w, h int, seed uint64) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(seed, 7))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var v int
			switch kind {
			case "random":
				v = rng.IntN(256)
			case "flat":
				v = 77
			case "black":
				v = 0
			case "white":
				v = 255
			case "gradient":
				v = (x*255/max(w-1, 1) + y*255/max(h-1, 1)) / 2
			case "ridges":
				// Curved ridges, dark on light, with a little noise.
				a := float64(x)*0.35 + 4*math.Sin(float64(y)*0.05) + float64(y*y)*0.002
				v = int(150+90*math.Cos(a)) + rng.IntN(9) - 4
			}
			img.Pix[y*img.Stride+x] = uint8(max(0, min(255, v)))
		}
	}
	return img
}

func checkRoundTrip(t *testing.T, img *image.Gray, p encParams) {
	t.Helper()
	data := encode(t, img, p)
	got, err := Decode(data)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if got.Rect != img.Rect {
		t.Fatalf("bounds %v, want %v", got.Rect, img.Rect)
	}
	for i := range img.Pix {
		if got.Pix[i] != img.Pix[i] {
			w := img.Rect.Dx()
			t.Fatalf("pixel (%d,%d) = %d, want %d", i%w, i/w, got.Pix[i], img.Pix[i])
		}
	}
}

func TestRoundTrip(t *testing.T) {
	sizes := [][2]int{{1, 1}, {7, 13}, {64, 64}, {129, 77}, {2, 1}, {1, 5}}
	kinds := []string{"random", "flat", "gradient", "ridges", "black", "white"}
	for _, sz := range sizes {
		for _, kind := range kinds {
			for _, levels := range []int{0, 1, 3, 5} {
				name := fmt.Sprintf("%s_%dx%d_L%d", kind, sz[0], sz[1], levels)
				t.Run(name, func(t *testing.T) {
					checkRoundTrip(t, testImage(kind, sz[0], sz[1], 1), encParams{levels: levels})
				})
			}
		}
	}
}

func TestRoundTripOptions(t *testing.T) {
	cases := []struct {
		name string
		w, h int
		p    encParams
	}{
		{"tiles", 129, 77, encParams{levels: 3, tw: 32, th: 48}},
		{"tiles_offset", 129, 77, encParams{levels: 2, x0: 5, y0: 3, tw: 40, th: 30, tx0: 2, ty0: 1}},
		{"offset_odd", 64, 64, encParams{levels: 4, x0: 7, y0: 13}},
		{"one_pixel_tiles_edge", 7, 13, encParams{levels: 1, tw: 3, th: 5, x0: 1, y0: 2}},
		{"tiny_tiles", 17, 9, encParams{levels: 2, tw: 2, th: 2}},
		{"cb_4x4", 64, 64, encParams{levels: 2, cbw: 2, cbh: 2}},
		{"cb_16x64", 129, 77, encParams{levels: 3, cbw: 4, cbh: 6}},
		{"cb_1024x4", 129, 77, encParams{levels: 1, cbw: 10, cbh: 2}},
		{"layers3", 129, 77, encParams{levels: 3, layers: 3}},
		{"layers7_cb8", 64, 64, encParams{levels: 2, layers: 7, cbw: 3, cbh: 3}},
		{"levels8_small", 7, 13, encParams{levels: 8}},
		{"RLCP", 129, 77, encParams{levels: 3, layers: 2, order: RLCP}},
		{"RPCL", 129, 77, encParams{levels: 3, layers: 2, order: RPCL, pp: []uint8{0x33, 0x44, 0x44, 0x55}}},
		{"PCRL", 129, 77, encParams{levels: 3, layers: 2, order: PCRL, pp: []uint8{0x22, 0x33, 0x34, 0x45}}},
		{"CPRL", 129, 77, encParams{levels: 3, layers: 2, order: CPRL, pp: []uint8{0x44, 0x44, 0x55, 0x55}, x0: 3, y0: 5}},
		{"precincts_LRCP", 129, 77, encParams{levels: 2, layers: 2, cbw: 5, cbh: 5, pp: []uint8{0x43, 0x54, 0x65}}},
		{"precincts_tiles", 100, 90, encParams{levels: 3, order: PCRL, tw: 50, th: 45, tx0: 3, ty0: 4, x0: 10, y0: 20, pp: []uint8{0x11, 0x22, 0x22, 0x33}}},
		{"sop_eph", 129, 77, encParams{levels: 3, layers: 3, sop: true, eph: true}},
		{"poc", 129, 77, encParams{levels: 3, layers: 3, pp: []uint8{0x44, 0x44, 0x55, 0x55}, poc: []pocEntry{
			{rs: 0, cs: 0, lye: 1, re: 2, ce: 1, order: LRCP},
			{rs: 0, cs: 0, lye: 2, re: 4, ce: 1, order: PCRL},
			{rs: 1, cs: 0, lye: 3, re: 4, ce: 1, order: RLCP},
			{rs: 0, cs: 0, lye: 3, re: 4, ce: 1, order: CPRL},
		}}},
		{"ppt", 129, 77, encParams{levels: 3, layers: 3, tw: 64, th: 64, parts: 2, sop: true, eph: true, packed: "ppt"}},
		{"ppm", 129, 77, encParams{levels: 3, layers: 3, tw: 64, th: 40, parts: 2, sop: true, packed: "ppm", order: RPCL}},
		{"ppm_plain", 64, 64, encParams{levels: 2, packed: "ppm"}},
		{"roi", 129, 77, encParams{levels: 3, layers: 2, roi: 12}},
		{"roi_termall", 64, 64, encParams{levels: 2, roi: 11, cbStyle: cbTermAll}},
		{"tile_parts", 129, 77, encParams{levels: 3, layers: 2, tw: 64, th: 64, parts: 3}},
		{"bypass", 129, 77, encParams{levels: 3, layers: 3, cbStyle: cbBypass}},
		{"reset", 129, 77, encParams{levels: 3, layers: 2, cbStyle: cbReset}},
		{"termall", 129, 77, encParams{levels: 3, layers: 3, cbStyle: cbTermAll}},
		{"causal", 129, 77, encParams{levels: 3, layers: 2, cbStyle: cbCausal}},
		{"predterm", 129, 77, encParams{levels: 3, cbStyle: cbPredTerm}},
		{"segmark", 129, 77, encParams{levels: 3, layers: 2, cbStyle: cbSegMark}},
		{"bypass_termall", 129, 77, encParams{levels: 2, layers: 4, cbStyle: cbBypass | cbTermAll}},
		{"all_styles", 129, 77, encParams{levels: 3, layers: 5, cbw: 4, cbh: 4, cbStyle: 0x3F, order: RPCL, sop: true, eph: true, tw: 70, th: 60}},
	}
	for _, c := range cases {
		for _, kind := range []string{"random", "ridges", "gradient", "flat"} {
			t.Run(c.name+"_"+kind, func(t *testing.T) {
				checkRoundTrip(t, testImage(kind, c.w, c.h, 3), c.p)
			})
		}
	}
}

func psnr(a, b *image.Gray) (float64, int) {
	var se float64
	maxErr := 0
	for i := range a.Pix {
		d := int(a.Pix[i]) - int(b.Pix[i])
		se += float64(d * d)
		maxErr = max(maxErr, d, -d)
	}
	if se == 0 {
		return math.Inf(1), 0
	}
	return 10 * math.Log10(255*255*float64(len(a.Pix))/se), maxErr
}

// TestIrreversible checks the 9/7 path against the test encoder: fine
// quantisation must come back close, coarse quantisation recognisably.
func TestIrreversible(t *testing.T) {
	cases := []struct {
		name    string
		w, h    int
		p       encParams
		minPSNR float64
	}{
		{"fine_expounded", 129, 77, encParams{levels: 3, irreversible: true, qstyle: 2, stepShift: 0}, 45},
		{"fine_derived", 129, 77, encParams{levels: 5, irreversible: true, qstyle: 1, stepShift: -5}, 40},
		{"coarse", 129, 77, encParams{levels: 3, irreversible: true, qstyle: 2, stepShift: 3, mant: 512}, 25},
		{"tiles_offset_layers", 100, 90, encParams{levels: 2, irreversible: true, qstyle: 2, x0: 3, y0: 7, tw: 40, th: 40, layers: 3}, 45},
		{"odd_tiny", 7, 13, encParams{levels: 3, irreversible: true, qstyle: 2}, 45},
		{"one_pixel", 1, 1, encParams{levels: 1, irreversible: true, qstyle: 2}, 45},
	}
	for _, c := range cases {
		for _, kind := range []string{"ridges", "gradient", "flat", "random"} {
			t.Run(c.name+"_"+kind, func(t *testing.T) {
				img := testImage(kind, c.w, c.h, 5)
				data := encode(t, img, c.p)
				cfg, err := DecodeConfig(data)
				if err != nil || cfg.Reversible {
					t.Fatalf("config %+v, %v", cfg, err)
				}
				got, err := Decode(data)
				if err != nil {
					t.Fatal(err)
				}
				p, maxErr := psnr(img, got)
				min := c.minPSNR
				if kind == "random" && c.p.stepShift > 0 {
					min = 15
				}
				t.Logf("PSNR %.1f dB, max error %d", p, maxErr)
				if p < min {
					t.Errorf("PSNR %.1f dB (max error %d), want ≥ %.0f", p, maxErr, min)
				}
			})
		}
	}
}

func TestBitDepths(t *testing.T) {
	for _, depth := range []int{1, 2, 5, 7, 9, 12, 16} {
		for _, kind := range []string{"ridges", "random"} {
			t.Run(fmt.Sprintf("%s_%dbit", kind, depth), func(t *testing.T) {
				img := testImage(kind, 45, 31, 9)
				data := encode(t, img, encParams{levels: 3, depth: depth, layers: 2})
				cfg, err := DecodeConfig(data)
				if err != nil || cfg.BitDepth != depth {
					t.Fatalf("config %+v, %v", cfg, err)
				}
				got, err := Decode(data)
				if err != nil {
					t.Fatal(err)
				}
				for i, v := range img.Pix {
					want := v
					if depth < 8 {
						want = to8(sampleOf(v, depth), depth)
					}
					if got.Pix[i] != want {
						t.Fatalf("pixel %d: got %d want %d", i, got.Pix[i], want)
					}
				}
			})
		}
	}
}

// TestColour checks three-component images come back as luma.
func TestColour(t *testing.T) {
	w, h := 45, 31
	r := testImage("ridges", w, h, 1)
	g := testImage("gradient", w, h, 2)
	b := testImage("random", w, h, 3)
	want := make([]uint8, w*h)
	for i := range want {
		want[i] = uint8((299*int(r.Pix[i]) + 587*int(g.Pix[i]) + 114*int(b.Pix[i]) + 500) / 1000)
	}
	planes := []*image.Gray{r, g, b}
	for _, c := range []struct {
		name  string
		p     encParams
		exact bool
	}{
		{"rct", encParams{levels: 3, planes: planes, mct: true, layers: 2}, true},
		{"no_mct", encParams{levels: 2, planes: planes, order: CPRL, tw: 20, th: 20}, true},
		{"ict", encParams{levels: 3, planes: planes, mct: true, irreversible: true, qstyle: 2}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := encode(t, r, c.p)
			cfg, err := DecodeConfig(data)
			if err != nil || cfg.Components != 3 {
				t.Fatalf("config %+v, %v", cfg, err)
			}
			img, err := Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			maxErr := 0
			for i := range want {
				d := int(img.Pix[i]) - int(want[i])
				maxErr = max(maxErr, d, -d)
			}
			if c.exact && maxErr != 0 || maxErr > 3 {
				t.Errorf("luma differs by up to %d", maxErr)
			}
		})
	}
}
