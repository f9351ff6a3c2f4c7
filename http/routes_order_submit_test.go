package http

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vigilproject/vigil"
)

// TestOrdersSubmitScope checks an authority's orders:submit key: it files an order (with a safe
// retry), reads that order and its Annex VI confirmation once the legal team executed it, finds
// no order another key filed (404, as for an id that does not exist, so ids tell it nothing), and
// is refused everything that handles orders.
func TestOrdersSubmitScope(t *testing.T) {
	f := newOrderPlatform(t)
	authority := f.platform.key(t, vigil.ScopeOrdersSubmit)
	other, _, err := f.users.CreateKey(systemCtx, "other authority", []vigil.Scope{vigil.ScopeOrdersSubmit})
	if err != nil {
		t.Fatal(err)
	}
	post := request{method: "POST", path: "/v1/orders", body: orderBody(t, "DE-S1"), key: authority,
		header: http.Header{IdempotencyKeyHeader: {"s-1"}}}
	resp, body := f.do(t, post)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("file: %d %s", resp.StatusCode, body)
	}
	var mine orderJSON
	decode(t, body, &mine)
	if resp, body := f.do(t, post); resp.StatusCode != http.StatusOK || !strings.Contains(body, mine.ID) {
		t.Fatalf("retry: %d %s, want 200 with %s", resp.StatusCode, body, mine.ID)
	}
	resp, body = f.do(t, request{method: "POST", path: "/v1/orders", body: orderBody(t, "DE-S2"), key: other})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("file as the other authority: %d %s", resp.StatusCode, body)
	}
	var theirs orderJSON
	decode(t, body, &theirs)
	if resp, body := f.do(t, request{method: "POST", path: "/v1/orders/" + mine.ID + "/execute",
		body: `{"measure": "removed"}`, key: f.key}); resp.StatusCode != http.StatusOK {
		t.Fatalf("execute as the legal team: %d %s", resp.StatusCode, body)
	}

	cases := []struct {
		name   string
		req    request
		status int
		want   string // in the body
	}{
		{"read own order", request{method: "GET", path: "/v1/orders/" + mine.ID}, http.StatusOK, `"status":"executed"`},
		{"read own confirmation", request{method: "GET", path: "/v1/orders/" + mine.ID + "/confirmation"}, http.StatusOK, `"signature"`},
		{"read another key's order", request{method: "GET", path: "/v1/orders/" + theirs.ID}, http.StatusNotFound, "no order " + theirs.ID},
		{"read another key's confirmation", request{method: "GET", path: "/v1/orders/" + theirs.ID + "/confirmation"},
			http.StatusNotFound, "no order " + theirs.ID},
		{"read a missing order", request{method: "GET", path: "/v1/orders/ord_nope"}, http.StatusNotFound, "no order ord_nope"},
		{"list", request{method: "GET", path: "/v1/orders"}, http.StatusForbidden, ""},
		{"execute", request{method: "POST", path: "/v1/orders/" + mine.ID + "/execute", body: `{"measure": "removed"}`},
			http.StatusForbidden, ""},
		{"cannot execute", request{method: "POST", path: "/v1/orders/" + mine.ID + "/cannot-execute",
			body: `{"reason": "technical", "text": "x"}`}, http.StatusForbidden, ""},
		{"resume", request{method: "POST", path: "/v1/orders/" + mine.ID + "/resume", body: `{}`}, http.StatusForbidden, ""},
		{"URL list", request{method: "GET", path: "/v1/orders/" + mine.ID + "/urls?reference=DE-S1"}, http.StatusForbidden, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.req.key = authority
			resp, body := f.do(t, c.req)
			if resp.StatusCode != c.status || !strings.Contains(body, c.want) {
				t.Fatalf("%d %s, want %d with %q", resp.StatusCode, body, c.status, c.want)
			}
		})
	}

	t.Run("legal team reads every order", func(t *testing.T) {
		for _, id := range []string{mine.ID, theirs.ID} {
			if resp, body := f.do(t, request{method: "GET", path: "/v1/orders/" + id, key: f.key}); resp.StatusCode != http.StatusOK {
				t.Fatalf("order %s: %d %s", id, resp.StatusCode, body)
			}
		}
	})
}
