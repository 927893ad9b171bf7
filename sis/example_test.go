package sis_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/openbms/bms/sis"
	"github.com/openbms/bms/sis/store"
)

// A German judge enters an arrest alert; a French police officer finds it
// by name and confirms the hit; a vehicle registration service may not see
// it; two years later an incomplete entry is refused, and the audit chain
// verifies.
func Example() {
	dir, _ := os.MkdirTemp("", "sis-example")
	defer os.RemoveAll(dir)
	st, err := store.OpenBolt(filepath.Join(dir, "sis.db"), store.BoltOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	clock := sis.NewManualClock(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC))
	sys, err := sis.Open(sis.Config{Store: st, Clock: clock, Fingerprints: sis.NewAFIS()})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sys.Close()
	for _, a := range []sis.Authority{
		{ID: "DE-court", State: "DE", Kind: sis.Judicial},
		{ID: "FR-police", State: "FR", Kind: sis.Police},
		{ID: "FR-vehicles", State: "FR", Kind: sis.VehicleRegistration},
		{ID: "DE-sirene", State: "DE", Kind: sis.SIRENE},
	} {
		_ = sys.RegisterAuthority(a)
		_ = sys.RegisterUser(sis.User{ID: a.ID + "-1", Authority: a.ID})
	}
	ctx := context.Background()

	res, err := sys.Enter(ctx, "DE-court-1", &sis.Alert{
		Category:    sis.Arrest,
		Person:      &sis.Person{Surname: "Müller", Forenames: "Jan", DateOfBirth: time.Date(1979, 5, 2, 0, 0, 0, 0, time.UTC)},
		Reason:      "European Arrest Warrant",
		Action:      "arrest for surrender",
		DecisionRef: "EAW 2026/17",
		Proportionality: sis.Proportionality{Adequate: true, Relevant: true, Important: true,
			Justification: "armed robbery, 3 victims"},
	})
	fmt.Println("entered:", res.ID, err)

	matches, _ := sys.SearchPersons(ctx, "FR-police-1", sis.PersonQuery{Surname: "MULLER", Forenames: "jan"})
	for _, m := range matches {
		fmt.Printf("match: %s Art. %s from %s, action %q\n", m.Alert, m.Category.Article(), m.IssuingState, m.Action)
	}
	hit, _ := sys.ConfirmHit(ctx, "FR-police-1", res.ID, sis.Confirmation{})
	fmt.Println("hit:", hit.Alert, hit.Action)

	_, err = sys.Read(ctx, "FR-vehicles-1", res.ID)
	fmt.Println("vehicle registration reads it:", errors.Is(err, sis.ErrNotFound))

	clock.AdvanceDate(2, 0, 0)
	_, err = sys.Enter(ctx, "DE-court-1", &sis.Alert{Category: sis.Arrest, Person: &sis.Person{Surname: "Doe"}})
	fmt.Println(err)

	n, err := sys.VerifyAudit(ctx, "DE-sirene-1")
	fmt.Println("audit entries verified:", n, err)
	// Output:
	// entered: DE-00000001 <nil>
	// match: DE-00000001 Art. 26 from DE, action "arrest for surrender"
	// hit: DE-00000001 arrest for surrender
	// vehicle registration reads it: true
	// sis: refused (Art. 22(1)): minimum data: surname, date of birth, reason for the alert and action to be taken
	// audit entries verified: 13 <nil>
}
