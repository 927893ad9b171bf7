package sis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/openbms/bms/index"
	"github.com/openbms/bms/sis/store"
)

// EntryResult is what entering an alert found besides the new alert.
type EntryResult struct {
	ID AlertID
	// Existing are other Member States' compatible alerts on the same
	// person or object (Art. 23(2)).
	Existing []AlertID
	// CrossChecks are alerts with the same identity description but not
	// known to be the same person: the SIRENE Bureau checks within 12
	// hours (Art. 61).
	CrossChecks []AlertID
}

// CrossCheckWindow is the time the SIRENE Bureau has for an Art. 61 check.
const CrossCheckWindow = 12 * time.Hour

// Enter checks and stores a new alert issued by the user's Member State.
// distinctFrom lists alerts with the same identity description that a
// cross-check (Art. 61) found to be on other persons; the new alert must
// then carry data that tells them apart.
func (s *System) Enter(ctx context.Context, userID string, in *Alert, distinctFrom ...AlertID) (EntryResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ac, err := s.actor(userID)
	if err != nil {
		return EntryResult{}, s.refused(ac, userID, "enter", "", err)
	}
	res, err := s.enter(ctx, ac, in, distinctFrom)
	if err != nil {
		return EntryResult{}, s.refused(ac, userID, "enter", "", err)
	}
	return res, nil
}

func (s *System) enter(ctx context.Context, ac actor, in *Alert, distinctFrom []AlertID) (EntryResult, error) {
	if in == nil {
		return EntryResult{}, errors.New("sis: no alert")
	}
	if !MayIssue(ac.auth.Kind, in.Category) {
		return EntryResult{}, forbidden("a %s authority may not enter Art. %s alerts", ac.auth.Kind, in.Category.Article())
	}
	now := s.Now()
	a := in.clone()
	a.ID = ""
	a.IssuingState = ac.auth.State
	a.IssuingAuthority = ac.auth.ID
	a.Created = now
	a.Expires = now.AddDate(a.Category.ReviewPeriod(), 0, 0)
	a.Links, a.Flags, a.Extensions = nil, nil, nil
	a.UnavailableUntil, a.PurposeDeadline = time.Time{}, time.Time{}
	a.ReviewNoticeSent, a.MajorityNoticeSent = false, false
	a.Version = 1
	a.DistinctFrom = nil
	if err := validate(a, now); err != nil {
		return EntryResult{}, err
	}
	if err := s.qualityGates(a); err != nil {
		return EntryResult{}, err
	}
	res, notices, err := s.duplicateCheck(ctx, a, distinctFrom, "")
	if err != nil {
		return EntryResult{}, err
	}

	// The ID is drawn inside the transaction; the galleries are filled
	// before it commits and emptied again if it fails, so that a crash
	// leaves either the whole alert or nothing.
	var seq uint64
	_ = s.st.View(func(tx store.Tx) error {
		if b := tx.Get(bucketMeta, keyAlertSeq); len(b) == 8 {
			seq = beUint64(b)
		}
		return nil
	})
	a.ID = AlertID(fmt.Sprintf("%s-%08d", a.IssuingState, seq+1))
	if err := s.addToGalleries(a); err != nil {
		return EntryResult{}, fmt.Errorf("sis: enrolling biometrics: %w", err)
	}
	e := s.entry(ac, "enter")
	e.Alert, e.Category = a.ID, a.Category.Article()
	e.History = &HistoryRecord{Version: 1, Changed: changedFields(nil, a)}
	err = s.st.Update(func(tx store.Tx) error {
		if got := nextSeq(tx, keyAlertSeq); got != seq+1 {
			return fmt.Errorf("sis: alert sequence moved")
		}
		if err := putAlert(tx, a); err != nil {
			return err
		}
		if err := bumpStat(tx, "enter", now, a.Category, a.IssuingState); err != nil {
			return err
		}
		if a.Category == Arrest { // Art. 24(2): every Member State is told
			for _, st := range s.states() {
				if st != a.IssuingState {
					if err := putNotice(tx, Notice{Time: now, To: st, Kind: NoticeNewArrestAlert, Alert: a.ID}); err != nil {
						return err
					}
				}
			}
		}
		for _, n := range notices {
			n.Alert = a.ID
			if err := putNotice(tx, n); err != nil {
				return err
			}
		}
		_, err := appendAudit(tx, e)
		return err
	})
	if err != nil {
		s.removeFromGalleries(a, true)
		return EntryResult{}, fmt.Errorf("sis: storing the alert: %w", err)
	}
	s.index(a)
	res.ID = a.ID
	return res, nil
}

