package pipeline

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/sqlite"
	"github.com/vigilproject/vigil/urlfetch"
)

// serviceAdmin changes service settings: a running pipeline, or the store before one starts.
type serviceAdmin interface {
	SaveService(ctx context.Context, s vigil.Service) (vigil.Service, error)
	DeleteService(ctx context.Context, name string) error
}

// TestGateAgainBeforeScanning checks that an item accepted at intake is scanned only if the gate
// still allows it when a worker is about to scan it: after it waited in the queue, or in the
// database across a restart, while its legal basis ended or its service was switched off or
// removed. A refused URL is not even fetched, and nothing of a refused item is kept.
func TestGateAgainBeforeScanning(t *testing.T) {
	lastDay := time.Date(2026, 4, 3, 23, 59, 59, 0, time.UTC) // the last second under Regulation 2021/1232
	chat := vigil.Service{Name: "chat", Type: vigil.ServiceInterpersonal, Jurisdiction: "DE", Enabled: true}
	photos := vigil.Service{Name: "photos", Type: vigil.ServiceHosting, Jurisdiction: "US", Enabled: true}
	nextDay := func(e *env, _ serviceAdmin) error { e.clock.Set(lastDay.Add(time.Second)); return nil }
	switchOff := func(_ *env, a serviceAdmin) error {
		off := photos
		off.Enabled = false
		_, err := a.SaveService(admin, off)
		return err
	}
	remove := func(_ *env, a serviceAdmin) error { return a.DeleteService(admin, "photos") }
	nothing := func(*env, serviceAdmin) error { return nil }
	tests := []struct {
		name    string
		service vigil.Service
		url     bool
		resumed bool
		change  func(*env, serviceAdmin) error // between intake and scan
		status  vigil.VerdictStatus
		reason  string
	}{
		{"basis ends while queued", chat, false, false, nextDay, vigil.VerdictNotScanned, "no legal basis"},
		{"service switched off while queued", photos, false, false, switchOff, vigil.VerdictNotScanned, "switched off"},
		{"service removed while queued", photos, false, false, remove, vigil.VerdictNotScanned, "no longer configured"},
		{"still allowed when queued", chat, false, false, nothing, vigil.VerdictNoMatch, ""},
		{"basis ended before the restart", chat, false, true, nextDay, vigil.VerdictNotScanned, "no legal basis"},
		{"URL after the basis ended", chat, true, true, nextDay, vigil.VerdictNotScanned, "no legal basis"},
		{"service switched off before the restart", photos, false, true, switchOff, vigil.VerdictNotScanned, "switched off"},
		{"still allowed after the restart", chat, false, true, nothing, vigil.VerdictNoMatch, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fetched atomic.Int32
			files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				fetched.Add(1)
				w.Write([]byte("fetched-bytes"))
			}))
			defer files.Close()
			e := newEnv(t)
			e.clock.Set(lastDay)
			sub := vigil.Submission{Service: tt.service.Name, Bytes: []byte("item-bytes")}
			if tt.url {
				sub = vigil.Submission{Service: tt.service.Name, URL: files.URL + "/a.jpg"}
			}
			spy := newHashSpy()
			cfg := Config{Hash: spy.hash, Workers: 1, Fetcher: urlfetch.New(urlfetch.Fetcher{AllowLoopback: true})}
			var p *Pipeline
			var id string
			if tt.resumed {
				id = leaveJob(t, e, tt.service, sub)
				if err := tt.change(e, e.store); err != nil {
					t.Fatal(err)
				}
				p = e.start(t, cfg)
			} else {
				p = e.start(t, cfg)
				for _, svc := range []vigil.Service{tt.service, {Name: "holder", Type: vigil.ServiceHosting, Jurisdiction: "US", Enabled: true}} {
					if _, err := p.SaveService(admin, svc); err != nil {
						t.Fatal(err)
					}
				}
				release := spy.hold(t, p, "holder", "1")
				c, err := p.Submit(admin, sub)
				if err != nil {
					t.Fatal(err)
				}
				id = c.ID
				if err := tt.change(e, p); err != nil {
					t.Fatal(err)
				}
				release()
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c, err := p.Wait(ctx, id)
			if err != nil || c.Verdict.Status != tt.status || !strings.Contains(c.Verdict.Reason, tt.reason) {
				t.Fatalf("verdict %+v, %v; want %s %q", c.Verdict, err, tt.status, tt.reason)
			}
			hashed := spy.hashed("item-bytes") || spy.hashed("fetched-bytes")
			if want := tt.status != vigil.VerdictNotScanned; hashed != want {
				t.Errorf("hashed %v, want %v", hashed, want)
			}
			if tt.status == vigil.VerdictNotScanned && (fetched.Load() != 0 || c.URL != "") {
				t.Errorf("refused item: fetched %d times, kept URL %q", fetched.Load(), c.URL)
			}
			if n, err := p.Backlog(context.Background()); err != nil || n != 0 {
				t.Errorf("backlog %d, %v: the job and its payload should be gone", n, err)
			}
		})
	}
}

// leaveJob stores a job for sub as a previous run that accepted it would have left it, with the
// service it was accepted for.
func leaveJob(t *testing.T, e *env, svc vigil.Service, sub vigil.Submission) string {
	t.Helper()
	ctx := context.Background()
	if _, err := e.store.SaveService(admin, svc); err != nil {
		t.Fatal(err)
	}
	if err := e.store.Prepare(ctx); err != nil {
		t.Fatal(err)
	}
	now := e.clock.Now()
	c := vigil.Content{ID: vigil.NewID(vigil.PrefixContent, now), Service: sub.Service, URL: sub.URL,
		Type: vigil.ContentPhoto, Received: now, Verdict: vigil.Verdict{Status: vigil.VerdictPending}}
	kind := sqlite.JobBytes
	if sub.URL != "" {
		kind = sqlite.JobURL
	}
	err := e.db.Update(admin, func(tx *sqlite.Tx) error {
		_, _, _, err := e.store.InsertContent(tx, c, kind, sub.Bytes)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}
