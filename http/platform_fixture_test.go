package http

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/fakeclock"
	"github.com/vigilproject/vigil/sqlite"
	"github.com/vigilproject/vigil/transparency"
	"github.com/vigilproject/vigil/vault"
)

// platform is a whole server wired as "vigil serve" wires it, on a database in a temporary
// directory, answering over real HTTP: the fixture of the platform tests (auth, users, audit,
// system routes, the authorization matrix, the OpenAPI document).
type platform struct {
	db    *sqlite.DB
	clock *fakeclock.Clock
	users *sqlite.Users
	srv   *Server
	ts    *httptest.Server

	sessions int // users made by session, for unique names
}

func newPlatform(t *testing.T) *platform {
	t.Helper()
	return newPlatformAt(t, time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
}

// newPlatformAt is newPlatform with its fake clock starting at start.
func newPlatformAt(t *testing.T, start time.Time) *platform {
	t.Helper()
	clock := fakeclock.New(start)
	st := newTestStack(t, clock)
	p := st.startPipeline(t, clock, 1)
	f := &platform{db: st.db, clock: clock, users: st.users}
	f.srv = &Server{Clock: clock, Users: st.users, Content: p, Cases: sqlite.NewCaseStore(st.db, sqlite.AllowBankAdder(st.matcher)),
		Audit: st.db, Webhooks: st.db, Matcher: st.matcher, Banks: st.banks, Ready: st.db.Ping}
	wireAfterMatch(t, f.srv, st.db, clock)
	f.ts = httptest.NewServer(f.srv.Handler())
	t.Cleanup(f.ts.Close)
	return f
}

// wireAfterMatch gives srv the services of issue 5 as "vigil serve" builds them
// (cmd/vigil/serve_*.go), on db: the evidence vault (in a temporary directory, under the
// default EU policy), reports, actions, holds, notices and complaints, orders, the transparency
// report and the risk register. Their workers are not started: tests tick them on their clock.
func wireAfterMatch(t *testing.T, srv *Server, db *sqlite.DB, clock vigil.Clock) {
	t.Helper()
	k := vault.GenerateKey()
	v, err := vault.Open(vault.Config{Dir: filepath.Join(t.TempDir(), vault.DefaultDir), Key: &k})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.UseEvidence(v, vigil.DefaultRetentionPolicy); err != nil {
		t.Fatal(err)
	}
	srv.Evidence = sqlite.NewEvidenceStore(db)
	srv.Reports = sqlite.NewReportStore(db)
	srv.AfterMatch = AfterMatch{Actions: sqlite.NewActions(db), Holds: sqlite.NewHolds(db),
		Notices: sqlite.NewNotices(db), Complaints: sqlite.NewComplaints(db)}
	srv.Orders = sqlite.NewOrderStore(db)
	srv.Transparency = &transparency.Service{Store: sqlite.NewTransparencyStore(db), Clock: clock}
	srv.Risks = sqlite.NewRiskStore(db)
}

// systemCtx acts as Vigil itself, to set up what a test needs.
var systemCtx = vigil.WithActor(context.Background(), vigil.System)

// key creates an API key with scopes and returns its secret.
func (f *platform) key(t *testing.T, scopes ...vigil.Scope) string {
	t.Helper()
	secret, _, err := f.users.CreateKey(systemCtx, "test "+scopesText(scopes), scopes)
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

func scopesText(scopes []vigil.Scope) string {
	var b strings.Builder
	for _, s := range scopes {
		b.WriteString(string(s) + " ")
	}
	return b.String()
}

// session signs a new user of role in and returns the session cookie value and CSRF token.
func (f *platform) session(t *testing.T, role vigil.Role) (cookie, csrf string) {
	t.Helper()
	_, cookie, csrf = f.sessionNamed(t, role)
	return cookie, csrf
}

// sessionNamed is session, also returning the user's name, to sign in again with signIn.
func (f *platform) sessionNamed(t *testing.T, role vigil.Role) (name, cookie, csrf string) {
	t.Helper()
	f.sessions++
	name = fmt.Sprintf("%s-%d", role, f.sessions)
	if _, err := f.users.CreateUser(systemCtx, name, role, "a password long enough"); err != nil {
		t.Fatal(err)
	}
	cookie, csrf = f.signIn(t, name)
	return name, cookie, csrf
}

// signIn signs user name, made by session, in again and returns the new session cookie value
// and CSRF token.
func (f *platform) signIn(t *testing.T, name string) (cookie, csrf string) {
	t.Helper()
	token, s, err := f.users.Login(context.Background(), name, "a password long enough")
	if err != nil {
		t.Fatal(err)
	}
	return token, s.CSRF
}

// request is one HTTP request of a test.
type request struct {
	method, path string
	body         string
	contentType  string
	key          string // API key, sent as a bearer token
	cookie, csrf string // session cookie and CSRF header
	header       http.Header
}

// do sends req and returns the response with its body read.
func (f *platform) do(t *testing.T, req request) (*http.Response, string) {
	t.Helper()
	r, err := http.NewRequest(req.method, f.ts.URL+req.path, strings.NewReader(req.body))
	if err != nil {
		t.Fatal(err)
	}
	if req.body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if req.contentType != "" {
		r.Header.Set("Content-Type", req.contentType)
	}
	if req.key != "" {
		r.Header.Set("Authorization", "Bearer "+req.key)
	}
	if req.cookie != "" {
		r.AddCookie(&http.Cookie{Name: SessionCookie, Value: req.cookie})
	}
	if req.csrf != "" {
		r.Header.Set(CSRFHeader, req.csrf)
	}
	for k, v := range req.header {
		r.Header[k] = v
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", req.method, req.path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}
