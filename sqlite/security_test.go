package sqlite

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/audit"
	"github.com/vigilproject/vigil/internal/fakeclock"
	"github.com/vigilproject/vigil/masterkey"
)

var testClock = fakeclock.New(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))

// openWith opens the database at path with key, failing the test on error.
func openWith(t *testing.T, path string, key masterkey.Key) *DB {
	t.Helper()
	db, err := Open(context.Background(), path, testClock, WithMasterKey(key))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// fileBytes returns the database file and its WAL, concatenated.
func fileBytes(t *testing.T, path string) []byte {
	t.Helper()
	var all []byte
	for _, p := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

func TestSecretsAreWrappedUnderTheMasterKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vigil.db")
	key := masterkey.Generate()
	db := openWith(t, path, key)
	ctx := context.Background()
	var secrets [][]byte
	for _, name := range []string{"case_media_key", "session_key"} {
		s, err := db.Secret(ctx, name, 32)
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, s)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	raw := fileBytes(t, path)
	for _, s := range secrets {
		if bytes.Contains(raw, s) {
			t.Fatalf("the database file holds secret %x in clear", s)
		}
	}
	if bytes.Contains(raw, []byte(key.Encode())) {
		t.Fatal("the database file holds the master key")
	}

	_, err := Open(ctx, path, testClock, WithMasterKey(masterkey.Generate()))
	if !errors.Is(err, ErrWrongMasterKey) {
		t.Fatalf("open with another key: %v, want ErrWrongMasterKey", err)
	}
	db = openWith(t, path, key)
	if again, err := db.Secret(ctx, "case_media_key", 32); err != nil || !bytes.Equal(again, secrets[0]) {
		t.Fatalf("after reopening: %x, %v; want %x", again, err, secrets[0])
	}
}

func TestOpenDefaultsToAKeyFileBesideTheDatabase(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "vigil.db")
	db, err := Open(context.Background(), path, testClock)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	key, err := masterkey.ReadFile(filepath.Join(dir, masterkey.DefaultFile))
	if err != nil {
		t.Fatal(err)
	}
	openWith(t, path, key) // the same key: no ErrWrongMasterKey
}

