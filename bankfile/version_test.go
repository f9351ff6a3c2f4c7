package bankfile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigilproject/vigil/match"
)

// version returns the store's version or fails the test.
func version(t *testing.T, s *Store) uint64 {
	t.Helper()
	v, err := s.StoreVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestStoreVersionCountsChanges(t *testing.T) {
	ctx := context.Background()
	disabled := match.NewBank("a", match.Known)
	disabled.Enabled = false
	tests := []struct {
		name   string
		change func(s *Store) error
		want   uint64 // increase of the version
	}{
		{"create bank", func(s *Store) error { return s.CreateBank(ctx, match.NewBank("b", match.Known)) }, 1},
		{"update bank", func(s *Store) error { return s.UpdateBank(ctx, disabled) }, 1},
		{"delete bank", func(s *Store) error { return s.DeleteBank(ctx, "a") }, 1},
		{"add entries", func(s *Store) error { _, err := s.AddEntries(ctx, "a", []match.Entry{md5Entry(5, "")}); return err }, 1},
		{"remove entries", func(s *Store) error { return s.RemoveEntries(ctx, "a", []uint32{1}) }, 1},
		{"import", func(s *Store) error {
			_, _, err := s.ImportEntries(ctx, "a", entrySource(md5Entry(6, ""), md5Entry(7, "")))
			return err
		}, 1},
		{"add nothing new", func(s *Store) error { _, err := s.AddEntries(ctx, "a", []match.Entry{md5Entry(1, "")}); return err }, 0},
		{"import nothing new", func(s *Store) error { _, _, err := s.ImportEntries(ctx, "a", entrySource(md5Entry(1, ""))); return err }, 0},
		{"remove no ids", func(s *Store) error { return s.RemoveEntries(ctx, "a", nil) }, 0},
		{"failed create", func(s *Store) error { return s.CreateBank(ctx, match.NewBank("a", match.Known)) }, 0},
		{"failed remove", func(s *Store) error { return s.RemoveEntries(ctx, "a", []uint32{99}) }, 0},
		{"failed add", func(s *Store) error { _, err := s.AddEntries(ctx, "nope", []match.Entry{md5Entry(5, "")}); return err }, 0},
		{"failed import", func(s *Store) error {
			_, _, err := s.ImportEntries(ctx, "a", failingSource(errors.New("boom"), md5Entry(5, "")))
			return err
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTemp(t)
			createBank(t, s, "a", match.Known)
			addEntries(t, s, "a", 1, md5Entry(1, ""))
			before := version(t, s)
			_ = tt.change(s) // failures are part of the table; the version tells what happened
			if got := version(t, s); got != before+tt.want {
				t.Errorf("version %d -> %d, want +%d", before, got, tt.want)
			}
		})
	}
}

func TestStoreVersionSeesOtherStores(t *testing.T) {
	s := openTemp(t)
	createBank(t, s, "a", match.Known)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	other, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	before := version(t, other)
	addEntries(t, other, "a", 1, md5Entry(1, ""))
	if got := version(t, s); got != before+1 {
		t.Errorf("version seen by the first store = %d, want %d", got, before+1)
	}
}

func TestStoreVersionAfterInterruptedChange(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	createBank(t, s, "a", match.Known)
	before := version(t, s)
	failRename(t, entriesName)
	if _, err := s.AddEntries(ctx, "a", []match.Entry{md5Entry(1, "")}); err == nil {
		t.Fatal("AddEntries succeeded despite the failing rename")
	}
	if _, err := s.StoreVersion(ctx); !errors.Is(err, ErrChanging) {
		t.Fatalf("StoreVersion after an interrupted change: error %v, want ErrChanging", err)
	}
	rename = os.Rename
	addEntries(t, s, "a", 1, md5Entry(1, ""))
	if got := version(t, s); got != before+2 {
		t.Errorf("version after the next change = %d, want %d (the interrupted change counts)", got, before+2)
	}
}

func TestStoreVersionFileErrors(t *testing.T) {
	tests := []struct {
		name, content string
	}{
		{"one number", "3\n"},
		{"not numbers", "a b\n"},
		{"finished after begun", "2 3\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTemp(t)
			if err := os.WriteFile(filepath.Join(s.Dir(), versionName), []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			if v, err := s.StoreVersion(context.Background()); err == nil {
				t.Errorf("StoreVersion = %d, want an error for %q", v, tt.content)
			}
		})
	}
}
