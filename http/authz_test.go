package http

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
)

// concretePath fills a route pattern's wildcards with a value, so the pattern can be requested.
func concretePath(pattern string) string {
	path, _ := openAPIPath(pattern)
	return patternParam.ReplaceAllString(path, "x1")
}

// roleWith returns the role with the fewest scopes that grants scope.
func roleWith(scope vigil.Scope) vigil.Role {
	for _, r := range []vigil.Role{vigil.RoleAuditor, vigil.RoleReviewer, vigil.RoleAdmin} {
		if scope == "" || slices.Contains(vigil.ScopesOf(r), scope) {
			return r
		}
	}
	return vigil.RoleAdmin
}

func refused(code int) bool { return code == http.StatusUnauthorized || code == http.StatusForbidden }

// redirectedToLogin reports whether resp sends the browser to sign in before coming back, the
// answer of a page to a request without a session.
func redirectedToLogin(resp *http.Response) bool {
	return resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login?next=")
}

// TestAuthorizationMatrix requests every route of the table anonymously, with every scope that
// is not enough, and with the one that is: only the last may get past authorization.
func TestAuthorizationMatrix(t *testing.T) {
	f := newPlatform(t)
	keys := map[vigil.Scope]string{}
	for _, s := range vigil.Scopes {
		keys[s] = f.key(t, s)
	}
	roleSessions := map[vigil.Role][2]string{}
	for _, r := range vigil.Roles {
		c, csrf := f.session(t, r)
		roleSessions[r] = [2]string{c, csrf}
	}
	routes := f.srv.Routes()
	if len(routes) < 20 {
		t.Fatalf("only %d routes in the table", len(routes))
	}
	for _, rt := range routes {
		t.Run(rt.Method+" "+rt.Pattern, func(t *testing.T) {
			path := concretePath(rt.Pattern)
			anon, _ := f.do(t, request{method: rt.Method, path: path})
			switch rt.Access {
			case Public:
				if refused(anon.StatusCode) {
					t.Fatalf("public route refused anonymous: %d", anon.StatusCode)
				}
				return
			case API:
				if anon.StatusCode != http.StatusUnauthorized {
					t.Errorf("anonymous: %d, want 401", anon.StatusCode)
				}
				checkAPIScopes(t, f, rt, path, keys)
			case Page:
				if !redirectedToLogin(anon) {
					t.Errorf("anonymous: %d to %q, want a redirect to /login", anon.StatusCode, anon.Header.Get("Location"))
				}
				if resp, _ := f.do(t, request{method: rt.Method, path: path, key: keys[vigil.ScopeAdmin]}); !refused(resp.StatusCode) && !redirectedToLogin(resp) {
					t.Errorf("admin API key on a page: %d, want refused", resp.StatusCode)
				}
			}
			checkSessions(t, f, rt, path, roleSessions)
		})
	}
}

// checkAPIScopes requests rt with a key of each scope.
func checkAPIScopes(t *testing.T, f *platform, rt Route, path string, keys map[vigil.Scope]string) {
	t.Helper()
	for _, s := range vigil.Scopes {
		resp, body := f.do(t, request{method: rt.Method, path: path, key: keys[s]})
		enough := rt.Scope == "" || s == rt.Scope || rt.AltScope != "" && s == rt.AltScope || s == vigil.ScopeAdmin
		switch {
		case enough && refused(resp.StatusCode):
			t.Errorf("key with %s: %d %s, want accepted", s, resp.StatusCode, body)
		case !enough && resp.StatusCode != http.StatusForbidden:
			t.Errorf("key with %s: %d, want 403", s, resp.StatusCode)
		}
	}
}

// checkSessions requests rt as a signed-in user of each role, and checks the CSRF rule.
func checkSessions(t *testing.T, f *platform, rt Route, path string, sessions map[vigil.Role][2]string) {
	t.Helper()
	write := !safeMethod(rt.Method)
	for _, role := range vigil.Roles {
		grants := vigil.ScopesOf(role)
		enough := rt.Scope == "" || slices.Contains(grants, rt.Scope) || rt.AltScope != "" && slices.Contains(grants, rt.AltScope) ||
			rt.Audit && role == vigil.RoleAuditor
		if enough {
			continue // checked below with a fresh session, as the request may end it
		}
		s := sessions[role]
		if resp, _ := f.do(t, request{method: rt.Method, path: path, cookie: s[0], csrf: s[1]}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s session: %d, want 403", role, resp.StatusCode)
		}
	}
	role := roleWith(rt.Scope)
	cookie, csrf := f.session(t, role)
	if write {
		if resp, _ := f.do(t, request{method: rt.Method, path: path, cookie: cookie}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s session without CSRF token: %d, want 403", role, resp.StatusCode)
		}
	}
	resp, body := f.do(t, request{method: rt.Method, path: path, cookie: cookie, csrf: csrf})
	if refused(resp.StatusCode) || redirectedToLogin(resp) {
		t.Errorf("%s session: %d %s, want accepted", role, resp.StatusCode, body)
	}
	if rt.Audit {
		cookie, csrf := f.session(t, vigil.RoleAuditor)
		if resp, body := f.do(t, request{method: rt.Method, path: path, cookie: cookie, csrf: csrf}); refused(resp.StatusCode) {
			t.Errorf("auditor on an audit route: %d %s, want accepted", resp.StatusCode, body)
		}
	}
}
