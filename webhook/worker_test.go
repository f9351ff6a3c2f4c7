package webhook_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/fakeclock"
	"github.com/vigilproject/vigil/sqlite"
	"github.com/vigilproject/vigil/webhook"
)

const secret = "whsec_receiver-test-secret"

var admin = vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorUser, Name: "admin", Scopes: vigil.Scopes})

// received is one request as the receiver saw it.
type received struct {
	header http.Header
	body   []byte
}

// receiver is a webhook endpoint on 127.0.0.1 that answers with the programmed statuses in turn
// (the last one repeating) and keeps what it received.
type receiver struct {
	mu       sync.Mutex
	statuses []int
	got      []received
	arrived  chan struct{}
	url      string
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	rc := &receiver{statuses: statuses, arrived: make(chan struct{}, 100)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, received{r.Header.Clone(), body})
		status := rc.statuses[min(len(rc.got), len(rc.statuses))-1]
		rc.mu.Unlock()
		if status == http.StatusFound {
			w.Header().Set("Location", "/elsewhere")
		}
		w.WriteHeader(status)
		io.WriteString(w, "receiver says\x00 hello\n")
		rc.arrived <- struct{}{}
	}))
	t.Cleanup(srv.Close)
	rc.url = srv.URL + "/hook"
	return rc
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// setup opens a database at path with one webhook to rc for content.matched and one event
// enqueued, and returns the database and the webhook.
func setup(t *testing.T, path string, clock *fakeclock.Clock, rc *receiver) (*sqlite.DB, vigil.Webhook) {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path, clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	hook, err := db.CreateWebhook(admin, rc.url, secret, []string{vigil.EventContentMatched})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(admin, func(tx *sqlite.Tx) error {
		return tx.Enqueue(vigil.EventContentMatched, map[string]string{"content_id": "cnt_1"})
	})
	if err != nil {
		t.Fatal(err)
	}
	return db, hook
}

func newClock() *fakeclock.Clock {
	return fakeclock.New(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
}

func dbPath(t *testing.T) string { return filepath.Join(t.TempDir(), "vigil.db") }

func onlyDelivery(t *testing.T, db *sqlite.DB) vigil.Delivery {
	t.Helper()
	ds, err := db.Deliveries(admin, vigil.DeliveryFilter{})
	if err != nil || len(ds) != 1 {
		t.Fatalf("deliveries: %+v, %v; want one", ds, err)
	}
	return ds[0]
}

func runOnce(t *testing.T, w *webhook.Worker, want int) {
	t.Helper()
	if n, err := w.RunOnce(context.Background()); err != nil || n != want {
		t.Fatalf("RunOnce made %d attempts, %v; want %d", n, err, want)
	}
}

func TestDeliveryIsSignedAndRecorded(t *testing.T) {
	clock, rc := newClock(), newReceiver(t, http.StatusNoContent)
	db, hook := setup(t, dbPath(t), clock, rc)
	runOnce(t, webhook.New(db, clock, webhook.Options{}), 1)

	d := onlyDelivery(t, db)
	if d.Status != vigil.DeliveryDelivered || d.Attempts != 1 || d.WebhookID != hook.ID {
		t.Fatalf("delivery after a 204: %+v", d)
	}
	got := rc.requests()[0]
	for _, tc := range []struct{ header, want string }{
		{"Content-Type", "application/json"},
		{"Vigil-Event", vigil.EventContentMatched},
		{"Vigil-Delivery", d.ID},
	} {
		if v := got.header.Get(tc.header); v != tc.want {
			t.Errorf("%s: %q, want %q", tc.header, v, tc.want)
		}
	}
	if string(got.body) != string(d.Payload) {
		t.Errorf("body %s, want the stored payload %s", got.body, d.Payload)
	}
	if err := webhook.Verify(secret, got.header.Get(webhook.SignatureHeader), got.body, clock.Now(), 0); err != nil {
		t.Errorf("receiver's verification: %v", err)
	}
}

func TestFailedAttemptsBackOffThenGiveUp(t *testing.T) {
	for _, tc := range []struct {
		name     string
		statuses []int
		status   vigil.DeliveryStatus
		attempts int
		lastErr  string
	}{
		{"receiver down", []int{503}, vigil.DeliveryFailed, 3, "HTTP 503: receiver says  hello"},
		{"redirect not followed", []int{302}, vigil.DeliveryFailed, 3, "HTTP 302"},
		{"receiver recovers", []int{500, 500, 200}, vigil.DeliveryDelivered, 3, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock, rc := newClock(), newReceiver(t, tc.statuses...)
			db, _ := setup(t, dbPath(t), clock, rc)
			w := webhook.New(db, clock, webhook.Options{MaxAttempts: 3, MinBackoff: 10 * time.Second, MaxBackoff: 15 * time.Second})
			for attempt := 1; attempt <= tc.attempts; attempt++ {
				runOnce(t, w, 1)
				runOnce(t, w, 0) // not due again before its backoff
				d := onlyDelivery(t, db)
				if attempt == tc.attempts {
					break
				}
				wait := d.NextTry.Sub(clock.Now())
				limit := min(10*time.Second<<(attempt-1), 15*time.Second)
				if d.Status != vigil.DeliveryPending || wait < limit/2 || wait > limit {
					t.Fatalf("after attempt %d: %s, retry in %s; want pending, retry in [%s, %s]",
						attempt, d.Status, wait, limit/2, limit)
				}
				clock.Advance(wait)
			}
			d := onlyDelivery(t, db)
			if d.Status != tc.status || d.Attempts != tc.attempts || !strings.HasPrefix(d.LastError, tc.lastErr) {
				t.Fatalf("finally %s after %d attempts, last error %q; want %s after %d, %q",
					d.Status, d.Attempts, d.LastError, tc.status, tc.attempts, tc.lastErr)
			}
			for i, r := range rc.requests() {
				if r.header.Get("Vigil-Delivery") != d.ID {
					t.Errorf("attempt %d: Vigil-Delivery %q, want the same id %q on every attempt", i+1, r.header.Get("Vigil-Delivery"), d.ID)
				}
			}
		})
	}
}

