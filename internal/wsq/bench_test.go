package wsq

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkDecode decodes a 500 ppi 804x752 NIST sample.
func BenchmarkDecode(b *testing.B) {
	path := filepath.Join(sharedDir, "nist-fp-1.wsq")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Skipf("shared data not found at %s: benchmark skipped", sharedDir)
	}
	cfg, err := DecodeConfig(data)
	if err != nil {
		b.Fatal(err)
	}
	// MB/s counts decoded pixel bytes, not compressed input.
	b.SetBytes(int64(cfg.Width * cfg.Height))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Decode(data); err != nil {
			b.Fatal(err)
		}
	}
	perImage := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(perImage*1e3, "ms/image")
	b.ReportMetric(float64(cfg.Width*cfg.Height)/perImage/1e6, "Mpixel/s")
}
