package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil/eucentre"
	"github.com/vigilproject/vigil/eucentre/eucentrefake"
	"github.com/vigilproject/vigil/hasher"
	vhttp "github.com/vigilproject/vigil/http"
	"github.com/vigilproject/vigil/internal/drawjpeg"
	"github.com/vigilproject/vigil/ncmec/ncmecfake"
)

// reportFlow is a "vigil serve" child with a confirmed case whose report is ready to approve,
// and the two fakes it reports to, served by the test process on 127.0.0.1.
type reportFlow struct {
	bin, data, key, reportID string
	srv                      *crashServer
	ncmec                    *ncmecfake.Server
	eu                       *eucentrefake.Server
	pub                      ed25519.PublicKey
}

// newReportFlow builds the binary, starts it with both fakes configured, and takes one upload
// matching a known bank through review to a drafted report.
func newReportFlow(t *testing.T, bin string) *reportFlow {
	t.Helper()
	f := &reportFlow{bin: bin, data: filepath.Join(t.TempDir(), "data")}
	f.srv = startChild(t, bin, f.data)
	keyOut, err := exec.Command(bin, "admin", "key", "create", "--data", f.data, "--name", "reports", "--scopes", "admin").Output()
	if err != nil {
		t.Fatalf("admin key create: %v", err)
	}
	f.key = strings.TrimSpace(string(keyOut))
	var sk struct {
		PublicKey string `json:"public_key"`
	}
	if code := api(t, "GET", f.srv.url+"/v1/reports/signing-key", f.key, "", nil, &sk); code != 200 {
		t.Fatalf("signing key: %d", code)
	}
	if f.pub, err = base64.StdEncoding.DecodeString(sk.PublicKey); err != nil {
		t.Fatal(err)
	}
	f.ncmec, f.eu = ncmecfake.New("esp", "esp-password", nil), eucentrefake.New(f.pub)
	nsrv, esrv := httptest.NewServer(f.ncmec), httptest.NewServer(f.eu)
	t.Cleanup(nsrv.Close)
	t.Cleanup(esrv.Close)
	img := drawjpeg.Draw(1, 640, 480)
	res, err := hasher.Hash(bytes.NewReader(img), hasher.Options{})
	if err != nil {
		t.Fatal(err)
	}
	settings := fmt.Sprintf(`{"provider":{"name":"Crash Test Photos","contact_point":"spoc@example.test",
		"reporter_email":"legal@example.test"},"legal_basis":"Article 12","eu_centre":true,"ncmec":true,
		"eu_centre_url":%q,"ncmec_environment":"test","ncmec_url":%q,"ncmec_user":"esp","ncmec_password":"esp-password"}`,
		esrv.URL+eucentrefake.Path, nsrv.URL)
	for _, c := range []struct{ method, path, body string }{
		{"PUT", "/v1/services/crash", `{"type":"hosting","jurisdiction":"US"}`},
		{"POST", "/v1/banks", `{"name":"known","kind":"known"}`},
		{"POST", "/v1/banks/known/entries", fmt.Sprintf(`{"entries":[{"signal_type":"pdq","signal":"%s","category":"A1"}]}`, res.PDQ)},
		{"PUT", "/v1/reports/settings", settings},
	} {
		if code := api(t, c.method, f.srv.url+c.path, f.key, "application/json", []byte(c.body), nil); code >= 300 {
			t.Fatalf("%s %s: %d", c.method, c.path, code)
		}
	}
	f.reportID = f.confirm(t, img)
	return f
}

// confirm submits img, waits for its case, reviews and confirms it, and returns its report id.
func (f *reportFlow) confirm(t *testing.T, img []byte) string {
	t.Helper()
	var v verdictBody
	body, ct := multipartPhoto(t, "item-1", img)
	if code := api(t, "POST", f.srv.url+"/v1/content?wait=0", f.key, ct, body, &v); code != 202 {
		t.Fatalf("submit: %d", code)
	}
	if v, _ = waitVerdict(t, f.srv.url, f.key, v.ID); v.Status != "match" || v.CaseID == "" {
		t.Fatalf("verdict %+v, want a match with a case", v)
	}
	caseURL := f.srv.url + "/v1/cases/" + v.CaseID
	for _, c := range []struct{ method, url, body string }{
		{"POST", caseURL + "/claim", ""},
		{"GET", caseURL + "/media", ""},
		{"POST", caseURL + "/decide", `{"verdict":"confirm","category":"A1"}`},
	} {
		if code := api(t, c.method, c.url, f.key, "application/json", []byte(c.body), nil); code >= 300 {
			t.Fatalf("%s %s: %d", c.method, c.url, code)
		}
	}
	var list struct {
		Items []struct {
			ID     string
			CaseID string `json:"case_id"`
		}
	}
	if code := api(t, "GET", f.srv.url+"/v1/reports", f.key, "", nil, &list); code != 200 || len(list.Items) != 1 {
		t.Fatalf("reports after the confirmation: %d, %+v", code, list.Items)
	}
	return list.Items[0].ID
}

