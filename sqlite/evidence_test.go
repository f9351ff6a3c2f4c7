package sqlite

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/fakeclock"
	"github.com/vigilproject/vigil/vault"
)

// canary returns a recognisable benign payload, unique to the test, to search raw files for.
func canary(t *testing.T) []byte {
	return []byte(strings.Repeat("VIGIL-EVIDENCE-CANARY "+t.Name()+" ", 8))
}

// confirmCase opens a case for contentID with media and confirms it, which preserves its
// evidence; it returns the case.
func confirmCase(t *testing.T, db *DB, contentID string, media []byte) vigil.Case {
	t.Helper()
	addContent(t, db, contentID, "uploader-1", nil)
	c := openTestCase(t, db, contentID, "ncmec", "", media)
	cs := NewCaseStore(db, &allowRecorder{})
	ctx := reviewer("usr_alice")
	if _, err := cs.Claim(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.Decide(ctx, vigil.Decision{CaseID: c.ID, Verdict: vigil.DecideConfirm, Category: "A1"}); err != nil {
		t.Fatal(err)
	}
	return c
}

// legalCtx acts as a legal officer.
var legalCtx = vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorUser, ID: "usr_legal",
	Name: "lena", Role: vigil.RoleLegal, Scopes: vigil.ScopesOf(vigil.RoleLegal)})

// openEvidence opens a fresh database with a service whose content can be confirmed.
func openEvidence(t *testing.T) *DB {
	db, _, _ := openActions(t)
	return db
}

// clockOf returns the fake clock of a database opened by openEvidence.
func clockOf(db *DB) *fakeclock.Clock { return db.Clock.(*fakeclock.Clock) }

