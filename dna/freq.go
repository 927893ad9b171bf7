package dna

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// FrequencyTable holds allele frequencies of one population, per locus.
// Frequencies below MinFrequency — rare or unseen alleles — are raised to
// it, as NRC II (1996, §4.2) recommends, so a rare allele never makes a
// match look rarer than the sample can support.
type FrequencyTable struct {
	Name string
	// SampleSize is the number of persons typed (N), 0 when unknown.
	SampleSize int
	// MinFrequency is the floor applied to every allele.
	MinFrequency float64
	loci         [numLoci]*locusFrequencies
}

type locusFrequencies struct {
	alleles []Allele // sorted by size
	freqs   []float64
}

// FrequencyOptions choose the minimum allele frequency: MinFrequency when
// set, else 5/2N with N = SampleSize, else 5/2N with N inferred from the
// table (when every frequency is a count over one 2N), else the smallest
// frequency of the table.
type FrequencyOptions struct {
	MinFrequency float64
	SampleSize   int
	Limits       Limits
}

// Loci lists the loci the table has frequencies for.
func (t *FrequencyTable) Loci() []Locus {
	var out []Locus
	for l := Locus(1); l < numLoci; l++ {
		if t.loci[l] != nil {
			out = append(out, l)
		}
	}
	return out
}

// Has reports whether the table covers l.
func (t *FrequencyTable) Has(l Locus) bool { return l.Valid() && t.loci[l] != nil }

// Alleles lists the alleles of l with a frequency in the table, by size.
func (t *FrequencyTable) Alleles(l Locus) []Allele {
	if !t.Has(l) {
		return nil
	}
	return append([]Allele(nil), t.loci[l].alleles...)
}

// Raw is the frequency as tabulated (0 when absent), before the floor.
func (t *FrequencyTable) Raw(l Locus, a Allele) float64 {
	if !t.Has(l) {
		return 0
	}
	lf := t.loci[l]
	i := sort.Search(len(lf.alleles), func(i int) bool { return lf.alleles[i].sortKey() >= a.sortKey() })
	if i < len(lf.alleles) && lf.alleles[i] == a {
		return lf.freqs[i]
	}
	return 0
}

// Frequency is the frequency used in statistics: the tabulated value raised
// to MinFrequency; for "<8" or ">30" the summed frequency of the tabulated
// alleles in that range (raised likewise); for OL the floor. Wildcards have
// no frequency (1): callers leave such loci out of statistics.
func (t *FrequencyTable) Frequency(l Locus, a Allele) float64 {
	switch {
	case a == Wildcard:
		return 1
	case a == OffLadder || !t.Has(l):
		return t.MinFrequency
	case a.Designated():
		return math.Max(t.Raw(l, a), t.MinFrequency)
	}
	lo, hi := a.span()
	sum := 0.0
	lf := t.loci[l]
	for i, b := range lf.alleles {
		if b.Designated() && b.tenths() >= lo && b.tenths() <= hi {
			sum += lf.freqs[i]
		}
	}
	return math.Max(math.Min(sum, 1), t.MinFrequency)
}

// ErrFrequencyFormat is wrapped by every error about a malformed table.
var ErrFrequencyFormat = errors.New("malformed allele frequency table")

