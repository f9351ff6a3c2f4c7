package sqlite

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/masterkey"
	"github.com/vigilproject/vigil/webhook"
)

// signedRequest is what a test receiver got: the signature header and the body.
type signedRequest struct {
	signature string
	body      []byte
}

// TestWebhookSecretIsWrappedOnDisk creates a webhook with a distinctive secret, delivers one
// event to it through the worker, and checks that the delivery verifies with that secret while
// neither the database file nor its WAL holds the secret in clear.
func TestWebhookSecretIsWrappedOnDisk(t *testing.T) {
	const secret = "whsec_distinctive-Q7pX2vLm9KcR4tZ8"
	got := make(chan signedRequest, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- signedRequest{r.Header.Get(webhook.SignatureHeader), body}
	}))
	defer srv.Close()

	db := openTest(t)
	hook, err := db.CreateWebhook(adminCtx, srv.URL, secret, []string{vigil.EventContentMatched})
	if err != nil {
		t.Fatal(err)
	}
	enqueue(t, db, vigil.EventContentMatched, map[string]string{"content_id": "cnt_1"})
	if n, err := webhook.New(db, db.Clock, webhook.Options{}).RunOnce(context.Background()); err != nil || n != 1 {
		t.Fatalf("RunOnce made %d attempts, %v; want 1", n, err)
	}
	req := <-got
	if err := webhook.Verify(secret, req.signature, req.body, db.Clock.Now(), 0); err != nil {
		t.Fatalf("delivery does not verify with the webhook's secret: %v", err)
	}
	if d := deliveriesOf(t, db, hook.ID); len(d) != 1 || d[0].Status != vigil.DeliveryDelivered {
		t.Fatalf("deliveries %+v, want one delivered", d)
	}
	if raw := rawFiles(t, db); bytes.Contains(raw, []byte(secret)) {
		t.Fatal("the database file or its WAL holds the webhook secret in clear")
	}
}

// TestStoredWebhookSecrets covers rows the claim finds: a secret left in clear by an earlier
// version is given back and wrapped, and a wrapped secret moved to another webhook's row does
// not open.
func TestStoredWebhookSecrets(t *testing.T) {
	const legacy = "whsec_legacy-plaintext-secret"
	for _, tc := range []struct {
		name    string
		tamper  string // run with the hook's and another webhook's public ids
		wantErr bool
	}{
		{"plain secret from an earlier version",
			`UPDATE webhooks SET secret = '` + legacy + `', secret_wrapped = NULL WHERE public_id = ?1`, false},
		{"wrapped secret moved from another webhook",
			`UPDATE webhooks SET secret_wrapped = (SELECT secret_wrapped FROM webhooks WHERE public_id = ?2)
				WHERE public_id = ?1`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openTest(t)
			hook := mustWebhook(t, db, vigil.EventContentMatched)
			other := mustWebhook(t, db, vigil.EventCaseDecided)
			if _, err := db.write.Exec(tc.tamper, hook.ID, other.ID); err != nil {
				t.Fatal(err)
			}
			enqueue(t, db, vigil.EventContentMatched, 1)
			ds, err := db.ClaimDeliveries(adminCtx, 10, time.Minute)
			if tc.wantErr {
				if !errors.Is(err, masterkey.ErrUnwrap) {
					t.Fatalf("claimed %+v, %v with a moved secret; want ErrUnwrap", ds, err)
				}
				return
			}
			if err != nil || len(ds) != 1 || ds[0].Secret != legacy {
				t.Fatalf("claimed %+v, %v; want one delivery signed with the plain secret", ds, err)
			}
			var plain string
			var wrapped []byte
			err = db.read.QueryRow(`SELECT secret, secret_wrapped FROM webhooks WHERE public_id = ?`, hook.ID).
				Scan(&plain, &wrapped)
			if err != nil || plain != "" || !masterkey.IsWrapped(wrapped) {
				t.Fatalf("after the claim: secret %q, wrapped %x, %v; want it wrapped", plain, wrapped, err)
			}
		})
	}
}
