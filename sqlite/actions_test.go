package sqlite

import (
	"testing"
	"time"

	"github.com/vigilproject/vigil"
)

// TestRequestAction checks RP-18: a takedown of an item under a do_not_remove hold is held and
// not sent; anything else is recorded and sent to the platform's webhook.
func TestRequestAction(t *testing.T) {
	db, _, hook := openActions(t)
	addContent(t, db, "cnt_held", "user-1", nil)
	addContent(t, db, "cnt_free", "user-2", nil)
	hold := placeHold(t, db, vigil.Hold{Kind: vigil.HoldDoNotRemove, ContentID: "cnt_held", Reference: "EUC-9",
		Until: actionsT0.Add(30 * day)})
	tests := []struct {
		name       string
		action     vigil.Action
		wantStatus vigil.ActionStatus
		wantHold   string
		wantCode   string
	}{
		{"remove held", vigil.Action{Kind: vigil.ActionRemove, Trigger: vigil.TriggerOwnInitiative, ContentID: "cnt_held"}, vigil.ActionHeld, hold.ID, ""},
		{"disable held", vigil.Action{Kind: vigil.ActionDisable, Trigger: vigil.TriggerRemovalOrder, ContentID: "cnt_held"}, vigil.ActionHeld, hold.ID, ""},
		{"suspend not held", vigil.Action{Kind: vigil.ActionSuspend, Trigger: vigil.TriggerOwnInitiative, ContentID: "cnt_held"}, vigil.ActionRequested, "", ""},
		{"remove free", vigil.Action{Kind: vigil.ActionRemove, Trigger: vigil.TriggerOwnInitiative, ContentID: "cnt_free"}, vigil.ActionRequested, "", ""},
		{"URL only", vigil.Action{Kind: vigil.ActionRemove, Trigger: vigil.TriggerRemovalOrder, URL: "https://photos.example/x"}, vigil.ActionRequested, "", ""},
		{"no item", vigil.Action{Kind: vigil.ActionRemove, Trigger: vigil.TriggerOwnInitiative}, "", "", vigil.EINVALID},
		{"bad kind", vigil.Action{Kind: "burn", Trigger: vigil.TriggerOwnInitiative, ContentID: "cnt_free"}, "", "", vigil.EINVALID},
		{"bad trigger", vigil.Action{Kind: vigil.ActionRemove, Trigger: "whim", ContentID: "cnt_free"}, "", "", vigil.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(eventsOf(t, db, hook, vigil.EventActionRequested))
			var got vigil.Action
			err := db.Update(adminCtx, func(tx *Tx) (err error) { got, err = tx.RequestAction(tt.action); return err })
			wantCode(t, err, tt.wantCode)
			if err != nil {
				return
			}
			if got.Status != tt.wantStatus || got.HoldID != tt.wantHold {
				t.Errorf("status %s hold %q, want %s hold %q", got.Status, got.HoldID, tt.wantStatus, tt.wantHold)
			}
			sent := len(eventsOf(t, db, hook, vigil.EventActionRequested)) - before
			if want := map[bool]int{true: 1, false: 0}[tt.wantStatus == vigil.ActionRequested]; sent != want {
				t.Errorf("%d action.requested events queued, want %d", sent, want)
			}
		})
	}
	for _, e := range eventsOf(t, db, hook, vigil.EventActionRequested) {
		if e["content_id"] == "cnt_free" && (e["external_id"] != "ext-cnt_free" ||
			e["url"] != "https://photos.example/p/1" || e["service"] != "photos") {
			t.Errorf("event %v lacks the item's external id, URL and service", e)
		}
	}
}