// ReadFrequencies reads an allele frequency table in any of three layouts,
// told apart by the first line:
//
//   - wide CSV (NIST 1036): "Allele,CSF1PO,D10S1248,…", one row per allele,
//     empty cell = not observed;
//   - the same with semicolons (EuroForMix's NGM_Holland.csv);
//   - blocks (norSTR's EuropaDB): a marker name line, then "allele<TAB>frequency"
//     lines, blocks separated by blank lines.
//
// Locus names may use any usual spelling; an unknown locus, a bad allele, a
// frequency outside [0,1], a repeated allele or a locus whose frequencies
// do not sum to about one is an error.
func ReadFrequencies(r io.Reader, name string, opts FrequencyOptions) (*FrequencyTable, error) {
	lim := opts.Limits.orDefault()
	data, err := io.ReadAll(&limitedReader{r: r, n: lim.MaxBytes})
	if err != nil {
		return nil, fmt.Errorf("dna: frequency table %s: %w", name, err)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	firstLine, _, _ := bytes.Cut(data, []byte("\n"))
	t := &FrequencyTable{Name: name}
	switch {
	case bytes.ContainsRune(firstLine, ';'):
		err = t.readWide(data, ';', lim)
	case bytes.ContainsRune(firstLine, ','):
		err = t.readWide(data, ',', lim)
	default:
		err = t.readBlocks(data, lim)
	}
	if err != nil {
		return nil, fmt.Errorf("dna: frequency table %s: %w", name, err)
	}
	if len(t.Loci()) == 0 {
		return nil, fmt.Errorf("dna: frequency table %s: %w: no locus", name, ErrFrequencyFormat)
	}
	if err := t.finish(opts, true); err != nil {
		return nil, fmt.Errorf("dna: frequency table %s: %w", name, err)
	}
	return t, nil
}

func (t *FrequencyTable) readWide(data []byte, sep rune, lim Limits) error {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("%w: header: %v", ErrFrequencyFormat, err)
	}
	if len(header) < 2 {
		return fmt.Errorf("%w: header needs an allele column and at least one locus", ErrFrequencyFormat)
	}
	loci := make([]Locus, len(header))
	for i, h := range header[1:] {
		l, err := ParseLocus(h)
		if err != nil {
			return fmt.Errorf("%w: column %d: %v", ErrFrequencyFormat, i+2, err)
		}
		if t.loci[l] != nil {
			return fmt.Errorf("%w: locus %s given twice", ErrFrequencyFormat, l)
		}
		t.loci[l] = &locusFrequencies{}
		loci[i+1] = l
	}
	rows := 0
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %v", ErrFrequencyFormat, err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) > len(header) {
			return fmt.Errorf("%w: line %d has %d cells, the header %d", ErrFrequencyFormat, line, len(rec), len(header))
		}
		if rows++; rows > lim.MaxAlleles {
			return fmt.Errorf("%w: more than %d allele rows", ErrTooLarge, lim.MaxAlleles)
		}
		a, err := ParseAllele(rec[0])
		if err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		for i := 1; i < len(rec); i++ {
			if err := t.add(loci[i], a, rec[i], line); err != nil {
				return err
			}
		}
	}
}

func (t *FrequencyTable) readBlocks(data []byte, lim Limits) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<16)
	var cur Locus
	rows := 0
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		allele, freq, isRow := strings.Cut(text, "\t")
		if !isRow {
			fields := strings.Fields(text)
			// "12 0.1" with spaces is a row too; a marker name ("Penta E")
			// has no number in its second field.
			if len(fields) == 2 {
				if _, err := strconv.ParseFloat(fields[1], 64); err == nil {
					allele, freq, isRow = fields[0], fields[1], true
				}
			}
		}
		if !isRow {
			l, err := ParseLocus(text)
			if err != nil {
				return fmt.Errorf("%w: line %d: %v", ErrFrequencyFormat, line, err)
			}
			if t.loci[l] != nil {
				return fmt.Errorf("%w: line %d: locus %s given twice", ErrFrequencyFormat, line, l)
			}
			t.loci[l] = &locusFrequencies{}
			cur = l
			continue
		}
		if cur == 0 {
			return fmt.Errorf("%w: line %d: allele row before any marker name", ErrFrequencyFormat, line)
		}
		if rows++; rows > lim.MaxAlleles {
			return fmt.Errorf("%w: more than %d allele rows", ErrTooLarge, lim.MaxAlleles)
		}
		a, err := ParseAllele(allele)
		if err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		if err := t.add(cur, a, freq, line); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%w: %v", ErrFrequencyFormat, err)
	}
	return nil
}

