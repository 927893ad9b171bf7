// Package store is the durable storage under the sis alert layer: a small
// transactional key-value interface (Store, Tx) and its embedded default
// implementation on bbolt, a single-file B+tree with copy-on-write pages
// and an fsync on every commit.
//
// The interface is deliberately narrow — named buckets of byte keys and
// values, read and write transactions, and a Compact that rewrites the
// storage — so that a server database can replace the embedded file
// without touching the rules above it. Every operation of the alert layer
// (the alert, its biometrics, its audit entry and its statistics) commits
// in one write transaction: after a crash either all of it is there or
// none of it is.
package store

import "errors"

// ErrClosed is returned by operations on a closed store.
var ErrClosed = errors.New("store: closed")

// Store is a transactional key-value store of named buckets.
type Store interface {
	// Update runs fn in a read-write transaction and commits it durably
	// when fn returns nil; an error from fn rolls everything back.
	Update(fn func(Tx) error) error
	// Batch is Update for small independent writes from many goroutines
	// (audit entries of searches): concurrent calls may share one commit.
	// fn may run more than once and must depend only on the transaction.
	Batch(fn func(Tx) error) error
	// View runs fn in a read-only transaction.
	View(fn func(Tx) error) error
	// Compact rewrites the storage so that deleted values no longer exist
	// in any of its files (removed records must not survive as free pages).
	Compact() error
	// Files lists the files the store keeps its data in, for checks that
	// deleted data is gone from the disk.
	Files() []string
	Close() error
}

// Tx is one transaction. Values returned by Get and ForEach are only valid
// until the transaction ends; callers copy what they keep.
type Tx interface {
	Get(bucket, key []byte) []byte
	Put(bucket, key, value []byte) error
	Delete(bucket, key []byte) error
	// ForEach visits the bucket's keys in byte order; an error stops it.
	ForEach(bucket []byte, fn func(key, value []byte) error) error
	// ForEachPrefix visits the keys starting with prefix, in byte order.
	ForEachPrefix(bucket, prefix []byte, fn func(key, value []byte) error) error
}
