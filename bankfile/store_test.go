package bankfile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// openTemp opens a store in a fresh temporary directory.
func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "data"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// createBank creates a bank with default settings or fails the test.
func createBank(t testing.TB, s *Store, name string, kind match.Kind) {
	t.Helper()
	if err := s.CreateBank(context.Background(), match.NewBank(name, kind)); err != nil {
		t.Fatal(err)
	}
}

// md5Entry returns an entry with the MD5-shaped value n.
func md5Entry(n int, supplierID string) match.Entry {
	return match.Entry{Signal: signal.Signal{Type: signal.MD5, Value: hex32(n)}, SupplierID: supplierID}
}

// hex32 formats n as 32 lowercase hex digits.
func hex32(n int) string {
	const digits = "0123456789abcdef"
	b := []byte(strings.Repeat("0", 32))
	for i := 31; n > 0; i-- {
		b[i] = digits[n%16]
		n /= 16
	}
	return string(b)
}

// addEntries adds entries to bank and fails the test unless want of them were added.
func addEntries(t testing.TB, s *Store, bank string, want int, entries ...match.Entry) []match.Entry {
	t.Helper()
	added, err := s.AddEntries(context.Background(), bank, entries)
	if err != nil {
		t.Fatal(err)
	}
	if added != want {
		t.Fatalf("AddEntries added %d, want %d", added, want)
	}
	return entries
}

// entries returns the entries of bank or fails the test.
func entries(t *testing.T, s *Store, bank string) []match.Entry {
	t.Helper()
	es, err := s.Entries(context.Background(), bank)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestOpen(t *testing.T) {
	if _, err := Open(""); err == nil || !strings.Contains(err.Error(), "empty data directory") {
		t.Errorf("Open(\"\") error = %v, want one about the empty name", err)
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(file); err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("Open(a file) error = %v, want one naming %s", err, file)
	}
	s := openTemp(t)
	if fi, err := os.Stat(filepath.Join(s.Dir(), "banks")); err != nil || !fi.IsDir() {
		t.Errorf("Open did not create the banks directory: %v", err)
	}
}

func TestCreateBankValidation(t *testing.T) {
	s := openTemp(t)
	createBank(t, s, "taken", match.Known)
	withThreshold := func(n int) match.Bank { b := match.NewBank("b", match.Known); b.Threshold = n; return b }
	withQuality := func(n int) match.Bank { b := match.NewBank("b", match.Known); b.MinQuality = n; return b }
	tests := []struct {
		name    string
		bank    match.Bank
		wantErr string
		wantIs  error
	}{
		{"empty name", match.NewBank("", match.Known), "invalid bank name", nil},
		{"uppercase", match.NewBank("Bank", match.Known), "invalid bank name", nil},
		{"dot first", match.NewBank(".hidden", match.Known), "invalid bank name", nil},
		{"dot dot", match.NewBank("..", match.Known), "invalid bank name", nil},
		{"slash", match.NewBank("a/b", match.Known), "invalid bank name", nil},
		{"too long", match.NewBank(strings.Repeat("a", 65), match.Known), "invalid bank name", nil},
		{"no kind", match.NewBank("b", ""), `invalid kind ""`, nil},
		{"bad kind", match.NewBank("b", "block"), `invalid kind "block"`, nil},
		{"negative threshold", withThreshold(-1), "threshold -1 out of range", nil},
		{"large threshold", withThreshold(65), "threshold 65 out of range", nil},
		{"quality above 100", withQuality(101), "minimum quality 101 out of range", nil},
		{"taken", match.NewBank("taken", match.Allow), "bank taken: already exists", match.ErrExists},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.CreateBank(context.Background(), tt.bank)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("CreateBank error = %v, want it to contain %q", err, tt.wantErr)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("CreateBank error %v does not wrap %v", err, tt.wantIs)
			}
		})
	}
	banks, err := s.Banks(context.Background())
	if err != nil || len(banks) != 1 {
		t.Errorf("after failed creations Banks() = %v, %v; want only bank taken", banks, err)
	}
}

