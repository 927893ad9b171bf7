package afis

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/openbms/bms/minutiae"
)

// A gallery file holds enrolled records so that a gallery can be rebuilt
// without extracting again: the magic line "BMS-GALLERY 1\n", then per
// record the ID and the record as an ISO/IEC 19794-2:2011 template (which
// keeps every view with its position and impression), each preceded by its
// length as a uvarint. Prepared data is not stored: it depends on the
// matcher version and takes about 50 µs a finger to rebuild.
const galleryMagic = "BMS-GALLERY 1\n"

// Bounds on what a gallery file may make the reader allocate.
const (
	maxRecordID    = 1024
	maxRecordBytes = minutiae.MaxTemplateSize
)

// ErrGalleryFile marks a malformed gallery file.
var ErrGalleryFile = errors.New("afis: malformed gallery file")

// RecordWriter writes a gallery file.
type RecordWriter struct {
	w   *bufio.Writer
	err error
}

// NewRecordWriter starts a gallery file on w.
func NewRecordWriter(w io.Writer) *RecordWriter {
	rw := &RecordWriter{w: bufio.NewWriter(w)}
	_, rw.err = rw.w.WriteString(galleryMagic)
	return rw
}

// Write appends one record.
func (rw *RecordWriter) Write(id string, rec *minutiae.Record) error {
	if rw.err != nil {
		return rw.err
	}
	if id == "" || len(id) > maxRecordID {
		return fmt.Errorf("afis: record ID of %d bytes (1–%d)", len(id), maxRecordID)
	}
	data, err := minutiae.Encode(rec, minutiae.FormatISO2011)
	if err != nil {
		return fmt.Errorf("afis: record %q: %w", id, err)
	}
	var n [binary.MaxVarintLen64]byte
	for _, part := range [][]byte{[]byte(id), data} {
		if _, err := rw.w.Write(n[:binary.PutUvarint(n[:], uint64(len(part)))]); err != nil {
			rw.err = err
			return err
		}
		if _, err := rw.w.Write(part); err != nil {
			rw.err = err
			return err
		}
	}
	return nil
}

// Close flushes the file (it does not close the underlying writer).
func (rw *RecordWriter) Close() error {
	if rw.err != nil {
		return rw.err
	}
	return rw.w.Flush()
}

// ReadRecords reads a gallery file and calls fn for each record in order;
// an error from fn stops the reading and is returned.
func ReadRecords(r io.Reader, fn func(id string, rec *minutiae.Record) error) error {
	br := bufio.NewReader(r)
	magic := make([]byte, len(galleryMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != galleryMagic {
		return fmt.Errorf("%w: not a bms gallery file", ErrGalleryFile)
	}
	for n := 0; ; n++ {
		idLen, err := binary.ReadUvarint(br)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: record %d: %v", ErrGalleryFile, n, err)
		}
		if idLen == 0 || idLen > maxRecordID {
			return fmt.Errorf("%w: record %d: ID length %d", ErrGalleryFile, n, idLen)
		}
		id := make([]byte, idLen)
		if _, err := io.ReadFull(br, id); err != nil {
			return fmt.Errorf("%w: record %d: %v", ErrGalleryFile, n, err)
		}
		size, err := binary.ReadUvarint(br)
		if err != nil {
			return fmt.Errorf("%w: record %q: %v", ErrGalleryFile, id, err)
		}
		if size == 0 || size > maxRecordBytes {
			return fmt.Errorf("%w: record %q: template length %d", ErrGalleryFile, id, size)
		}
		// Read in steps so that a lying length costs no more memory than
		// the bytes actually present.
		data, err := readN(br, int(size))
		if err != nil {
			return fmt.Errorf("%w: record %q: %v", ErrGalleryFile, id, err)
		}
		rec, err := minutiae.DecodeAs(data, minutiae.FormatISO2011)
		if err != nil {
			return fmt.Errorf("%w: record %q: %v", ErrGalleryFile, id, err)
		}
		if err := fn(string(id), rec); err != nil {
			return err
		}
	}
}

func readN(r io.Reader, n int) ([]byte, error) {
	const step = 64 << 10
	buf := make([]byte, 0, min(n, step))
	for len(buf) < n {
		k := min(n-len(buf), step)
		buf = append(buf, make([]byte, k)...)
		if _, err := io.ReadFull(r, buf[len(buf)-k:]); err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// Load adds every record of a gallery file to g.
func (g *Gallery) Load(r io.Reader) error {
	return ReadRecords(r, func(id string, rec *minutiae.Record) error { return g.Add(id, rec) })
}
