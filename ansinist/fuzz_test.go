package ansinist

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to Decode and, when they parse, to every
// derived view (image header, image decoding, minutiae conversion, summary).
// Nothing may panic, and what parses must be consistent with the input.
// Crashers found so far are kept under testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	f.Add(fixture())
	for _, r := range fixtureRecords() {
		f.Add(transaction([]fld{{11, "19.69"}, {12, "00.00"}}, r))
	}
	hdr := []byte{6, 8, 255, 255, 255, 255, 255, 0, 0, 5, 0, 4, 0}
	f.Add(transaction(nil, rec{7, 1, opaque(1, append(hdr, gradient(5, 4)...))}))
	f.Add(transaction(nil, rec{6, 1, binaryImage(6, 1, 0, [6]byte{3, 255, 255, 255, 255, 255}, 0, 10, 2, 0, []byte{1, 2, 3, 4})}))
	f.Add(transaction(nil, rec{9, 1, tagged(9, fld{2, "01"}, fld{4, "S"}, fld{10, "1"},
		fld{12, items("1", "02500127090", "1", "D", "1,2")})}))
	// Small real files, when the shared data set is there.
	for _, name := range []string{"templates/libbiomeval-type9.an2k", "templates/libbiomeval-type9-efs.an2k"} {
		if b, err := os.ReadFile(filepath.Join(sharedData, filepath.FromSlash(name))); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tx, err := Decode(data)
		if err != nil {
			if tx != nil {
				t.Fatalf("error %v with a transaction", err)
			}
			return
		}
		end := 0
		for i, r := range tx.Records {
			if r.Offset != end || r.Length <= 0 || r.Offset+r.Length > len(data) {
				t.Fatalf("record %d at %d+%d, previous end %d, input %d", i, r.Offset, r.Length, end, len(data))
			}
			end += r.Length
			if len(r.Data) > r.Length {
				t.Fatalf("record %d data %d longer than record %d", i, len(r.Data), r.Length)
			}
			if info, ok := r.ImageInfo(); ok {
				img, err := r.DecodeImage()
				if err == nil {
					b := img.Bounds()
					if b.Dx() != info.Width || b.Dy() != info.Height {
						t.Fatalf("record %d decoded %v, declared %d×%d", i, b, info.Width, info.Height)
					}
				}
			} else if _, err := r.DecodeImage(); err == nil {
				t.Fatalf("record %d decoded an image without ImageInfo", i)
			}
			ts, _ := r.Templates()
			for _, tp := range ts {
				if len(tp.Minutiae) > len(data) {
					t.Fatalf("record %d: %d minutiae from %d bytes", i, len(tp.Minutiae), len(data))
				}
			}
			r.Summary()
		}
		tx.Templates()
	})
}
