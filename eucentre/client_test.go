package eucentre_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/eucentre"
	"github.com/vigilproject/vigil/eucentre/eucentrefake"
)

// signedReport renders the full fixture record and signs it with priv.
func signedReport(t *testing.T, priv ed25519.PrivateKey) ([]byte, eucentre.Signature) {
	t.Helper()
	doc, err := eucentre.Render(eucentre.FullRecord(), eucentre.TwoFiles())
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	sig, err := eucentre.Sign(priv, doc)
	if err != nil {
		t.Fatal(err)
	}
	return doc, sig
}

// startFake serves a fake EU Centre trusting pub and returns it with a client for it.
func startFake(t *testing.T, pub ed25519.PublicKey) (*eucentrefake.Server, eucentre.Client) {
	t.Helper()
	fake := eucentrefake.New(pub)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return fake, eucentre.Client{URL: srv.URL + eucentrefake.Path, HTTP: srv.Client()}
}

// RP-03, RP-04, RP-09: a rendered, signed report is filed by the fake, which verified its
// signature and schema, and what it filed is what was sent.
func TestClientSendsToFake(t *testing.T) {
	pub, priv := eucentre.TestKey(1)
	fake, client := startFake(t, pub)
	doc, sig := signedReport(t, priv)
	ref, err := client.Send(context.Background(), doc, sig, "rep_1")
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	reports := fake.Reports()
	if len(reports) != 1 {
		t.Fatalf("the fake filed %d reports, want 1", len(reports))
	}
	got := reports[0]
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"reference returned is the one filed", ref == got.Reference && ref == "EUC-000001"},
		{"idempotency key recorded", got.IdempotencyKey == "rep_1"},
		{"body is the signed document", string(got.Body) == string(doc)},
		{"signature recorded verifies", eucentre.Verify(pub, got.Body, got.Signature) == nil},
		{"RP-09 NCMEC reference travels", len(got.Document.ThirdCountry) == 1 && got.Document.ThirdCountry[0].Reference == "123456789"},
		{"RP-04 data travels", len(got.Document.Content) == 2 && len(got.Document.Content[0].Data) > 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.ok {
				t.Errorf("not so; filed %+v", got.Reference)
			}
		})
	}
}

// A resend with the same idempotency key, even concurrent, gets the same reference and never
// files a second report; a new key files a new one.
func TestClientIdempotent(t *testing.T) {
	pub, priv := eucentre.TestKey(1)
	fake, client := startFake(t, pub)
	doc, sig := signedReport(t, priv)
	send := func(key string) string {
		t.Helper()
		ref, err := client.Send(context.Background(), doc, sig, key)
		if err != nil {
			t.Errorf("Send(%s): %v", key, err)
		}
		return ref
	}
	first := send("rep_a")
	refs := make([]string, 8)
	var wg sync.WaitGroup
	for i := range refs {
		wg.Go(func() { refs[i] = send("rep_a") })
	}
	wg.Wait()
	for i, ref := range refs {
		if ref != first {
			t.Errorf("resend %d got %q, want %q", i, ref, first)
		}
	}
	if second := send("rep_b"); second == first {
		t.Errorf("a new key got the old reference %q", second)
	}
	if n := len(fake.Reports()); n != 2 {
		t.Errorf("the fake filed %d reports, want 2", n)
	}
}

// answering returns a server that answers every request with status and body.
func answering(t *testing.T, status int, body string) eucentre.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if status == http.StatusFound {
			http.Redirect(w, r, "/elsewhere", status)
			return
		}
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return eucentre.Client{URL: srv.URL, HTTP: srv.Client()}
}

func TestClientErrors(t *testing.T) {
	pub, priv := eucentre.TestKey(1)
	_, otherPriv := eucentre.TestKey(2)
	_, fakeClient := startFake(t, pub)
	doc, sig := signedReport(t, priv)
	_, otherSig := signedReport(t, otherPriv)
	emptySig, err := eucentre.Sign(priv, []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	for _, tc := range []struct {
		name      string
		client    eucentre.Client
		doc       []byte
		sig       eucentre.Signature
		key       string
		status    int // of the *SendError; 0 for another error
		field     string
		retryable bool
	}{
		{"signed by an unknown key", fakeClient, doc, otherSig, "k", http.StatusUnauthorized, "", false},
		{"invalid document", fakeClient, []byte(`{}`), emptySig, "k", http.StatusBadRequest, "account_decision", false},
		{"no idempotency key", fakeClient, doc, sig, "", 0, "", false},
		{"idempotency key with a space", fakeClient, doc, sig, "a b", 0, "", false},
		{"plain http to a remote host", eucentre.Client{URL: "http://eu-centre.example/v1/reports"}, doc, sig, "k", 0, "", false},
		{"not http", eucentre.Client{URL: "ftp://127.0.0.1/x"}, doc, sig, "k", 0, "", false},
		{"relative URL", eucentre.Client{URL: "/v1/reports"}, doc, sig, "k", 0, "", false},
		{"server error", answering(t, http.StatusServiceUnavailable, ""), doc, sig, "k", http.StatusServiceUnavailable, "", true},
		{"rate limited", answering(t, http.StatusTooManyRequests, ""), doc, sig, "k", http.StatusTooManyRequests, "", true},
		{"redirect not followed", answering(t, http.StatusFound, ""), doc, sig, "k", http.StatusFound, "", false},
		{"success without reference", answering(t, http.StatusCreated, `{}`), doc, sig, "k", 0, "", true},
		{"success not JSON", answering(t, http.StatusOK, `ok`), doc, sig, "k", 0, "", true},
		{"endpoint down", eucentre.Client{URL: closed.URL}, doc, sig, "k", 0, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ref, err := tc.client.Send(context.Background(), tc.doc, tc.sig, tc.key)
			if err == nil {
				t.Fatalf("Send = %q, want an error", ref)
			}
			se, isSend := errors.AsType[*eucentre.SendError](err)
			switch {
			case tc.status == 0 && isSend:
				t.Errorf("error %v is a SendError, want another kind", err)
			case tc.status != 0 && (!isSend || se.Status != tc.status):
				t.Errorf("error %v, want a SendError with status %d", err, tc.status)
			case isSend && se.Field != tc.field:
				t.Errorf("SendError field %q, want %q", se.Field, tc.field)
			}
			if got := eucentre.Retryable(err); got != tc.retryable {
				t.Errorf("Retryable(%v) = %v, want %v", err, got, tc.retryable)
			}
		})
	}
}

func TestRetryable(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"bad request", &eucentre.SendError{Status: 400}, false},
		{"unauthorized", &eucentre.SendError{Status: 401}, false},
		{"conflict", &eucentre.SendError{Status: 409}, false},
		{"request timeout", &eucentre.SendError{Status: 408}, true},
		{"too early", &eucentre.SendError{Status: 425}, true},
		{"too many requests", &eucentre.SendError{Status: 429}, true},
		{"internal error", &eucentre.SendError{Status: 500}, true},
		{"bad gateway, wrapped", fmt.Errorf("outbox: %w", &eucentre.SendError{Status: 502}), true},
		{"configuration", vigil.Errorf(vigil.EINVALID, "bad URL"), false},
		{"cancelled", context.Canceled, true},
		{"network", errors.New("connection reset"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := eucentre.Retryable(tc.err); got != tc.want {
				t.Errorf("Retryable = %v, want %v", got, tc.want)
			}
		})
	}
}
