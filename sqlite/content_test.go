package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
)

// TestContentVerdictOnce checks the store's two promises to the pipeline: a repeated (service,
// external id) finds the first item, and an item gets exactly one verdict, which deletes its job.
func TestContentVerdictOnce(t *testing.T) {
	db := openTest(t)
	store := NewContentStore(db)
	ctx := context.Background()
	if err := store.Prepare(ctx); err != nil {
		t.Fatal(err)
	}
	now := db.Clock.Now()
	item := func(ext string) vigil.Content {
		return vigil.Content{ID: vigil.NewID(vigil.PrefixContent, now), Service: "photos", ExternalID: ext,
			Type: vigil.ContentPhoto, Received: now, Verdict: vigil.Verdict{Status: vigil.VerdictPending}}
	}
	insert := func(c vigil.Content) (vigil.Content, int64, bool) {
		t.Helper()
		var stored vigil.Content
		var row int64
		var created bool
		err := db.Update(ctx, func(tx *Tx) error {
			var err error
			stored, row, created, err = store.InsertContent(tx, c, JobBytes, []byte("bytes"))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return stored, row, created
	}
	first, row, created := insert(item("a"))
	tests := []struct {
		name    string
		c       vigil.Content
		created bool
	}{
		{"same external id", item("a"), false},
		{"other external id", item("b"), true},
		{"no external id", item(""), true},
		{"no external id again", item(""), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, created := insert(tt.c)
			if created != tt.created || !created && got.ID != first.ID {
				t.Errorf("created %v id %s, want created %v (first %s)", created, got.ID, tt.created, first.ID)
			}
		})
	}
	if !created {
		t.Fatal("first insert not created")
	}
	if n, err := store.Backlog(ctx); err != nil || n != 4 {
		t.Fatalf("backlog %d, %v; want 4", n, err)
	}
	final := first
	final.Verdict = vigil.Verdict{Status: vigil.VerdictNoMatch, Decided: now.Add(time.Second)}
	for i, want := range []bool{true, false} {
		err := db.Update(ctx, func(tx *Tx) error { return store.SetVerdict(tx, row, final) })
		if (err == nil) != want {
			t.Errorf("verdict %d: %v, want success %v", i+1, err, want)
		}
	}
	got, err := store.Content(ctx, first.ID)
	if err != nil || got.Verdict.Status != vigil.VerdictNoMatch {
		t.Errorf("stored %+v, %v", got.Verdict, err)
	}
	if jobs, err := store.Jobs(ctx, 0, 1<<62, 10); err != nil || len(jobs) != 3 || jobs[0].Row == row {
		t.Errorf("jobs %+v, %v: want the 3 others", jobs, err)
	}
	counts, err := store.Counts(ctx, now, now)
	if err != nil || len(counts) != 1 || counts[0].Count != 1 || counts[0].Status != vigil.VerdictNoMatch {
		t.Errorf("counts %+v, %v", counts, err)
	}
}

// TestVerdictForgetsTheUploaderOfANonMatch is PR-06 and IR-12 at the store: an item that did
// not match keeps nothing about who uploaded it, whether its verdict came from the pipeline or
// the gate refused it at intake; a match keeps both for its case and report.
func TestVerdictForgetsTheUploaderOfANonMatch(t *testing.T) {
	db := openTest(t)
	store := NewContentStore(db)
	ctx := context.Background()
	if err := store.Prepare(ctx); err != nil {
		t.Fatal(err)
	}
	now := db.Clock.Now()
	tests := []struct {
		name    string
		intake  vigil.VerdictStatus // the status the item is stored with
		verdict vigil.VerdictStatus // the verdict set after, when intake is pending
		keeps   bool
	}{
		{"no match", vigil.VerdictPending, vigil.VerdictNoMatch, false},
		{"error", vigil.VerdictPending, vigil.VerdictError, false},
		{"refused at intake", vigil.VerdictNotScanned, "", false},
		{"match", vigil.VerdictPending, vigil.VerdictMatch, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := vigil.Content{ID: vigil.NewID(vigil.PrefixContent, now), Service: "photos",
				ExternalID: fmt.Sprint("ext-", i), Uploader: "user-77", Type: vigil.ContentPhoto, Received: now,
				Metadata: map[string]string{MetaUploaderEmail: "someone@mail.example"},
				Verdict:  vigil.Verdict{Status: tt.intake}}
			err := db.Update(ctx, func(tx *Tx) error {
				_, row, _, err := store.InsertContent(tx, c, JobBytes, []byte("bytes"))
				if err != nil || tt.verdict == "" {
					return err
				}
				c.Verdict = vigil.Verdict{Status: tt.verdict, Decided: now}
				return store.SetVerdict(tx, row, c)
			})
			if err != nil {
				t.Fatal(err)
			}
			got, err := store.Content(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			kept := got.Uploader != "" || len(got.Metadata) != 0
			if kept != tt.keeps {
				t.Errorf("uploader %q metadata %v after %s, want kept %v", got.Uploader, got.Metadata, got.Verdict.Status, tt.keeps)
			}
		})
	}
}
