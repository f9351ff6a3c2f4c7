package sqlite

import (
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
)

// TestUpheldComplaintWithdrawsHeldRemoval is a simulated-clock test of IR-05 with RP-18: a
// confirmation under a do-not-remove hold leaves the removal held; a complaint upheld while
// the hold lasts restores the item and withdraws the held removal, so the hold's end, whether
// it runs out or is released, sends nothing and the restore stands.
func TestUpheldComplaintWithdrawsHeldRemoval(t *testing.T) {
	tests := []struct {
		name string
		at   time.Duration // when the hold ends, after actionsT0
		end  func(t *testing.T, db *DB, h vigil.Hold)
	}{
		{"hold ran out", 30 * day, func(t *testing.T, db *DB, h vigil.Hold) { resumeHeld(t, db) }},
		{"hold released", 10 * day, func(t *testing.T, db *DB, h vigil.Hold) {
			inTx(t, db, func(tx *Tx) error { _, err := tx.ReleaseHold(h.ID, "investigation closed"); return err })
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, clock, hook := openActions(t)
			h := placeHold(t, db, vigil.Hold{Kind: vigil.HoldDoNotRemove, ContentID: "cnt_1", Reference: "EUC-DNR-1",
				Until: actionsT0.Add(30 * day)})
			kase := confirmedCase(t, db)
			removal := onlyAction(t, db, "cnt_1", vigil.ActionRemove)
			if removal.Status != vigil.ActionHeld || removal.HoldID != h.ID {
				t.Fatalf("removal %+v, want held by %s", removal, h.ID)
			}

			clock.Advance(day)
			s := NewComplaints(db)
			filed, _, err := s.File(platformKey, vigil.Complaint{CaseID: kase.ID, Kind: vigil.ComplaintDetection,
				Text: "This is a photo of my garden."}, "")
			if err != nil {
				t.Fatal(err)
			}
			seq := lastSeq(t, db)
			decided, err := s.Decide(reviewer("usr_bob"), filed.ID, vigil.ComplaintUpheld, "not abuse material")
			if err != nil {
				t.Fatal(err)
			}
			withdrawn := onlyAction(t, db, "cnt_1", vigil.ActionRemove)
			if withdrawn.Status != vigil.ActionWithdrawn || !strings.Contains(withdrawn.Reason, filed.ID) {
				t.Errorf("removal after the upheld complaint %+v, want withdrawn naming %s", withdrawn, filed.ID)
			}
			if !audited(t, db, seq, "action.withdraw", removal.ID) {
				t.Errorf("no action.withdraw audit event for %s", removal.ID)
			}

			clock.Set(actionsT0.Add(tt.at))
			tt.end(t, db, h)
			assertAction(t, db, removal.ID, vigil.ActionWithdrawn)
			var kinds []string
			for _, e := range eventsOf(t, db, hook, vigil.EventActionRequested) {
				kinds = append(kinds, e["kind"].(string))
			}
			if len(kinds) != 1 || kinds[0] != string(vigil.ActionRestore) {
				t.Errorf("action.requested events %v after the hold's end, want only the restore", kinds)
			}
			restore := onlyAction(t, db, "cnt_1", vigil.ActionRestore)
			if restore.ID != decided.ActionID || restore.Status != vigil.ActionRequested {
				t.Errorf("restore %+v, want the complaint's %s still requested", restore, decided.ActionID)
			}
		})
	}
}

// TestComplaintCannotRestoreOrderedRemoval checks Art. 15 and RO-09: redress against a removal
// order lies before the issuing authority's courts, so a complaint about an item an order took
// down, named by content id or by URL alone, cannot be upheld into a restore; it can be
// rejected.
func TestComplaintCannotRestoreOrderedRemoval(t *testing.T) {
	tests := []struct {
		name string
		doc  func() vigil.Order
	}{
		{"named by content id", func() vigil.Order { return parseDoc(t, removalDoc("cnt_A")) }},
		{"named by URL", func() vigil.Order { return parseDoc(t, removalDoc()) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newOrderFixture(t)
			addContent(t, f.db, "cnt_A", "user-a", nil)
			inTx(t, f.db, func(tx *Tx) error {
				_, err := tx.ExecContext(tx.ctx, `UPDATE content SET url = 'https://photos.example/p/unknown' WHERE id = 'cnt_A'`)
				return err
			})
			o, _, err := f.store.Receive(authorityCtx, tt.doc())
			if err != nil {
				t.Fatal(err)
			}
			f.finishActions(t, o)

			s := NewComplaints(f.db)
			filed, _, err := s.File(platformKey, vigil.Complaint{ContentID: "cnt_A", Kind: vigil.ComplaintRemoval,
				Text: "This is a photo of my garden."}, "")
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Decide(reviewer("usr_bob"), filed.ID, vigil.ComplaintUpheld, "not abuse material")
			wantCode(t, err, vigil.ECONFLICT)
			for _, want := range []string{o.ID, o.Reference, "issuing authority", "RO-09"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not name %q", err, want)
				}
			}
			var restores []vigil.Action
			inTx(t, f.db, func(tx *Tx) (err error) { restores, err = tx.actionsWhere(`kind = 'restore'`); return err })
			if len(restores) != 0 {
				t.Errorf("restores %+v after the refusal, want none", restores)
			}
			decided, err := s.Decide(reviewer("usr_bob"), filed.ID, vigil.ComplaintRejected, "an authority's order: redress lies with its courts")
			if err != nil || decided.Outcome != vigil.ComplaintRejected || decided.ActionID != "" {
				t.Errorf("reject: %+v, %v; want rejected without an action", decided, err)
			}
		})
	}
}

// onlyAction returns the one action of kind on contentID, failing the test unless there is
// exactly one.
func onlyAction(t *testing.T, db *DB, contentID string, kind vigil.ActionKind) vigil.Action {
	t.Helper()
	var as []vigil.Action
	inTx(t, db, func(tx *Tx) (err error) {
		as, err = tx.actionsWhere(`content_id = ? AND kind = ?`, contentID, kind)
		return err
	})
	if len(as) != 1 {
		t.Fatalf("%s actions on %s: %+v, want one", kind, contentID, as)
	}
	return as[0]
}

// audited reports whether an audit event action about objectID was written after seq.
func audited(t *testing.T, db *DB, seq int64, action, objectID string) bool {
	t.Helper()
	for _, e := range auditedActions(t, db, seq) {
		if e.Action == action && e.ObjectID == objectID {
			return true
		}
	}
	return false
}
