package http

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/fakeclock"
	"github.com/vigilproject/vigil/sqlite"
	"github.com/vigilproject/vigil/urlfetch"
)

// bankFixture is a server on a fresh database with one API key per scope the bank routes use.
type bankFixture struct {
	db    *sqlite.DB
	clock *fakeclock.Clock // the server's and the Matcher's
	srv   *httptest.Server
	keys  map[vigil.Scope]string
}

func newBankFixture(t *testing.T) *bankFixture {
	t.Helper()
	return newBankFixtureWith(t, func(b vigil.BankService) vigil.BankService { return b })
}

// newBankFixtureWith is newBankFixture with the server's bank store wrapped by wrap, so that a
// test can make its reads fail.
func newBankFixtureWith(t *testing.T, wrap func(vigil.BankService) vigil.BankService) *bankFixture {
	t.Helper()
	clock := fakeclock.New(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
	st := newTestStack(t, clock)
	f := &bankFixture{db: st.db, clock: clock,
		keys: st.keyPerScope(t, vigil.ScopeBanksRead, vigil.ScopeBanksWrite, vigil.ScopeMatch, vigil.ScopeAdmin)}
	s := &Server{Clock: clock, Users: st.users, Audit: st.db, Matcher: st.matcher, Banks: wrap(st.banks),
		Fetcher: urlfetch.New(urlfetch.Fetcher{AllowLoopback: true})}
	f.srv = httptest.NewServer(s.Handler())
	t.Cleanup(f.srv.Close)
	return f
}

// call is one request and what must come back.
type call struct {
	name        string
	scope       vigil.Scope
	method      string
	path        string
	body        string // JSON; empty for none
	contentType string // of body; default application/json
	wantStatus  int
	wantBody    string // when set, the response body, compacted when JSON
}

// do sends c and checks its answer, returning the body.
func (f *bankFixture) do(t *testing.T, c call) []byte {
	t.Helper()
	req, err := http.NewRequest(c.method, f.srv.URL+c.path, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+f.keys[c.scope])
	if c.body != "" {
		req.Header.Set("Content-Type", cmpOr(c.contentType, "application/json"))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != c.wantStatus {
		t.Fatalf("%s %s: status %d, want %d; body %s", c.method, c.path, resp.StatusCode, c.wantStatus, body)
	}
	if c.wantBody != "" {
		if got := compactJSON(body); got != compactJSON([]byte(c.wantBody)) {
			t.Errorf("%s %s:\n got %s\nwant %s", c.method, c.path, got, compactJSON([]byte(c.wantBody)))
		}
	}
	return body
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// compactJSON returns data without insignificant space, or as it is when it is not JSON.
func compactJSON(data []byte) string {
	var buf bytes.Buffer
	if json.Compact(&buf, data) != nil {
		return strings.TrimSpace(string(data))
	}
	return buf.String()
}

// run sends the calls in order, each as a subtest.
func (f *bankFixture) run(t *testing.T, calls []call) {
	t.Helper()
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) { f.do(t, c) })
	}
}

const (
	md5A = "0123456789abcdef0123456789abcdef"
	md5B = "fedcba9876543210fedcba9876543210"
)

