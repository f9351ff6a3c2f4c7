package http

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
)

// RP-17 on the report page: legal answers the EU Centre's request for information with the
// form and sees the answer listed; a report not yet sent, or one whose record was erased,
// offers no form.
func TestReportSupplementPage(t *testing.T) {
	f, id := reportPlatform(t)
	cookie, csrf := f.session(t, vigil.RoleLegal)
	form := "application/x-www-form-urlencoded"
	if _, body := f.do(t, request{method: "GET", path: "/reports/" + id, cookie: cookie}); strings.Contains(body, `id="supplement"`) {
		t.Fatalf("an unsent report's page offers the supplement form")
	}
	sentReport(t, f, id)
	resp, body := f.do(t, request{method: "POST", path: "/v1/reports/" + id + "/feedback", key: f.key(t, vigil.ScopeReports),
		body: `{"kind":"request_info","text":"When was the account opened?"}`})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("feedback: %d %s", resp.StatusCode, body)
	}
	var fb feedbackJSON
	if err := json.Unmarshal([]byte(body), &fb); err != nil {
		t.Fatal(err)
	}
	answer := url.Values{"in_reply_to": {fb.ID}, "text": {"opened on <b>2026-09-30</b>"}}.Encode()
	steps := []struct {
		name, method, body string
		status             int
		want               string
	}{
		{"form offered", "GET", "", 200, `id="supplement"`},
		{"request shown", "GET", "", 200, "When was the account opened?"},
		{"empty refused", "POST", "text=", 400, "text"},
		{"answer", "POST", answer, 303, "report_supplemented"},
		{"answer listed, escaped", "GET", "", 200, "answering " + fb.ID + ": queued · report EU-7"},
		{"text shown", "GET", "", 200, "opened on &lt;b&gt;2026-09-30&lt;/b&gt;"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			path := "/reports/" + id
			if s.method == "POST" {
				path += "/supplements"
			}
			resp, body := f.do(t, request{method: s.method, path: path, body: s.body, contentType: form, cookie: cookie, csrf: csrf})
			got := body + resp.Header.Get("Location")
			if resp.StatusCode != s.status || !strings.Contains(got, s.want) {
				t.Fatalf("%d %s, want %d with %q", resp.StatusCode, got, s.status, s.want)
			}
		})
	}
	erased := confirmWithMedia(t, f, "cnt_media")
	sentReport(t, f, erased)
	f.clock.Advance(13 * 30 * 24 * time.Hour)
	if _, err := f.db.SweepEvidence(context.Background(), f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	cookie, _ = f.session(t, vigil.RoleLegal) // the first session expired with the months gone by
	resp, body = f.do(t, request{method: "GET", path: "/reports/" + erased, cookie: cookie})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Record erased at") || strings.Contains(body, `id="supplement"`) {
		t.Errorf("erased report's page: %d, offers the supplement form or is not shown as erased: %s", resp.StatusCode, body)
	}
}
