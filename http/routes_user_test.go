package http

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
)

func TestAPILogin(t *testing.T) {
	f := newPlatform(t)
	if _, err := f.users.CreateUser(systemCtx, "alice", vigil.RoleReviewer, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	resp, body := f.do(t, request{method: "POST", path: "/v1/login", body: `{"name":"alice","password":"correct horse battery"}`})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %d %s", resp.StatusCode, body)
	}
	var login loginResponse
	json.Unmarshal([]byte(body), &login)
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == SessionCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || login.CSRFToken == "" || login.User.Name != "alice" {
		t.Fatalf("cookie %+v, response %s", cookie, body)
	}
	for _, tc := range []struct {
		name string
		req  request
		want int
	}{
		{"me", request{method: "GET", path: "/v1/me", cookie: cookie.Value}, http.StatusOK},
		{"write without CSRF", request{method: "POST", path: "/v1/logout", cookie: cookie.Value}, http.StatusForbidden},
		{"write with wrong CSRF", request{method: "POST", path: "/v1/logout", cookie: cookie.Value, csrf: "nope"}, http.StatusForbidden},
		{"reviewer lists users", request{method: "GET", path: "/v1/users", cookie: cookie.Value}, http.StatusForbidden},
		{"logout", request{method: "POST", path: "/v1/logout", cookie: cookie.Value, csrf: login.CSRFToken}, http.StatusNoContent},
		{"after logout", request{method: "GET", path: "/v1/me", cookie: cookie.Value}, http.StatusUnauthorized},
		{"wrong password", request{method: "POST", path: "/v1/login", body: `{"name":"alice","password":"wrong password!"}`}, http.StatusUnauthorized},
		{"unknown field", request{method: "POST", path: "/v1/login", body: `{"user":"alice"}`}, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if resp, body := f.do(t, tc.req); resp.StatusCode != tc.want {
				t.Fatalf("%d %s, want %d", resp.StatusCode, body, tc.want)
			}
		})
	}
}

func TestFormLogin(t *testing.T) {
	f := newPlatform(t)
	f.users.CreateUser(systemCtx, "alice", vigil.RoleReviewer, "correct horse battery")
	form := func(pw, next string) string {
		return url.Values{"name": {"alice"}, "password": {pw}, "next": {next}}.Encode()
	}
	for _, tc := range []struct {
		name, body, origin, location string
		status                       int
	}{
		{"signed in", form("correct horse battery", "/queue"), "", "/queue", http.StatusSeeOther},
		{"same origin", form("correct horse battery", "/queue"), f.ts.URL, "/queue", http.StatusSeeOther},
		{"offsite next", form("correct horse battery", "//evil.example/"), "", "/", http.StatusSeeOther},
		{"wrong password", form("wrong password!", "/queue"), "", "/login?error=invalid&name=alice&next=%2Fqueue", http.StatusSeeOther},
		{"cross-site post", form("correct horse battery", "/"), "https://evil.example", "", http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.origin != "" {
				h.Set("Origin", tc.origin)
			}
			resp, body := f.do(t, request{method: "POST", path: "/login", body: tc.body,
				contentType: "application/x-www-form-urlencoded", header: h})
			if resp.StatusCode != tc.status || resp.Header.Get("Location") != tc.location {
				t.Fatalf("%d to %q (%s), want %d to %q", resp.StatusCode, resp.Header.Get("Location"), body, tc.status, tc.location)
			}
		})
	}
}

func TestLoginRateLimits(t *testing.T) {
	f := newPlatform(t)
	f.users.CreateUser(systemCtx, "alice", vigil.RoleReviewer, "correct horse battery")
	attempt := func(name string) int {
		resp, _ := f.do(t, request{method: "POST", path: "/v1/login", body: `{"name":"` + name + `","password":"wrong password!"}`})
		return resp.StatusCode
	}
	for range loginNameBurst {
		if got := attempt("alice"); got != http.StatusUnauthorized {
			t.Fatalf("attempt within the burst: %d, want 401", got)
		}
	}
	if got := attempt("alice"); got != http.StatusTooManyRequests {
		t.Fatalf("attempt past the burst: %d, want 429", got)
	}
	f.clock.Advance(time.Duration(float64(time.Second) / loginNameRate))
	if got := attempt("alice"); got != http.StatusUnauthorized {
		t.Fatalf("after a refill: %d, want 401", got)
	}
	// The address limit: every name is new, yet the same address runs out.
	refused := 0
	for i := range loginAddrBurst {
		if attempt("name"+strings.Repeat("x", i)) == http.StatusTooManyRequests {
			refused++
		}
	}
	if refused == 0 {
		t.Fatalf("the address limit never refused, after %d attempts from one address", loginAddrBurst+loginNameBurst+2)
	}
}

