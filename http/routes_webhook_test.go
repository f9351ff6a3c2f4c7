package http

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/sqlite"
	"github.com/vigilproject/vigil/webhook"
)

func TestWebhookAPI(t *testing.T) {
	f := newPlatform(t)
	admin := f.key(t, vigil.ScopeAdmin)
	resp, body := f.do(t, request{method: "POST", path: "/v1/webhooks", key: admin,
		body: `{"url":"https://platform.example/hook","events":["case.decided"]}`})
	var created webhookJSON
	if resp.StatusCode != http.StatusCreated || json.Unmarshal([]byte(body), &created) != nil ||
		!strings.HasPrefix(created.Secret, "whsec_") || resp.Header.Get("Location") != "/v1/webhooks/"+created.ID {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	hook := "/v1/webhooks/" + created.ID
	for _, tc := range []struct {
		name         string
		method, path string
		body         string
		status       int
		want         string // a fragment of the answer
	}{
		{"get has no secret", "GET", hook, "", 200, `"enabled":true,"created_at":"2026-11-27T12:00:00.000Z"}`},
		{"list", "GET", "/v1/webhooks", "", 200, `"events":["case.decided"]`},
		{"bad url", "POST", "/v1/webhooks", `{"url":"ftp://x","events":["case.decided"]}`, 400, `"field":"url"`},
		{"bad event", "POST", "/v1/webhooks", `{"url":"https://x.example","events":["case.opened"]}`, 400, `"field":"events"`},
		{"unknown field", "POST", "/v1/webhooks", `{"url":"https://x.example","events":["case.decided"],"x":1}`, 400, `unknown field`},
		{"disable", "PATCH", hook, `{"enabled":false}`, 200, `"enabled":false`},
		{"change events", "PATCH", hook, `{"events":["content.matched","case.decided"]}`, 200, `"events":["content.matched","case.decided"]`},
		{"empty patch", "PATCH", hook, `{}`, 400, `name at least one`},
		{"empty events", "PATCH", hook, `{"events":[]}`, 400, `"field":"events"`},
		{"bad status", "GET", hook + "/deliveries?status=lost", "", 400, `"field":"status"`},
		{"bad cursor", "GET", hook + "/deliveries?cursor=42", "", 400, `"field":"cursor"`},
		{"bad limit", "GET", hook + "/deliveries?limit=501", "", 400, `"field":"limit"`},
		{"no such webhook", "GET", "/v1/webhooks/whk_0/deliveries", "", 404, `"code":"not_found"`},
		{"no such delivery", "POST", "/v1/deliveries/msg_0/retry", "", 404, `"code":"not_found"`},
		{"delete", "DELETE", hook, "", 204, ``},
		{"gone", "GET", hook, "", 404, `"code":"not_found"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := f.do(t, request{method: tc.method, path: tc.path, body: tc.body, key: admin})
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
				t.Fatalf("%s %s: %d %s; want %d with %s", tc.method, tc.path, resp.StatusCode, body, tc.status, tc.want)
			}
			if strings.Contains(body, created.Secret) {
				t.Fatalf("the secret was shown again: %s", body)
			}
		})
	}
}

// TestWebhookDeliveredEndToEnd registers a receiver on 127.0.0.1 through the API, raises an event
// the way the pipeline does, runs the worker, and reads the outcome back through the API.
func TestWebhookDeliveredEndToEnd(t *testing.T) {
	f := newPlatform(t)
	admin := f.key(t, vigil.ScopeAdmin)
	type received struct {
		signature string
		body      []byte
	}
	got := make(chan received, 10)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- received{r.Header.Get(webhook.SignatureHeader), body}
	}))
	defer rcv.Close()
	_, body := f.do(t, request{method: "POST", path: "/v1/webhooks", key: admin,
		body: `{"url":"` + rcv.URL + `","secret":"a shared secret of 24 b","events":["content.matched"]}`})
	var hook webhookJSON
	if err := json.Unmarshal([]byte(body), &hook); err != nil || hook.ID == "" {
		t.Fatalf("create: %s", body)
	}
	for range 2 {
		err := f.db.Update(systemCtx, func(tx *sqlite.Tx) error {
			return tx.Enqueue(vigil.EventContentMatched, map[string]string{"content_id": "cnt_1"})
		})
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Millisecond) // ids made in one millisecond sort at random
	}
	if n, err := webhook.New(f.db, f.clock, webhook.Options{MaxAttempts: 1}).RunOnce(systemCtx); err != nil || n != 2 {
		t.Fatalf("worker: %d attempts, %v", n, err)
	}
	r := <-got
	if err := webhook.Verify("a shared secret of 24 b", r.signature, r.body, f.clock.Now(), 0); err != nil {
		t.Fatalf("receiver's check: %v", err)
	}

	var seen []string
	for cursor := ""; ; {
		_, body = f.do(t, request{method: "GET", path: "/v1/webhooks/" + hook.ID + "/deliveries?status=delivered&limit=1&cursor=" + cursor, key: admin})
		var page deliveryList
		if err := json.Unmarshal([]byte(body), &page); err != nil {
			t.Fatalf("deliveries: %s", body)
		}
		for _, d := range page.Items {
			if d.Attempts != 1 || !strings.Contains(string(d.Payload), `"data":{"content_id":"cnt_1"}`) {
				t.Errorf("delivery %s", body)
			}
			seen = append(seen, d.ID)
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if len(seen) != 2 || seen[0] == seen[1] {
		t.Fatalf("paged through %v, want 2 distinct deliveries", seen)
	}
	resp, body := f.do(t, request{method: "POST", path: "/v1/deliveries/" + seen[0] + "/retry", key: admin})
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("retry of a delivered message: %d %s, want 409", resp.StatusCode, body)
	}
}
