package http

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/fakeclock"
	"github.com/vigilproject/vigil/signal"
	"github.com/vigilproject/vigil/sqlite"
)

// caseTestEnv is a server on a real database with one open case, an API key that may work cases,
// one that may only submit, and a signed-in auditor.
type caseTestEnv struct {
	srv                        *httptest.Server
	caseID                     string
	casesKey, submitKey        string
	auditorCookie, auditorCSRF string
}

var caseTestMedia = []byte("\xff\xd8 benign bytes standing in for a picture \xff\xd9")

func newCaseTestEnv(t *testing.T) caseTestEnv {
	t.Helper()
	ctx := context.Background()
	clock := fakeclock.New(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
	st := newTestStack(t, clock)
	db, users := st.db, st.users
	var env caseTestEnv
	var err error
	if env.casesKey, _, err = users.CreateKey(ctx, "reviewer-bot", []vigil.Scope{vigil.ScopeCases}); err != nil {
		t.Fatal(err)
	}
	if env.submitKey, _, err = users.CreateKey(ctx, "uploader", []vigil.Scope{vigil.ScopeSubmit}); err != nil {
		t.Fatal(err)
	}
	if _, err := users.CreateUser(ctx, "eve", vigil.RoleAuditor, "a long auditor password"); err != nil {
		t.Fatal(err)
	}
	token, sess, err := users.Login(ctx, "eve", "a long auditor password")
	if err != nil {
		t.Fatal(err)
	}
	env.auditorCookie, env.auditorCSRF = token, sess.CSRF
	c := vigil.Case{ContentID: "cnt_1", Service: "photos",
		Matches: []vigil.Match{{Bank: "ncmec", Entry: 3, Category: "A1", Distance: 10,
			Signal: signal.Signal{Type: "md5", Value: "0123456789abcdef0123456789abcdef"}}}}
	err = db.Update(ctx, func(tx *sqlite.Tx) error { return tx.OpenCase(&c, caseTestMedia, "image/jpeg") })
	if err != nil {
		t.Fatal(err)
	}
	env.caseID = c.ID
	s := &Server{Clock: clock, Users: users, Cases: sqlite.NewCaseStore(db, nil), Audit: db}
	env.srv = httptest.NewServer(s.Handler())
	t.Cleanup(env.srv.Close)
	return env
}

// caseStep is one request of the review flow and what must come back.
type caseStep struct {
	name, as, method, path, body string
	status                       int
	check                        func(t *testing.T, body []byte, h http.Header)
}

func (env caseTestEnv) do(t *testing.T, st caseStep) {
	t.Helper()
	req, err := http.NewRequest(st.method, env.srv.URL+strings.ReplaceAll(st.path, "{id}", env.caseID), strings.NewReader(st.body))
	if err != nil {
		t.Fatal(err)
	}
	switch st.as {
	case "cases":
		req.Header.Set("Authorization", "Bearer "+env.casesKey)
	case "submit":
		req.Header.Set("Authorization", "Bearer "+env.submitKey)
	case "auditor":
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: env.auditorCookie})
		req.Header.Set(CSRFHeader, env.auditorCSRF)
	}
	resp, err := env.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != st.status {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, st.status, body)
	}
	if st.check != nil {
		st.check(t, body, resp.Header)
	}
}

// wantJSON returns a check that decodes the body and tests it.
func wantJSON[T any](test func(t *testing.T, v T)) func(*testing.T, []byte, http.Header) {
	return func(t *testing.T, body []byte, _ http.Header) {
		t.Helper()
		var v T
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatalf("body %s: %v", body, err)
		}
		test(t, v)
	}
}

func wantStatus(st vigil.CaseStatus, media bool) func(*testing.T, []byte, http.Header) {
	return wantJSON(func(t *testing.T, c caseJSON) {
		if c.Status != st || c.HasMedia != media {
			t.Fatalf("case %s, media %v; want %s, %v", c.Status, c.HasMedia, st, media)
		}
	})
}

func wantErrorField(field string) func(*testing.T, []byte, http.Header) {
	return wantJSON(func(t *testing.T, e errorBody) {
		if e.Error.Field != field {
			t.Fatalf("error %+v, want field %q", e.Error, field)
		}
	})
}