func (t *FrequencyTable) add(l Locus, a Allele, cell string, line int) error {
	cell = strings.TrimSpace(cell)
	if cell == "" {
		return nil
	}
	f, err := strconv.ParseFloat(cell, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > 1 {
		return fmt.Errorf("%w: line %d, %s allele %s: frequency %q is not in [0,1]", ErrFrequencyFormat, line, l, a, clip(cell))
	}
	if !a.Designated() {
		return fmt.Errorf("%w: line %d, %s: allele %s has no repeat number", ErrFrequencyFormat, line, l, a)
	}
	if f == 0 {
		return nil
	}
	lf := t.loci[l]
	for _, b := range lf.alleles {
		if b == a {
			return fmt.Errorf("%w: line %d, %s: allele %s given twice", ErrFrequencyFormat, line, l, a)
		}
	}
	lf.alleles = append(lf.alleles, a)
	lf.freqs = append(lf.freqs, f)
	return nil
}

// finish sorts alleles, checks sums and sets the minimum frequency.
func (t *FrequencyTable) finish(opts FrequencyOptions, infer bool) error {
	smallest := 1.0
	for l := Locus(1); l < numLoci; l++ {
		lf := t.loci[l]
		if lf == nil {
			continue
		}
		if len(lf.alleles) == 0 {
			t.loci[l] = nil // a column with no observation: not covered
			continue
		}
		idx := make([]int, len(lf.alleles))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(i, j int) bool { return lf.alleles[idx[i]].sortKey() < lf.alleles[idx[j]].sortKey() })
		as, fs := make([]Allele, len(idx)), make([]float64, len(idx))
		sum := 0.0
		for i, k := range idx {
			as[i], fs[i] = lf.alleles[k], lf.freqs[k]
			sum += fs[i]
			smallest = math.Min(smallest, fs[i])
		}
		if math.Abs(sum-1) > 0.05 {
			return fmt.Errorf("%w: frequencies of %s sum to %.3f, not 1", ErrFrequencyFormat, l, sum)
		}
		lf.alleles, lf.freqs = as, fs
	}
	switch {
	case opts.MinFrequency > 0:
		if opts.MinFrequency >= 1 {
			return fmt.Errorf("minimum frequency %g must be below 1", opts.MinFrequency)
		}
		t.MinFrequency = opts.MinFrequency
		t.SampleSize = opts.SampleSize
	case opts.SampleSize > 0:
		t.SampleSize = opts.SampleSize
		t.MinFrequency = 5 / (2 * float64(opts.SampleSize))
	default:
		if n := t.inferSampleSize(smallest); infer && n > 0 {
			t.SampleSize = n
			t.MinFrequency = 5 / (2 * float64(n))
		} else {
			t.MinFrequency = smallest
		}
	}
	if t.MinFrequency >= 1 {
		return fmt.Errorf("minimum frequency 5/2N = %g leaves no room (N = %d)", t.MinFrequency, t.SampleSize)
	}
	return nil
}

// inferSampleSize recognises a table of counts over 2N chromosomes: the
// rarest allele seen once gives 2N, and every frequency must then be a whole
// count. NIST 1036 (N = 361) is such a table; EuropaDB, floored at 0.001,
// is not.
func (t *FrequencyTable) inferSampleSize(smallest float64) int {
	if smallest <= 0 || smallest >= 0.5 {
		return 0
	}
	twoN := math.Round(1 / smallest)
	if twoN < 2 || twoN > 2e7 || math.Mod(twoN, 2) != 0 {
		return 0
	}
	for l := Locus(1); l < numLoci; l++ {
		if t.loci[l] == nil {
			continue
		}
		for _, f := range t.loci[l].freqs {
			c := f * twoN
			if math.Abs(c-math.Round(c)) > 0.01 {
				return 0
			}
		}
	}
	return int(twoN / 2)
}

// Restrict drops every locus not in loci (as when simulating on CODIS 20).
func (t *FrequencyTable) Restrict(loci []Locus) *FrequencyTable {
	out := *t
	out.loci = [numLoci]*locusFrequencies{}
	for _, l := range loci {
		if t.Has(l) {
			out.loci[l] = t.loci[l]
		}
	}
	return &out
}

// NewFrequencyTable builds a table from frequencies per locus and allele
// (as for tests and simulations); minFrequency is the floor (0: the
// smallest frequency given).
func NewFrequencyTable(name string, freqs map[Locus]map[Allele]float64, minFrequency float64) (*FrequencyTable, error) {
	if len(freqs) == 0 {
		return nil, fmt.Errorf("dna: frequency table %s: no loci", name)
	}
	t := &FrequencyTable{Name: name}
	for _, l := range sortedLoci(freqs) {
		if !l.Valid() {
			return nil, fmt.Errorf("dna: frequency table %s: invalid locus %d", name, uint8(l))
		}
		t.loci[l] = &locusFrequencies{}
		for a, f := range freqs[l] {
			if !a.Valid() {
				return nil, fmt.Errorf("dna: frequency table %s: %s: %w", name, l, ErrBadAllele)
			}
			if err := t.add(l, a, strconv.FormatFloat(f, 'g', -1, 64), 0); err != nil {
				return nil, fmt.Errorf("dna: frequency table %s: %w", name, err)
			}
		}
	}
	if err := t.finish(FrequencyOptions{MinFrequency: minFrequency}, false); err != nil {
		return nil, fmt.Errorf("dna: frequency table %s: %w", name, err)
	}
	return t, nil
}
