package sqlite

import (
	"context"
	"slices"
	"testing"

	"github.com/vigilproject/vigil"
)

// TestSuspendUploaderRefuses checks who may suspend an uploader and when: a signed-in reviewer
// or legal user, with a reason, on a confirmed case only (IR-09).
func TestSuspendUploaderRefuses(t *testing.T) {
	tests := []struct {
		name    string
		ctx     context.Context
		confirm bool
		reason  string
		want    string
	}{
		{"reviewer", reviewer("usr_carol"), true, "repeat uploader", ""},
		{"legal", legal("usr_lena"), true, "repeat uploader", ""},
		{"API key", platformKey, true, "repeat uploader", vigil.EFORBIDDEN},
		{"no reason", reviewer("usr_carol"), true, " ", vigil.EINVALID},
		{"case not confirmed", reviewer("usr_carol"), false, "repeat uploader", vigil.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _, _ := openActions(t)
			var c vigil.Case
			if tt.confirm {
				c = confirmedCase(t, db)
			} else {
				addContent(t, db, "cnt_1", "user-1", nil)
				c = openTestCase(t, db, "cnt_1", "ncmec", "", testMedia)
			}
			a, err := NewActions(db).SuspendUploader(tt.ctx, c.ID, tt.reason)
			if got := vigil.ErrorCode(err); got != tt.want {
				t.Fatalf("error %v (code %q), want code %q", err, got, tt.want)
			}
			if err == nil && (a.Kind != vigil.ActionSuspend || a.Status != vigil.ActionRequested || a.Uploader != "user-1") {
				t.Errorf("action %+v, want a requested suspension of user-1", a)
			}
		})
	}
}

// TestSuspendUploaderNotifies is a simulated-clock test of IR-09 and SG-06: the suspension is
// sent with the uploader reference, goes ahead under a do-not-remove hold (RP-18 exempts items
// from takedown, not accounts), is not repeated, and the account notice is scheduled only when
// the platform confirms it, delayed by a do-not-inform hold on the item like a removal notice.
func TestSuspendUploaderNotifies(t *testing.T) {
	tests := []struct {
		name string
		hold vigil.HoldKind // placed on the item before the case is confirmed; "" for none
		want vigil.NoticeStatus
	}{
		{"no hold", "", vigil.NoticeScheduled},
		{"do-not-remove hold", vigil.HoldDoNotRemove, vigil.NoticeScheduled},
		{"do-not-inform hold", vigil.HoldDoNotInform, vigil.NoticeHeld},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, clock, hook := openActions(t)
			if tt.hold != "" {
				placeHold(t, db, vigil.Hold{Kind: tt.hold, ContentID: "cnt_1", Reference: "EUC-1", Until: actionsT0.Add(30 * day)})
			}
			c := confirmedCase(t, db)
			s := NewActions(db)
			a, err := s.SuspendUploader(reviewer("usr_carol"), c.ID, "confirmed upload")
			if err != nil {
				t.Fatal(err)
			}
			if a.Status != vigil.ActionRequested {
				t.Fatalf("suspension %+v, want requested", a)
			}
			var sent map[string]any
			for _, e := range eventsOf(t, db, hook, vigil.EventActionRequested) {
				if e["kind"] == string(vigil.ActionSuspend) {
					sent = e
				}
			}
			if sent == nil || sent["uploader"] != "user-1" || sent["id"] != a.ID {
				t.Errorf("action.requested for the suspension %v, want it with uploader user-1", sent)
			}
			if _, err := s.SuspendUploader(reviewer("usr_carol"), c.ID, "again"); vigil.ErrorCode(err) != vigil.ECONFLICT {
				t.Errorf("second suspension: error %v, want a conflict", err)
			}
			if n := accountNotices(t, db); len(n) != 0 {
				t.Fatalf("account notices before the platform confirmed: %+v", n)
			}

			clock.Advance(day)
			if _, err := s.Finish(platformKey, a.ID, vigil.ActionDone, ""); err != nil {
				t.Fatal(err)
			}
			n := accountNotices(t, db)
			if len(n) != 1 {
				t.Fatalf("account notices %+v, want one", n)
			}
			wantDue := clock.Now()
			if tt.want == vigil.NoticeHeld {
				wantDue = actionsT0.Add(30 * day)
			}
			if n[0].Status != tt.want || !n[0].Due.Equal(wantDue) || n[0].Uploader != "user-1" ||
				n[0].Reference != a.ID || n[0].Language != "en-GB" {
				t.Errorf("account notice %+v, want %s due %v for user-1 in en-GB about %s", n[0], tt.want, wantDue, a.ID)
			}
		})
	}
}