// rawFilesContaining returns the files under dir whose bytes contain needle.
func rawFilesContaining(t *testing.T, dir string, needle []byte) []string {
	t.Helper()
	var found []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, needle) {
			found = append(found, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// checkpoint moves the WAL into the database file and truncates it, as happens in time.
func checkpoint(t *testing.T, db *DB) {
	t.Helper()
	var busy, logFrames, done int
	if err := db.write.QueryRow(`PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done); err != nil || busy != 0 {
		t.Fatalf("checkpoint: busy %d, %v", busy, err)
	}
}

// sealedRow returns the stored wrapped key of evidence id and the ciphertext in its file.
func sealedRow(t *testing.T, db *DB, id string) (wrapped, ciphertext []byte) {
	t.Helper()
	if err := db.read.QueryRow(`SELECT wrapped_key FROM evidence WHERE id = ?`, id).Scan(&wrapped); err != nil {
		t.Fatal(err)
	}
	v, _, err := db.Vault()
	if err != nil {
		t.Fatal(err)
	}
	ciphertext, err = os.ReadFile(filepath.Join(v.Dir(), id+".evd"))
	if err != nil {
		t.Fatal(err)
	}
	return wrapped, ciphertext
}

// onlyEvidence returns the one evidence record of case c.
func onlyEvidence(t *testing.T, db *DB, c vigil.Case) vigil.Evidence {
	t.Helper()
	list, _, err := NewEvidenceStore(db).ListEvidence(legalCtx, vigil.EvidenceFilter{CaseID: c.ID})
	if err != nil || len(list) != 1 {
		t.Fatalf("evidence of %s: %v, %v", c.ID, list, err)
	}
	return list[0]
}

// TestEvidenceAtRestHoldsNoPlaintextAndDeletionLeavesNothing is the vault's bar (PR-05): no
// raw file under the data directory (database, WAL, evidence files) holds the content in
// clear, and after the deadline's sweep and a checkpoint none holds the plaintext, the
// ciphertext or the wrapped data key either.
func TestEvidenceAtRestHoldsNoPlaintextAndDeletionLeavesNothing(t *testing.T) {
	db := openEvidence(t)
	dir := filepath.Dir(db.path)
	payload := canary(t)
	c := confirmCase(t, db, "cnt_canary", payload)
	e := onlyEvidence(t, db, c)
	got, _, err := NewEvidenceStore(db).CaseMedia(legalCtx, c.ID, "report")
	if err != nil || !bytes.Equal(got, payload) {
		t.Fatalf("CaseMedia = %q, %v; want the payload", got, err)
	}
	if found := rawFilesContaining(t, dir, payload[:24]); len(found) > 0 {
		t.Fatalf("plaintext found at rest in %v", found)
	}
	checkpoint(t, db)
	if found := rawFilesContaining(t, dir, payload[:24]); len(found) > 0 {
		t.Fatalf("plaintext found after a checkpoint in %v", found)
	}
	wrapped, ciphertext := sealedRow(t, db, e.ID)
	body := ciphertext[vault.BlobOverhead : vault.BlobOverhead+32]
	// The search works: before the sweep it finds the key in the database and the ciphertext
	// in the object's file.
	if len(rawFilesContaining(t, dir, wrapped)) != 1 || len(rawFilesContaining(t, dir, body)) != 1 {
		t.Fatal("the search does not find the wrapped key and the ciphertext before the sweep")
	}

	clockOf(db).Set(e.Deadline)
	if n, err := db.SweepEvidence(context.Background(), db.Clock.Now()); err != nil || n != 1 {
		t.Fatalf("sweep at the deadline deleted %d, %v; want 1", n, err)
	}
	// No checkpoint by the test here: the sweep itself must leave nothing in the log (PR-05).
	for name, needle := range map[string][]byte{"plaintext": payload[:24], "ciphertext": body, "wrapped key": wrapped} {
		if found := rawFilesContaining(t, dir, needle); len(found) > 0 {
			t.Errorf("%s left behind in %v", name, found)
		}
	}
}

// TestEvidenceDeletedTwelveMonthsAfterIdentification checks PR-04, PR-06 and IR-12 on a
// simulated clock: kept until 12 months after the confirmation, deleted at that moment, and
// the deletion proven by a tombstone and an audit event (PR-05).
func TestEvidenceDeletedTwelveMonthsAfterIdentification(t *testing.T) {
	db := openEvidence(t)
	store := NewEvidenceStore(db)
	identified := db.Clock.Now()
	c := confirmCase(t, db, "cnt_1", testMedia)
	e := onlyEvidence(t, db, c)
	if want := identified.AddDate(0, 12, 0); !e.Deadline.Equal(want) || !e.Identified.Equal(identified) {
		t.Fatalf("deadline %v identified %v; want %v, %v", e.Deadline, e.Identified, want, identified)
	}
	sweeper := &vault.Sweeper{Store: db, Clock: db.Clock}
	steps := []struct {
		name        string
		at          time.Time
		wantDeleted int
		wantStatus  vigil.EvidenceStatus
	}{
		{"a day after", identified.Add(24 * time.Hour), 0, vigil.EvidenceKept},
		{"a millisecond before 12 months", e.Deadline.Add(-time.Millisecond), 0, vigil.EvidenceKept},
		{"at 12 months", e.Deadline, 1, vigil.EvidenceDeleted},
		{"later", e.Deadline.AddDate(0, 1, 0), 0, vigil.EvidenceDeleted},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			clockOf(db).Set(s.at)
			if n, err := sweeper.Tick(context.Background()); err != nil || n != s.wantDeleted {
				t.Fatalf("sweep deleted %d, %v; want %d", n, err, s.wantDeleted)
			}
			got, err := store.GetEvidence(legalCtx, e.ID)
			if err != nil || got.Status != s.wantStatus {
				t.Fatalf("status %s, %v; want %s", got.Status, err, s.wantStatus)
			}
			_, _, err = store.CaseMedia(legalCtx, c.ID, "report")
			if s.wantStatus == vigil.EvidenceKept {
				wantCode(t, err, "")
			} else {
				wantCode(t, err, vigil.ENOTFOUND)
			}
		})
	}
	tomb, _ := store.GetEvidence(legalCtx, e.ID)
	if !tomb.Deleted.Equal(e.Deadline) || !strings.Contains(tomb.Reason, "retention deadline") || tomb.CaseID != c.ID {
		t.Errorf("tombstone %+v: want the deletion time and reason", tomb)
	}
	var keyID string
	var wrapped []byte
	if err := db.read.QueryRow(`SELECT key_id, wrapped_key FROM evidence WHERE id = ?`, e.ID).Scan(&keyID, &wrapped); err != nil || keyID != "" || wrapped != nil {
		t.Errorf("tombstone keeps key %q, %d wrapped bytes, %v; want both erased", keyID, len(wrapped), err)
	}
	events, err := db.AuditEvents(context.Background(), vigil.AuditFilter{Action: "evidence.delete", ObjectID: e.ID})
	if err != nil || len(events) != 1 {
		t.Errorf("audit evidence.delete events %v, %v; want one", events, err)
	}
}

// TestLegalHoldExtendsEvidence checks PR-04's extension: an active legal hold on the content
// keeps its evidence past the deadline until the hold ends or is released; holds of other
// kinds or on other content do not.
func TestLegalHoldExtendsEvidence(t *testing.T) {
	tests := []struct {
		name     string
		hold     func(c vigil.Case, deadline time.Time) vigil.Hold
		release  bool // release the hold a day after the deadline
		wantKept bool // the hold keeps the evidence past its deadline
	}{
		{"legal hold for 3 more months", func(c vigil.Case, d time.Time) vigil.Hold {
			return vigil.Hold{Kind: vigil.HoldLegal, ContentID: c.ContentID, CaseID: c.ID, Authority: "Court of X",
				Reference: "AZ 1/26", Until: d.AddDate(0, 3, 0)}
		}, false, true},
		{"legal hold released early", func(c vigil.Case, d time.Time) vigil.Hold {
			return vigil.Hold{Kind: vigil.HoldLegal, ContentID: c.ContentID, CaseID: c.ID, Authority: "Court of X",
				Reference: "AZ 2/26", Until: d.AddDate(1, 0, 0)}
		}, true, true},
		{"do not remove is not a legal hold", func(c vigil.Case, d time.Time) vigil.Hold {
			return vigil.Hold{Kind: vigil.HoldDoNotRemove, ContentID: c.ContentID, CaseID: c.ID, Authority: "EU Centre",
				Reference: "EUC-1", Until: d.AddDate(0, 3, 0)}
		}, false, false},
		{"legal hold on other content", func(c vigil.Case, d time.Time) vigil.Hold {
			return vigil.Hold{Kind: vigil.HoldLegal, ContentID: "cnt_other", Authority: "Court of X",
				Reference: "AZ 3/26", Until: d.AddDate(0, 3, 0)}
		}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openEvidence(t)
			c := confirmCase(t, db, "cnt_1", testMedia)
			e := onlyEvidence(t, db, c)
			var h vigil.Hold
			err := db.Update(legalCtx, func(tx *Tx) (err error) { h, err = tx.PlaceHold(tt.hold(c, e.Deadline)); return err })
			if err != nil {
				t.Fatal(err)
			}
			sweep := func(at time.Time) int {
				t.Helper()
				n, err := db.SweepEvidence(context.Background(), at)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			if tt.release {
				clockOf(db).Set(e.Deadline.Add(24 * time.Hour))
				if err := db.Update(legalCtx, func(tx *Tx) error { _, err := tx.ReleaseHold(h.ID, "proceedings closed"); return err }); err != nil {
					t.Fatal(err)
				}
			}
			end := e.Deadline // when the evidence goes
			switch {
			case tt.release:
				end = e.Deadline.Add(24 * time.Hour)
			case tt.wantKept:
				end = h.Until
			}
			if n := sweep(e.Deadline); tt.wantKept && n != 0 {
				t.Fatalf("deleted %d at the deadline under a legal hold; want 0", n)
			}
			if n := sweep(end.Add(-time.Millisecond)); tt.wantKept && n != 0 {
				t.Fatalf("deleted %d a millisecond before the hold's end; want 0", n)
			}
			sweep(end)
			var status vigil.EvidenceStatus
			db.read.QueryRow(`SELECT status FROM evidence WHERE id = ?`, e.ID).Scan(&status)
			if status != vigil.EvidenceDeleted {
				t.Fatalf("status %s once nothing holds it; want deleted", status)
			}
		})
	}
}

// TestPreserveEvidenceNeedsPurpose checks PR-01 and PR-02: untagged or wrongly tagged writes
// are refused, and leave neither a record nor a file.
func TestPreserveEvidenceNeedsPurpose(t *testing.T) {
	tests := []struct {
		name     string
		purposes []string
		media    []byte
		wantCode string
	}{
		{"untagged", nil, testMedia, vigil.EINVALID},
		{"unknown purpose", []string{"report", "training"}, testMedia, vigil.EINVALID},
		{"no bytes", []string{"report"}, nil, vigil.EINVALID},
		{"tagged", []string{"order", "order"}, testMedia, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openEvidence(t)
			c := openTestCase(t, db, "cnt_1", "ncmec", "", testMedia)
			err := db.Update(legalCtx, func(tx *Tx) error { return tx.PreserveEvidence(c, tt.media, "image/jpeg", tt.purposes) })
			wantCode(t, err, tt.wantCode)
			var rows int
			db.read.QueryRow(`SELECT count(*) FROM evidence`).Scan(&rows)
			v, _, _ := db.Vault()
			files, _ := v.Objects()
			if want := map[bool]int{true: 1, false: 0}[tt.wantCode == ""]; rows != want || len(files) != want {
				t.Errorf("%d records, %d files; want %d", rows, len(files), want)
			}
		})
	}
}

// TestCaseMediaIsLimitedToPurpose checks PR-05: evidence is read only for a purpose it is
// kept for, and every read is audited with its purpose.
func TestCaseMediaIsLimitedToPurpose(t *testing.T) {
	db := openEvidence(t)
	c := confirmCase(t, db, "cnt_1", testMedia)
	store := NewEvidenceStore(db)
	tests := []struct {
		purpose  string
		wantCode string
	}{
		{"report", ""},
		{"law_enforcement", ""},
		{"order", vigil.EFORBIDDEN},
		{"reporting", vigil.EINVALID},
		{"", vigil.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.purpose, func(t *testing.T) {
			data, mediaType, err := store.CaseMedia(legalCtx, c.ID, tt.purpose)
			wantCode(t, err, tt.wantCode)
			if err == nil && (!bytes.Equal(data, testMedia) || mediaType != "image/jpeg") {
				t.Errorf("CaseMedia = %q, %q", data, mediaType)
			}
		})
	}
	events, err := db.AuditEvents(context.Background(), vigil.AuditFilter{Action: "evidence.access"})
	if err != nil || len(events) != 2 || !strings.Contains(events[0].Detail, `"purpose":"report"`) {
		t.Errorf("evidence.access events %+v, %v; want the two allowed reads with their purpose", events, err)
	}
	if _, _, err := store.CaseMedia(legalCtx, "cas_none", "report"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
		t.Errorf("media of an unknown case: %v", err)
	}
}

// TestExportEvidence checks `vigil evidence export`: a tar of the decrypted bytes, the records
// and a SHA256SUMS manifest that verifies, audited with the request's reference.
func TestExportEvidence(t *testing.T) {
	db := openEvidence(t)
	c := confirmCase(t, db, "cnt_1", testMedia)
	e := onlyEvidence(t, db, c)
	store := NewEvidenceStore(db)
	var buf bytes.Buffer
	if err := store.ExportEvidence(legalCtx, c.ID, "  ", &buf); vigil.ErrorCode(err) != vigil.EINVALID {
		t.Fatalf("export without a reference: %v", err)
	}
	if err := store.ExportEvidence(legalCtx, "cas_none", "LE-1", &buf); vigil.ErrorCode(err) != vigil.ENOTFOUND {
		t.Fatalf("export of an unknown case: %v", err)
	}
	if err := store.ExportEvidence(legalCtx, c.ID, "LE-2026-17", &buf); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	var names []string
	tr := tar.NewReader(&buf)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		files[hdr.Name] = b
		names = append(names, hdr.Name)
	}
	want := []string{"export.json", e.ID + ".jpg", e.ID + ".json", vault.ManifestName}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("archive holds %v, want %v", names, want)
	}
	if !bytes.Equal(files[e.ID+".jpg"], testMedia) || !bytes.Contains(files["export.json"], []byte("LE-2026-17")) {
		t.Errorf("archive content wrong: %q", files["export.json"])
	}
	for _, line := range strings.Split(strings.TrimSpace(string(files[vault.ManifestName])), "\n") {
		sum, name, _ := strings.Cut(line, "  ")
		got := sha256.Sum256(files[name])
		if hex.EncodeToString(got[:]) != sum {
			t.Errorf("manifest line %q does not verify", line)
		}
	}
	var one bytes.Buffer
	if err := store.ExportEvidence(legalCtx, e.ID, "LE-2026-18", &one); err != nil || one.Len() == 0 {
		t.Fatalf("export of one object by its id: %v", err)
	}
	events, _ := db.AuditEvents(context.Background(), vigil.AuditFilter{Action: "evidence.export", ObjectID: c.ID})
	if len(events) != 2 || !strings.Contains(events[0].Detail, "LE-2026-17") || events[0].ActorID != "usr_legal" {
		t.Errorf("evidence.export events %+v", events)
	}
}
