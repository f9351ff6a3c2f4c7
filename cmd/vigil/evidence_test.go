package main

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil/hasher"
	"github.com/vigilproject/vigil/internal/drawjpeg"
)

// confirmThroughAPI submits img to the server at url as a known match and confirms its case,
// returning the case id.
func confirmThroughAPI(t *testing.T, url, key string, img []byte) string {
	t.Helper()
	res, err := hasher.Hash(bytes.NewReader(img), hasher.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ method, path, body string }{
		{"PUT", "/v1/services/crash", `{"type":"hosting","jurisdiction":"US"}`},
		{"POST", "/v1/banks", `{"name":"known","kind":"known"}`},
		{"POST", "/v1/banks/known/entries", fmt.Sprintf(`{"entries":[{"signal_type":"pdq","signal":"%s","category":"A1"}]}`, res.PDQ)},
	} {
		if code := api(t, c.method, url+c.path, key, "application/json", []byte(c.body), nil); code >= 300 {
			t.Fatalf("%s %s: %d", c.method, c.path, code)
		}
	}
	var v verdictBody
	body, ct := multipartPhoto(t, "item-1", img)
	if code := api(t, "POST", url+"/v1/content?wait=0", key, ct, body, &v); code != 202 {
		t.Fatalf("submit: %d", code)
	}
	if v, _ = waitVerdict(t, url, key, v.ID); v.CaseID == "" {
		t.Fatalf("verdict %+v, want a match with a case", v)
	}
	for _, step := range []string{"/claim", "/decide"} {
		if code := api(t, "POST", url+"/v1/cases/"+v.CaseID+step, key, "application/json",
			[]byte(`{"verdict":"confirm","category":"A1"}`), nil); code >= 300 {
			t.Fatalf("%s: %d", step, code)
		}
	}
	return v.CaseID
}

// archiveFile returns the file of the tar archive at path whose name matches pattern.
func archiveFile(t *testing.T, path, pattern string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if err != nil {
			t.Fatalf("no %s in %s: %v", pattern, path, err)
		}
		if regexp.MustCompile(pattern).MatchString(hdr.Name) {
			b, _ := io.ReadAll(tr)
			return b
		}
	}
}

// TestEvidenceCommands runs the evidence vault end to end: vigil serve preserves a confirmed
// case's content and serves its record; with the server stopped the commands list it, export
// it, rotate the key (refused while the server runs) and sweep, and none prints the key.
func TestEvidenceCommands(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	url, _, stop := startServe(t, data)
	code, key, stderr := runVigil("admin", "key", "create", "--data", data, "--name", "evidence", "--scopes", "admin")
	if code != 0 {
		t.Fatalf("admin key create: %s", stderr)
	}
	key = strings.TrimSpace(key)
	img := drawjpeg.Draw(3, 320, 240)
	caseID := confirmThroughAPI(t, url, key, img)
	var list struct{ Items []struct{ ID, Status string } }
	if code := api(t, "GET", url+"/v1/evidence?case_id="+caseID, key, "", nil, &list); code != 200 || len(list.Items) != 1 {
		t.Fatalf("GET /v1/evidence: %d %+v", code, list)
	}
	if code, _, stderr := runVigil("evidence", "rotate-key", "--data", data); code != exitFailed || !strings.Contains(stderr, "vigil serve") {
		t.Errorf("rotate-key while serving: %d %q, want refused", code, stderr)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	keyText, err := os.ReadFile(filepath.Join(data, "evidence.key"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	steps := []struct {
		name   string
		args   []string
		code   int
		stdout string // a regular expression
	}{
		{"list", []string{"evidence", "list", "--data", data}, 0, list.Items[0].ID + `\s+` + caseID + `\s+kept`},
		{"export needs a reference", []string{"evidence", "export", caseID, "--data", data, "--out", filepath.Join(dir, "a.tar")}, exitUsage, `^$`},
		{"export", []string{"evidence", "export", caseID, "--data", data, "--out", filepath.Join(dir, "1.tar"), "--reference", "LE-1"}, 0, `^$`},
		{"export never overwrites", []string{"evidence", "export", caseID, "--data", data, "--out", filepath.Join(dir, "1.tar"), "--reference", "LE-1"}, exitFailed, `^$`},
		{"export with a missing key file", []string{"evidence", "export", caseID, "--data", data, "--out", filepath.Join(dir, "b.tar"),
			"--reference", "LE-1", "--evidence-key-file", filepath.Join(dir, "missing.key")}, exitUsage, `^$`},
		{"rotate-key", []string{"evidence", "rotate-key", "--data", data}, 0, `re-wrapped 1 objects: the evidence key is now ek_[0-9a-f]{16}`},
		{"export under the new key", []string{"evidence", "export", caseID, "--data", data, "--out", filepath.Join(dir, "2.tar"), "--reference", "LE-2"}, 0, `^$`},
		{"sweep before the deadline", []string{"evidence", "sweep", "--data", data}, 0, `deleted 0 evidence objects`},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			code, stdout, stderr := runVigil(s.args...)
			if code != s.code || !regexp.MustCompile(s.stdout).MatchString(stdout) {
				t.Fatalf("vigil %v = %d, stdout %q, stderr %q", s.args, code, stdout, stderr)
			}
			if strings.Contains(stdout+stderr, strings.TrimSpace(string(keyText))[:20]) {
				t.Fatal("the evidence key was printed")
			}
		})
	}
	for _, tarFile := range []string{"1.tar", "2.tar"} {
		if got := archiveFile(t, filepath.Join(dir, tarFile), `^evd_.*\.jpg$`); !bytes.Equal(got, img) {
			t.Errorf("%s: exported bytes differ from the upload", tarFile)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "1.tar")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("export file mode: %v, %v; want 0600", fi, err)
	}
	if rotated, _ := os.ReadFile(filepath.Join(data, "evidence.key")); bytes.Equal(rotated, keyText) {
		t.Error("rotate-key left the key file as it was")
	}
}

// TestServeRefusesBadRetentionPolicy checks PR-07: vigil serve does not start with a policy
// that breaks a rule of a jurisdiction it names.
func TestServeRefusesBadRetentionPolicy(t *testing.T) {
	tests := []struct {
		name string
		ev   evidenceFlags
		want string
	}{
		{"eu over 12 months", evidenceFlags{jurisdictions: "eu", months: 13}, "EU cap"},
		{"us without sign-off", evidenceFlags{jurisdictions: "us", months: 12}, "sign-off"},
		{"eu and us over 12 months", evidenceFlags{jurisdictions: "eu,us", months: 18, signedOffBy: "counsel"}, "EU cap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &env{stdout: io.Discard, stderr: io.Discard, lookupEnv: func(string) (string, bool) { return "", false }}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err := serve(ctx, e, serveConfig{data: filepath.Join(t.TempDir(), "data"), addr: "127.0.0.1:0",
				grace: time.Second, evidence: tt.ev})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("serve = %v, want refused for %q", err, tt.want)
			}
		})
	}
}