func beUint64(b []byte) uint64 {
	var n uint64
	for _, c := range b {
		n = n<<8 | uint64(c)
	}
	return n
}

// qualityGates runs the modality gates on every biometric of the alert
// before anything is stored (Art. 42(1), 42(3)).
func (s *System) qualityGates(a *Alert) error {
	if r := a.Biometrics.Prints; r != nil {
		if s.cfg.Fingerprints == nil {
			return ErrNoEngine
		}
		if err := s.cfg.Fingerprints.CheckQuality(r); err != nil {
			return &RuleError{Article: "42(1)", Reason: "dactyloscopic data below the minimum quality", kind: ErrQuality, cause: err}
		}
	}
	for _, f := range a.Biometrics.Faces {
		if s.cfg.Faces == nil {
			return ErrNoEngine
		}
		if err := s.cfg.Faces.CheckQuality(f); err != nil {
			return &RuleError{Article: "42(1)", Reason: "facial image below the minimum quality", kind: ErrQuality, cause: err}
		}
	}
	for _, p := range a.Biometrics.DNA {
		if s.cfg.DNA == nil {
			return ErrNoEngine
		}
		q := *p
		q.Subject.Alert = "pending" // the gate wants the alert link, which exists once entered
		if err := s.cfg.DNA.CheckQuality(&q); err != nil {
			return &RuleError{Article: "42(3)", Reason: "DNA profile below the minimum quality", kind: ErrQuality, cause: err}
		}
	}
	if m := a.MisusedIdentity; m != nil {
		if m.Prints != nil && s.cfg.Fingerprints != nil {
			if err := s.cfg.Fingerprints.CheckQuality(m.Prints); err != nil {
				return &RuleError{Article: "42(1)", Reason: "misused-identity prints below the minimum quality", kind: ErrQuality, cause: err}
			}
		}
		if len(m.Face) > 0 && s.cfg.Faces != nil {
			if err := s.cfg.Faces.CheckQuality(m.Face); err != nil {
				return &RuleError{Article: "42(1)", Reason: "misused-identity face below the minimum quality", kind: ErrQuality, cause: err}
			}
		}
	}
	return nil
}

