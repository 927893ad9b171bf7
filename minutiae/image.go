package minutiae

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"

	"github.com/openbms/bms/internal/jpeg2000"
	"github.com/openbms/bms/internal/pgm"
	"github.com/openbms/bms/internal/wsq"
)

const (
	// MaxImagePixels is the largest width×height [DecodeImage] accepts: 200
	// megapixels, more than a whole ten-print card or palm scanned at
	// 1000 ppi.
	MaxImagePixels = 200_000_000
	// MaxImageFileSize is the largest file [DecodeImageFile] reads (512 MiB).
	MaxImageFileSize = 512 << 20
)

// ErrUnknownImageFormat is returned (wrapped) by [DecodeImage] for data that
// starts with none of the signatures of the supported formats.
var ErrUnknownImageFormat = errors.New("unrecognised image format (supported: PNG, JPEG, GIF, TIFF, BMP, PGM/PBM/PPM, WSQ, JPEG 2000)")

// Image is a decoded fingerprint or palm image with the resolution stored in its file.
type Image struct {
	Gray   *image.Gray // 8-bit grey pixels (colour input converted with luma weights)
	Format string      // "png", "jpeg", "gif", "tiff", "bmp", "pgm", "wsq", "jp2"
	PPI    float64     // pixels per inch from the file, 0 when the file does not say
}

// DecodeImage decodes a PNG, JPEG, GIF, TIFF, BMP, Netpbm (PGM, PBM, PPM),
// WSQ or JPEG 2000 image (a JP2 file or a raw J2K codestream, Format "jp2";
// lossless 5/3 and lossy 9/7, greyscale or colour). The format is
// recognised from the first bytes of data, not from a file name.
//
// The grey image always has its origin at (0, 0) and Stride equal to its
// width. Colour is converted with the luma weights of [color.GrayModel]
// (0.299 R + 0.587 G + 0.114 B of the alpha-premultiplied colour, so
// transparent pixels come out as if on black); colour JPEGs give their
// stored luma (Y) plane unchanged; 16-bit samples keep their high byte. Of a
// GIF only the first frame is read, placed on the logical screen, whose
// uncovered part takes the background colour; of a TIFF, the first image.
//
// PPI is the horizontal resolution recorded in the file: the PNG pHYs chunk
// (pixels per metre), the JPEG JFIF density or else the EXIF XResolution,
// the TIFF XResolution and ResolutionUnit, the BMP biXPelsPerMeter, the WSQ
// NISTCOM PPI, the JP2 capture (else display) resolution box. GIF, Netpbm
// and raw JPEG 2000 codestreams cannot record it. PPI is 0 when the file does
// not say or says something unusable; a malformed resolution is not an error.
// Metric resolutions are converted to pixels per inch; when a whole number of
// pixels per inch lies within the rounding step of the stored value, that
// whole number is reported (19685 px/m gives 500, not 499.999).
//
// Headers are checked before pixels are decoded: images with more than
// [MaxImagePixels] pixels, and images whose header claims more pixels than
// the rest of the data could encode even at the format's best compression,
// are rejected without allocating their pixels.
func DecodeImage(data []byte) (*Image, error) {
	img, err := decodeImage(data, MaxImagePixels)
	if err != nil {
		return nil, fmt.Errorf("minutiae: %w", err)
	}
	return img, nil
}

// DecodeImageFile reads and decodes an image file; see [DecodeImage]. Files
// larger than [MaxImageFileSize] are refused before they are read.
func DecodeImageFile(path string) (*Image, error) {
	data, err := readImageFile(path)
	if err != nil {
		return nil, err
	}
	img, err := decodeImage(data, MaxImagePixels)
	if err != nil {
		return nil, fmt.Errorf("minutiae: %s: %w", path, err)
	}
	return img, nil
}

func readImageFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("minutiae: %w", err)
	}
	defer f.Close()
	tooBig := func(size int64) error {
		return fmt.Errorf("minutiae: %s: file of %d bytes exceeds the %d MiB limit for images", path, size, MaxImageFileSize>>20)
	}
	var buf bytes.Buffer
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		if fi.Size() > MaxImageFileSize {
			return nil, tooBig(fi.Size())
		}
		// Room for the whole file plus the spare bytes.Buffer wants before
		// it reads EOF, so a regular file is read without regrowing.
		buf.Grow(int(fi.Size()) + bytes.MinRead)
	}
	// The limit also holds for files that grow while read and for pipes and
	// devices, whose size Stat does not tell.
	n, err := buf.ReadFrom(io.LimitReader(f, MaxImageFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("minutiae: %w", err)
	}
	if n > MaxImageFileSize {
		return nil, tooBig(n)
	}
	return buf.Bytes(), nil
}

