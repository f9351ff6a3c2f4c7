package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/fakeclock"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// lastAudit returns the newest audit event.
func lastAudit(t *testing.T, db *DB) vigil.AuditEvent {
	t.Helper()
	events, err := db.AuditEvents(context.Background(), vigil.AuditFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) == 0 {
		t.Fatal("no audit events")
	}
	return slices.MaxFunc(events, func(a, b vigil.AuditEvent) int { return int(a.Seq - b.Seq) })
}

// disabledUntil returns the DisabledUntil of each entry of bank, by id.
func disabledUntil(t *testing.T, s *BankStore, bank string) map[uint32]time.Time {
	t.Helper()
	entries, err := s.Entries(bankCtx, bank)
	if err != nil {
		t.Fatal(err)
	}
	out := map[uint32]time.Time{}
	for _, e := range entries {
		out[e.ID] = e.DisabledUntil
	}
	return out
}

func TestBankStoreSetDisabledUntil(t *testing.T) {
	s, db := openBanks(t)
	mustCreate(t, s, "b", match.Known)
	entries := mustAdd(t, s, "b", 2, md5Entry(1, "x"), md5Entry(2, "y"))
	a, b := entries[0].ID, entries[1].ID
	until := time.Date(2026, 12, 1, 10, 0, 0, 123456789, time.FixedZone("CET", 3600))
	stored := time.Date(2026, 12, 1, 9, 0, 0, 123000000, time.UTC)
	steps := []struct {
		name       string
		ids        []uint32
		until      time.Time
		want       map[uint32]time.Time
		wantAction string
		wantDetail string // "" when nothing is recorded
	}{
		{"one entry", []uint32{b}, until, map[uint32]time.Time{a: {}, b: stored}, "bank.disable_entries",
			`{"disabled_until":"2026-12-01T09:00:00.123Z","entries":1,"ids":[2]}`},
		{"both, repeated", []uint32{b, a, b}, until.Add(time.Hour), map[uint32]time.Time{a: stored.Add(time.Hour), b: stored.Add(time.Hour)},
			"bank.disable_entries", `{"disabled_until":"2026-12-01T10:00:00.123Z","entries":2,"ids":[1,2]}`},
		{"cleared", []uint32{a}, time.Time{}, map[uint32]time.Time{a: {}, b: stored.Add(time.Hour)}, "bank.enable_entries",
			`{"disabled_until":null,"entries":1,"ids":[1]}`},
		{"no ids", nil, until, map[uint32]time.Time{a: {}, b: stored.Add(time.Hour)}, "", ""},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			before := lastAudit(t, db)
			version, err := s.StoreVersion(bankCtx)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.SetDisabledUntil(bankCtx, "b", step.ids, step.until); err != nil {
				t.Fatal(err)
			}
			got := disabledUntil(t, s, "b")
			for id, want := range step.want {
				if !got[id].Equal(want) {
					t.Errorf("entry %d disabled until %v, want %v", id, got[id], want)
				}
			}
			ev := lastAudit(t, db)
			if step.wantAction == "" {
				if ev.Seq != before.Seq {
					t.Errorf("recorded %s %s, want nothing recorded", ev.Action, ev.Detail)
				}
			} else if ev.Action != step.wantAction || ev.ObjectID != "b" || ev.ActorName != "admin" || ev.Detail != step.wantDetail {
				t.Errorf("recorded %s %s by %s: %s; want %s b by admin: %s", ev.Action, ev.ObjectID, ev.ActorName, ev.Detail, step.wantAction, step.wantDetail)
			}
			wantVersion := version
			if step.wantAction != "" {
				wantVersion++
			}
			if v, err := s.StoreVersion(bankCtx); err != nil || v != wantVersion {
				t.Errorf("store version %d (%v), want %d", v, err, wantVersion)
			}
		})
	}
}

func TestBankStoreSetDisabledUntilRefused(t *testing.T) {
	s, db := openBanks(t)
	mustCreate(t, s, "b", match.Known)
	mustCreate(t, s, "other", match.Known)
	entries := mustAdd(t, s, "b", 2, md5Entry(1, "x"), md5Entry(2, "y"))
	other := mustAdd(t, s, "other", 1, md5Entry(3, "z"))
	tests := []struct {
		name     string
		bank     string
		ids      []uint32
		wantCode string // vigil error code, or "" for a match.ErrNotFound
	}{
		{"unknown bank", "nope", []uint32{entries[0].ID}, ""},
		{"invalid bank name", "No Such", []uint32{entries[0].ID}, vigil.EINVALID},
		{"entry of another bank", "b", []uint32{entries[0].ID, other[0].ID}, ""},
		{"unknown id", "b", []uint32{entries[1].ID, 999}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := lastAudit(t, db)
			err := s.SetDisabledUntil(bankCtx, tt.bank, tt.ids, time.Now())
			switch {
			case tt.wantCode == "" && !errors.Is(err, match.ErrNotFound):
				t.Errorf("error %v, want match.ErrNotFound", err)
			case tt.wantCode != "" && vigil.ErrorCode(err) != tt.wantCode:
				t.Errorf("error %v, want code %s", err, tt.wantCode)
			}
			for id, until := range disabledUntil(t, s, "b") {
				if !until.IsZero() {
					t.Errorf("entry %d disabled until %v after a refused change", id, until)
				}
			}
			if ev := lastAudit(t, db); ev.Seq != before.Seq {
				t.Errorf("a refused change recorded %s %s", ev.Action, ev.Detail)
			}
		})
	}
}

// TestMatcherDisablesOnBankStore checks the Matcher over the database: an entry disabled until a
// time stops matching at once, in a Matcher loaded later too, and matches again when the clock
// reaches the time.
func TestMatcherDisablesOnBankStore(t *testing.T) {
	start := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	clock := fakeclock.New(start)
	db := openAt(t, filepath.Join(t.TempDir(), "vigil.db"), clock)
	m, err := match.NewMatcher(bankCtx, NewBankStore(db), clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.CreateBank(bankCtx, match.NewBank("known", match.Known)); err != nil {
		t.Fatal(err)
	}
	entries := []match.Entry{md5Entry(1, "x")}
	if _, err := m.AddEntries(bankCtx, "known", entries); err != nil {
		t.Fatal(err)
	}
	q := match.Query{Signals: []signal.Signal{entries[0].Signal}, Quality: -1}
	until := start.Add(48 * time.Hour)
	steps := []struct {
		name    string
		disable bool
		advance time.Duration
		want    int
	}{
		{"before", false, 0, 1},
		{"disabled", true, 0, 0},
		{"a day later", false, 24 * time.Hour, 0},
		{"two days later", false, 24 * time.Hour, 1},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			clock.Advance(step.advance)
			if step.disable {
				if err := m.SetDisabledUntil(bankCtx, "known", []uint32{entries[0].ID}, until); err != nil {
					t.Fatal(err)
				}
			}
			reloaded, err := match.NewMatcher(bankCtx, NewBankStore(db), clock.Now)
			if err != nil {
				t.Fatal(err)
			}
			for name, mm := range map[string]*match.Matcher{"live": m, "reloaded": reloaded} {
				if got := len(mm.Match(q, match.MatchOptions{}).Hits); got != step.want {
					t.Errorf("%s Matcher: %d hits, want %d", name, got, step.want)
				}
			}
		})
	}
}
