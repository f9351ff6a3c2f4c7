package http

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
)

// TestAfterMatchPages checks the complaints, holds and notices pages: they list what the
// services hold, the hold form places a hold, and the complaint form decides a complaint.
func TestAfterMatchPages(t *testing.T) {
	f := newAfterMatchPlatform(t)
	complaintsKey, submitKey := f.key(t, vigil.ScopeComplaints), f.key(t, vigil.ScopeSubmit)
	var actions actionsResponse
	f.call(t, request{method: "GET", path: "/v1/actions", key: submitKey}, http.StatusOK, &actions)
	f.call(t, request{method: "POST", path: "/v1/actions/" + actions.Items[0].ID + "/done", key: submitKey}, http.StatusOK, nil)
	var filed complaintJSON
	f.call(t, request{method: "POST", path: "/v1/complaints", key: complaintsKey,
		body: `{"content_id":"` + f.contentID + `","kind":"detection","text":"not what you think"}`}, http.StatusCreated, &filed)
	legal, legalCSRF := f.session(t, vigil.RoleLegal)
	reviewer, reviewerCSRF := f.session(t, vigil.RoleReviewer)
	admin, adminCSRF := f.session(t, vigil.RoleAdmin)
	form := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v.Encode()
	}
	const formType = "application/x-www-form-urlencoded"
	tests := []struct {
		name         string
		req          request
		status       int
		wantLocation string
		wantBody     []string
	}{
		{"notices", request{method: "GET", path: "/notices", cookie: legal}, http.StatusOK, "", []string{"removal", f.contentID}},
		{"notice settings", request{method: "POST", path: "/notices/settings", cookie: admin, csrf: adminCSRF, contentType: formType,
			body: form("provider", "Photos Ltd", "complaint_url", "https://photos.example/c")}, http.StatusSeeOther, "/notices?done=updated", nil},
		{"notice settings shown", request{method: "GET", path: "/notices", cookie: admin}, http.StatusOK, "", []string{`value="Photos Ltd"`}},
		{"place hold", request{method: "POST", path: "/holds", cookie: legal, csrf: legalCSRF, contentType: formType,
			body: form("kind", "do_not_inform", "content_id", f.contentID, "reference", "EUC-77", "until", "2027-01-10T12:00")},
			http.StatusSeeOther, "/holds?done=created", nil},
		{"hold too long", request{method: "POST", path: "/holds", cookie: legal, csrf: legalCSRF, contentType: formType,
			body: form("kind", "do_not_inform", "content_id", f.contentID, "reference", "EUC-78", "until", "2029-01-10T12:00")},
			http.StatusBadRequest, "", []string{"18 months"}},
		{"holds", request{method: "GET", path: "/holds", cookie: legal}, http.StatusOK, "", []string{"EUC-77", "do_not_inform", "Release"}},
		{"complaints", request{method: "GET", path: "/complaints", cookie: reviewer}, http.StatusOK, "", []string{filed.ID, "open"}},
		{"complaint", request{method: "GET", path: "/complaints/" + filed.ID, cookie: reviewer}, http.StatusOK, "",
			[]string{"not what you think", "Record the decision"}},
		{"decide", request{method: "POST", path: "/complaints/" + filed.ID + "/decide", cookie: reviewer, csrf: reviewerCSRF,
			contentType: formType, body: form("outcome", "rejected", "reason", "it matched")},
			http.StatusSeeOther, "/complaints/" + filed.ID + "?done=decided", nil},
		{"decided", request{method: "GET", path: "/complaints/" + filed.ID, cookie: reviewer}, http.StatusOK, "",
			[]string{"rejected", "it matched"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := f.do(t, tt.req)
			if resp.StatusCode != tt.status || resp.Header.Get("Location") != tt.wantLocation {
				t.Fatalf("%d to %q, want %d to %q: %s", resp.StatusCode, resp.Header.Get("Location"), tt.status, tt.wantLocation, body)
			}
			for _, w := range tt.wantBody {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
		})
	}
}
