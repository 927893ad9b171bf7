package pgm

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
)

const (
	// MaxDimension is the largest width or height Decode accepts.
	MaxDimension = 1 << 16
	// MaxPixels is the largest width×height Decode accepts (200 megapixels,
	// more than a 1000 ppi scan of a whole ten-print card).
	MaxPixels = 200_000_000
	// maxMaxval is the largest maxval Netpbm allows (16-bit samples).
	maxMaxval = 65535
)

var (
	errTruncatedHeader = errors.New("pgm: truncated header")
	errTruncatedPixels = errors.New("pgm: truncated pixel data")
)

// header is what the first lines of a Netpbm file say.
type header struct {
	magic         byte // '1' to '6', the digit after the 'P'
	width, height int
	maxval        int // 1 for bitmaps, which have no maxval field
}

// plain reports whether the raster is ASCII decimal (P1, P2, P3).
func (h header) plain() bool { return h.magic <= '3' }

// channels is the number of samples per pixel: 3 for pixmaps, else 1.
func (h header) channels() int {
	if h.magic == '3' || h.magic == '6' {
		return 3
	}
	return 1
}

// bitmap reports whether the image is a PBM (P1, P4).
func (h header) bitmap() bool { return h.magic == '1' || h.magic == '4' }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// eofAs turns the end of input, expected or not, into err; other read errors
// are returned with the package prefix.
func eofAs(err, as error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return as
	}
	return fmt.Errorf("pgm: %w", err)
}

// skipComment consumes the rest of a comment line after its '#'. The line
// end is consumed too: after the last header field it stands for the single
// whitespace byte that separates the header from the raster, as in libnetpbm.
func skipComment(br *bufio.Reader, truncated error) error {
	for {
		c, err := br.ReadByte()
		if err != nil {
			return eofAs(err, truncated)
		}
		if c == '\n' || c == '\r' {
			return nil
		}
	}
}

// skipSpace consumes whitespace and comments up to the next token.
func skipSpace(br *bufio.Reader, truncated error) error {
	for {
		c, err := br.ReadByte()
		if err != nil {
			return eofAs(err, truncated)
		}
		switch {
		case isSpace(c):
		case c == '#':
			if err := skipComment(br, truncated); err != nil {
				return err
			}
		default:
			return br.UnreadByte()
		}
	}
}

// readDigits reads an unsigned decimal number at the current position, which
// must be a digit. Values above max are rejected as soon as they exceed it,
// so long digit strings cannot overflow. The byte after the digits is left
// unread.
func readDigits(br *bufio.Reader, max int, what string, truncated error) (int, error) {
	v, n := 0, 0
	for {
		c, err := br.ReadByte()
		if err == io.EOF && n > 0 {
			return v, nil // the last sample of a plain raster may end the file
		}
		if err != nil {
			return 0, eofAs(err, truncated)
		}
		if !isDigit(c) {
			if n == 0 {
				return 0, fmt.Errorf("pgm: %s: unexpected byte %q where a number should be", what, c)
			}
			return v, br.UnreadByte()
		}
		v = v*10 + int(c-'0')
		n++
		if v > max {
			return 0, fmt.Errorf("pgm: %s above %d", what, max)
		}
	}
}

// readHeaderField reads one header number (width, height or maxval) and the
// whitespace byte or comment that must end it.
func readHeaderField(br *bufio.Reader, min, max int, what string) (int, error) {
	if err := skipSpace(br, errTruncatedHeader); err != nil {
		return 0, err
	}
	v, err := readDigits(br, max, what, errTruncatedHeader)
	if err != nil {
		return 0, err
	}
	if v < min {
		return 0, fmt.Errorf("pgm: %s %d below %d", what, v, min)
	}
	c, err := br.ReadByte()
	if err != nil {
		return 0, eofAs(err, errTruncatedHeader)
	}
	switch {
	case isSpace(c):
		return v, nil
	case c == '#':
		return v, skipComment(br, errTruncatedHeader)
	}
	return 0, fmt.Errorf("pgm: %s followed by %q instead of whitespace", what, c)
}

