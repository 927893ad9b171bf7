package dna

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseLocusAliases(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Locus
	}{
		{"D8S1179", D8S1179}, {"d8s1179", D8S1179}, {"D8", D8S1179},
		{"vWA", VWA}, {"VWA", VWA}, {"vwa", VWA},
		{"TH01", TH01}, {"THO1", TH01}, {"TH 01", TH01},
		{"CSF1PO", CSF1PO}, {"CSF1P0", CSF1PO},
		{"Penta D", PentaD}, {"PentaD", PentaD}, {"PENTA_D", PentaD}, {"penta-e", PentaE},
		{"SE33", SE33}, {"ACTBP2", SE33}, {"D6S1043", D6S1043},
		{"FESFPS", FES}, {"F13A01", F13A1}, {"D22GATA198B05", D22GATA198B05},
	} {
		got, err := ParseLocus(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
	_, err := ParseLocus("D99S999")
	assert.ErrorContains(t, err, `unknown locus "D99S999"`)
	_, err = ParseLocus("AMEL")
	assert.ErrorContains(t, err, "amelogenin is a sex marker")
	assert.Equal(t, "Penta D", PentaD.String())
	assert.Len(t, ESS, 12)
	assert.Len(t, CODIS20, 20)
	all, err := LocusSet("all")
	require.NoError(t, err)
	assert.Len(t, all, NumLoci)
	_, err = LocusSet("nope")
	assert.Error(t, err)
}

func TestParseAllele(t *testing.T) {
	for _, tc := range []struct {
		in, out    string
		designated bool
		repeats    float64
	}{
		{"15", "15", true, 15},
		{" 9.3 ", "9.3", true, 9.3},
		{"16.3", "16.3", true, 16.3},
		{"13.4", "13.4", true, 13.4},
		{"<8", "<8", false, 8},
		{">30", ">30", false, 30},
		{"> 30.2", ">30.2", false, 30.2},
		{"OL", "OL", false, 0},
		{"ol", "OL", false, 0},
		{"*", "*", false, 0},
	} {
		a, err := ParseAllele(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.out, a.String(), tc.in)
		assert.Equal(t, tc.designated, a.Designated(), tc.in)
		assert.InDelta(t, tc.repeats, a.Repeats(), 1e-9, tc.in)
	}
	for _, bad := range []string{"", "x", "9.33", "-1", "0", "1e3", "15.", ".5", "1000", "<", "9,3", "15 16"} {
		_, err := ParseAllele(bad)
		assert.ErrorIs(t, err, ErrBadAllele, "%q", bad)
	}
}

func TestAlleleCompatibility(t *testing.T) {
	a := func(s string) Allele {
		v, err := ParseAllele(s)
		require.NoError(t, err)
		return v
	}
	for _, tc := range []struct {
		x, y string
		want int
	}{
		{"15", "15", alleleSame},
		{"15", "16", alleleDiffer},
		{"9.3", "10", alleleDiffer},
		{"15", "*", alleleCompatible},
		{"OL", "22", alleleCompatible},
		{"<8", "7", alleleCompatible},
		{"<8", "6.3", alleleCompatible},
		{"<8", "8", alleleDiffer},
		{"<8", "9", alleleDiffer},
		{">30", "31", alleleCompatible},
		{">30", "30", alleleDiffer},
		{"<8", ">30", alleleDiffer},
		{"<8", "<8", alleleCompatible},
	} {
		assert.Equal(t, tc.want, compareAlleles(a(tc.x), a(tc.y)), "%s vs %s", tc.x, tc.y)
		assert.Equal(t, tc.want, compareAlleles(a(tc.y), a(tc.x)), "%s vs %s", tc.y, tc.x)
	}
}

func TestParseGenotype(t *testing.T) {
	for _, tc := range []struct{ in, out string }{
		{"15,16.3", "15,16.3"}, {"16.3,15", "15,16.3"}, {"15/16", "15,16"}, {"15 16", "15,16"},
		{"15", "15,15"}, {"15,15", "15,15"}, {"*,12", "12,*"}, {"<8,9", "<8,9"}, {"", ""},
	} {
		g, err := ParseGenotype(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.out, g.String(), tc.in)
	}
	_, err := ParseGenotype("15,16,17")
	assert.ErrorIs(t, err, ErrMixture)
	assert.ErrorContains(t, err, "mixtures are not accepted")
	_, err = ParseGenotype("15,x")
	assert.ErrorIs(t, err, ErrBadAllele)
}

func sampleProfiles() []*Profile {
	a := &Profile{ID: "U-1", Subject: Subject{Role: Unidentified}, Amelogenin: "XY"}
	_ = a.SetString("D3S1358", "15,16")
	_ = a.SetString("vWA", "17")
	_ = a.SetString("TH01", "9.3,6")
	_ = a.SetString("Penta D", "<8,12")
	b := &Profile{ID: "R-1", Subject: Subject{Role: RelativeOf, Alert: "SIS-42", Relationship: Mother, Consent: true}}
	_ = b.SetString("D3S1358", "15,*")
	_ = b.SetString("FGA", "22,24.2")
	return []*Profile{a, b}
}

func TestProfileJSONRoundTrip(t *testing.T) {
	ps := sampleProfiles()
	var buf bytes.Buffer
	require.NoError(t, WriteProfilesJSON(&buf, ps))
	assert.Contains(t, buf.String(), `"vWA": "17,17"`)
	assert.Contains(t, buf.String(), `"relationship": "mother"`)
	got, err := ReadProfiles(&buf, Limits{})
	require.NoError(t, err)
	require.Len(t, got, 2)
	for i := range ps {
		assert.Equal(t, *ps[i], *got[i])
	}
	// A single object, aliases, amelogenin among the loci.
	one, err := ReadProfilesJSON(strings.NewReader(`{"id":"x","subject":{"role":"unidentified"},"loci":{"THO1":"6,9.3","AMEL":"X,Y","d8":"13"}}`), Limits{})
	require.NoError(t, err)
	require.Len(t, one, 1)
	assert.Equal(t, "6,9.3", one[0].Genotype(TH01).String())
	assert.Equal(t, "13,13", one[0].Genotype(D8S1179).String())
	assert.Equal(t, "XY", one[0].Amelogenin)
	assert.Equal(t, []Locus{D8S1179, TH01}, one[0].Loci(), "amelogenin is never a locus")
}

func TestProfileCSVRoundTrip(t *testing.T) {
	ps := sampleProfiles()
	var buf bytes.Buffer
	require.NoError(t, WriteProfilesCSV(&buf, ps))
	assert.Contains(t, buf.String(), `"15,16"`)
	got, err := ReadProfiles(bytes.NewReader(buf.Bytes()), Limits{})
	require.NoError(t, err)
	require.Len(t, got, 2)
	for i := range ps {
		assert.Equal(t, *ps[i], *got[i])
	}
	// Unquoted slashes, a minimal header, rows default to unidentified.
	got, err = ReadProfilesCSV(strings.NewReader("ID,D3S1358,VWA\nu1,15/16,17/18\n"), Limits{})
	require.NoError(t, err)
	assert.Equal(t, Unidentified, got[0].Subject.Role)
	assert.Equal(t, "17,18", got[0].Genotype(VWA).String())
}

func TestMalformedProfilesGiveClearErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"third allele", "id,D3S1358\nu1,\"15,16,17\"\n", "mixtures are not accepted"},
		{"bad allele", "id,D3S1358\nu1,\"15,abc\"\n", `bad allele "abc"`},
		{"unknown locus", "id,D3S9999\nu1,15\n", `unknown locus "D3S9999"`},
		{"no id column", "D3S1358\n15\n", `no "id" column`},
		{"duplicate column", "id,D8S1179,D8\nu1,12,13\n", "given twice"},
		{"bad consent", "id,role,consent,D8\nu1,relative,maybe,12\n", "consent"},
		{"bad role", "id,role,D8\nu1,suspect,12\n", "unknown role"},
		{"ragged row", "id,D8\nu1,12,13\n", "wrong number of fields"},
		{"json third allele", `{"id":"x","loci":{"FGA":"20,21,22"}}`, "mixtures are not accepted"},
		{"json unknown locus", `{"id":"x","loci":{"XYZ":"20"}}`, `unknown locus "XYZ"`},
		{"json bad allele", `{"id":"x","loci":{"FGA":"20.55"}}`, "bad allele"},
		{"json duplicate locus", `{"id":"x","loci":{"TH01":"6","THO1":"7"}}`, "given twice"},
		{"json trailing data", `{"id":"x","loci":{}} {}`, "data after"},
		{"json not an array of objects", `[1]`, "profile 1"},
		{"empty", "  ", "empty input"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadProfiles(strings.NewReader(tc.in), Limits{})
			require.Error(t, err)
			assert.ErrorContains(t, err, tc.want)
		})
	}
	_, err := ReadProfilesCSV(strings.NewReader("id,D8\nu1,12\nu2,13\nu3,14\n"), Limits{MaxProfiles: 2})
	assert.ErrorIs(t, err, ErrTooLarge)
	_, err = ReadProfilesJSON(strings.NewReader(`[{"id":"a"},{"id":"b"},{"id":"c"}]`), Limits{MaxProfiles: 2})
	assert.ErrorIs(t, err, ErrTooLarge)
	_, err = ReadProfilesCSV(strings.NewReader("id,D8\n"+strings.Repeat("u1,12\n", 100)), Limits{MaxBytes: 64})
	assert.ErrorIs(t, err, ErrTooLarge)
}

