package ncmec_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vigilproject/vigil/ncmec"
	"github.com/vigilproject/vigil/ncmec/ncmecfake"
)

// RP-20, NC-03..NC-07: a rendered record goes through the whole flow of the fake, which checks
// every document and ends with one finished report holding the file and its details.
func TestClientFlowRenderedRecord(t *testing.T) {
	t.Parallel()
	fake := ncmecfake.New("esp", "secret", nil)
	srv := httptest.NewServer(fake)
	defer srv.Close()
	c := &ncmec.Client{URL: srv.URL, Username: "esp", Password: "secret", HTTP: srv.Client()}
	ctx := context.Background()

	rec := sampleRecord()
	data := []byte("benign bytes standing in for the uploaded file")
	sum := md5.Sum(data)
	rec.Content[0].MD5 = hex.EncodeToString(sum[:])
	doc, err := ncmec.RenderReport(rec)
	if err != nil {
		t.Fatal(err)
	}
	id, err := c.Submit(ctx, doc)
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	fileID, gotMD5, err := c.Upload(ctx, id, rec.Content[0].FileName, data)
	if err != nil {
		t.Fatalf("Upload: %v", err)
	}
	if gotMD5 != rec.Content[0].MD5 {
		t.Errorf("Upload MD5 = %s, want %s", gotMD5, rec.Content[0].MD5)
	}
	details, err := ncmec.RenderFileDetails(id, fileID, rec.Content[0], rec.Geo)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.FileInfo(ctx, details); err != nil {
		t.Fatalf("FileInfo: %v", err)
	}
	files, err := c.Finish(ctx, id)
	if err != nil || len(files) != 1 || files[0] != fileID {
		t.Fatalf("Finish = %v, %v; want [%s]", files, err, fileID)
	}
	reports := fake.Reports()
	if len(reports) != 1 || reports[0].Status != ncmecfake.Finished || len(reports[0].Files[0].Details) != 1 {
		t.Fatalf("fake holds %+v, want one finished report with the file's details", reports)
	}
}

// roundTripper answers every request with a canned body and records what was asked, so the
// client can be tested against NCMEC's real URLs without a request leaving the process.
type roundTripper struct {
	status int
	body   string
	err    error
	calls  []*http.Request
}

func (rt *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	rt.calls = append(rt.calls, req)
	if rt.err != nil {
		return nil, rt.err
	}
	return &http.Response{StatusCode: rt.status, Body: io.NopCloser(strings.NewReader(rt.body)), Header: http.Header{}}, nil
}

const okStatus = `<reportResponse><responseCode>0</responseCode><responseDescription>Remote User : esp</responseDescription></reportResponse>`

// Credentials go only over https, or plain http to a loopback address.
func TestClientURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url, want string // want: the requested URL, "" when the client must refuse
	}{
		{ncmec.TestURL, "https://exttest.cybertip.org/ispws/status"},
		{ncmec.ProductionURL + "/", "https://report.cybertip.org/ispws/status"},
		{"http://127.0.0.1:8080/ispws", "http://127.0.0.1:8080/ispws/status"},
		{"http://[::1]:8080", "http://[::1]:8080/status"},
		{"http://localhost:8080", "http://localhost:8080/status"},
		{"http://exttest.cybertip.org/ispws", ""},
		{"http://10.0.0.1/ispws", ""},
		{"ftp://exttest.cybertip.org/ispws", ""},
		{"https://user:pw@exttest.cybertip.org/ispws", ""},
		{"https://exttest.cybertip.org/ispws?x=1", ""},
		{"exttest.cybertip.org/ispws", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			t.Parallel()
			rt := &roundTripper{status: http.StatusOK, body: okStatus}
			c := &ncmec.Client{URL: tt.url, Username: "esp", Password: "secret", HTTP: &http.Client{Transport: rt}}
			_, err := c.Status(context.Background())
			if tt.want == "" {
				if err == nil || len(rt.calls) != 0 {
					t.Fatalf("Status = %v with %d requests, want a refusal before any request", err, len(rt.calls))
				}
				if ncmec.Retryable(err) {
					t.Errorf("a configuration error is retryable: %v", err)
				}
				return
			}
			if err != nil || len(rt.calls) != 1 {
				t.Fatalf("Status = %v with %d requests", err, len(rt.calls))
			}
			req := rt.calls[0]
			user, pass, ok := req.BasicAuth()
			if req.URL.String() != tt.want || req.Method != http.MethodGet || !ok || user != "esp" || pass != "secret" {
				t.Errorf("request %s %s (auth %v %q), want GET %s with the credentials", req.Method, req.URL, ok, user, tt.want)
			}
		})
	}
}

