package http

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// TestUIAdminForms posts each admin form in turn, as a signed-in admin, and checks the page the
// browser ends up on.
func TestUIAdminForms(t *testing.T) {
	f := newUIFixture(t)
	b := f.browser(t)
	b.signIn("ada", f.addUser(t, "ada", vigil.RoleAdmin))
	form := b.formBuilder()
	tests := []struct {
		name   string
		path   string
		form   url.Values
		status int
		want   string // on the page answered or redirected to
	}{
		{"create user", "/users", form("name", "bob", "role", "reviewer", "password", "a long enough password"), 303, "bob"},
		{"duplicate user", "/users", form("name", "bob", "role", "reviewer", "password", "a long enough password"), 409, ""},
		{"bad role", "/users", form("name", "carol", "role", "boss", "password", "a long enough password"), 400, ""},
		{"create key", "/keys", form("name", "uploader", "scope", "submit", "scope", "match"), 200, "shown only once"},
		{"create bank", "/banks", form("name", "known", "kind", "known", "threshold", "31"), 303, `data-api="/v1/banks/known/import"`},
		{"bad bank name", "/banks", form("name", "Known Bank", "kind", "known"), 400, "invalid bank name"},
		{"bad threshold", "/banks", form("name", "other", "kind", "known", "threshold", "many"), 400, "whole number"},
		{"disable bank", "/banks/known/enabled", form("enabled", "false"), 303, `id="bank-enabled">no`},
		{"missing bank", "/banks/nope/enabled", form("enabled", "true"), 404, ""},
		{"search entries", "/banks/known?search=1&signal=md5:nothex", nil, 400, "signal"},
		{"register webhook", "/webhooks", form("url", "https://example.org/hook", "event", vigil.EventCaseDecided), 200, "shown only now"},
		{"bad webhook URL", "/webhooks", form("url", "ftp://example.org", "event", vigil.EventCaseDecided), 400, "http"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp *http.Response
			var body string
			if tt.form == nil {
				resp, body = b.get(tt.path)
			} else {
				resp, body = b.post(tt.path, tt.form)
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if resp.StatusCode == http.StatusSeeOther {
				_, body = b.get(resp.Header.Get("Location"))
			}
			if !strings.Contains(body, tt.want) {
				t.Errorf("page lacks %q", tt.want)
			}
		})
	}
}

var newSecret = regexp.MustCompile(`<pre id="new-secret">([^<]+)</pre>`)

// TestUIKeySecretShownOnce creates a key through the form, uses its secret, and checks that no
// later page shows it and that revoking it works at once.
func TestUIKeySecretShownOnce(t *testing.T) {
	f := newUIFixture(t)
	b := f.browser(t)
	b.signIn("ada", f.addUser(t, "ada", vigil.RoleAdmin))
	csrf := b.csrf()
	_, page := b.post("/keys", url.Values{"csrf_token": {csrf}, "name": {"reader"}, "scope": {"banks:read"}})
	m := newSecret.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the key's secret is not on the page that created it")
	}
	secret := m[1]
	_, list := b.get("/keys")
	if strings.Contains(list, secret) {
		t.Error("the key list shows the secret again")
	}
	_, k, err := f.users.KeyActor(f.system(), secret)
	if err != nil {
		t.Fatalf("the shown secret does not work: %v", err)
	}
	resp, _ := b.post("/keys/"+k.ID+"/revoke", url.Values{"csrf_token": {csrf}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %s", resp.Status)
	}
	if _, _, err := f.users.KeyActor(f.system(), secret); err == nil {
		t.Error("a revoked key still works")
	}
}

// TestUIBankEntriesReadWhenAsked checks that the bank page reads (and audits) entries only when
// the user searches, and finds an entry by signal and by supplier id.
func TestUIBankEntriesReadWhenAsked(t *testing.T) {
	f := newUIFixture(t)
	if err := f.matcher.CreateBank(f.system(), match.NewBank("known", match.Known)); err != nil {
		t.Fatal(err)
	}
	md5 := signal.Signal{Type: signal.MD5, Value: strings.Repeat("cd", 16)}
	if _, err := f.matcher.AddEntries(f.system(), "known", []match.Entry{{Bank: "known", Signal: md5, SupplierID: "sup-7", Category: "B2"}}); err != nil {
		t.Fatal(err)
	}
	b := f.browser(t)
	b.signIn("rita", f.addUser(t, "rita", vigil.RoleReviewer))
	tests := []struct {
		name, query string
		want        string
		reads       int // audited entry reads so far
	}{
		{"settings only", "", "Search entries", 0},
		{"by signal", "?search=1&signal=" + url.QueryEscape("md5:"+md5.Value), "sup-7", 1},
		{"by supplier id", "?search=1&supplier_id=sup-7", "B2", 2},
		{"no match", "?search=1&supplier_id=none", "No entries match.", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := b.get("/banks/known" + tt.query)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, tt.want) {
				t.Fatalf("status %s; page has %q: %v", resp.Status, tt.want, strings.Contains(body, tt.want))
			}
			if n := f.countAudit(t, "bank.read_entries"); n != tt.reads {
				t.Errorf("%d entry reads audited, want %d", n, tt.reads)
			}
		})
	}
}

// TestUIAuditFilters checks the audit viewer's filters against events the fixture wrote.
func TestUIAuditFilters(t *testing.T) {
	f := newUIFixture(t)
	c := f.openCase(t, nil)
	b := f.browser(t)
	b.signIn("ada", f.addUser(t, "ada", vigil.RoleAdmin))
	tests := []struct {
		name, query   string
		want, wantNot string
	}{
		{"default: the last day", "", "case.open", ""},
		{"by action", "?action=user.create", "user.create", "case.open"},
		{"by object", "?object_type=case&object_id=" + c.ID, "case.open", "user.create"},
		{"by time, before anything", "?to=2000-01-01T00:00", "No events match.", "case.open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := b.get("/audit" + tt.query)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %s", resp.Status)
			}
			if !strings.Contains(body, tt.want) || tt.wantNot != "" && strings.Contains(body, tt.wantNot) {
				t.Errorf("page should show %q and not %q", tt.want, tt.wantNot)
			}
		})
	}
}
