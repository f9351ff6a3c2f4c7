package http

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
)

// TestPagesWithoutService checks that the pages of a service the server was built without
// answer 503 with an error page saying what is missing, asked at each request rather than
// when the routes were declared.
func TestPagesWithoutService(t *testing.T) {
	for _, tc := range []struct {
		name, path, want string
		drop             func(*Server)
	}{
		{"orders", "/orders", "authority orders are not served here", func(s *Server) { s.Orders = nil }},
		{"order", "/orders/ord_1", "authority orders are not served here", func(s *Server) { s.Orders = nil }},
		{"reports", "/reports", "reports are not served here", func(s *Server) { s.Reports = nil }},
		{"evidence", "/evidence", "the evidence vault is not served here", func(s *Server) { s.Evidence = nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newPlatform(t)
			cookie, _ := f.session(t, vigil.RoleLegal)
			tc.drop(f.srv)
			resp, body := f.do(t, request{method: "GET", path: tc.path, cookie: cookie})
			if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, tc.want) {
				t.Errorf("%d, want 503 saying %q:\n%s", resp.StatusCode, tc.want, body)
			}
		})
	}
}
