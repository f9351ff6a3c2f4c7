package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"strings"
	"testing"
	"time"

	vhttp "github.com/vigilproject/vigil/http"
)

// TestServeWiresOrders: "vigil serve" takes an order over the API and exports its clock in the
// metrics (RO-01, RO-03).
func TestServeWiresOrders(t *testing.T) {
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
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	send := func(method, path, body, csrf string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, url+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if csrf != "" {
			req.Header.Set(vhttp.CSRFHeader, csrf)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := send("POST", "/v1/login", `{"name":"admin","password":"`+m[1]+`"}`, "")
	var login struct {
		CSRF string `json:"csrf_token"`
	}
	if json.Unmarshal([]byte(body), &login); code != http.StatusOK || login.CSRF == "" {
		t.Fatalf("login: %d %s", code, body)
	}
	order := `{"kind":"voluntary","reference":"EUC-1","issuing_authority":{"name":"EU Centre"},"provider":"P",
		"service":"photos","items":[{"url":"https://photos.example/p/1"}],"non_disclosure":false,
		"issued_at":"` + time.Now().UTC().Add(-time.Hour).Format(time.RFC3339) + `"}`
	if code, body := send("POST", "/v1/orders", order, login.CSRF); code != http.StatusCreated {
		t.Fatalf("receive: %d %s", code, body)
	}
	code, body = send("GET", "/metrics", "", "")
	if code != http.StatusOK || !strings.Contains(body, `vigil_orders_open{kind="voluntary"} 1`) {
		t.Fatalf("metrics: %d, want the voluntary order open in\n%.2000s", code, body)
	}
}
