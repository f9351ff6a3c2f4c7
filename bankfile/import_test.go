package bankfile

import (
	"context"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// entrySource returns a next function for ImportEntries that yields entries, then io.EOF.
func entrySource(entries ...match.Entry) func() (match.Entry, error) {
	return failingSource(io.EOF, entries...)
}

// failingSource returns a next function that yields entries, then fails with err.
func failingSource(err error, entries ...match.Entry) func() (match.Entry, error) {
	return func() (match.Entry, error) {
		if len(entries) == 0 {
			return match.Entry{}, err
		}
		e := entries[0]
		entries = entries[1:]
		return e, nil
	}
}

func TestImportEntries(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	createBank(t, s, "a", match.Known)
	addEntries(t, s, "a", 2, md5Entry(1, "x"), md5Entry(2, "y"))
	added, skipped, err := s.ImportEntries(ctx, "a", entrySource(
		md5Entry(2, "again"), md5Entry(3, "p"), md5Entry(4, "q"), md5Entry(3, "repeat"), md5Entry(5, "r")))
	if err != nil || added != 3 || skipped != 2 {
		t.Fatalf("ImportEntries = %d added, %d skipped, %v; want 3, 2, nil", added, skipped, err)
	}
	var got []string
	var ids []uint32
	for _, e := range entries(t, s, "a") {
		got = append(got, e.SupplierID)
		ids = append(ids, e.ID)
		if e.Bank != "a" || e.Added.IsZero() {
			t.Errorf("entry %+v: want bank a and an added time", e)
		}
	}
	if want := []string{"x", "y", "p", "q", "r"}; !reflect.DeepEqual(got, want) {
		t.Errorf("supplier ids %v, want %v", got, want)
	}
	if want := []uint32{1, 2, 3, 4, 5}; !reflect.DeepEqual(ids, want) {
		t.Errorf("ids %v, want %v", ids, want)
	}
	added, skipped, err = s.ImportEntries(ctx, "a", entrySource(md5Entry(1, ""), md5Entry(5, "")))
	if err != nil || added != 0 || skipped != 2 {
		t.Errorf("importing again = %d added, %d skipped, %v; want 0, 2, nil", added, skipped, err)
	}
}

func TestImportEntriesAllOrNone(t *testing.T) {
	ctx := context.Background()
	bad := md5Entry(9, "")
	bad.Signal.Value = "XYZ"
	tests := []struct {
		name    string
		bank    string
		next    func() (match.Entry, error)
		wantErr string
	}{
		{"source fails", "a", failingSource(errors.New("disk gone"), md5Entry(2, "")), "disk gone"},
		{"invalid entry", "a", entrySource(md5Entry(2, ""), bad), "entry 2"},
		{"entry of another bank", "a", entrySource(match.Entry{Bank: "b", Signal: md5Entry(2, "").Signal}), `belongs to bank "b"`},
		{"missing bank", "nope", entrySource(md5Entry(2, "")), "not found"},
		{"invalid bank name", "A B", entrySource(md5Entry(2, "")), "invalid bank name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTemp(t)
			createBank(t, s, "a", match.Known)
			addEntries(t, s, "a", 1, md5Entry(1, ""))
			added, _, err := s.ImportEntries(ctx, tt.bank, tt.next)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || added != 0 {
				t.Fatalf("ImportEntries = %d, %v; want 0 and an error containing %q", added, err, tt.wantErr)
			}
			if got := entries(t, s, "a"); len(got) != 1 {
				t.Errorf("bank a has %d entries, want 1", len(got))
			}
			if left := leftovers(t, s.Dir()); len(left) != 0 {
				t.Errorf("a failed import left %v", left)
			}
		})
	}
}

func TestImportEntriesCancelled(t *testing.T) {
	s := openTemp(t)
	createBank(t, s, "a", match.Known)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	next := func() (match.Entry, error) {
		n++
		if n == checkEvery {
			cancel()
		}
		return md5Entry(n, ""), nil
	}
	if _, _, err := s.ImportEntries(ctx, "a", next); !errors.Is(err, context.Canceled) {
		t.Fatalf("ImportEntries error = %v, want context.Canceled", err)
	}
	if got := entries(t, s, "a"); len(got) != 0 {
		t.Errorf("bank a has %d entries after a cancelled import, want 0", len(got))
	}
}

func TestSignalSet(t *testing.T) {
	tests := []struct {
		name   string
		sig    signal.Signal
		packed bool
	}{
		{"md5", signal.Signal{Type: signal.MD5, Value: hex32(1)}, true},
		{"pdq", signal.Signal{Type: signal.PDQ, Value: hex32(1) + hex32(2)}, true},
		{"same digits as sha256", signal.Signal{Type: signal.SHA256, Value: hex32(1) + hex32(2)}, true},
		{"uppercase", signal.Signal{Type: signal.MD5, Value: strings.ToUpper(hex32(10))}, false},
		{"odd length", signal.Signal{Type: signal.MD5, Value: "abc"}, false},
		{"too long", signal.Signal{Type: signal.PDQ, Value: hex32(1) + hex32(2) + "00"}, false},
		{"unknown type", signal.Signal{Type: "tmk", Value: hex32(1)}, false},
	}
	set := newSignalSet()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := pack(tt.sig); ok != tt.packed {
				t.Errorf("pack(%v) ok = %v, want %v", tt.sig, ok, tt.packed)
			}
			if !set.add(tt.sig) {
				t.Errorf("add(%v) = false the first time", tt.sig)
			}
			if set.add(tt.sig) {
				t.Errorf("add(%v) = true the second time", tt.sig)
			}
		})
	}
}

func TestScanEntries(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	createBank(t, s, "a", match.Known)
	addEntries(t, s, "a", 3, md5Entry(1, "x"), md5Entry(2, "y"), md5Entry(3, "z"))
	var got []match.Entry
	if err := s.ScanEntries(ctx, "a", func(e match.Entry) error { got = append(got, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if want := entries(t, s, "a"); !reflect.DeepEqual(got, want) {
		t.Errorf("ScanEntries gave %+v, Entries %+v", got, want)
	}
	stop := errors.New("stop")
	n := 0
	err := s.ScanEntries(ctx, "a", func(match.Entry) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("ScanEntries with fn failing: %d calls, error %v; want 1 and fn's error", n, err)
	}
	if err := s.ScanEntries(ctx, "nope", func(match.Entry) error { return nil }); !errors.Is(err, match.ErrNotFound) {
		t.Errorf("ScanEntries of a missing bank: error %v, want ErrNotFound", err)
	}
}
