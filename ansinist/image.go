package ansinist

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"strings"

	"github.com/openbms/bms/internal/jpeg2000"
	"github.com/openbms/bms/internal/wsq"
	"github.com/openbms/bms/minutiae"
)

// ErrUnsupportedCompression is wrapped by DecodeImage errors for image
// records whose compression this package cannot decode (lossless JPEG,
// facsimile-coded binary images, vendor codes).
var ErrUnsupportedCompression = errors.New("ansinist: unsupported image compression")

// Compression names, as written in the CGA field of tagged image records
// (ANSI/NIST-ITL 1-2011 Table 15); binary records' numeric codes map to them.
const (
	CompressionNone  = "NONE"
	CompressionWSQ   = "WSQ20"
	CompressionJPEGB = "JPEGB"
	CompressionJPEGL = "JPEGL"
	CompressionJP2   = "JP2"
	CompressionJP2L  = "JP2L"
	CompressionPNG   = "PNG"
	// CompressionFax is ANSI/EIA-538 facsimile coding, code 1 of the binary
	// (1 bit per pixel) Types 5 and 6.
	CompressionFax = "EIA538"
)

// compressionCodes are the numeric codes of Table 15, used by Types 3 and 4
// and sometimes written instead of names in tagged records.
var compressionCodes = []string{CompressionNone, CompressionWSQ, CompressionJPEGB, CompressionJPEGL,
	CompressionJP2, CompressionJP2L, CompressionPNG}

// maxImagePixels bounds the size of a decoded image whatever the headers say.
// The largest legitimate friction-ridge image (a full palm at 1000 ppi) is
// about 5000×6000; 2²⁸ leaves ample room.
const maxImagePixels = 1 << 28

// maxPixelsPerByte bounds the compression ratio DecodeImage believes before
// allocating: fingerprint codecs reach about 15:1 and even a blank PNG stays
// near 1000:1, so a header claiming more is taken as hostile.
const maxPixelsPerByte = 2048

// ImageInfo describes the image a record holds, as its header declares it.
type ImageInfo struct {
	Width, Height int
	// PPI is the horizontal resolution in pixels per inch, 0 when the record
	// gives none (SLC 0: aspect ratio only).
	PPI float64
	// Compression is the name of the compression algorithm (one of the
	// Compression constants, or the record's own text when it is unknown,
	// or "CODE n" for an unknown numeric code).
	Compression  string
	BitsPerPixel int
	// Colorspace is the CSP field of Types 10, 16 and 17 (e.g. "GRAY",
	// "SRGB"), empty elsewhere.
	Colorspace string
	// Positions are the friction ridge positions (FGP); binary records'
	// unused 255 entries are dropped.
	Positions []minutiae.Position
	// Missing are the fingers an image of several shows not, because they
	// are amputated or could not be printed (Type-14 AMP, field 14.018).
	Missing []minutiae.Position
	// Impression is the IMP code; HasImpression is false for record types
	// without one (10, 16, 17, and Type-7 data recognised by its signature).
	Impression    minutiae.Impression
	HasImpression bool
}

// taggedImageLayout gives, per tagged image record type, the field numbers
// of the header items. 0 means the type has no such field.
type taggedImageLayout struct {
	imp, hll, vll, slc, thps, cga, bpx, csp, fgp int
}

var taggedLayouts = map[int]taggedImageLayout{
	10: {hll: 6, vll: 7, slc: 8, thps: 9, cga: 11, csp: 12},
	13: {imp: 3, hll: 6, vll: 7, slc: 8, thps: 9, cga: 11, bpx: 12, fgp: 13},
	14: {imp: 3, hll: 6, vll: 7, slc: 8, thps: 9, cga: 11, bpx: 12, fgp: 13},
	15: {imp: 3, hll: 6, vll: 7, slc: 8, thps: 9, cga: 11, bpx: 12, fgp: 13},
	16: {hll: 6, vll: 7, slc: 8, thps: 9, cga: 11, bpx: 12, csp: 13},
	17: {hll: 6, vll: 7, slc: 8, thps: 9, cga: 11, bpx: 12, csp: 13},
	19: {imp: 3, hll: 6, vll: 7, slc: 8, thps: 9, cga: 11, bpx: 12, fgp: 13},
}

