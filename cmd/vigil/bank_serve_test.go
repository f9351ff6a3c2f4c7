package main

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestBanksSharedWithServe checks that the command line and the server keep banks in one store: a
// list imported with "vigil bank import" matches in "vigil serve", and a bank created through the
// API is listed by "vigil bank list" while the server runs.
func TestBanksSharedWithServe(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	h := drawnHash(t, 3).PDQ.String()
	list := filepath.Join(t.TempDir(), "list.txt")
	writeFile(t, list, []byte(h+"\n"))
	mustRun(t, nil, "bank", "create", "imported", "--data", data)
	mustRun(t, nil, "bank", "import", "imported", list, "--type", "pdq", "--data", data)

	url, _, stop := startServe(t, data)
	defer stop()
	key := strings.TrimSpace(mustRun(t, nil, "admin", "key", "create", "--data", data, "--name", "t", "--scopes", "admin").stdout)
	call := func(method, path, body string) string {
		t.Helper()
		req, err := http.NewRequest(method, url+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %s %v", method, path, resp.StatusCode, b, err)
		}
		return string(b)
	}
	if got := call("GET", "/v1/match?signal_type=pdq&signal="+h, ""); !strings.Contains(got, `"bank":"imported"`) {
		t.Errorf("the server does not match the imported list: %s", got)
	}
	call("POST", "/v1/banks", `{"name":"from-api"}`)
	if banks := listBanks(t, data); banks["from-api"].Name == "" || banks["imported"].Entries != 1 {
		t.Errorf("bank list while serving = %+v, want the API's bank and the imported one", banks)
	}
}
