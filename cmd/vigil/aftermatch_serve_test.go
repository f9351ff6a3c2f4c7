package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeWiresAfterMatch: "vigil serve" gives the API every service of what follows a match,
// so none of their routes answers 503: reports and their signing key (RP-03), actions, holds,
// notices and complaints, the evidence vault, orders, the transparency report and the risk
// register.
func TestServeWiresAfterMatch(t *testing.T) {
	url, out, stop := startServe(t, filepath.Join(t.TempDir(), "data"))
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	}()
	m := passwordLine.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no admin password in %q", out.String())
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar}
	get := func(t *testing.T, method, path, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, url+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(b)
	}
	code, body := get(t, "POST", "/v1/login", `{"name":"admin","password":"`+m[1]+`"}`)
	var login struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.Unmarshal([]byte(body), &login); err != nil || code != http.StatusOK {
		t.Fatalf("login: %d %s", code, body)
	}
	for _, path := range []string{
		"/v1/reports", "/v1/reports/settings", "/v1/reports/signing-key", "/v1/actions", "/v1/holds",
		"/v1/legal-holds", "/v1/notices", "/v1/notices/settings", "/v1/complaints", "/v1/evidence", "/v1/orders",
		"/v1/transparency?year=2026", "/v1/risk/assessments",
	} {
		t.Run(path, func(t *testing.T) {
			if code, body := get(t, "GET", path, ""); code != http.StatusOK {
				t.Errorf("%d %s, want 200", code, body)
			}
		})
	}
}
