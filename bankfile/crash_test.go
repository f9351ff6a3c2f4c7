package bankfile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vigilproject/vigil/match"
)

// leftovers lists the names under dir (recursively) that a crashed writer would leave.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	var found []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if isLeftover(d.Name()) {
			found = append(found, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func TestLeftoversAreIgnoredThenRemoved(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	createBank(t, s, "a", match.Known)
	addEntries(t, s, "a", 1, md5Entry(1, ""))
	// What writers killed before their rename leave: a half-written entries file, a half-built
	// bank directory, a bank renamed away but not yet removed, and a counter file.
	write := func(path, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(s.bankDir("a"), ".tmp-entries.jsonl-123"), `{"id":1,"type":"md5","value":"00`)
	write(filepath.Join(s.banksDir(), ".tmp-b-456", "bank.json"), `{"format":1,"name":"b"`)
	write(filepath.Join(s.banksDir(), ".deleted-c-789", "bank.json"), `{}`)
	write(filepath.Join(s.Dir(), ".tmp-next-id-1"), "99")

	banks, err := s.Banks(ctx)
	if err != nil || len(banks) != 1 || banks[0].Name != "a" {
		t.Fatalf("Banks() = %+v, %v; want only bank a", banks, err)
	}
	if got := entries(t, s, "a"); len(got) != 1 {
		t.Fatalf("Entries() has %d entries, want 1", len(got))
	}
	if n, err := s.CountEntries(ctx, "a"); err != nil || n != 1 {
		t.Fatalf("CountEntries() = %d, %v; want 1", n, err)
	}
	got := addEntries(t, s, "a", 1, md5Entry(2, ""))
	if got[0].ID != 2 {
		t.Errorf("new id = %d, want 2 (the leftover counter must not be read)", got[0].ID)
	}
	if left := leftovers(t, s.Dir()); len(left) != 0 {
		t.Errorf("leftovers after a write: %v", left)
	}
}

// failRename makes renames whose target ends with suffix fail until the test ends.
func failRename(t *testing.T, suffix string) {
	t.Helper()
	rename = func(from, to string) error {
		if strings.HasSuffix(to, suffix) {
			return errors.New("simulated crash before the rename")
		}
		return os.Rename(from, to)
	}
	t.Cleanup(func() { rename = os.Rename })
}

func TestFailedCommitLeavesOldState(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		suffix string // of the rename target that fails
		change func(s *Store) error
		check  func(t *testing.T, s *Store)
	}{
		{
			name: "add entries", suffix: entriesName,
			change: func(s *Store) error { _, err := s.AddEntries(ctx, "a", []match.Entry{md5Entry(2, "")}); return err },
			check: func(t *testing.T, s *Store) {
				if got := entries(t, s, "a"); len(got) != 1 {
					t.Errorf("bank a has %d entries, want 1", len(got))
				}
			},
		},
		{
			name: "remove entries", suffix: entriesName,
			change: func(s *Store) error { return s.RemoveEntries(ctx, "a", []uint32{1}) },
			check: func(t *testing.T, s *Store) {
				if got := entries(t, s, "a"); len(got) != 1 {
					t.Errorf("bank a has %d entries, want 1", len(got))
				}
			},
		},
		{
			name: "create bank", suffix: string(filepath.Separator) + "b",
			change: func(s *Store) error { return s.CreateBank(ctx, match.NewBank("b", match.Known)) },
			check: func(t *testing.T, s *Store) {
				if _, err := s.Bank(ctx, "b"); !errors.Is(err, match.ErrNotFound) {
					t.Errorf("Bank(b) error = %v, want not found", err)
				}
			},
		},
		{
			name: "update bank", suffix: bankFileName,
			change: func(s *Store) error {
				b := match.NewBank("a", match.Known)
				b.Threshold = 5
				return s.UpdateBank(ctx, b)
			},
			check: func(t *testing.T, s *Store) {
				if b, err := s.Bank(ctx, "a"); err != nil || b.Threshold != match.DefaultThreshold {
					t.Errorf("Bank(a) = %+v, %v; want the old threshold", b, err)
				}
			},
		},
		{
			name: "delete bank", suffix: "",
			change: func(s *Store) error { return s.DeleteBank(ctx, "a") },
			check: func(t *testing.T, s *Store) {
				if got := entries(t, s, "a"); len(got) != 1 {
					t.Errorf("bank a has %d entries, want 1", len(got))
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTemp(t)
			createBank(t, s, "a", match.Known)
			addEntries(t, s, "a", 1, md5Entry(1, ""))
			failRename(t, tt.suffix)
			err := tt.change(s)
			if err == nil || !strings.Contains(err.Error(), "simulated crash") {
				t.Fatalf("error = %v, want the simulated crash", err)
			}
			tt.check(t, s)
			if left := leftovers(t, s.Dir()); len(left) != 0 {
				t.Errorf("a failed write left %v", left)
			}
			rename = os.Rename
			if err := tt.change(s); err != nil {
				t.Fatalf("retry: %v", err)
			}
		})
	}
}

func TestIDsNotReusedAfterFailedAdd(t *testing.T) {
	s := openTemp(t)
	createBank(t, s, "a", match.Known)
	addEntries(t, s, "a", 1, md5Entry(1, ""))
	failRename(t, entriesName)
	if _, err := s.AddEntries(context.Background(), "a", []match.Entry{md5Entry(2, "")}); err == nil {
		t.Fatal("AddEntries succeeded despite the failing rename")
	}
	rename = os.Rename
	got := addEntries(t, s, "a", 1, md5Entry(2, ""))
	if got[0].ID != 3 {
		t.Errorf("id after a failed add = %d, want 3 (id 2 was reserved before the failure)", got[0].ID)
	}
}

func TestCounterRebuiltWhenMissing(t *testing.T) {
	s := openTemp(t)
	createBank(t, s, "a", match.Known)
	createBank(t, s, "b", match.Known)
	addEntries(t, s, "a", 3, md5Entry(1, ""), md5Entry(2, ""), md5Entry(3, ""))
	addEntries(t, s, "b", 1, md5Entry(4, ""))
	if err := os.Remove(filepath.Join(s.Dir(), nextIDName)); err != nil {
		t.Fatal(err)
	}
	got := addEntries(t, s, "a", 1, md5Entry(5, ""))
	if got[0].ID != 5 {
		t.Errorf("id with the counter file missing = %d, want 5", got[0].ID)
	}
}

func TestLock(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	other, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.lock.acquire(); err != nil {
		t.Fatal(err)
	}
	err = s.CreateBank(ctx, match.NewBank("a", match.Known))
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), s.Dir()) {
		t.Fatalf("CreateBank while another store writes: error = %v, want ErrLocked naming %s", err, s.Dir())
	}
	if _, err := s.Banks(ctx); err != nil {
		t.Errorf("reading while another store writes: %v", err)
	}
	if err := other.lock.release(); err != nil {
		t.Fatal(err)
	}
	createBank(t, s, "a", match.Known)

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateBank(ctx, match.NewBank("b", match.Known)); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("CreateBank after Close: error = %v, want store is closed", err)
	}
}