// duplicateCheck is Art. 23 and 61: same identity description or same
// object, and — when prints are given — a dactyloscopic search of the
// person alerts.
func (s *System) duplicateCheck(ctx context.Context, a *Alert, distinctFrom []AlertID, self AlertID) (EntryResult, []Notice, error) {
	var res EntryResult
	var notices []Notice
	now := s.Now()
	samePerson := map[AlertID]bool{}   // certain: prints or object identifier
	sameIdentity := map[AlertID]bool{} // identity description only
	if a.Person != nil {
		for _, id := range s.byIdentity[identityKey(a.Person)] {
			sameIdentity[id] = true
		}
	}
	if a.Object != nil {
		for _, id := range s.byObject[objectKey(a.ObjectKind, a.Object.Identifier)] {
			samePerson[id] = true
		}
	}
	if r := a.Biometrics.Prints; r != nil && s.cfg.Fingerprints != nil && a.Category != UnknownWanted {
		// Art. 23(1): the dactyloscopic check runs over every person alert,
		// whatever the issuer may see: it protects the data subject.
		cands, err := s.cfg.Fingerprints.Identify(ctx, r, 5, index.AllowAll())
		if err != nil {
			return res, nil, fmt.Errorf("sis: dactyloscopic check: %w", err)
		}
		// DuplicateFMR bounds the chance that this search takes anybody
		// else for the person, so the per-comparison rate is divided by the
		// number of print records compared.
		var records uint64
		for _, b := range s.printBits {
			records += b.GetCardinality()
		}
		perComparison := s.cfg.DuplicateFMR / float64(max(records, 1))
		for _, c := range cands {
			if c.FMR <= perComparison {
				if o, ok := s.alerts[alertOfGalleryID(c.ID)]; ok && o.Category != UnknownWanted {
					samePerson[o.ID] = true
				}
			}
		}
	}
	delete(samePerson, self)
	delete(sameIdentity, self)
	for id := range sameIdentity {
		if samePerson[id] {
			delete(sameIdentity, id)
		}
	}
	for _, id := range sortedIDs(samePerson) {
		o := s.alerts[id]
		if a.Category != ObjectAlert && slices.Contains(distinctFrom, id) {
			// Art. 61: the SIRENE cross-check (with the prints compared by
			// an expert) found another person; recorded on the alert.
			if !slices.Contains(a.DistinctFrom, id) {
				a.DistinctFrom = append(a.DistinctFrom, id)
			}
			continue
		}
		if o.IssuingState == a.IssuingState {
			return res, nil, refuseAs(ErrDuplicate, "23(2)", "the %s already has an alert of this Member State (%s)", subject(a), id)
		}
		if !Compatible(o.Category, a.Category) {
			return res, nil, refuseAs(ErrIncompatible, "23(3)", "incompatible with Art. %s alert %s of %s: the SIRENE Bureaux must consult", o.Category.Article(), id, o.IssuingState)
		}
		res.Existing = append(res.Existing, id)
	}
	for _, id := range sortedIDs(sameIdentity) {
		o := s.alerts[id]
		if slices.Contains(distinctFrom, id) {
			if !slices.Contains(a.DistinctFrom, id) {
				a.DistinctFrom = append(a.DistinctFrom, id)
			}
			// Art. 61(2): a different person — the new alert must carry
			// data that avoids misidentification.
			p := a.Person
			if p.PlaceOfBirth == "" && len(p.Documents) == 0 && a.Biometrics.Types() == nil {
				return res, nil, refuse("61(2)", "a different person with the same identity description needs distinguishing data (place of birth, documents or biometrics)")
			}
			continue
		}
		if o.IssuingState == a.IssuingState {
			return res, nil, refuseAs(ErrDuplicate, "23(2)", "a person with the same identity description already has an alert of this Member State (%s); if it is another person, cross-check and enter with distinguishing data (Art. 61)", id)
		}
		if !Compatible(o.Category, a.Category) {
			return res, nil, refuseAs(ErrIncompatible, "23(3)", "incompatible with Art. %s alert %s of %s: the SIRENE Bureaux must consult", o.Category.Article(), id, o.IssuingState)
		}
		res.Existing = append(res.Existing, id)
		res.CrossChecks = append(res.CrossChecks, id)
		for _, st := range []MemberState{a.IssuingState, o.IssuingState} {
			notices = append(notices, Notice{Time: now, To: st, Kind: NoticeCrossCheck, Due: now.Add(CrossCheckWindow)})
		}
	}
	return res, notices, nil
}

func subject(a *Alert) string {
	if a.Category == ObjectAlert {
		return "object"
	}
	return "person"
}

