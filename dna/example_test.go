package dna_test

import (
	"fmt"
	"strings"

	"github.com/openbms/bms/dna"
)

// A missing child's parents gave their profiles; remains are typed at
// four loci. The joint pedigree LR weighs both parents at once.
func Example() {
	table, _ := dna.ReadFrequencies(strings.NewReader(
		"Allele,D3S1358,vWA,TH01,FGA\n"+
			"6,,,0.2,\n9.3,,,0.3,\n15,0.3,,,\n16,0.2,0.2,,\n17,0.2,0.3,,\n18,0.3,0.5,,\n"+
			"7,,,0.5,\n21,,,,0.5\n22,,,,0.5\n"), "example", dna.FrequencyOptions{MinFrequency: 0.01})
	model := dna.NewModel(table)
	model.Theta = 0

	profiles, err := dna.ReadProfiles(strings.NewReader(
		"id,role,alert,relationship,consent,D3S1358,vWA,TH01,FGA\n"+
			"F,relative,SIS-1,father,yes,15/16,16/17,6/7,21/22\n"+
			"M,relative,SIS-1,mother,yes,17/18,18/18,9.3/9.3,22/22\n"+
			"R,,,,,15/17,16/18,6/9.3,21/22\n"), dna.Limits{})
	if err != nil {
		fmt.Println(err)
		return
	}
	father, mother, remains := profiles[0], profiles[1], profiles[2]

	one, _ := model.FamilyLR(remains, []*dna.Profile{father})
	both, _ := model.FamilyLR(remains, []*dna.Profile{father, mother})
	fmt.Printf("father alone: LR %.1f\n", one.LR)
	fmt.Printf("both parents: LR %.1f\n", both.LR)
	for _, l := range both.Loci {
		fmt.Printf("  %-8s %.2f\n", l.Locus, l.LR)
	}
	// Per locus the trio LR is P(child | parents) / P(child): D3S1358
	// ¼ / (2·0.3·0.2) = 2.08, TH01 ½ / (2·0.2·0.3) = 4.17, vWA ½ / (2·0.2·0.5)
	// = 2.5 — a little less with the default mutation model, which keeps a
	// small chance that the father's allele mutated instead.

	// Output:
	// father alone: LR 1.3
	// both parents: LR 21.6
	//   D3S1358  2.08
	//   FGA      1.00
	//   TH01     4.16
	//   vWA      2.49
}