// ImageInfo returns the declared properties of the image the record holds;
// ok is false for records that hold none (Types 1, 2, 9, …, Type-8
// signatures, and Type-7 records whose data is not recognisably an image).
func (r *Record) ImageInfo() (ImageInfo, bool) {
	info, _, ok := r.image()
	return info, ok
}

// image returns the image properties and the bytes holding the (possibly
// compressed) pixels.
func (r *Record) image() (ImageInfo, []byte, bool) {
	switch r.Type {
	case 3, 4, 5, 6:
		return r.binaryImageInfo(r.hdrInt, r.Type), r.Data, true
	case 7:
		if info, ok := sniffImage(r.Data); ok {
			return info, r.Data, true
		}
		return r.type7Image()
	}
	l, ok := taggedLayouts[r.Type]
	if !ok {
		return ImageInfo{}, nil, false
	}
	var info ImageInfo
	info.Width, _ = r.Int(l.hll)
	info.Height, _ = r.Int(l.vll)
	if l.imp > 0 {
		if v, ok := r.Int(l.imp); ok && v >= 0 && v <= 255 {
			info.Impression, info.HasImpression = minutiae.Impression(v), true
		}
	}
	thps, _ := r.Int(l.thps)
	slc, _ := r.Int(l.slc)
	switch slc {
	case 1: // pixels per inch
		info.PPI = float64(thps)
	case 2: // pixels per centimetre
		info.PPI = float64(thps) * 2.54
	}
	info.Compression = compressionName(strings.TrimSpace(r.Text(l.cga)))
	if l.csp > 0 {
		info.Colorspace = strings.TrimSpace(r.Text(l.csp))
	}
	if l.bpx > 0 {
		info.BitsPerPixel, _ = r.Int(l.bpx)
	} else {
		info.BitsPerPixel = colorspaceBits(info.Colorspace)
	}
	if l.fgp > 0 {
		if f, ok := r.Field(l.fgp); ok {
			info.Positions = positions(f)
		}
	}
	if r.Type == 14 {
		if f, ok := r.Field(amputatedField); ok {
			info.Missing = missingFingers(f)
		}
	}
	return info, r.Data, true
}

// amputatedField is Type-14's AMP field: for each finger of the image that
// is amputated (XX) or could not be printed (UP, bandaged), its position
// and that code.
const amputatedField = 18

// missingFingers reads an AMP field; subfields with another code or an
// impossible position are skipped.
func missingFingers(f Field) []minutiae.Position {
	var out []minutiae.Position
	for _, s := range f.Subfields() {
		if len(s) < 2 {
			continue
		}
		code := strings.ToUpper(strings.TrimSpace(s[1]))
		if code != "XX" && code != "UP" {
			continue
		}
		if v, ok := atoi(s[0]); ok && v >= 1 && v <= 10 {
			out = append(out, minutiae.Position(v))
		}
	}
	return out
}

// hdrInt reads a binary header value presented as a field.
func (r *Record) hdrInt(n int) int { v, _ := r.Int(n); return v }

// type7Header is the size of the image header some writers (the NIST
// reference transactions among them) put at the start of Type-7 data: the
// Type-4 header without LEN and IDC — IMP, FGP×6, ISR, HLL, VLL, GCA.
const type7Header = 13

