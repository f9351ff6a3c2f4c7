package http

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/orders"
	"github.com/vigilproject/vigil/sqlite"
)

// orderPlatform is the platform fixture with the order service, its worker, and an authority's
// key holding only the orders scope.
type orderPlatform struct {
	*platform
	worker *orders.Worker
	key    string
}

func newOrderPlatform(t *testing.T) *orderPlatform {
	t.Helper()
	f := newPlatform(t)
	store := sqlite.NewOrderStore(f.db)
	f.srv.Orders = store
	return &orderPlatform{platform: f, worker: &orders.Worker{Store: store, Clock: f.clock}, key: f.key(t, vigil.ScopeOrders)}
}

// orderBody is a complete removal order, issued an hour before the fixture's clock.
func orderBody(t *testing.T, reference string) string {
	t.Helper()
	d := exampleOrderDocument
	d.Reference, d.IssuedAt = reference, "2026-11-27T12:00:00+01:00"
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// decode reads a JSON answer into v.
func decode(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("%v in %s", err, body)
	}
}

// TestOrdersAPILifecycle drives a removal order through the API: receipt with an idempotency key
// (RO-01), the clock (RO-03), an Annex V pause and resume (RO-05), execution and the signed
// Annex VI confirmation (RO-06).
func TestOrdersAPILifecycle(t *testing.T) {
	f := newOrderPlatform(t)
	idem := http.Header{IdempotencyKeyHeader: {"k-1"}}
	post := request{method: "POST", path: "/v1/orders", body: orderBody(t, "DE-1"), key: f.key, header: idem}
	resp, body := f.do(t, post)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("receive: %d %s", resp.StatusCode, body)
	}
	var o orderJSON
	decode(t, body, &o)
	if o.Status != vigil.OrderExecuting || o.Deadline != "2026-11-28T12:00:00.000Z" || o.RemainingSeconds == nil ||
		*o.RemainingSeconds != 86400 || o.Sender.Kind != vigil.ActorKey || o.Document.Reference != "DE-1" {
		t.Fatalf("received %s", body)
	}
	if resp, body := f.do(t, post); resp.StatusCode != http.StatusOK || !strings.Contains(body, o.ID) {
		t.Fatalf("retry: %d %s, want 200 with %s", resp.StatusCode, body, o.ID)
	}

	steps := []struct {
		name, path, body string
		advance          time.Duration
		status           vigil.OrderStatus
		deadline         string
	}{
		{"pause", "/cannot-execute", `{"reason": "technical", "text": "cluster down"}`, 2 * time.Hour, vigil.OrderPaused, "2026-11-28T12:00:00.000Z"},
		{"resume", "/resume", `{"text": "cluster back"}`, 3 * time.Hour, vigil.OrderExecuting, "2026-11-28T15:00:00.000Z"},
		{"execute", "/execute", `{"measure": "removed"}`, time.Hour, vigil.OrderExecuted, "2026-11-28T15:00:00.000Z"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			f.clock.Advance(s.advance)
			resp, body := f.do(t, request{method: "POST", path: "/v1/orders/" + o.ID + s.path, body: s.body, key: f.key})
			var got orderJSON
			decode(t, body, &got)
			if resp.StatusCode != http.StatusOK || got.Status != s.status || got.Deadline != s.deadline {
				t.Fatalf("%d status %s deadline %s, want %s %s: %s", resp.StatusCode, got.Status, got.Deadline, s.status, s.deadline, body)
			}
		})
	}

	resp, body = f.do(t, request{method: "GET", path: "/v1/orders/" + o.ID + "/confirmation", key: f.key})
	var c confirmationResponse
	decode(t, body, &c)
	seed, err := f.db.Secret(context.Background(), sqlite.SigningSeedName, 32)
	if err != nil {
		t.Fatal(err)
	}
	pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	if resp.StatusCode != http.StatusOK || orders.VerifyConfirmation(pub, c.Confirmation, c.Signature) != nil {
		t.Fatalf("confirmation: %d %s", resp.StatusCode, body)
	}
}

