package http

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/sqlite"
)

// afterMatchPlatform is the platform fixture with the after-match services and one confirmed
// case: its content item, uploaded by user-9, and the reviewer session that confirmed it.
type afterMatchPlatform struct {
	*platform
	contentID, caseID string
	confirmer         [2]string // session cookie and CSRF token
}

func newAfterMatchPlatform(t *testing.T) afterMatchPlatform {
	t.Helper()
	f := afterMatchPlatform{platform: newPlatform(t)}
	db := f.db
	f.srv.AfterMatch = AfterMatch{Actions: sqlite.NewActions(db), Holds: sqlite.NewHolds(db),
		Notices: sqlite.NewNotices(db), Complaints: sqlite.NewComplaints(db)}
	ctx := context.Background()
	store := sqlite.NewContentStore(db)
	if err := store.Prepare(ctx); err != nil {
		t.Fatal(err)
	}
	now := f.clock.Now()
	c := vigil.Case{ContentID: vigil.NewID(vigil.PrefixContent, now), Service: "photos",
		Matches: []vigil.Match{{Bank: "known", Entry: 1, Category: "A1", Distance: 3}}}
	err := db.Update(systemCtx, func(tx *sqlite.Tx) error {
		_, _, _, err := store.InsertContent(tx, vigil.Content{ID: c.ContentID, Service: "photos", ExternalID: "IMG-9",
			Uploader: "user-9", Type: "image", Received: now, Verdict: vigil.Verdict{Status: vigil.VerdictPending}}, "", nil)
		if err != nil {
			return err
		}
		return tx.OpenCase(&c, []byte("benign bytes"), "image/jpeg")
	})
	if err != nil {
		t.Fatal(err)
	}
	f.contentID, f.caseID = c.ContentID, c.ID
	cookie, csrf := f.session(t, vigil.RoleReviewer)
	f.confirmer = [2]string{cookie, csrf}
	for _, step := range []request{
		{method: "POST", path: "/v1/cases/" + c.ID + "/claim"},
		{method: "POST", path: "/v1/cases/" + c.ID + "/decide", body: `{"verdict":"confirm","category":"A1"}`},
	} {
		step.cookie, step.csrf = cookie, csrf
		if resp, body := f.do(t, step); resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %d %s", step.method, step.path, resp.StatusCode, body)
		}
	}
	return f
}

// call sends req and checks the status, decoding the body into out when it is not nil.
func (f afterMatchPlatform) call(t *testing.T, req request, status int, out any) {
	t.Helper()
	resp, body := f.do(t, req)
	if resp.StatusCode != status {
		t.Fatalf("%s %s: %d %s, want %d", req.method, req.path, resp.StatusCode, body, status)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(body), out); err != nil {
			t.Fatalf("%s %s: %v in %s", req.method, req.path, err, body)
		}
	}
}

