package sis

import (
	"sync"
	"time"
)

// Clock is the time source of every rule with a deadline, injectable so
// that retention can be tested (and replayed) without waiting years.
type Clock interface{ Now() time.Time }

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns time.Now in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

// ManualClock is a clock moved by hand, for tests and demonstrations.
type ManualClock struct {
	mu sync.Mutex
	t  time.Time
}

// NewManualClock returns a clock standing at t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{t: t.UTC()} }

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// AdvanceDate moves the clock by calendar years, months and days.
func (c *ManualClock) AdvanceDate(years, months, days int) {
	c.mu.Lock()
	c.t = c.t.AddDate(years, months, days)
	c.mu.Unlock()
}
