package bankfile

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/vigilproject/vigil/match"
)

// disabledUntil returns the DisabledUntil of each entry of bank, by id.
func disabledUntil(t *testing.T, s *Store, bank string) map[uint32]time.Time {
	t.Helper()
	entries, err := s.Entries(context.Background(), bank)
	if err != nil {
		t.Fatal(err)
	}
	out := map[uint32]time.Time{}
	for _, e := range entries {
		out[e.ID] = e.DisabledUntil
	}
	return out
}

func TestSetDisabledUntil(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	createBank(t, s, "b", match.Known)
	entries := addEntries(t, s, "b", 3, md5Entry(1, "x"), md5Entry(2, "y"), md5Entry(3, "z"))
	a, b, c := entries[0].ID, entries[1].ID, entries[2].ID
	// Not UTC and finer than a millisecond: stored in UTC, to the millisecond.
	until := time.Date(2026, 3, 1, 14, 0, 0, 123456789, time.FixedZone("CET", 3600))
	stored := time.Date(2026, 3, 1, 13, 0, 0, 123000000, time.UTC)
	steps := []struct {
		name  string
		ids   []uint32
		until time.Time
		want  map[uint32]time.Time
	}{
		{"one entry", []uint32{b}, until, map[uint32]time.Time{a: {}, b: stored, c: {}}},
		{"two entries, one repeated", []uint32{a, c, a}, until.Add(time.Hour), map[uint32]time.Time{a: stored.Add(time.Hour), b: stored, c: stored.Add(time.Hour)}},
		{"cleared", []uint32{a, b}, time.Time{}, map[uint32]time.Time{a: {}, b: {}, c: stored.Add(time.Hour)}},
		{"no ids", nil, until, map[uint32]time.Time{a: {}, b: {}, c: stored.Add(time.Hour)}},
	}
	for _, step := range steps {
		t.Run(step.name, func(t *testing.T) {
			before, err := s.StoreVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.SetDisabledUntil(ctx, "b", step.ids, step.until); err != nil {
				t.Fatal(err)
			}
			got := disabledUntil(t, s, "b")
			for id, want := range step.want {
				if !got[id].Equal(want) || got[id].Location() != time.UTC {
					t.Errorf("entry %d disabled until %v, want %v in UTC", id, got[id], want)
				}
			}
			wantVersion := before
			if len(step.ids) > 0 {
				wantVersion++
			}
			if v, err := s.StoreVersion(ctx); err != nil || v != wantVersion {
				t.Errorf("store version %d (%v), want %d", v, err, wantVersion)
			}
		})
	}
}

func TestSetDisabledUntilRefused(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	createBank(t, s, "b", match.Known)
	createBank(t, s, "other", match.Known)
	entries := addEntries(t, s, "b", 2, md5Entry(1, "x"), md5Entry(2, "y"))
	other := addEntries(t, s, "other", 1, md5Entry(3, "z"))
	tests := []struct {
		name string
		bank string
		ids  []uint32
		want error // checked with errors.Is when set
	}{
		{"unknown bank", "nope", []uint32{entries[0].ID}, match.ErrNotFound},
		{"invalid bank name", "No Such", []uint32{entries[0].ID}, nil},
		{"entry of another bank", "b", []uint32{entries[0].ID, other[0].ID}, match.ErrNotFound},
		{"unknown id", "b", []uint32{entries[1].ID, 999}, match.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := s.entriesFile("b")
			before, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			version, err := s.StoreVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			err = s.SetDisabledUntil(ctx, tt.bank, tt.ids, time.Now())
			if err == nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("SetDisabledUntil: error %v, want %v", err, tt.want)
			}
			if after, err := os.ReadFile(file); err != nil || !bytes.Equal(after, before) {
				t.Errorf("the entries file changed (%v):\n%s\nwas\n%s", err, after, before)
			}
			if v, err := s.StoreVersion(ctx); err != nil || v != version {
				t.Errorf("store version %d (%v), want %d", v, err, version)
			}
		})
	}
}
