package pipeline

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/sqlite"
)

// lawful is the test's own statement of requirements IR-15 and PP-12, written independently of
// package policy: when voluntary detection has a basis.
func lawful(typ vigil.ServiceType, jurisdiction string, day time.Time) bool {
	in := func(from, to string) bool {
		d := day.UTC().Format(time.DateOnly)
		return d >= from && d <= to
	}
	switch {
	case jurisdiction == "US":
		return true
	case jurisdiction != "EU" && jurisdiction != "DE":
		return false
	case typ == vigil.ServiceInterpersonal:
		return in("2021-08-03", "2026-04-03") || in("2026-07-31", "2028-04-03")
	}
	return in("2024-02-17", "9999-12-31")
}

// gateWorld is what the property tests draw from: services of every type and jurisdiction, and
// times around every boundary of the legal-basis table.
type gateWorld struct {
	r        *rand.Rand
	services []vigil.Service
}

func newGateWorld(seed uint64) *gateWorld {
	w := &gateWorld{r: rand.New(rand.NewPCG(seed, seed))}
	for _, typ := range []vigil.ServiceType{vigil.ServiceHosting, vigil.ServiceInterpersonal, vigil.ServiceSearch} {
		for _, j := range []string{"EU", "DE", "US", "BR"} {
			for _, enabled := range []bool{true, false} {
				w.services = append(w.services, vigil.Service{Name: strings.ToLower(fmt.Sprintf("%s-%s-%v", typ, j, enabled)),
					Type: typ, Jurisdiction: j, Enabled: enabled})
			}
		}
	}
	return w
}

// boundaries are the first days on which the default table's answer changes.
var boundaries = []string{"2021-08-03", "2024-02-17", "2026-04-04", "2026-07-31", "2028-04-04"}

// time draws a moment within two days of a boundary, or anywhere in 2020-2031.
func (w *gateWorld) time() time.Time {
	var day time.Time
	if w.r.IntN(2) == 0 {
		b, _ := time.Parse(time.DateOnly, boundaries[w.r.IntN(len(boundaries))])
		day = b.AddDate(0, 0, w.r.IntN(5)-2)
	} else {
		day = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, w.r.IntN(12*366))
	}
	return day.Add(time.Duration(w.r.Int64N(int64(24 * time.Hour))))
}

// later draws a moment up to three days after t: long enough to cross a boundary.
func (w *gateWorld) later(t time.Time) time.Time {
	return t.Add(time.Duration(w.r.Int64N(int64(72 * time.Hour))))
}

func (w *gateWorld) service() *vigil.Service { return &w.services[w.r.IntN(len(w.services))] }

func (w *gateWorld) flags() []vigil.Flag {
	var flags []vigil.Flag
	for _, f := range vigil.Flags {
		if w.r.IntN(4) == 0 {
			flags = append(flags, f)
		}
	}
	return flags
}

// toggle switches a quarter of the services on or off, as an admin may while items wait.
func (w *gateWorld) toggle(t *testing.T, save func(vigil.Service) error) {
	t.Helper()
	for i := range w.services {
		if w.r.IntN(4) == 0 {
			w.services[i].Enabled = !w.services[i].Enabled
			if err := save(w.services[i]); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// mayScan is whether an item of svc with flags may be scanned at t.
func mayScan(svc vigil.Service, flags []vigil.Flag, t time.Time) bool {
	return svc.Enabled && len(flags) == 0 && lawful(svc.Type, svc.Jurisdiction, t)
}

// sent is an item the test submitted, and whether it may reach the hasher.
type sent struct {
	id, payload string
	should      bool
}

// checkHashed waits for each item's verdict and checks that exactly the items that may be
// scanned reached the hasher, and that the others are not_scanned with a reason. It returns how
// many were hashed.
func checkHashed(t *testing.T, p *Pipeline, spy *hashSpy, items []sent) int {
	t.Helper()
	scanned := 0
	for i, it := range items {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		c, err := p.Wait(ctx, it.id)
		cancel()
		if err != nil || c.Verdict.Status == vigil.VerdictPending {
			t.Fatalf("item %d: %v, %s", i, err, c.Verdict.Status)
		}
		hashed := spy.hashed(it.payload)
		if hashed != it.should {
			t.Errorf("item %d (%s, flags %v, received %s): hashed %v, want %v (verdict %+v)", i, c.Service, c.Flags,
				c.Received.Format(time.DateOnly), hashed, it.should, c.Verdict)
		}
		if !it.should && (c.Verdict.Status != vigil.VerdictNotScanned || c.Verdict.Reason == "") {
			t.Errorf("item %d: verdict %+v, want not_scanned with a reason", i, c.Verdict)
		}
		if hashed && slices.ContainsFunc(c.Flags, func(f vigil.Flag) bool { return f == vigil.FlagE2EE || f == vigil.FlagAudio }) {
			t.Errorf("item %d flagged %v was hashed", i, c.Flags)
		}
		if hashed {
			scanned++
		}
	}
	return scanned
}

// checkDraw fails when the draw scanned all or none of the items: it would not exercise the gate.
func checkDraw(t *testing.T, scanned, total int) {
	t.Helper()
	if scanned == 0 || scanned == total {
		t.Errorf("%d of %d items scanned: the draw does not exercise the gate", scanned, total)
	}
}

// TestNothingUnlawfulReachesTheHasher is the property test of PP-01, IR-14, IR-15 and PP-12:
// over random items, none flagged e2ee or audio, none of a switched-off service and none outside
// its legal basis is ever hashed, and every other one is. The gate must hold wherever an item
// is scanned: at intake, after waiting in the queue while the date crosses a boundary of the
// table or its service is switched off, and after a restart resumes it.
func TestNothingUnlawfulReachesTheHasher(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, w *gateWorld) (scanned, total int)
	}{
		{"at intake", gateAtIntake},
		{"queued", gateWhenQueued},
		{"resumed", gateWhenResumed},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			scanned, total := tt.run(t, newGateWorld(uint64(4+i)))
			checkDraw(t, scanned, total)
		})
	}
}