// TestAfterMatchAPI walks the after-match API: the automatic removal of a confirmed case and
// the platform's answer, the removal notice it schedules, holds within and beyond their
// limits, and a complaint filed once per idempotency key and decided by another reviewer.
func TestAfterMatchAPI(t *testing.T) {
	f := newAfterMatchPlatform(t)
	submit, reports, evidence, complaints := f.key(t, vigil.ScopeSubmit), f.key(t, vigil.ScopeReports),
		f.key(t, vigil.ScopeEvidence), f.key(t, vigil.ScopeComplaints)

	var actions actionsResponse
	f.call(t, request{method: "GET", path: "/v1/actions?content_id=" + f.contentID, key: submit}, http.StatusOK, &actions)
	if len(actions.Items) != 1 || actions.Items[0].Kind != vigil.ActionRemove || actions.Items[0].Status != vigil.ActionRequested {
		t.Fatalf("actions %+v, want the confirmed case's requested removal", actions.Items)
	}
	act := actions.Items[0]
	var done actionJSON
	f.call(t, request{method: "POST", path: "/v1/actions/" + act.ID + "/done", key: submit}, http.StatusOK, &done)
	if done.Status != vigil.ActionDone || done.Done == "" {
		t.Errorf("finished %+v, want done with its time", done)
	}
	f.call(t, request{method: "POST", path: "/v1/actions/" + act.ID + "/failed", key: submit,
		body: `{"reason":"late"}`}, http.StatusConflict, nil)

	admin := f.key(t, vigil.ScopeAdmin)
	var setting onConfirmJSON
	f.call(t, request{method: "GET", path: "/v1/actions/settings/photos", key: admin}, http.StatusOK, &setting)
	if setting.OnConfirm != "remove" {
		t.Errorf("on-confirm %+v, want remove by default", setting)
	}
	f.call(t, request{method: "PUT", path: "/v1/actions/settings/photos", key: admin, body: `{"on_confirm":"burn"}`}, http.StatusBadRequest, nil)
	f.call(t, request{method: "PUT", path: "/v1/actions/settings/nope", key: admin, body: `{"on_confirm":"disable"}`}, http.StatusNotFound, nil)

	var notices noticesResponse
	f.call(t, request{method: "GET", path: "/v1/notices?content_id=" + f.contentID, key: reports}, http.StatusOK, &notices)
	if len(notices.Items) != 1 || notices.Items[0].Kind != vigil.NoticeRemoval || notices.Items[0].Uploader != "user-9" {
		t.Errorf("notices %+v, want the removal notice to user-9", notices.Items)
	}

	until := func(d time.Duration) string { return f.clock.Now().Add(d).Format(time.RFC3339) }
	eighteenMonths := vigil.LatestEUCentreHoldEnd(f.clock.Now()).Sub(f.clock.Now())
	hold := func(kind, d string) string {
		return `{"kind":"` + kind + `","content_id":"` + f.contentID + `","authority":"EU Centre","reference":"EUC-1","until":"` + d + `"}`
	}
	var errBody struct{ Error struct{ Code, Field string } }
	f.call(t, request{method: "POST", path: "/v1/holds", key: reports, body: hold("do_not_remove", until(eighteenMonths+time.Hour))},
		http.StatusBadRequest, &errBody)
	if errBody.Error.Field != "until" {
		t.Errorf("error %+v, want one about until", errBody.Error)
	}
	var placed holdJSON
	f.call(t, request{method: "POST", path: "/v1/holds", key: reports, body: hold("do_not_remove", until(eighteenMonths))},
		http.StatusCreated, &placed)
	if !placed.Active || placed.Kind != vigil.HoldDoNotRemove {
		t.Errorf("placed %+v, want an active do-not-remove hold", placed)
	}
	f.call(t, request{method: "POST", path: "/v1/holds", key: reports, body: hold("legal", until(time.Hour))}, http.StatusForbidden, nil)
	f.call(t, request{method: "POST", path: "/v1/legal-holds", key: evidence, body: hold("", until(time.Hour))}, http.StatusCreated, &placed)
	if placed.Kind != vigil.HoldLegal {
		t.Errorf("legal-holds placed %s", placed.Kind)
	}
	f.call(t, request{method: "POST", path: "/v1/legal-holds/" + placed.ID + "/release", key: evidence}, http.StatusOK, &placed)
	if placed.Active || placed.Released == "" {
		t.Errorf("released %+v, want inactive with its release time", placed)
	}

	complaint := `{"case_id":"` + f.caseID + `","kind":"removal","text":"my garden","language":"de"}`
	idem := http.Header{"Idempotency-Key": {"retry-7"}}
	var first, again complaintJSON
	f.call(t, request{method: "POST", path: "/v1/complaints", key: complaints, body: complaint, header: idem}, http.StatusCreated, &first)
	f.call(t, request{method: "POST", path: "/v1/complaints", key: complaints, body: complaint, header: idem}, http.StatusOK, &again)
	if again.ID != first.ID || first.Uploader != "user-9" || first.ContentID != f.contentID {
		t.Errorf("complaints %+v and %+v, want one for user-9's item", first, again)
	}
	decide := `{"outcome":"upheld","reason":"a garden"}`
	f.call(t, request{method: "POST", path: "/v1/complaints/" + first.ID + "/decide", body: decide,
		cookie: f.confirmer[0], csrf: f.confirmer[1]}, http.StatusForbidden, nil)
	cookie, csrf := f.session(t, vigil.RoleReviewer)
	var decided complaintJSON
	f.call(t, request{method: "POST", path: "/v1/complaints/" + first.ID + "/decide", body: decide,
		cookie: cookie, csrf: csrf}, http.StatusOK, &decided)
	if decided.Outcome != vigil.ComplaintUpheld || decided.ActionID == "" || decided.NoticeID == "" || decided.Decided == "" {
		t.Errorf("decided %+v, want upheld with a restore, a notice and its time", decided)
	}
	var got complaintJSON
	f.call(t, request{method: "GET", path: "/v1/complaints/" + first.ID, key: complaints}, http.StatusOK, &got)
	if got.Status != vigil.ComplaintDecided {
		t.Errorf("the platform reads %+v, want decided", got)
	}
}