func TestOrdersAPIRefusals(t *testing.T) {
	f := newOrderPlatform(t)
	resp, body := f.do(t, request{method: "POST", path: "/v1/orders", body: orderBody(t, "DE-2"), key: f.key})
	var o orderJSON
	decode(t, body, &o)
	cases := []struct {
		name   string
		req    request
		status int
		field  string
	}{
		{"missing reference", request{method: "POST", path: "/v1/orders", body: strings.Replace(orderBody(t, "X"), `"reference":"X"`, `"reference":""`, 1)},
			http.StatusBadRequest, "reference"},
		{"unknown field", request{method: "POST", path: "/v1/orders", body: `{"kind": "removal", "urgency": 1}`}, http.StatusBadRequest, ""},
		{"long idempotency key", request{method: "POST", path: "/v1/orders", body: orderBody(t, "Y"),
			header: http.Header{IdempotencyKeyHeader: {strings.Repeat("k", 201)}}}, http.StatusBadRequest, IdempotencyKeyHeader},
		{"unknown reason", request{method: "POST", path: "/v1/orders/" + o.ID + "/cannot-execute", body: `{"reason": "busy", "text": "x"}`},
			http.StatusBadRequest, "reason"},
		{"resume a running order", request{method: "POST", path: "/v1/orders/" + o.ID + "/resume", body: `{}`}, http.StatusConflict, ""},
		{"no confirmation yet", request{method: "GET", path: "/v1/orders/" + o.ID + "/confirmation"}, http.StatusNotFound, ""},
		{"no such order", request{method: "GET", path: "/v1/orders/ord_nope"}, http.StatusNotFound, ""},
		{"bad kind filter", request{method: "GET", path: "/v1/orders?kind=detection"}, http.StatusBadRequest, "kind"},
		{"bad limit", request{method: "GET", path: "/v1/orders?limit=0"}, http.StatusBadRequest, "limit"},
		{"URL list of a removal order", request{method: "GET", path: "/v1/orders/" + o.ID + "/urls?reference=DE-2"}, http.StatusNotFound, ""},
	}
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("receive: %d %s", resp.StatusCode, body)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.req.key = f.key
			resp, body := f.do(t, c.req)
			var e errorBody
			decode(t, body, &e)
			if resp.StatusCode != c.status || e.Error.Field != c.field {
				t.Fatalf("%d field %q (%s), want %d field %q", resp.StatusCode, e.Error.Field, body, c.status, c.field)
			}
		})
	}
}

// TestBlockingURLListOverAPI: an access provider gets the URL list only with the order's
// reference and only until the end date (BL-08).
func TestBlockingURLListOverAPI(t *testing.T) {
	f := newOrderPlatform(t)
	d := exampleOrderDocument
	d.Kind, d.Reference, d.IssuedAt, d.NonDisclosure, d.NonDisclosureDays = vigil.OrderBlocking, "FR-BLK-9", "2026-11-27T11:00:00Z", false, 0
	d.Items = []orders.Item{{URL: "https://bad.example/x"}}
	d.URLList = &orders.URLList{Reference: "EUC-L", Version: "7", Start: "2026-11-27T00:00:00Z", End: "2026-12-27T00:00:00Z"}
	b, _ := json.Marshal(d)
	resp, body := f.do(t, request{method: "POST", path: "/v1/orders", body: string(b), key: f.key})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("receive: %d %s", resp.StatusCode, body)
	}
	var o orderJSON
	decode(t, body, &o)
	steps := []struct {
		name      string
		at        time.Time
		reference string
		status    int
	}{
		{"running", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), "FR-BLK-9", http.StatusOK},
		{"wrong reference", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), "FR-BLK-8", http.StatusForbidden},
		{"after the end", time.Date(2026, 12, 27, 0, 0, 0, 0, time.UTC), "FR-BLK-9", http.StatusForbidden},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			f.clock.Set(s.at)
			if err := f.worker.Tick(context.Background()); err != nil {
				t.Fatal(err)
			}
			resp, body := f.do(t, request{method: "GET", path: "/v1/orders/" + o.ID + "/urls?reference=" + url.QueryEscape(s.reference), key: f.key})
			if resp.StatusCode != s.status {
				t.Fatalf("%d %s, want %d", resp.StatusCode, body, s.status)
			}
			if s.status == http.StatusOK && !strings.Contains(body, `"urls":["https://bad.example/x"]`) {
				t.Errorf("list %s", body)
			}
		})
	}
}

