package http

import (
	"net/http"
	"testing"

	"github.com/vigilproject/vigil"
)

// TestEveryRouteServed requests every route of the platform fixture with full access and
// placeholder ids: each answers, even if only "not found" or "invalid", and none answers 5xx.
// A 503 would mean a service the route needs is not wired, so the authorization matrix would
// be checking a stub rather than the route's handler.
func TestEveryRouteServed(t *testing.T) {
	f := newPlatform(t)
	admin := f.key(t, vigil.ScopeAdmin)
	cookie, csrf := f.session(t, vigil.RoleAdmin)
	for _, rt := range f.srv.Routes() {
		t.Run(rt.Method+" "+rt.Pattern, func(t *testing.T) {
			req := request{method: rt.Method, path: concretePath(rt.Pattern), key: admin}
			if rt.Access == Page {
				req = request{method: rt.Method, path: req.path, cookie: cookie, csrf: csrf}
			}
			if resp, body := f.do(t, req); resp.StatusCode >= http.StatusInternalServerError {
				t.Errorf("%d %s", resp.StatusCode, body)
			}
		})
	}
}
