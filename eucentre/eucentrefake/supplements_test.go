package eucentrefake

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/eucentre"
)

// supplement renders a supplement to the report ref with the given id.
func supplement(t *testing.T, id, ref string) []byte {
	t.Helper()
	doc, err := eucentre.RenderSupplement(eucentre.SupplementInput{
		ID: id, Reference: ref, ReportID: "rep_1", IssuedAt: time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC),
		ThirdCountry: []vigil.ThirdCountryReport{{Entity: "NCMEC", Reference: "4242"}},
	})
	if err != nil {
		t.Fatalf("RenderSupplement: %v", err)
	}
	return doc
}

// fileReport serves a fake holding one report and returns it with the report's reference.
func fileReport(t *testing.T) (*Server, *httptest.Server, string) {
	t.Helper()
	fake := New(testPub)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	doc := report(t, "benign payload")
	a := post(t, srv, "POST", Path, doc, map[string]string{"Vigil-Signature": sigHeader(t, doc), "Idempotency-Key": "rep_1"})
	if a.status != 201 {
		t.Fatalf("filing the report: %d %+v", a.status, a.body.Error)
	}
	return fake, srv, a.body.Reference
}

// TestSupplementThroughClient sends one supplement twice with the default Client: the second
// send gets the first reference and files nothing (RP-09, RP-17).
func TestSupplementThroughClient(t *testing.T) {
	fake, srv, ref := fileReport(t)
	url, err := eucentre.SupplementURL(srv.URL+Path, ref)
	if err != nil {
		t.Fatal(err)
	}
	doc := supplement(t, "sup_1", ref)
	sig, err := eucentre.Sign(testPriv, doc)
	if err != nil {
		t.Fatal(err)
	}
	client := eucentre.Client{URL: url, HTTP: srv.Client()}
	first, err := client.Send(context.Background(), doc, sig, "sup_1")
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	again, err := client.Send(context.Background(), doc, sig, "sup_1")
	if err != nil || again != first {
		t.Fatalf("resend = %q, %v; want %q", again, err, first)
	}
	got := fake.Supplements()
	if len(got) != 1 || got[0].ReportRef != ref || got[0].Document.ThirdCountry[0].Reference != "4242" {
		t.Fatalf("filed %+v, want one supplement to %s with NCMEC 4242", got, ref)
	}
}

func TestSupplementRefusals(t *testing.T) {
	fake, srv, ref := fileReport(t)
	good := supplement(t, "sup_1", ref)
	otherRef := supplement(t, "sup_1", "EUC-999999")
	path := Path + "/" + ref + eucentre.SupplementsPath
	for _, tc := range []struct {
		name   string
		method string
		path   string
		body   []byte
		key    string
		sign   bool
		status int
		code   string
	}{
		{"not a POST", "GET", path, nil, "sup_1", false, 405, vigil.EINVALID},
		{"RP-03 unsigned", "POST", path, good, "sup_1", false, 401, vigil.EUNAUTHORIZED},
		{"no idempotency key", "POST", path, good, "", true, 400, vigil.EINVALID},
		{"unknown report", "POST", Path + "/EUC-999999" + eucentre.SupplementsPath, otherRef, "sup_1", true, 404, vigil.ENOTFOUND},
		{"document names another report", "POST", path, otherRef, "sup_1", true, 400, vigil.EINVALID},
		{"key is not the supplement id", "POST", path, good, "other", true, 400, vigil.EINVALID},
		{"invalid document", "POST", path, []byte(`{"format":"vigil.eucentre.supplement/v1"}`), "sup_1", true, 400, vigil.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			headers := map[string]string{}
			if tc.key != "" {
				headers["Idempotency-Key"] = tc.key
			}
			if tc.sign {
				headers["Vigil-Signature"] = sigHeader(t, tc.body)
			}
			a := post(t, srv, tc.method, tc.path, tc.body, headers)
			if a.status != tc.status || a.body.Error.Code != tc.code {
				t.Errorf("answer %d %+v, want %d %s", a.status, a.body.Error, tc.status, tc.code)
			}
		})
	}
	if n := len(fake.Supplements()); n != 0 {
		t.Errorf("the fake filed %d supplements, want none", n)
	}
}