// TestOrderBanner: every page shows the banner to people who handle orders once an order is
// within 4 hours of its deadline, and when it is overdue; never to others or before sign-in
// (RO-03).
func TestOrderBanner(t *testing.T) {
	f := newOrderPlatform(t)
	resp, body := f.do(t, request{method: "POST", path: "/v1/orders", body: orderBody(t, "DE-3"), key: f.key})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("receive: %d %s", resp.StatusCode, body)
	}
	steps := []struct {
		name    string
		advance time.Duration
		role    vigil.Role // "": not signed in
		path    string
		want    string // "" for no banner
	}{
		{"early", 19 * time.Hour, vigil.RoleLegal, "/", ""},
		{"T-4h on the dashboard", time.Hour, vigil.RoleLegal, "/", "1 authority order due within 4 hours. The next is due in 4h 00m."},
		{"T-4h on the orders page", 0, vigil.RoleLegal, "/orders", "1 authority order due within 4 hours."},
		{"T-4h for a reviewer", 0, vigil.RoleReviewer, "/queue", ""},
		{"T-4h before sign-in", 0, "", "/login", ""},
		{"overdue", 5 * time.Hour, vigil.RoleAdmin, "/", "1 authority order past the 24-hour deadline. The oldest is overdue by 1h 00m."},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			f.clock.Advance(s.advance)
			cookie := ""
			if s.role != "" {
				cookie, _ = f.session(t, s.role)
			}
			resp, body := f.do(t, request{method: "GET", path: s.path, cookie: cookie})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d", s.path, resp.StatusCode)
			}
			has := strings.Contains(body, `id="order-banner"`)
			if has != (s.want != "") || !strings.Contains(body, s.want) {
				t.Fatalf("banner %v, want %q in\n%s", has, s.want, body)
			}
		})
	}
}

// TestOrderPages: the queue, the Annex IV form (one order however often it is posted) and the
// order's page with its Annex V form.
func TestOrderPages(t *testing.T) {
	f := newOrderPlatform(t)
	legal, csrf := f.session(t, vigil.RoleLegal)
	resp, body := f.do(t, request{method: "GET", path: "/orders/new", cookie: legal})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `name="idempotency_key"`) {
		t.Fatalf("form: %d", resp.StatusCode)
	}
	form := url.Values{"kind": {"removal"}, "reference": {"CZ-77"}, "issued_at": {"2026-11-27T10:00:00Z"},
		"issuing_name": {"Policie CR"}, "issuing_country": {"CZ"}, "provider": {"Example"}, "service": {"photos"},
		"items":            {"https://photos.example/p/1 cnt_01JDQ3Z6V8X8N5W2K4T7R9M3P3 album 7\n\nhttps://photos.example/p/2\n"},
		"csam_definitions": {"art2c_i"}, "reasons": {"Known material."}, "redress_court": {"Městský soud"},
		"redress_time_limits": {"30 days"}, "signature": {"sig"}, "idempotency_key": {"form-1"}}
	post := request{method: "POST", path: "/orders", body: form.Encode(), contentType: "application/x-www-form-urlencoded",
		cookie: legal, csrf: csrf}
	first, _ := f.do(t, post)
	again, _ := f.do(t, post)
	loc := first.Header.Get("Location")
	if first.StatusCode != http.StatusSeeOther || loc != again.Header.Get("Location") || !strings.HasPrefix(loc, "/orders/ord_") {
		t.Fatalf("post form: %d to %q, again to %q", first.StatusCode, loc, again.Header.Get("Location"))
	}
	resp, body = f.do(t, request{method: "GET", path: strings.TrimSuffix(loc, "?done=created"), cookie: legal})
	for _, want := range []string{"CZ-77", "cnt_01JDQ3Z6V8X8N5W2K4T7R9M3P3", "album 7", "https://photos.example/p/2", `id="cannot-execute"`, "act_"} {
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, want) {
			t.Fatalf("order page %d lacks %q", resp.StatusCode, want)
		}
	}
	resp, body = f.do(t, request{method: "GET", path: "/orders", cookie: legal})
	if resp.StatusCode != http.StatusOK || strings.Count(body, "CZ-77") != 1 {
		t.Fatalf("orders page: %d, %d rows of CZ-77", resp.StatusCode, strings.Count(body, "CZ-77"))
	}
	bad := maps.Clone(form)
	bad.Set("idempotency_key", "form-2")
	bad.Set("issuing_country", "Czechia")
	if resp, body := f.do(t, request{method: "POST", path: "/orders", body: bad.Encode(),
		contentType: "application/x-www-form-urlencoded", cookie: legal, csrf: csrf}); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(body, "issuing_authority.country") {
		t.Fatalf("bad form: %d", resp.StatusCode)
	}
}
