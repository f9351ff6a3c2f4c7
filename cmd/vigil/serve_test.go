package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// syncBuffer is a buffer that a running server and a test may use at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServe runs "vigil serve" on data in the background and returns its base URL, its
// stdout, and a function that stops it and returns serve's error.
func startServe(t *testing.T, data string) (string, *syncBuffer, func() error) {
	t.Helper()
	out := &syncBuffer{}
	e := &env{stdout: out, stderr: io.Discard, lookupEnv: func(string) (string, bool) { return "", false }}
	listening := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, e, serveConfig{data: data, addr: "127.0.0.1:0", grace: 5 * time.Second, listening: listening})
	}()
	select {
	case addr := <-listening:
		return "http://" + addr, out, func() error { cancel(); return <-done }
	case err := <-done:
		cancel()
		t.Fatalf("serve: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("serve did not start within 30 s")
	}
	return "", nil, nil
}

var passwordLine = regexp.MustCompile(`Created user admin with password (\S+)\n.*Sign in at (\S+)/login`)

func TestServeFirstStartAndRestart(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	url, out, stop := startServe(t, data)
	m := passwordLine.FindStringSubmatch(out.String())
	if m == nil || m[2] != url {
		t.Fatalf("first start printed %q, want admin's password and %s/login", out.String(), url)
	}
	for _, tc := range []struct {
		name, method, path, body string
		want                     int
		contains                 string
	}{
		{"ready", "GET", "/readyz", "", http.StatusOK, `"ok"`},
		{"admin signs in", "POST", "/v1/login", `{"name":"admin","password":"` + m[1] + `"}`, http.StatusOK, `"csrf_token"`},
		{"openapi", "GET", "/v1/openapi.json", "", http.StatusOK, `"3.1.0"`},
		{"pipeline metrics", "GET", "/metrics", "", http.StatusOK, "vigil_pipeline_queue_items"},
		{"review metrics", "GET", "/metrics", "", http.StatusOK, "vigil_review_oldest_case_age_seconds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, url+tc.path, strings.NewReader(tc.body))
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want || !strings.Contains(string(body), tc.contains) {
				t.Fatalf("%d %.200s, want %d with %s", resp.StatusCode, body, tc.want, tc.contains)
			}
		})
	}
	if err := stop(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	_, out, stop = startServe(t, data)
	if err := stop(); err != nil || strings.Contains(out.String(), "password") {
		t.Fatalf("restart printed %q, %v; want nothing", out.String(), err)
	}
}

// runVigil runs the command line in-process and returns its status and output.
func runVigil(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestAdminCommands(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	pwFile := filepath.Join(dir, "pw")
	writeFile(t, pwFile, []byte("a password from a file\n"))
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string // a regular expression the output must match
	}{
		{"no database yet", []string{"admin", "user", "add", "alice", "--data", data}, exitUsage, `^$`},
		{"migrate", []string{"migrate", "--data", data}, exitOK, `schema version \d+`},
		{"add user", []string{"admin", "user", "add", "alice", "--role", "reviewer", "--data", data}, exitOK, `^[A-Z2-7]{26}\n$`},
		{"add user twice", []string{"admin", "user", "add", "alice", "--data", data, "--password-file", pwFile}, exitFailed, `^$`},
		{"bad role", []string{"admin", "user", "add", "bob", "--role", "root", "--data", data, "--password-file", pwFile}, exitFailed, `^$`},
		{"passwd from file", []string{"admin", "user", "passwd", "alice", "--password-file", pwFile, "--data", data}, exitOK, `^$`},
		{"passwd of nobody", []string{"admin", "user", "passwd", "nobody", "--data", data}, exitFailed, `^$`},
		{"disable", []string{"admin", "user", "disable", "alice", "--data", data}, exitOK, `^$`},
		{"key", []string{"admin", "key", "create", "--name", "uploader", "--scopes", "submit,match", "--data", data}, exitOK, `^vgl_[A-Za-z0-9_-]{43}\n$`},
		{"key without scopes", []string{"admin", "key", "create", "--name", "x", "--data", data}, exitUsage, `^$`},
		{"key with a bad scope", []string{"admin", "key", "create", "--name", "x", "--scopes", "root", "--data", data}, exitUsage, `^$`},
		{"backup", []string{"backup", filepath.Join(dir, "copy.db"), "--data", data}, exitOK, `^$`},
		{"backup over a file", []string{"backup", pwFile, "--data", data}, exitUsage, `^$`},
		{"verify", []string{"audit", "verify", "--data", data}, exitOK, `^ok: 4 events, chain intact; last event 4, hash [0-9a-f]{64}\n$`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runVigil(tc.args...)
			if code != tc.code || !regexp.MustCompile(tc.stdout).MatchString(stdout) {
				t.Fatalf("exit %d stdout %q stderr %q; want %d and %s", code, stdout, stderr, tc.code, tc.stdout)
			}
		})
	}
}

func TestAuditVerifyNamesTamperedEvent(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	runVigil("migrate", "--data", data)
	for _, name := range []string{"a", "b", "c"} {
		if code, _, stderr := runVigil("admin", "key", "create", "--name", name, "--scopes", "submit", "--data", data); code != exitOK {
			t.Fatal(stderr)
		}
	}
	db, err := sql.Open("sqlite", filepath.Join(data, databaseFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE audit_events SET detail = '{"name":"z"}' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := runVigil("audit", "verify", "--data", data)
	if code != exitFailed || !strings.HasPrefix(stdout, "BROKEN at event 2:") {
		t.Fatalf("exit %d %q, want 1 naming event 2", code, stdout)
	}
}

// TestServeSavesSnapshotOnlyWhenBanksChanged checks that stopping a server whose banks did not
// change leaves the snapshot file alone (at 10M entries a save writes about 1 GB), and that a
// change made through the server is saved at shutdown.
func TestServeSavesSnapshotOnlyWhenBanksChanged(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	snapshot := filepath.Join(data, snapshotFile)
	modTime := func() time.Time {
		t.Helper()
		fi, err := os.Stat(snapshot)
		if err != nil {
			t.Fatal(err)
		}
		return fi.ModTime()
	}
	_, _, stop := startServe(t, data)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	first := modTime()
	old := first.Add(-time.Hour)
	if err := os.Chtimes(snapshot, old, old); err != nil {
		t.Fatal(err)
	}
	_, _, stop = startServe(t, data)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if got := modTime(); !got.Equal(old) {
		t.Fatalf("snapshot rewritten at %v although the banks did not change", got)
	}

	url, _, stop := startServe(t, data)
	code, key, stderr := runVigil("admin", "key", "create", "--name", "t", "--scopes", "admin", "--data", data)
	if code != exitOK {
		t.Fatalf("admin key create: %s", stderr)
	}
	key = strings.TrimSpace(key)
	req, _ := http.NewRequest("POST", url+"/v1/banks", strings.NewReader(`{"name":"b","kind":"known"}`))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		t.Fatalf("create bank: %s", resp.Status)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if got := modTime(); got.Equal(old) {
		t.Fatal("snapshot not saved after a bank was created through the server")
	}
}
