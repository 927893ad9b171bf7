package sis

import (
	"context"
	"slices"
	"time"

	"github.com/openbms/bms/sis/store"
)

// MaxUnavailable is the longest an arrest alert may be withheld from
// end-users at a time; each renewal adds at most as much (Art. 26(4)).
const MaxUnavailable = 48 * time.Hour

// PurposeReplyWindow is how long the issuer has to answer a SIRENE notice
// that an alert achieved its purpose before it is deleted (Art. 53(9)).
const PurposeReplyWindow = 15 * 24 * time.Hour

// Read returns the alert if the user may see it. Links to alerts of
// categories the user may not see are left out (Art. 63(3)).
func (s *System) Read(ctx context.Context, userID string, id AlertID) (*Alert, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ac, a, err := s.visibleAlert(userID, id)
	if err != nil {
		return nil, s.refused(ac, userID, "read", id, err)
	}
	e := s.entry(ac, "read")
	e.Alert, e.Category = id, a.Category.Article()
	if err := s.log(e); err != nil {
		return nil, err
	}
	return s.view(ac, a), nil
}

// view is the copy of a handed to the actor: links filtered by access.
func (s *System) view(ac actor, a *Alert) *Alert {
	c := a.clone()
	c.Links = slices.DeleteFunc(c.Links, func(l AlertID) bool {
		o, ok := s.alerts[l]
		return !ok || !s.sees(ac, o)
	})
	c.DistinctFrom = slices.DeleteFunc(c.DistinctFrom, func(l AlertID) bool {
		o, ok := s.alerts[l]
		return !ok || !s.sees(ac, o)
	})
	return c
}

// log appends one audit entry. Batch lets the entries of concurrent
// searches share a commit; the chain stays whole because each entry reads
// the head inside its own transaction.
func (s *System) log(e AuditEntry) error {
	return s.st.Batch(func(tx store.Tx) error { _, err := appendAudit(tx, e); return err })
}

// commit writes the alerts and the audit entry (and a statistic when
// metric is set) in one transaction, then installs the alerts in memory.
func (s *System) commit(e AuditEntry, metric string, alerts ...*Alert) error {
	err := s.st.Update(func(tx store.Tx) error {
		for _, a := range alerts {
			if err := putAlert(tx, a); err != nil {
				return err
			}
		}
		if metric != "" && len(alerts) > 0 {
			if err := bumpStat(tx, metric, e.Time, alerts[0].Category, alerts[0].IssuingState); err != nil {
				return err
			}
		}
		_, err := appendAudit(tx, e)
		return err
	})
	if err != nil {
		return err
	}
	for _, a := range alerts {
		s.alerts[a.ID] = a
	}
	return nil
}

// Link links two alerts of the user's Member State (Art. 63). An object
// alert linked to a person alert of Art. 26, 32, 34 or 36 must be of a
// kind those articles name, and is deleted with the person alert.
func (s *System) Link(ctx context.Context, userID string, from, to AlertID) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ac, err := s.actor(userID)
	var a, b *Alert
	if err == nil {
		a, err = s.own(ac, from)
	}
	if err == nil {
		b, err = s.own(ac, to)
	}
	if err == nil && from == to {
		err = refuse("63", "an alert cannot be linked to itself")
	}
	if err == nil {
		p, o := a, b
		if p.Category == ObjectAlert {
			p, o = o, p
		}
		if o.Category == ObjectAlert && p.Category != ObjectAlert {
			if !slices.Contains(linkableObjects[p.Category], o.ObjectKind) {
				err = refuse("26(5), 32(8), 34(2), 36(5)", "objects of kind 38(2)(%s) are not linked to Art. %s alerts", o.ObjectKind.Point(), p.Category.Article())
			}
		}
	}
	if err != nil {
		return s.refused(ac, userID, "link", from, err)
	}
	if slices.Contains(a.Links, to) {
		return nil
	}
	ca, cb := a.clone(), b.clone()
	ca.Links = append(ca.Links, to)
	cb.Links = append(cb.Links, from)
	e := s.alertEntry(ac, "link", from, a.Category, a.Version, "links")
	return s.commit(e, "link", ca, cb)
}

