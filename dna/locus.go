package dna

import (
	"fmt"
	"strings"
)

// Locus is an autosomal STR locus of the catalogue. The zero Locus is no
// locus; amelogenin is deliberately not a Locus (it is a sex marker, never
// counted or compared as an STR).
type Locus uint8

// The catalogue: every locus of the European Standard Set, CODIS 20, the
// Prüm/Interpol set and the markers of the bundled-format frequency tables.
const (
	_ Locus = iota
	CSF1PO
	D1S1656
	D2S441
	D2S1338
	D2S1360
	D3S1358
	D3S1744
	D4S2366
	D5S818
	D5S2500
	D5S2800
	D6S474
	D6S1043
	D7S820
	D7S1517
	D7S3048
	D8S1132
	D8S1179
	D9S1122
	D10S1248
	D10S1435
	D10S2325
	D11S2368
	D12S391
	D13S317
	D13S325
	D14S1434
	D15S659
	D16S539
	D17S1301
	D18S51
	D18S1364
	D19S253
	D19S433
	D20S482
	D21S11
	D21S2055
	D22S1045
	D22GATA198B05
	FGA
	PentaD
	PentaE
	SE33
	TH01
	TPOX
	VWA
	FES
	F13A1
	F13B
	CD4
	GABA
	numLoci // one past the last locus
)

// NumLoci is the number of loci in the catalogue; valid loci are 1..NumLoci.
const NumLoci = int(numLoci) - 1

var locusNames = [numLoci]string{
	CSF1PO: "CSF1PO", D1S1656: "D1S1656", D2S441: "D2S441", D2S1338: "D2S1338",
	D2S1360: "D2S1360", D3S1358: "D3S1358", D3S1744: "D3S1744", D4S2366: "D4S2366",
	D5S818: "D5S818", D5S2500: "D5S2500", D5S2800: "D5S2800", D6S474: "D6S474",
	D6S1043: "D6S1043", D7S820: "D7S820", D7S1517: "D7S1517", D7S3048: "D7S3048",
	D8S1132: "D8S1132", D8S1179: "D8S1179", D9S1122: "D9S1122", D10S1248: "D10S1248",
	D10S1435: "D10S1435", D10S2325: "D10S2325", D11S2368: "D11S2368", D12S391: "D12S391",
	D13S317: "D13S317", D13S325: "D13S325", D14S1434: "D14S1434", D15S659: "D15S659",
	D16S539: "D16S539", D17S1301: "D17S1301", D18S51: "D18S51", D18S1364: "D18S1364",
	D19S253: "D19S253", D19S433: "D19S433", D20S482: "D20S482", D21S11: "D21S11",
	D21S2055: "D21S2055", D22S1045: "D22S1045", D22GATA198B05: "D22GATA198B05",
	FGA: "FGA", PentaD: "Penta D", PentaE: "Penta E", SE33: "SE33", TH01: "TH01",
	TPOX: "TPOX", VWA: "vWA", FES: "FES", F13A1: "F13A1", F13B: "F13B", CD4: "CD4", GABA: "GABA",
}

// Standard locus sets.
var (
	// ESS is the European Standard Set of 12 loci (Council Resolution 2009/C 296/01).
	ESS = []Locus{D3S1358, VWA, D8S1179, D21S11, D18S51, TH01, FGA, D1S1656, D2S441, D10S1248, D12S391, D22S1045}
	// CODIS20 is the FBI's expanded CODIS core set (2017).
	CODIS20 = []Locus{CSF1PO, FGA, TH01, TPOX, VWA, D3S1358, D5S818, D7S820, D8S1179, D13S317,
		D16S539, D18S51, D21S11, D1S1656, D2S441, D2S1338, D10S1248, D12S391, D19S433, D22S1045}
)

