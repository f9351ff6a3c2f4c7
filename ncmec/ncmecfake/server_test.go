package ncmecfake

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/vigilproject/vigil/internal/fakeclock"
	"github.com/vigilproject/vigil/ncmec"
)

var start = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// newFake serves a fake on 127.0.0.1 and returns it with a client that has its credentials.
func newFake(t *testing.T) (*Server, *ncmec.Client, *fakeclock.Clock) {
	t.Helper()
	clock := fakeclock.New(start)
	fake := New("esp-user", "esp-secret", clock)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return fake, &ncmec.Client{URL: srv.URL + "/ispws", Username: "esp-user", Password: "esp-secret", HTTP: srv.Client()}, clock
}

var validReport = []byte(report(summary + reporter))

func validDetails(reportID int64, fileID string) []byte {
	return []byte(`<fileDetails><reportId>` + strconv.FormatInt(reportID, 10) + `</reportId><fileId>` + fileID +
		`</fileId><fileViewedByEsp>true</fileViewedByEsp></fileDetails>`)
}

// wantCode checks that err is an *ncmec.Error with the given code.
func wantCode(t *testing.T, what string, err error, code int) {
	t.Helper()
	e, ok := errors.AsType[*ncmec.Error](err)
	if !ok || e.Code != code {
		t.Fatalf("%s: error = %v, want response code %d", what, err, code)
	}
}

// NC-03: submit → upload → fileinfo → finish, recorded as one finished report.
func TestFlow(t *testing.T) {
	t.Parallel()
	fake, c, _ := newFake(t)
	ctx := context.Background()
	if desc, err := c.Status(ctx); err != nil || desc == "" {
		t.Fatalf("Status = %q, %v", desc, err)
	}
	id, err := c.Submit(ctx, validReport)
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	data := []byte("benign test bytes")
	fileID, sum, err := c.Upload(ctx, id, "a.bin", data)
	if err != nil {
		t.Fatalf("Upload: %v", err)
	}
	if err := c.FileInfo(ctx, validDetails(id, fileID)); err != nil {
		t.Fatalf("FileInfo: %v", err)
	}
	files, err := c.Finish(ctx, id)
	if err != nil {
		t.Fatalf("Finish: %v", err)
	}
	if !slices.Equal(files, []string{fileID}) {
		t.Errorf("Finish files = %v, want [%s]", files, fileID)
	}
	reports := fake.Reports()
	if len(reports) != 1 {
		t.Fatalf("fake holds %d reports, want 1", len(reports))
	}
	r := reports[0]
	if r.ID != id || r.Status != Finished || string(r.XML) != string(validReport) || len(r.Files) != 1 {
		t.Fatalf("report = %+v", r)
	}
	f := r.Files[0]
	if f.ID != fileID || f.Name != "a.bin" || f.MD5 != sum || string(f.Data) != string(data) || len(f.Details) != 1 {
		t.Errorf("file = %+v", f)
	}
}

