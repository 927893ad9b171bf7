package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Bolt is the embedded Store: one bbolt file, fsynced on every commit.
type Bolt struct {
	path string
	mu   sync.RWMutex // Compact swaps db under the write lock
	db   *bolt.DB
}

// BoltOptions tunes OpenBolt.
type BoltOptions struct {
	// NoSync skips the fsync of each commit: only for tests and bulk loads
	// that can be replayed, never for the system of record.
	NoSync bool
	// Timeout bounds the wait for the file lock held by another process
	// (default 5 s).
	Timeout time.Duration
}

// OpenBolt opens (creating if needed) the store file at path.
func OpenBolt(path string, opts BoltOptions) (*Bolt, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Second
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	// A crash during Compact can leave the rewritten copy behind; the
	// original is still whole (the rename is the commit point).
	_ = os.Remove(path + ".compact")
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.Timeout, NoSync: opts.NoSync})
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", filepath.Base(path), err)
	}
	tuneBatch(db)
	return &Bolt{path: path, db: db}, nil
}

// tuneBatch shortens bbolt's batch window from 10 ms to 1 ms: enough to
// gather the searches that arrive together on a busy system, short enough
// that a lone search barely waits.
func tuneBatch(db *bolt.DB) {
	db.MaxBatchDelay = time.Millisecond
	db.MaxBatchSize = 256
}

// Update implements Store.
func (b *Bolt) Update(fn func(Tx) error) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.db == nil {
		return ErrClosed
	}
	return b.db.Update(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

// Batch implements Store with bbolt's batching: calls arriving within a
// few milliseconds of each other share one transaction and one fsync.
func (b *Bolt) Batch(fn func(Tx) error) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.db == nil {
		return ErrClosed
	}
	return b.db.Batch(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

// View implements Store.
func (b *Bolt) View(fn func(Tx) error) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.db == nil {
		return ErrClosed
	}
	return b.db.View(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

// Compact copies every live key into a fresh file, fsyncs it and renames it
// over the old one. bbolt reuses freed pages but never wipes them, so a
// deleted template can otherwise linger in the file until its page is
// rewritten; the copy holds only live data.
func (b *Bolt) Compact() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.db == nil {
		return ErrClosed
	}
	tmp := b.path + ".compact"
	_ = os.Remove(tmp)
	dst, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("store: compact: %w", err)
	}
	if err := bolt.Compact(dst, b.db, 4<<20); err != nil {
		dst.Close()
		os.Remove(tmp)
		return fmt.Errorf("store: compact: %w", err)
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		os.Remove(tmp)
		return fmt.Errorf("store: compact: %w", err)
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("store: compact: %w", err)
	}
	if err := b.db.Close(); err != nil {
		return fmt.Errorf("store: compact: %w", err)
	}
	b.db = nil
	if err := os.Rename(tmp, b.path); err != nil {
		return fmt.Errorf("store: compact: %w", err)
	}
	if err := syncDir(filepath.Dir(b.path)); err != nil {
		return fmt.Errorf("store: compact: %w", err)
	}
	db, err := bolt.Open(b.path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("store: reopen after compact: %w", err)
	}
	tuneBatch(db)
	b.db = db
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Files implements Store.
func (b *Bolt) Files() []string { return []string{b.path} }

// Close implements Store.
func (b *Bolt) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.db == nil {
		return nil
	}
	err := b.db.Close()
	b.db = nil
	return err
}

type boltTx struct{ tx *bolt.Tx }

var errReadOnly = errors.New("store: write in a read-only transaction")

func (t boltTx) Get(bucket, key []byte) []byte {
	bk := t.tx.Bucket(bucket)
	if bk == nil {
		return nil
	}
	return bk.Get(key)
}

func (t boltTx) bucket(name []byte) (*bolt.Bucket, error) {
	if !t.tx.Writable() {
		return nil, errReadOnly
	}
	return t.tx.CreateBucketIfNotExists(name)
}

func (t boltTx) Put(bucket, key, value []byte) error {
	bk, err := t.bucket(bucket)
	if err != nil {
		return err
	}
	return bk.Put(key, value)
}

func (t boltTx) Delete(bucket, key []byte) error {
	bk, err := t.bucket(bucket)
	if err != nil {
		return err
	}
	return bk.Delete(key)
}

func (t boltTx) ForEach(bucket []byte, fn func(k, v []byte) error) error {
	bk := t.tx.Bucket(bucket)
	if bk == nil {
		return nil
	}
	return bk.ForEach(fn)
}

func (t boltTx) ForEachPrefix(bucket, prefix []byte, fn func(k, v []byte) error) error {
	bk := t.tx.Bucket(bucket)
	if bk == nil {
		return nil
	}
	c := bk.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}