// Flag suspends, in the user's Member State, the action an arrest,
// missing-person or check alert asks for (Art. 24). Only a SIRENE Bureau
// flags, and never its own Member State's alert.
func (s *System) Flag(ctx context.Context, userID string, id AlertID, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ac, err := s.actor(userID)
	var a *Alert
	if err == nil && !MayDo(ac.auth.Kind, OpFlag) {
		err = forbidden("only a SIRENE Bureau flags alerts")
	}
	if err == nil {
		a, err = s.visible(ac, id)
	}
	if err == nil {
		switch {
		case !(a.Category == Arrest || a.Category.IsMissing() || a.Category == Check):
			err = refuse("24(1)", "only arrest, missing-person and check alerts can be flagged")
		case a.IssuingState == ac.auth.State:
			err = refuse("24(1)", "a Member State flags other Member States' alerts, not its own")
		case reason == "" || len(reason) > MaxText:
			err = refuse("24(1)", "a flag states why the action cannot be taken")
		case a.FlaggedBy(ac.auth.State):
			err = refuse("24(1)", "already flagged by %s", ac.auth.State)
		}
	}
	if err != nil {
		return s.refused(ac, userID, "flag", id, err)
	}
	c := a.clone()
	c.Flags = append(c.Flags, Flag{State: ac.auth.State, Reason: reason, At: s.Now()})
	e := s.alertEntry(ac, "flag", id, a.Category, a.Version, "flags")
	return s.commit(e, "flag", c)
}

// SetUnavailable withholds an arrest alert from end-users for d ≤ 48 h
// during an operation, on a judicial authority's authorisation; calling it
// again renews by at most 48 h. Only SIRENE Bureaux see the alert then
// (Art. 26(4)); the use is counted.
func (s *System) SetUnavailable(ctx context.Context, userID string, id AlertID, authorisation string, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ac, a, err := s.issuerAlert(userID, id)
	if err == nil {
		switch {
		case a.Category != Arrest:
			err = refuse("26(4)", "only arrest alerts can be made unavailable")
		case authorisation == "" || len(authorisation) > MaxText:
			err = refuse("26(4)", "unavailability needs the judicial authority's authorisation")
		case d <= 0 || d > MaxUnavailable:
			err = refuse("26(4)", "unavailability lasts at most 48 hours at a time")
		}
	}
	if err != nil {
		return s.refused(ac, userID, "set-unavailable", id, err)
	}
	c := a.clone()
	c.UnavailableUntil = s.Now().Add(d)
	e := s.alertEntry(ac, "set-unavailable", id, a.Category, a.Version, "unavailable_until")
	if err := s.commit(e, "unavailable", c); err != nil {
		return err
	}
	s.withheld[id] = true
	return nil
}

// Extend keeps an alert for another review period after a comprehensive
// individual assessment, recorded with it (Art. 53(4)–(6), 54); the
// extension is counted (Art. 53(8), 54(6)).
func (s *System) Extend(ctx context.Context, userID string, id AlertID, assessment string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ac, a, err := s.issuerAlert(userID, id)
	if err == nil && (len(assessment) < 20 || len(assessment) > MaxText) {
		err = refuse("53(4)", "an extension records the comprehensive individual assessment (20 to %d bytes)", MaxText)
	}
	if err != nil {
		return s.refused(ac, userID, "extend", id, err)
	}
	now := s.Now()
	c := a.clone()
	c.Expires = now.AddDate(a.Category.ReviewPeriod(), 0, 0)
	c.Extensions = append(c.Extensions, Extension{At: now, By: ac.user.ID, Assessment: assessment, NewExpiry: c.Expires})
	c.ReviewNoticeSent = false
	e := s.alertEntry(ac, "extend", id, a.Category, a.Version, "expires", "extensions")
	return s.commit(e, "extend", c)
}

// ReportPurposeAchieved is a SIRENE Bureau telling the issuer that an
// alert achieved its purpose: without the issuer's reply (KeepAlert)
// within 15 days the alert is deleted (Art. 53(9)).
func (s *System) ReportPurposeAchieved(ctx context.Context, userID string, id AlertID) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ac, err := s.actor(userID)
	var a *Alert
	if err == nil && !MayDo(ac.auth.Kind, OpManage) {
		err = forbidden("only a SIRENE Bureau reports that an alert achieved its purpose")
	}
	if err == nil {
		a, err = s.visible(ac, id)
	}
	if err != nil {
		return s.refused(ac, userID, "purpose-achieved", id, err)
	}
	now := s.Now()
	c := a.clone()
	c.PurposeDeadline = now.Add(PurposeReplyWindow)
	e := s.alertEntry(ac, "purpose-achieved", id, a.Category, a.Version, "purpose_deadline")
	err = s.st.Update(func(tx store.Tx) error {
		if err := putAlert(tx, c); err != nil {
			return err
		}
		if err := putNotice(tx, Notice{Time: now, To: a.IssuingState, Kind: NoticePurposeAchieved, Alert: id, Due: c.PurposeDeadline}); err != nil {
			return err
		}
		_, err := appendAudit(tx, e)
		return err
	})
	if err == nil {
		s.alerts[id] = c
	}
	return err
}