// EncodeImageFile writes img as PNG or as binary 8-bit PGM, chosen by the
// extension of path (.png or .pgm, in any case). PNG keeps the image's
// colour model; PGM converts to grey. On failure no partial file is left.
func EncodeImageFile(path string, img image.Image) error {
	var encode func(io.Writer, image.Image) error
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".png":
		encode = png.Encode
	case ".pgm":
		encode = pgm.Encode
	default:
		return fmt.Errorf("minutiae: cannot write %s: extension %q is neither .png nor .pgm", path, ext)
	}
	if img == nil {
		return fmt.Errorf("minutiae: cannot write %s: nil image", path)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("minutiae: %w", err)
	}
	w := bufio.NewWriterSize(f, 64<<10)
	err = encode(w, img)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path) // best effort: the write error is the one to report
		return fmt.Errorf("minutiae: writing %s: %w", path, err)
	}
	return nil
}

// detectImageFormat names the format whose signature data starts with, or
// returns "".
func detectImageFormat(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG")):
		return "png"
	case bytes.HasPrefix(data, []byte{0xff, 0xd8}):
		return "jpeg"
	case bytes.HasPrefix(data, []byte{0xff, 0xa0}):
		return "wsq"
	case bytes.HasPrefix(data, []byte("\x00\x00\x00\x0cjP  \r\n\x87\n")),
		bytes.HasPrefix(data, []byte{0xff, 0x4f, 0xff, 0x51}):
		return "jp2"
	case bytes.HasPrefix(data, []byte("GIF8")):
		return "gif"
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return "tiff"
	case bytes.HasPrefix(data, []byte("BM")):
		return "bmp"
	case len(data) >= 2 && data[0] == 'P' && data[1] >= '1' && data[1] <= '6':
		return "pgm"
	}
	return ""
}

// Bounds on how many pixels a byte of encoded data can produce, used to
// reject headers that promise far more pixels than follow them. Each is the
// format's worst case rounded up, so no valid file is refused.
const (
	// deflateExpansion is the largest output of one byte of a deflate
	// stream (a 258-byte match in under two bits, 1032:1).
	deflateExpansion = 1032
	// lzwExpansion bounds LZW (GIF, TIFF): a code of at most 12 bits
	// stands for a string of at most 4096 symbols, so a byte of codes
	// yields at most 2731 of them; 4096 is a round figure above that.
	lzwExpansion = 4096
	// packBitsExpansion: two bytes repeat one byte 128 times.
	packBitsExpansion = 64
	// jpegPixelsPerByte bounds JPEG: every 8×8 block of a baseline scan
	// takes at least a DC and an end-of-block code (2 bits, 256 pixels per
	// byte) and a progressive DC scan at least one bit per block (512 pixels
	// per byte). 4096 leaves a factor of 8 for exotic files.
	jpegPixelsPerByte = 4096
)

// saturatingMul multiplies non-negative a and b, saturating instead of overflowing.
func saturatingMul(a, b int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	if a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}

// checkImageSize rejects empty images, images above maxPixels and images whose
// header claims more pixels than the data can hold (dataBound).
func checkImageSize(format string, w, h int, maxPixels, dataBound int64) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("%s image has no pixels (%d×%d)", format, w, h)
	}
	n := saturatingMul(int64(w), int64(h))
	if n > maxPixels {
		return fmt.Errorf("%s image of %d×%d pixels exceeds the limit of %d pixels", format, w, h, maxPixels)
	}
	if n > dataBound {
		return fmt.Errorf("%s header claims %d×%d pixels, more than its data can hold", format, w, h)
	}
	return nil
}