func TestProfileNeverPrintsGenotypes(t *testing.T) {
	p := sampleProfiles()[0]
	s := p.String()
	assert.NotContains(t, s, "15,16")
	assert.Contains(t, s, "U-1")
	_, err := json.Marshal(p)
	require.NoError(t, err)
}

func TestQualityGate(t *testing.T) {
	full := &Profile{ID: "ok", Subject: Subject{Role: Unidentified}}
	for i, l := range ESS[:6] {
		require.NoError(t, full.Set(l, NewGenotype(Repeat(float64(10+i)), Repeat(float64(11+i)))))
	}
	assert.NoError(t, QualityGate{}.Check(full))

	for _, tc := range []struct {
		name   string
		edit   func(p *Profile)
		gate   QualityGate
		reason string
	}{
		{"five loci", func(p *Profile) { p.loci[ESS[0]] = Genotype{} }, QualityGate{}, "5 fully designated loci, at least 6 needed"},
		{"wildcard is not fully designated", func(p *Profile) { p.loci[ESS[0]] = NewGenotype(Repeat(10), Wildcard) }, QualityGate{}, "5 fully designated loci"},
		{"off-ladder is not fully designated", func(p *Profile) { p.loci[ESS[0]] = NewGenotype(Repeat(10), OffLadder) }, QualityGate{}, "5 fully designated loci"},
		{"configurable minimum", func(*Profile) {}, QualityGate{MinLoci: 10}, "at least 10 needed"},
		{"relative without consent", func(p *Profile) { p.Subject = Subject{Role: RelativeOf, Alert: "A", Relationship: Father} }, QualityGate{}, "explicit consent"},
		{"relative without relationship", func(p *Profile) { p.Subject = Subject{Role: RelativeOf, Alert: "A", Consent: true} }, QualityGate{}, "state the relationship"},
		{"relative without alert", func(p *Profile) { p.Subject = Subject{Role: RelativeOf, Relationship: Child, Consent: true} }, QualityGate{}, "alert"},
		{"missing person without alert", func(p *Profile) { p.Subject = Subject{Role: MissingPerson} }, QualityGate{}, "must name its alert"},
		{"no role", func(p *Profile) { p.Subject = Subject{} }, QualityGate{}, "role is not stated"},
		{"no ID", func(p *Profile) { p.ID = "" }, QualityGate{}, "no profile ID"},
		{"locus outside the table", func(p *Profile) { p.loci[SE33] = NewGenotype(Repeat(20), Repeat(21)) }, QualityGate{Table: syntheticTable(t)}, "loci without frequencies in table synthetic: SE33"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := *full
			tc.edit(&p)
			err := tc.gate.Check(&p)
			require.ErrorIs(t, err, ErrQuality)
			assert.ErrorContains(t, err, tc.reason)
			assert.ErrorContains(t, err, "Art. 42(3)")
		})
	}
}