// KeepAlert is the issuer's reply to a purpose-achieved notice: the alert
// stays.
func (s *System) KeepAlert(ctx context.Context, userID string, id AlertID, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ac, a, err := s.issuerAlert(userID, id)
	if err == nil && (reason == "" || len(reason) > MaxText) {
		err = refuse("53(9)", "the reply says why the alert is still needed")
	}
	if err != nil {
		return s.refused(ac, userID, "keep", id, err)
	}
	c := a.clone()
	c.PurposeDeadline = time.Time{}
	e := s.alertEntry(ac, "keep", id, a.Category, a.Version, "purpose_deadline")
	return s.commit(e, "", c)
}

// DeleteMisusedIdentity deletes the data of a person whose identity was
// misused, at that person's request (Art. 62(5)).
func (s *System) DeleteMisusedIdentity(ctx context.Context, userID string, id AlertID) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ac, a, err := s.issuerAlert(userID, id)
	if err == nil && a.MisusedIdentity == nil {
		err = refuse("62(5)", "the alert holds no misused-identity data")
	}
	if err != nil {
		return s.refused(ac, userID, "delete-misused-identity", id, err)
	}
	c := a.clone()
	c.MisusedIdentity = nil
	c.Version++
	e := s.entry(ac, "delete-misused-identity")
	e.Alert, e.Category = id, a.Category.Article()
	e.History = &HistoryRecord{Version: c.Version, Changed: []string{"misused_identity"}}
	return s.commit(e, "update", c)
}

// Confirmation is what turns a match into a hit (Art. 3(8)).
type Confirmation struct {
	// Biometric: the match came from comparing biometric data; it then
	// needs the competent authority's confirmation under national
	// procedure, referenced here.
	Biometric   bool
	DecisionRef string
	// ExpertUser is the user (of a police authority of the confirming
	// Member State) who verified that the prints of an Art. 40 alert belong
	// to the person (Art. 41); ExpertRef references the report.
	ExpertUser string
	ExpertRef  string
}

// Hit is a confirmed match with the action to take.
type Hit struct {
	Alert    AlertID
	Category Category
	Action   string
	// ActionSuspended: the confirming Member State flagged the alert, so
	// the action is not taken on its territory (Art. 24).
	ActionSuspended bool
	Priority        int
}

// ConfirmHit confirms a match into a hit. Biometric matches need the
// competent authority's decision; Art. 40 matches need expert
// verification (Art. 41). The hit is counted per category (Art. 74).
func (s *System) ConfirmHit(ctx context.Context, userID string, id AlertID, c Confirmation) (Hit, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ac, err := s.actor(userID)
	var a *Alert
	if err == nil && !MayDo(ac.auth.Kind, OpConfirmHit) {
		err = forbidden("a %s authority does not confirm hits", ac.auth.Kind)
	}
	if err == nil {
		a, err = s.visible(ac, id)
	}
	if err == nil && c.Biometric && c.DecisionRef == "" {
		err = refuse("3(8)", "a match from biometric data becomes a hit only when the competent authority confirms it")
	}
	if err == nil && a.Category == UnknownWanted {
		exp, ok := s.users[c.ExpertUser]
		switch {
		case !ok || c.ExpertRef == "":
			err = refuse("41", "a hit on an unknown-wanted-person alert needs expert verification of the prints")
		case !MayDo(s.authorities[exp.Authority].Kind, OpExpertVerify) || s.authorities[exp.Authority].State != ac.auth.State:
			err = refuse("41", "the expert must belong to a forensic (police) authority of the executing Member State")
		}
	}
	if err != nil {
		return Hit{}, s.refused(ac, userID, "confirm-hit", id, err)
	}
	h := Hit{Alert: id, Category: a.Category, Action: a.Action, ActionSuspended: a.FlaggedBy(ac.auth.State), Priority: a.Priority()}
	e := s.entry(ac, "confirm-hit")
	e.Alert, e.Category = id, a.Category.Article()
	err = s.st.Update(func(tx store.Tx) error {
		if err := bumpStat(tx, "hit", e.Time, a.Category, ac.auth.State); err != nil {
			return err
		}
		_, err := appendAudit(tx, e)
		return err
	})
	return h, err
}

// ExecutionOrder sorts hits on one person for execution: the arrest alert
// first (Art. 25), then by category.
func ExecutionOrder(hits []Hit) []Hit {
	out := slices.Clone(hits)
	slices.SortStableFunc(out, func(a, b Hit) int { return a.Priority - b.Priority })
	return out
}