// decodeImage is DecodeImage with the pixel limit as a parameter, so that
// the fuzz test can lower it. Errors are returned without the package prefix.
func decodeImage(data []byte, maxPixels int64) (*Image, error) {
	format := detectImageFormat(data)
	if format == "" {
		return nil, ErrUnknownImageFormat
	}
	size := int64(len(data))
	var (
		decodeConfig func(io.Reader) (image.Config, error)
		decode       func(io.Reader) (image.Image, error)
		bound        int64 // most pixels the data could hold
		ppi          float64
	)
	switch format {
	case "wsq":
		return decodeWSQ(data, maxPixels)
	case "jp2":
		return decodeJP2(data, maxPixels)
	case "png":
		decodeConfig, decode = png.DecodeConfig, png.Decode
		// At least one bit per pixel, deflated.
		bound = saturatingMul(size, 8*deflateExpansion)
		ppi = pngPPI(data)
	case "jpeg":
		decodeConfig, decode = jpeg.DecodeConfig, jpeg.Decode
		bound = saturatingMul(size, jpegPixelsPerByte)
		ppi = jpegPPI(data)
	case "gif":
		decodeConfig, decode = gif.DecodeConfig, gif.Decode
		// Every LZW symbol is one pixel.
		bound = saturatingMul(size, lzwExpansion)
	case "tiff":
		decodeConfig, decode = tiff.DecodeConfig, tiff.Decode
		t, _ := parseTIFF(data) // a broken IFD makes tiff.DecodeConfig fail below
		var err error
		if bound, err = t.dataBound(size); err != nil {
			return nil, err
		}
		ppi = t.ppi()
	case "bmp":
		decodeConfig, decode = bmp.DecodeConfig, bmp.Decode
		bound = bmpDataBound(data)
		ppi = bmpPPI(data)
	case "pgm":
		decodeConfig, decode = pgm.DecodeConfig, pgm.Decode
		// Raw greymaps and pixmaps take at least a byte per pixel, plain
		// ones at least one digit; only P4 packs eight pixels in a byte.
		bound = size
		if data[1] == '4' {
			bound = saturatingMul(size, 8)
		}
	}

	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s image: %w", format, err)
	}
	if err := checkImageSize(format, cfg.Width, cfg.Height, maxPixels, bound); err != nil {
		return nil, err
	}
	img, err := decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s image: %w", format, err)
	}
	var g *image.Gray
	if format == "gif" {
		g = onGIFScreen(img, cfg, data)
	} else {
		if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
			// Decoders do not do this; checked so that a bug there cannot
			// slip images past the size limits.
			return nil, fmt.Errorf("%s image: decoded %d×%d pixels, header says %d×%d", format, b.Dx(), b.Dy(), cfg.Width, cfg.Height)
		}
		g = toGray(img)
	}
	return &Image{Gray: g, Format: format, PPI: ppi}, nil
}

func decodeWSQ(data []byte, maxPixels int64) (*Image, error) {
	cfg, err := wsq.DecodeConfig(data)
	if err != nil {
		return nil, fmt.Errorf("wsq image: %w", err)
	}
	// wsq.DecodeConfig already refuses sizes implausible for the input
	// length; the pixel limit here is DecodeImage's own (or the fuzz test's).
	if err := checkImageSize("wsq", cfg.Width, cfg.Height, maxPixels, math.MaxInt64); err != nil {
		return nil, err
	}
	g, cfg, err := wsq.Decode(data)
	if err != nil {
		return nil, fmt.Errorf("wsq image: %w", err)
	}
	if g == nil || g.Rect.Dx() != cfg.Width || g.Rect.Dy() != cfg.Height {
		return nil, errors.New("wsq image: decoder returned an image of the wrong size")
	}
	ppi := 0.0
	if cfg.PPI > 0 {
		ppi = float64(cfg.PPI)
	}
	return &Image{Gray: toGray(g), Format: "wsq", PPI: ppi}, nil
}

func decodeJP2(data []byte, maxPixels int64) (*Image, error) {
	cfg, err := jpeg2000.DecodeConfig(data)
	if err != nil {
		return nil, fmt.Errorf("jp2 image: %w", err)
	}
	// A JPEG 2000 stream can describe a large blank image in a few bytes, so
	// only the pixel limit applies (jpeg2000.Decode has its own as well).
	if err := checkImageSize("jp2", cfg.Width, cfg.Height, maxPixels, math.MaxInt64); err != nil {
		return nil, err
	}
	g, err := jpeg2000.Decode(data)
	if err != nil {
		return nil, fmt.Errorf("jp2 image: %w", err)
	}
	if g == nil || g.Rect.Dx() != cfg.Width || g.Rect.Dy() != cfg.Height {
		return nil, errors.New("jp2 image: decoder returned an image of the wrong size")
	}
	return &Image{Gray: toGray(g), Format: "jp2", PPI: jp2PPI(data)}, nil
}

