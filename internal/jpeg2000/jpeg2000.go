package jpeg2000

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
)

// ErrUnsupported is wrapped by errors for valid JPEG 2000 features this
// package does not implement.
var ErrUnsupported = errors.New("jpeg2000: unsupported feature")

// ErrFormat is wrapped by errors for data that is not a well-formed JPEG
// 2000 codestream or JP2 file.
var ErrFormat = errors.New("jpeg2000: invalid data")

// MaxPixels is the largest image (width×height) Decode accepts.
const MaxPixels = 1 << 28

// Progression orders (COD SGcod byte).
const (
	LRCP = iota
	RLCP
	RPCL
	PCRL
	CPRL
)

// Config is what the headers say about an image.
type Config struct {
	Width, Height int
	// Components is the number of image components (1 for greyscale).
	Components int
	// BitDepth is the sample precision of the first component, 1–38.
	BitDepth int
	// Signed is true when the first component's samples are signed.
	Signed bool
	// Reversible is true when the first component uses the reversible 5/3
	// wavelet (lossless coding, JP2L), false for the irreversible 9/7.
	Reversible bool
	// Levels is the number of wavelet decomposition levels, Layers the
	// number of quality layers and Progression the progression order (one
	// of LRCP … CPRL), all from the main header's COD marker.
	Levels, Layers, Progression int
	// TilesX and TilesY are the number of tile columns and rows.
	TilesX, TilesY int
}

func formatErr(msg string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(msg, a...))
}

func unsupported(msg string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrUnsupported, fmt.Sprintf(msg, a...))
}

// DecodeConfig parses the headers of a codestream or JP2 file up to the end
// of the main header.
func DecodeConfig(data []byte) (Config, error) {
	cs, err := codestreamOf(data)
	if err != nil {
		return Config{}, err
	}
	h, err := parseMainHeader(cs)
	if err != nil {
		return Config{}, err
	}
	return h.config(), nil
}

// Decode decodes a codestream or JP2 file to 8-bit grey.
func Decode(data []byte) (*image.Gray, error) {
	return decode(data, MaxPixels)
}

func decode(data []byte, maxPixels int64) (*image.Gray, error) {
	cs, err := codestreamOf(data)
	if err != nil {
		return nil, err
	}
	h, err := parseMainHeader(cs)
	if err != nil {
		return nil, err
	}
	if err := h.checkDecodable(maxPixels); err != nil {
		return nil, err
	}
	if err := h.parseTileParts(); err != nil {
		return nil, err
	}
	return h.decodeImage()
}

// jp2Signature is the JP2 signature box: length 12, type 'jP  ', contents
// CR LF 0x87 LF.
var jp2Signature = []byte("\x00\x00\x00\x0cjP  \r\n\x87\n")

// codestreamOf returns the codestream in data: data itself when it starts
// with SOC, else the contents of the jp2c box of a JP2 file.
func codestreamOf(data []byte) ([]byte, error) {
	if len(data) >= 2 && data[0] == 0xFF && data[1] == 0x4F {
		return data, nil
	}
	if len(data) < len(jp2Signature) || string(data[:len(jp2Signature)]) != string(jp2Signature) {
		return nil, formatErr("neither a JPEG 2000 codestream (SOC marker) nor a JP2 file (signature box)")
	}
	pos := 0
	for pos < len(data) {
		if len(data)-pos < 8 {
			return nil, formatErr("truncated box header at offset %d", pos)
		}
		lbox := uint64(binary.BigEndian.Uint32(data[pos:]))
		typ := string(data[pos+4 : pos+8])
		hdr := uint64(8)
		switch lbox {
		case 0: // to the end of the file
			lbox = uint64(len(data) - pos)
		case 1:
			if len(data)-pos < 16 {
				return nil, formatErr("truncated extended box length at offset %d", pos)
			}
			lbox = binary.BigEndian.Uint64(data[pos+8:])
			hdr = 16
		}
		if lbox < hdr || lbox > uint64(len(data)-pos) {
			return nil, formatErr("box %q at offset %d has length %d, %d bytes remain", typ, pos, lbox, len(data)-pos)
		}
		if typ == "jp2c" {
			return data[pos+int(hdr) : pos+int(lbox)], nil
		}
		pos += int(lbox)
	}
	return nil, formatErr("JP2 file has no contiguous codestream (jp2c) box")
}