// The flow's rules: what each endpoint answers in each state of a report.
func TestFlowRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name  string
		setup func(*ncmec.Client, int64) error // brings report id into a state
		call  func(*ncmec.Client, int64) error
		code  int
	}{
		{"finish twice", finish, finish, ncmec.CodeAlreadyFinished},
		{"retract finished", finish, retract, ncmec.CodeAlreadyFinished},
		{"retract twice", retract, retract, ncmec.CodeAlreadyRetracted},
		{"finish retracted", retract, finish, ncmec.CodeAlreadyRetracted},
		{"upload to finished", finish, upload, ncmec.CodeAlreadyFinished},
		{"upload to retracted", retract, upload, ncmec.CodeAlreadyRetracted},
		{"file info on finished", finish, fileInfo("x"), ncmec.CodeAlreadyFinished},
		{"file info on unknown file", nop, fileInfo("nosuchfile"), ncmec.CodeFileNotFound},
		{"upload to unknown report", nop, func(c *ncmec.Client, id int64) error { return upload(c, id+1) }, ncmec.CodeReportNotFound},
		{"finish unknown report", nop, func(c *ncmec.Client, id int64) error { return finish(c, id+1) }, ncmec.CodeReportNotFound},
		{"invalid file details", nop, func(c *ncmec.Client, id int64) error {
			return c.FileInfo(ctx, []byte(`<fileDetails><reportId>`+strconv.FormatInt(id, 10)+`</reportId></fileDetails>`))
		}, ncmec.CodeValidationFailed},
		{"malformed file details", nop, func(c *ncmec.Client, _ int64) error { return c.FileInfo(ctx, []byte(`<fileDetails>`)) },
			ncmec.CodeMalformedXML},
		{"empty upload", nop, func(c *ncmec.Client, id int64) error {
			_, _, err := c.Upload(ctx, id, "a.bin", nil)
			return err
		}, ncmec.CodeMalformedFile},
		{"invalid report", nop, func(c *ncmec.Client, _ int64) error {
			_, err := c.Submit(ctx, []byte(report(reporter)))
			return err
		}, ncmec.CodeValidationFailed},
		{"malformed report", nop, func(c *ncmec.Client, _ int64) error {
			_, err := c.Submit(ctx, []byte(`<report>`))
			return err
		}, ncmec.CodeMalformedXML},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, c, _ := newFake(t)
			id, err := c.Submit(ctx, validReport)
			if err != nil {
				t.Fatalf("Submit: %v", err)
			}
			if err := tt.setup(c, id); err != nil {
				t.Fatalf("setup: %v", err)
			}
			wantCode(t, tt.name, tt.call(c, id), tt.code)
		})
	}
}

func nop(*ncmec.Client, int64) error { return nil }

func finish(c *ncmec.Client, id int64) error {
	_, err := c.Finish(context.Background(), id)
	return err
}

func retract(c *ncmec.Client, id int64) error { return c.Retract(context.Background(), id) }

func upload(c *ncmec.Client, id int64) error {
	_, _, err := c.Upload(context.Background(), id, "a.bin", []byte("x"))
	return err
}

func fileInfo(fileID string) func(*ncmec.Client, int64) error {
	return func(c *ncmec.Client, id int64) error {
		return c.FileInfo(context.Background(), validDetails(id, fileID))
	}
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, user, password string }{
		{"wrong password", "esp-user", "guess"},
		{"wrong user", "someone", "esp-secret"},
		{"no credentials", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake, c, _ := newFake(t)
			c.Username, c.Password = tt.user, tt.password
			_, err := c.Submit(context.Background(), validReport)
			wantCode(t, "Submit", err, ncmec.CodeAuthRequired)
			if len(fake.Reports()) != 0 {
				t.Error("an unauthenticated submit created a report")
			}
		})
	}
	req := httptest.NewRequest(http.MethodGet, "/ispws/status", nil)
	rec := httptest.NewRecorder()
	New("u", "p", nil).ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized || rec.Header().Get("WWW-Authenticate") == "" {
		t.Errorf("status without credentials: HTTP %d, WWW-Authenticate %q", rec.Code, rec.Header().Get("WWW-Authenticate"))
	}
}

// FailNext fails exactly the next n calls, without effect; later calls succeed.
func TestFailNext(t *testing.T) {
	t.Parallel()
	fake, c, _ := newFake(t)
	fake.FailNext(Submit, 2, ncmec.CodeServerError)
	for i := range 2 {
		_, err := c.Submit(context.Background(), validReport)
		wantCode(t, "Submit "+strconv.Itoa(i), err, ncmec.CodeServerError)
		if !ncmec.Retryable(err) {
			t.Errorf("server error not retryable: %v", err)
		}
	}
	if _, err := c.Submit(context.Background(), validReport); err != nil {
		t.Fatalf("third Submit: %v", err)
	}
	if n := len(fake.Reports()); n != 1 {
		t.Errorf("fake holds %d reports after two failed submits and one good one, want 1", n)
	}
}

// NC-04: a corrupted upload answers a wrong MD5 and the client says so.
func TestCorruptUpload(t *testing.T) {
	t.Parallel()
	fake, c, _ := newFake(t)
	ctx := context.Background()
	id, err := c.Submit(ctx, validReport)
	if err != nil {
		t.Fatal(err)
	}
	fake.CorruptNextUploads(1)
	fileID, _, err := c.Upload(ctx, id, "a.bin", []byte("x"))
	if !errors.Is(err, ncmec.ErrMD5Mismatch) || !ncmec.Retryable(err) || fileID == "" {
		t.Fatalf("Upload = %q, %v; want the file id and a retryable MD5 mismatch", fileID, err)
	}
	if _, _, err := c.Upload(ctx, id, "a.bin", []byte("x")); err != nil {
		t.Fatalf("second Upload: %v", err)
	}
}

