package match_test

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// disableFixture is a Matcher with bank "b" holding a PDQ and an MD5 entry, and the query that
// matches both.
type disableFixture struct {
	m     *match.Matcher
	store match.Store
	clock *fakeClock
	ids   []uint32
	q     match.Query
}

func newDisableFixture(t *testing.T) *disableFixture {
	t.Helper()
	m, s, clock := newMatcher(t)
	createBanks(t, m, bank{name: "b"}, bank{name: "other"})
	h := randomHash(rand.New(rand.NewPCG(9, 9)))
	md5 := signal.Signal{Type: signal.MD5, Value: hexOf(9, 32)}
	entries := add(t, m, "b", match.Entry{Signal: pdqSignal(h)}, match.Entry{Signal: md5})
	return &disableFixture{m: m, store: s, clock: clock, ids: []uint32{entries[0].ID, entries[1].ID},
		q: match.Query{Signals: []signal.Signal{pdqSignal(h), md5}, Quality: -1}}
}

// hits returns how many entries the fixture's query matches in m.
func (f *disableFixture) hits(m *match.Matcher) int {
	return len(m.Match(f.q, match.MatchOptions{}).Hits)
}

func TestSetDisabledUntil(t *testing.T) {
	f := newDisableFixture(t)
	ctx := context.Background()
	day := epoch.Add(24 * time.Hour)
	steps := []struct {
		name  string
		set   bool      // call SetDisabledUntil with until
		until time.Time // when set
		now   time.Time // the clock during the step
		want  int
	}{
		{name: "never disabled", now: epoch, want: 2},
		{name: "disabled for a day", set: true, until: day, now: epoch, want: 0},
		{name: "a millisecond before the end", now: day.Add(-time.Millisecond), want: 0},
		{name: "the day has passed", now: day, want: 2},
		{name: "disabled again", set: true, until: day.Add(time.Hour), now: day, want: 0},
		{name: "enabled with the zero time", set: true, now: day, want: 2},
		{name: "disabled until a past time", set: true, until: epoch, now: day, want: 2},
		{name: "disabled until next year", set: true, until: day.AddDate(1, 0, 0), now: day, want: 0},
		{name: "clock past the year", now: day.AddDate(1, 0, 1), want: 2},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			f.clock.Set(step.now)
			if step.set {
				if err := f.m.SetDisabledUntil(ctx, "b", f.ids, step.until); err != nil {
					t.Fatal(err)
				}
			}
			if got := f.hits(f.m); got != step.want {
				t.Errorf("live Matcher: %d hits, want %d", got, step.want)
			}
			loaded, err := match.NewMatcher(ctx, f.store, f.clock.Now)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.hits(loaded); got != step.want {
				t.Errorf("Matcher loaded from the store: %d hits, want %d", got, step.want)
			}
			fromSnapshot, err := match.LoadMatcher(ctx, f.store, bytes.NewReader(snapshot(t, f.m)), f.clock.Now)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.hits(fromSnapshot); got != step.want {
				t.Errorf("Matcher loaded from a snapshot: %d hits, want %d", got, step.want)
			}
		})
	}
}

func TestSetDisabledUntilRefused(t *testing.T) {
	ctx := context.Background()
	later := epoch.Add(time.Hour)
	tests := []struct {
		name    string
		unknown bool // through a Matcher whose store cannot disable entries
		bank    string
		ids     func(f *disableFixture) []uint32
		want    error
	}{
		{"unknown bank", false, "nope", func(f *disableFixture) []uint32 { return f.ids }, match.ErrNotFound},
		{"entry of another bank", false, "other", func(f *disableFixture) []uint32 { return f.ids[:1] }, match.ErrNotFound},
		{"one id missing", false, "b", func(f *disableFixture) []uint32 { return append(f.ids, f.ids[1]+100) }, match.ErrNotFound},
		{"store cannot", true, "b", func(f *disableFixture) []uint32 { return f.ids }, errors.ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newDisableFixture(t)
			m := f.m
			if tt.unknown {
				var err error
				if m, err = match.NewMatcher(ctx, unversioned{f.store}, f.clock.Now); err != nil {
					t.Fatal(err)
				}
			}
			before, err := f.store.(match.Versioned).StoreVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.SetDisabledUntil(ctx, tt.bank, tt.ids(f), later); !errors.Is(err, tt.want) {
				t.Fatalf("SetDisabledUntil: error %v, want %v", err, tt.want)
			}
			if got := f.hits(m); got != 2 {
				t.Errorf("after the refusal the query has %d hits, want 2: nothing may change", got)
			}
			if after, err := f.store.(match.Versioned).StoreVersion(ctx); err != nil || after != before {
				t.Errorf("store version %d (%v) after the refusal, want %d", after, err, before)
			}
		})
	}
}

func TestSetDisabledUntilVersion(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		ids  func(f *disableFixture) []uint32
		want uint64 // versions added
	}{
		{"no ids", func(*disableFixture) []uint32 { return nil }, 0},
		{"one id", func(f *disableFixture) []uint32 { return f.ids[:1] }, 1},
		{"repeated ids", func(f *disableFixture) []uint32 { return append(f.ids, f.ids...) }, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newDisableFixture(t)
			v := f.store.(match.Versioned)
			before, err := v.StoreVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.m.SetDisabledUntil(ctx, "b", tt.ids(f), epoch.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			after, err := v.StoreVersion(ctx)
			if err != nil || after != before+tt.want {
				t.Errorf("store version %d (%v), want %d", after, err, before+tt.want)
			}
			// The Matcher followed the change, so its snapshot is of the current version.
			if _, err := match.LoadMatcher(ctx, f.store, bytes.NewReader(snapshot(t, f.m)), f.clock.Now); err != nil {
				t.Errorf("loading the Matcher's snapshot: %v", err)
			}
		})
	}
}

func TestSetDisabledUntilDisabledBank(t *testing.T) {
	ctx := context.Background()
	f := newDisableFixture(t)
	settings := bank{name: "b"}.settings()
	settings.Enabled = false
	if err := f.m.UpdateBank(ctx, settings); err != nil {
		t.Fatal(err)
	}
	until := epoch.Add(time.Hour)
	if err := f.m.SetDisabledUntil(ctx, "b", f.ids, until); err != nil {
		t.Fatal(err)
	}
	settings.Enabled = true
	if err := f.m.UpdateBank(ctx, settings); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		now  time.Time
		want int
	}{
		{"bank enabled, entries still disabled", epoch, 0},
		{"entries' time passed", until, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.clock.Set(tt.now)
			if got := f.hits(f.m); got != tt.want {
				t.Errorf("%d hits, want %d", got, tt.want)
			}
		})
	}
}