// TestHeldActionResumesWhenHoldEnds is the simulated-clock bar of RP-18's period: a held
// takedown is sent once its hold is released, or by the notice worker once it has run out.
func TestHeldActionResumesWhenHoldEnds(t *testing.T) {
	db, clock, hook := openActions(t)
	addContent(t, db, "cnt_1", "user-1", nil)
	addContent(t, db, "cnt_2", "user-2", nil)
	h1 := placeHold(t, db, vigil.Hold{Kind: vigil.HoldDoNotRemove, ContentID: "cnt_1", Reference: "EUC-1", Until: actionsT0.Add(30 * day)})
	placeHold(t, db, vigil.Hold{Kind: vigil.HoldDoNotRemove, ContentID: "cnt_2", Reference: "EUC-2", Until: actionsT0.Add(30 * day)})
	var a1, a2 vigil.Action
	inTx(t, db, func(tx *Tx) (err error) {
		if a1, err = tx.RequestAction(vigil.Action{Kind: vigil.ActionRemove, Trigger: vigil.TriggerOwnInitiative, ContentID: "cnt_1"}); err != nil {
			return err
		}
		a2, err = tx.RequestAction(vigil.Action{Kind: vigil.ActionRemove, Trigger: vigil.TriggerOwnInitiative, ContentID: "cnt_2"})
		return err
	})
	if n := len(eventsOf(t, db, hook, vigil.EventActionRequested)); n != 0 {
		t.Fatalf("%d events for held actions", n)
	}
	clock.Advance(day)
	inTx(t, db, func(tx *Tx) error { _, err := tx.ReleaseHold(h1.ID, "withdrawn"); return err })
	assertAction(t, db, a1.ID, vigil.ActionRequested)
	assertAction(t, db, a2.ID, vigil.ActionHeld)

	// A second hold on cnt_2 that outlasts the first keeps its takedown held past the first's end.
	placeHold(t, db, vigil.Hold{Kind: vigil.HoldDoNotRemove, ContentID: "cnt_2", Reference: "EUC-3", Until: actionsT0.Add(40 * day)})
	clock.Set(actionsT0.Add(35 * day))
	resumeHeld(t, db)
	assertAction(t, db, a2.ID, vigil.ActionHeld)
	clock.Set(actionsT0.Add(40*day - time.Millisecond))
	resumeHeld(t, db)
	assertAction(t, db, a2.ID, vigil.ActionHeld)
	clock.Set(actionsT0.Add(40 * day))
	resumeHeld(t, db)
	assertAction(t, db, a2.ID, vigil.ActionRequested)
	if n := len(eventsOf(t, db, hook, vigil.EventActionRequested)); n != 2 {
		t.Errorf("%d action.requested events, want 2", n)
	}
}

// resumeHeld runs one pass of the notice worker, which resumes the takedowns of expired holds.
func resumeHeld(t *testing.T, db *DB) {
	t.Helper()
	if err := noticeWorker(db).Tick(adminCtx); err != nil {
		t.Fatal(err)
	}
}

func assertAction(t *testing.T, db *DB, id string, want vigil.ActionStatus) {
	t.Helper()
	var a vigil.Action
	inTx(t, db, func(tx *Tx) (err error) { a, err = tx.action(id); return err })
	if a.Status != want {
		t.Errorf("action %s is %s, want %s", id, a.Status, want)
	}
}

