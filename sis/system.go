package sis

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/openbms/bms/dna"
	"github.com/openbms/bms/minutiae"
	"github.com/openbms/bms/sis/store"
)

// Config assembles a System.
type Config struct {
	Store store.Store
	Clock Clock // default SystemClock
	// The modality engines; a nil engine refuses alerts and searches that
	// need it (ErrNoEngine).
	Fingerprints FingerprintEngine
	Faces        FaceEngine
	DNA          DNAEngine
	// DuplicateFMR bounds the chance that the dactyloscopic check before
	// entry (Art. 23(1)) takes another person's prints for the subject's
	// (default 1e-3): a candidate is the same person when its false-match
	// rate times the number of print records is at most this.
	DuplicateFMR float64
	// MatchFMR is the rate at or below which a print or face search
	// reports a match (default 1e-3).
	MatchFMR float64
	// DNAMinLR is the least likelihood ratio a DNA match needs (default 1e4).
	DNAMinLR float64
	// FaceIdentification enables 1:N face identification at regular border
	// crossing points, once the technology is declared reliable (Art. 43(4)).
	FaceIdentification bool
}

// System is the alert layer: every operation names its actor (a user ID),
// is checked against the access matrix and the rules, commits with its
// audit entry and statistics in one transaction, and keeps the modality
// galleries in step with the store.
type System struct {
	mu    sync.RWMutex
	cfg   Config
	st    store.Store
	clock Clock

	authorities map[string]Authority
	users       map[string]User
	alerts      map[AlertID]*Alert

	byIdentity map[string][]AlertID // normalised surname|forenames|birth date
	bySurname  map[string][]AlertID // normalised surnames and aliases
	byDocument map[string][]AlertID // normalised identity-document numbers
	byObject   map[string][]AlertID // object kind|normalised identifier

	// Per category, the dense gallery IDs of alert biometrics: the filters
	// of a search are unions of these, applied inside the gallery scan.
	printBits map[Category]*roaring.Bitmap
	faceBits  map[Category]*roaring.Bitmap
	// withheld are the arrest alerts that have been made unavailable
	// (Art. 26(4)), so that a search filter need not visit every alert.
	withheld map[AlertID]bool
}

// Store buckets.
var (
	bucketAlerts      = []byte("alerts")
	bucketBio         = []byte("bio")
	bucketDeleted     = []byte("deleted")
	bucketAuthorities = []byte("authorities")
	bucketUsers       = []byte("users")
	bucketNotices     = []byte("notices")
	bucketStats       = []byte("stats")
	keyAlertSeq       = []byte("alert-seq")
	keyNoticeSeq      = []byte("notice-seq")
)