// Answers that must not be taken at their word.
func TestClientDistrustsAnswers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name      string
		rt        *roundTripper
		call      func(*ncmec.Client) error
		retryable bool
	}{
		{"connection refused", &roundTripper{err: errors.New("connection refused")},
			func(c *ncmec.Client) error { _, err := c.Submit(ctx, []byte("<report/>")); return err }, true},
		{"submit without report id", &roundTripper{status: 200, body: `<reportResponse><responseCode>0</responseCode></reportResponse>`},
			func(c *ncmec.Client) error { _, err := c.Submit(ctx, []byte("<report/>")); return err }, true},
		{"upload without file id", &roundTripper{status: 200, body: `<reportResponse><responseCode>0</responseCode><reportId>5</reportId></reportResponse>`},
			func(c *ncmec.Client) error { _, _, err := c.Upload(ctx, 5, "a", []byte("x")); return err }, true},
		{"upload without hash", &roundTripper{status: 200, body: `<reportResponse><responseCode>0</responseCode><reportId>5</reportId><fileId>ab</fileId></reportResponse>`},
			func(c *ncmec.Client) error { _, _, err := c.Upload(ctx, 5, "a", []byte("x")); return err }, true},
		{"upload to another report", &roundTripper{status: 200, body: `<reportResponse><responseCode>0</responseCode><reportId>6</reportId><fileId>ab</fileId></reportResponse>`},
			func(c *ncmec.Client) error { _, _, err := c.Upload(ctx, 5, "a", []byte("x")); return err }, false},
		{"finish of another report", &roundTripper{status: 200, body: `<reportDoneResponse><responseCode>0</responseCode><reportId>6</reportId></reportDoneResponse>`},
			func(c *ncmec.Client) error { _, err := c.Finish(ctx, 5); return err }, false},
		{"retract of another report", &roundTripper{status: 200, body: `<reportResponse><responseCode>0</responseCode><reportId>6</reportId></reportResponse>`},
			func(c *ncmec.Client) error { return c.Retract(ctx, 5) }, false},
		{"upload without name", &roundTripper{status: 200, body: okStatus},
			func(c *ncmec.Client) error { _, _, err := c.Upload(ctx, 5, "", []byte("x")); return err }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := &ncmec.Client{URL: "http://127.0.0.1:9", HTTP: &http.Client{Transport: tt.rt}}
			err := tt.call(c)
			if err == nil {
				t.Fatal("call succeeded")
			}
			if got := ncmec.Retryable(err); got != tt.retryable {
				t.Errorf("Retryable(%v) = %v, want %v", err, got, tt.retryable)
			}
		})
	}
}

// A redirect is not followed: it would carry the Basic credentials and the file to wherever
// the answer points (Go keeps Authorization on a same-host redirect, https to http included).
func TestClientFollowsNoRedirect(t *testing.T) {
	t.Parallel()
	var leaked []string
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked = append(leaked, r.Header.Get("Authorization"))
		w.Write([]byte(`<reportResponse><responseCode>0</responseCode><responseDescription>ok</responseDescription><reportId>7</reportId></reportResponse>`))
	}))
	defer elsewhere.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+r.URL.Path, http.StatusPermanentRedirect)
	}))
	defer api.Close()
	c := &ncmec.Client{URL: api.URL, Username: "esp", Password: "secret", HTTP: api.Client()}
	if _, err := c.Submit(context.Background(), []byte("<report/>")); err == nil {
		t.Error("Submit succeeded through a redirect")
	}
	if len(leaked) != 0 {
		t.Errorf("the redirect target got %d requests with Authorization %q", len(leaked), leaked)
	}
}
