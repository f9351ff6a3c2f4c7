package http

import (
	"strconv"
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
)

// The provider's text in the transparency report through the API and the page: read with the
// reports permission, written by admins only, refused when it looks like personal data, and
// shown in the year's report (IR-11 (2), (3), (7), (8)).
func TestTransparencySettingsRoutes(t *testing.T) {
	f := newPlatform(t)
	legal, admin := f.key(t, vigil.ScopeReports), f.key(t, vigil.ScopeAdmin)
	year := strconv.Itoa(f.clock.Now().UTC().Year())
	good := `{"gdpr_ground":" Art. 6(1)(e) GDPR ","transfer_ground":"SCCs for NCMEC","error_limiting_measures":"Human review of every match","retention_policy":"Kept one year."}`
	steps := []struct {
		name, method, path, key, body string
		status                        int
		want                          string
	}{
		{"empty at first", "GET", "/v1/transparency/settings", legal, "", 200, `"gdpr_ground":""`},
		{"legal cannot write", "PUT", "/v1/transparency/settings", legal, good, 403, "forbidden"},
		{"personal data refused", "PUT", "/v1/transparency/settings", admin, `{"gdpr_ground":"ask dpo@provider.example"}`, 400, `"field":"gdpr_ground"`},
		{"unknown field", "PUT", "/v1/transparency/settings", admin, `{"colour":"red"}`, 400, "unknown field"},
		{"save", "PUT", "/v1/transparency/settings", admin, good, 200, `"gdpr_ground":"Art. 6(1)(e) GDPR"`},
		{"read back", "GET", "/v1/transparency/settings", legal, "", 200, `"retention_policy":"Kept one year."`},
		{"in the report", "GET", "/v1/transparency?year=" + year, legal, "", 200, `"error_limiting_measures": "Human review of every match"`},
		{"policy replaces Vigil's", "GET", "/v1/transparency?year=" + year + "&format=csv", legal, "", 200, "retention,,policy,Kept one year."},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			resp, body := f.do(t, request{method: s.method, path: s.path, key: s.key, body: s.body})
			if resp.StatusCode != s.status || !strings.Contains(body, s.want) {
				t.Fatalf("%d %.2000s, want %d with %q", resp.StatusCode, body, s.status, s.want)
			}
		})
	}
}

// The transparency page shows the statements to every reader and the form to admins only.
func TestTransparencySettingsPage(t *testing.T) {
	f := newPlatform(t)
	adminCookie, adminCSRF := f.session(t, vigil.RoleAdmin)
	auditor, auditorCSRF := f.session(t, vigil.RoleAuditor)
	form := "application/x-www-form-urlencoded"
	steps := []struct {
		name, method, path, body, cookie, csrf string
		status                                 int
		want, absent                           string
	}{
		{"admin sees the form", "GET", "/transparency", "", adminCookie, adminCSRF, 200, `id="transparency-settings"`, ""},
		{"auditor sees no form", "GET", "/transparency", "", auditor, auditorCSRF, 200, "Not stated.", `id="transparency-settings"`},
		{"auditor cannot save", "POST", "/transparency/settings", "gdpr_ground=x", auditor, auditorCSRF, 403, "", ""},
		{"save", "POST", "/transparency/settings", "gdpr_ground=Art.+6(1)(e)+GDPR&transfer_ground=&error_limiting_measures=Two+reviewers&retention_policy=",
			adminCookie, adminCSRF, 303, "transparency_settings", ""},
		{"shown", "GET", "/transparency?done=transparency_settings", "", auditor, auditorCSRF, 200, "Two reviewers", ""},
		{"personal data refused", "POST", "/transparency/settings", "gdpr_ground=call+%2B49+30+1234+5678", adminCookie, adminCSRF, 400, "personal data", ""},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			resp, body := f.do(t, request{method: s.method, path: s.path, body: s.body, contentType: form, cookie: s.cookie, csrf: s.csrf})
			got := body + resp.Header.Get("Location")
			if resp.StatusCode != s.status || !strings.Contains(got, s.want) || s.absent != "" && strings.Contains(got, s.absent) {
				t.Fatalf("%d %.2000s, want %d with %q and without %q", resp.StatusCode, got, s.status, s.want, s.absent)
			}
		})
	}
}
