package http

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
)

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// csrfMultipart returns a multipart body with a csrf_token field and a file field of size bytes.
func csrfMultipart(t *testing.T, token string, size int) (string, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf_token", token)
	fw, err := mw.CreateFormFile("file", "upload.jpg")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(bytes.Repeat([]byte{0xff}, size))
	mw.Close()
	return b.String(), mw.FormDataContentType()
}

func TestCSRFTokenSources(t *testing.T) {
	f := newPlatform(t)
	tests := []struct {
		name string
		// body returns the request body and content type for the session's token.
		body       func(token string) (string, string)
		header     bool // send the token in X-CSRF-Token too
		want       int  // 0: accepted (neither 403 nor 413)
		unreadBody bool // the refusal must come before the body is read
	}{
		{"form field, URL-encoded", func(tok string) (string, string) {
			return "csrf_token=" + tok, "application/x-www-form-urlencoded"
		}, false, 0, false},
		{"form field, URL-encoded with a charset", func(tok string) (string, string) {
			return "csrf_token=" + tok, "application/x-www-form-urlencoded; charset=UTF-8"
		}, false, 0, false},
		{"header, multipart body", func(tok string) (string, string) { return csrfMultipart(t, "", 1<<10) }, true, 0, false},
		{"form field in a multipart body is not parsed", func(tok string) (string, string) {
			return csrfMultipart(t, tok, 1<<20)
		}, false, http.StatusForbidden, true},
		{"form field in a JSON body is not parsed", func(tok string) (string, string) {
			return `{"csrf_token":"` + tok + `"}`, "application/json"
		}, false, http.StatusForbidden, true},
		{"URL-encoded body over the bound", func(tok string) (string, string) {
			return "csrf_token=" + tok + "&pad=" + strings.Repeat("x", maxFormBody), "application/x-www-form-urlencoded"
		}, false, http.StatusRequestEntityTooLarge, false},
		{"wrong token", func(string) (string, string) {
			return "csrf_token=wrong", "application/x-www-form-urlencoded"
		}, false, http.StatusForbidden, false},
		{"no token", func(string) (string, string) { return "", "application/x-www-form-urlencoded" }, false, http.StatusForbidden, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cookie, token := f.session(t, vigil.RoleReviewer)
			body, contentType := tt.body(token)
			cr := &countingReader{r: strings.NewReader(body)}
			req := httptest.NewRequest("POST", "/logout", cr)
			req.Header.Set("Content-Type", contentType)
			req.AddCookie(&http.Cookie{Name: SessionCookie, Value: cookie})
			if tt.header {
				req.Header.Set(CSRFHeader, token)
			}
			rec := httptest.NewRecorder()
			f.srv.Handler().ServeHTTP(rec, req)
			switch {
			case tt.want == 0 && (rec.Code == http.StatusForbidden || rec.Code == http.StatusRequestEntityTooLarge || rec.Code == http.StatusUnauthorized):
				t.Fatalf("refused with %d %s, want accepted", rec.Code, rec.Body)
			case tt.want != 0 && rec.Code != tt.want:
				t.Fatalf("%d %s, want %d", rec.Code, rec.Body, tt.want)
			case tt.unreadBody && cr.n > 0:
				t.Fatalf("read %d bytes of the body before refusing", cr.n)
			}
		})
	}
}

func TestServerLimits(t *testing.T) {
	srv := newHTTPServer(http.NotFoundHandler(), nil)
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.IdleTimeout <= 0 || srv.MaxHeaderBytes <= 0 {
		t.Fatalf("unbounded: %+v", srv)
	}
	if srv.WriteTimeout <= srv.ReadTimeout+maxContentWait {
		t.Fatalf("write timeout %v leaves no time to write after a full read (%v) and the longest wait (%v)",
			srv.WriteTimeout, srv.ReadTimeout, maxContentWait)
	}

	s := &Server{}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, l, "", "", time.Second) }()
	defer func() { cancel(); <-done }()
	for _, tc := range []struct {
		name   string
		header int
		want   int
	}{
		{"small header", 1 << 10, http.StatusOK},
		{"header over the limit", 2 * maxHeaderBytes, http.StatusRequestHeaderFieldsTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", "http://"+l.Addr().String()+"/healthz", nil)
			req.Header.Set("X-Padding", strings.Repeat("p", tc.header))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("%d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
}
