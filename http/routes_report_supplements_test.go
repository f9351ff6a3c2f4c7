package http

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
)

// RP-17, RP-09: a signed-in person supplements a sent report, answering the EU Centre's
// request for information; an API key may not, and the answer is readable (audited) with its
// delivery state. The text never appears in the audit log.
func TestReportSupplementRoutes(t *testing.T) {
	f, id := reportPlatform(t)
	sentReport(t, f, id)
	key := f.key(t, vigil.ScopeReports)
	resp, body := f.do(t, request{method: "POST", path: "/v1/reports/" + id + "/feedback", key: key,
		body: `{"kind":"request_info","text":"When was the account opened?"}`})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("feedback: %d %s", resp.StatusCode, body)
	}
	var fb feedbackJSON
	if err := json.Unmarshal([]byte(body), &fb); err != nil {
		t.Fatal(err)
	}
	cookie, csrf := f.session(t, vigil.RoleLegal)
	path := "/v1/reports/" + id + "/supplements"
	answer := `{"in_reply_to":"` + fb.ID + `","text":"opened marker-91ac on 2026-09-30"}`
	steps := []struct {
		name   string
		req    request
		status int
		want   string
	}{
		{"API key refused", request{method: "POST", path: path, key: key, body: answer}, http.StatusForbidden, "signed-in person"},
		{"empty refused", request{method: "POST", path: path, cookie: cookie, csrf: csrf, body: `{}`}, http.StatusBadRequest, `"field":"text"`},
		{"unknown report", request{method: "POST", path: "/v1/reports/rep_nope/supplements", cookie: cookie, csrf: csrf, body: answer},
			http.StatusNotFound, "rep_nope"},
		{"answer", request{method: "POST", path: path, cookie: cookie, csrf: csrf, body: answer}, http.StatusCreated,
			`"eu_reference":"EU-7","in_reply_to":"` + fb.ID + `"`},
		{"late reference", request{method: "POST", path: path, cookie: cookie, csrf: csrf,
			body: `{"third_country_reports":[{"entity":"Hotline X","reference":"HX-1"}]}`}, http.StatusCreated, `"status":"queued"`},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			resp, body := f.do(t, s.req)
			if resp.StatusCode != s.status || !strings.Contains(body, s.want) {
				t.Fatalf("%d %s, want %d with %q", resp.StatusCode, body, s.status, s.want)
			}
		})
	}
	var list supplementsResponse
	f.getJSON(t, key, path, &list)
	if len(list.Items) != 2 || list.Items[0].InReplyTo != fb.ID || list.Items[1].ThirdCountry[0].Reference != "HX-1" {
		t.Errorf("supplements %+v, want the answer and the late reference", list.Items)
	}
	resp, body = f.do(t, request{method: "GET", path: "/v1/audit?limit=500", key: f.key(t, vigil.ScopeAdmin)})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "report.supplement") || strings.Contains(body, "marker-91ac") {
		t.Errorf("audit log %d: want report.supplement events without the text", resp.StatusCode)
	}
}
