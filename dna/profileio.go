package dna

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Limits bound what a reader accepts, so hostile input cannot make it
// allocate without end: input larger than MaxBytes or holding more than
// MaxProfiles profiles (or MaxAlleles frequency rows) is refused.
type Limits struct {
	MaxBytes    int64
	MaxProfiles int
	MaxAlleles  int
}

// DefaultLimits fit a national database of a few million profiles.
var DefaultLimits = Limits{MaxBytes: 2 << 30, MaxProfiles: 10_000_000, MaxAlleles: 100_000}

// ErrTooLarge is wrapped when input exceeds Limits.
var ErrTooLarge = errors.New("input exceeds the reader's limits")

// limitedReader fails with ErrTooLarge past n bytes instead of quietly
// truncating, which would turn an oversized file into a wrong one.
type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		var one [1]byte
		if k, _ := l.r.Read(one[:]); k > 0 {
			return 0, fmt.Errorf("dna: %w (more than the byte limit)", ErrTooLarge)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	k, err := l.r.Read(p)
	l.n -= int64(k)
	return k, err
}

func (lim Limits) orDefault() Limits {
	if lim.MaxBytes <= 0 {
		lim.MaxBytes = DefaultLimits.MaxBytes
	}
	if lim.MaxProfiles <= 0 {
		lim.MaxProfiles = DefaultLimits.MaxProfiles
	}
	if lim.MaxAlleles <= 0 {
		lim.MaxAlleles = DefaultLimits.MaxAlleles
	}
	return lim
}

// ReadProfiles reads JSON (an object or an array of objects) or CSV,
// telling them apart by the first non-blank byte.
func ReadProfiles(r io.Reader, lim Limits) ([]*Profile, error) {
	br := bufio.NewReader(r)
	first, err := firstNonBlank(br)
	if err != nil {
		return nil, fmt.Errorf("dna: no profiles: %w", err)
	}
	if first == '{' || first == '[' {
		return ReadProfilesJSON(br, lim)
	}
	return ReadProfilesCSV(br, lim)
}

// ReadProfilesJSON reads one profile object or an array of them (see
// Profile.MarshalJSON), streaming the array so memory follows the profiles
// kept, not the text.
func ReadProfilesJSON(r io.Reader, lim Limits) ([]*Profile, error) {
	lim = lim.orDefault()
	br := bufio.NewReader(&limitedReader{r: r, n: lim.MaxBytes})
	first, err := firstNonBlank(br)
	if err != nil {
		return nil, fmt.Errorf("dna: profiles JSON: %w", err)
	}
	dec := json.NewDecoder(br)
	if first == '{' {
		p := new(Profile)
		if err := dec.Decode(p); err != nil {
			return nil, fmt.Errorf("dna: profile JSON: %w", err)
		}
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("dna: profile JSON: data after the object")
		}
		return []*Profile{p}, nil
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return nil, fmt.Errorf("dna: profiles JSON: want an object or an array of objects")
	}
	var out []*Profile
	for dec.More() {
		if len(out) >= lim.MaxProfiles {
			return nil, fmt.Errorf("dna: %w: more than %d profiles", ErrTooLarge, lim.MaxProfiles)
		}
		p := new(Profile)
		if err := dec.Decode(p); err != nil {
			return nil, fmt.Errorf("dna: profile %d: %w", len(out)+1, err)
		}
		out = append(out, p)
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("dna: profiles JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("dna: profiles JSON: data after the array")
	}
	return out, nil
}

// firstNonBlank peeks at the first byte that is not white space.
func firstNonBlank(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.Peek(1)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return 0, fmt.Errorf("empty input")
			}
			return 0, err
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			_, _ = br.ReadByte()
			continue
		}
		return b[0], nil
	}
}

