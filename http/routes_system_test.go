package http

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/fakeclock"
)

func TestSystemRoutes(t *testing.T) {
	f := newPlatform(t)
	// In order: the metrics cases count the healthz request before them.
	for _, tc := range []struct {
		name, path, contains string
		status               int
	}{
		{"healthz", "/healthz", `"status":"ok"`, http.StatusOK},
		{"readyz", "/readyz", `"status":"ok"`, http.StatusOK},
		{"metrics by route pattern", "/metrics", `vigil_http_requests_total{code="200",method="GET",route="/healthz"} 1`, http.StatusOK},
		{"latency histogram", "/metrics", `vigil_http_request_duration_seconds_bucket{method="GET",route="/healthz"`, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := f.do(t, request{method: "GET", path: tc.path})
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.contains) {
				t.Fatalf("%d %.300s, want %d with %s", resp.StatusCode, body, tc.status, tc.contains)
			}
		})
	}
}

func TestReadyzFailsWhenNotReady(t *testing.T) {
	var logged bytes.Buffer
	detail := "open /srv/vigil-data/vigil.db: disk I/O error"
	srv := &Server{Logger: slog.New(slog.NewJSONHandler(&logged, nil)),
		Ready: func(context.Context) error { return errors.New(detail) }}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), `"unavailable"`) {
		t.Fatalf("%d %s, want 503 unavailable", rec.Code, rec.Body)
	}
	if strings.Contains(rec.Body.String(), "vigil.db") || strings.Contains(rec.Body.String(), "I/O") {
		t.Fatalf("an anonymous caller was shown the database error: %s", rec.Body)
	}
	if !strings.Contains(logged.String(), detail) {
		t.Fatalf("the log does not give the reason: %s", logged.String())
	}
}

func TestLimiter(t *testing.T) {
	clock := fakeclock.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	l := newLimiter(clock)
	for _, tc := range []struct {
		name    string
		advance time.Duration
		ok      bool
	}{
		{"first of burst", 0, true},
		{"second of burst", 0, true},
		{"burst spent", 0, false},
		{"half a token later", 250 * time.Millisecond, false},
		{"one token later", 250 * time.Millisecond, true},
		{"spent again", 0, false},
		{"idle refills to the burst only", time.Hour, true},
		{"second after idle", 0, true},
		{"third after idle", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock.Advance(tc.advance)
			if ok, _ := l.allow("k", 2, 2); ok != tc.ok {
				t.Fatalf("allow %v, want %v", ok, tc.ok)
			}
		})
	}
	if ok, _ := l.allow("other", 2, 2); !ok {
		t.Fatal("keys share a bucket")
	}
}

func TestMatchLimitedPerKey(t *testing.T) {
	f := newPlatform(t)
	secret, k, err := f.users.CreateKey(systemCtx, "slow", []vigil.Scope{vigil.ScopeMatch})
	if err != nil {
		t.Fatal(err)
	}
	f.users.SetKeyMatchRate(systemCtx, k.ID, 2)
	h := f.srv.MatchLimited(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	var codes []int
	for range 3 {
		ctx, key, err := f.actorOf(secret)
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		h(rec, httptest.NewRequest("GET", "/v1/match", nil).WithContext(context.WithValue(ctx, apiKeyKey{}, key)))
		codes = append(codes, rec.Code)
		if rec.Code == http.StatusTooManyRequests && rec.Header().Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
	if codes[0] != 204 || codes[1] != 204 || codes[2] != 429 {
		t.Fatalf("codes %v, want 204 204 429 at 2 lookups/s", codes)
	}
}

// actorOf returns a context acting as the key with secret, and the key.
func (f *platform) actorOf(secret string) (context.Context, vigil.APIKey, error) {
	a, k, err := f.users.KeyActor(context.Background(), secret)
	return vigil.WithActor(context.Background(), a), k, err
}