func TestBankAPI(t *testing.T) {
	f := newBankFixture(t)
	r, w, adm := vigil.ScopeBanksRead, vigil.ScopeBanksWrite, vigil.ScopeAdmin
	f.run(t, []call{
		{name: "create", scope: w, method: "POST", path: "/v1/banks", body: `{"name":"ncmec","source":"NCMEC"}`, wantStatus: 201,
			wantBody: `{"name":"ncmec","kind":"known","threshold":31,"min_quality":50,"enabled":true,"source":"NCMEC","licence":"","version":"","created":"2026-11-27T12:00:00.000Z","entries":0}`},
		{name: "create taken", scope: w, method: "POST", path: "/v1/banks", body: `{"name":"ncmec"}`, wantStatus: 409},
		{name: "create bad name", scope: w, method: "POST", path: "/v1/banks", body: `{"name":"NCMEC"}`, wantStatus: 400},
		{name: "create unknown field", scope: w, method: "POST", path: "/v1/banks", body: `{"name":"x","colour":"red"}`, wantStatus: 400},
		{name: "reader cannot create", scope: r, method: "POST", path: "/v1/banks", body: `{"name":"x"}`, wantStatus: 403},
		{name: "add entries", scope: w, method: "POST", path: "/v1/banks/ncmec/entries",
			body:       `{"entries":[{"signal_type":"md5","signal":"` + md5A + `","supplier_id":"s1","category":"A1"},{"signal_type":"video_md5","signal":"` + strings.ToUpper(md5B) + `"},{"signal_type":"md5","signal":"` + md5A + `"}]}`,
			wantStatus: 200, wantBody: `{"added":2,"present":1,"ids":[1,2,0]}`},
		{name: "add bad entry", scope: w, method: "POST", path: "/v1/banks/ncmec/entries",
			body: `{"entries":[{"signal_type":"md5","signal":"abc"}]}`, wantStatus: 400},
		{name: "match", scope: vigil.ScopeMatch, method: "GET", path: "/v1/match?signal_type=md5&signal=" + md5A, wantStatus: 200,
			wantBody: `{"matches":[{"bank":"ncmec","kind":"known","entry":1,"signal_type":"md5","supplier_id":"s1","category":"A1","distance":0}],"allowed":[],"suppressed":0}`},
		{name: "match unknown bank", scope: vigil.ScopeMatch, method: "GET", path: "/v1/match?signal_type=md5&signal=" + md5A + "&banks=nope", wantStatus: 404},
		{name: "match needs match scope", scope: r, method: "GET", path: "/v1/match?signal_type=md5&signal=" + md5A, wantStatus: 403},
		{name: "page 1", scope: r, method: "GET", path: "/v1/banks/ncmec/entries?limit=1", wantStatus: 200,
			wantBody: `{"items":[{"id":1,"bank":"ncmec","signal_type":"md5","supplier_id":"s1","category":"A1","note":"","added":"2026-11-27T12:00:00.000Z"}],"next_cursor":"1"}`},
		{name: "page 2", scope: r, method: "GET", path: "/v1/banks/ncmec/entries?limit=1&cursor=1", wantStatus: 200,
			wantBody: `{"items":[{"id":2,"bank":"ncmec","signal_type":"md5","supplier_id":"","category":"","note":"","added":"2026-11-27T12:00:00.000Z"}],"next_cursor":"2"}`},
		{name: "admin page", scope: adm, method: "GET", path: "/v1/banks/ncmec/entries?limit=1&cursor=1", wantStatus: 200,
			wantBody: `{"items":[{"id":2,"bank":"ncmec","signal_type":"md5","signal":"` + md5B + `","supplier_id":"","category":"","note":"","added":"2026-11-27T12:00:00.000Z"}],"next_cursor":"2"}`},
		{name: "search", scope: r, method: "GET", path: "/v1/banks/ncmec/entries?signal=md5:" + md5B, wantStatus: 200,
			wantBody: `{"items":[{"id":2,"bank":"ncmec","signal_type":"md5","signal":"` + md5B + `","supplier_id":"","category":"","note":"","added":"2026-11-27T12:00:00.000Z"}],"next_cursor":""}`},
		{name: "bad cursor", scope: r, method: "GET", path: "/v1/banks/ncmec/entries?cursor=x", wantStatus: 400},
		{name: "get entry", scope: r, method: "GET", path: "/v1/banks/ncmec/entries/2", wantStatus: 200},
		{name: "get missing entry", scope: r, method: "GET", path: "/v1/banks/ncmec/entries/9", wantStatus: 404},
		{name: "disable", scope: w, method: "POST", path: "/v1/banks/ncmec/disable", wantStatus: 200},
		{name: "no match when disabled", scope: vigil.ScopeMatch, method: "GET", path: "/v1/match?signal_type=md5&signal=" + md5A, wantStatus: 200,
			wantBody: `{"matches":[],"allowed":[],"suppressed":0}`},
		{name: "patch", scope: w, method: "PATCH", path: "/v1/banks/ncmec", body: `{"enabled":true,"threshold":20}`, wantStatus: 200},
		{name: "patch out of range", scope: w, method: "PATCH", path: "/v1/banks/ncmec", body: `{"threshold":99}`, wantStatus: 400},
		{name: "remove missing", scope: w, method: "POST", path: "/v1/banks/ncmec/entries/remove", body: `{"ids":[2,9]}`, wantStatus: 404},
		{name: "remove", scope: w, method: "DELETE", path: "/v1/banks/ncmec/entries/2", wantStatus: 200, wantBody: `{"removed":1}`},
		{name: "export needs admin", scope: w, method: "GET", path: "/v1/banks/ncmec/export", wantStatus: 403},
		{name: "export", scope: adm, method: "GET", path: "/v1/banks/ncmec/export?format=tx", wantStatus: 200, wantBody: "md5 " + md5A},
		{name: "list", scope: r, method: "GET", path: "/v1/banks", wantStatus: 200},
		{name: "delete", scope: w, method: "DELETE", path: "/v1/banks/ncmec", wantStatus: 204},
		{name: "get deleted", scope: r, method: "GET", path: "/v1/banks/ncmec", wantStatus: 404},
	})
	var got []string
	events, err := f.db.AuditEvents(context.Background(), vigil.AuditFilter{ObjectType: "bank", Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		got = append(got, e.Action+" by "+e.ActorName)
	}
	want := []string{"bank.create by banks:write-key", "bank.add_entries by banks:write-key",
		"bank.read_entries by banks:read-key", "bank.read_entries by banks:read-key", "bank.read_entries by admin-key",
		"bank.read_entries by banks:read-key",
		"bank.read_entry by banks:read-key", "bank.update by banks:write-key", "bank.update by banks:write-key",
		"bank.remove_entries by banks:write-key", "bank.export by admin-key", "bank.delete by banks:write-key"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// multipartBody returns a multipart body with one file in field and its content type.
func multipartBody(t *testing.T, field, filename string, data []byte) (string, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	part, err := mw.CreateFormFile(field, filename)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String(), mw.FormDataContentType()
}

func TestBankImport(t *testing.T) {
	f := newBankFixture(t)
	w := vigil.ScopeBanksWrite
	f.do(t, call{scope: w, method: "POST", path: "/v1/banks", body: `{"name":"list"}`, wantStatus: 201})
	file := "signal_type,signal,id,category\nmd5," + md5A + ",a1,A1\nmd5,abc,bad,\nmd5," + md5B + ",b2,B\n"
	body, ct := multipartBody(t, "file", "list.csv", []byte(file))
	f.run(t, []call{
		{name: "strict refuses", scope: w, method: "POST", path: "/v1/banks/list/import?strict=true", body: body, contentType: ct, wantStatus: 400},
		{name: "imports good lines", scope: w, method: "POST", path: "/v1/banks/list/import", body: body, contentType: ct, wantStatus: 200,
			wantBody: `{"added":2,"present":0,"bad":1,"bad_lines":["file:3: signal: md5: \"abc\" has 3 characters, want 32 hex digits"]}`},
		{name: "imported entries match at once", scope: vigil.ScopeMatch, method: "GET", path: "/v1/match?signal_type=md5&signal=" + md5B,
			wantStatus: 200, wantBody: `{"matches":[{"bank":"list","kind":"known","entry":2,"signal_type":"md5","supplier_id":"b2","category":"B","distance":0}],"allowed":[],"suppressed":0}`},
		{name: "again adds nothing", scope: w, method: "POST", path: "/v1/banks/list/import?format=csv", body: body, contentType: ct, wantStatus: 200,
			wantBody: `{"added":0,"present":2,"bad":1,"bad_lines":["file:3: signal: md5: \"abc\" has 3 characters, want 32 hex digits"]}`},
		{name: "bad format", scope: w, method: "POST", path: "/v1/banks/list/import?format=xml", body: body, contentType: ct, wantStatus: 400},
		{name: "no file", scope: w, method: "POST", path: "/v1/banks/list/import", body: `{}`, wantStatus: 400},
		{name: "missing bank", scope: w, method: "POST", path: "/v1/banks/nope/import", body: body, contentType: ct, wantStatus: 404},
	})
}

// testPhoto draws a benign textured picture, PNG-encoded, whose PDQ quality is high.
func testPhoto(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 96, 96))
	for y := range 96 {
		for x := range 96 {
			img.SetGray(x, y, color.Gray{Y: uint8((x*x + 3*y*y + x*y) % 251)})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
