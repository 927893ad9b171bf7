package wsq

import (
	"fmt"
	"image"
	"image/color"
	"io"
)

// Size limits. Width and height are 16-bit header fields, so a hostile header
// can claim up to 4 Gpixels; these bounds keep allocations proportional to
// the input before any pixel buffer is made.
const (
	// maxPixels is an absolute ceiling on width*height.
	maxPixels = 200_000_000
	// minPixelBudget is granted to every input regardless of its length, so
	// that small but legitimate images are never refused.
	minPixelBudget = 1 << 20
	// pixelsPerInputByte bounds width*height relative to the input length.
	// WSQ fingerprints compress roughly 10-25:1, so 256 pixels per byte cannot
	// refuse a real image, yet a 100-byte file cannot demand gigabytes.
	pixelsPerInputByte = 256
	// maxInputBytes bounds what the io.Reader wrappers read into memory.
	maxInputBytes = 256 << 20
)

// Config is what the header says about an image.
type Config struct {
	Width, Height int
	// PPI is the scan resolution from the "PPI" field of the NISTCOM
	// comment; 0 if that comment or field is absent or says -1 (unknown).
	PPI int
	// Comments holds the text of every COM segment, in stream order, with
	// trailing NUL bytes removed. DecodeConfig reports those that precede
	// the frame header; Decode reports all of them.
	Comments []string
}

// DecodeConfig parses a WSQ stream up to and including its frame header,
// without decoding pixel data. It applies the same size limits as Decode, so
// a nil error means Decode will not refuse the image for its dimensions.
func DecodeConfig(data []byte) (Config, error) {
	d := decoder{data: data}
	if err := d.readHeader(); err != nil {
		return Config{}, err
	}
	return d.cfg, nil
}

// Decode decodes a complete WSQ stream into an 8-bit grey image. On error
// it returns a nil image and a zero Config.
func Decode(data []byte) (*image.Gray, Config, error) {
	d := decoder{data: data}
	img, err := d.decode()
	if err != nil {
		return nil, Config{}, err
	}
	return img, d.cfg, nil
}

func init() {
	image.RegisterFormat("wsq", "\xff\xa0", decodeReader, decodeConfigReader)
}

// decodeReader adapts Decode to image.Decode.
func decodeReader(r io.Reader) (image.Image, error) {
	data, err := readAllBounded(r)
	if err != nil {
		return nil, err
	}
	img, _, err := Decode(data)
	if err != nil {
		return nil, err
	}
	return img, nil
}

// decodeConfigReader adapts DecodeConfig to image.DecodeConfig. It reads the
// whole input because the size limit depends on the input length.
func decodeConfigReader(r io.Reader) (image.Config, error) {
	data, err := readAllBounded(r)
	if err != nil {
		return image.Config{}, err
	}
	cfg, err := DecodeConfig(data)
	if err != nil {
		return image.Config{}, err
	}
	return image.Config{ColorModel: color.GrayModel, Width: cfg.Width, Height: cfg.Height}, nil
}

func readAllBounded(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxInputBytes+1))
	if err != nil {
		return nil, fmt.Errorf("wsq: reading input: %w", err)
	}
	if len(data) > maxInputBytes {
		return nil, fmt.Errorf("wsq: input exceeds %d bytes", maxInputBytes)
	}
	return data, nil
}

// checkSize enforces the pixel budget described at maxPixels.
func checkSize(width, height, inputLen int) error {
	if width <= 0 || height <= 0 {
		return fmt.Errorf("wsq: invalid image size %dx%d", width, height)
	}
	pixels := width * height
	budget := max(minPixelBudget, pixelsPerInputByte*inputLen)
	if pixels > maxPixels {
		return fmt.Errorf("wsq: image size %dx%d exceeds the %d-pixel limit", width, height, maxPixels)
	}
	if pixels > budget {
		return fmt.Errorf("wsq: image size %dx%d is implausible for %d bytes of input", width, height, inputLen)
	}
	return nil
}
