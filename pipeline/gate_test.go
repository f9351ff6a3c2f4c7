package pipeline

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/hasher"
)

// hashSpy records what reaches the hasher.
type hashSpy struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (s *hashSpy) hash(data []byte) (*hasher.Result, error) {
	s.mu.Lock()
	s.seen[string(data)] = true
	s.mu.Unlock()
	return &hasher.Result{Quality: 100}, nil
}

// lawful is the test's own statement of requirements IR-15 and PP-12, written independently of
// package policy: when voluntary detection has a basis.
func lawful(typ vigil.ServiceType, jurisdiction string, day time.Time) bool {
	in := func(from, to string) bool {
		d := day.Format(time.DateOnly)
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

// TestNothingUnlawfulReachesTheHasher is the property test of PP-01, IR-14, IR-15 and PP-12:
// over random items, none flagged e2ee or audio, none of a switched-off service and none dated
// outside its legal basis is ever hashed, and every other one is.
func TestNothingUnlawfulReachesTheHasher(t *testing.T) {
	e := newEnv(t)
	spy := &hashSpy{seen: map[string]bool{}}
	p := e.start(t, Config{Hash: spy.hash})
	types := []vigil.ServiceType{vigil.ServiceHosting, vigil.ServiceInterpersonal, vigil.ServiceSearch}
	jurisdictions := []string{"EU", "DE", "US", "BR"}
	for _, typ := range types {
		for _, j := range jurisdictions {
			for _, enabled := range []bool{true, false} {
				svc := vigil.Service{Name: strings.ToLower(fmt.Sprintf("%s-%s-%v", typ, j, enabled)), Type: typ, Jurisdiction: j, Enabled: enabled}
				if _, err := p.SaveService(admin, svc); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	// Days are drawn around every boundary of the table, and anywhere in 2020-2031.
	boundaries := []string{"2021-08-03", "2024-02-17", "2026-04-04", "2026-07-31", "2028-04-04"}
	r := rand.New(rand.NewPCG(4, 4))
	type sent struct {
		id, payload string
		should      bool
	}
	var items []sent
	for i := range 600 {
		var day time.Time
		if r.IntN(2) == 0 {
			b, _ := time.Parse(time.DateOnly, boundaries[r.IntN(len(boundaries))])
			day = b.AddDate(0, 0, r.IntN(5)-2)
		} else {
			day = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(12*366))
		}
		e.clock.Set(day.Add(time.Duration(r.Int64N(int64(24 * time.Hour)))))
		typ, j, enabled := types[r.IntN(3)], jurisdictions[r.IntN(4)], r.IntN(4) > 0
		var flags []vigil.Flag
		for _, f := range vigil.Flags {
			if r.IntN(4) == 0 {
				flags = append(flags, f)
			}
		}
		payload := "item-" + strconv.Itoa(i)
		c, err := p.Submit(admin, vigil.Submission{Service: strings.ToLower(fmt.Sprintf("%s-%s-%v", typ, j, enabled)),
			Bytes: []byte(payload), Flags: flags})
		if err != nil {
			t.Fatal(err)
		}
		should := enabled && len(flags) == 0 && lawful(typ, j, day)
		items = append(items, sent{c.ID, payload, should})
	}
	scanned := 0
	for i, it := range items {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		c, err := p.Wait(ctx, it.id)
		cancel()
		if err != nil || c.Verdict.Status == vigil.VerdictPending {
			t.Fatalf("item %d: %v, %s", i, err, c.Verdict.Status)
		}
		spy.mu.Lock()
		hashed := spy.seen[it.payload]
		spy.mu.Unlock()
		if hashed != it.should {
			t.Errorf("item %d (%s, flags %v, %s): hashed %v, want %v", i, c.Service, c.Flags,
				c.Received.Format(time.DateOnly), hashed, it.should)
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
	if scanned == 0 || scanned == len(items) {
		t.Errorf("%d of %d items scanned: the draw does not exercise the gate", scanned, len(items))
	}
}
