package sis

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/openbms/bms/dna"
	"github.com/openbms/bms/index"
	"github.com/openbms/bms/minutiae"
	"github.com/openbms/bms/sis/store"
)

// Match is an alert a search found. It is not a hit: an end-user (for a
// biometric match, the competent authority) confirms it with ConfirmHit.
type Match struct {
	Alert        AlertID
	Category     Category
	ObjectKind   ObjectKind
	IssuingState MemberState
	// Via is how it was found: "person", "document", "object", "prints",
	// "latent", "face", "dna".
	Via string
	// Biometric matches need the competent authority's confirmation.
	Biometric bool
	Score     float64
	// FMR is the engine's false-match-rate estimate (prints, faces); LR the
	// likelihood ratio (DNA).
	FMR, LR float64
	Action  string
	// ActionSuspended: the searcher's Member State flagged the alert (Art. 24).
	ActionSuspended bool
}

// PersonQuery is an alphanumeric search on persons: a surname (with
// optional forenames and date of birth, matched after normalisation), or an
// identity-document number.
type PersonQuery struct {
	Surname        string
	Forenames      string
	DateOfBirth    time.Time
	DocumentNumber string
}

// ObjectQuery is an alphanumeric search on objects by kind and identifier.
type ObjectQuery struct {
	Kind       ObjectKind
	Identifier string
}

// MaxResults bounds every search's results.
const MaxResults = 100

func (s *System) match(ac actor, a *Alert, via string) Match {
	return Match{Alert: a.ID, Category: a.Category, ObjectKind: a.ObjectKind, IssuingState: a.IssuingState,
		Via: via, Action: a.Action, ActionSuspended: a.FlaggedBy(ac.auth.State)}
}

// byPriority orders matches for execution: arrest alerts first (Art. 25),
// then by category and alert.
func byPriority(ms []Match) {
	slices.SortStableFunc(ms, func(a, b Match) int {
		if a.Category != b.Category {
			return int(a.Category) - int(b.Category)
		}
		if a.Alert < b.Alert {
			return -1
		}
		if a.Alert > b.Alert {
			return 1
		}
		return 0
	})
}

// searchLog writes the search's audit entry: the search data (for
// biometric searches its type only) and the alerts found.
func (s *System) searchLog(ac actor, rec *SearchRecord, ms []Match) error {
	for _, m := range ms {
		rec.Results = append(rec.Results, m.Alert)
	}
	e := s.entry(ac, "search")
	e.Search = rec
	return s.st.Batch(func(tx store.Tx) error {
		if err := bumpStat(tx, "search", e.Time, 0, ac.auth.State); err != nil {
			return err
		}
		_, err := appendAudit(tx, e)
		return err
	})
}

// SearchPersons is the alphanumeric person search. Results the user may
// not see are never considered.
func (s *System) SearchPersons(ctx context.Context, userID string, q PersonQuery) ([]Match, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ac, err := s.actor(userID)
	if err == nil && !MayDo(ac.auth.Kind, OpSearch) {
		err = forbidden("no search rights")
	}
	sur, doc := normaliseName(q.Surname), normaliseNumber(q.DocumentNumber)
	if err == nil && sur == "" && doc == "" {
		err = errors.New("sis: a person search needs a surname or a document number")
	}
	if err == nil && !textOK(q.Surname, q.Forenames, q.DocumentNumber) {
		err = errors.New("sis: search data too long")
	}
	if err != nil {
		return nil, s.refused(ac, userID, "search", "", err)
	}
	var out []Match
	seen := map[AlertID]bool{}
	consider := func(id AlertID, via string) {
		a := s.alerts[id]
		if a == nil || seen[id] || a.Person == nil || !s.sees(ac, a) {
			return
		}
		if via == "person" {
			if f := normaliseName(q.Forenames); f != "" && normaliseName(a.Person.Forenames) != f {
				return
			}
			if !q.DateOfBirth.IsZero() && !sameDay(q.DateOfBirth, a.Person.DateOfBirth) {
				return
			}
		}
		seen[id] = true
		out = append(out, s.match(ac, a, via))
	}
	if sur != "" {
		for _, id := range s.bySurname[sur] {
			consider(id, "person")
		}
	}
	if doc != "" {
		for _, id := range s.byDocument[doc] {
			consider(id, "document")
		}
	}
	byPriority(out)
	if len(out) > MaxResults {
		out = out[:MaxResults]
	}
	crit := map[string]string{}
	for k, v := range map[string]string{"surname": q.Surname, "forenames": q.Forenames, "document": q.DocumentNumber} {
		if v != "" {
			crit[k] = v
		}
	}
	if !q.DateOfBirth.IsZero() {
		crit["date_of_birth"] = q.DateOfBirth.Format(time.DateOnly)
	}
	if err := s.searchLog(ac, &SearchRecord{Kind: "person", Criteria: crit}, out); err != nil {
		return nil, err
	}
	return out, nil
}