// type7Image recognises Type-7 data that starts with a Type-4 style header.
// Type-7 content is user-defined, so the header is believed only when it is
// self-consistent: positions and flags in range, and either uncompressed
// data of exactly HLL×VLL bytes or a compressed stream with the signature
// its GCA code names.
func (r *Record) type7Image() (ImageInfo, []byte, bool) {
	d := r.Data
	if len(d) < type7Header+1 {
		return ImageInfo{}, nil, false
	}
	for _, p := range d[1:7] {
		if p > 38 && p != 255 {
			return ImageInfo{}, nil, false
		}
	}
	hll, vll, gca := int(d[8])<<8|int(d[9]), int(d[10])<<8|int(d[11]), int(d[12])
	payload := d[type7Header:]
	if d[7] > 1 || hll == 0 || vll == 0 {
		return ImageInfo{}, nil, false
	}
	switch gca {
	case 0:
		if hll*vll != len(payload) {
			return ImageInfo{}, nil, false
		}
	case 1, 2, 4, 5, 6:
		sniffed, ok := sniffImage(payload)
		if !ok || sniffed.Compression != compressionCodes[gca] && !(gca == 5 && sniffed.Compression == CompressionJP2) {
			return ImageInfo{}, nil, false
		}
	default:
		return ImageInfo{}, nil, false
	}
	hdr := func(n int) int {
		switch n {
		case 3:
			return int(d[0])
		case 5:
			return int(d[7])
		case 6:
			return hll
		case 7:
			return vll
		case 8:
			return gca
		}
		return 0
	}
	info := r.binaryImageInfo(hdr, 4)
	for _, p := range d[1:7] {
		if p != 255 {
			info.Positions = append(info.Positions, minutiae.Position(p))
		}
	}
	return info, payload, true
}

// colorspaceBits is the bit depth implied by a Type-10 colour space.
func colorspaceBits(csp string) int {
	switch strings.ToUpper(csp) {
	case "GRAY":
		return 8
	case "RGB", "SRGB", "YCC", "SYCC":
		return 24
	}
	return 0
}

// positions reads FGP values from the first item of each subfield.
func positions(f Field) []minutiae.Position {
	var out []minutiae.Position
	for _, s := range f.Subfields() {
		if v, ok := atoi(s[0]); ok && v >= 0 && v < 255 {
			out = append(out, minutiae.Position(v))
		}
	}
	return out
}

// compressionName normalises a CGA value: names are upper-cased (older
// writers used "WSQ" for WSQ20), numeric codes map through Table 15.
func compressionName(s string) string {
	u := strings.ToUpper(s)
	switch u {
	case "":
		return CompressionNone
	case "WSQ":
		return CompressionWSQ
	case "JPEG":
		return CompressionJPEGB
	}
	if v, ok := atoi(u); ok {
		if v >= 0 && v < len(compressionCodes) {
			return compressionCodes[v]
		}
		return fmt.Sprintf("CODE %d", v)
	}
	return u
}

// compressionTitle names a compression for people reading an error.
func compressionTitle(c string) string {
	switch c {
	case CompressionJP2:
		return "JPEG 2000 (JP2)"
	case CompressionJP2L:
		return "JPEG 2000 lossless (JP2L)"
	case CompressionJPEGL:
		return "lossless JPEG (JPEGL)"
	}
	return fmt.Sprintf("compression %q", c)
}

// binaryImageInfo interprets a Type-3…6 header; hdr reads its items by
// field number and typ says which of the four layouts' semantics apply.
func (r *Record) binaryImageInfo(hdr func(int) int, typ int) ImageInfo {
	info := ImageInfo{
		Width:         hdr(6),
		Height:        hdr(7),
		Impression:    minutiae.Impression(hdr(3)),
		HasImpression: true,
	}
	if f, ok := r.Field(4); ok {
		info.Positions = positions(f)
	}
	code := hdr(8)
	switch typ {
	case 3, 4:
		info.BitsPerPixel = 8
		if code < len(compressionCodes) {
			info.Compression = compressionCodes[code]
		} else {
			info.Compression = fmt.Sprintf("CODE %d", code)
		}
	case 5, 6:
		info.BitsPerPixel = 1
		switch code {
		case 0:
			info.Compression = CompressionNone
		case 1:
			info.Compression = CompressionFax
		default:
			info.Compression = fmt.Sprintf("CODE %d", code)
		}
	}
	// ISR chooses between the transaction's nominal transmitting (0) and
	// native scanning (1) resolution; both are in pixels per millimetre.
	// When Type-1 leaves the chosen one at 00.00 the standard's minimum
	// scanning resolution of 19.69 ppmm (500 ppi) is what was used.
	ppmm := 0.0
	if r.tx != nil {
		if hdr(5) == 1 {
			ppmm = r.tx.NativeResolution
		} else {
			ppmm = r.tx.NominalResolution
		}
	}
	if ppmm <= 0 {
		ppmm = 19.69
	}
	// Types 3 and 5 are the low-resolution variants, at half the rate.
	if typ == 3 || typ == 5 {
		ppmm /= 2
	}
	info.PPI = math.Round(ppmm*25.4*100) / 100
	return info
}