func TestCaseRoutesReviewFlow(t *testing.T) {
	env := newCaseTestEnv(t)
	steps := []caseStep{
		{"anonymous list", "", "GET", "/v1/cases", "", 401, nil},
		{"wrong scope", "submit", "GET", "/v1/cases", "", 403, nil},
		{"list", "cases", "GET", "/v1/cases?status=open,in_review&bank=ncmec&limit=10", "", 200,
			wantJSON(func(t *testing.T, r casesResponse) {
				if len(r.Items) != 1 || r.Items[0].ID != env.caseID || r.NextCursor != "" ||
					r.Items[0].Matches[0].Category != "A1" || r.Items[0].Opened != "2026-11-27T12:00:00.000Z" {
					t.Fatalf("listing %+v", r)
				}
			})},
		{"list other bank", "cases", "GET", "/v1/cases?bank=iwf", "", 200,
			wantJSON(func(t *testing.T, r casesResponse) {
				if len(r.Items) != 0 || r.Items == nil {
					t.Fatalf("listing %+v, want an empty list", r)
				}
			})},
		{"bad status", "cases", "GET", "/v1/cases?status=done", "", 400, wantErrorField("status")},
		{"bad age", "cases", "GET", "/v1/cases?older_than=soon", "", 400, wantErrorField("older_than")},
		{"bad limit", "cases", "GET", "/v1/cases?limit=0", "", 400, wantErrorField("limit")},
		{"bad cursor", "cases", "GET", "/v1/cases?cursor=xyz", "", 400, wantErrorField("cursor")},
		{"auditor reads", "auditor", "GET", "/v1/cases/{id}", "", 200, wantStatus(vigil.CaseOpen, true)},
		{"auditor cannot claim", "auditor", "POST", "/v1/cases/{id}/claim", "", 403, nil},
		{"auditor cannot reveal", "auditor", "GET", "/v1/cases/{id}/media", "", 403, nil},
		{"unknown case", "cases", "GET", "/v1/cases/cas_nope", "", 404, nil},
		{"claim", "cases", "POST", "/v1/cases/{id}/claim", "", 200, wantStatus(vigil.CaseInReview, true)},
		{"reveal", "cases", "GET", "/v1/cases/{id}/media", "", 200, func(t *testing.T, body []byte, h http.Header) {
			if !bytes.Equal(body, caseTestMedia) || h.Get("Content-Type") != "image/jpeg" ||
				h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Content-Disposition") != "attachment" {
				t.Fatalf("media %q with headers %v", body, h)
			}
		}},
		{"comment", "cases", "POST", "/v1/cases/{id}/comments", `{"text":"same as the entry"}`, 201,
			wantJSON(func(t *testing.T, c commentJSON) {
				if c.Text != "same as the entry" || c.CaseID != env.caseID || !strings.HasPrefix(c.ID, "cmt_") {
					t.Fatalf("comment %+v", c)
				}
			})},
		{"empty comment", "cases", "POST", "/v1/cases/{id}/comments", `{"text":""}`, 400, wantErrorField("text")},
		{"confirm without category", "cases", "POST", "/v1/cases/{id}/decide", `{"verdict":"confirm"}`, 400, wantErrorField("category")},
		{"unknown field", "cases", "POST", "/v1/cases/{id}/decide", `{"verdict":"confirm","catgory":"A1"}`, 400, nil},
		{"allow bank without banks:write", "cases", "POST", "/v1/cases/{id}/decide", `{"verdict":"false_positive","allow_bank":"fp"}`, 403,
			wantJSON(func(t *testing.T, e errorBody) {
				if e.Error.Field != "allow_bank" || !strings.Contains(e.Error.Message, "banks:write") {
					t.Fatalf("error %+v, want one naming the banks:write permission", e.Error)
				}
			})},
		{"confirm", "cases", "POST", "/v1/cases/{id}/decide", `{"verdict":"confirm","category":"A1","reason":"seen"}`, 200,
			wantStatus(vigil.CaseConfirmed, false)},
		{"decide twice", "cases", "POST", "/v1/cases/{id}/decide", `{"verdict":"escalate"}`, 409, nil},
		{"media gone", "cases", "GET", "/v1/cases/{id}/media", "", 404, nil},
		{"auditor reads history", "auditor", "GET", "/v1/cases/{id}/history", "", 200,
			wantJSON(func(t *testing.T, r historyResponse) {
				var actions []string
				for _, e := range r.Items {
					actions = append(actions, e.Action)
				}
				want := []string{"case.open", "case.claim", "media.view", "case.comment", "case.decide"}
				if !slices.Equal(actions, want) || r.Items[1].Actor != "reviewer-bot" {
					t.Fatalf("history %+v, want actions %v", r.Items, want)
				}
			})},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) { env.do(t, st) })
	}
}
