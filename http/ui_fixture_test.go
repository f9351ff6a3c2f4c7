package http

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/fakeclock"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
	"github.com/vigilproject/vigil/sqlite"
)

// uiFixture is a whole server on real services over a database in a temporary directory, for
// the web UI's tests: pages are fetched over real HTTP, as a browser would.
type uiFixture struct {
	db      *sqlite.DB
	clock   *fakeclock.Clock
	users   *sqlite.Users
	cases   *sqlite.CaseStore
	matcher *match.Matcher
	srv     *Server
	ts      *httptest.Server
}

func newUIFixture(t *testing.T) *uiFixture {
	t.Helper()
	// The clock starts at the real time: browsers and cookie jars judge the session cookie's
	// expiry by their own clock.
	clock := fakeclock.New(time.Now())
	st := newTestStack(t, clock)
	cases := sqlite.NewCaseStore(st.db, sqlite.AllowBankAdder(st.matcher))
	f := &uiFixture{db: st.db, clock: clock, users: st.users, cases: cases, matcher: st.matcher}
	content := st.startPipeline(t, clock, 1)
	f.srv = &Server{Clock: clock, Users: st.users, Cases: cases, Audit: st.db, Webhooks: st.db, Matcher: st.matcher,
		Banks: st.banks, Content: content}
	f.ts = httptest.NewServer(f.srv.Handler())
	t.Cleanup(f.ts.Close)
	return f
}

// system is a context acting as Vigil itself, for setting up what tests need.
func (f *uiFixture) system() context.Context {
	return vigil.WithActor(context.Background(), vigil.System)
}

// addUser creates a user and returns their password.
func (f *uiFixture) addUser(t *testing.T, name string, role vigil.Role) string {
	t.Helper()
	pw := "password for " + name
	if _, err := f.users.CreateUser(f.system(), name, role, pw); err != nil {
		t.Fatal(err)
	}
	return pw
}

// openCase opens a case for a new content item that matched bank "known", keeping media.
func (f *uiFixture) openCase(t *testing.T, media []byte) vigil.Case {
	t.Helper()
	c := vigil.Case{ContentID: vigil.NewID(vigil.PrefixContent, f.clock.Now()), Service: "photos",
		Matches: []vigil.Match{{Bank: "known", BankVersion: "v1", Entry: 1, Category: "test-category", Distance: 4,
			SupplierID: "sup-1", Signal: signal.Signal{Type: signal.MD5, Value: strings.Repeat("ab", 16)}}}}
	err := f.db.Update(f.system(), func(tx *sqlite.Tx) error { return tx.OpenCase(&c, media, "image/png") })
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// testPicture draws a small benign picture (colour bands and a disc) and encodes it as PNG.
func testPicture(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{uint8(255 * x / w), uint8(255 * y / h), 160, 255}
			if dx, dy := x-w/2, y-h/2; dx*dx+dy*dy < (h/4)*(h/4) {
				c = color.RGBA{250, 200, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// browser is an HTTP client with a cookie jar that does not follow redirects, so tests see them.
type browser struct {
	t      *testing.T
	base   string
	client *http.Client
}

func (f *uiFixture) browser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, base: f.ts.URL, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// signIn posts the sign-in form and fails the test unless it redirects to next.
func (b *browser) signIn(name, pw string) {
	b.t.Helper()
	resp, _ := b.post("/login", url.Values{"name": {name}, "password": {pw}, "next": {"/queue"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/queue" {
		b.t.Fatalf("sign in as %s: %s to %q", name, resp.Status, resp.Header.Get("Location"))
	}
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.client.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp, readBody(b.t, resp)
}

func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.client.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp, readBody(b.t, resp)
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)

// csrf returns the session's CSRF token, read from a page as a form would.
func (b *browser) csrf() string {
	b.t.Helper()
	_, body := b.get("/")
	m := csrfMeta.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatal("no CSRF token on the dashboard")
	}
	return m[1]
}

// formBuilder reads the session's CSRF token once and returns a function that makes a form
// of it and kv, alternating field names and values, as the pages' forms post them.
func (b *browser) formBuilder() func(kv ...string) url.Values {
	b.t.Helper()
	csrf := b.csrf()
	return func(kv ...string) url.Values {
		v := url.Values{"csrf_token": {csrf}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v
	}
}