func TestConcurrentWritersInOneProcess(t *testing.T) {
	s := openTemp(t)
	createBank(t, s, "a", match.Known)
	const writers, each = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if _, err := s.AddEntries(context.Background(), "a", []match.Entry{md5Entry(w*each+i+1, "")}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	seen := map[uint32]bool{}
	for _, e := range entries(t, s, "a") {
		if seen[e.ID] {
			t.Errorf("id %d assigned twice", e.ID)
		}
		seen[e.ID] = true
	}
	if len(seen) != writers*each {
		t.Errorf("got %d entries, want %d", len(seen), writers*each)
	}
}

func TestCorruptFiles(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		file    string // relative to the data directory
		content string
		read    func(s *Store) error
		wantErr string
	}{
		{"bad entry line", "banks/a/entries.jsonl", `{"id":1,"type":"md5","value":"` + hex32(1) + `"}` + "\n{oops\n",
			func(s *Store) error { _, err := s.Entries(ctx, "a"); return err }, "entries.jsonl:2: invalid character"},
		{"entry without id", "banks/a/entries.jsonl", `{"type":"md5","value":"` + hex32(1) + `"}` + "\n",
			func(s *Store) error { _, err := s.Entries(ctx, "a"); return err }, "entries.jsonl:1: entry has no id"},
		{"bad entry value", "banks/a/entries.jsonl", `{"id":1,"type":"md5","value":"xyz"}` + "\n",
			func(s *Store) error { _, err := s.Entries(ctx, "a"); return err }, "entries.jsonl:1: md5:"},
		{"line too long", "banks/a/entries.jsonl", strings.Repeat(" ", maxLineBytes+1),
			func(s *Store) error { _, err := s.Entries(ctx, "a"); return err }, "entries.jsonl:1: bufio.Scanner: token too long"},
		{"missing entries file", "banks/a/entries.jsonl", "",
			func(s *Store) error {
				if err := os.Remove(s.entriesFile("a")); err != nil {
					return err
				}
				_, err := s.Entries(ctx, "a")
				return err
			}, "entries.jsonl: no such file"},
		{"settings of another bank", "banks/a/bank.json", `{"format":1,"name":"b","kind":"known"}`,
			func(s *Store) error { _, err := s.Bank(ctx, "a"); return err }, `bank.json: names bank "b", want "a"`},
		{"unknown format", "banks/a/bank.json", `{"format":2,"name":"a","kind":"known"}`,
			func(s *Store) error { _, err := s.Banks(ctx); return err }, "bank.json: unsupported format 2"},
		{"invalid settings", "banks/a/bank.json", `{"format":1,"name":"a","kind":"known","threshold":300}`,
			func(s *Store) error { _, err := s.Bank(ctx, "a"); return err }, "bank.json: bank a: threshold 300 out of range"},
		{"bad counter", "next-id", "seven\n",
			func(s *Store) error { _, err := s.AddEntries(ctx, "a", []match.Entry{md5Entry(9, "")}); return err }, `next-id: want an entry id from 1 to 4294967296, got "seven\n"`},
		{"exhausted counter", "next-id", "4294967296\n",
			func(s *Store) error { _, err := s.AddEntries(ctx, "a", []match.Entry{md5Entry(9, "")}); return err }, "entry ids exhausted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTemp(t)
			createBank(t, s, "a", match.Known)
			if err := os.WriteFile(filepath.Join(s.Dir(), tt.file), []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			err := tt.read(s)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), s.Dir()) {
				t.Errorf("error %q does not name the file's path", err)
			}
		})
	}
}