// gateAtIntake submits items one by one, each hashed at once when it may be.
func gateAtIntake(t *testing.T, w *gateWorld) (int, int) {
	e := newEnv(t)
	spy := newHashSpy()
	p := e.start(t, Config{Hash: spy.hash})
	for _, svc := range w.services {
		if _, err := p.SaveService(admin, svc); err != nil {
			t.Fatal(err)
		}
	}
	var items []sent
	for i := range 600 {
		at := w.time()
		e.clock.Set(at)
		svc, flags := w.service(), w.flags()
		payload := "item-" + strconv.Itoa(i)
		c, err := p.Submit(admin, vigil.Submission{Service: svc.Name, Bytes: []byte(payload), Flags: flags})
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, sent{c.ID, payload, mayScan(*svc, flags, at)})
	}
	return checkHashed(t, p, spy, items), len(items)
}

// gateWhenQueued holds the only hashing slot while items are submitted, so they wait in the
// queue; then moves the clock on by up to three days and switches some services, and lets
// them be scanned.
func gateWhenQueued(t *testing.T, w *gateWorld) (int, int) {
	e := newEnv(t)
	spy := newHashSpy()
	p := e.start(t, Config{Hash: spy.hash, Workers: 1})
	save := func(s vigil.Service) error { _, err := p.SaveService(admin, s); return err }
	for _, svc := range append(w.services, vigil.Service{Name: "holder", Type: vigil.ServiceHosting, Jurisdiction: "US", Enabled: true}) {
		if err := save(svc); err != nil {
			t.Fatal(err)
		}
	}
	scanned, total := 0, 0
	for round := range 30 {
		intake := w.time()
		e.clock.Set(intake)
		release := spy.hold(t, p, "holder", strconv.Itoa(round))
		type pending struct {
			sent
			svc   *vigil.Service
			flags []vigil.Flag
		}
		var queued []pending
		for i := range 20 {
			svc, flags := w.service(), w.flags()
			payload := fmt.Sprintf("item-%d-%d", round, i)
			c, err := p.Submit(admin, vigil.Submission{Service: svc.Name, Bytes: []byte(payload), Flags: flags})
			if err != nil {
				t.Fatal(err)
			}
			queued = append(queued, pending{sent{c.ID, payload, mayScan(*svc, flags, intake)}, svc, flags})
		}
		scan := w.later(intake)
		e.clock.Set(scan)
		w.toggle(t, save)
		release()
		items := make([]sent, len(queued))
		for i, q := range queued {
			items[i] = q.sent
			items[i].should = q.should && mayScan(*q.svc, q.flags, scan)
		}
		scanned += checkHashed(t, p, spy, items)
		total += len(items)
	}
	return scanned, total
}

// gateWhenResumed stores jobs as a previous run would have left them, items it accepted on
// various days, and starts a pipeline some days later, after some services were switched.
func gateWhenResumed(t *testing.T, w *gateWorld) (int, int) {
	e := newEnv(t)
	ctx := context.Background()
	save := func(s vigil.Service) error { _, err := e.store.SaveService(admin, s); return err }
	for _, svc := range w.services {
		if err := save(svc); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.store.Prepare(ctx); err != nil {
		t.Fatal(err)
	}
	scanned, total := 0, 0
	for round := range 10 {
		restart := w.time()
		var left []sent
		for i := range 30 {
			received := restart.Add(-time.Duration(w.r.Int64N(int64(72 * time.Hour))))
			svc, flags := w.service(), w.flags()
			payload := fmt.Sprintf("item-%d-%d", round, i)
			c := vigil.Content{ID: vigil.NewID(vigil.PrefixContent, received), Service: svc.Name, Flags: flags,
				Type: vigil.ContentPhoto, Received: received, Verdict: vigil.Verdict{Status: vigil.VerdictPending}}
			err := e.db.Update(admin, func(tx *sqlite.Tx) error {
				_, _, _, err := e.store.InsertContent(tx, c, sqlite.JobBytes, []byte(payload))
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			left = append(left, sent{id: c.ID, payload: payload})
		}
		w.toggle(t, save)
		for i := range left {
			c, err := e.store.Content(ctx, left[i].id)
			if err != nil {
				t.Fatal(err)
			}
			svc := w.services[slices.IndexFunc(w.services, func(s vigil.Service) bool { return s.Name == c.Service })]
			left[i].should = mayScan(svc, c.Flags, restart)
		}
		e.clock.Set(restart)
		spy := newHashSpy()
		p := New(Config{Store: e.store, Matcher: e.matcher, Clock: e.clock, Hash: spy.hash})
		if err := p.Start(ctx); err != nil {
			t.Fatal(err)
		}
		scanned += checkHashed(t, p, spy, left)
		total += len(left)
		if err := p.Stop(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return scanned, total
}