func sameDay(a, b time.Time) bool {
	return a.UTC().Format(time.DateOnly) == b.UTC().Format(time.DateOnly)
}

// SearchObjects is the alphanumeric object search.
func (s *System) SearchObjects(ctx context.Context, userID string, q ObjectQuery) ([]Match, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ac, err := s.actor(userID)
	if err == nil && !MaySee(ac.auth.Kind, Scope{ObjectAlert, q.Kind}) {
		err = forbidden("a %s authority may not search objects of kind 38(2)(%s)", ac.auth.Kind, q.Kind.Point())
	}
	if err == nil && (normaliseNumber(q.Identifier) == "" || !textOK(q.Identifier)) {
		err = errors.New("sis: an object search needs an identifier")
	}
	if err != nil {
		return nil, s.refused(ac, userID, "search", "", err)
	}
	var out []Match
	for _, id := range s.byObject[objectKey(q.Kind, q.Identifier)] {
		if a := s.alerts[id]; a != nil && s.sees(ac, a) {
			out = append(out, s.match(ac, a, "object"))
		}
	}
	byPriority(out)
	rec := &SearchRecord{Kind: "object", Criteria: map[string]string{"kind": q.Kind.String(), "identifier": q.Identifier}}
	if err := s.searchLog(ac, rec, out); err != nil {
		return nil, err
	}
	return out, nil
}

// latentCategories are the alerts crime-scene prints may be searched
// against (Art. 43(3)).
var latentCategories = []Category{Arrest, MissingProtected, MissingNotProtected, ChildAbductionRisk,
	ChildTravelBan, VulnerableAdultTravelBan, Check, UnknownWanted}

// filterFor builds the gallery filter of a biometric search: the union of
// the category bitmaps the actor may see (restricted to allowed), less the
// arrest alerts withheld under Art. 26(4). The engine applies it inside its
// scan.
func (s *System) filterFor(ac actor, m map[Category]*roaring.Bitmap, allowed []Category, dense func(string) (uint32, bool), galleryIDs func(*Alert) []string) index.Filter {
	u := roaring.New()
	for c, b := range m {
		if (allowed == nil || slices.Contains(allowed, c)) && MaySee(ac.auth.Kind, Scope{Category: c}) {
			u.Or(b)
		}
	}
	if !AccessMatrix[ac.auth.Kind].SeesUnavailable {
		now := s.Now()
		for id := range s.withheld {
			a := s.alerts[id]
			if a == nil || !a.Unavailable(now) {
				continue // lapsed: seen by everyone again (dropped by RunRetention)
			}
			for _, g := range galleryIDs(a) {
				if d, ok := dense(g); ok {
					u.Remove(d)
				}
			}
		}
	}
	return index.AllowOnly(u)
}