// Open starts a system on the store: registered authorities, users and
// alerts are read back, and the galleries are rebuilt from the stored
// biometrics.
func Open(cfg Config) (*System, error) {
	if cfg.Store == nil {
		return nil, errors.New("sis: no store")
	}
	if cfg.Clock == nil {
		cfg.Clock = SystemClock{}
	}
	if cfg.DuplicateFMR == 0 {
		cfg.DuplicateFMR = 1e-3
	}
	if cfg.MatchFMR == 0 {
		cfg.MatchFMR = 1e-3
	}
	if cfg.DNAMinLR == 0 {
		cfg.DNAMinLR = 1e4
	}
	s := &System{
		cfg: cfg, st: cfg.Store, clock: cfg.Clock,
		authorities: map[string]Authority{}, users: map[string]User{}, alerts: map[AlertID]*Alert{},
		byIdentity: map[string][]AlertID{}, bySurname: map[string][]AlertID{},
		byDocument: map[string][]AlertID{}, byObject: map[string][]AlertID{},
		printBits: map[Category]*roaring.Bitmap{}, faceBits: map[Category]*roaring.Bitmap{},
		withheld: map[AlertID]bool{},
	}
	var loaded []*Alert
	err := s.st.View(func(tx store.Tx) error {
		if err := tx.ForEach(bucketAuthorities, func(_, v []byte) error {
			var a Authority
			if err := json.Unmarshal(v, &a); err != nil {
				return err
			}
			s.authorities[a.ID] = a
			return nil
		}); err != nil {
			return err
		}
		if err := tx.ForEach(bucketUsers, func(_, v []byte) error {
			var u User
			if err := json.Unmarshal(v, &u); err != nil {
				return err
			}
			s.users[u.ID] = u
			return nil
		}); err != nil {
			return err
		}
		return tx.ForEach(bucketAlerts, func(k, v []byte) error {
			a, err := decodeAlert(tx, v)
			if err != nil {
				return fmt.Errorf("alert %s: %w", k, err)
			}
			loaded = append(loaded, a)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("sis: reading the store: %w", err)
	}
	for _, a := range loaded {
		if err := s.addToGalleries(a); err != nil {
			return nil, fmt.Errorf("sis: rebuilding galleries (alert %s): %w", a.ID, err)
		}
		s.index(a)
	}
	return s, nil
}

// Close closes the store.
func (s *System) Close() error { return s.st.Close() }

// Store is the system's store (for audit verification and inspection).
func (s *System) Store() store.Store { return s.st }

// Now is the system clock's time.
func (s *System) Now() time.Time { return s.clock.Now().UTC() }

// RegisterAuthority records an authority (an administrative act, logged as
// such). Its ID must be new.
func (s *System) RegisterAuthority(a Authority) error {
	if a.ID == "" || len(a.ID) > 64 || !a.Kind.Valid() || len(a.State) != 2 {
		return fmt.Errorf("sis: authority needs an ID, a kind and a two-letter state")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.authorities[a.ID]; ok {
		return fmt.Errorf("sis: authority %q already registered", a.ID)
	}
	b, _ := json.Marshal(a)
	err := s.st.Update(func(tx store.Tx) error {
		if err := tx.Put(bucketAuthorities, []byte(a.ID), b); err != nil {
			return err
		}
		_, err := appendAudit(tx, AuditEntry{Time: s.Now(), User: "admin", Authority: a.ID, State: a.State,
			Operation: "register-authority", Outcome: "ok"})
		return err
	})
	if err == nil {
		s.authorities[a.ID] = a
	}
	return err
}

// RegisterUser records a user of a registered authority.
func (s *System) RegisterUser(u User) error {
	if u.ID == "" || len(u.ID) > 64 {
		return fmt.Errorf("sis: user needs an ID of at most 64 bytes")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	auth, ok := s.authorities[u.Authority]
	if !ok {
		return fmt.Errorf("sis: user %q: unknown authority %q", u.ID, u.Authority)
	}
	if _, ok := s.users[u.ID]; ok {
		return fmt.Errorf("sis: user %q already registered", u.ID)
	}
	b, _ := json.Marshal(u)
	err := s.st.Update(func(tx store.Tx) error {
		if err := tx.Put(bucketUsers, []byte(u.ID), b); err != nil {
			return err
		}
		_, err := appendAudit(tx, AuditEntry{Time: s.Now(), User: "admin", Authority: auth.ID, State: auth.State,
			Operation: "register-user", Outcome: "ok"})
		return err
	})
	if err == nil {
		s.users[u.ID] = u
	}
	return err
}

// actor is the resolved identity of the caller of an operation.
type actor struct {
	user User
	auth Authority
}

func (s *System) actor(userID string) (actor, error) {
	u, ok := s.users[userID]
	if !ok {
		return actor{}, fmt.Errorf("%w %q", ErrUnknownActor, userID)
	}
	return actor{user: u, auth: s.authorities[u.Authority]}, nil
}

func (s *System) entry(ac actor, op string) AuditEntry {
	return AuditEntry{Time: s.Now(), User: ac.user.ID, Authority: ac.auth.ID, State: ac.auth.State, Operation: op, Outcome: "ok"}
}

// issuerAlert resolves the actor and one of the alerts of the actor's
// Member State: the start of every operation that only the issuer may do
// (Art. 59(3)).
func (s *System) issuerAlert(userID string, id AlertID) (actor, *Alert, error) {
	ac, err := s.actor(userID)
	if err != nil {
		return ac, nil, err
	}
	a, err := s.own(ac, id)
	return ac, a, err
}

// visibleAlert resolves the actor and an alert the actor may see.
func (s *System) visibleAlert(userID string, id AlertID) (actor, *Alert, error) {
	ac, err := s.actor(userID)
	if err != nil {
		return ac, nil, err
	}
	a, err := s.visible(ac, id)
	return ac, a, err
}

// alertEntry is the audit entry of an operation that changes an alert: the
// alert, its category and the history record of the fields changed (their
// names, never their values).
func (s *System) alertEntry(ac actor, op string, id AlertID, c Category, version int, changed ...string) AuditEntry {
	e := s.entry(ac, op)
	e.Alert, e.Category = id, c.Article()
	e.History = &HistoryRecord{Version: version, Changed: changed}
	return e
}

// refused logs a refused operation (its own transaction) and returns err.
// Unknown users are logged under the ID they gave.
func (s *System) refused(ac actor, userID, op string, alert AlertID, err error) error {
	e := s.entry(ac, op)
	if ac.user.ID == "" {
		e.User = truncate(userID, 64)
	}
	e.Alert = alert
	e.Outcome = "refused: " + truncate(err.Error(), 300)
	if lerr := s.st.Batch(func(tx store.Tx) error { _, err := appendAudit(tx, e); return err }); lerr != nil {
		return errors.Join(err, fmt.Errorf("sis: logging the refusal: %w", lerr))
	}
	return err
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// sees reports whether the actor may find and read alert a now.
func (s *System) sees(ac actor, a *Alert) bool {
	if !MaySee(ac.auth.Kind, scopeOf(a)) {
		return false
	}
	if a.Unavailable(s.Now()) && !AccessMatrix[ac.auth.Kind].SeesUnavailable {
		return false
	}
	return true
}

// visible returns the alert if the actor may see it, else ErrNotFound.
func (s *System) visible(ac actor, id AlertID) (*Alert, error) {
	a, ok := s.alerts[id]
	if !ok || !s.sees(ac, a) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return a, nil
}

// own returns the alert if the actor's Member State issued it and the
// actor's authority may issue its category (Art. 59(3)).
func (s *System) own(ac actor, id AlertID) (*Alert, error) {
	a, ok := s.alerts[id]
	if !ok || !MaySee(ac.auth.Kind, scopeOf(a)) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if a.IssuingState != ac.auth.State {
		return nil, refuseAs(ErrForbidden, "59(3)", "only the issuing Member State (%s) may modify or delete its alert", a.IssuingState)
	}
	if !MayIssue(ac.auth.Kind, a.Category) {
		return nil, forbidden("a %s authority may not manage Art. %s alerts", ac.auth.Kind, a.Category.Article())
	}
	return a, nil
}

// ---- persistence ----

func bioKey(id AlertID, kind string, i int) []byte {
	return []byte(fmt.Sprintf("%s\x00%s\x00%03d", id, kind, i))
}

func bioPrefix(id AlertID) []byte { return []byte(string(id) + "\x00") }

// putAlert writes the alert and its biometric and document data (kept
// apart, so that deleting them is deleting keys).
func putAlert(tx store.Tx, a *Alert) error {
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	if err := deleteBio(tx, a.ID); err != nil {
		return err
	}
	if err := tx.Put(bucketAlerts, []byte(a.ID), b); err != nil {
		return err
	}
	put := func(kind string, i int, v []byte) error { return tx.Put(bucketBio, bioKey(a.ID, kind, i), v) }
	if r := a.Biometrics.Prints; r != nil {
		pb, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if err := put("prints", 0, pb); err != nil {
			return err
		}
	}
	for i, f := range a.Biometrics.Faces {
		if err := put("face", i, f); err != nil {
			return err
		}
	}
	for i, p := range a.Biometrics.DNA {
		pb, err := json.Marshal(p)
		if err != nil {
			return err
		}
		if err := put("dna", i, pb); err != nil {
			return err
		}
	}
	for i, d := range a.DocumentCopies {
		if err := put("doc", i, d); err != nil {
			return err
		}
	}
	if m := a.MisusedIdentity; m != nil {
		if len(m.Face) > 0 {
			if err := put("misused-face", 0, m.Face); err != nil {
				return err
			}
		}
		if m.Prints != nil {
			pb, err := json.Marshal(m.Prints)
			if err != nil {
				return err
			}
			if err := put("misused-prints", 0, pb); err != nil {
				return err
			}
		}
	}
	return nil
}

func deleteBio(tx store.Tx, id AlertID) error {
	var keys [][]byte
	if err := tx.ForEachPrefix(bucketBio, bioPrefix(id), func(k, _ []byte) error {
		keys = append(keys, append([]byte(nil), k...))
		return nil
	}); err != nil {
		return err
	}
	for _, k := range keys {
		if err := tx.Delete(bucketBio, k); err != nil {
			return err
		}
	}
	return nil
}

func decodeAlert(tx store.Tx, v []byte) (*Alert, error) {
	a := new(Alert)
	if err := json.Unmarshal(v, a); err != nil {
		return nil, err
	}
	err := tx.ForEachPrefix(bucketBio, bioPrefix(a.ID), func(k, v []byte) error {
		parts := strings.Split(string(k), "\x00")
		if len(parts) != 3 {
			return fmt.Errorf("bad biometric key")
		}
		val := append([]byte(nil), v...)
		switch parts[1] {
		case "prints":
			r := new(minutiae.Record)
			if err := json.Unmarshal(val, r); err != nil {
				return err
			}
			a.Biometrics.Prints = r
		case "face":
			a.Biometrics.Faces = append(a.Biometrics.Faces, val)
		case "dna":
			p := new(dna.Profile)
			if err := json.Unmarshal(val, p); err != nil {
				return err
			}
			a.Biometrics.DNA = append(a.Biometrics.DNA, p)
		case "doc":
			a.DocumentCopies = append(a.DocumentCopies, val)
		case "misused-face":
			if a.MisusedIdentity != nil {
				a.MisusedIdentity.Face = val
			}
		case "misused-prints":
			if a.MisusedIdentity != nil {
				r := new(minutiae.Record)
				if err := json.Unmarshal(val, r); err != nil {
					return err
				}
				a.MisusedIdentity.Prints = r
			}
		}
		return nil
	})
	return a, err
}

func nextSeq(tx store.Tx, key []byte) uint64 {
	var n uint64
	if b := tx.Get(bucketMeta, key); len(b) == 8 {
		n = binary.BigEndian.Uint64(b)
	}
	n++
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	_ = tx.Put(bucketMeta, key, b[:])
	return n
}

// ---- in-memory indexes and galleries ----

func identityKey(p *Person) string {
	return normaliseName(p.Surname) + "|" + normaliseName(p.Forenames) + "|" + p.DateOfBirth.UTC().Format(time.DateOnly)
}

func objectKey(kind ObjectKind, identifier string) string {
	return strconv.Itoa(int(kind)) + "|" + normaliseNumber(identifier)
}

func (s *System) index(a *Alert) {
	s.alerts[a.ID] = a
	if !a.UnavailableUntil.IsZero() {
		s.withheld[a.ID] = true
	}
	add := func(m map[string][]AlertID, k string) {
		if k != "" && !slices.Contains(m[k], a.ID) {
			m[k] = append(m[k], a.ID)
		}
	}
	if p := a.Person; p != nil {
		add(s.byIdentity, identityKey(p))
		add(s.bySurname, normaliseName(p.Surname))
		add(s.bySurname, normaliseName(p.BirthName))
		for _, al := range p.Aliases {
			add(s.bySurname, normaliseName(al))
		}
		for _, d := range p.Documents {
			add(s.byDocument, normaliseNumber(d.Number))
		}
	}
	if o := a.Object; o != nil {
		add(s.byObject, objectKey(a.ObjectKind, o.Identifier))
		if a.ObjectKind == BlankDocument || a.ObjectKind == IssuedIdentityDocument {
			add(s.byDocument, normaliseNumber(o.Identifier))
		}
	}
}

func (s *System) unindex(a *Alert) {
	delete(s.alerts, a.ID)
	delete(s.withheld, a.ID)
	drop := func(m map[string][]AlertID) {
		for k, ids := range m {
			if i := slices.Index(ids, a.ID); i >= 0 {
				ids = slices.Delete(ids, i, i+1)
				if len(ids) == 0 {
					delete(m, k)
				} else {
					m[k] = ids
				}
			}
		}
	}
	drop(s.byIdentity)
	drop(s.bySurname)
	drop(s.byDocument)
	drop(s.byObject)
}

func faceID(id AlertID, i int) string   { return fmt.Sprintf("%s#face%d", id, i) }
func dnaID(id AlertID, i int) string    { return fmt.Sprintf("%s#dna%d", id, i) }
func alertOfGalleryID(g string) AlertID { return AlertID(strings.SplitN(g, "#", 2)[0]) }

func bits(m map[Category]*roaring.Bitmap, c Category) *roaring.Bitmap {
	b := m[c]
	if b == nil {
		b = roaring.New()
		m[c] = b
	}
	return b
}

// addToGalleries enrols the alert's biometrics in every engine; on error
// whatever was enrolled is removed again.
func (s *System) addToGalleries(a *Alert) (err error) {
	defer func() {
		if err != nil {
			s.removeFromGalleries(a, false)
		}
	}()
	if r := a.Biometrics.Prints; r != nil {
		if s.cfg.Fingerprints == nil {
			return ErrNoEngine
		}
		if err := s.cfg.Fingerprints.Add(string(a.ID), r); err != nil {
			return err
		}
		if d, ok := s.cfg.Fingerprints.Dense(string(a.ID)); ok {
			bits(s.printBits, a.Category).Add(d)
		}
	}
	for i, f := range a.Biometrics.Faces {
		if s.cfg.Faces == nil {
			return ErrNoEngine
		}
		if err := s.cfg.Faces.Add(faceID(a.ID, i), f); err != nil {
			return err
		}
		if d, ok := s.cfg.Faces.Dense(faceID(a.ID, i)); ok {
			bits(s.faceBits, a.Category).Add(d)
		}
	}
	for i, p := range a.Biometrics.DNA {
		if s.cfg.DNA == nil {
			return ErrNoEngine
		}
		q := *p // the engine's copy carries the gallery ID and the alert link
		q.ID = dnaID(a.ID, i)
		q.Subject.Alert = string(a.ID)
		if err := s.cfg.DNA.Add(&q); err != nil {
			return err
		}
	}
	return nil
}

// removeFromGalleries removes the alert's biometrics from every engine and,
// when compact, drops their data from the engines' memory at once.
func (s *System) removeFromGalleries(a *Alert, compact bool) {
	if e := s.cfg.Fingerprints; e != nil && a.Biometrics.Prints != nil {
		if d, ok := e.Dense(string(a.ID)); ok {
			bits(s.printBits, a.Category).Remove(d)
		}
		_ = e.Remove(string(a.ID))
		if compact {
			e.Compact()
		}
	}
	if e := s.cfg.Faces; e != nil && len(a.Biometrics.Faces) > 0 {
		for i := range a.Biometrics.Faces {
			if d, ok := e.Dense(faceID(a.ID, i)); ok {
				bits(s.faceBits, a.Category).Remove(d)
			}
			_ = e.Remove(faceID(a.ID, i))
		}
		if compact {
			e.Compact()
		}
	}
	if e := s.cfg.DNA; e != nil {
		for i := range a.Biometrics.DNA {
			e.Remove(dnaID(a.ID, i))
		}
	}
}

// ---- statistics (Art. 74): counters without personal data ----

func statKey(metric string, day time.Time, c Category, state MemberState) []byte {
	return []byte(metric + "|" + day.UTC().Format(time.DateOnly) + "|" + strconv.Itoa(int(c)) + "|" + string(state))
}

func bumpStat(tx store.Tx, metric string, day time.Time, c Category, state MemberState) error {
	k := statKey(metric, day, c, state)
	n := uint64(0)
	if b := tx.Get(bucketStats, k); b != nil {
		n, _ = strconv.ParseUint(string(b), 10, 64)
	}
	return tx.Put(bucketStats, k, []byte(strconv.FormatUint(n+1, 10)))
}

// ---- notices ----

// Notice is a message the system owes a Member State: a review due, a
// child nearing majority, a purpose achieved, a new arrest alert, a
// cross-check.
type Notice struct {
	Seq   uint64      `json:"seq"`
	Time  time.Time   `json:"time"`
	To    MemberState `json:"to"`
	Kind  string      `json:"kind"`
	Alert AlertID     `json:"alert"`
	Due   time.Time   `json:"due,omitzero"`
}

// Notice kinds.
const (
	NoticeReviewDue       = "review-due"       // Art. 53(7): 4 months before deletion
	NoticeMajority        = "majority"         // Art. 32(7): 4 months before a child's majority
	NoticePurposeAchieved = "purpose-achieved" // Art. 53(9): reply within 15 days or the alert goes
	NoticeNewArrestAlert  = "new-arrest-alert" // Art. 24(2)
	NoticeCrossCheck      = "cross-check"      // Art. 61: same identity description, check in 12 h
)

func putNotice(tx store.Tx, n Notice) error {
	n.Seq = nextSeq(tx, keyNoticeSeq)
	b, _ := json.Marshal(n)
	return tx.Put(bucketNotices, seqKey(n.Seq), b)
}

// Notices returns the notices addressed to the actor's Member State.
func (s *System) Notices(ctx context.Context, userID string) ([]Notice, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ac, err := s.actor(userID)
	if err != nil {
		return nil, err
	}
	if !MayDo(ac.auth.Kind, OpEnter) && !MayDo(ac.auth.Kind, OpManage) {
		return nil, forbidden("a %s authority receives no notices", ac.auth.Kind)
	}
	var out []Notice
	err = s.st.View(func(tx store.Tx) error {
		return tx.ForEach(bucketNotices, func(_, v []byte) error {
			var n Notice
			if err := json.Unmarshal(v, &n); err != nil {
				return err
			}
			if n.To == ac.auth.State {
				out = append(out, n)
			}
			return nil
		})
	})
	return out, err
}

func (s *System) states() []MemberState {
	var out []MemberState
	for _, a := range s.authorities {
		if a.State != "EU" && !slices.Contains(out, a.State) {
			out = append(out, a.State)
		}
	}
	slices.Sort(out)
	return out
}

// DefaultStoreFile is the name of the embedded store in a data folder.
const DefaultStoreFile = "sis.db"

// OpenDir opens (or creates) a system whose store is the embedded file
// DefaultStoreFile in dir, fsynced on every commit. cfg.Store must be nil;
// the other fields are used as given, except that a nil Fingerprints gets
// a new AFIS engine (prints are the one modality every deployment has).
// Close closes the store.
func OpenDir(dir string, cfg Config) (*System, error) {
	if cfg.Store != nil {
		return nil, errors.New("sis: OpenDir makes its own store")
	}
	st, err := store.OpenBolt(filepath.Join(dir, DefaultStoreFile), store.BoltOptions{})
	if err != nil {
		return nil, err
	}
	cfg.Store = st
	if cfg.Fingerprints == nil {
		cfg.Fingerprints = NewAFIS()
	}
	s, err := Open(cfg)
	if err != nil {
		st.Close()
		return nil, err
	}
	return s, nil
}

// VerifyAuditDir verifies the audit chain of the store in dir (for `bms
// audit verify`): the number of entries, and the head to publish.
func VerifyAuditDir(dir string) (entries int, headSeq uint64, headHash string, err error) {
	path := filepath.Join(dir, DefaultStoreFile)
	// Opening would create an empty store, whose empty log "verifies".
	if _, err := os.Stat(path); err != nil {
		return 0, 0, "", fmt.Errorf("sis: no alert store: %w", err)
	}
	st, err := store.OpenBolt(path, store.BoltOptions{})
	if err != nil {
		return 0, 0, "", err
	}
	defer st.Close()
	if entries, err = VerifyAudit(st); err != nil {
		return entries, 0, "", err
	}
	headSeq, headHash, err = AuditHead(st)
	return entries, headSeq, headHash, err
}
