package http

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
)

// TestSignInAudit signs in through the form and the API, right and wrong, and checks the audit
// events and that info-level logs name no client address.
func TestSignInAudit(t *testing.T) {
	f := newPlatform(t)
	var logs bytes.Buffer
	f.srv.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if _, err := f.users.CreateUser(systemCtx, "alice", vigil.RoleReviewer, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	form := func(name, pw string) request {
		return request{method: "POST", path: "/login", contentType: "application/x-www-form-urlencoded",
			body: url.Values{"name": {name}, "password": {pw}}.Encode()}
	}
	api := func(name, pw string) request {
		return request{method: "POST", path: "/v1/login", body: `{"name":"` + name + `","password":"` + pw + `"}`}
	}
	for _, tc := range []struct {
		name     string
		req      request
		status   int
		action   string
		objectID string
	}{
		{"form, right", form("alice", "correct horse battery"), http.StatusSeeOther, "user.login", ""},
		{"form, wrong password", form("alice", "wrong horse battery"), http.StatusSeeOther, "user.login_failed", "alice"},
		{"API, unknown name", api("mallory", "correct horse battery"), http.StatusUnauthorized, "user.login_failed", "mallory"},
		{"API, wrong password", api("alice", "wrong horse battery"), http.StatusUnauthorized, "user.login_failed", "alice"},
		{"API, right", api("alice", "correct horse battery"), http.StatusOK, "user.login", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := lastSeq(t, f)
			if resp, body := f.do(t, tc.req); resp.StatusCode != tc.status {
				t.Fatalf("status %d %s, want %d", resp.StatusCode, body, tc.status)
			}
			events, err := f.db.AuditEvents(systemCtx, vigil.AuditFilter{AfterSeq: before})
			if err != nil || len(events) != 1 {
				t.Fatalf("%d new events, %v; want 1", len(events), err)
			}
			e := events[0]
			if e.Action != tc.action || tc.objectID != "" && e.ObjectID != tc.objectID {
				t.Errorf("event %s on %s %s, want %s on %s", e.Action, e.ObjectType, e.ObjectID, tc.action, tc.objectID)
			}
			if strings.Contains(e.Detail+e.ObjectID, "horse") || strings.Contains(e.Detail, "127.0.0.1") {
				t.Errorf("event %+v holds the password or the address", e)
			}
		})
	}
	if strings.Contains(logs.String(), "127.0.0.1") {
		t.Errorf("info-level logs name the client address:\n%s", logs.String())
	}
}

// lastSeq returns the sequence number of the newest audit event.
func lastSeq(t *testing.T, f *platform) int64 {
	t.Helper()
	var seq int64
	for {
		events, err := f.db.AuditEvents(systemCtx, vigil.AuditFilter{AfterSeq: seq, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		if len(events) == 0 {
			return seq
		}
		seq = events[len(events)-1].Seq
	}
}