// SearchPrints identifies a person by prints (Art. 43(2)); a probe with
// latent views is a crime-scene search, against Art. 26, 32, 36 and 40
// alerts only (Art. 43(3)). Matches need confirmation.
func (s *System) SearchPrints(ctx context.Context, userID string, probe *minutiae.Record, k int) ([]Match, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ac, err := s.actor(userID)
	if err == nil && !MayDo(ac.auth.Kind, OpBiometricSearch) {
		err = forbidden("a %s authority has no biometric search", ac.auth.Kind)
	}
	if err == nil && s.cfg.Fingerprints == nil {
		err = ErrNoEngine
	}
	if err == nil && (probe == nil || len(probe.Views) == 0 || len(probe.Views) > MaxLatentViews) {
		err = fmt.Errorf("sis: a print search needs 1 to %d views", MaxLatentViews)
	}
	if err != nil {
		return nil, s.refused(ac, userID, "search", "", err)
	}
	k = min(max(k, 1), MaxResults)
	latent, palm, finger := false, false, false
	for i := range probe.Views {
		v := &probe.Views[i]
		switch {
		case v.Impression.IsLatent():
			latent = true
		case v.Position.IsPalm():
			palm = true
		default:
			finger = true
		}
	}
	// The log names the types of data used, never the data (Art. 12(3)).
	var types []string
	for _, t := range []struct {
		used bool
		name string
	}{{finger, "fingerprints"}, {palm, "palm-prints"}, {latent, "latent-prints"}} {
		if t.used {
			types = append(types, t.name)
		}
	}
	btype := strings.Join(types, "+")
	var allowed []Category
	kind := "prints"
	if latent {
		allowed, kind = latentCategories, "latent"
	}
	filter := s.filterFor(ac, s.printBits, allowed, s.cfg.Fingerprints.Dense, func(a *Alert) []string {
		if a.Biometrics.Prints == nil {
			return nil
		}
		return []string{string(a.ID)}
	})
	cands, err := s.cfg.Fingerprints.Identify(ctx, probe, k, filter)
	if err != nil {
		return nil, err
	}
	var out []Match
	for _, c := range cands {
		a := s.alerts[alertOfGalleryID(c.ID)]
		if a == nil || c.FMR > s.cfg.MatchFMR {
			continue
		}
		m := s.match(ac, a, kind)
		m.Biometric, m.Score, m.FMR = true, c.Score, c.FMR
		out = append(out, m)
	}
	if err := s.searchLog(ac, &SearchRecord{Kind: kind, BiometricType: btype}, out); err != nil {
		return nil, err
	}
	return out, nil
}

// FaceContext says where a face identification runs.
type FaceContext struct {
	// BorderCrossing: at a regular border crossing point, the only place
	// facial images may identify a person (Art. 43(4)).
	BorderCrossing bool
}

