package index

import (
	"fmt"
	"sync"
)

// IDMap maps external record IDs to dense internal IDs and back. Dense IDs
// are handed out in order and never reused, so a search that captured a
// gallery length can resolve every ID it scored even while records are being
// added or removed. It is safe for concurrent use.
type IDMap struct {
	mu       sync.RWMutex
	toDense  map[string]uint32
	external []string // by dense ID; "" once removed
}

// NewIDMap returns an empty map.
func NewIDMap() *IDMap { return &IDMap{toDense: make(map[string]uint32)} }

// Add assigns the next dense ID to ext. Adding an ID that is present is an
// error: a record is replaced by removing it first.
func (m *IDMap) Add(ext string) (uint32, error) {
	if ext == "" {
		return 0, fmt.Errorf("index: empty record ID")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.toDense[ext]; ok {
		return 0, fmt.Errorf("index: record %q is already in the gallery", ext)
	}
	if len(m.external) >= 1<<32-1 {
		return 0, fmt.Errorf("index: gallery full (%d dense IDs)", len(m.external))
	}
	id := uint32(len(m.external))
	m.external = append(m.external, ext)
	m.toDense[ext] = id
	return id, nil
}

// Remove forgets ext and returns the dense ID it had. The dense ID is not
// reused; the gallery marks it deleted in its live bitmap.
func (m *IDMap) Remove(ext string) (uint32, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id, ok := m.toDense[ext]
	if !ok {
		return 0, false
	}
	delete(m.toDense, ext)
	m.external[id] = ""
	return id, true
}

// Dense returns the dense ID of ext.
func (m *IDMap) Dense(ext string) (uint32, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	id, ok := m.toDense[ext]
	return id, ok
}

// External returns the record ID of a dense ID, false when it was removed or
// never assigned.
func (m *IDMap) External(id uint32) (string, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if int(id) >= len(m.external) || m.external[id] == "" {
		return "", false
	}
	return m.external[id], true
}

// Len is the number of dense IDs handed out, removed ones included.
func (m *IDMap) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.external)
}

// Live is the number of records present.
func (m *IDMap) Live() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.toDense)
}