// sniffImage recognises a self-describing image stream (used for Type-7,
// whose header says nothing about its data).
func sniffImage(data []byte) (ImageInfo, bool) {
	var info ImageInfo
	switch {
	case len(data) >= 2 && data[0] == 0xFF && data[1] == 0xA0:
		cfg, err := wsq.DecodeConfig(data)
		if err != nil {
			return info, false
		}
		info = ImageInfo{Width: cfg.Width, Height: cfg.Height, PPI: float64(cfg.PPI), Compression: CompressionWSQ, BitsPerPixel: 8}
	case len(data) >= 2 && data[0] == 0xFF && data[1] == 0xD8:
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return info, false
		}
		info = ImageInfo{Width: cfg.Width, Height: cfg.Height, Compression: CompressionJPEGB, BitsPerPixel: bitsOf(cfg.ColorModel)}
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return info, false
		}
		info = ImageInfo{Width: cfg.Width, Height: cfg.Height, Compression: CompressionPNG, BitsPerPixel: bitsOf(cfg.ColorModel)}
	case bytes.HasPrefix(data, []byte("\x00\x00\x00\x0cjP  \r\n\x87\n")),
		bytes.HasPrefix(data, []byte{0xFF, 0x4F, 0xFF, 0x51}):
		info = ImageInfo{Compression: CompressionJP2}
		// The size, when the headers can be read; DecodeImage reports
		// them when they cannot.
		if cfg, err := jpeg2000.DecodeConfig(data); err == nil {
			info.Width, info.Height = cfg.Width, cfg.Height
			if cfg.Components == 1 || cfg.Components == 3 {
				info.BitsPerPixel = cfg.BitDepth * cfg.Components
			}
		}
	default:
		return info, false
	}
	return info, true
}

func bitsOf(m color.Model) int {
	switch m {
	case color.GrayModel:
		return 8
	case color.Gray16Model:
		return 16
	case color.RGBAModel, color.NRGBAModel, color.YCbCrModel:
		return 24
	}
	return 0
}