func readHeader(br *bufio.Reader) (header, error) {
	var magic [2]byte
	if _, err := io.ReadFull(br, magic[:]); err != nil {
		return header{}, eofAs(err, errTruncatedHeader)
	}
	if magic[0] != 'P' || magic[1] < '1' || magic[1] > '6' {
		return header{}, errors.New("pgm: not a Netpbm image (magic number is not P1 to P6)")
	}
	h := header{magic: magic[1], maxval: 1}
	var err error
	if h.width, err = readHeaderField(br, 1, MaxDimension, "width"); err != nil {
		return header{}, err
	}
	if h.height, err = readHeaderField(br, 1, MaxDimension, "height"); err != nil {
		return header{}, err
	}
	// Both are at most 1<<16; the product can reach 1<<32, so it is formed
	// in int64 to stay exact on 32-bit platforms.
	if int64(h.width)*int64(h.height) > MaxPixels {
		return header{}, fmt.Errorf("pgm: %d×%d image exceeds the limit of %d pixels", h.width, h.height, MaxPixels)
	}
	if !h.bitmap() {
		if h.maxval, err = readHeaderField(br, 1, maxMaxval, "maxval"); err != nil {
			return header{}, err
		}
	}
	return h, nil
}

// DecodeConfig reads the header of a Netpbm image. The colour model is
// always [color.GrayModel], because [Decode] always returns an *image.Gray.
func DecodeConfig(r io.Reader) (image.Config, error) {
	h, err := readHeader(bufio.NewReader(r))
	if err != nil {
		return image.Config{}, err
	}
	return image.Config{ColorModel: color.GrayModel, Width: h.width, Height: h.height}, nil
}

// Decode reads a Netpbm image (P1 to P6) and returns it as an *image.Gray;
// see the package documentation for how samples are converted.
func Decode(r io.Reader) (image.Image, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	h, err := readHeader(br)
	if err != nil {
		return nil, err
	}
	d := decoder{br: br, h: h, out: pixels{total: h.width * h.height}}
	d.makeTables()
	if h.plain() {
		err = d.readPlain()
	} else {
		err = d.readRaw()
	}
	if err != nil {
		return nil, err
	}
	return &image.Gray{Pix: d.out.pix, Stride: h.width, Rect: image.Rect(0, 0, h.width, h.height)}, nil
}

// pixels is the output buffer. It grows as rows are decoded instead of being
// allocated from the header's size up front, so that a header claiming a
// huge image costs memory only in proportion to the data that follows it.
type pixels struct {
	pix   []byte
	total int // width×height, the final length
}

// extend appends n bytes and returns them for the caller to fill.
func (p *pixels) extend(n int) []byte {
	need := len(p.pix) + n
	if need > cap(p.pix) {
		// Start at 1 MiB, which holds most fingerprints in one allocation
		// and is harmless whatever the header says, then double.
		c := max(2*cap(p.pix), need, 1<<20)
		c = min(c, p.total)
		grown := make([]byte, len(p.pix), c)
		copy(grown, p.pix)
		p.pix = grown
	}
	p.pix = p.pix[:need]
	return p.pix[need-n:]
}

type decoder struct {
	br  *bufio.Reader
	h   header
	out pixels
	// grey maps a greymap sample to 8 bits (nil when maxval is 255, where
	// the sample is the value).
	grey []uint8
	// wide maps a pixmap sample to 16 bits before the luma conversion.
	wide []uint16
}

func (d *decoder) makeTables() {
	m := uint32(d.h.maxval)
	switch {
	case d.h.bitmap():
	case d.h.channels() == 3:
		d.wide = make([]uint16, m+1)
		for v := range d.wide {
			d.wide[v] = uint16((uint32(v)*0xffff + m/2) / m)
		}
	case m != 255:
		d.grey = make([]uint8, m+1)
		for v := range d.grey {
			d.grey[v] = uint8((uint32(v)*255 + m/2) / m)
		}
	}
}

// luma is color.GrayModel's conversion of 16-bit channels.
func luma(r, g, b uint16) uint8 {
	return uint8((19595*uint32(r) + 38470*uint32(g) + 7471*uint32(b) + 1<<15) >> 24)
}

func (d *decoder) sampleError(v int) error {
	return fmt.Errorf("pgm: sample %d exceeds maxval %d", v, d.h.maxval)
}

