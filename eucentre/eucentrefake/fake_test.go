package eucentrefake

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/eucentre"
)

var (
	testPriv = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	testPub  = testPriv.Public().(ed25519.PublicKey)
)

// report renders a small valid report whose only item carries payload.
func report(t *testing.T, payload string) []byte {
	t.Helper()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	doc, err := eucentre.Render(vigil.ReportRecord{
		Provider:   vigil.ReportProvider{Name: "P", ContactPoint: "c@example.com"},
		Issued:     at,
		Type:       vigil.ReportSolicitation,
		Content:    []vigil.ReportContent{{ContentID: "cnt_1", Uploaded: at}},
		Incident:   at,
		Service:    vigil.ReportService{Name: "S", Type: "hosting"},
		Awareness:  vigil.AwarenessHotline,
		LegalBasis: "Art. 12 CSAR",
	}, map[string][]byte{"cnt_1": []byte(payload)})
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return doc
}

// sigHeader signs doc with the test key and returns the header value.
func sigHeader(t *testing.T, doc []byte) string {
	t.Helper()
	sig, err := eucentre.Sign(testPriv, doc)
	if err != nil {
		t.Fatal(err)
	}
	return sig.String()
}

// answer is what the fake said: the status and the decoded body.
type answer struct {
	status int
	body   struct {
		Reference string `json:"reference"`
		Error     struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Field   string `json:"field"`
		} `json:"error"`
	}
}

// post sends one request to the fake served by srv.
func post(t *testing.T, srv *httptest.Server, method, path string, body []byte, headers map[string]string) answer {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	a.status = resp.StatusCode
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &a.body); err != nil {
		t.Fatalf("answer %d is not JSON: %q", resp.StatusCode, raw)
	}
	return a
}

func TestServerRefusals(t *testing.T) {
	doc := report(t, "benign payload")
	good := sigHeader(t, doc)
	otherKey := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{8}, ed25519.SeedSize))
	otherSig, err := eucentre.Sign(otherKey, doc)
	if err != nil {
		t.Fatal(err)
	}
	tampered := bytes.Replace(doc, []byte(`"urgent":false`), []byte(`"urgent":true`), 1)
	if bytes.Equal(tampered, doc) {
		t.Fatal("tampering left the document unchanged")
	}
	for _, tc := range []struct {
		name    string
		method  string
		path    string
		body    []byte
		headers map[string]string
		status  int
		code    string
		field   string
	}{
		{"wrong path", "POST", "/reports", doc, nil, 404, vigil.ENOTFOUND, ""},
		{"not a POST", "GET", Path, nil, nil, 405, vigil.EINVALID, ""},
		{"RP-03 no signature", "POST", Path, doc, map[string]string{"Idempotency-Key": "k"}, 401, vigil.EUNAUTHORIZED, ""},
		{"RP-03 malformed signature", "POST", Path, doc, map[string]string{"Vigil-Signature": "ed25519=x", "Idempotency-Key": "k"}, 401, vigil.EUNAUTHORIZED, ""},
		{"RP-03 another key", "POST", Path, doc, map[string]string{"Vigil-Signature": otherSig.String(), "Idempotency-Key": "k"}, 401, vigil.EUNAUTHORIZED, ""},
		{"RP-03 tampered document", "POST", Path, tampered, map[string]string{"Vigil-Signature": good, "Idempotency-Key": "k"}, 401, vigil.EUNAUTHORIZED, ""},
		{"no idempotency key", "POST", Path, doc, map[string]string{"Vigil-Signature": good}, 400, vigil.EINVALID, ""},
		{"invalid document", "POST", Path, []byte(`{"format":"vigil.eucentre.report/v1"}`), map[string]string{"Vigil-Signature": sigHeader(t, []byte(`{"format":"vigil.eucentre.report/v1"}`)), "Idempotency-Key": "k"}, 400, vigil.EINVALID, "account_decision"},
		{"too large", "POST", Path, bytes.Repeat([]byte(" "), 2048), map[string]string{"Idempotency-Key": "k"}, 413, vigil.ETOOLARGE, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := New(testPub)
			fake.maxBody = 1024
			srv := httptest.NewServer(fake)
			defer srv.Close()
			a := post(t, srv, tc.method, tc.path, tc.body, tc.headers)
			if a.status != tc.status || a.body.Error.Code != tc.code || a.body.Error.Field != tc.field {
				t.Errorf("answer %d %+v, want %d %s field %q", a.status, a.body.Error, tc.status, tc.code, tc.field)
			}
			if n := len(fake.Reports()); n != 0 {
				t.Errorf("the fake filed %d reports, want none", n)
			}
		})
	}
}

// Same key, same reference, one report, whatever the resend carries; a refused document does
// not take its key; a new key files a new report.
func TestServerIdempotency(t *testing.T) {
	fake := New(testPub)
	srv := httptest.NewServer(fake)
	defer srv.Close()
	send := func(key string, doc []byte) answer {
		return post(t, srv, "POST", Path, doc, map[string]string{"Vigil-Signature": sigHeader(t, doc), "Idempotency-Key": key})
	}
	first, second := report(t, "benign one"), report(t, "benign two")
	invalid := []byte(`{}`)
	for _, tc := range []struct {
		name    string
		key     string
		doc     []byte
		status  int
		ref     string
		reports int
	}{
		{"first send files", "rep_1", first, 201, "EUC-000001", 1},
		{"resend answers the same", "rep_1", first, 200, "EUC-000001", 1},
		{"resend of another document under the key", "rep_1", second, 200, "EUC-000001", 1},
		{"invalid under a new key", "rep_2", invalid, 400, "", 1},
		{"then valid under that key", "rep_2", second, 201, "EUC-000002", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := send(tc.key, tc.doc)
			if a.status != tc.status || a.body.Reference != tc.ref {
				t.Errorf("answer %d %q (%+v), want %d %q", a.status, a.body.Reference, a.body.Error, tc.status, tc.ref)
			}
			if n := len(fake.Reports()); n != tc.reports {
				t.Errorf("%d reports filed, want %d", n, tc.reports)
			}
		})
	}
	got := fake.Reports()
	if string(got[0].Body) != string(first) || string(got[1].Body) != string(second) {
		t.Errorf("recorded bodies are not the documents first filed under each key")
	}
	if !strings.HasPrefix(string(got[1].Document.Content[0].Data), "benign two") {
		t.Errorf("recorded document holds %q", got[1].Document.Content[0].Data)
	}
}
