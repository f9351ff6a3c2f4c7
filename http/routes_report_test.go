package http

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/signal"
	"github.com/vigilproject/vigil/sqlite"
)

// reportPlatform is the platform with reports, and a drafted report of a confirmed case.
func reportPlatform(t *testing.T) (*platform, string) {
	t.Helper()
	f := newPlatform(t)
	f.srv.Reports = sqlite.NewReportStore(f.db)
	c := vigil.Case{ContentID: "cnt_rep", Service: "photos",
		Matches: []vigil.Match{{Bank: "ncmec", Entry: 1, Category: "A1",
			Signal: signal.Signal{Type: signal.MD5, Value: "0123456789abcdef0123456789abcdef"}}}}
	if err := f.db.Update(systemCtx, func(tx *sqlite.Tx) error { return tx.OpenCase(&c, nil, "") }); err != nil {
		t.Fatal(err)
	}
	rev := vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorUser, ID: "usr_rev", Name: "rev",
		Role: vigil.RoleReviewer, Scopes: vigil.ScopesOf(vigil.RoleReviewer)})
	if _, err := f.srv.Cases.Decide(rev, vigil.Decision{CaseID: c.ID, Verdict: vigil.DecideConfirm, Category: "A1"}); err != nil {
		t.Fatal(err)
	}
	admin := f.key(t, vigil.ScopeAdmin)
	resp, body := f.do(t, request{method: "PUT", path: "/v1/reports/settings", key: admin, body: `{"provider":
		{"name":"Example Photos BV","contact_point":"spoc@example.test","reporter_email":"legal@example.test"},
		"legal_basis":"Article 12","eu_centre":true,"eu_centre_url":"https://eucentre.example.test/v1/reports",
		"ncmec":true,"ncmec_user":"esp","ncmec_password":"pw-1"}`})
	if resp.StatusCode != http.StatusOK || strings.Contains(body, "pw-1") || !strings.Contains(body, `"has_ncmec_password":true`) {
		t.Fatalf("save settings: %d %s", resp.StatusCode, body)
	}
	var list reportsResponse
	f.getJSON(t, f.key(t, vigil.ScopeReports), "/v1/reports", &list)
	if len(list.Items) != 1 || list.Items[0].Record != nil || list.Items[0].Status != vigil.ReportDraft {
		t.Fatalf("reports %+v, want one draft without its record", list.Items)
	}
	// The draft is the provider's as of the confirmation: the settings saved after it are not in
	// it, so legal edits them in, as it would any draft.
	id := list.Items[0].ID
	var rep reportJSON
	f.getJSON(t, f.key(t, vigil.ScopeReports), "/v1/reports/"+id, &rep)
	rec := *rep.Record
	rec.Provider = vigil.ReportProvider{Name: "Example Photos BV", ContactPoint: "spoc@example.test", ReporterEmail: "legal@example.test"}
	rec.LegalBasis = "Article 12"
	raw, _ := json.Marshal(rec)
	if resp, body := f.do(t, request{method: "PUT", path: "/v1/reports/" + id + "/record", key: f.key(t, vigil.ScopeReports), body: string(raw)}); resp.StatusCode != 200 {
		t.Fatalf("edit: %d %s", resp.StatusCode, body)
	}
	return f, id
}

// getJSON GETs path with key and decodes the 200 answer into out.
func (f *platform) getJSON(t *testing.T, key, path string, out any) {
	t.Helper()
	resp, body := f.do(t, request{method: "GET", path: path, key: key})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	if err := json.Unmarshal([]byte(body), out); err != nil {
		t.Fatal(err)
	}
}