func TestBankLifecycle(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	created := time.Date(2025, 3, 4, 5, 6, 7, 891234567, time.FixedZone("x", 3600))
	want := match.Bank{Name: "ncmec", Kind: match.Known, Threshold: 20, MinQuality: 70, Enabled: true,
		Source: "NCMEC <hash sharing>", Licence: "restricted", Version: "2025-03", Created: created}
	if err := s.CreateBank(ctx, want); err != nil {
		t.Fatal(err)
	}
	createBank(t, s, "allowed", match.Allow)
	want.Created = created.UTC().Truncate(time.Millisecond)
	got, err := s.Bank(ctx, "ncmec")
	if err != nil || got != want {
		t.Fatalf("Bank() = %+v, %v; want %+v", got, err, want)
	}
	banks, err := s.Banks(ctx)
	if err != nil || len(banks) != 2 || banks[0].Name != "allowed" || banks[1] != want {
		t.Fatalf("Banks() = %+v, %v; want allowed then ncmec", banks, err)
	}
	if banks[0].Created.IsZero() {
		t.Error("CreateBank did not set Created")
	}

	update := want
	update.Threshold, update.Enabled, update.Kind, update.Created = 10, false, match.Allow, time.Time{}
	if err := s.UpdateBank(ctx, update); err != nil {
		t.Fatal(err)
	}
	update.Created = want.Created
	if got, err := s.Bank(ctx, "ncmec"); err != nil || got != update {
		t.Errorf("after UpdateBank Bank() = %+v, %v; want %+v (creation time kept)", got, err, update)
	}

	addEntries(t, s, "ncmec", 1, md5Entry(1, "a"))
	if err := s.DeleteBank(ctx, "ncmec"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"Bank", func() error { _, err := s.Bank(ctx, "ncmec"); return err }()},
		{"Entries", func() error { _, err := s.Entries(ctx, "ncmec"); return err }()},
		{"CountEntries", func() error { _, err := s.CountEntries(ctx, "ncmec"); return err }()},
		{"UpdateBank", s.UpdateBank(ctx, update)},
		{"DeleteBank", s.DeleteBank(ctx, "ncmec")},
		{"AddEntries", func() error { _, err := s.AddEntries(ctx, "ncmec", []match.Entry{md5Entry(2, "")}); return err }()},
		{"RemoveEntries", s.RemoveEntries(ctx, "ncmec", nil)},
	} {
		t.Run(tc.name+" after delete", func(t *testing.T) {
			if !errors.Is(tc.err, match.ErrNotFound) || !strings.Contains(tc.err.Error(), "bank ncmec: not found") {
				t.Errorf("error = %v, want bank ncmec: not found", tc.err)
			}
		})
	}
	if err := s.CreateBank(ctx, match.NewBank("ncmec", match.Known)); err != nil {
		t.Fatalf("re-creating a deleted bank: %v", err)
	}
	if es := entries(t, s, "ncmec"); len(es) != 0 {
		t.Errorf("re-created bank has %d entries, want 0", len(es))
	}
}

func TestAddEntries(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	createBank(t, s, "a", match.Known)
	createBank(t, s, "b", match.Known)
	disabled := time.Date(2030, 1, 2, 3, 4, 5, 6789999, time.UTC)
	first := md5Entry(1, "s1")
	first.Category, first.Note, first.DisabledUntil = "A1", "line one\nline \"two\" <b>", disabled
	batch := []match.Entry{
		first,
		md5Entry(2, "s2"),
		md5Entry(1, "repeat of s1 in the same call"),
		{Signal: signal.Signal{Type: signal.PDQ, Value: strings.Repeat("f0", 32)}, Bank: "a"},
	}
	added := addEntries(t, s, "a", 3, batch...)
	for i, wantID := range []uint32{1, 2, 0, 3} {
		if added[i].ID != wantID {
			t.Errorf("entry %d has ID %d, want %d", i, added[i].ID, wantID)
		}
	}
	if added[0].Bank != "a" || added[0].Added.IsZero() || !added[0].DisabledUntil.Equal(disabled.Truncate(time.Millisecond)) {
		t.Errorf("stored entry = %+v, want bank, added time and disabled-until to the millisecond set", added[0])
	}
	stored := entries(t, s, "a")
	want := []match.Entry{added[0], added[1], added[3]}
	if !slices.Equal(stored, want) {
		t.Fatalf("Entries() =\n%+v\nwant\n%+v", stored, want)
	}

	before, err := os.ReadFile(s.entriesFile("a"))
	if err != nil {
		t.Fatal(err)
	}
	again := []match.Entry{md5Entry(1, "s1"), md5Entry(2, "s2")}
	addEntries(t, s, "a", 0, again...)
	if again[0].ID != 0 || again[1].ID != 0 {
		t.Errorf("skipped entries got ids %d, %d; want 0", again[0].ID, again[1].ID)
	}
	after, err := os.ReadFile(s.entriesFile("a"))
	if err != nil || string(after) != string(before) {
		t.Errorf("re-adding the same entries changed the file (err %v)", err)
	}

	other := addEntries(t, s, "b", 2, md5Entry(1, "same hash, other bank"), md5Entry(3, ""))
	if other[0].ID != 4 || other[1].ID != 5 {
		t.Errorf("bank b ids = %d, %d; want 4, 5 (unique across banks)", other[0].ID, other[1].ID)
	}
	if n, err := s.CountEntries(ctx, "a"); err != nil || n != 3 {
		t.Errorf("CountEntries(a) = %d, %v; want 3", n, err)
	}

	if err := s.DeleteBank(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	reopened, err := Open(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	defer reopened.Close()
	next := addEntries(t, reopened, "a", 1, md5Entry(9, ""))
	if next[0].ID != 6 {
		t.Errorf("after deleting the bank with the largest ids and reopening, new id = %d, want 6", next[0].ID)
	}
}

func TestAddEntriesRejects(t *testing.T) {
	s := openTemp(t)
	createBank(t, s, "a", match.Known)
	addEntries(t, s, "a", 1, md5Entry(1, ""))
	bad := func(mutate func(*match.Entry)) match.Entry {
		e := md5Entry(2, "")
		mutate(&e)
		return e
	}
	tests := []struct {
		name    string
		bank    string
		entry   match.Entry
		wantErr string
		wantIs  error
	}{
		{"unknown type", "a", bad(func(e *match.Entry) { e.Signal.Type = "photodna" }), `"photodna"`, nil},
		{"alias type", "a", bad(func(e *match.Entry) { e.Signal.Type = "video_md5" }), `signal type "video_md5" is not canonical (want "md5")`, nil},
		{"uppercase value", "a", bad(func(e *match.Entry) { e.Signal.Value = strings.ToUpper(hex32(0xabc)) }), "is not canonical", nil},
		{"short value", "a", bad(func(e *match.Entry) { e.Signal.Value = "abc" }), "want 32 hex digits", nil},
		{"invalid UTF-8", "a", bad(func(e *match.Entry) { e.Note = "\xff" }), "note is not valid UTF-8", nil},
		{"other bank", "a", bad(func(e *match.Entry) { e.Bank = "b" }), `entry 2 of 2 belongs to bank "b"`, nil},
		{"missing bank", "nope", md5Entry(2, ""), "bank nope: not found", match.ErrNotFound},
		{"bad bank name", "No", md5Entry(2, ""), "invalid bank name", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := s.AddEntries(context.Background(), tt.bank, []match.Entry{md5Entry(3, ""), tt.entry})
			if err == nil || n != 0 || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("AddEntries = %d, %v; want 0 and an error containing %q", n, err, tt.wantErr)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v does not wrap %v", err, tt.wantIs)
			}
			if got := entries(t, s, "a"); len(got) != 1 {
				t.Errorf("bank a has %d entries after a rejected call, want 1", len(got))
			}
		})
	}
}