func sortedIDs(m map[AlertID]bool) []AlertID {
	out := make([]AlertID, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// changedFields names the top-level fields that differ between two
// versions, for the alert history in the log (names only, never values).
func changedFields(old, cur *Alert) []string {
	fields := func(a *Alert) map[string]json.RawMessage {
		m := map[string]json.RawMessage{}
		if a == nil {
			return m
		}
		b, _ := json.Marshal(a)
		_ = json.Unmarshal(b, &m)
		if len(a.Biometrics.Types()) > 0 {
			t, _ := json.Marshal(a.Biometrics)
			m["biometric_data"] = t
		}
		return m
	}
	o, c := fields(old), fields(cur)
	var out []string
	for k, v := range c {
		switch k {
		case "version", "created", "expires", "id":
			continue
		}
		if string(o[k]) != string(v) {
			out = append(out, k)
		}
	}
	if old != nil && cur != nil && !sameBiometrics(old, cur) && !slices.Contains(out, "biometric_data") {
		out = append(out, "biometric_data")
	}
	slices.Sort(out)
	return out
}

func sameBiometrics(a, b *Alert) bool {
	ja, _ := json.Marshal(a.Biometrics.Prints)
	jb, _ := json.Marshal(b.Biometrics.Prints)
	if string(ja) != string(jb) || len(a.Biometrics.Faces) != len(b.Biometrics.Faces) || len(a.Biometrics.DNA) != len(b.Biometrics.DNA) {
		return false
	}
	for i := range a.Biometrics.Faces {
		if string(a.Biometrics.Faces[i]) != string(b.Biometrics.Faces[i]) {
			return false
		}
	}
	for i := range a.Biometrics.DNA {
		x, _ := json.Marshal(a.Biometrics.DNA[i])
		y, _ := json.Marshal(b.Biometrics.DNA[i])
		if string(x) != string(y) {
			return false
		}
	}
	return true
}

// Update replaces the issuer-supplied data of an alert of the user's
// Member State (Art. 59(3)); the category cannot change, the rules and
// gates apply as on entry, and the system fields are kept.
func (s *System) Update(ctx context.Context, userID string, id AlertID, in *Alert) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ac, err := s.actor(userID)
	if err == nil {
		err = s.update(ctx, ac, id, in)
	}
	if err != nil {
		return s.refused(ac, userID, "update", id, err)
	}
	return nil
}

func (s *System) update(ctx context.Context, ac actor, id AlertID, in *Alert) error {
	old, err := s.own(ac, id)
	if err != nil {
		return err
	}
	if in == nil || in.Category != old.Category || in.ObjectKind != old.ObjectKind {
		return refuse("59(3)", "an update cannot change the alert's category or object kind; delete and enter anew")
	}
	now := s.Now()
	a := in.clone()
	a.ID, a.IssuingState, a.IssuingAuthority = old.ID, old.IssuingState, old.IssuingAuthority
	a.Created, a.Expires = old.Created, old.Expires
	a.Links, a.Flags, a.Extensions = old.Links, old.Flags, old.Extensions
	a.UnavailableUntil, a.PurposeDeadline = old.UnavailableUntil, old.PurposeDeadline
	a.ReviewNoticeSent, a.MajorityNoticeSent = old.ReviewNoticeSent, old.MajorityNoticeSent
	a.DistinctFrom = append([]AlertID(nil), old.DistinctFrom...)
	a.Version = old.Version + 1
	if err := validate(a, now); err != nil {
		return err
	}
	if err := s.qualityGates(a); err != nil {
		return err
	}
	// The duplicate rules apply to the new data, against other alerts.
	if _, _, err := s.duplicateCheck(ctx, a, old.DistinctFrom, old.ID); err != nil {
		return err
	}
	bioChanged := !sameBiometrics(old, a)
	if bioChanged {
		s.removeFromGalleries(old, false)
		if err := s.addToGalleries(a); err != nil {
			_ = s.addToGalleries(old)
			return fmt.Errorf("sis: enrolling biometrics: %w", err)
		}
	}
	e := s.entry(ac, "update")
	e.Alert, e.Category = a.ID, a.Category.Article()
	e.History = &HistoryRecord{Version: a.Version, Changed: changedFields(old, a)}
	err = s.st.Update(func(tx store.Tx) error {
		if err := putAlert(tx, a); err != nil {
			return err
		}
		if err := bumpStat(tx, "update", now, a.Category, a.IssuingState); err != nil {
			return err
		}
		_, err := appendAudit(tx, e)
		return err
	})
	if err != nil {
		if bioChanged {
			s.removeFromGalleries(a, true)
			_ = s.addToGalleries(old)
		}
		return fmt.Errorf("sis: storing the update: %w", err)
	}
	if bioChanged {
		s.compactEngines()
	}
	s.unindex(old)
	s.index(a)
	return nil
}

func (s *System) compactEngines() {
	if s.cfg.Fingerprints != nil {
		s.cfg.Fingerprints.Compact()
	}
	if s.cfg.Faces != nil {
		s.cfg.Faces.Compact()
	}
}

// DeletionGround is why an issuer deletes an alert (Art. 55).
type DeletionGround string

// The deletion grounds of Art. 55.
const (
	GroundSurrendered      DeletionGround = "surrender-or-extradition-done" // 55(1)
	GroundDecisionRevoked  DeletionGround = "decision-revoked"              // 55(1), 55(3)
	GroundLocated          DeletionGround = "located"                       // 55(2)–(4): person located, child repatriated, adult protected
	GroundWhereaboutsKnown DeletionGround = "whereabouts-communicated"      // 55(3)
	GroundActionExecuted   DeletionGround = "action-executed"               // 55(4): check carried out
	GroundSeized           DeletionGround = "seized"                        // 55(5): object seized or measure taken
	GroundIdentified       DeletionGround = "identified"                    // 55(6): unknown wanted person identified
	GroundPurposeAchieved  DeletionGround = "purpose-achieved"              // 55(1)–(6): any alert, at the issuer's decision
	GroundIssuerDecision   DeletionGround = "issuer-decision"               // 55: any alert, including after a review
)

// deletionGrounds lists the grounds each category may be deleted for,
// besides the issuer's decision and the purpose achieved (Art. 55).
var deletionGrounds = map[Category][]DeletionGround{
	Arrest:                   {GroundSurrendered, GroundDecisionRevoked},
	MissingProtected:         {GroundLocated, GroundDecisionRevoked},
	MissingNotProtected:      {GroundLocated},
	ChildAbductionRisk:       {GroundLocated, GroundDecisionRevoked},
	ChildTravelBan:           {GroundLocated, GroundDecisionRevoked},
	VulnerableAdultTravelBan: {GroundLocated, GroundDecisionRevoked},
	JudicialProcedure:        {GroundWhereaboutsKnown},
	Check:                    {GroundActionExecuted},
	ObjectAlert:              {GroundSeized},
	UnknownWanted:            {GroundIdentified},
}

// MayDeleteFor reports whether an alert of category c may be deleted on
// the ground g (Art. 55).
func MayDeleteFor(c Category, g DeletionGround) bool {
	return g == GroundIssuerDecision || g == GroundPurposeAchieved || slices.Contains(deletionGrounds[c], g)
}

// Delete deletes an alert of the user's Member State (Art. 55, 59(3)) on a
// ground its category allows, with the object alerts linked to it (Art.
// 55(7)), and removes its biometrics from every gallery and from the store.
// The bytes leave the store's files at the next Compact.
func (s *System) Delete(ctx context.Context, userID string, id AlertID, ground DeletionGround) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ac, a, err := s.issuerAlert(userID, id)
	if err == nil && !MayDeleteFor(a.Category, ground) {
		err = refuse("55", "Art. %s alerts are not deleted on the ground %q", a.Category.Article(), ground)
	}
	if err != nil {
		return s.refused(ac, userID, "delete", id, err)
	}
	e := s.entry(ac, "delete:"+string(ground))
	return s.deleteLocked(id, e, true)
}

