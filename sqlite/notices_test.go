package sqlite

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/notice"
)

// noticeWorker returns a notice worker on db.
func noticeWorker(db *DB) *notice.Worker { return &notice.Worker{Store: db} }

// tickAt moves the clock to at, runs one worker pass and returns the notice.due events queued
// by it.
func tickAt(t *testing.T, db *DB, clock interface{ Set(time.Time) }, hook string, at time.Time) []map[string]any {
	t.Helper()
	before := len(eventsOf(t, db, hook, vigil.EventNoticeDue))
	clock.Set(at)
	if err := noticeWorker(db).Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	return eventsOf(t, db, hook, vigil.EventNoticeDue)[before:]
}

// scheduleNotice schedules n, failing the test on error.
func scheduleNotice(t *testing.T, db *DB, n vigil.Notice) vigil.Notice {
	t.Helper()
	var got vigil.Notice
	inTx(t, db, func(tx *Tx) (err error) { got, err = tx.ScheduleNotice(n); return err })
	return got
}

// TestReportNoticeTiming is the simulated-clock bar of RP-15 and EC-14: a report notice goes
// out three months after the report, at once when the EU Centre calls the report manifestly
// unfounded, and at the end of a do-not-inform hold of up to 18 months.
func TestReportNoticeTiming(t *testing.T) {
	sent := actionsT0
	threeMonths := vigil.ReportNoticeDue(sent)
	tests := []struct {
		name string
		// then runs after the notice was scheduled at sent, with the clock still there
		then     func(t *testing.T, db *DB, clock interface{ Set(time.Time) })
		quietAt  time.Time // nothing is sent by a tick here
		sendAt   time.Time // the notice is sent by a tick here
		wantHeld bool
	}{
		{"three months", nil, threeMonths.Add(-time.Millisecond), threeMonths, false},
		{"manifestly unfounded", func(t *testing.T, db *DB, clock interface{ Set(time.Time) }) {
			clock.Set(sent.Add(10 * day))
			inTx(t, db, func(tx *Tx) error {
				return tx.ReleaseNotices("cnt_1", vigil.NoticeReport, "EU Centre: manifestly unfounded")
			})
		}, sent.Add(10*day - time.Millisecond), sent.Add(10 * day), false},
		{"do not inform 18 months", func(t *testing.T, db *DB, clock interface{ Set(time.Time) }) {
			clock.Set(sent.Add(30 * day))
			placeHold(t, db, vigil.Hold{Kind: vigil.HoldDoNotInform, ContentID: "cnt_1", Authority: "EU Centre",
				Reference: "EUC-LEA-1", Until: vigil.LatestEUCentreHoldEnd(sent.Add(30 * day))})
		}, vigil.LatestEUCentreHoldEnd(sent.Add(30 * day)).Add(-time.Millisecond), vigil.LatestEUCentreHoldEnd(sent.Add(30 * day)), true},
		{"do not inform released early", func(t *testing.T, db *DB, clock interface{ Set(time.Time) }) {
			clock.Set(sent.Add(30 * day))
			h := placeHold(t, db, vigil.Hold{Kind: vigil.HoldDoNotInform, ContentID: "cnt_1", Reference: "EUC-LEA-2",
				Until: sent.Add(400 * day)})
			clock.Set(sent.Add(200 * day))
			inTx(t, db, func(tx *Tx) error { _, err := tx.ReleaseHold(h.ID, "LEA lifted it"); return err })
		}, sent.Add(200*day - time.Millisecond), sent.Add(200 * day), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, clock, hook := openActions(t)
			addContent(t, db, "cnt_1", "user-1", map[string]string{MetaUploaderLanguage: "fr-BE"})
			n := scheduleNotice(t, db, vigil.Notice{Kind: vigil.NoticeReport, ContentID: "cnt_1", Reference: "rep_1", Basis: sent})
			if n.Due != threeMonths || n.Status != vigil.NoticeScheduled || n.Uploader != "user-1" {
				t.Fatalf("scheduled %+v, want due in three months for user-1", n)
			}
			if again := scheduleNotice(t, db, vigil.Notice{Kind: vigil.NoticeReport, ContentID: "cnt_1", Reference: "rep_1"}); again.ID != n.ID {
				t.Errorf("scheduling again made notice %s, want %s", again.ID, n.ID)
			}
			if tt.then != nil {
				tt.then(t, db, clock)
			}
			if tt.wantHeld {
				got, err := NewNotices(db).Notice(adminCtx, n.ID)
				if err != nil || got.Status != vigil.NoticeHeld || got.HoldID == "" {
					t.Errorf("notice %+v (%v), want held", got, err)
				}
			}
			if events := tickAt(t, db, clock, hook, tt.quietAt); len(events) != 0 {
				t.Fatalf("sent %v at %v, before it was due", events, tt.quietAt)
			}
			events := tickAt(t, db, clock, hook, tt.sendAt)
			if len(events) != 1 || events[0]["id"] != n.ID || events[0]["uploader"] != "user-1" || events[0]["language"] != "fr" {
				t.Fatalf("sent %v at %v, want notice %s for user-1 in fr", events, tt.sendAt, n.ID)
			}
			if text := events[0]["text"].(string); !strings.Contains(text, "Centre de l'UE") || !strings.Contains(text, "ext-cnt_1") {
				t.Errorf("text %q: want the French report notice naming the item", text)
			}
			if again := tickAt(t, db, clock, hook, tt.sendAt.Add(day)); len(again) != 0 {
				t.Errorf("sent again: %v", again)
			}
		})
	}
}