// WriteProfilesJSON writes an indented JSON array.
func WriteProfilesJSON(w io.Writer, ps []*Profile) error {
	if ps == nil {
		ps = []*Profile{} // "[]", not "null"
	}
	b, err := json.MarshalIndent(ps, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// CSV columns other than loci. Names are case-insensitive.
const (
	colID           = "id"
	colRole         = "role"
	colAlert        = "alert"
	colRelationship = "relationship"
	colConsent      = "consent"
)

// ReadProfilesCSV reads one profile per row: a header with "id" and any of
// "role", "alert", "relationship", "consent", "amelogenin", then one column
// per locus (any usual spelling) holding genotypes like "15,16.3" (quoted,
// since they contain the delimiter; "15/16.3" needs no quotes). Empty cells
// are untyped loci. Rows without a role are unidentified profiles.
func ReadProfilesCSV(r io.Reader, lim Limits) ([]*Profile, error) {
	lim = lim.orDefault()
	cr := csv.NewReader(&limitedReader{r: r, n: lim.MaxBytes})
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("dna: profiles CSV header: %w", err)
	}
	type column struct {
		name  string
		locus Locus
	}
	cols := make([]column, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if i == 0 {
			name = strings.TrimPrefix(name, "\ufeff")
		}
		switch {
		case name == colID || name == colRole || name == colAlert || name == colRelationship || name == colConsent:
			cols[i].name = name
		case isAmelogenin(name):
			cols[i].name = "amelogenin"
		default:
			l, err := ParseLocus(h)
			if err != nil {
				return nil, fmt.Errorf("dna: profiles CSV column %d: %w", i+1, err)
			}
			cols[i].locus = l
			cols[i].name = l.String()
		}
		if seen[cols[i].name] {
			return nil, fmt.Errorf("dna: profiles CSV: column %q given twice", clip(cols[i].name))
		}
		seen[cols[i].name] = true
	}
	if !seen[colID] {
		return nil, fmt.Errorf("dna: profiles CSV: no %q column", colID)
	}
	var out []*Profile
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("dna: profiles CSV: %w", err)
		}
		if len(out) >= lim.MaxProfiles {
			return nil, fmt.Errorf("dna: %w: more than %d profiles", ErrTooLarge, lim.MaxProfiles)
		}
		p := &Profile{Subject: Subject{Role: Unidentified}}
		for i, v := range rec {
			v = strings.TrimSpace(v)
			c := cols[i]
			var err error
			switch {
			case c.locus != 0:
				var g Genotype
				if g, err = ParseGenotype(v); err == nil {
					err = p.Set(c.locus, g)
				} else {
					err = fmt.Errorf("locus %s: %w", c.locus, err)
				}
			case c.name == colID:
				p.ID = v
			case c.name == colRole && v != "":
				p.Subject.Role, err = ParseRole(v)
			case c.name == colAlert:
				p.Subject.Alert = v
			case c.name == colRelationship && v != "":
				p.Subject.Relationship, err = ParseRelationship(v)
			case c.name == colConsent && v != "":
				p.Subject.Consent, err = parseConsent(v)
			case c.name == "amelogenin":
				err = p.setAmelogenin(v)
			}
			if err != nil {
				return nil, fmt.Errorf("dna: profiles CSV row %d (%s): %w", row, clip(p.ID), err)
			}
		}
		out = append(out, p)
	}
	return out, nil
}

func parseConsent(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "yes", "y", "true", "1":
		return true, nil
	case "no", "n", "false", "0":
		return false, nil
	}
	return false, fmt.Errorf("consent %q: want yes or no", clip(v))
}

// WriteProfilesCSV writes the profiles one per row with one column per
// locus typed in any of them, in catalogue order.
func WriteProfilesCSV(w io.Writer, ps []*Profile) error {
	var used [numLoci]bool
	for _, p := range ps {
		for _, l := range p.Loci() {
			used[l] = true
		}
	}
	header := []string{colID, colRole, colAlert, colRelationship, colConsent, "amelogenin"}
	var loci []Locus
	for l := Locus(1); l < numLoci; l++ {
		if used[l] {
			loci = append(loci, l)
			header = append(header, l.String())
		}
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(header))
	for _, p := range ps {
		rec[0] = p.ID
		rec[1] = p.Subject.Role.String()
		if p.Subject.Role == 0 {
			rec[1] = ""
		}
		rec[2] = p.Subject.Alert
		rec[3] = ""
		if p.Subject.Relationship != 0 {
			rec[3] = p.Subject.Relationship.String()
		}
		rec[4] = ""
		if p.Subject.Role == RelativeOf {
			rec[4] = strconv.FormatBool(p.Subject.Consent)
		}
		rec[5] = p.Amelogenin
		for i, l := range loci {
			rec[6+i] = p.loci[l].String()
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
		if buf.Len() > 1<<16 {
			cw.Flush()
			if _, err := w.Write(buf.Bytes()); err != nil {
				return err
			}
			buf.Reset()
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}
