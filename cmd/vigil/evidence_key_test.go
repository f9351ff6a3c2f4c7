package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil/internal/drawjpeg"
)

// PR-05: vigil serve does not start with an evidence key that opens none of the kept evidence
// (here the key file went missing and a new key would be made): it names the key it needs.
func TestServeRefusesAnEvidenceKeyThatOpensNothing(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	url, _, stop := startServe(t, data)
	code, key, stderr := runVigil("admin", "key", "create", "--data", data, "--name", "evidence", "--scopes", "admin")
	if code != 0 {
		t.Fatalf("admin key create: %s", stderr)
	}
	confirmThroughAPI(t, url, strings.TrimSpace(key), drawjpeg.Draw(5, 320, 240))
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(data, "evidence.key"), filepath.Join(t.TempDir(), "moved.key")); err != nil {
		t.Fatal(err)
	}
	e := &env{stdout: io.Discard, stderr: io.Discard, lookupEnv: func(string) (string, bool) { return "", false }}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := serve(ctx, e, serveConfig{data: data, addr: "127.0.0.1:0", grace: time.Second,
		evidence: evidenceFlags{jurisdictions: "eu", months: 12}})
	if err == nil || !strings.Contains(err.Error(), "not loaded") {
		t.Fatalf("serve = %v, want refused for the evidence key it lacks", err)
	}
}