// TestRemovalNoticeNonDisclosure is the simulated-clock bar of RO-07 and RO-08: a removal
// notice goes out at once, or when the order's non-disclosure period (6 weeks, extended once by
// 6 weeks) ends; a longer one or a second extension is refused.
func TestRemovalNoticeNonDisclosure(t *testing.T) {
	db, clock, hook := openActions(t)
	addContent(t, db, "cnt_free", "user-1", nil)
	addContent(t, db, "cnt_nd", "user-2", map[string]string{MetaUploaderLanguage: "de"})
	free := scheduleNotice(t, db, vigil.Notice{Kind: vigil.NoticeRemoval, ContentID: "cnt_free", Reference: "act_1"})
	if events := tickAt(t, db, clock, hook, actionsT0); len(events) != 1 || events[0]["id"] != free.ID {
		t.Fatalf("sent %v, want the removal notice at once", events)
	}

	tooLong := vigil.Hold{Kind: vigil.HoldDoNotInform, ContentID: "cnt_nd", Reference: "ORD-1", OrderID: "ord_1",
		Until: actionsT0.Add(6*7*day + time.Millisecond)}
	wantCode(t, db.Update(adminCtx, func(tx *Tx) error { _, err := tx.PlaceHold(tooLong); return err }), vigil.EINVALID)
	tooLong.Until = actionsT0.Add(6 * 7 * day)
	h := placeHold(t, db, tooLong)
	n := scheduleNotice(t, db, vigil.Notice{Kind: vigil.NoticeRemoval, ContentID: "cnt_nd", Reference: "ord_1"})
	if n.Status != vigil.NoticeHeld || n.Due != h.Until {
		t.Fatalf("notice %+v, want held until %v", n, h.Until)
	}
	clock.Set(actionsT0.Add(40 * day))
	inTx(t, db, func(tx *Tx) error { _, err := tx.ExtendHold(h.ID, h.Until.Add(6*7*day), "investigation"); return err })
	err := db.Update(adminCtx, func(tx *Tx) error { _, err := tx.ExtendHold(h.ID, h.Until.Add(12*7*day), "again"); return err })
	wantCode(t, err, vigil.ECONFLICT)

	if events := tickAt(t, db, clock, hook, actionsT0.Add(12*7*day-time.Millisecond)); len(events) != 0 {
		t.Fatalf("sent %v during the extended non-disclosure", events)
	}
	events := tickAt(t, db, clock, hook, actionsT0.Add(12*7*day))
	if len(events) != 1 || events[0]["id"] != n.ID || !strings.Contains(events[0]["text"].(string), "entfernt") {
		t.Fatalf("sent %v, want the German removal notice when the extension ends", events)
	}
}