// TestFinishAction checks the platform's answer: done schedules the uploader's removal notice
// (RO-07, IR-09) or restored notice (IR-05); an answer comes once.
func TestFinishAction(t *testing.T) {
	db, clock, _ := openActions(t)
	addContent(t, db, "cnt_1", "user-1", map[string]string{MetaUploaderLanguage: "de"})
	request := func(kind vigil.ActionKind, trigger vigil.ActionTrigger) vigil.Action {
		var a vigil.Action
		inTx(t, db, func(tx *Tx) (err error) {
			a, err = tx.RequestAction(vigil.Action{Kind: kind, Trigger: trigger, ContentID: "cnt_1"})
			return err
		})
		return a
	}
	tests := []struct {
		name       string
		action     vigil.Action
		status     vigil.ActionStatus
		wantCode   string
		wantNotice vigil.NoticeKind
	}{
		{"removed", request(vigil.ActionRemove, vigil.TriggerOwnInitiative), vigil.ActionDone, "", vigil.NoticeRemoval},
		{"restored", request(vigil.ActionRestore, vigil.TriggerOwnInitiative), vigil.ActionDone, "", vigil.NoticeRestored},
		{"order's removal", request(vigil.ActionRemove, vigil.TriggerRemovalOrder), vigil.ActionDone, "", ""},
		{"complaint's restore", request(vigil.ActionRestore, vigil.TriggerComplaint), vigil.ActionDone, "", ""},
		{"failed", request(vigil.ActionRemove, vigil.TriggerOwnInitiative), vigil.ActionFailed, "", ""},
		{"bad status", request(vigil.ActionRemove, vigil.TriggerOwnInitiative), vigil.ActionHeld, vigil.EINVALID, ""},
		{"unknown", vigil.Action{ID: "act_nope"}, vigil.ActionDone, vigil.ENOTFOUND, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock.Advance(time.Minute)
			err := db.Update(adminCtx, func(tx *Tx) error { _, err := tx.FinishAction(tt.action.ID, tt.status, "platform says"); return err })
			wantCode(t, err, tt.wantCode)
			if err != nil {
				return
			}
			err = db.Update(adminCtx, func(tx *Tx) error { _, err := tx.FinishAction(tt.action.ID, tt.status, ""); return err })
			wantCode(t, err, vigil.ECONFLICT)
			var ns []vigil.Notice
			inTx(t, db, func(tx *Tx) (err error) {
				ps, err := tx.pendingNotices("cnt_1", "")
				for _, p := range ps {
					if p.notice.Reference == tt.action.ID {
						ns = append(ns, p.notice)
					}
				}
				return err
			})
			if tt.wantNotice == "" {
				if len(ns) != 0 {
					t.Errorf("notices %+v, want none", ns)
				}
				return
			}
			if len(ns) != 1 || ns[0].Kind != tt.wantNotice || !ns[0].Due.Equal(clock.Now()) ||
				ns[0].Uploader != "user-1" || ns[0].Language != "de" {
				t.Errorf("notices %+v, want one %s notice due now for user-1 in de", ns, tt.wantNotice)
			}
		})
	}
}

// TestActOnConfirm checks the automatic action on a confirmed case: the service's setting,
// remove by default, and held under a do_not_remove hold (RP-18).
func TestActOnConfirm(t *testing.T) {
	db, _, _ := openActions(t)
	inTx(t, db, func(tx *Tx) error {
		_, err := tx.ExecContext(tx.ctx, `INSERT INTO services (name, type, jurisdiction, enabled, created)
			VALUES ('chat', 'interpersonal', 'EU', 1, 0), ('files', 'hosting', 'EU', 1, 0)`)
		return err
	})
	inTx(t, db, func(tx *Tx) error { return tx.SetOnConfirm("chat", "disable") })
	inTx(t, db, func(tx *Tx) error { return tx.SetOnConfirm("files", OnConfirmNone) })
	wantCode(t, db.Update(adminCtx, func(tx *Tx) error { return tx.SetOnConfirm("photos", "burn") }), vigil.EINVALID)
	wantCode(t, db.Update(adminCtx, func(tx *Tx) error { return tx.SetOnConfirm("nope", "remove") }), vigil.ENOTFOUND)
	placeHold(t, db, vigil.Hold{Kind: vigil.HoldDoNotRemove, ContentID: "cnt_held", Reference: "EUC-1", Until: actionsT0.Add(day)})
	tests := []struct {
		name, service, content string
		want                   []string
	}{
		{"default remove", "photos", "cnt_1", []string{"remove requested"}},
		{"disable", "chat", "cnt_2", []string{"disable requested"}},
		{"none", "files", "cnt_3", nil},
		{"held", "photos", "cnt_held", []string{"remove held"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			inTx(t, db, func(tx *Tx) error {
				c := vigil.Case{ID: "cas_" + tt.content, ContentID: tt.content, Service: tt.service}
				if err := tx.actOnConfirm(c, "dec_1"); err != nil {
					return err
				}
				as, err := tx.actionsWhere(`content_id = ?`, tt.content)
				for _, a := range as {
					got = append(got, string(a.Kind)+" "+string(a.Status))
					if a.Trigger != vigil.TriggerOwnInitiative || a.CaseID != c.ID || a.Reference != "dec_1" {
						t.Errorf("action %+v: want own initiative, the case and the decision", a)
					}
				}
				return err
			})
			if !equalSets(got, tt.want) {
				t.Errorf("actions %v, want %v", got, tt.want)
			}
		})
	}
}
