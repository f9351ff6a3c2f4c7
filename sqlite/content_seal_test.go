package sqlite

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
)

// rawFiles returns the bytes of the database file and its write-ahead log as they are on disk.
func rawFiles(t *testing.T, db *DB) []byte {
	t.Helper()
	var all []byte
	for _, name := range []string{db.path, db.path + "-wal"} {
		data, err := os.ReadFile(name)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, data...)
	}
	return all
}

// TestJobPayloadsAreSealed checks that a waiting job's payload is on disk only encrypted, that
// Jobs gives it back, and that a payload moved to another item's job does not open.
func TestJobPayloadsAreSealed(t *testing.T) {
	db := openTest(t)
	store := NewContentStore(db)
	ctx := context.Background()
	now := db.Clock.Now()
	item := func(ext string) vigil.Content {
		return vigil.Content{ID: vigil.NewID(vigil.PrefixContent, now), Service: "photos", ExternalID: ext,
			Type: vigil.ContentPhoto, Received: now, Verdict: vigil.Verdict{Status: vigil.VerdictPending}}
	}
	insert := func(c vigil.Content, payload []byte) error {
		return db.Update(ctx, func(tx *Tx) error {
			_, _, _, err := store.InsertContent(tx, c, JobBytes, payload)
			return err
		})
	}
	if err := insert(item("early"), []byte("x")); err == nil || !strings.Contains(err.Error(), "Prepare") {
		t.Fatalf("insert before Prepare: %v, want an error naming Prepare", err)
	}
	if err := store.Prepare(ctx); err != nil {
		t.Fatal(err)
	}
	payloads := [][]byte{
		[]byte(strings.Repeat("DISTINCTIVE-UPLOAD-BYTES-", 40)),
		[]byte(strings.Repeat("ANOTHER-PAYLOAD-", 40)),
	}
	for i, p := range payloads {
		if err := insert(item(string(rune('a'+i))), p); err != nil {
			t.Fatal(err)
		}
	}
	raw := rawFiles(t, db)
	for _, p := range payloads {
		if bytes.Contains(raw, p[:32]) {
			t.Errorf("the database files hold the plaintext %.32q", p)
		}
	}
	jobs, err := store.Jobs(ctx, 0, 1<<62, 10)
	if err != nil || len(jobs) != 2 {
		t.Fatalf("jobs %d, %v", len(jobs), err)
	}
	for i, j := range jobs {
		if !bytes.Equal(j.Payload, payloads[i]) {
			t.Errorf("job %d payload %.32q, want %.32q", i, j.Payload, payloads[i])
		}
	}
	// Swap the two sealed payloads: each is bound to its own content id.
	_, err = db.write.Exec(`UPDATE content_jobs SET (nonce, payload) =
		(SELECT nonce, payload FROM content_jobs o WHERE o.content_row != content_jobs.content_row)`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Jobs(ctx, 0, 1<<62, 10); err == nil || !strings.Contains(err.Error(), "decrypt") {
		t.Errorf("swapped payloads: %v, want a decryption error", err)
	}
}

// TestPlaintextJobsOfOlderVersions checks that a job written before payloads were sealed (no
// nonce) is still read.
func TestPlaintextJobsOfOlderVersions(t *testing.T) {
	db := openTest(t)
	store := NewContentStore(db)
	ctx := context.Background()
	if err := store.Prepare(ctx); err != nil {
		t.Fatal(err)
	}
	now := db.Clock.Now()
	c := vigil.Content{ID: vigil.NewID(vigil.PrefixContent, now), Service: "photos", Type: vigil.ContentPhoto,
		Received: now, Verdict: vigil.Verdict{Status: vigil.VerdictPending}}
	err := db.Update(ctx, func(tx *Tx) error {
		_, row, _, err := store.InsertContent(tx, c, "", nil)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO content_jobs (content_row, kind, payload) VALUES (?, ?, ?)`,
			row, JobSignals, []byte("md5:d41d8cd98f00b204e9800998ecf8427e\n"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	jobs, err := store.Jobs(ctx, 0, 1<<62, 10)
	if err != nil || len(jobs) != 1 || string(jobs[0].Payload) != "md5:d41d8cd98f00b204e9800998ecf8427e\n" {
		t.Fatalf("jobs %+v, %v", jobs, err)
	}
}

// TestContentByExternalIDUsesTheIndex checks that the idempotency lookup of every submission is
// an index search, not a scan of all content.
func TestContentByExternalIDUsesTheIndex(t *testing.T) {
	db := openTest(t)
	rows, err := db.read.Query(`EXPLAIN QUERY PLAN `+contentByExternalID, "photos", "x")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if len(plan) != 1 || !strings.Contains(plan[0], "USING INDEX content_external") {
		t.Errorf("query plan %q, want a search of content_external", plan)
	}
}
