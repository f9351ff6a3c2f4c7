package http

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
)

func TestUIPagesNeedSignIn(t *testing.T) {
	f := newUIFixture(t)
	b := f.browser(t)
	for _, rt := range f.srv.Routes() {
		if rt.Tag != "ui" || rt.Access != Page || rt.Method != "GET" {
			continue
		}
		path := strings.NewReplacer("{id}", "x", "{name}", "x", "{$}", "").Replace(rt.Pattern)
		t.Run(path, func(t *testing.T) {
			resp, _ := b.get(path)
			want := "/login?next=" + path
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
				t.Errorf("anonymous GET %s: %s to %q, want 303 to %q", path, resp.Status, resp.Header.Get("Location"), want)
			}
		})
	}
}

func TestUILoginPage(t *testing.T) {
	f := newUIFixture(t)
	pw := f.addUser(t, "rita", vigil.RoleReviewer)
	tests := []struct {
		name, query string
		want        []string
	}{
		{"plain", "", []string{`action="/login"`, `name="next" value="/"`}},
		{"next kept", "?next=/cases/cas_1", []string{`name="next" value="/cases/cas_1"`}},
		{"next elsewhere refused", "?next=//evil.example/x", []string{`name="next" value="/"`}},
		{"error by key", "?error=invalid&name=rita", []string{"Wrong name or password.", `value="rita"`}},
		{"unknown error key shows nothing", "?error=%3Cscript%3E", []string{`action="/login"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := f.browser(t).get("/login" + tt.query)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %s", resp.Status)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			if strings.Contains(body, "<script>") {
				t.Error("page reflects markup from the query")
			}
		})
	}
	t.Run("wrong password", func(t *testing.T) {
		resp, _ := f.browser(t).post("/login", url.Values{"name": {"rita"}, "password": {"nope"}})
		if loc := resp.Header.Get("Location"); !strings.Contains(loc, "error=invalid") {
			t.Errorf("redirect to %q, want the sign-in page with error=invalid", loc)
		}
	})
	t.Run("signed in goes on", func(t *testing.T) {
		b := f.browser(t)
		b.signIn("rita", pw)
		resp, _ := b.get("/login?next=/queue")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/queue" {
			t.Errorf("signed-in GET /login: %s to %q", resp.Status, resp.Header.Get("Location"))
		}
	})
}

func TestUIPagesByRole(t *testing.T) {
	f := newUIFixture(t)
	c := f.openCase(t, testPicture(t, 64, 48))
	sessions := map[vigil.Role]*browser{}
	for _, role := range vigil.Roles {
		b := f.browser(t)
		b.signIn(string(role), f.addUser(t, string(role), role))
		sessions[role] = b
	}
	tests := []struct {
		path   string
		role   vigil.Role
		status int
		want   string
	}{
		{"/", vigil.RoleReviewer, 200, "Review backlog"},
		{"/", vigil.RoleAuditor, 200, "Throughput"},
		{"/", vigil.RoleAdmin, 200, "0 items waiting for a verdict"},
		{"/queue", vigil.RoleReviewer, 200, c.ID},
		{"/queue", vigil.RoleAuditor, 403, ""},
		{"/cases/" + c.ID, vigil.RoleReviewer, 200, "test-category"},
		{"/cases/" + c.ID, vigil.RoleAuditor, 200, "case.open"},
		{"/cases/cas_missing", vigil.RoleReviewer, 404, "cas_missing"},
		{"/banks", vigil.RoleReviewer, 200, "Banks"},
		{"/users", vigil.RoleReviewer, 403, ""},
		{"/users", vigil.RoleAdmin, 200, "auditor"},
		{"/keys", vigil.RoleAdmin, 200, "Create a key"},
		{"/webhooks", vigil.RoleAdmin, 200, "Register a webhook"},
		{"/audit", vigil.RoleAuditor, 200, "case.open"},
		{"/audit", vigil.RoleReviewer, 403, ""},
		{"/audit?from=yesterday", vigil.RoleAdmin, 400, "from"},
		{"/static/htmx.min.js", vigil.RoleReviewer, 200, "htmx"},
		{"/static/vigil.js", vigil.RoleReviewer, 200, "revealer"},
	}
	for _, tt := range tests {
		t.Run(string(tt.role)+" "+tt.path, func(t *testing.T) {
			resp, body := sessions[tt.role].get(tt.path)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if !strings.Contains(body, tt.want) {
				t.Errorf("page lacks %q", tt.want)
			}
			if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") && resp.Header.Get("Content-Security-Policy") == "" {
				t.Error("page without a content security policy")
			}
		})
	}
}

// mediaImg finds the case page's media element.
var mediaImg = regexp.MustCompile(`<img[^>]*id="media-img"[^>]*>`)

func TestUICaseMediaCoveredUntilRevealed(t *testing.T) {
	f := newUIFixture(t)
	pic := testPicture(t, 64, 48)
	c := f.openCase(t, pic)
	b := f.browser(t)
	b.signIn("rita", f.addUser(t, "rita", vigil.RoleReviewer))

	_, page := b.get("/cases/" + c.ID)
	img := mediaImg.FindString(page)
	if img == "" || strings.Contains(img, " src=") {
		t.Fatal("case page should hold an empty image for the reveal script, not load the media")
	}
	if n := f.countAudit(t, "media.view"); n != 0 {
		t.Fatalf("%d media views recorded before any reveal", n)
	}

	resp, body := b.get("/cases/" + c.ID + "/media")
	if resp.StatusCode != http.StatusOK || !bytes.Equal([]byte(body), pic) {
		t.Fatalf("reveal: %s, %d bytes; want 200 and the picture", resp.Status, len(body))
	}
	for h, want := range map[string]string{"Content-Type": "image/png", "Vigil-Reveals": "1",
		"Vigil-Reveal-Cap": strconv.Itoa(vigil.DefaultRevealsPerHour), "Cache-Control": "no-store",
		"Content-Disposition": "attachment", "X-Content-Type-Options": "nosniff"} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s: %q, want %q", h, got, want)
		}
	}
	if n := f.countAudit(t, "media.view"); n != 1 {
		t.Errorf("%d media views recorded after one reveal, want 1", n)
	}
}

func TestUIRevealWellbeing(t *testing.T) {
	f := newUIFixture(t)
	c := f.openCase(t, testPicture(t, 16, 16))
	b := f.browser(t)
	b.signIn("rita", f.addUser(t, "rita", vigil.RoleReviewer))
	reveal := func() int {
		resp, _ := b.get("/cases/" + c.ID + "/media")
		return resp.StatusCode
	}
	tests := []struct {
		name            string
		reveals         int // before looking at the page
		breakOn, capped bool
	}{
		{"fresh", 0, false, false},
		{"just under the break prompt", breakEvery - 1, false, false},
		{"break prompt", 1, true, false},
		{"cap reached", vigil.DefaultRevealsPerHour - breakEvery, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range tt.reveals {
				if st := reveal(); st != http.StatusOK {
					t.Fatalf("reveal: status %d", st)
				}
			}
			_, page := b.get("/cases/" + c.ID)
			if got := !strings.Contains(page, `id="break-prompt" role="status" hidden`); got != tt.breakOn {
				t.Errorf("break prompt shown: %v, want %v", got, tt.breakOn)
			}
			if got := !strings.Contains(page, `id="cap-message" role="alert" hidden`); got != tt.capped {
				t.Errorf("cap message shown: %v, want %v", got, tt.capped)
			}
		})
	}
	if st := reveal(); st != http.StatusTooManyRequests {
		t.Errorf("reveal past the cap: status %d, want 429", st)
	}
	f.clock.Advance(61 * time.Minute)
	b.signIn("rita", "password for rita") // the session has idled out meanwhile
	if st := reveal(); st != http.StatusOK {
		t.Errorf("reveal an hour later: status %d, want 200", st)
	}
}

func TestUIDecide(t *testing.T) {
	f := newUIFixture(t)
	b := f.browser(t)
	b.signIn("rita", f.addUser(t, "rita", vigil.RoleReviewer))
	csrf := b.csrf()
	tests := []struct {
		name   string
		form   url.Values
		status int
		want   vigil.CaseStatus
	}{
		{"no CSRF token", url.Values{"verdict": {"confirm"}, "category": {"A1"}}, 403, vigil.CaseOpen},
		{"wrong CSRF token", url.Values{"csrf_token": {"x"}, "verdict": {"confirm"}, "category": {"A1"}}, 403, vigil.CaseOpen},
		{"confirm without category", url.Values{"csrf_token": {csrf}, "verdict": {"confirm"}}, 400, vigil.CaseOpen},
		{"unknown verdict", url.Values{"csrf_token": {csrf}, "verdict": {"maybe"}}, 400, vigil.CaseOpen},
		{"confirm", url.Values{"csrf_token": {csrf}, "verdict": {"confirm"}, "category": {"A1"}}, 303, vigil.CaseConfirmed},
		{"false positive", url.Values{"csrf_token": {csrf}, "verdict": {"false_positive"}, "reason": {"a cat"}}, 303, vigil.CaseFalsePositive},
		{"escalate", url.Values{"csrf_token": {csrf}, "verdict": {"escalate"}}, 303, vigil.CaseEscalated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := f.openCase(t, testPicture(t, 16, 16))
			resp, _ := b.post("/cases/"+c.ID+"/decide", tt.form)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			got, err := f.cases.Case(f.system(), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tt.want {
				t.Errorf("case status %s, want %s", got.Status, tt.want)
			}
		})
	}
}

func TestUIClaimAndComment(t *testing.T) {
	f := newUIFixture(t)
	c := f.openCase(t, nil)
	b := f.browser(t)
	b.signIn("rita", f.addUser(t, "rita", vigil.RoleReviewer))
	csrf := b.csrf()
	resp, _ := b.post("/cases/"+c.ID+"/claim", url.Values{"csrf_token": {csrf}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("claim: %s", resp.Status)
	}
	resp, _ = b.post("/cases/"+c.ID+"/comment", url.Values{"csrf_token": {csrf}, "text": {"looked at the bank entry"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment: %s", resp.Status)
	}
	_, page := b.get(resp.Header.Get("Location"))
	for _, want := range []string{"Comment added.", "in_review", "case.claim", "case.comment"} {
		if !strings.Contains(page, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
}

// countAudit counts the audit events with action.
func (f *uiFixture) countAudit(t *testing.T, action string) int {
	t.Helper()
	events, err := f.db.AuditEvents(f.system(), vigil.AuditFilter{Action: action, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return len(events)
}