// jp2PPI reads the horizontal capture resolution (resc), or else the
// display resolution (resd), from the res box in the JP2 header box.
func jp2PPI(data []byte) float64 {
	if !bytes.HasPrefix(data, []byte("\x00\x00\x00\x0cjP  ")) {
		return 0
	}
	// boxes calls fn with the type and contents of each box in b.
	boxes := func(b []byte, fn func(typ string, body []byte)) {
		for len(b) >= 8 {
			n := uint64(binary.BigEndian.Uint32(b))
			hdr := uint64(8)
			switch n {
			case 0:
				n = uint64(len(b))
			case 1:
				if len(b) < 16 {
					return
				}
				n, hdr = binary.BigEndian.Uint64(b[8:]), 16
			}
			if n < hdr || n > uint64(len(b)) {
				return
			}
			fn(string(b[4:8]), b[hdr:n])
			b = b[n:]
		}
	}
	var capture, display float64
	boxes(data, func(typ string, body []byte) {
		if typ != "jp2h" {
			return
		}
		boxes(body, func(typ string, body []byte) {
			if typ != "res " {
				return
			}
			boxes(body, func(typ string, body []byte) {
				if len(body) != 10 || (typ != "resc" && typ != "resd") {
					return
				}
				// VRcN VRcD HRcN HRcD (16 bits each), VRcE HRcE (signed
				// bytes): HRcN / HRcD × 10^HRcE pixels per metre.
				num, den := float64(binary.BigEndian.Uint16(body[4:])), float64(binary.BigEndian.Uint16(body[6:]))
				if den == 0 {
					return
				}
				ppm := num / den * math.Pow(10, float64(int8(body[9])))
				ppi := metricPPI(ppm, metresPerInch, math.Pow(10, float64(int8(body[9])))/den)
				if typ == "resc" {
					capture = ppi
				} else {
					display = ppi
				}
			})
		})
	})
	if capture > 0 {
		return capture
	}
	return display
}

// grayLuma is color.GrayModel's conversion of alpha-premultiplied 16-bit
// channels. The weights sum to 1<<16, so grey input comes out unchanged.
func grayLuma(r, g, b uint32) uint8 {
	return uint8((19595*r + 38470*g + 7471*b + 1<<15) >> 24)
}

// toGray converts img to 8-bit grey with its origin moved to (0, 0) and
// rows packed (Stride equal to the width), the layout the rest of bms
// expects. An *image.Gray already in that layout is not copied: decoders
// return fresh images nobody else holds.
func toGray(img image.Image) *image.Gray {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if g, ok := img.(*image.Gray); ok && g.Stride == w {
		start := g.PixOffset(b.Min.X, b.Min.Y)
		return &image.Gray{Pix: g.Pix[start : start+w*h : start+w*h], Stride: w, Rect: image.Rect(0, 0, w, h)}
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		row := out.Pix[y*out.Stride : y*out.Stride+w]
		sy := b.Min.Y + y
		switch m := img.(type) {
		case *image.Gray:
			copy(row, m.Pix[m.PixOffset(b.Min.X, sy):])
		case *image.Gray16:
			// The high byte is what color.GrayModel gives.
			i := m.PixOffset(b.Min.X, sy)
			for x := range row {
				row[x] = m.Pix[i+2*x]
			}
		case *image.YCbCr:
			// Y is the luma; converting to RGB and back would only add
			// rounding error.
			i := m.YOffset(b.Min.X, sy)
			copy(row, m.Y[i:i+w])
		case *image.Paletted:
			// A table also keeps indices beyond the palette (which At would
			// panic on) harmless: they read as black.
			var lut [256]uint8
			for j, c := range m.Palette {
				if j < len(lut) && c != nil {
					r, g, b, _ := c.RGBA()
					lut[j] = grayLuma(r, g, b)
				}
			}
			i := m.PixOffset(b.Min.X, sy)
			for x := range row {
				row[x] = lut[m.Pix[i+x]]
			}
		case *image.RGBA:
			i := m.PixOffset(b.Min.X, sy)
			for x := range row {
				p := m.Pix[i+4*x : i+4*x+3 : i+4*x+3]
				row[x] = grayLuma(uint32(p[0])*0x101, uint32(p[1])*0x101, uint32(p[2])*0x101)
			}
		case *image.NRGBA:
			i := m.PixOffset(b.Min.X, sy)
			for x := range row {
				p := m.Pix[i+4*x : i+4*x+4 : i+4*x+4]
				r, g, b, _ := color.NRGBA{R: p[0], G: p[1], B: p[2], A: p[3]}.RGBA()
				row[x] = grayLuma(r, g, b)
			}
		default:
			for x := range row {
				if c := img.At(b.Min.X+x, sy); c != nil {
					r, g, b, _ := c.RGBA()
					row[x] = grayLuma(r, g, b)
				}
			}
		}
	}
	return out
}

