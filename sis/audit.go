package sis

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/openbms/bms/sis/store"
)

// AuditEntry is one line of the audit log (Art. 12 and 18): who did what,
// when, on which alert, with which search data — for biometric searches
// only the type of data, never the data.
type AuditEntry struct {
	Seq       uint64      `json:"seq"`
	Time      time.Time   `json:"time"`
	User      string      `json:"user"`
	Authority string      `json:"authority,omitempty"`
	State     MemberState `json:"state,omitempty"`
	Operation string      `json:"op"`
	Alert     AlertID     `json:"alert,omitempty"`
	Category  string      `json:"category,omitempty"`
	// Outcome is "ok" or the refusal ("refused: …").
	Outcome string         `json:"outcome"`
	Search  *SearchRecord  `json:"search,omitempty"`
	History *HistoryRecord `json:"history,omitempty"`
	// Prev and Hash chain the log: Hash = SHA-256(Prev ‖ canonical entry).
	Prev string `json:"prev"`
	Hash string `json:"hash"`
	// Pruned marks an entry deleted at the end of its retention (Art.
	// 12(4)): only Seq, Time, Prev and Hash remain, so that the chain
	// still verifies across it.
	Pruned bool `json:"pruned,omitempty"`
}

// SearchRecord is the search data of a logged search (Art. 12(2)).
type SearchRecord struct {
	// Kind: "person", "object", "prints", "latent", "face", "dna",
	// "verify-prints", "verify-face".
	Kind string `json:"kind"`
	// Criteria are the alphanumeric search data (names, date of birth,
	// document or object numbers). Empty for biometric searches.
	Criteria map[string]string `json:"criteria,omitempty"`
	// BiometricType is the type of biometric data used (Art. 12(3)):
	// "fingerprints", "latent-prints", "palm-prints", "facial-image",
	// "dna-profile".
	BiometricType string `json:"biometric_type,omitempty"`
	// Results are references to the alerts processed (found).
	Results []AlertID `json:"results,omitempty"`
}

// HistoryRecord is the alert history of an entry: the version written and
// the names (never the values) of the fields changed.
type HistoryRecord struct {
	Version int      `json:"version"`
	Changed []string `json:"changed,omitempty"`
}

var (
	bucketAudit  = []byte("audit")
	bucketMeta   = []byte("meta")
	keyAuditHead = []byte("audit-head")
)

// ErrAuditChain reports a broken audit chain.
var ErrAuditChain = errors.New("sis: audit chain broken")

type auditHead struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

func seqKey(seq uint64) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], seq)
	return k[:]
}

// entryHash is SHA-256 over the previous hash and the entry's canonical
// encoding (JSON in field declaration order, time in UTC, Hash empty).
func entryHash(e AuditEntry) (string, error) {
	e.Hash = ""
	e.Time = e.Time.UTC()
	b, err := json.Marshal(e)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write([]byte(e.Prev))
	h.Write([]byte{0})
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// appendAudit chains e to the log inside tx.
func appendAudit(tx store.Tx, e AuditEntry) (AuditEntry, error) {
	var head auditHead
	if b := tx.Get(bucketMeta, keyAuditHead); b != nil {
		if err := json.Unmarshal(b, &head); err != nil {
			return e, fmt.Errorf("sis: audit head: %w", err)
		}
	}
	e.Seq = head.Seq + 1
	e.Prev = head.Hash
	e.Time = e.Time.UTC()
	h, err := entryHash(e)
	if err != nil {
		return e, err
	}
	e.Hash = h
	b, err := json.Marshal(e)
	if err != nil {
		return e, err
	}
	if err := tx.Put(bucketAudit, seqKey(e.Seq), b); err != nil {
		return e, err
	}
	hb, _ := json.Marshal(auditHead{Seq: e.Seq, Hash: h})
	return e, tx.Put(bucketMeta, keyAuditHead, hb)
}

// VerifyAudit checks the whole chain in st: consecutive sequence numbers,
// each entry's Prev equal to the previous Hash, each Hash recomputed from
// the entry (pruned entries keep their stored hash), and the head record
// equal to the last entry. It returns the number of entries checked.
func VerifyAudit(st store.Store) (int, error) {
	n := 0
	err := st.View(func(tx store.Tx) error {
		var prev string
		var seq uint64
		err := tx.ForEach(bucketAudit, func(k, v []byte) error {
			var e AuditEntry
			dec := json.NewDecoder(bytes.NewReader(v))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&e); err != nil {
				return fmt.Errorf("%w: entry %x unreadable: %v", ErrAuditChain, k, err)
			}
			if e.Seq != seq+1 || !bytes.Equal(k, seqKey(e.Seq)) {
				return fmt.Errorf("%w: entry %d follows %d", ErrAuditChain, e.Seq, seq)
			}
			if e.Prev != prev {
				return fmt.Errorf("%w: entry %d does not link to its predecessor", ErrAuditChain, e.Seq)
			}
			if !e.Pruned {
				h, err := entryHash(e)
				if err != nil {
					return err
				}
				if h != e.Hash {
					return fmt.Errorf("%w: entry %d altered", ErrAuditChain, e.Seq)
				}
			} else if e.User != "" || e.Operation != "" || e.Alert != "" || e.Search != nil || e.History != nil {
				return fmt.Errorf("%w: pruned entry %d holds data", ErrAuditChain, e.Seq)
			}
			prev, seq = e.Hash, e.Seq
			n++
			return nil
		})
		if err != nil {
			return err
		}
		var head auditHead
		if b := tx.Get(bucketMeta, keyAuditHead); b != nil {
			if err := json.Unmarshal(b, &head); err != nil {
				return fmt.Errorf("%w: head unreadable", ErrAuditChain)
			}
		}
		if head.Seq != seq || head.Hash != prev {
			return fmt.Errorf("%w: log ends at %d, head says %d", ErrAuditChain, seq, head.Seq)
		}
		return nil
	})
	return n, err
}

// ReadAudit calls fn for each audit entry in order.
func ReadAudit(st store.Store, fn func(AuditEntry) error) error {
	return st.View(func(tx store.Tx) error {
		return tx.ForEach(bucketAudit, func(_, v []byte) error {
			var e AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			return fn(e)
		})
	})
}

// AuditHead returns the sequence number and hash of the last audit entry.
// Publishing it elsewhere (a notary, a second system, a printed report)
// anchors the chain: VerifyAudit then also proves that nothing was cut off
// or rewritten before that point by someone able to rewrite the store.
func AuditHead(st store.Store) (seq uint64, hash string, err error) {
	err = st.View(func(tx store.Tx) error {
		var h auditHead
		if b := tx.Get(bucketMeta, keyAuditHead); b != nil {
			if err := json.Unmarshal(b, &h); err != nil {
				return err
			}
		}
		seq, hash = h.Seq, h.Hash
		return nil
	})
	return seq, hash, err
}
