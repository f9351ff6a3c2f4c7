package sqlite

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/vault"
)

// reopenVault opens the vault of db's data directory afresh, as a new process would, and makes
// db use it.
func reopenVault(t *testing.T, db *DB) *vault.Vault {
	t.Helper()
	dir := filepath.Dir(db.path)
	v, err := vault.Open(vault.Config{Dir: filepath.Join(dir, vault.DefaultDir), KeyFile: filepath.Join(dir, vault.DefaultKeyFile)})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.UseEvidence(v, vigil.DefaultRetentionPolicy); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestRotateEvidenceKeyResumesAfterInterruption checks that rotation is crash-safe: stopped
// after one object, every object still opens with the keys a restart loads; run again, it
// finishes, the old key is gone from disk and no longer opens anything, and every object
// opens under the new key.
func TestRotateEvidenceKeyResumesAfterInterruption(t *testing.T) {
	db := openEvidence(t)
	store := NewEvidenceStore(db)
	cases := []vigil.Case{
		confirmCase(t, db, "cnt_1", []byte("first benign payload")),
		confirmCase(t, db, "cnt_2", []byte("second benign payload")),
		confirmCase(t, db, "cnt_3", []byte("third benign payload")),
	}
	keyFile := filepath.Join(filepath.Dir(db.path), vault.DefaultKeyFile)
	oldKey, err := vault.ReadKeyFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	readAll := func(t *testing.T) {
		t.Helper()
		for _, c := range cases {
			if _, _, err := store.CaseMedia(legalCtx, c.ID, "report"); err != nil {
				t.Fatalf("read %s: %v", c.ID, err)
			}
		}
	}

	ctx, stop := context.WithCancel(context.Background())
	n, err := db.RotateEvidenceKey(ctx, func(done int) { stop() })
	if err == nil || n != 1 {
		t.Fatalf("interrupted rotation: %d re-wrapped, %v; want 1 and an error", n, err)
	}
	v := reopenVault(t, db)
	if !v.Rotating() || v.KeyID() == oldKey.ID() {
		t.Fatal("after the interruption a restart should load both keys, the new one current")
	}
	readAll(t)

	n, err = db.RotateEvidenceKey(context.Background(), nil)
	if err != nil || n != 2 {
		t.Fatalf("resumed rotation: %d re-wrapped, %v; want the 2 left", n, err)
	}
	if _, err := os.Stat(keyFile + ".new"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the rotation's new key file is still there: %v", err)
	}
	newKey, err := vault.ReadKeyFile(keyFile)
	if err != nil || newKey.ID() == oldKey.ID() || newKey.ID() != v.KeyID() {
		t.Fatalf("key file holds %v, %v; want the new key", newKey, err)
	}
	if v := reopenVault(t, db); v.Rotating() {
		t.Error("a restart after the rotation still loads two keys")
	}
	readAll(t)
	var stale int
	db.read.QueryRow(`SELECT count(*) FROM evidence WHERE key_id != ?`, newKey.ID()).Scan(&stale)
	if stale != 0 {
		t.Errorf("%d records still under another key", stale)
	}

	old, err := vault.Open(vault.Config{Dir: v.Dir(), Key: &oldKey})
	if err != nil {
		t.Fatal(err)
	}
	db.UseEvidence(old, vigil.DefaultRetentionPolicy)
	if _, _, err := store.CaseMedia(legalCtx, cases[0].ID, "report"); err == nil {
		t.Error("the retired key still opens evidence")
	}
	events, _ := db.AuditEvents(context.Background(), vigil.AuditFilter{Action: "evidence.rotate_key"})
	if len(events) != 1 || !bytes.Contains([]byte(events[0].Detail), []byte(oldKey.ID())) {
		t.Errorf("rotation audit events %+v", events)
	}
}

// TestUseEvidenceRefusesBadPolicy checks PR-07: a policy that breaks a rule of a jurisdiction
// it names is refused.
func TestUseEvidenceRefusesBadPolicy(t *testing.T) {
	db := openEvidence(t)
	v, _, err := db.Vault()
	if err != nil {
		t.Fatal(err)
	}
	bad := vigil.RetentionPolicy{Jurisdictions: []vigil.Jurisdiction{vigil.JurisdictionEU, vigil.JurisdictionUS}, Months: 18, SignedOffBy: "counsel"}
	if err := db.UseEvidence(v, bad); vigil.ErrorCode(err) != vigil.EINVALID {
		t.Errorf("UseEvidence(%v) = %v, want refused", bad, err)
	}
}