// onGIFScreen places the first frame of a GIF on its logical screen (cfg),
// filling the part the frame does not cover with the background colour.
func onGIFScreen(frame image.Image, cfg image.Config, data []byte) *image.Gray {
	fb := frame.Bounds()
	screen := image.Rect(0, 0, cfg.Width, cfg.Height)
	if fb == screen {
		return toGray(frame)
	}
	out := image.NewGray(screen)
	// Logical screen descriptor: flags at 10 (bit 7: global colour table,
	// bits 0–2: its size), background index at 11, the table from 13.
	if len(data) >= 13 && data[10]&0x80 != 0 {
		n := 2 << (data[10] & 7)
		if bg := int(data[11]); bg < n && 13+3*n <= len(data) {
			c := data[13+3*bg:]
			v := grayLuma(uint32(c[0])*0x101, uint32(c[1])*0x101, uint32(c[2])*0x101)
			for i := range out.Pix {
				out.Pix[i] = v
			}
		}
	}
	// gif.Decode refuses frames reaching outside the screen; clip anyway.
	g := toGray(frame)
	dst := fb.Intersect(screen)
	for y := dst.Min.Y; y < dst.Max.Y; y++ {
		i := g.PixOffset(dst.Min.X-fb.Min.X, y-fb.Min.Y)
		copy(out.Pix[out.PixOffset(dst.Min.X, y):], g.Pix[i:i+dst.Dx()])
	}
	return out
}

// metricPPI converts v pixels per unit, where an inch is unitsPerInch
// units, to pixels per inch. The stored value is a multiple of step, so the
// true resolution may differ from it by half a step; when a whole number of
// pixels per inch lies that close, it is returned instead.
func metricPPI(v, unitsPerInch, step float64) float64 {
	ppi := v * unitsPerInch
	if math.IsNaN(ppi) || math.IsInf(ppi, 0) || ppi <= 0 {
		return 0
	}
	if r := math.Round(ppi); math.Abs(r-ppi) <= step*unitsPerInch/2 {
		return r
	}
	return ppi
}

const (
	metresPerInch = 0.0254
	cmPerInch     = 2.54
)

// pngPPI reads the pHYs chunk, which must come before the image data.
func pngPPI(data []byte) float64 {
	for pos := 8; pos+12 <= len(data); {
		n := int64(binary.BigEndian.Uint32(data[pos:]))
		if n > int64(len(data)-pos-12) {
			return 0
		}
		body := data[pos+8 : pos+8+int(n)]
		switch string(data[pos+4 : pos+8]) {
		case "pHYs":
			// X and Y pixels per unit, then the unit: 1 is the metre, 0
			// means the numbers give only the aspect ratio.
			if n != 9 || body[8] != 1 {
				return 0
			}
			return metricPPI(float64(binary.BigEndian.Uint32(body)), metresPerInch, 1)
		case "IDAT", "IEND":
			return 0
		}
		pos += 12 + int(n)
	}
	return 0
}

