package http

import (
	"net/http"
	"testing"

	"github.com/vigilproject/vigil"
)

// TestSuspendUploaderAPI checks POST /v1/cases/{id}/suspend-uploader (IR-09): a signed-in
// reviewer or legal user with a reason suspends the uploader of a confirmed case once; an API
// key, a missing reason and an auditor are refused.
func TestSuspendUploaderAPI(t *testing.T) {
	f := newAfterMatchPlatform(t)
	path := "/v1/cases/" + f.caseID + "/suspend-uploader"
	legalCookie, legalCSRF := f.session(t, vigil.RoleLegal)
	auditorCookie, auditorCSRF := f.session(t, vigil.RoleAuditor)
	tests := []struct {
		name string
		req  request
		want int
	}{
		{"API key with the cases scope", request{key: f.key(t, vigil.ScopeCases), body: `{"reason":"known material"}`}, http.StatusForbidden},
		{"auditor", request{cookie: auditorCookie, csrf: auditorCSRF, body: `{"reason":"known material"}`}, http.StatusForbidden},
		{"no reason", request{cookie: f.confirmer[0], csrf: f.confirmer[1], body: `{}`}, http.StatusBadRequest},
		{"unknown case", request{path: "/v1/cases/cas_nope/suspend-uploader", cookie: legalCookie, csrf: legalCSRF,
			body: `{"reason":"known material"}`}, http.StatusNotFound},
		{"legal user", request{cookie: legalCookie, csrf: legalCSRF, body: `{"reason":"known material"}`}, http.StatusCreated},
		{"reviewer, a second time", request{cookie: f.confirmer[0], csrf: f.confirmer[1], body: `{"reason":"again"}`}, http.StatusConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.method = "POST"
			if tt.req.path == "" {
				tt.req.path = path
			}
			var got actionJSON
			out := any(nil)
			if tt.want == http.StatusCreated {
				out = &got
			}
			f.call(t, tt.req, tt.want, out)
			if tt.want == http.StatusCreated && (got.Kind != vigil.ActionSuspend || got.Uploader != "user-9" ||
				got.CaseID != f.caseID || got.Status != vigil.ActionRequested) {
				t.Errorf("suspension %+v, want a requested suspension of user-9 for case %s", got, f.caseID)
			}
		})
	}
}