// LocusSet returns a named set: "ess" (12 loci), "codis20" (also "codis"),
// or "all" (the whole catalogue).
func LocusSet(name string) ([]Locus, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "ess", "ess12":
		return append([]Locus(nil), ESS...), nil
	case "codis", "codis20":
		return append([]Locus(nil), CODIS20...), nil
	case "all":
		out := make([]Locus, 0, NumLoci)
		for l := Locus(1); l < numLoci; l++ {
			out = append(out, l)
		}
		return out, nil
	}
	return nil, fmt.Errorf("dna: unknown locus set %q (want ess, codis20 or all)", name)
}

// String is the locus's standard name ("D8S1179", "vWA", "Penta D").
func (l Locus) String() string {
	if l == 0 || l >= numLoci {
		return fmt.Sprintf("Locus(%d)", uint8(l))
	}
	return locusNames[l]
}

// Valid reports whether l is a locus of the catalogue.
func (l Locus) Valid() bool { return l > 0 && l < numLoci }

// MarshalText writes the standard name, so loci are map keys in JSON.
func (l Locus) MarshalText() ([]byte, error) {
	if !l.Valid() {
		return nil, fmt.Errorf("dna: invalid locus %d", uint8(l))
	}
	return []byte(l.String()), nil
}

// UnmarshalText accepts any spelling ParseLocus accepts.
func (l *Locus) UnmarshalText(b []byte) error {
	v, err := ParseLocus(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// locusAliases maps normalised spellings (upper case, no spaces, dashes,
// underscores or dots) to loci. Besides the standard names it holds the
// spellings kits, software and older databases use: the letter O for the
// digit 0, ACTBP2 for SE33, and the short chromosome names ("D8") that
// SGM Plus-era software wrote for the loci it carried — those are the only
// ones a short name can mean, so they are unambiguous in practice.
var locusAliases = func() map[string]Locus {
	m := make(map[string]Locus, 2*NumLoci)
	for l := Locus(1); l < numLoci; l++ {
		m[normaliseLocusName(locusNames[l])] = l
	}
	for alias, l := range map[string]Locus{
		"THO1": TH01, "TH1": TH01, "HUMTH01": TH01,
		"CSF1P0": CSF1PO, "CSF": CSF1PO, "HUMCSF1PO": CSF1PO,
		"TPOX": TPOX, "HUMTPOX": TPOX,
		"VWA31": VWA, "VWA31A": VWA, "HUMVWA": VWA, "HUMVWA31A": VWA,
		"FIBRA": FGA, "HUMFIBRA": FGA,
		"PENTAD": PentaD, "PD": PentaD, "PENTAE": PentaE, "PE": PentaE,
		"ACTBP2": SE33, "HUMACTBP2": SE33,
		"FESFPS": FES, "HUMFESFPS": FES, "F13A01": F13A1, "HUMF13A01": F13A1,
		"HUMF13B": F13B, "HUMCD4": CD4, "GABRB3": GABA,
		"D22GATA198": D22GATA198B05,
		"D2":         D2S1338, "D3": D3S1358, "D5": D5S818, "D7": D7S820, "D8": D8S1179,
		"D13": D13S317, "D16": D16S539, "D18": D18S51, "D19": D19S433, "D21": D21S11,
	} {
		m[alias] = l
	}
	return m
}()

func normaliseLocusName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '_' || r == '.' || r == '\t':
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isAmelogenin reports whether a column or key names the sex marker.
func isAmelogenin(name string) bool {
	switch normaliseLocusName(name) {
	case "AMEL", "AMELOGENIN", "AM", "AMG", "SEX":
		return true
	}
	return false
}

// ParseLocus resolves a locus name in any usual spelling: case, spaces and
// dashes do not matter ("Penta D", "PENTA_D", "pentad"), and the aliases of
// locusAliases are accepted. Amelogenin is refused: it is not an STR locus.
func ParseLocus(name string) (Locus, error) {
	if isAmelogenin(name) {
		return 0, fmt.Errorf("dna: amelogenin is a sex marker, not an STR locus")
	}
	if l, ok := locusAliases[normaliseLocusName(name)]; ok {
		return l, nil
	}
	return 0, fmt.Errorf("dna: unknown locus %q", clip(name))
}

// clip shortens untrusted text quoted in an error message.
func clip(s string) string {
	const max = 40
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