// jpegPPI reads the JFIF density (APP0), or else the EXIF resolution (APP1),
// from the segments before the first scan.
func jpegPPI(data []byte) float64 {
	exif := 0.0
	for pos := 2; pos+4 <= len(data); {
		if data[pos] != 0xff {
			break
		}
		marker := data[pos+1]
		switch {
		case marker == 0xff: // fill byte
			pos++
			continue
		case marker == 0x01 || marker >= 0xd0 && marker <= 0xd8: // no length
			pos += 2
			continue
		case marker == 0xda || marker == 0xd9: // scan data or end: no more metadata
			return exif
		}
		n := int(binary.BigEndian.Uint16(data[pos+2:]))
		if n < 2 || pos+2+n > len(data) {
			break
		}
		seg := data[pos+4 : pos+2+n]
		switch {
		case marker == 0xe0 && len(seg) >= 12 && string(seg[:5]) == "JFIF\x00":
			// Version (2 bytes), units (1 dot/inch, 2 dots/cm, 0 aspect
			// ratio only), X and Y density.
			density := float64(binary.BigEndian.Uint16(seg[8:]))
			switch seg[7] {
			case 1:
				if density > 0 {
					return density
				}
			case 2:
				if ppi := metricPPI(density, cmPerInch, 1); ppi > 0 {
					return ppi
				}
			}
		case marker == 0xe1 && exif == 0 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00":
			if t, ok := parseTIFF(seg[6:]); ok {
				exif = t.ppi()
			}
		}
		pos += 2 + n
	}
	return exif
}

// bmpPPI reads biXPelsPerMeter of a BITMAPINFOHEADER or its V4/V5 successors.
func bmpPPI(data []byte) float64 {
	if len(data) < 46 || binary.LittleEndian.Uint32(data[14:]) < 40 {
		return 0
	}
	ppm := int32(binary.LittleEndian.Uint32(data[38:]))
	return metricPPI(float64(ppm), metresPerInch, 1)
}

// bmpDataBound is the number of pixels the data after the BMP pixel offset
// holds: BMP rows are stored uncompressed, padded to four bytes (the
// decoder refuses compressed BMPs).
func bmpDataBound(data []byte) int64 {
	if len(data) < 30 {
		return 0 // bmp.DecodeConfig fails first
	}
	offset := int64(binary.LittleEndian.Uint32(data[10:]))
	bpp := int64(binary.LittleEndian.Uint16(data[28:]))
	avail := int64(len(data)) - offset
	if avail <= 0 || bpp == 0 {
		return 0
	}
	// Counting the row padding as pixels makes this a slight overestimate
	// for narrow images, which is harmless.
	return saturatingMul(avail, 8) / bpp
}

// tiffFile is a TIFF structure (a TIFF file or an EXIF block) with its
// first image file directory.
type tiffFile struct {
	b   []byte
	bo  binary.ByteOrder
	ifd []byte // the 12-byte entries of IFD0
}

// TIFF tags used here.
const (
	tiffImageWidth      = 256
	tiffBitsPerSample   = 258
	tiffCompression     = 259
	tiffStripByteCounts = 279
	tiffXResolution     = 282
	tiffResolutionUnit  = 296
	tiffTileByteCounts  = 325
)

// tiffTypeSize is the size of one value of each TIFF field type.
var tiffTypeSize = [...]uint64{1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}

// parseTIFF locates IFD0; ok is false when the header or IFD is out of
// bounds, and then every lookup fails.
func parseTIFF(b []byte) (t tiffFile, ok bool) {
	if len(b) < 8 {
		return t, false
	}
	switch string(b[:4]) {
	case "II*\x00":
		t.bo = binary.LittleEndian
	case "MM\x00*":
		t.bo = binary.BigEndian
	default:
		return t, false
	}
	t.b = b
	off := uint64(t.bo.Uint32(b[4:]))
	if off+2 > uint64(len(b)) {
		return t, false
	}
	end := off + 2 + 12*uint64(t.bo.Uint16(b[off:]))
	if end > uint64(len(b)) {
		return t, false
	}
	t.ifd = b[off+2 : end]
	return t, true
}

// tiffEntry is one IFD entry: its type, count and the raw bytes of its
// values (nil when they lie outside the data).
type tiffEntry struct {
	typ   uint16
	count uint64
	vals  []byte
}