// DecodeImage decodes the record's image: WSQ, JPEG 2000 (JP2 and JP2L, as a
// JP2 file or a raw codestream; decoded to 8-bit grey, colour as luma), PNG,
// baseline JPEG and uncompressed data (8- or 16-bit grey, 24-bit RGB, 1-bit
// binary with rows padded to whole bytes). Other compressions (lossless
// JPEG, facsimile) give an error wrapping ErrUnsupportedCompression. The decoded
// size must equal the size the record declares, and sizes are checked
// against the data length before any pixel buffer is allocated.
func (r *Record) DecodeImage() (image.Image, error) {
	info, data, ok := r.image()
	if !ok {
		return nil, fmt.Errorf("ansinist: Type-%d record (IDC %d) holds no image", r.Type, r.IDC)
	}
	fail := func(msg string, a ...any) error {
		return fmt.Errorf("ansinist: Type-%d record (IDC %d): %s", r.Type, r.IDC, fmt.Sprintf(msg, a...))
	}
	switch info.Compression {
	case CompressionNone, CompressionWSQ, CompressionJPEGB, CompressionPNG, CompressionJP2, CompressionJP2L:
	default:
		return nil, fmt.Errorf("ansinist: Type-%d record (IDC %d): %s: %w", r.Type, r.IDC, compressionTitle(info.Compression), ErrUnsupportedCompression)
	}
	if len(data) == 0 {
		return nil, fail("no image data")
	}
	if info.Width <= 0 || info.Height <= 0 {
		return nil, fail("declared size %d×%d is not positive", info.Width, info.Height)
	}
	// checkSize vets a size read from a compressed stream before its decoder
	// allocates the pixels.
	checkSize := func(w, h int) error {
		if w != info.Width || h != info.Height {
			return fail("%s stream is %d×%d but the record declares %d×%d", info.Compression, w, h, info.Width, info.Height)
		}
		px := int64(w) * int64(h)
		if w <= 0 || h <= 0 || px > maxImagePixels || px > int64(len(data))*maxPixelsPerByte {
			return fail("%s stream claims %d×%d pixels from %d bytes", info.Compression, w, h, len(data))
		}
		return nil
	}
	switch info.Compression {
	case CompressionNone:
		return decodeRaw(data, info, fail)
	case CompressionWSQ:
		cfg, err := wsq.DecodeConfig(data)
		if err != nil {
			return nil, fail("%v", err)
		}
		if err := checkSize(cfg.Width, cfg.Height); err != nil {
			return nil, err
		}
		img, _, err := wsq.Decode(data)
		if err != nil {
			return nil, fail("%v", err)
		}
		return img, nil
	case CompressionJP2, CompressionJP2L:
		cfg, err := jpeg2000.DecodeConfig(data)
		if err != nil {
			return nil, fail("JPEG 2000: %v", err)
		}
		if err := checkSize(cfg.Width, cfg.Height); err != nil {
			return nil, err
		}
		img, err := jpeg2000.Decode(data)
		if err != nil {
			return nil, fail("JPEG 2000: %v", err)
		}
		return img, nil
	case CompressionJPEGB:
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return nil, fail("JPEG: %v", err)
		}
		if err := checkSize(cfg.Width, cfg.Height); err != nil {
			return nil, err
		}
		img, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, fail("JPEG: %v", err)
		}
		return img, nil
	default: // CompressionPNG, the only one left after the check above
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return nil, fail("PNG: %v", err)
		}
		if err := checkSize(cfg.Width, cfg.Height); err != nil {
			return nil, err
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, fail("PNG: %v", err)
		}
		return img, nil
	}
}

// decodeRaw builds an image from uncompressed pixels, row by row from the
// top-left (ANSI/NIST-ITL scan order).
func decodeRaw(data []byte, info ImageInfo, fail func(string, ...any) error) (image.Image, error) {
	w, h := int64(info.Width), int64(info.Height)
	var rowBytes int64
	switch info.BitsPerPixel {
	case 1:
		rowBytes = (w + 7) / 8
	case 8, 16, 24:
		rowBytes = w * int64(info.BitsPerPixel/8)
	default:
		return nil, fmt.Errorf("ansinist: uncompressed %d-bit pixels: %w", info.BitsPerPixel, ErrUnsupportedCompression)
	}
	// Both dimensions are at most 10⁹ (atoi), so the product fits in int64.
	if need := rowBytes * h; need != int64(len(data)) {
		return nil, fail("uncompressed %d×%d×%d-bit image needs %d bytes, the record holds %d", w, h, info.BitsPerPixel, need, len(data))
	}
	W, H := int(w), int(h)
	rect := image.Rect(0, 0, W, H)
	switch info.BitsPerPixel {
	case 8:
		img := image.NewGray(rect)
		copy(img.Pix, data)
		return img, nil
	case 16:
		img := image.NewGray16(rect)
		copy(img.Pix, data) // both big-endian
		return img, nil
	case 24:
		img := image.NewRGBA(rect)
		for i, j := 0, 0; i+2 < len(data); i, j = i+3, j+4 {
			img.Pix[j], img.Pix[j+1], img.Pix[j+2], img.Pix[j+3] = data[i], data[i+1], data[i+2], 0xFF
		}
		return img, nil
	}
	// 1 bit per pixel: a set bit is a black (ridge) pixel.
	img := image.NewGray(rect)
	rb := int(rowBytes)
	for y := 0; y < H; y++ {
		row := data[y*rb : (y+1)*rb]
		out := img.Pix[y*img.Stride : y*img.Stride+W]
		for x := range out {
			if row[x>>3]&(0x80>>(x&7)) != 0 {
				out[x] = 0
			} else {
				out[x] = 0xFF
			}
		}
	}
	return img, nil
}