// SearchFaces identifies a person by a facial image (1:N): only by a
// border authority at a regular border crossing point, and only once the
// functionality is enabled (Art. 43(4)).
func (s *System) SearchFaces(ctx context.Context, userID string, probe []byte, where FaceContext, k int) ([]Match, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ac, err := s.actor(userID)
	if err == nil && !MayDo(ac.auth.Kind, OpBiometricSearch) {
		err = forbidden("a %s authority has no biometric search", ac.auth.Kind)
	}
	if err == nil && (!s.cfg.FaceIdentification || !where.BorderCrossing || ac.auth.Kind != BorderGuard) {
		err = refuse("43(4)", "facial images identify persons only at regular border crossing points, by border authorities, once enabled; elsewhere they confirm identity (VerifyFace)")
	}
	if err == nil && s.cfg.Faces == nil {
		err = ErrNoEngine
	}
	if err == nil && (len(probe) == 0 || len(probe) > MaxFaceBytes) {
		err = errors.New("sis: face probe empty or too large")
	}
	if err != nil {
		return nil, s.refused(ac, userID, "search", "", err)
	}
	k = min(max(k, 1), MaxResults)
	filter := s.filterFor(ac, s.faceBits, nil, s.cfg.Faces.Dense, func(a *Alert) []string {
		ids := make([]string, len(a.Biometrics.Faces))
		for i := range ids {
			ids[i] = faceID(a.ID, i)
		}
		return ids
	})
	cands, err := s.cfg.Faces.Identify(ctx, probe, k*MaxFaces, filter)
	if err != nil {
		return nil, err
	}
	var out []Match
	seen := map[AlertID]bool{}
	for _, c := range cands {
		a := s.alerts[alertOfGalleryID(c.ID)]
		if a == nil || seen[a.ID] || c.FMR > s.cfg.MatchFMR {
			continue
		}
		seen[a.ID] = true
		m := s.match(ac, a, "face")
		m.Biometric, m.Score, m.FMR = true, c.Score, c.FMR
		out = append(out, m)
		if len(out) == k {
			break
		}
	}
	if err := s.searchLog(ac, &SearchRecord{Kind: "face", BiometricType: "facial-image"}, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Verification is the outcome of a 1:1 confirmation of identity.
type Verification struct {
	Alert   AlertID
	Score   float64
	FMR     float64
	Matches bool // FMR at or below the system's match rate
}

// VerifyFace confirms with the alert's facial images the identity of a
// person found by an alphanumeric search (Art. 43(1)); always allowed to
// those who see the alert.
func (s *System) VerifyFace(ctx context.Context, userID string, id AlertID, probe []byte) (Verification, error) {
	return s.verify(ctx, userID, id, "verify-face", "facial-image", func(a *Alert) (BiometricCandidate, error) {
		if s.cfg.Faces == nil {
			return BiometricCandidate{}, ErrNoEngine
		}
		if len(a.Biometrics.Faces) == 0 {
			return BiometricCandidate{}, errors.New("sis: the alert holds no facial image")
		}
		if len(probe) == 0 || len(probe) > MaxFaceBytes {
			return BiometricCandidate{}, errors.New("sis: face probe empty or too large")
		}
		best := BiometricCandidate{FMR: 1}
		for i := range a.Biometrics.Faces {
			c, err := s.cfg.Faces.Verify(ctx, faceID(a.ID, i), probe)
			if err != nil {
				return BiometricCandidate{}, err
			}
			if c.Score > best.Score {
				best = c
			}
		}
		return best, nil
	})
}

// VerifyPrints confirms with the alert's prints the identity of a person
// found by an alphanumeric search (Art. 43(1)).
func (s *System) VerifyPrints(ctx context.Context, userID string, id AlertID, probe *minutiae.Record) (Verification, error) {
	return s.verify(ctx, userID, id, "verify-prints", "fingerprints", func(a *Alert) (BiometricCandidate, error) {
		if s.cfg.Fingerprints == nil {
			return BiometricCandidate{}, ErrNoEngine
		}
		if a.Biometrics.Prints == nil {
			return BiometricCandidate{}, errors.New("sis: the alert holds no prints")
		}
		if probe == nil || len(probe.Views) == 0 || len(probe.Views) > MaxLatentViews {
			return BiometricCandidate{}, fmt.Errorf("sis: a print probe needs 1 to %d views", MaxLatentViews)
		}
		return s.cfg.Fingerprints.Verify(ctx, string(a.ID), probe)
	})
}

func (s *System) verify(ctx context.Context, userID string, id AlertID, kind, btype string, fn func(*Alert) (BiometricCandidate, error)) (Verification, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ac, a, err := s.visibleAlert(userID, id)
	var c BiometricCandidate
	if err == nil {
		c, err = fn(a)
	}
	if err != nil {
		return Verification{}, s.refused(ac, userID, kind, id, err)
	}
	v := Verification{Alert: id, Score: c.Score, FMR: c.FMR, Matches: c.FMR <= s.cfg.MatchFMR}
	e := s.entry(ac, kind)
	e.Alert, e.Category = id, a.Category.Article()
	e.Search = &SearchRecord{Kind: kind, BiometricType: btype}
	return v, s.log(e)
}

// SearchDNA searches an unidentified person's (or remains') profile against
// the Art. 32(1)(a) alerts — the missing persons' own and their relatives'
// profiles — and returns those with a likelihood ratio of at least the
// configured minimum. The probe is not stored (recital 19).
func (s *System) SearchDNA(ctx context.Context, userID string, probe *dna.Profile, k int) ([]Match, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ac, err := s.actor(userID)
	if err == nil && !MayDo(ac.auth.Kind, OpBiometricSearch) {
		err = forbidden("a %s authority has no biometric search", ac.auth.Kind)
	}
	if err == nil && !MaySee(ac.auth.Kind, Scope{Category: MissingProtected}) {
		err = forbidden("a %s authority may not see Art. 32(1)(a) alerts", ac.auth.Kind)
	}
	if err == nil && s.cfg.DNA == nil {
		err = ErrNoEngine
	}
	if err == nil && (probe == nil || probe.Subject.Role != dna.Unidentified) {
		err = errors.New("sis: a DNA search takes an unidentified person's profile")
	}
	if err == nil {
		if qerr := s.cfg.DNA.CheckQuality(probe); qerr != nil {
			err = &RuleError{Article: "42(3)", Reason: "DNA probe below the minimum quality", kind: ErrQuality, cause: qerr}
		}
	}
	if err != nil {
		return nil, s.refused(ac, userID, "search", "", err)
	}
	k = min(max(k, 1), MaxResults)
	hits, err := s.cfg.DNA.SearchAlerts(ctx, probe, k)
	if err != nil {
		return nil, err
	}
	var out []Match
	for _, h := range hits {
		a := s.alerts[AlertID(h.Alert)]
		if a == nil || !s.sees(ac, a) || h.Likelihood.LR < s.cfg.DNAMinLR {
			continue
		}
		m := s.match(ac, a, "dna")
		m.Biometric, m.Score, m.LR = true, h.Likelihood.Log10LR, h.Likelihood.LR
		out = append(out, m)
	}
	if err := s.searchLog(ac, &SearchRecord{Kind: "dna", BiometricType: "dna-profile"}, out); err != nil {
		return nil, err
	}
	return out, nil
}