func (t tiffFile) find(tag uint16) (e tiffEntry, ok bool) {
	for i := 0; i+12 <= len(t.ifd); i += 12 {
		p := t.ifd[i : i+12]
		if t.bo.Uint16(p) != tag {
			continue
		}
		e.typ, e.count = t.bo.Uint16(p[2:]), uint64(t.bo.Uint32(p[4:]))
		if int(e.typ) >= len(tiffTypeSize) || tiffTypeSize[e.typ] == 0 {
			return e, false
		}
		size := e.count * tiffTypeSize[e.typ] // both under 2^32: no overflow
		if size <= 4 {
			e.vals = p[8 : 8+size]
		} else if off := uint64(t.bo.Uint32(p[8:])); off+size <= uint64(len(t.b)) {
			e.vals = t.b[off : off+size]
		} else {
			return e, false
		}
		return e, true
	}
	return e, false
}

// uint returns value i of an unsigned integer entry.
func (t tiffFile) uint(e tiffEntry, i uint64) (uint64, bool) {
	if i >= e.count {
		return 0, false
	}
	switch e.typ {
	case 1: // BYTE
		return uint64(e.vals[i]), true
	case 3: // SHORT
		return uint64(t.bo.Uint16(e.vals[2*i:])), true
	case 4: // LONG
		return uint64(t.bo.Uint32(e.vals[4*i:])), true
	}
	return 0, false
}

// first returns the first value of tag, or def when the tag is absent or
// not an unsigned integer.
func (t tiffFile) first(tag uint16, def uint64) uint64 {
	if e, ok := t.find(tag); ok {
		if v, ok := t.uint(e, 0); ok {
			return v
		}
	}
	return def
}

// ppi reads XResolution (a rational, though integers are accepted) in the
// unit of ResolutionUnit: 2 inch (the default), 3 centimetre, 1 none.
func (t tiffFile) ppi() float64 {
	e, ok := t.find(tiffXResolution)
	if !ok || e.count == 0 {
		return 0
	}
	var num, den uint64 = 0, 1
	if e.typ == 5 { // RATIONAL
		num, den = uint64(t.bo.Uint32(e.vals)), uint64(t.bo.Uint32(e.vals[4:]))
	} else if num, ok = t.uint(e, 0); !ok {
		return 0
	}
	if num == 0 || den == 0 {
		return 0
	}
	v := float64(num) / float64(den)
	switch t.first(tiffResolutionUnit, 2) {
	case 2:
		return v
	case 3:
		// The stored value is a multiple of 1/den pixels per centimetre.
		return metricPPI(v, cmPerInch, 1/float64(den))
	}
	return 0
}

// dataBound is the most pixels the strips or tiles of the first image could
// decode to: the sum of their byte counts (each at most the data size, since
// strips may share bytes) times the compression's largest expansion,
// divided by the bits per pixel. Compressions the decoder lacks are refused
// here, because tiff.Decode allocates the image before it finds out.
func (t tiffFile) dataBound(size int64) (int64, error) {
	counts, ok := t.find(tiffTileByteCounts)
	if !ok {
		counts, ok = t.find(tiffStripByteCounts)
	}
	if !ok {
		return 0, nil // tiff.DecodeConfig or tiff.Decode reports the problem
	}
	var sum int64
	for i := range counts.count {
		n, ok := t.uint(counts, i)
		if !ok {
			return 0, nil
		}
		sum = min(sum+min(int64(n), size), math.MaxInt64/2)
	}
	bitsPerPixel := int64(1)
	if e, ok := t.find(tiffBitsPerSample); ok {
		// One BitsPerSample value per sample.
		bitsPerPixel = max(1, saturatingMul(int64(t.first(tiffBitsPerSample, 1)), int64(e.count)))
	}
	var bytesOut int64
	switch c := t.first(tiffCompression, 1); c {
	case 0, 1: // none
		bytesOut = sum
	case 3, 4: // CCITT T.4 and T.6, bilevel: every row takes at least one bit
		w := int64(t.first(tiffImageWidth, 0))
		return saturatingMul(saturatingMul(sum, 8), w), nil
	case 5: // LZW
		bytesOut = saturatingMul(sum, lzwExpansion)
	case 8, 32946: // Deflate
		bytesOut = saturatingMul(sum, deflateExpansion)
	case 32773: // PackBits
		bytesOut = saturatingMul(sum, packBitsExpansion)
	default:
		return 0, fmt.Errorf("tiff image: unsupported compression %d", c)
	}
	return saturatingMul(bytesOut, 8) / bitsPerPixel, nil
}
