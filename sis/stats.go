package sis

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openbms/bms/sis/store"
)

// Granularity is the period of statistics rows.
type Granularity uint8

// Statistics periods (Art. 74(3): daily, monthly and annual).
const (
	Daily Granularity = iota + 1
	Monthly
	Annual
)

// StatRow is one count. Statistics hold no personal data: only metric,
// period, category, Member State and a number.
type StatRow struct {
	Metric   string      `json:"metric"` // records, enter, update, delete, hit, search, extend, flag, link, unavailable
	Period   string      `json:"period"` // "2026-11-24", "2026-11", "2026", or "now" for records
	Category string      `json:"category"`
	State    MemberState `json:"state"` // "" in aggregate rows
	Count    int64       `json:"count"`
}

// Statistics returns the counts of Art. 74 between from and to (inclusive
// days) at the granularity: records per category and Member State now, and
// per period the entries, updates, deletions, extensions, flags, hits and
// unavailability uses; each metric also in aggregate over Member States.
func (s *System) Statistics(ctx context.Context, userID string, from, to time.Time, g Granularity) ([]StatRow, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ac, err := s.actor(userID)
	if err == nil && !MayDo(ac.auth.Kind, OpStatistics) {
		err = forbidden("a %s authority has no access to statistics", ac.auth.Kind)
	}
	if err != nil {
		return nil, s.refused(ac, userID, "statistics", "", err)
	}
	sum := map[StatRow]int64{}
	add := func(r StatRow, n int64) {
		sum[r] += n
		r.State = ""
		sum[r] += n
	}
	for _, a := range s.alerts {
		add(StatRow{Metric: "records", Period: "now", Category: a.Category.Article(), State: a.IssuingState}, 1)
	}
	lo, hi := from.UTC().Format(time.DateOnly), to.UTC().Format(time.DateOnly)
	err = s.st.View(func(tx store.Tx) error {
		return tx.ForEach(bucketStats, func(k, v []byte) error {
			parts := strings.Split(string(k), "|")
			if len(parts) != 4 || parts[1] < lo || parts[1] > hi {
				return nil
			}
			n, _ := strconv.ParseInt(string(v), 10, 64)
			c, _ := strconv.Atoi(parts[2])
			period := parts[1]
			switch g {
			case Monthly:
				period = period[:7]
			case Annual:
				period = period[:4]
			}
			cat := "all"
			if Category(c).Valid() {
				cat = Category(c).Article()
			}
			add(StatRow{Metric: parts[0], Period: period, Category: cat, State: MemberState(parts[3])}, n)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	rows := make([]StatRow, 0, len(sum))
	for r, n := range sum {
		r.Count = n
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(a, b StatRow) int {
		return strings.Compare(a.Metric+a.Period+a.Category+string(a.State), b.Metric+b.Period+b.Category+string(b.State))
	})
	e := s.entry(ac, "statistics")
	if err := s.log(e); err != nil {
		return nil, err
	}
	return rows, nil
}

// VerifyAudit checks the audit chain for a user allowed to (Art. 12, 18):
// the number of entries and nil, or the first break.
func (s *System) VerifyAudit(ctx context.Context, userID string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ac, err := s.actor(userID)
	if err == nil && !MayDo(ac.auth.Kind, OpAudit) {
		err = forbidden("a %s authority may not read the audit log", ac.auth.Kind)
	}
	if err != nil {
		return 0, s.refused(ac, userID, "audit-verify", "", err)
	}
	n, verr := VerifyAudit(s.st)
	e := s.entry(ac, "audit-verify")
	if verr != nil {
		e.Outcome = "failed"
	}
	if err := s.log(e); err != nil {
		return n, err
	}
	return n, verr
}

// AuditLog returns the audit entries from the given time on, for the
// lawfulness checks and self-monitoring the log exists for (Art. 10(1),
// 12(1)); only authorities with audit rights read it, and the reading is
// itself logged.
func (s *System) AuditLog(ctx context.Context, userID string, from time.Time) ([]AuditEntry, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ac, err := s.actor(userID)
	if err == nil && !MayDo(ac.auth.Kind, OpAudit) {
		err = forbidden("a %s authority may not read the audit log", ac.auth.Kind)
	}
	if err != nil {
		return nil, s.refused(ac, userID, "audit-read", "", err)
	}
	var out []AuditEntry
	err = ReadAudit(s.st, func(e AuditEntry) error {
		if !e.Time.Before(from) {
			out = append(out, e)
		}
		return ctx.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, s.log(s.entry(ac, "audit-read"))
}
