package sqlite

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/fakeclock"
)

// actionsT0 is when the action, hold and notice tests start.
var actionsT0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// openActions opens a fresh database on a fake clock at actionsT0 with the service "photos" and
// a webhook subscribed to action.requested and notice.due, whose id it returns.
func openActions(t *testing.T) (*DB, *fakeclock.Clock, string) {
	t.Helper()
	db, clock := openWithPhotos(t, actionsT0)
	w := mustWebhook(t, db, vigil.EventActionRequested, vigil.EventNoticeDue)
	return db, clock, w.ID
}

// openWithPhotos opens a database in a temporary directory on a fake clock at start, with the
// EU hosting service "photos" configured.
func openWithPhotos(t *testing.T, start time.Time) (*DB, *fakeclock.Clock) {
	t.Helper()
	clock := fakeclock.New(start)
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "vigil.db"), clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	err = db.Update(adminCtx, func(tx *Tx) error {
		_, err := tx.ExecContext(tx.ctx, `INSERT INTO services (name, type, jurisdiction, enabled, created)
			VALUES ('photos', 'hosting', 'EU', 1, 0)`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return db, clock
}

// addContent stores a matched content item id uploaded by uploader with metadata.
func addContent(t *testing.T, db *DB, id, uploader string, metadata map[string]string) {
	t.Helper()
	meta, err := json.Marshal(nonNilMap(metadata))
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(adminCtx, func(tx *Tx) error {
		_, err := tx.ExecContext(tx.ctx, `INSERT INTO content (id, service, external_id, uploader, type,
			flags, metadata, url, size, received, status, reason, matches, case_id, decided)
			VALUES (?, 'photos', ?, ?, 'image', '[]', ?, 'https://photos.example/p/1', 10, ?, 'match', '', '[]', '', 0)`,
			id, "ext-"+id, uploader, string(meta), ms(tx.now))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// inTx runs fn in a write transaction, failing the test on error.
func inTx(t *testing.T, db *DB, fn func(tx *Tx) error) {
	t.Helper()
	if err := db.Update(adminCtx, fn); err != nil {
		t.Fatal(err)
	}
}

// placeHold places h, failing the test on error.
func placeHold(t *testing.T, db *DB, h vigil.Hold) vigil.Hold {
	t.Helper()
	var placed vigil.Hold
	inTx(t, db, func(tx *Tx) (err error) { placed, err = tx.PlaceHold(h); return err })
	return placed
}

// eventsOf returns the data of the deliveries of event queued for webhook id, oldest first.
func eventsOf(t *testing.T, db *DB, webhookID, event string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, d := range deliveriesOf(t, db, webhookID) {
		if d.Event != event {
			continue
		}
		var body struct{ Data map[string]any }
		if err := json.Unmarshal(d.Payload, &body); err != nil {
			t.Fatal(err)
		}
		out = append([]map[string]any{body.Data}, out...)
	}
	return out
}