// TestUpheldAccountComplaintReinstates checks SG-06: an upheld complaint about an account
// suspension reinstates the account, sent with the uploader reference, and leaves the item's
// removal alone.
func TestUpheldAccountComplaintReinstates(t *testing.T) {
	db, clock, hook := openActions(t)
	c := confirmedCase(t, db)
	suspension, err := NewActions(db).SuspendUploader(reviewer("usr_alice"), c.ID, "confirmed upload")
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(day)
	s := NewComplaints(db)
	filed, _, err := s.File(platformKey, vigil.Complaint{CaseID: c.ID, Kind: vigil.ComplaintAccount,
		Text: "My account was blocked by mistake."}, "")
	if err != nil {
		t.Fatal(err)
	}
	decided, err := s.Decide(reviewer("usr_bob"), filed.ID, vigil.ComplaintUpheld, "wrong account")
	if err != nil {
		t.Fatal(err)
	}
	reinstate := onlyAction(t, db, "cnt_1", vigil.ActionReinstate)
	if reinstate.ID != decided.ActionID || reinstate.Trigger != vigil.TriggerComplaint || reinstate.Reference != filed.ID {
		t.Errorf("reinstatement %+v, want the complaint's %s", reinstate, decided.ActionID)
	}
	var kinds []string
	for _, e := range eventsOf(t, db, hook, vigil.EventActionRequested) {
		kinds = append(kinds, e["kind"].(string))
		if e["kind"] == string(vigil.ActionReinstate) && e["uploader"] != "user-1" {
			t.Errorf("reinstatement event %v, want uploader user-1", e)
		}
	}
	// Events queued in one millisecond have no order between them: compare the kinds sorted.
	slices.Sort(kinds)
	want := []string{string(vigil.ActionReinstate), string(vigil.ActionRemove), string(vigil.ActionSuspend)}
	if !slices.Equal(kinds, want) {
		t.Errorf("action.requested kinds %v, want %v", kinds, want)
	}
	assertAction(t, db, suspension.ID, vigil.ActionRequested)
	if onlyAction(t, db, "cnt_1", vigil.ActionRemove).Status != vigil.ActionRequested {
		t.Errorf("the item's removal changed after an account complaint")
	}
}

// accountNotices returns the account notices about cnt_1.
func accountNotices(t *testing.T, db *DB) []vigil.Notice {
	t.Helper()
	var out []vigil.Notice
	inTx(t, db, func(tx *Tx) error {
		rows, err := tx.QueryContext(tx.ctx, `SELECT `+noticeColumns+` FROM notices n WHERE content_id = ? AND kind = ?`,
			"cnt_1", vigil.NoticeAccount)
		if err != nil {
			return err
		}
		out, err = scanAll(rows, scanNoticeOnly)
		return err
	})
	return out
}

// TestSuspensionFillsDraftReport checks RP-13 Q11: suspending the uploader states the account
// decision in the case's draft report, unless legal already wrote one, and leaves a report
// past its draft alone.
func TestSuspensionFillsDraftReport(t *testing.T) {
	tests := []struct {
		name   string
		status vigil.ReportStatus
		preset string
		want   string
	}{
		{"draft", vigil.ReportDraft, "", accountSuspended},
		{"draft with a decision", vigil.ReportDraft, "account closed", "account closed"},
		{"awaiting second approval", vigil.ReportAwaitingSecond, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _, _ := openActions(t)
			c := confirmedCase(t, db)
			inTx(t, db, func(tx *Tx) error {
				id, rep := caseReport(t, tx, c.ID)
				rep.Record.Account = tt.preset
				nonce, sealed, err := tx.sealRecord(id, rep.Record)
				if err != nil {
					return err
				}
				_, err = tx.ExecContext(tx.ctx, `UPDATE reports SET status = ?, record_nonce = ?, record = ? WHERE id = ?`,
					tt.status, nonce, sealed, id)
				return err
			})
			if _, err := NewActions(db).SuspendUploader(legal("usr_lena"), c.ID, "confirmed upload"); err != nil {
				t.Fatal(err)
			}
			inTx(t, db, func(tx *Tx) error {
				if _, rep := caseReport(t, tx, c.ID); rep.Record.Account != tt.want {
					t.Errorf("account decision %q, want %q", rep.Record.Account, tt.want)
				}
				return nil
			})
		})
	}
}

// caseReport reads the id and report of case caseID.
func caseReport(t *testing.T, tx *Tx, caseID string) (string, vigil.Report) {
	t.Helper()
	var id string
	if err := tx.QueryRowContext(tx.ctx, `SELECT id FROM reports WHERE case_id = ?`, caseID).Scan(&id); err != nil {
		t.Fatalf("report of case %s: %v", caseID, err)
	}
	rep, err := tx.report(id)
	if err != nil {
		t.Fatal(err)
	}
	return id, rep
}
