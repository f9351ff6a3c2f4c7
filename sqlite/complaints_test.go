package sqlite

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
)

// platformKey acts as the platform's API key with the complaints scope.
var platformKey = vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorKey, ID: "key_platform",
	Name: "platform", Scopes: []vigil.Scope{vigil.ScopeSubmit, vigil.ScopeComplaints}})

// confirmedCase opens a case on content cnt_1 and has usr_alice confirm it, which requests its
// automatic removal.
func confirmedCase(t *testing.T, db *DB) vigil.Case {
	t.Helper()
	addContent(t, db, "cnt_1", "user-1", map[string]string{MetaUploaderLanguage: "en-GB"})
	c := openTestCase(t, db, "cnt_1", "ncmec", "", testMedia)
	cs := NewCaseStore(db, &allowRecorder{})
	if _, err := cs.Claim(reviewer("usr_alice"), c.ID); err != nil {
		t.Fatal(err)
	}
	c, err := cs.Decide(reviewer("usr_alice"), vigil.Decision{CaseID: c.ID, Verdict: vigil.DecideConfirm, Category: "A1"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestConfirmRequestsRemoval checks the automatic action of a confirmation: the platform is
// asked to remove the item, in the decision's transaction.
func TestConfirmRequestsRemoval(t *testing.T) {
	db, _, hook := openActions(t)
	c := confirmedCase(t, db)
	as, _, err := NewActions(db).Actions(platformKey, vigil.ActionFilter{ContentID: "cnt_1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 1 || as[0].Kind != vigil.ActionRemove || as[0].Status != vigil.ActionRequested || as[0].CaseID != c.ID {
		t.Fatalf("actions %+v, want one requested removal for case %s", as, c.ID)
	}
	if events := eventsOf(t, db, hook, vigil.EventActionRequested); len(events) != 1 || events[0]["id"] != as[0].ID {
		t.Errorf("events %v, want the removal's action.requested", events)
	}
}

// TestComplaintLifecycle checks SG-06, IR-05 and IR-09: a complaint is filed once per
// idempotency key, decided by someone who did not decide the case, an upheld complaint
// restores the item, the user is told, and every step is timestamped.
func TestComplaintLifecycle(t *testing.T) {
	for _, outcome := range []vigil.ComplaintOutcome{vigil.ComplaintUpheld, vigil.ComplaintRejected} {
		t.Run(string(outcome), func(t *testing.T) {
			db, clock, hook := openActions(t)
			kase := confirmedCase(t, db)
			s := NewComplaints(db)
			filed, created, err := s.File(platformKey, vigil.Complaint{CaseID: kase.ID, Kind: vigil.ComplaintRemoval,
				Text: "This is a photo of my garden."}, "idem-1")
			if err != nil || !created {
				t.Fatalf("file: %v, created %v", err, created)
			}
			again, created, err := s.File(platformKey, vigil.Complaint{CaseID: kase.ID, Kind: vigil.ComplaintRemoval,
				Text: "retry"}, "idem-1")
			if err != nil || created || again.ID != filed.ID {
				t.Fatalf("retry: %v, created %v, id %s; want the first complaint %s", err, created, again.ID, filed.ID)
			}
			if filed.ContentID != "cnt_1" || filed.Uploader != "user-1" || filed.Service != "photos" {
				t.Errorf("filed %+v: want the case's item, uploader and service", filed)
			}
			_, err = s.Assign(reviewer("usr_alice"), filed.ID)
			wantCode(t, err, vigil.EFORBIDDEN)
			_, err = s.Decide(reviewer("usr_alice"), filed.ID, outcome, "looked again")
			wantCode(t, err, vigil.EFORBIDDEN)
			_, err = s.Decide(platformKey, filed.ID, outcome, "self-serve")
			wantCode(t, err, vigil.EFORBIDDEN)

			clock.Advance(time.Hour)
			if _, err := s.Assign(reviewer("usr_bob"), filed.ID); err != nil {
				t.Fatal(err)
			}
			_, err = s.Decide(reviewer("usr_carol"), filed.ID, outcome, "not mine")
			wantCode(t, err, vigil.ECONFLICT)
			clock.Advance(time.Hour)
			decided, err := s.Decide(reviewer("usr_bob"), filed.ID, outcome, "looked again")
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Decide(reviewer("usr_bob"), filed.ID, outcome, "twice")
			wantCode(t, err, vigil.ECONFLICT)

			restores := 0
			for _, e := range eventsOf(t, db, hook, vigil.EventActionRequested) {
				if e["kind"] == string(vigil.ActionRestore) {
					restores++
					if e["reference"] != filed.ID || e["trigger"] != string(vigil.TriggerComplaint) {
						t.Errorf("restore %v: want the complaint as reference and trigger", e)
					}
				}
			}
			if want := map[bool]int{true: 1, false: 0}[outcome == vigil.ComplaintUpheld]; restores != want || (want == 1) != (decided.ActionID != "") {
				t.Errorf("%d restores, action %q; want %d", restores, decided.ActionID, want)
			}

			events := tickAt(t, db, clock, hook, clock.Now())
			if len(events) != 1 || events[0]["id"] != decided.NoticeID || events[0]["kind"] != "complaint" {
				t.Fatalf("notices sent %v, want the complaint notice %s", events, decided.NoticeID)
			}
			word := map[vigil.ComplaintOutcome]string{vigil.ComplaintUpheld: "upheld", vigil.ComplaintRejected: "rejected"}[outcome]
			if !strings.Contains(events[0]["text"].(string), word) {
				t.Errorf("notice text %q does not say %s", events[0]["text"], word)
			}
			got, err := s.Complaint(platformKey, filed.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Outcome != outcome || got.Decider != "usr_bob" || got.Filed != actionsT0 ||
				got.Assigned != actionsT0.Add(time.Hour) || got.Decided != actionsT0.Add(2*time.Hour) || got.Notified != clock.Now() {
				t.Errorf("complaint %+v: want every step timestamped", got)
			}
		})
	}
}

// TestFileComplaintRefuses checks the validation of filed complaints.
func TestFileComplaintRefuses(t *testing.T) {
	db, _, _ := openActions(t)
	addContent(t, db, "cnt_1", "user-1", nil)
	ok := vigil.Complaint{ContentID: "cnt_1", Kind: vigil.ComplaintDetection, Text: "wrong"}
	with := func(f func(*vigil.Complaint)) vigil.Complaint { c := ok; f(&c); return c }
	tests := []struct {
		name  string
		ctx   context.Context
		c     vigil.Complaint
		code  string
		field string
	}{
		{"no scope", reviewer("usr_alice"), ok, vigil.EFORBIDDEN, ""},
		{"bad kind", platformKey, with(func(c *vigil.Complaint) { c.Kind = "vibes" }), vigil.EINVALID, "kind"},
		{"no item", platformKey, with(func(c *vigil.Complaint) { c.ContentID = "" }), vigil.EINVALID, "content_id"},
		{"unknown item", platformKey, with(func(c *vigil.Complaint) { c.ContentID = "cnt_nope" }), vigil.ENOTFOUND, "content_id"},
		{"unknown case", platformKey, with(func(c *vigil.Complaint) { c.CaseID = "cas_nope" }), vigil.ENOTFOUND, "case_id"},
		{"empty text", platformKey, with(func(c *vigil.Complaint) { c.Text = "  " }), vigil.EINVALID, "text"},
		{"long text", platformKey, with(func(c *vigil.Complaint) { c.Text = strings.Repeat("a", vigil.MaxComplaintText+1) }), vigil.EINVALID, "text"},
		{"bad UTF-8", platformKey, with(func(c *vigil.Complaint) { c.Text = "\xff" }), vigil.EINVALID, "text"},
		{"long uploader", platformKey, with(func(c *vigil.Complaint) { c.Uploader = strings.Repeat("u", 257) }), vigil.EINVALID, "uploader"},
		{"uploader bad UTF-8", platformKey, with(func(c *vigil.Complaint) { c.Uploader = "user-\xff" }), vigil.EINVALID, "uploader"},
		{"language not a tag", platformKey, with(func(c *vigil.Complaint) { c.Language = "en\n<script>" }), vigil.EINVALID, "language"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := NewComplaints(db).File(tt.ctx, tt.c, "")
			wantCode(t, err, tt.code)
			if e, isErr := errors.AsType[*vigil.Error](err); !isErr || e.Field != tt.field {
				t.Errorf("error %v, want one about field %q", err, tt.field)
			}
		})
	}
}

// TestComplaintDecidedByAPerson: a complaint is reviewed afresh by someone who did not decide
// the case (SG-06), which only a signed-in person can be shown to be: an API key with the
// cases scope, or Vigil itself, can neither take nor decide one.
func TestComplaintDecidedByAPerson(t *testing.T) {
	db, _, _ := openActions(t)
	kase := confirmedCase(t, db)
	s := NewComplaints(db)
	filed, _, err := s.File(platformKey, vigil.Complaint{CaseID: kase.ID, Kind: vigil.ComplaintRemoval, Text: "my garden"}, "")
	if err != nil {
		t.Fatal(err)
	}
	actors := []struct {
		name string
		ctx  context.Context
	}{
		{"cases key", vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorKey, ID: "key_cases",
			Name: "moderation bot", Scopes: []vigil.Scope{vigil.ScopeCases}})},
		{"system", context.Background()},
	}
	for _, a := range actors {
		t.Run(a.name, func(t *testing.T) {
			_, err := s.Assign(a.ctx, filed.ID)
			wantCode(t, err, vigil.EFORBIDDEN)
			_, err = s.Decide(a.ctx, filed.ID, vigil.ComplaintUpheld, "looks fine")
			wantCode(t, err, vigil.EFORBIDDEN)
		})
	}
	if _, err := s.Decide(reviewer("usr_bob"), filed.ID, vigil.ComplaintUpheld, "looked again"); err != nil {
		t.Errorf("a reviewer who did not decide the case: %v", err)
	}
}
