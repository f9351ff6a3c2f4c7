package pipeline

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vigilproject/vigil"
)

// holder is the service of the items that hold the hashing slot in these tests.
var holder = vigil.Service{Name: "holder", Type: vigil.ServiceHosting, Jurisdiction: "US", Enabled: true}

// TestQueuedPayloadIsSealedOnDisk checks that the bytes of an upload waiting for a worker are
// not in the database files in the clear, and that the worker still scans them.
func TestQueuedPayloadIsSealedOnDisk(t *testing.T) {
	e := newEnv(t)
	spy := newHashSpy()
	p := e.start(t, Config{Hash: spy.hash, Workers: 1})
	if _, err := p.SaveService(admin, holder); err != nil {
		t.Fatal(err)
	}
	payload := strings.Repeat("PLAINTEXT-CANARY-", 64)
	release := spy.hold(t, p, "holder", "1")
	c, err := p.Submit(admin, vigil.Submission{Service: "holder", Bytes: []byte(payload)})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := p.Backlog(context.Background()); err != nil || n != 1 {
		t.Fatalf("backlog %d, %v: want the item's job pending", n, err)
	}
	for _, name := range []string{e.path, e.path + "-wal"} {
		raw, err := os.ReadFile(name)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(raw, []byte("PLAINTEXT-CANARY-PLAINTEXT-CANARY")) {
			t.Errorf("%s holds the pending upload in the clear", name)
		}
	}
	release()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if c, err = p.Wait(ctx, c.ID); err != nil || c.Verdict.Status != vigil.VerdictNoMatch || !spy.hashed(payload) {
		t.Errorf("verdict %+v, %v, hashed %v: want the item scanned", c.Verdict, err, spy.hashed(payload))
	}
}

// TestFullQueueRefusesInTime checks that a submission finding the queue full waits at most
// Config.QueueWait and is then refused as unavailable, and that intake takes items again once
// the queue drains.
func TestFullQueueRefusesInTime(t *testing.T) {
	e := newEnv(t)
	spy := newHashSpy()
	p := e.start(t, Config{Hash: spy.hash, Workers: 1, Queue: 1, QueueWait: 50 * time.Millisecond})
	if _, err := p.SaveService(admin, holder); err != nil {
		t.Fatal(err)
	}
	release := spy.hold(t, p, "holder", "1")
	first, err := p.Submit(admin, vigil.Submission{Service: "holder", Bytes: []byte("first")})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	bounded, cancel := context.WithTimeout(admin, 10*time.Second)
	defer cancel()
	_, err = p.Submit(bounded, vigil.Submission{Service: "holder", Bytes: []byte("second")})
	if vigil.ErrorCode(err) != vigil.EUNAVAILABLE {
		t.Errorf("submission to a full queue: %v, want %s", err, vigil.EUNAVAILABLE)
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Errorf("refused after %v, want about 50ms", waited)
	}
	release()
	ctx, cancelWait := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancelWait()
	if c, err := p.Wait(ctx, first.ID); err != nil || c.Verdict.Status != vigil.VerdictNoMatch {
		t.Fatalf("first item: %+v, %v", c.Verdict, err)
	}
	if c := submitWait(t, p, vigil.Submission{Service: "holder", Bytes: []byte("third")}); c.Verdict.Status != vigil.VerdictNoMatch {
		t.Errorf("after the queue drained: %+v", c.Verdict)
	}
}

// TestQueueDepthMetric checks that the queue gauge counts the items waiting for a verdict and
// returns to zero once they all have one.
func TestQueueDepthMetric(t *testing.T) {
	e := newEnv(t)
	spy := newHashSpy()
	p := e.start(t, Config{Hash: spy.hash, Workers: 1})
	if _, err := p.SaveService(admin, holder); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(p.Metrics())
	depth := func() float64 {
		t.Helper()
		families, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range families {
			if f.GetName() == "vigil_pipeline_queue_items" {
				return f.GetMetric()[0].GetGauge().GetValue()
			}
		}
		t.Fatal("no vigil_pipeline_queue_items")
		return 0
	}
	release := spy.hold(t, p, "holder", "1")
	var ids []string
	for _, b := range []string{"a", "b", "c"} {
		c, err := p.Submit(admin, vigil.Submission{Service: "holder", Bytes: []byte(b)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	if got := depth(); got != 3 {
		t.Errorf("queue depth %v with 3 items waiting, want 3", got)
	}
	release()
	for _, id := range ids {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := p.Wait(ctx, id)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for depth() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("queue depth %v once every item has its verdict, want 0", depth())
		}
		time.Sleep(time.Millisecond)
	}
}