// readRaw decodes the binary rasters (P4, P5, P6) row by row.
func (d *decoder) readRaw() error {
	w, ch := d.h.width, d.h.channels()
	bytesPerSample := 1
	if d.h.maxval > 255 {
		bytesPerSample = 2
	}
	rowBytes := w * ch * bytesPerSample
	if d.h.bitmap() {
		rowBytes = (w + 7) / 8
	}
	row := make([]byte, rowBytes)
	for range d.h.height {
		if _, err := io.ReadFull(d.br, row); err != nil {
			return eofAs(err, errTruncatedPixels)
		}
		dst := d.out.extend(w)
		if ch == 1 && bytesPerSample == 1 && d.grey == nil && !d.h.bitmap() {
			copy(dst, row) // maxval 255: every byte is a valid sample
			continue
		}
		if d.h.bitmap() {
			for x := range dst {
				dst[x] = 255
				if row[x>>3]&(0x80>>(x&7)) != 0 {
					dst[x] = 0
				}
			}
			continue
		}
		// sample returns sample i of the row.
		sample := func(i int) int {
			if bytesPerSample == 2 {
				return int(row[2*i])<<8 | int(row[2*i+1])
			}
			return int(row[i])
		}
		for x := range dst {
			if ch == 1 {
				v := sample(x)
				switch {
				case d.grey == nil && v <= d.h.maxval:
					dst[x] = uint8(v)
				case v <= d.h.maxval:
					dst[x] = d.grey[v]
				default:
					return d.sampleError(v)
				}
				continue
			}
			r, g, b := sample(3*x), sample(3*x+1), sample(3*x+2)
			if v := max(r, g, b); v > d.h.maxval {
				return d.sampleError(v)
			}
			dst[x] = luma(d.wide[r], d.wide[g], d.wide[b])
		}
	}
	return nil
}

// readPlain decodes the ASCII rasters (P1, P2, P3).
func (d *decoder) readPlain() error {
	w, ch := d.h.width, d.h.channels()
	var rgb [3]int
	for range d.h.height {
		dst := d.out.extend(w)
		for x := range dst {
			if d.h.bitmap() {
				// PBM digits need no separator: "0110" is four pixels.
				if err := skipSpace(d.br, errTruncatedPixels); err != nil {
					return err
				}
				c, err := d.br.ReadByte()
				if err != nil {
					return eofAs(err, errTruncatedPixels)
				}
				switch c {
				case '0':
					dst[x] = 255
				case '1':
					dst[x] = 0
				default:
					return fmt.Errorf("pgm: unexpected byte %q in bitmap", c)
				}
				continue
			}
			for i := range ch {
				if err := skipSpace(d.br, errTruncatedPixels); err != nil {
					return err
				}
				// maxMaxval+1 lets a sample above maxval be reported as such.
				v, err := readDigits(d.br, maxMaxval+1, "sample", errTruncatedPixels)
				if err != nil {
					return err
				}
				if v > d.h.maxval {
					return d.sampleError(v)
				}
				rgb[i] = v
			}
			switch {
			case ch == 3:
				dst[x] = luma(d.wide[rgb[0]], d.wide[rgb[1]], d.wide[rgb[2]])
			case d.grey != nil:
				dst[x] = d.grey[rgb[0]]
			default:
				dst[x] = uint8(rgb[0])
			}
		}
	}
	return nil
}

// Encode writes img as a binary 8-bit greymap (P5, maxval 255). Images other
// than *image.Gray are converted with [color.GrayModel]. The pixel at
// img.Bounds().Min becomes the first pixel of the file.
func Encode(w io.Writer, img image.Image) error {
	if img == nil {
		return errors.New("pgm: cannot encode a nil image")
	}
	b := img.Bounds()
	if b.Empty() {
		return errors.New("pgm: cannot encode an empty image")
	}
	bw := bufio.NewWriter(w)
	if _, err := fmt.Fprintf(bw, "P5\n%d %d\n255\n", b.Dx(), b.Dy()); err != nil {
		return fmt.Errorf("pgm: %w", err)
	}
	row := make([]byte, b.Dx())
	gray, isGray := img.(*image.Gray)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		if isGray {
			i := gray.PixOffset(b.Min.X, y)
			copy(row, gray.Pix[i:i+len(row)])
		} else {
			for x := range row {
				row[x] = color.GrayModel.Convert(img.At(b.Min.X+x, y)).(color.Gray).Y
			}
		}
		if _, err := bw.Write(row); err != nil {
			return fmt.Errorf("pgm: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("pgm: %w", err)
	}
	return nil
}

func init() {
	image.RegisterFormat("pbm", "P1", Decode, DecodeConfig)
	image.RegisterFormat("pgm", "P2", Decode, DecodeConfig)
	image.RegisterFormat("ppm", "P3", Decode, DecodeConfig)
	image.RegisterFormat("pbm", "P4", Decode, DecodeConfig)
	image.RegisterFormat("pgm", "P5", Decode, DecodeConfig)
	image.RegisterFormat("ppm", "P6", Decode, DecodeConfig)
}