// Block holds a call; a caller that goes away while held leaves no trace.
func TestBlock(t *testing.T) {
	t.Parallel()
	fake, c, _ := newFake(t)
	id, err := c.Submit(context.Background(), validReport)
	if err != nil {
		t.Fatal(err)
	}
	arrived, release := fake.Block(Upload)
	defer release()
	ctx, cancel := context.WithCancel(context.Background())
	held := make(chan error, 1)
	go func() { _, _, err := c.Upload(ctx, id, "held.bin", []byte("x")); held <- err }()
	<-arrived
	cancel()
	if err := <-held; !errors.Is(err, context.Canceled) {
		t.Fatalf("held Upload = %v, want it canceled", err)
	}
	if err := upload(c, id); err != nil {
		t.Fatalf("Upload after the held one: %v", err)
	}
	files := fake.Reports()[0].Files
	if len(files) != 1 || files[0].Name != "a.bin" {
		t.Errorf("files = %+v, want only the upload that was not held", files)
	}
}

// A held call proceeds when released.
func TestBlockRelease(t *testing.T) {
	t.Parallel()
	fake, c, _ := newFake(t)
	arrived, release := fake.Block(Submit)
	done := make(chan error, 1)
	go func() { _, err := c.Submit(context.Background(), validReport); done <- err }()
	<-arrived
	if n := len(fake.Reports()); n != 0 {
		t.Fatalf("a held submit created %d reports", n)
	}
	release()
	if err := <-done; err != nil {
		t.Fatalf("released Submit: %v", err)
	}
	if n := len(fake.Reports()); n != 1 {
		t.Errorf("fake holds %d reports, want 1", n)
	}
}

// Unfinished reports expire: on demand, and 24 h after opening / 1 h after the last change.
func TestExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("on demand", func(t *testing.T) {
		t.Parallel()
		fake, c, _ := newFake(t)
		open, _ := c.Submit(ctx, validReport)
		done, _ := c.Submit(ctx, validReport)
		if err := finish(c, done); err != nil {
			t.Fatal(err)
		}
		if n := fake.ExpireUnfinished(); n != 1 {
			t.Errorf("ExpireUnfinished = %d, want 1", n)
		}
		wantCode(t, "upload to expired", upload(c, open), ncmec.CodeReportNotFound)
		got := []ReportStatus{}
		for _, r := range fake.Reports() {
			got = append(got, r.Status)
		}
		if !slices.Equal(got, []ReportStatus{Expired, Finished}) {
			t.Errorf("statuses = %v", got)
		}
	})
	t.Run("by the clock", func(t *testing.T) {
		t.Parallel()
		_, c, clock := newFake(t)
		id, _ := c.Submit(ctx, validReport)
		clock.Advance(23*time.Hour + 30*time.Minute)
		if err := upload(c, id); err != nil {
			t.Fatalf("upload within 24 h: %v", err)
		}
		clock.Advance(59 * time.Minute) // 24 h 29 min after opening, 59 min after the upload
		if err := upload(c, id); err != nil {
			t.Fatalf("upload within an hour of the last change: %v", err)
		}
		clock.Advance(time.Hour + time.Second)
		wantCode(t, "upload after expiry", upload(c, id), ncmec.CodeReportNotFound)
	})
}

func TestRequestsRefused(t *testing.T) {
	t.Parallel()
	fake, c, _ := newFake(t)
	tests := []struct {
		name, method, path string
		status             int
	}{
		{"unknown endpoint", http.MethodGet, "/ispws/xsd", http.StatusNotFound},
		{"submit by GET", http.MethodGet, "/ispws/submit", http.StatusBadRequest},
		{"finish without id", http.MethodPost, "/ispws/finish", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, nil)
			req.SetBasicAuth(c.Username, c.Password)
			rec := httptest.NewRecorder()
			fake.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Errorf("HTTP %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
		})
	}
}