// approve has a legal user, signed in, approve the report: approvals count people (PP-04), so
// an API key cannot give one.
func (f *reportFlow) approve(t *testing.T) {
	t.Helper()
	pw := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(pw, []byte("a long legal password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(f.bin, "admin", "user", "add", "--data", f.data, "--role", "legal",
		"--password-file", pw, "lex").CombinedOutput(); err != nil {
		t.Fatalf("admin user add: %v\n%s", err, out)
	}
	resp, err := http.Post(f.srv.url+"/v1/login", "application/json",
		strings.NewReader(`{"name":"lex","password":"a long legal password"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var login struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&login); err != nil || resp.StatusCode != 200 {
		t.Fatalf("login: %d, %v", resp.StatusCode, err)
	}
	req, _ := http.NewRequest("POST", f.srv.url+"/v1/reports/"+f.reportID+"/approve", nil)
	req.Header.Set(vhttp.CSRFHeader, login.CSRF)
	for _, c := range resp.Cookies() {
		req.AddCookie(c)
	}
	approved, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	approved.Body.Close()
	if approved.StatusCode != 200 {
		t.Fatalf("approve: %d", approved.StatusCode)
	}
}

// waitReport polls the report until it leaves queued and sending, and returns its status.
func (f *reportFlow) waitReport(t *testing.T) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var rep struct {
			Status    string
			LastError string `json:"last_error"`
		}
		if code := api(t, "GET", f.srv.url+"/v1/reports/"+f.reportID, f.key, "", nil, &rep); code != 200 {
			t.Fatalf("GET report: %d", code)
		}
		if rep.Status != "queued" && rep.Status != "sending" {
			return rep.Status
		}
		if time.Now().After(deadline) {
			t.Fatalf("report still %s after 60 s: %s", rep.Status, rep.LastError)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestReportSurvivesKill9 is the reporting bar: the server is killed with SIGKILL while the
// CyberTipline fake holds a call between submit and finish, and restarted on the same data.
// The report must end finished (or retracted) at NCMEC, never as a second CyberTipline report,
// and reach the EU Centre once, signed and valid, naming the CyberTipline report (NC-03, RP-09).
func TestReportSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs servers: not in -short mode")
	}
	bin := filepath.Join(t.TempDir(), "vigil")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, step := range []ncmecfake.Endpoint{ncmecfake.Upload, ncmecfake.FileInfo, ncmecfake.Finish} {
		t.Run("killed in "+string(step), func(t *testing.T) {
			f := newReportFlow(t, bin)
			arrived, release := f.ncmec.Block(step)
			defer release()
			f.approve(t)
			select {
			case <-arrived:
			case <-time.After(60 * time.Second):
				t.Fatalf("the worker never reached %s", step)
			}
			f.srv.cmd.Process.Signal(os.Kill)
			f.srv.cmd.Wait()
			release()
			if reps := f.ncmec.Reports(); len(reps) != 1 || reps[0].Status != ncmecfake.Open {
				t.Fatalf("CyberTipline reports at the kill: %+v, want one open", reps)
			}
			f.srv = startChild(t, f.bin, f.data)
			status := f.waitReport(t)
			f.check(t, status)
		})
	}
}

// check asserts the outcome: one CyberTipline report, finished or retracted, never a second;
// and one EU Centre report that validates and verifies, naming the CyberTipline report when
// it was finished (the EU Centre report is a duty of its own: a retracted flow does not stop
// it, and the report then ends failed so that a resend retries NCMEC).
func (f *reportFlow) check(t *testing.T, status string) {
	t.Helper()
	nreps := f.ncmec.Reports()
	if len(nreps) != 1 {
		t.Fatalf("%d CyberTipline reports, want exactly 1: %+v", len(nreps), nreps)
	}
	wantStatus, wantRefs := "sent", 1
	switch nreps[0].Status {
	case ncmecfake.Retracted:
		wantStatus, wantRefs = "failed", 0
	case ncmecfake.Finished:
	default:
		t.Fatalf("the CyberTipline report is %s, want finished or retracted", nreps[0].Status)
	}
	if status != wantStatus {
		t.Fatalf("report %s with the CyberTipline report %s, want %s", status, nreps[0].Status, wantStatus)
	}
	ereps := f.eu.Reports()
	if len(ereps) != 1 {
		t.Fatalf("%d EU Centre reports, want 1", len(ereps))
	}
	if err := eucentre.Validate(ereps[0].Body); err != nil {
		t.Errorf("EU Centre document: %v", err)
	}
	if err := eucentre.Verify(f.pub, ereps[0].Body, ereps[0].Signature); err != nil {
		t.Errorf("EU Centre signature: %v", err)
	}
	tc := ereps[0].Document.ThirdCountry
	if len(tc) != wantRefs || wantRefs == 1 && tc[0].Reference != strconv.FormatInt(nreps[0].ID, 10) {
		t.Errorf("third-country reports %+v, want the CyberTipline report %d when finished", tc, nreps[0].ID)
	}
}
