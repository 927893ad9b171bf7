package sis

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/openbms/bms/sis/store"
)

// NoticeLead is how long before a scheduled deletion (Art. 53(7)) or a
// child's majority (Art. 32(7)) the issuer is notified.
const NoticeLead = 4 // months

// LogRetention is how long logs are kept (Art. 12(4)); logs holding alert
// history are kept that long after the alert's deletion (Art. 12(5)).
const LogRetention = 3 // years

// RetentionReport says what a retention run did.
type RetentionReport struct {
	Deleted    []AlertID
	Notices    []Notice
	PrunedLogs int
	Compacted  bool
	CompactErr error
}

// RunRetention applies the time rules at the clock's present: it deletes
// person alerts past their review date and object alerts past theirs
// (objects linked to a person alert go with it instead), alerts whose
// issuer did not answer a purpose-achieved notice within 15 days; it
// notifies issuers 4 months before a deletion and 4 months before a child
// of an Art. 32 alert comes of age; it prunes logs past retention; and
// after deletions it compacts the store so that no deleted byte remains.
func (s *System) RunRetention(ctx context.Context) (RetentionReport, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()
	var rep RetentionReport
	defer func() {
		if len(rep.Deleted) > 0 { // even when the run stops early
			s.compactEngines()
		}
	}()
	for id := range s.withheld {
		if a := s.alerts[id]; a == nil || !a.Unavailable(now) {
			delete(s.withheld, id)
		}
	}
	system := AuditEntry{Time: now, User: "system", Operation: "retention", Outcome: "ok"}

	ids := make([]AlertID, 0, len(s.alerts))
	for id := range s.alerts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		a, ok := s.alerts[id]
		if !ok { // went with a person alert earlier in this run
			continue
		}
		linkedToPerson := false
		if a.Category == ObjectAlert {
			for _, l := range a.Links {
				if p, ok := s.alerts[l]; ok && p.Category.IsPerson() {
					linkedToPerson = true
				}
			}
		}
		expired := !linkedToPerson && !now.Before(a.Expires)
		purposeLapsed := !a.PurposeDeadline.IsZero() && !now.Before(a.PurposeDeadline)
		if expired || purposeLapsed {
			e := system
			e.Operation = "delete-expired" // Art. 53(7), 54
			if purposeLapsed && !expired {
				e.Operation = "delete-purpose-achieved" // Art. 53(9)
			}
			before := len(s.alerts)
			if err := s.deleteLocked(id, e, false); err != nil {
				return rep, err
			}
			rep.Deleted = append(rep.Deleted, id)
			if len(s.alerts) < before-1 {
				for _, l := range a.Links {
					if _, still := s.alerts[l]; !still {
						rep.Deleted = append(rep.Deleted, l)
					}
				}
			}
			continue
		}
		var notices []Notice
		c := a.clone()
		if !linkedToPerson && !a.ReviewNoticeSent && !now.Before(a.Expires.AddDate(0, -NoticeLead, 0)) {
			notices = append(notices, Notice{Time: now, To: a.IssuingState, Kind: NoticeReviewDue, Alert: id, Due: a.Expires})
			c.ReviewNoticeSent = true
		}
		if a.Category.IsMissing() && a.Person != nil && !a.MajorityNoticeSent {
			majority := a.Person.DateOfBirth.AddDate(18, 0, 0)
			if now.Before(majority) && !now.Before(majority.AddDate(0, -NoticeLead, 0)) {
				notices = append(notices, Notice{Time: now, To: a.IssuingState, Kind: NoticeMajority, Alert: id, Due: majority})
				c.MajorityNoticeSent = true
			}
		}
		if len(notices) == 0 {
			continue
		}
		e := system
		e.Operation, e.Alert, e.Category = "notify", id, a.Category.Article()
		err := s.st.Update(func(tx store.Tx) error {
			if err := putAlert(tx, c); err != nil {
				return err
			}
			for _, n := range notices {
				if err := putNotice(tx, n); err != nil {
					return err
				}
			}
			_, err := appendAudit(tx, e)
			return err
		})
		if err != nil {
			return rep, err
		}
		s.alerts[id] = c
		rep.Notices = append(rep.Notices, notices...)
	}
	n, err := s.pruneLogs(now)
	if err != nil {
		return rep, err
	}
	rep.PrunedLogs = n
	if len(rep.Deleted) > 0 || n > 0 {
		rep.CompactErr = s.st.Compact()
		rep.Compacted = rep.CompactErr == nil
	}
	return rep, nil
}

// pruneLogs replaces log entries past retention with tombstones that keep
// only the chain (Art. 12(4)–(5)): entries older than 3 years, except those
// holding the history of an alert that exists or was deleted less than 3
// years ago.
func (s *System) pruneLogs(now time.Time) (int, error) {
	cutoff := now.AddDate(-LogRetention, 0, 0)
	n := 0
	err := s.st.Update(func(tx store.Tx) error {
		type upd struct{ k, v []byte }
		var ups []upd
		err := tx.ForEach(bucketAudit, func(k, v []byte) error {
			var e AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			if e.Pruned || !e.Time.Before(cutoff) {
				return nil
			}
			if e.Alert != "" && now.Before(heldUntil(tx, e.Alert)) {
				return nil // a monitoring procedure still needs it
			}
			if e.History != nil && e.Alert != "" {
				if _, live := s.alerts[e.Alert]; live {
					return nil
				}
				var deleted time.Time
				if b := tx.Get(bucketDeleted, []byte(e.Alert)); b == nil || deleted.UnmarshalText(b) != nil || !deleted.Before(cutoff) {
					return nil
				}
			}
			t := AuditEntry{Seq: e.Seq, Time: e.Time, Prev: e.Prev, Hash: e.Hash, Pruned: true}
			b, err := json.Marshal(t)
			if err != nil {
				return err
			}
			ups = append(ups, upd{append([]byte(nil), k...), b})
			return nil
		})
		if err != nil {
			return err
		}
		for _, u := range ups {
			if err := tx.Put(bucketAudit, u.k, u.v); err != nil {
				return err
			}
		}
		n = len(ups)
		return nil
	})
	return n, err
}

var bucketLogHolds = []byte("log-holds")

// HoldLogs keeps the logs of an alert beyond their retention while a
// monitoring procedure that needs them is under way, until the given time
// (Art. 12(4)); only authorities with audit rights may set it.
func (s *System) HoldLogs(ctx context.Context, userID string, id AlertID, until time.Time, procedure string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ac, err := s.actor(userID)
	if err == nil && !MayDo(ac.auth.Kind, OpAudit) {
		err = forbidden("a %s authority may not hold logs", ac.auth.Kind)
	}
	if err == nil && (procedure == "" || len(procedure) > MaxText || !until.After(s.Now()) || id == "" || len(id) > 64) {
		err = refuse("12(4)", "a log hold names the alert, the monitoring procedure and a future end")
	}
	if err != nil {
		return s.refused(ac, userID, "hold-logs", id, err)
	}
	e := s.entry(ac, "hold-logs")
	e.Alert = id
	return s.st.Update(func(tx store.Tx) error {
		ts, _ := until.UTC().MarshalText()
		if err := tx.Put(bucketLogHolds, []byte(id), ts); err != nil {
			return err
		}
		_, err := appendAudit(tx, e)
		return err
	})
}

func heldUntil(tx store.Tx, id AlertID) time.Time {
	var t time.Time
	if b := tx.Get(bucketLogHolds, []byte(id)); b != nil {
		_ = t.UnmarshalText(b)
	}
	return t
}