func TestRemoveEntries(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	createBank(t, s, "a", match.Known)
	createBank(t, s, "b", match.Known)
	addEntries(t, s, "a", 4, md5Entry(1, ""), md5Entry(2, ""), md5Entry(3, ""), md5Entry(4, ""))
	addEntries(t, s, "b", 1, md5Entry(5, ""))
	tests := []struct {
		name    string
		ids     []uint32
		wantErr string
		wantIDs []uint32
	}{
		{"none", nil, "", []uint32{1, 2, 3, 4}},
		{"id of another bank", []uint32{2, 5}, "bank a: entry 5: not found (1 of the ids", []uint32{1, 2, 3, 4}},
		{"unknown ids", []uint32{99, 2, 98}, "bank a: entry 98: not found (2 of the ids", []uint32{1, 2, 3, 4}},
		{"two, one repeated", []uint32{3, 1, 3}, "", []uint32{2, 4}},
		{"already removed", []uint32{1}, "entry 1: not found", []uint32{2, 4}},
		{"the rest", []uint32{4, 2}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.RemoveEntries(ctx, "a", tt.ids)
			if tt.wantErr == "" && err != nil {
				t.Fatal(err)
			}
			if tt.wantErr != "" && (!errors.Is(err, match.ErrNotFound) || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("RemoveEntries error = %v, want one wrapping ErrNotFound containing %q", err, tt.wantErr)
			}
			var ids []uint32
			for _, e := range entries(t, s, "a") {
				ids = append(ids, e.ID)
			}
			if !slices.Equal(ids, tt.wantIDs) {
				t.Errorf("ids left = %v, want %v", ids, tt.wantIDs)
			}
		})
	}
	if got := entries(t, s, "b"); len(got) != 1 {
		t.Errorf("bank b has %d entries, want 1", len(got))
	}
	addEntries(t, s, "a", 1, md5Entry(1, "re-added after removal"))
}

func TestEntriesFileEndingWithoutLineBreak(t *testing.T) {
	s := openTemp(t)
	createBank(t, s, "a", match.Known)
	addEntries(t, s, "a", 1, md5Entry(1, ""))
	path := s.entriesFile("a")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data[:len(data)-1], 0o600); err != nil {
		t.Fatal(err)
	}
	addEntries(t, s, "a", 1, md5Entry(2, ""))
	if got := entries(t, s, "a"); len(got) != 2 {
		t.Errorf("got %d entries, want 2", len(got))
	}
}
