package sqlite

import (
	"context"
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
