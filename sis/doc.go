// Package sis is the alert layer of bms: it holds alerts on persons and
// objects with their biometrics and enforces the rules of Regulation (EU)
// 2018/1862 (the Schengen Information System for police and judicial
// cooperation) whatever the caller does.
//
// # Model
//
// An Alert has a Category (Art. 26, 32(1)(a)–(e), 34, 36, 38 with the 18
// object kinds of Art. 38(2), 40) and holds only the data of Art. 20(3):
// Person is the closed list of personal data, Object the object's
// identifier, Biometrics the prints (a minutiae.Record), facial-image
// templates (opaque bytes of the face engine) and DNA profiles (Art.
// 32(1)(a) only). Authorities have a Member State and a kind (police,
// border, judicial, SIRENE, vehicle, boat/aircraft and firearms
// registration, Europol, Eurojust); users belong to one authority and are
// the actors of every operation. AccessMatrix is the one declaration of
// what each kind may see, issue and do (Art. 44–49); every access decision
// reads it and the access tests are generated from it.
//
// # Data flow
//
//	Enter(actor, alert)
//	  → access matrix (may this kind issue this category?)
//	  → content rules: minimum data, proportionality, Art. 20(3) bounds,
//	    42(2) print counts, 42(3) DNA, 40 prints only, 62 consent
//	  → modality quality gates (FingerprintEngine, FaceEngine, DNAEngine)
//	  → duplicate check: identity description, object identifier and a
//	    1:N print search (Art. 23, 61) → one per Member State, compatibility
//	  → enrol the biometrics in the galleries (per-category bitmaps of
//	    dense IDs kept beside them)
//	  → one store transaction: alert, biometrics, statistics, notices and the
//	    hash-chained audit entry (undone in the galleries if it fails)
//
//	Search*(actor, query)
//	  → the filter of the actor's visible categories (less arrest alerts
//	    withheld under Art. 26(4)) is handed to the engine and applied inside
//	    the gallery scan → Matches (never hits) → audit entry holding the
//	    alphanumeric search data, or only the TYPE of biometric data
//	ConfirmHit(actor, alert, confirmation) → Hit (Art. 3(8), 41)
//
//	RunRetention() at the injectable Clock's time
//	  → notices 4 months before deletion and before a child's majority,
//	    deletion at the end of the review period or 15 days after an
//	    unanswered purpose-achieved notice, linked objects with their person
//	    alert, logs pruned after 3 years, then the store compacted
//
// Deleting an alert removes its biometrics from every gallery (then
// compacted) and its keys from the store; Compact (run by RunRetention)
// rewrites the store file so that no deleted byte remains in it.
//
// # Storage and audit
//
// The store is the small interface of package sis/store; the embedded
// default is a bbolt file fsynced on every commit (OpenDir opens one in a
// folder). Open rebuilds the galleries from it. Writes (entries, updates,
// deletions, flags, retention) hold the system's write lock and commit one
// transaction each; searches and reads hold the read lock, so they run
// side by side, and their audit entries are batched into shared commits. The audit log lives in the same store: each entry is
// chained by SHA-256 over the previous hash and the entry's canonical JSON,
// VerifyAudit checks the chain, and pruned entries keep only their hashes so
// that the chain still verifies across them. The log never holds biometric
// data, and statistics (Art. 74) hold counts only.
//
// Faces reach the package through FaceEngine; sis/faceadapter implements it
// on the facial package. Fingerprints go through the AFIS adapter, DNA
// through DNAStore.
//
// The package never logs through a logger; errors name rules and articles
// but carry no personal or biometric data beyond the alert ID.
package sis
