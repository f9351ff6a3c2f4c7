// Package webhook delivers Vigil's events to the platforms' webhooks from the outbox.
//
// A change that raises an event writes one delivery per subscribed webhook in its own database
// transaction (sqlite's Tx.Enqueue). The Worker claims due deliveries, POSTs each body as JSON
// with the headers Vigil-Event (the event name), Vigil-Delivery (the delivery id: the same on
// every retry, so receivers can drop repeats) and Vigil-Signature (see Sign), and records the
// outcome: a 2xx answer delivers it; anything else is retried with exponential backoff and
// jitter, and after the last attempt the delivery is marked failed. Delivery is at least once:
// a worker that stops mid-attempt leaves the delivery to be retried after its lease.
//
// The body is {"id": event id, "event": name, "created_at": RFC 3339 time, "data": {...}}.
// Receivers check it with Verify before acting on it.
package webhook

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vigilproject/vigil"
)

// Store is the outbox the worker drains; *sqlite.DB implements it.
type Store interface {
	// ClaimDeliveries takes up to limit due deliveries for one attempt each, hiding them from
	// other claims for lease.
	ClaimDeliveries(ctx context.Context, limit int, lease time.Duration) ([]vigil.Dispatch, error)
	DeliverySucceeded(ctx context.Context, id string) error
	// DeliveryFailed records a failed attempt: retry at retry, or give up when it is zero.
	DeliveryFailed(ctx context.Context, id, reason string, retry time.Time) error
	// PendingDeliveries counts the deliveries not yet delivered nor given up.
	PendingDeliveries(ctx context.Context) (int, error)
}

// Options tune a Worker; zero fields take the defaults in brackets.
type Options struct {
	MaxAttempts int           // attempts before a delivery fails [12]
	MinBackoff  time.Duration // wait after the first failure, doubled after each [10s]
	MaxBackoff  time.Duration // longest wait between attempts [1h]
	Timeout     time.Duration // one attempt, connection to answer [10s]
	Concurrency int           // attempts in flight at once [4]
	Poll        time.Duration // how often an idle Run looks for due deliveries [1s]
	Client      *http.Client  // nil: a client that follows no redirects
	Logger      *slog.Logger  // nil: discard
}

// Worker sends the outbox's deliveries. It is safe to run several against one store.
type Worker struct {
	store Store
	clock vigil.Clock
	opt   Options
	wake  chan struct{}
	stats *metrics
	// jitter returns a random duration in [0, d); a variable so tests can pin it.
	jitter func(d time.Duration) time.Duration
}

// New returns a worker draining store, reading time from clock.
func New(store Store, clock vigil.Clock, opt Options) *Worker {
	opt.MaxAttempts = orDefault(opt.MaxAttempts, 12)
	opt.MinBackoff = orDefault(opt.MinBackoff, 10*time.Second)
	opt.MaxBackoff = orDefault(opt.MaxBackoff, time.Hour)
	opt.Timeout = orDefault(opt.Timeout, 10*time.Second)
	opt.Concurrency = orDefault(opt.Concurrency, 4)
	opt.Poll = orDefault(opt.Poll, time.Second)
	if opt.Client == nil {
		opt.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // a webhook that moved must be updated, not followed
		}}
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	return &Worker{store: store, clock: clock, opt: opt, wake: make(chan struct{}, 1), stats: newMetrics(store),
		jitter: func(d time.Duration) time.Duration { return rand.N(d) }}
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Metrics returns the worker's Prometheus metrics, to register with the server's registry: its
// attempts by outcome and the outbox depth.
func (w *Worker) Metrics() prometheus.Collector { return w.stats }

// Notify wakes a waiting Run: call it after committing a transaction that enqueued events, so
// they go out without waiting for the next poll.
func (w *Worker) Notify() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run sends due deliveries until ctx ends, then lets attempts in flight finish and returns.
func (w *Worker) Run(ctx context.Context) {
	poll := time.NewTicker(w.opt.Poll)
	defer poll.Stop()
	for {
		if _, err := w.RunOnce(ctx); err != nil && ctx.Err() == nil {
			w.opt.Logger.Error("webhook deliveries", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-poll.C:
		}
	}
}

// RunOnce makes one attempt at every delivery due now and returns how many it made. Attempts
// already started finish even when ctx ends, so a shutdown does not waste them.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	lease := w.opt.Timeout + 30*time.Second
	attempts := 0
	for ctx.Err() == nil {
		batch, err := w.store.ClaimDeliveries(ctx, 4*w.opt.Concurrency, lease)
		if err != nil || len(batch) == 0 {
			return attempts, err
		}
		w.attemptAll(context.WithoutCancel(ctx), batch)
		attempts += len(batch)
	}
	return attempts, nil
}

// attemptAll sends batch with at most Concurrency attempts at once.
func (w *Worker) attemptAll(ctx context.Context, batch []vigil.Dispatch) {
	slots := make(chan struct{}, w.opt.Concurrency)
	var wg sync.WaitGroup
	for _, d := range batch {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			w.attempt(ctx, d)
		})
	}
	wg.Wait()
}

// attempt sends d once and records the outcome. A store error is only logged: the delivery's
// lease then runs out and it is tried again, which the receiver's deduplication absorbs.
func (w *Worker) attempt(ctx context.Context, d vigil.Dispatch) {
	var err error
	outcome := "delivered"
	if sendErr := w.send(ctx, d); sendErr == nil {
		err = w.store.DeliverySucceeded(ctx, d.ID)
	} else {
		var retry time.Time
		outcome = "failed"
		if d.Attempts < w.opt.MaxAttempts {
			retry, outcome = w.clock.Now().Add(w.backoff(d.Attempts)), "retry"
		}
		err = w.store.DeliveryFailed(ctx, d.ID, sendErr.Error(), retry)
	}
	w.stats.attempts.WithLabelValues(outcome).Inc()
	if err != nil {
		w.opt.Logger.Error("webhook delivery outcome", "delivery", d.ID, "err", err)
	}
}

// backoff is the wait after the attempts-th failed attempt: MinBackoff doubled per earlier
// failure, at most MaxBackoff, of which a random half is taken off so that deliveries that failed
// together (a receiver down) do not all come back at the same moment.
func (w *Worker) backoff(attempts int) time.Duration {
	d := w.opt.MinBackoff
	for i := 1; i < attempts && d < w.opt.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, w.opt.MaxBackoff)
	return d - w.jitter(d/2+1)
}

// send POSTs d's body, signed now, and returns nil when the receiver answers 2xx.
func (w *Worker) send(ctx context.Context, d vigil.Dispatch) error {
	ctx, cancel := context.WithTimeout(ctx, w.opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(d.Payload))
	if err != nil {
		return fmt.Errorf("request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Vigil-Webhook/1")
	req.Header.Set("Vigil-Event", d.Event)
	req.Header.Set("Vigil-Delivery", d.ID)
	req.Header.Set(SignatureHeader, Sign(d.Secret, w.clock.Now(), d.Payload))
	resp, err := w.opt.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	return fmt.Errorf("HTTP %d: %s", resp.StatusCode, printable(head))
}

// printable keeps the start of a receiver's answer fit for a log line and the UI.
func printable(b []byte) string {
	s := strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return ' '
	}, strings.ToValidUTF8(string(b), "?"))
	return strings.TrimSpace(s)
}
