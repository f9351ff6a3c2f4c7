package http

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/signal"
	"github.com/vigilproject/vigil/sqlite"
)

// sentReport approves the platform's report and records it sent to both destinations.
func sentReport(t *testing.T, f *platform, id string) {
	t.Helper()
	cookie, csrf := f.session(t, vigil.RoleLegal)
	resp, body := f.do(t, request{method: "POST", path: "/v1/reports/" + id + "/approve", cookie: cookie, csrf: csrf})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"status":"queued"`) {
		t.Fatalf("approve: %d %s", resp.StatusCode, body)
	}
	store := f.srv.Reports.(*sqlite.ReportStore)
	ctx := context.Background()
	for _, step := range []func() error{
		func() error { return store.NCMECSubmitted(ctx, id, "7") },
		func() error { return store.NCMECFinished(ctx, id) },
		func() error { return store.EUSent(ctx, id, "EU-7") },
		func() error { return store.Complete(ctx, id) },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
}

// RP-18: an EU Centre message sent again with its Idempotency-Key gets the first answer, 200,
// and places no second hold; the same key with another message is refused, 409.
func TestReportFeedbackIdempotencyKeyRoute(t *testing.T) {
	f, id := reportPlatform(t)
	sentReport(t, f, id)
	key := f.key(t, vigil.ScopeReports)
	path := "/v1/reports/" + id + "/feedback"
	hold := `{"kind":"do_not_remove","until":"2027-01-15T00:00:00Z","reference":"LE-9"}`
	idem := http.Header{IdempotencyKeyHeader: {"euc-msg-1"}}
	steps := []struct {
		name   string
		body   string
		header http.Header
		status int
		want   string
	}{
		{"first", hold, idem, http.StatusCreated, `"kind":"do_not_remove"`},
		{"retry", hold, idem, http.StatusOK, `"kind":"do_not_remove"`},
		{"same key, other message", strings.Replace(hold, "LE-9", "LE-10", 1), idem, http.StatusConflict, "Idempotency-Key"},
		{"key too long", `{"kind":"manifestly_unfounded"}`, http.Header{IdempotencyKeyHeader: {strings.Repeat("k", 256)}},
			http.StatusBadRequest, `"field":"Idempotency-Key"`},
	}
	var ids []string
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			resp, body := f.do(t, request{method: "POST", path: path, key: key, body: s.body, header: s.header})
			if resp.StatusCode != s.status || !strings.Contains(body, s.want) {
				t.Fatalf("%d %s, want %d with %q", resp.StatusCode, body, s.status, s.want)
			}
			var fb feedbackJSON
			if resp.StatusCode < 300 && json.Unmarshal([]byte(body), &fb) == nil {
				ids = append(ids, fb.ID)
			}
		})
	}
	if len(ids) != 2 || ids[0] != ids[1] {
		t.Errorf("answers %v, want the first message twice", ids)
	}
	var list feedbackResponse
	f.getJSON(t, key, path, &list)
	if len(list.Items) != 1 {
		t.Errorf("%d messages recorded, want 1", len(list.Items))
	}
}

// confirmWithMedia opens and confirms a case of contentID whose media the vault preserves, and
// returns its report's id.
func confirmWithMedia(t *testing.T, f *platform, contentID string) string {
	t.Helper()
	c := vigil.Case{ContentID: contentID, Service: "photos",
		Matches: []vigil.Match{{Bank: "ncmec", Entry: 1, Category: "A1",
			Signal: signal.Signal{Type: signal.MD5, Value: "fedcba9876543210fedcba9876543210"}}}}
	media := []byte("benign bytes drawn by the test")
	if err := f.db.Update(systemCtx, func(tx *sqlite.Tx) error { return tx.OpenCase(&c, media, "image/jpeg") }); err != nil {
		t.Fatal(err)
	}
	rev := vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorUser, ID: "usr_rev", Name: "rev",
		Role: vigil.RoleReviewer, Scopes: vigil.ScopesOf(vigil.RoleReviewer)})
	if _, err := f.srv.Cases.Decide(rev, vigil.Decision{CaseID: c.ID, Verdict: vigil.DecideConfirm, Category: "A1"}); err != nil {
		t.Fatal(err)
	}
	var list reportsResponse
	f.getJSON(t, f.key(t, vigil.ScopeReports), "/v1/reports?status=draft", &list)
	for _, r := range list.Items {
		if r.CaseID == c.ID {
			return r.ID
		}
	}
	t.Fatalf("no draft report of case %s", c.ID)
	return ""
}

// PR-04: once the sweep erased a report's record with its case's evidence, the API and the page
// still show the report, as erased at that time and without its record, and the approval
// route refuses it naming the erasure.
func TestErasedReportRoutes(t *testing.T) {
	f, _ := reportPlatform(t)
	id := confirmWithMedia(t, f, "cnt_media")
	sentReport(t, f, id)
	f.clock.Advance(13 * 30 * 24 * time.Hour)
	if _, err := f.db.SweepEvidence(context.Background(), f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	erased := apiTime(f.clock.Now())
	key := f.key(t, vigil.ScopeReports)
	cookie, csrf := f.session(t, vigil.RoleLegal)
	steps := []struct {
		name, method, path, key, cookie, csrf string
		status                                int
		want                                  string
	}{
		{"api", "GET", "/v1/reports/" + id, key, "", "", http.StatusOK, `"record_erased_at":"` + erased + `"`},
		{"page", "GET", "/reports/" + id, "", cookie, csrf, http.StatusOK, "Record erased at"},
		{"approve", "POST", "/v1/reports/" + id + "/approve", "", cookie, csrf, http.StatusConflict, "erased"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			resp, body := f.do(t, request{method: s.method, path: s.path, key: s.key, cookie: s.cookie, csrf: s.csrf})
			if resp.StatusCode != s.status || !strings.Contains(body, s.want) {
				t.Fatalf("%d %s, want %d with %q", resp.StatusCode, body, s.status, s.want)
			}
			if strings.Contains(body, `"record":`) || strings.Contains(body, "id=\"record-json\"") {
				t.Errorf("an erased report still shows a record: %s", body)
			}
		})
	}
}
