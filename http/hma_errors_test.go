package http

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/match"
)

// TestHMAErrorMapping checks the status and message of each kind of error in HMA's shape, and
// that internal errors are logged but not shown.
func TestHMAErrorMapping(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantMsg    string // the message starts with it
		wantLog    bool
	}{
		{"not found", vigil.Errorf(vigil.ENOTFOUND, "content '9' not found"), 404, "content '9' not found", false},
		{"invalid", vigil.Errorf(vigil.EINVALID, "Only one file allowed per request"), 400, "Only one file allowed", false},
		{"too large", hmaUploadError(&http.MaxBytesError{Limit: maxHMAUpload}), 413, "Content too large", false},
		{"cut short", hmaUploadError(io.ErrUnexpectedEOF), 400, "Missing multipart/form-data file upload", false},
		{"internal", fmt.Errorf("entry 9: %w", errors.New("disk I/O error")), 500, "internal error (request id req-1)", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			s := &Server{Logger: slog.New(slog.NewTextHandler(&logs, nil))}
			r := httptest.NewRequest("GET", "/c/bank/X/content/9", nil)
			r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, "req-1"))
			w := httptest.NewRecorder()
			s.hmaError(w, r, tt.err)
			var body hmaMessage
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if w.Code != tt.wantStatus || !strings.HasPrefix(body.Message, tt.wantMsg) {
				t.Errorf("status %d, message %q; want %d, %q", w.Code, body.Message, tt.wantStatus, tt.wantMsg)
			}
			if logged := strings.Contains(logs.String(), "disk I/O error"); logged != tt.wantLog {
				t.Errorf("logged %v, want %v: %s", logged, tt.wantLog, logs.String())
			}
			if strings.Contains(body.Message, "disk") {
				t.Errorf("message %q shows the internal error", body.Message)
			}
		})
	}
}

// brokenReads is a bank store whose entry reads fail or find nothing, as a database under
// trouble or a concurrent removal would.
type brokenReads struct {
	vigil.BankService
}

func (brokenReads) Entry(context.Context, string, uint32) (match.Entry, error) {
	return match.Entry{}, errors.New("disk I/O error")
}

func (brokenReads) EntryPage(context.Context, string, vigil.EntryQuery) ([]match.Entry, error) {
	return nil, nil
}

// TestHMAStoreFailures checks that a failing read is an internal error, not "not found", and that
// content whose entry vanished while it was added again is a conflict, not an empty 500.
func TestHMAStoreFailures(t *testing.T) {
	f := newBankFixtureWith(t, func(b vigil.BankService) vigil.BankService { return brokenReads{b} })
	w := vigil.ScopeBanksWrite
	add := `{"md5":"` + md5A + `"}`
	f.run(t, []call{
		{name: "create bank", scope: w, method: "POST", path: "/c/banks", body: `{"name":"B"}`, wantStatus: 201},
		{name: "add", scope: w, method: "POST", path: "/c/bank/B/signal", body: add, wantStatus: 200},
		{name: "add again, entry gone", scope: w, method: "POST", path: "/c/bank/B/signal", body: add, wantStatus: 409,
			wantBody: `{"message":"The bank's md5 content was removed while adding it again: retry"}`},
		{name: "get content, read fails", scope: vigil.ScopeBanksRead, method: "GET", path: "/c/bank/B/content/1", wantStatus: 500},
	})
}

// uploadBody returns a multipart body with a file of size random bytes in field, and a note
// field, and its content type.
func uploadBody(t *testing.T, field string, size int) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("note", "from the test"); err != nil {
		t.Fatal(err)
	}
	part, err := mw.CreateFormFile(field, "clip.mp4")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(part, rand.Reader, int64(size)); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), mw.FormDataContentType()
}

// TestHMAUploadsStayInMemory checks that uploads larger than what ParseMultipartForm keeps in
// memory are read without a temporary file: with TMPDIR naming a directory that does not exist,
// creating one would fail, and none appears. An upload over the limit is refused with 413.
func TestHMAUploadsStayInMemory(t *testing.T) {
	tmp := filepath.Join(t.TempDir(), "no-such-dir")
	t.Setenv("TMPDIR", tmp)
	f := newBankFixture(t)
	f.do(t, call{scope: vigil.ScopeBanksWrite, method: "POST", path: "/c/banks", body: `{"name":"B"}`, wantStatus: 201})
	big, bigType := uploadBody(t, "video", 12<<20)
	huge, hugeType := uploadBody(t, "video", maxHMAUpload)
	tests := []struct {
		name       string
		scope      vigil.Scope
		path       string
		body       []byte
		ctype      string
		wantStatus int
	}{
		{"hash", vigil.ScopeMatch, "/h/hash", big, bigType, 200},
		{"lookup", vigil.ScopeMatch, "/m/lookup", big, bigType, 200},
		{"add content", vigil.ScopeBanksWrite, "/c/bank/B/content", big, bigType, 200},
		{"over the limit", vigil.ScopeMatch, "/h/hash", huge, hugeType, 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.do(t, call{scope: tt.scope, method: "POST", path: tt.path, body: string(tt.body), contentType: tt.ctype,
				wantStatus: tt.wantStatus})
			if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("TMPDIR %s: %v, want it never created", tmp, err)
			}
		})
	}
	var content hmaContent
	got := f.do(t, call{scope: vigil.ScopeBanksRead, method: "GET", path: "/c/bank/B/content/1", wantStatus: 200})
	if err := json.Unmarshal(got, &content); err != nil || content.Note != "from the test" {
		t.Errorf("content %s (%v): want the note of the form", got, err)
	}
}