func TestCompareRules(t *testing.T) {
	base := &Profile{ID: "a"}
	for i, l := range ESS {
		require.NoError(t, base.Set(l, NewGenotype(Repeat(float64(10+i)), Repeat(float64(12+i)))))
	}
	same := *base
	res := Compare(base, &same, MatchRules{Mode: Prum})
	assert.Equal(t, FullMatch, res.Class)
	assert.Len(t, res.Compared, 12)
	assert.Equal(t, 12, res.FullyMatching)

	oneOff := same
	oneOff.loci[FGA] = NewGenotype(Repeat(16), Repeat(19))
	res = Compare(base, &oneOff, MatchRules{Mode: Prum})
	assert.Equal(t, NearMatch, res.Class)
	assert.Equal(t, []Locus{FGA}, res.Mismatching)
	assert.Equal(t, 1, res.MismatchedAlleles)
	for _, mode := range []MatchMode{CODISHigh, CODISModerate} {
		assert.Equal(t, NoMatch, Compare(base, &oneOff, MatchRules{Mode: mode}).Class, mode)
	}
	assert.Equal(t, FullMatch, Compare(base, &oneOff, MatchRules{Mode: CODISLow}).Class)

	twoOff := oneOff
	twoOff.loci[TH01] = NewGenotype(Repeat(30), Repeat(31))
	res = Compare(base, &twoOff, MatchRules{Mode: Prum})
	assert.Equal(t, NoMatch, res.Class)
	assert.Contains(t, res.Reason, "3 alleles differ")

	// A near match needs six fully matching loci.
	small := &Profile{ID: "s"}
	for _, l := range ESS[:6] {
		small.loci[l] = base.loci[l]
	}
	smallOff := *small
	smallOff.loci[ESS[0]] = NewGenotype(base.loci[ESS[0]].A, Repeat(40))
	res = Compare(small, &smallOff, MatchRules{Mode: Prum})
	assert.Equal(t, NoMatch, res.Class)
	assert.Contains(t, res.Reason, "5 fully designated matching loci")
	assert.Equal(t, NearMatch, Compare(small, &smallOff, MatchRules{Mode: Prum, MinLoci: 5}).Class)

	// Wildcards match but are not fully designated.
	wild := same
	wild.loci[D3S1358] = NewGenotype(base.loci[D3S1358].A, Wildcard)
	res = Compare(base, &wild, MatchRules{Mode: Prum})
	assert.Equal(t, FullMatch, res.Class)
	assert.Equal(t, []Locus{D3S1358}, res.Inexact)
	assert.Equal(t, 11, res.FullyMatching)

	// Loci typed in only one profile are not compared.
	partial := same
	partial.loci[D1S1656] = Genotype{}
	assert.Len(t, Compare(base, &partial, MatchRules{Mode: Prum}).Compared, 11)

	mode, err := ParseMatchMode("CODIS-moderate")
	require.NoError(t, err)
	assert.Equal(t, CODISModerate, mode)
	_, err = ParseMatchMode("fuzzy")
	assert.Error(t, err)
}

func FuzzParseGenotype(f *testing.F) {
	for _, s := range []string{"15,16.3", "15", "<8,*", ">30/OL", "9.3 10", "15,16,17", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := ParseGenotype(s)
		if err != nil {
			return
		}
		again, err := ParseGenotype(g.String())
		if err != nil || again != g {
			t.Fatalf("%q → %q → %v, %v", s, g.String(), again, err)
		}
	})
}
