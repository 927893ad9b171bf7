package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/openbms/bms/bench"
	"github.com/openbms/bms/dna"
	"github.com/openbms/bms/facial"
	"github.com/openbms/bms/minutiae"
	"github.com/openbms/bms/sis"
	"github.com/openbms/bms/sis/faceadapter"
	"github.com/openbms/bms/sis/store"
)

// demoSystem runs the alert layer end to end on an embedded store in a
// temporary folder: alerts with prints, faces and DNA are entered, invalid
// ones refused, searches run as different authorities, a match confirmed
// into a hit, time passed to expire an alert, the audit chain verified.
// dataDir, when set, is an FVC2000 or FCJ2020 folder whose real images
// replace the generated fingers.
func demoSystem(w io.Writer, dataDir, storeDir string) error {
	ctx := context.Background()
	dir := storeDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "bms-demo-sis-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	dbPath := filepath.Join(dir, sis.DefaultStoreFile)
	if _, err := os.Stat(dbPath); err == nil {
		return fmt.Errorf("%s exists: the demo starts from an empty store", dbPath)
	}
	st, err := store.OpenBolt(dbPath, store.BoltOptions{})
	if err != nil {
		return err
	}
	clock := sis.NewManualClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	const faceModel = "facenet-512"
	faceGallery, err := facial.NewGallery(facial.GalleryOptions{Model: faceModel, Dim: 512, Storage: facial.Int8})
	if err != nil {
		return err
	}
	freq, sim, err := demoDNA()
	if err != nil {
		return err
	}
	gate := dna.QualityGate{Table: freq}
	sys, err := sis.Open(sis.Config{
		Store: st, Clock: clock,
		Fingerprints:       sis.NewAFIS(),
		Faces:              faceadapter.New(faceGallery, facial.QualityGate{MinQuality: 40, MaxPeak: 0.5, MaxZeroShare: 0.25}),
		DNA:                &sis.DNAStore{Store: dna.NewStore(dna.NewModel(freq), gate), Gate: gate},
		FaceIdentification: true,
	})
	if err != nil {
		return err
	}
	defer sys.Close()
	users := map[string]sis.Authority{
		"de-judge":    {ID: "DE-court", State: "DE", Kind: sis.Judicial},
		"de-police":   {ID: "DE-police", State: "DE", Kind: sis.Police},
		"de-sirene":   {ID: "DE-sirene", State: "DE", Kind: sis.SIRENE},
		"fr-police":   {ID: "FR-police", State: "FR", Kind: sis.Police},
		"fr-border":   {ID: "FR-border", State: "FR", Kind: sis.BorderGuard},
		"fr-vehicles": {ID: "FR-vehicles", State: "FR", Kind: sis.VehicleRegistration},
		"nl-police":   {ID: "NL-police", State: "NL", Kind: sis.Police},
	}
	names := make([]string, 0, len(users))
	for u := range users {
		names = append(names, u)
	}
	sort.Strings(names)
	for _, u := range names {
		if err := sys.RegisterAuthority(users[u]); err != nil {
			return err
		}
		if err := sys.RegisterUser(sis.User{ID: u, Authority: users[u].ID}); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "SIS alert layer on an embedded store (%s), clock at %s\n", dbPath, clock.Now().Format("2006-01-02"))

	fingers, source, err := demoFingers(dataDir)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  prints: %s\n", source)
	rng := rand.New(rand.NewPCG(42, 42))
	face := func() []float32 {
		v := make([]float32, 512)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return v
	}
	faceBytes := func(v []float32, noise float64) ([]byte, error) {
		u := make([]float32, len(v))
		for i := range v {
			u[i] = v[i] + float32(noise*rng.NormFloat64())
		}
		return faceadapter.Encode(faceModel, u, 80)
	}
	prop := sis.Proportionality{Adequate: true, Relevant: true, Important: true, Justification: "serious offence, national decision"}
	person := func(surname, forenames string, dob time.Time) *sis.Person {
		return &sis.Person{Surname: surname, Forenames: forenames, DateOfBirth: dob}
	}

	// Background: alerts of several categories, each with a ten-print.
	start := time.Now()
	background, attempts, dupRefused := 0, 0, 0
	var firstRefusal error
	for i := 0; i+10 <= len(fingers.enrol)-10 && attempts < 60; i += 10 {
		attempts++
		a := &sis.Alert{Category: sis.Check, Person: person(fmt.Sprintf("Person%03d", background), "Alex", time.Date(1970+background%30, 1, 1, 0, 0, 0, 0, time.UTC)),
			Reason: "discreet check", Action: "report whereabouts", DecisionRef: fmt.Sprintf("CHK-%d", background), Proportionality: prop}
		a.Biometrics.Prints = fingers.record(i, 10)
		if _, err := sys.Enter(ctx, "de-police", a); err != nil {
			if !errors.Is(err, sis.ErrRefused) {
				return err
			}
			dupRefused++
			if firstRefusal == nil {
				firstRefusal = err
			}
			continue
		}
		background++
	}
	// The alerts the searches look for.
	wanted := &sis.Alert{Category: sis.Arrest, Person: person("Müller", "Jan", time.Date(1979, 5, 2, 0, 0, 0, 0, time.UTC)),
		Reason: "European Arrest Warrant", Action: "arrest for surrender", DecisionRef: "EAW 2026/17", Proportionality: prop}
	last := len(fingers.enrol) - 10
	wanted.Biometrics.Prints = fingers.record(last, 10)
	wantedFace := face()
	if b, err := faceBytes(wantedFace, 0); err == nil {
		wanted.Biometrics.Faces = [][]byte{b}
	}
	wantedRes, err := sys.Enter(ctx, "de-judge", wanted)
	if err != nil {
		return err
	}
	father, mother := sim.Unrelated(), sim.Unrelated()
	child := sim.Child(father, mother)
	f, m := dna.AsRelative(father, "", dna.Father), dna.AsRelative(mother, "", dna.Mother)
	f.ID, m.ID = "father", "mother"
	f.Subject.Consent, m.Subject.Consent = true, true
	missing := &sis.Alert{Category: sis.MissingProtected, Person: person("Lang", "Mia", time.Date(2015, 8, 9, 0, 0, 0, 0, time.UTC)),
		Reason: "missing since 2026-11-20", Action: "place under protection", DecisionRef: "JUG-88", Proportionality: prop}
	missing.Biometrics.DNA = []*dna.Profile{f, m}
	missing.Biometrics.DNAJustification = "no prints of the child exist"
	childFace := face()
	if b, err := faceBytes(childFace, 0); err == nil {
		missing.Biometrics.Faces = [][]byte{b}
	}
	missingRes, err := sys.Enter(ctx, "de-police", missing)
	if err != nil {
		return err
	}
	crimeScene := &sis.Alert{Category: sis.UnknownWanted, Reason: "prints at the scene of a murder", Action: "identify",
		DecisionRef: "MORD-2026-3", Proportionality: prop}
	latent := fingers.scene[last+6]
	latent.Position, latent.Impression = minutiae.UnknownFinger, minutiae.LatentImpression
	crimeScene.Biometrics.Prints = &minutiae.Record{Views: []minutiae.Template{latent}}
	crimeRes, err := sys.Enter(ctx, "fr-police", crimeScene)
	if err != nil {
		return err
	}
	car := &sis.Alert{Category: sis.ObjectAlert, ObjectKind: sis.MotorVehicle, Object: &sis.Object{Identifier: "WVWZZZ1JZXW000001"},
		Reason: "stolen", Action: "seize", Proportionality: prop}
	carRes, err := sys.Enter(ctx, "fr-police", car)
	if err != nil {
		return err
	}
	took := time.Since(start)
	entered := background + 4
	fmt.Fprintf(w, "entered %d alerts in %.2f s (%.1f ms an alert, ten-prints prepared and checked for duplicates):\n", entered, took.Seconds(), float64(took.Milliseconds())/float64(attempts+4))
	fmt.Fprintf(w, "  %d Art. 36 checks with ten-prints, %s Art. 26 with prints and face,\n", background, wantedRes.ID)
	fmt.Fprintf(w, "  %s Art. 32(1)(a) with relatives' DNA and face, %s Art. 40 crime-scene print, %s Art. 38 vehicle\n", missingRes.ID, crimeRes.ID, carRes.ID)
	if dupRefused > 0 {
		fmt.Fprintf(w, "  %d generated ten-prints refused, the first: %v\n", dupRefused, firstRefusal)
	}

	fmt.Fprintln(w, "refused, with the reason:")
	for _, bad := range []struct {
		who string
		a   *sis.Alert
	}{
		{"de-judge", &sis.Alert{Category: sis.Arrest, Person: &sis.Person{Surname: "Doe"}, Proportionality: prop}},
		{"de-police", func() *sis.Alert {
			a := *missing
			a.Category, a.Action, a.Person = sis.Check, "report", person("Lang", "Tom", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC))
			return &a
		}()},
		{"fr-vehicles", &sis.Alert{Category: sis.Arrest, Person: person("Smith", "Joe", time.Date(1985, 1, 1, 0, 0, 0, 0, time.UTC)),
			Reason: "x", Action: "arrest", DecisionRef: "y", Proportionality: prop}},
		{"de-police", func() *sis.Alert {
			a := *missing
			nc := dna.AsRelative(sim.Unrelated(), "", dna.FullSibling)
			nc.ID = "brother"
			nc.Subject.Consent = false // the brother did not consent
			a.Person = person("Lang", "Ben", time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC))
			a.Biometrics.DNA = []*dna.Profile{nc}
			return &a
		}()},
	} {
		_, err := sys.Enter(ctx, bad.who, bad.a)
		if err == nil {
			return fmt.Errorf("demo: an invalid alert was accepted")
		}
		fmt.Fprintf(w, "  %-11s %v\n", bad.who+":", err)
	}

	fmt.Fprintln(w, "searches:")
	show := func(who, what string, ms []sis.Match, err error, el time.Duration) {
		if err != nil {
			fmt.Fprintf(w, "  %-11s %-34s → %v\n", who+":", what, err)
			return
		}
		if len(ms) == 0 {
			fmt.Fprintf(w, "  %-11s %-34s → nothing  [%.1f ms]\n", who+":", what, float64(el)/1e6)
			return
		}
		for i, top := range ms[:min(2, len(ms))] {
			extra := ""
			switch {
			case top.LR > 0:
				extra = fmt.Sprintf(", LR %.3g", top.LR)
			case top.Biometric:
				extra = fmt.Sprintf(", FMR %.2g, needs confirmation", top.FMR)
			}
			if i == 0 {
				fmt.Fprintf(w, "  %-11s %-34s → %s Art. %s via %s%s  [%.1f ms]\n", who+":", what, top.Alert, top.Category.Article(), top.Via, extra, float64(el)/1e6)
			} else {
				fmt.Fprintf(w, "  %-11s %-34s   %s Art. %s via %s%s\n", "", "", top.Alert, top.Category.Article(), top.Via, extra)
			}
		}
	}
	t0 := time.Now()
	ms, err := sys.SearchPersons(ctx, "fr-police", sis.PersonQuery{Surname: "MULLER", Forenames: "jan"})
	show("fr-police", "name \"MULLER, jan\"", ms, err, time.Since(t0))
	t0 = time.Now()
	probe := fingers.probeRecord(last, 10)
	ms, err = sys.SearchPrints(ctx, "fr-police", probe, 3)
	show("fr-police", "ten-print, re-captured (and latents)", ms, err, time.Since(t0))
	if err == nil && len(ms) > 0 {
		hit, err := sys.ConfirmHit(ctx, "fr-police", ms[0].Alert, sis.Confirmation{Biometric: true, DecisionRef: "FR-AFIS-2026-991"})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %-11s confirmed the match into a hit on %s: %s\n", "fr-police:", hit.Alert, hit.Action)
	}
	t0 = time.Now()
	lat := fingers.scene2[last+6]
	lat.Position, lat.Impression = minutiae.UnknownFinger, minutiae.LatentImpression
	ms, err = sys.SearchPrints(ctx, "de-police", &minutiae.Record{Views: []minutiae.Template{lat}}, 3)
	show("de-police", "latent from a second scene", ms, err, time.Since(t0))
	if b, ferr := faceBytes(childFace, 0.35); ferr == nil {
		t0 = time.Now()
		ms, err = sys.SearchFaces(ctx, "fr-border", b, sis.FaceContext{BorderCrossing: true}, 3)
		show("fr-border", "face at a border crossing", ms, err, time.Since(t0))
		_, err = sys.SearchFaces(ctx, "fr-police", b, sis.FaceContext{}, 3)
		fmt.Fprintf(w, "  %-11s %-34s → %v\n", "fr-police:", "face inland (identification)", err)
	}
	t0 = time.Now()
	remains := sim.Child(father, mother)
	_ = child
	ms, err = sys.SearchDNA(ctx, "nl-police", remains, 3)
	show("nl-police", "DNA of unidentified remains", ms, err, time.Since(t0))
	_, err = sys.Read(ctx, "fr-vehicles", wantedRes.ID)
	fmt.Fprintf(w, "  %-11s %-34s → %v\n", "fr-vehicles:", "read "+string(wantedRes.ID), err)

	// A year passes: the review period of the Art. 36 checks (1 year) ends.
	clock.AdvanceDate(1, 0, 1)
	rep, err := sys.RunRetention(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "clock at %s: retention deleted %d alerts (Art. 36 checks past their 1-year review), %d notices to issuers\n",
		clock.Now().Format("2006-01-02"), len(rep.Deleted), len(rep.Notices))
	n, err := sys.VerifyAudit(ctx, "de-sirene")
	if err != nil {
		return fmt.Errorf("audit chain: %w", err)
	}
	fmt.Fprintf(w, "audit chain verified: %d entries, hash-linked; biometric searches logged by data type only\n", n)
	stats, err := sys.Statistics(ctx, "de-sirene", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), clock.Now(), sis.Monthly)
	if err != nil {
		return err
	}
	totals := map[string]int64{}
	for _, r := range stats {
		if r.State == "" {
			totals[r.Metric] += r.Count
		}
	}
	fmt.Fprintf(w, "statistics (Art. 74, no personal data): enter %d, delete %d, search %d, hit %d, records now %d\n",
		totals["enter"], totals["delete"], totals["search"], totals["hit"], totals["records"])
	return nil
}