func TestUserAndKeyAdmin(t *testing.T) {
	f := newPlatform(t)
	admin := f.key(t, vigil.ScopeAdmin)
	resp, body := f.do(t, request{method: "POST", path: "/v1/users", key: admin,
		body: `{"name":"bob","role":"auditor","password":"correct horse battery"}`})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create user: %d %s", resp.StatusCode, body)
	}
	var bob userJSON
	json.Unmarshal([]byte(body), &bob)
	resp, body = f.do(t, request{method: "POST", path: "/v1/keys", key: admin,
		body: `{"name":"uploader","scopes":["submit"],"match_rate":3}`})
	var key keyJSON
	json.Unmarshal([]byte(body), &key)
	if resp.StatusCode != http.StatusCreated || !strings.HasPrefix(key.Key, "vgl_") || key.MatchRate != 3 {
		t.Fatalf("create key: %d %s", resp.StatusCode, body)
	}
	for _, tc := range []struct {
		name, contains string
		req            request
		status         int
	}{
		{"key works", `"name":"uploader"`, request{method: "GET", path: "/v1/me", key: key.Key}, http.StatusOK},
		{"list keys hides secrets", `"uploader"`, request{method: "GET", path: "/v1/keys", key: admin}, http.StatusOK},
		{"set rate", `"match_rate":7`, request{method: "PATCH", path: "/v1/keys/" + key.ID, key: admin, body: `{"match_rate":7}`}, http.StatusOK},
		{"bad scope", `"field":"scopes"`, request{method: "POST", path: "/v1/keys", key: admin, body: `{"name":"x","scopes":["root"]}`}, http.StatusBadRequest},
		{"disable", `"disabled":true`, request{method: "POST", path: "/v1/users/" + bob.ID + "/disable", key: admin}, http.StatusOK},
		{"short password", `"field":"password"`, request{method: "PUT", path: "/v1/users/" + bob.ID + "/password", key: admin, body: `{"password":"x"}`}, http.StatusBadRequest},
		{"unknown user", `"not_found"`, request{method: "GET", path: "/v1/users/usr_nope", key: admin}, http.StatusNotFound},
		{"revoke", ``, request{method: "DELETE", path: "/v1/keys/" + key.ID, key: admin}, http.StatusNoContent},
		{"revoked key", `"unauthorized"`, request{method: "GET", path: "/v1/me", key: key.Key}, http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := f.do(t, tc.req)
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.contains) {
				t.Fatalf("%d %s, want %d with %s", resp.StatusCode, body, tc.status, tc.contains)
			}
			if strings.Contains(body, key.Key) {
				t.Fatalf("the key's secret is shown again: %s", body)
			}
		})
	}
}

func TestAuditAPI(t *testing.T) {
	f := newPlatform(t)
	admin := f.key(t, vigil.ScopeAdmin)
	for _, name := range []string{"u1", "u2", "u3"} {
		f.do(t, request{method: "POST", path: "/v1/users", key: admin, body: `{"name":"` + name + `","role":"reviewer","password":"correct horse battery"}`})
	}
	cookie, _ := f.session(t, vigil.RoleAuditor)
	var page auditResponse
	var seen []string
	cursor := ""
	for range 10 {
		resp, body := f.do(t, request{method: "GET", path: "/v1/audit?action=user.create&limit=2&cursor=" + cursor, cookie: cookie})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		page = auditResponse{}
		json.Unmarshal([]byte(body), &page)
		for _, e := range page.Items {
			seen = append(seen, e.Action+":"+e.ActorName)
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	// Four users: three by the key, one by the fixture's session helper.
	if len(seen) != 4 || seen[0] != "user.create:test admin" || seen[3] != "user.create:system" {
		t.Fatalf("pages gave %q", seen)
	}
	for _, tc := range []struct{ name, query, field string }{
		{"bad time", "from=yesterday", "from"},
		{"bad limit", "limit=501", "limit"},
		{"bad cursor", "cursor=x", "cursor"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := f.do(t, request{method: "GET", path: "/v1/audit?" + tc.query, key: admin})
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `"field":"`+tc.field+`"`) {
				t.Fatalf("%d %s", resp.StatusCode, body)
			}
		})
	}
}

// TestAPILoginRefusesCrossSiteRequests checks the defence against login CSRF: a JSON sign-in is
// accepted only when declared application/json, which no cross-site form or no-cors fetch can
// send, and never with another site's Origin. A refused attempt sets no session cookie.
func TestAPILoginRefusesCrossSiteRequests(t *testing.T) {
	f := newPlatform(t)
	if _, err := f.users.CreateUser(systemCtx, "mallory", vigil.RoleReviewer, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	const body = `{"name":"mallory","password":"correct horse battery"}`
	for _, tc := range []struct {
		name        string
		contentType string // "none": no Content-Type header at all
		origin      string
		want        int
	}{
		{"text/plain form", "text/plain", "", http.StatusBadRequest},
		{"text/plain with charset", "text/plain; charset=utf-8", "", http.StatusBadRequest},
		{"urlencoded form", "application/x-www-form-urlencoded", "", http.StatusBadRequest},
		{"multipart form", "multipart/form-data; boundary=x", "", http.StatusBadRequest},
		{"no content type", "none", "", http.StatusBadRequest},
		{"JSON from another site", "application/json", "https://evil.example", http.StatusForbidden},
		{"JSON with charset", "application/json; charset=utf-8", "", http.StatusOK},
		{"JSON from this site", "application/json", f.ts.URL, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := request{method: "POST", path: "/v1/login", body: body, contentType: tc.contentType, header: http.Header{}}
			if tc.contentType == "none" {
				req.contentType, req.header["Content-Type"] = "", nil
			}
			if tc.origin != "" {
				req.header.Set("Origin", tc.origin)
			}
			resp, got := f.do(t, req)
			if resp.StatusCode != tc.want {
				t.Fatalf("%d %s, want %d", resp.StatusCode, got, tc.want)
			}
			signedIn := false
			for _, c := range resp.Cookies() {
				signedIn = signedIn || c.Name == SessionCookie && c.Value != ""
			}
			if signedIn != (tc.want == http.StatusOK) {
				t.Errorf("session cookie set: %v, want %v", signedIn, tc.want == http.StatusOK)
			}
		})
	}
}