func TestAttemptTimesOut(t *testing.T) {
	clock := newClock()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body) // the server notices the client hang up only once the body is read
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	defer slow.Close()
	db, _ := setup(t, dbPath(t), clock, &receiver{url: slow.URL})
	runOnce(t, webhook.New(db, clock, webhook.Options{Timeout: 50 * time.Millisecond}), 1)
	if d := onlyDelivery(t, db); d.Status != vigil.DeliveryPending || !strings.Contains(d.LastError, "deadline exceeded") {
		t.Fatalf("after a timeout: %s, %q; want pending with a deadline error", d.Status, d.LastError)
	}
}

func TestRestartResumesAnInterruptedAttempt(t *testing.T) {
	clock, rc, path := newClock(), newReceiver(t, 200), dbPath(t)
	db, _ := setup(t, path, clock, rc)
	// A worker claims the delivery and dies before recording anything.
	if ds, err := db.ClaimDeliveries(admin, 10, 40*time.Second); err != nil || len(ds) != 1 {
		t.Fatalf("claim: %d, %v", len(ds), err)
	}
	db.Close()

	db, err := sqlite.Open(context.Background(), path, clock)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	w := webhook.New(db, clock, webhook.Options{Timeout: 10 * time.Second})
	runOnce(t, w, 0) // still leased to the dead worker
	clock.Advance(40 * time.Second)
	runOnce(t, w, 1)
	if d := onlyDelivery(t, db); d.Status != vigil.DeliveryDelivered || d.Attempts != 2 || len(rc.requests()) != 1 {
		t.Fatalf("after restart: %+v, receiver saw %d; want delivered on attempt 2, received once", d, len(rc.requests()))
	}
}

func TestRunSendsOnNotifyAndStops(t *testing.T) {
	clock, rc := newClock(), newReceiver(t, 200)
	db, _ := setup(t, dbPath(t), clock, rc)
	w := webhook.New(db, clock, webhook.Options{Poll: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { w.Run(ctx); close(stopped) }()

	<-rc.arrived // the event enqueued before Run started
	err := db.Update(admin, func(tx *sqlite.Tx) error { return tx.Enqueue(vigil.EventContentMatched, 2) })
	if err != nil {
		t.Fatal(err)
	}
	w.Notify()
	select {
	case <-rc.arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("Notify did not wake Run within 10 s")
	}
	cancel()
	<-stopped
	if n := len(rc.requests()); n != 2 {
		t.Fatalf("receiver saw %d requests, want 2", n)
	}
}

func TestMetrics(t *testing.T) {
	clock, rc := newClock(), newReceiver(t, 503, 200)
	db, _ := setup(t, dbPath(t), clock, rc)
	w := webhook.New(db, clock, webhook.Options{})
	reg := prometheus.NewRegistry()
	if err := reg.Register(w.Metrics()); err != nil {
		t.Fatal(err)
	}
	want := func(name, label string, value float64) {
		t.Helper()
		families, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range families {
			for _, m := range f.GetMetric() {
				if f.GetName() != name || (label != "" && m.GetLabel()[0].GetValue() != label) {
					continue
				}
				if got := m.GetCounter().GetValue() + m.GetGauge().GetValue(); got != value {
					t.Fatalf("%s{%s} = %v, want %v", name, label, got, value)
				}
				return
			}
		}
		t.Fatalf("%s{%s} not gathered", name, label)
	}
	want("vigil_webhook_pending_deliveries", "", 1)
	runOnce(t, w, 1)
	want("vigil_webhook_attempts_total", "retry", 1)
	want("vigil_webhook_pending_deliveries", "", 1)
	clock.Advance(time.Hour)
	runOnce(t, w, 1)
	want("vigil_webhook_attempts_total", "delivered", 1)
	want("vigil_webhook_pending_deliveries", "", 0)
}