// demoFingerSet holds four impressions of the same fingers: enrol[i],
// probe[i], scene[i] and scene2[i] are impressions of finger i.
type demoFingerSet struct {
	enrol, probe, scene, scene2 []minutiae.Template
}

func (f *demoFingerSet) record(from, n int) *minutiae.Record {
	return f.views(f.enrol, from, n, minutiae.LiveRolled)
}

func (f *demoFingerSet) probeRecord(from, n int) *minutiae.Record {
	return f.views(f.probe, from, n, minutiae.LivePlain)
}

func (f *demoFingerSet) views(src []minutiae.Template, from, n int, imp minutiae.Impression) *minutiae.Record {
	rec := &minutiae.Record{}
	for k := range n {
		t := src[from+k]
		t.Position, t.Impression = minutiae.Position(k+1), imp
		rec.Views = append(rec.Views, t)
	}
	return rec
}

// demoFingers returns generated fingers (700: 70 ten-prints), or the
// first two impressions of each finger of a real FVC2000 or FCJ2020
// folder.
func demoFingers(dataDir string) (*demoFingerSet, string, error) {
	set := &demoFingerSet{}
	if dataDir == "" {
		s := bench.NewSynth(7)
		for range 700 {
			f := s.Finger()
			set.enrol = append(set.enrol, *f)
			set.probe = append(set.probe, *s.Impression(f))
			set.scene = append(set.scene, *s.Impression(f))
			set.scene2 = append(set.scene2, *s.Impression(f))
		}
		return set, "generated (bench.Synth), 700 fingers", nil
	}
	var samples []bench.Sample
	var err error
	for _, layout := range []string{bench.LayoutFCJ2020, bench.LayoutFVC} {
		if samples, err = bench.LoadDataset(dataDir, layout); err == nil && len(samples) > 0 {
			break
		}
	}
	if err != nil || len(samples) == 0 {
		return nil, "", fmt.Errorf("--data %s: not an FVC2000 or FCJ2020 folder (%v)", dataDir, err)
	}
	byFinger := map[string]map[int]string{}
	for _, s := range samples {
		if byFinger[s.Finger] == nil {
			byFinger[s.Finger] = map[int]string{}
		}
		byFinger[s.Finger][s.Impression] = s.Path
	}
	keys := make([]string, 0, len(byFinger))
	for k := range byFinger {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var ts [4]*minutiae.Template
		ok := true
		for i := range ts {
			p := byFinger[k][i+1]
			if p == "" {
				ok = false
				break
			}
			t, err := demoExtract(p)
			if err != nil {
				ok = false
				break
			}
			ts[i] = t
		}
		if !ok {
			continue
		}
		set.enrol, set.probe = append(set.enrol, *ts[0]), append(set.probe, *ts[1])
		set.scene, set.scene2 = append(set.scene, *ts[2]), append(set.scene2, *ts[3])
	}
	if len(set.enrol) < 20 {
		return nil, "", fmt.Errorf("--data %s: %d fingers with four usable impressions, need 20", dataDir, len(set.enrol))
	}
	n := len(set.enrol) / 10 * 10
	set.enrol, set.probe, set.scene, set.scene2 = set.enrol[:n], set.probe[:n], set.scene[:n], set.scene2[:n]
	return set, fmt.Sprintf("real images from %s, %d fingers (impressions 1–4)", dataDir, n), nil
}

func demoExtract(path string) (*minutiae.Template, error) {
	img, err := minutiae.DecodeImageFile(path)
	if err != nil {
		return nil, err
	}
	return minutiae.Extract(img.Gray, minutiae.ExtractOptions{PPI: 500})
}

// demoDNA is a made-up allele-frequency table on the European Standard
// Set and a simulator drawing profiles from it, so that the demo needs no
// data files.
func demoDNA() (*dna.FrequencyTable, *dna.Simulator, error) {
	tab, err := dna.SyntheticFrequencies(dna.ESS)
	if err != nil {
		return nil, nil, err
	}
	sim, err := dna.NewSimulator(tab, nil, dna.DefaultMutation, 7)
	return tab, sim, err
}