// deleteLocked deletes id and its linked object alerts in one transaction,
// then removes their biometrics from the galleries; compact drops the
// removed data from the engines' memory at once (a retention run deleting
// many alerts compacts once at the end instead).
func (s *System) deleteLocked(id AlertID, e AuditEntry, compact bool) error {
	a := s.alerts[id]
	victims := []*Alert{a}
	if a.Category.IsPerson() && a.Category != UnknownWanted {
		for _, l := range a.Links {
			if o, ok := s.alerts[l]; ok && o.Category == ObjectAlert {
				victims = append(victims, o)
			}
		}
	}
	now := s.Now()
	gone := map[AlertID]bool{}
	for _, v := range victims {
		gone[v.ID] = true
	}
	// Alerts that keep a link to a deleted one lose it.
	var relinked []*Alert
	for _, v := range victims {
		for _, l := range v.Links {
			if o, ok := s.alerts[l]; ok && !gone[l] {
				c := o.clone()
				c.Links = slices.DeleteFunc(c.Links, func(x AlertID) bool { return gone[x] })
				relinked = append(relinked, c)
			}
		}
	}
	err := s.st.Update(func(tx store.Tx) error {
		for _, v := range victims {
			if err := tx.Delete(bucketAlerts, []byte(v.ID)); err != nil {
				return err
			}
			if err := deleteBio(tx, v.ID); err != nil {
				return err
			}
			ts, _ := now.MarshalText()
			if err := tx.Put(bucketDeleted, []byte(v.ID), ts); err != nil {
				return err
			}
			if err := bumpStat(tx, "delete", now, v.Category, v.IssuingState); err != nil {
				return err
			}
			le := e
			le.Alert, le.Category = v.ID, v.Category.Article()
			le.History = &HistoryRecord{Version: v.Version + 1, Changed: []string{"deleted"}}
			if v.ID != id {
				le.Operation = "delete-linked" // Art. 55(7)
			}
			if _, err := appendAudit(tx, le); err != nil {
				return err
			}
		}
		for _, r := range relinked {
			if err := putAlert(tx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sis: deleting: %w", err)
	}
	for _, v := range victims {
		s.removeFromGalleries(v, false)
		s.unindex(v)
	}
	for _, r := range relinked {
		s.alerts[r.ID] = r
	}
	if compact {
		s.compactEngines()
	}
	return nil
}

// Compact rewrites the store so that deleted alerts' data, biometrics
// included, no longer exists in its files.
func (s *System) Compact() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.compactEngines()
	return s.st.Compact()
}