// PP-04 through the API: a new-material report needs two different approvers; edits are
// validated with the field named; feedback waits for the EU Centre to have the report.
func TestReportRoutes(t *testing.T) {
	f, id := reportPlatform(t)
	ann := f.key(t, vigil.ScopeReports)
	annCookie, annCSRF := f.session(t, vigil.RoleLegal)
	bobCookie, bobCSRF := f.session(t, vigil.RoleLegal)
	var rep reportJSON
	f.getJSON(t, ann, "/v1/reports/"+id, &rep)
	if rep.Record == nil || rep.Record.Content[0].ContentID != "cnt_rep" {
		t.Fatalf("report %+v, want its record", rep)
	}
	rec := *rep.Record
	rec.Type = vigil.ReportNew
	raw, _ := json.Marshal(rec)
	steps := []struct {
		name, method, path, key, body string
		status                        int
		want                          string
		cookie, csrf                  string // a signed-in person instead of the key
	}{
		{"edit type", "PUT", "/v1/reports/" + id + "/record", ann, string(raw), 200, `"approvals_needed":2`, "", ""},
		{"unknown field", "PUT", "/v1/reports/" + id + "/record", ann, `{"colour":"red"}`, 400, "unknown field", "", ""},
		{"bad type", "PUT", "/v1/reports/" + id + "/record", ann, strings.Replace(string(raw), "new_csam", "rumour", 1), 400, `"field":"type"`, "", ""},
		{"an API key cannot approve", "POST", "/v1/reports/" + id + "/approve", ann, "", 403, "person", "", ""},
		{"first approval", "POST", "/v1/reports/" + id + "/approve", "", "", 200, `"status":"awaiting_second_approval"`, annCookie, annCSRF},
		{"same approver again", "POST", "/v1/reports/" + id + "/approve", "", "", 409, "someone else", annCookie, annCSRF},
		{"second approver", "POST", "/v1/reports/" + id + "/approve", "", "", 200, `"status":"queued"`, bobCookie, bobCSRF},
		{"feedback before sending", "POST", "/v1/reports/" + id + "/feedback", ann, `{"kind":"manifestly_unfounded"}`, 409, "EU Centre", "", ""},
		{"feedback with a bad time", "POST", "/v1/reports/" + id + "/feedback", ann, `{"kind":"do_not_remove","until":"soon"}`, 400, `"field":"until"`, "", ""},
		{"retract without reason", "POST", "/v1/reports/" + id + "/retract", ann, `{"reason":""}`, 400, `"field":"reason"`, "", ""},
		{"retract", "POST", "/v1/reports/" + id + "/retract", ann, `{"reason":"filed twice"}`, 200, `"status":"retracted"`, "", ""},
		{"bad limit", "GET", "/v1/reports?limit=0", ann, "", 400, `"field":"limit"`, "", ""},
		{"filter", "GET", "/v1/reports?status=retracted", ann, "", 200, id, "", ""},
		{"settings hide the password", "GET", "/v1/reports/settings", ann, "", 200, `"has_ncmec_password":true`, "", ""},
		{"settings need admin to change", "PUT", "/v1/reports/settings", ann, `{}`, 403, "forbidden", "", ""},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			resp, body := f.do(t, request{method: s.method, path: s.path, key: s.key, body: s.body, cookie: s.cookie, csrf: s.csrf})
			if resp.StatusCode != s.status || !strings.Contains(body, s.want) {
				t.Fatalf("%d %s, want %d with %q", resp.StatusCode, body, s.status, s.want)
			}
		})
	}
}

// The provider's public key is public: the EU Centre fetches it to verify reports (RP-03).
func TestSigningKeyRoute(t *testing.T) {
	f, _ := reportPlatform(t)
	resp, body := f.do(t, request{method: "GET", path: "/v1/reports/signing-key"})
	var k signingKeyJSON
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &k) != nil || k.Algorithm != "Ed25519" || len(k.KeyID) != 16 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
}

// A server built without reports answers 503, not a crash.
func TestReportRoutesWithoutService(t *testing.T) {
	f := newPlatform(t)
	f.srv.Reports = nil
	resp, body := f.do(t, request{method: "GET", path: "/v1/reports", key: f.key(t, vigil.ScopeReports)})
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("%d %s, want 503", resp.StatusCode, body)
	}
}

// The pages: legal lists, opens, edits and approves a report; the record is shown read-only
// once queued; admins reach the settings.
func TestReportPages(t *testing.T) {
	f, id := reportPlatform(t)
	cookie, csrf := f.session(t, vigil.RoleLegal)
	admin, adminCSRF := f.session(t, vigil.RoleAdmin)
	form := "application/x-www-form-urlencoded"
	steps := []struct {
		name, method, path, body, cookie, csrf string
		status                                 int
		want                                   string
	}{
		{"list", "GET", "/reports", "", cookie, csrf, 200, id},
		{"report", "GET", "/reports/" + id, "", cookie, csrf, 200, "Approvals (0 of 1)"},
		{"edit key fields", "POST", "/reports/" + id + "/record", "type=known_csam&awareness=user_flag&other_information=via+the+form", cookie, csrf, 303, "report_edited"},
		{"edit shown", "GET", "/reports/" + id, "", cookie, csrf, 200, "via the form"},
		{"bad JSON", "POST", "/reports/" + id + "/record", "record=%7Bnot+json", cookie, csrf, 400, "not valid JSON"},
		{"urgent without reason", "POST", "/reports/" + id + "/record", "type=known_csam&awareness=user_flag&urgent=on", cookie, csrf, 400, "urgent_reason"},
		{"approve", "POST", "/reports/" + id + "/approve", "", cookie, csrf, 303, "report_approved"},
		{"queued is read-only", "GET", "/reports/" + id, "", cookie, csrf, 200, "queued"},
		{"settings are admin's", "GET", "/reports/settings", "", cookie, csrf, 403, ""},
		{"settings", "GET", "/reports/settings", "", admin, adminCSRF, 200, "Example Photos BV"},
		{"save settings", "POST", "/reports/settings", "provider_name=P&contact_point=a%40b.test&reporter_email=c%40d.test&legal_basis=L&eu_centre=on&eu_centre_url=https%3A%2F%2Feu.example%2Fr", admin, adminCSRF, 303, "report_settings"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			resp, body := f.do(t, request{method: s.method, path: s.path, body: s.body, contentType: form, cookie: s.cookie, csrf: s.csrf})
			got := body + resp.Header.Get("Location")
			if resp.StatusCode != s.status || !strings.Contains(got, s.want) {
				t.Fatalf("%d %s, want %d with %q", resp.StatusCode, got, s.status, s.want)
			}
		})
	}
	resp, body := f.do(t, request{method: "GET", path: "/reports/" + id, cookie: cookie})
	if resp.StatusCode != 200 || strings.Contains(body, `id="record-json"`) {
		t.Errorf("a queued report's page still offers the editor")
	}
}