// TestScheduleNoticeRefuses checks the validation of ScheduleNotice and ReleaseNotices.
func TestScheduleNoticeRefuses(t *testing.T) {
	db, _, _ := openActions(t)
	tests := []struct {
		name string
		fn   func(tx *Tx) error
	}{
		{"unknown kind", func(tx *Tx) error {
			_, err := tx.ScheduleNotice(vigil.Notice{Kind: "gossip", ContentID: "cnt_1"})
			return err
		}},
		{"no content", func(tx *Tx) error { _, err := tx.ScheduleNotice(vigil.Notice{Kind: vigil.NoticeRemoval}); return err }},
		{"release unknown kind", func(tx *Tx) error { return tx.ReleaseNotices("cnt_1", "gossip", "") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, db.Update(adminCtx, tt.fn), vigil.EINVALID)
		})
	}
}

// TestNoticeSettings checks that an admin's notice settings reach the notices' text, and the
// validation of the settings.
func TestNoticeSettings(t *testing.T) {
	db, _, hook := openActions(t)
	s := NewNotices(db)
	settings := vigil.NoticeSettings{Provider: " Photos Ltd ", ComplaintURL: "https://photos.example/complain",
		Authority: "Coimisiún na Meán", AuthorityURL: "https://ca.example"}
	_, err := s.SaveNoticeSettings(platformKey, settings)
	wantCode(t, err, vigil.EFORBIDDEN)
	for _, bad := range []vigil.NoticeSettings{{ComplaintURL: "javascript:alert(1)"}, {AuthorityURL: "ca.example"},
		{Provider: strings.Repeat("x", maxNoticeSetting+1)}} {
		_, err := s.SaveNoticeSettings(adminCtx, bad)
		wantCode(t, err, vigil.EINVALID)
	}
	saved, err := s.SaveNoticeSettings(adminCtx, settings)
	if err != nil || saved.Provider != "Photos Ltd" {
		t.Fatalf("saved %+v, %v", saved, err)
	}
	if got, err := s.NoticeSettings(adminCtx); err != nil || got != saved {
		t.Errorf("read back %+v, %v; want %+v", got, err, saved)
	}
	addContent(t, db, "cnt_1", "user-1", nil)
	scheduleNotice(t, db, vigil.Notice{Kind: vigil.NoticeRemoval, ContentID: "cnt_1", Reference: "act_1"})
	events := tickAt(t, db, db.Clock.(interface{ Set(time.Time) }), hook, actionsT0)
	if len(events) != 1 {
		t.Fatalf("sent %v, want the removal notice", events)
	}
	for _, w := range []string{"Photos Ltd", "https://photos.example/complain", "Coimisiún na Meán", "https://ca.example"} {
		if !strings.Contains(events[0]["text"].(string), w) {
			t.Errorf("notice text lacks %q: %s", w, events[0]["text"])
		}
	}
}

// TestLateHoldStopsAPendingNotice: a do-not-inform hold that arrives after a notice fell due
// but before it went out stops it (RP-15, RO-08): the user has not been told yet, and the
// instruction is in force when the worker would tell them. The notice goes out when the hold
// ends.
func TestLateHoldStopsAPendingNotice(t *testing.T) {
	db, clock, hook := openActions(t)
	addContent(t, db, "cnt_1", "user-1", nil)
	n := scheduleNotice(t, db, vigil.Notice{Kind: vigil.NoticeRemoval, ContentID: "cnt_1", Reference: "act_1"})
	clock.Set(actionsT0.Add(time.Minute)) // due, not yet sent: the worker has not ticked
	h := placeHold(t, db, vigil.Hold{Kind: vigil.HoldDoNotInform, ContentID: "cnt_1", Authority: "EU Centre",
		Reference: "EUC-LEA-2", Until: actionsT0.Add(30 * day)})
	if got := tickAt(t, db, clock, hook, actionsT0.Add(2*time.Minute)); len(got) != 0 {
		t.Fatalf("notices sent under a do-not-inform hold: %v", got)
	}
	got, err := NewNotices(db).Notice(adminCtx, n.ID)
	if err != nil || got.Status != vigil.NoticeHeld || got.HoldID != h.ID || !got.Due.Equal(h.Until) {
		t.Fatalf("notice %+v, %v; want held by %s until %v", got, err, h.ID, h.Until)
	}
	if sent := tickAt(t, db, clock, hook, h.Until); len(sent) != 1 || sent[0]["id"] != n.ID {
		t.Errorf("notices at the hold's end: %v, want %s", sent, n.ID)
	}
}