func TestSecretStoredInClearIsWrappedOnFirstRead(t *testing.T) {
	db := openTest(t)
	legacy := bytes.Repeat([]byte{0x5a}, 32)
	if _, err := db.write.Exec(`INSERT INTO secrets (name, value) VALUES ('old_key', ?)`, legacy); err != nil {
		t.Fatal(err)
	}
	got, err := db.Secret(context.Background(), "old_key", 32)
	if err != nil || !bytes.Equal(got, legacy) {
		t.Fatalf("Secret = %x, %v; want the stored value", got, err)
	}
	var stored []byte
	if err := db.read.QueryRow(`SELECT value FROM secrets WHERE name = 'old_key'`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if !masterkey.IsWrapped(stored) || bytes.Contains(stored, legacy) {
		t.Fatalf("stored %x after the read, want it wrapped", stored)
	}
	if again, err := db.Secret(context.Background(), "old_key", 32); err != nil || !bytes.Equal(again, legacy) {
		t.Fatalf("second read %x, %v", again, err)
	}
}

func TestSecureDeleteLeavesNoTrace(t *testing.T) {
	db := openTest(t)
	payload := bytes.Repeat([]byte("DISTINCTIVE-UPLOAD-BYTES-0123456789/"), 3000) // ~100 KB: overflow pages
	marker := payload[:36]
	if _, err := db.write.Exec(`CREATE TABLE uploads (id INTEGER PRIMARY KEY, data BLOB) STRICT`); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO uploads (id, data) VALUES (1, ?)`,
		`PRAGMA wal_checkpoint(TRUNCATE)`, // the payload reaches the database file itself
		`DELETE FROM uploads WHERE id = 1 OR ? IS NULL`,
		`PRAGMA wal_checkpoint(TRUNCATE)`,
	} {
		var args []any
		if strings.Contains(q, "?") {
			args = append(args, payload)
		}
		if _, err := db.write.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if n := bytes.Count(fileBytes(t, db.path), marker); n > 0 {
		t.Fatalf("%d copies of the deleted payload remain in the database or its WAL", n)
	}
}

func TestAuditChainNeedsTheKey(t *testing.T) {
	db := openTest(t)
	ctx := vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorUser, ID: "usr_1", Name: "alice"})
	for _, id := range []string{"cas_a", "cas_b", "cas_c", "cas_d"} {
		if err := db.RecordView(ctx, "media.view", "case", id, "{}"); err != nil {
			t.Fatal(err)
		}
	}
	events := slices.Collect(func(yield func(vigil.AuditEvent) bool) {
		for e, err := range db.AllAuditEvents(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			yield(e)
		}
	})
	// Someone with write access to the file rewrites event 2 and recomputes the rest of the
	// chain, as an unkeyed hash would let them; without the master key they must guess a key.
	wrongKey := []byte("not the audit key")
	events[1].ObjectID = "cas_other"
	for i := 1; i < len(events); i++ {
		audit.Seal(wrongKey, &events[i], events[i-1].Hash)
		_, err := db.write.Exec(`UPDATE audit_events SET object_id = ?, prev_hash = ?, hash = ? WHERE seq = ?`,
			events[i].ObjectID, events[i].PrevHash, events[i].Hash, events[i].Seq)
		if err != nil {
			t.Fatal(err)
		}
	}
	head, err := db.VerifyAudit(ctx)
	var broken *audit.BrokenLinkError
	if !errors.As(err, &broken) || broken.Seq != 2 || head.Seq != 1 || head.Hash != events[0].Hash {
		t.Fatalf("VerifyAudit = %+v, %v; want broken at 2 after head 1", head, err)
	}
}

func TestAuditTimeFilter(t *testing.T) {
	clock := fakeclock.New(time.Date(2026, 11, 27, 11, 59, 59, 900_000_000, time.UTC))
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "vigil.db"), clock)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := vigil.WithActor(context.Background(), vigil.System)
	// Events at 11:59:59.9, 12:00:00, 12:00:00.5 and 12:00:01.
	for _, step := range []time.Duration{0, 100 * time.Millisecond, 500 * time.Millisecond, 500 * time.Millisecond} {
		clock.Advance(step)
		if err := db.RecordView(ctx, "media.view", "case", clock.Now().Format("05.000"), "{}"); err != nil {
			t.Fatal(err)
		}
	}
	noon := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		from, to time.Time
		want     []string
	}{
		{"from noon", noon, time.Time{}, []string{"00.000", "00.500", "01.000"}},
		{"to noon", time.Time{}, noon, []string{"59.900"}},
		{"the first second", noon, noon.Add(time.Second), []string{"00.000", "00.500"}},
		{"from half past", noon.Add(500 * time.Millisecond), time.Time{}, []string{"00.500", "01.000"}},
		{"to half past", time.Time{}, noon.Add(500 * time.Millisecond), []string{"59.900", "00.000"}},
		{"in another zone", noon.In(time.FixedZone("CET", 3600)), time.Time{}, []string{"00.000", "00.500", "01.000"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, err := db.AuditEvents(ctx, vigil.AuditFilter{From: tt.from, To: tt.to})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range events {
				got = append(got, e.ObjectID)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAuditTimeBackfill(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vigil.db")
	old := &DB{path: path}
	var err error
	if old.write, err = openPool(path, "immediate", 1); err != nil {
		t.Fatal(err)
	}
	p, err := old.migrator()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(context.Background(), 8); err != nil {
		t.Fatal(err)
	}
	noon := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	times := []time.Time{
		noon,
		noon.Add(500 * time.Millisecond),
		noon.Add(123456789 * time.Nanosecond),
		noon.Add(999999 * time.Nanosecond), // under a millisecond: truncated to noon
		noon.Add(20 * time.Millisecond).In(time.FixedZone("", -(5*3600 + 1800))),
		noon.Add(time.Second).In(time.FixedZone("", 3600)),
	}
	for i, tm := range times {
		_, err := old.write.Exec(`INSERT INTO audit_events (seq, time, actor_kind, actor_id, actor_name,
			action, object_type, object_id, detail, prev_hash, hash) VALUES (?, ?, 'system', '', '', 'x', 'x', '', '{}', '', '')`,
			i+1, tm.Format(auditTime))
		if err != nil {
			t.Fatal(err)
		}
	}
	old.write.Close()
	db := openWith(t, path, masterkey.Generate())
	for i, tm := range times {
		var text string
		var got int64
		if err := db.read.QueryRow(`SELECT time, time_ms FROM audit_events WHERE seq = ?`, i+1).Scan(&text, &got); err != nil {
			t.Fatal(err)
		}
		if got != tm.UnixMilli() {
			t.Errorf("%s: time_ms %d, want %d (off by %d ms)", text, got, tm.UnixMilli(), got-tm.UnixMilli())
		}
	}
}
