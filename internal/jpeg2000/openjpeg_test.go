package jpeg2000

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenJPEGInterop decodes streams written by OpenJPEG's opj_compress,
// an independent encoder, when it is installed (Debian: libopenjp2-tools);
// otherwise it skips. Lossless streams must come back exactly; lossy ones
// must match opj_decompress's own reconstruction within a grey level or two.
func TestOpenJPEGInterop(t *testing.T) {
	compress, err := exec.LookPath("opj_compress")
	if err != nil {
		t.Skip("opj_compress not installed (libopenjp2-tools): OpenJPEG interoperability check skipped")
	}
	decompress, _ := exec.LookPath("opj_decompress")
	dir := t.TempDir()
	writePGM := func(name string, img *image.Gray) string {
		var b bytes.Buffer
		fmt.Fprintf(&b, "P5\n%d %d\n255\n", img.Rect.Dx(), img.Rect.Dy())
		b.Write(img.Pix)
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	readPGM := func(p string) []byte {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		// Header: three whitespace-separated numbers after P5, with
		// comment lines (OpenJPEG writes one).
		fields, rest := 0, data[2:]
		for fields < 3 {
			rest = bytes.TrimLeft(rest, " \t\r\n")
			if rest[0] == '#' {
				rest = rest[bytes.IndexByte(rest, '\n'):]
				continue
			}
			i := bytes.IndexAny(rest, " \t\r\n")
			rest = rest[i:]
			fields++
		}
		return rest[1:]
	}
	cases := []struct {
		name     string
		w, h     int
		args     string
		lossless bool
		unsupp   bool
	}{
		{"default", 129, 77, "", true, false},
		{"jp2", 129, 77, "-n 4", true, false},
		{"layers", 200, 150, "-r 40,10,1 -n 5", true, false},
		{"tiles_offsets", 201, 151, "-t 64,48 -d 5,7 -T 3,2 -n 3", true, false},
		{"precincts_RPCL", 200, 150, "-c [64,64],[32,32],[16,16] -p RPCL -n 4 -b 16,16", true, false},
		{"precincts_PCRL", 200, 150, "-c [32,32],[16,16] -p PCRL -n 3 -b 8,8 -r 20,5,1", true, false},
		{"CPRL_sop_eph", 200, 150, "-p CPRL -SOP -EPH -r 30,1", true, false},
		{"RLCP_tileparts", 200, 150, "-p RLCP -t 100,100 -TP R -r 10,1", true, false},
		{"bypass", 200, 150, "-M 1 -r 20,4,1", true, false},
		{"all_styles", 200, 150, "-M 63 -r 20,4,1 -b 32,16", true, false},
		{"termall_reset", 200, 150, "-M 6 -n 2", true, false},
		{"causal_segmark", 200, 150, "-M 40", true, false},
		{"plt_tlm", 200, 150, "-PLT -TLM -t 64,64", true, false},
		{"roi", 200, 150, "-ROI c=0,U=3", true, false},
		{"irreversible", 200, 150, "-I", false, false},
		{"irreversible_lossy", 200, 150, "-I -r 20 -n 6", false, false},
		{"irreversible_layers_tiles", 201, 151, "-I -r 50,10,2 -t 64,64 -p PCRL -c [32,32]", false, false},
		{"poc", 200, 150, "-POC T1=0,0,1,4,1,LRCP/T1=0,0,1,6,1,CPRL -n 5", false, false},
		{"poc_layers", 200, 150, "-r 40,10,1 -POC T1=0,0,2,3,1,RLCP/T1=0,0,3,6,1,PCRL -c [32,32] -n 5", false, false},
		{"poc_tiles", 200, 150, "-t 100,80 -r 20,1 -POC T1=0,0,1,6,1,LRCP/T1=0,0,2,6,1,RPCL/T2=0,0,2,6,1,CPRL -n 5", false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			img := testImage("ridges", c.w, c.h, 4)
			in := writePGM("in.pgm", img)
			ext := ".j2k"
			if c.name == "jp2" {
				ext = ".jp2"
			}
			out := filepath.Join(dir, c.name+ext)
			args := append([]string{"-i", in, "-o", out}, strings.Fields(c.args)...)
			if msg, err := exec.Command(compress, args...).CombinedOutput(); err != nil {
				t.Fatalf("opj_compress %v: %v\n%s", args, err, msg)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decode(data)
			if c.unsupp {
				if !errors.Is(err, ErrUnsupported) {
					t.Fatalf("want an unsupported error, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := img.Pix
			if !c.lossless {
				if decompress == "" {
					t.Skip("opj_decompress not installed")
				}
				ref := filepath.Join(dir, c.name+".pgm")
				if msg, err := exec.Command(decompress, "-i", out, "-o", ref).CombinedOutput(); err != nil {
					t.Fatalf("opj_decompress: %v\n%s", err, msg)
				}
				want = readPGM(ref)
			}
			if len(want) != len(got.Pix) {
				t.Fatalf("%d pixels, want %d", len(got.Pix), len(want))
			}
			maxErr, diff := 0, 0
			for i := range want {
				d := int(got.Pix[i]) - int(want[i])
				if d != 0 {
					diff++
				}
				maxErr = max(maxErr, d, -d)
			}
			t.Logf("%d bytes, %d pixels differ, by at most %d", len(data), diff, maxErr)
			if c.lossless && diff > 0 || maxErr > 2 {
				t.Errorf("%d pixels differ, by up to %d", diff, maxErr)
			}
		})
	}
}

// TestOpenJPEGDeepAndColour decodes OpenJPEG streams of 12- and 16-bit grey
// and of RGB (with and without the colour transform).
func TestOpenJPEGDeepAndColour(t *testing.T) {
	compress, err := exec.LookPath("opj_compress")
	if err != nil {
		t.Skip("opj_compress not installed (libopenjp2-tools): OpenJPEG interoperability check skipped")
	}
	dir := t.TempDir()
	w, h := 97, 61
	r := testImage("ridges", w, h, 1)
	g := testImage("gradient", w, h, 2)
	b := testImage("random", w, h, 3)
	run := func(name string, file []byte, args string, want []uint8) {
		t.Run(name, func(t *testing.T) {
			ext := ".pgm"
			if file[1] == '6' {
				ext = ".ppm"
			}
			in := filepath.Join(dir, name+ext)
			out := filepath.Join(dir, name+".j2k")
			if err := os.WriteFile(in, file, 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := append([]string{"-i", in, "-o", out}, strings.Fields(args)...)
			if msg, err := exec.Command(compress, cmd...).CombinedOutput(); err != nil {
				t.Fatalf("opj_compress: %v\n%s", err, msg)
			}
			data, _ := os.ReadFile(out)
			got, err := Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Pix, want) {
				t.Errorf("pixels differ")
			}
		})
	}
	for _, depth := range []int{12, 16} {
		file := fmt.Appendf(nil, "P5\n%d %d\n%d\n", w, h, 1<<depth-1)
		for _, v := range r.Pix {
			s := sampleOf(v, depth)
			file = append(file, byte(s>>8), byte(s))
		}
		run(fmt.Sprintf("grey%d", depth), file, "-n 4", r.Pix)
	}
	file := fmt.Appendf(nil, "P6\n%d %d\n255\n", w, h)
	luma := make([]uint8, w*h)
	for i := range r.Pix {
		file = append(file, r.Pix[i], g.Pix[i], b.Pix[i])
		luma[i] = uint8((299*int(r.Pix[i]) + 587*int(g.Pix[i]) + 114*int(b.Pix[i]) + 500) / 1000)
	}
	run("rgb_rct", file, "-mct 1", luma)
	run("rgb_plain", file, "-mct 0 -p CPRL", luma)
}
