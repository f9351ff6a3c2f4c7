package http

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
)

// The resend endpoint and the report page: a retracted report is sent again as a draft that
// needs its approval again; a draft or a queued report is not "sent again"; the editor sets the
// CyberTipline annotations (NC-08) and refuses unknown ones with the field named.
func TestReportResendRoutes(t *testing.T) {
	f, id := reportPlatform(t)
	ann := f.key(t, vigil.ScopeReports)
	legalCookie, legalCSRF := f.session(t, vigil.RoleLegal)
	steps := []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"draft is not resent", "POST", "/v1/reports/" + id + "/resend", `{"reason":"again"}`, 409, "failed or retracted"},
		{"unknown annotation", "PUT", "/v1/reports/" + id + "/record", "", 400, `"field":"annotations[0]"`},
		{"retract", "POST", "/v1/reports/" + id + "/retract", `{"reason":"wrong case"}`, 200, `"status":"retracted"`},
		{"resend without reason", "POST", "/v1/reports/" + id + "/resend", `{"reason":""}`, 400, `"field":"reason"`},
		{"resend", "POST", "/v1/reports/" + id + "/resend", `{"reason":"it was the right case"}`, 200, `"status":"draft"`},
		{"approve again", "POST", "/v1/reports/" + id + "/approve", "", 200, `"status":"queued"`},
		{"queued is not resent", "POST", "/v1/reports/" + id + "/resend", `{"reason":"again"}`, 409, "failed or retracted"},
	}
	var rep reportJSON
	f.getJSON(t, ann, "/v1/reports/"+id, &rep)
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			body := s.body
			if body == "" && s.method == "PUT" {
				rec := *rep.Record
				rec.Annotations = []string{"gossip"}
				raw, _ := json.Marshal(rec)
				body = string(raw)
			}
			req := request{method: s.method, path: s.path, key: ann, body: body}
			if strings.HasSuffix(s.path, "/approve") {
				// Approvals count people (PP-04): a signed-in legal user approves.
				req.key, req.cookie, req.csrf = "", legalCookie, legalCSRF
			}
			resp, got := f.do(t, req)
			if resp.StatusCode != s.status || !strings.Contains(got, s.want) {
				t.Fatalf("%d %s, want %d with %q", resp.StatusCode, got, s.status, s.want)
			}
		})
	}
}

// The report page offers the annotations as checkboxes that the key-fields form saves, and a
// retracted report's page offers to send it again.
func TestReportPageAnnotationsAndResend(t *testing.T) {
	f, id := reportPlatform(t)
	cookie, csrf := f.session(t, vigil.RoleLegal)
	form := "application/x-www-form-urlencoded"
	steps := []struct {
		name, method, path, body string
		status                   int
		want, absent             string
	}{
		{"checkboxes", "GET", "/reports/" + id, "", 200, `name="annotations" value="sadisticOnlineExploitation"`, `id="resend"`},
		{"save annotations", "POST", "/reports/" + id + "/record",
			"type=known_csam&awareness=own_motion&annotations=sextortion&annotations=spam", 303, "report_edited", ""},
		{"checked", "GET", "/reports/" + id, "", 200, `value="sextortion" checked`, `value="informational" checked`},
		{"unknown annotation", "POST", "/reports/" + id + "/record", "type=known_csam&awareness=own_motion&annotations=gossip",
			400, "annotations[0]", ""},
		{"retract", "POST", "/reports/" + id + "/retract", "reason=mistake", 303, "report_retracted", ""},
		{"resend offered", "GET", "/reports/" + id, "", 200, `id="resend"`, `id="approve"`},
		{"resend", "POST", "/reports/" + id + "/resend", "reason=not+a+mistake", 303, "report_resent", ""},
		{"back to draft", "GET", "/reports/" + id + "?done=report_resent", "", 200, `id="approve"`, `id="resend"`},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			resp, body := f.do(t, request{method: s.method, path: s.path, body: s.body, contentType: form, cookie: cookie, csrf: csrf})
			got := body + resp.Header.Get("Location")
			if resp.StatusCode != s.status || !strings.Contains(got, s.want) || s.absent != "" && strings.Contains(got, s.absent) {
				t.Fatalf("%d %.3000s, want %d with %q and without %q", resp.StatusCode, got, s.status, s.want, s.absent)
			}
		})
	}
}
