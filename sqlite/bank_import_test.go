package sqlite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/fakeclock"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// entrySource yields entries, then io.EOF.
func entrySource(entries ...match.Entry) func() (match.Entry, error) {
	return failingSource(io.EOF, entries...)
}

// failingSource yields entries, then err.
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

// md5Entries returns entries of MD5 values from to to, inclusive.
func md5Entries(from, to int) []match.Entry {
	var out []match.Entry
	for n := from; n <= to; n++ {
		out = append(out, md5Entry(n, ""))
	}
	return out
}

func TestImportEntries(t *testing.T) {
	s, db := openBanks(t)
	mustCreate(t, s, "a", match.Known)
	mustCreate(t, s, "other", match.Known)
	mustAdd(t, s, "a", 1, md5Entry(3, "held"))
	mustAdd(t, s, "other", 1, md5Entry(1, "elsewhere"))
	// Over two batches, with a repeat inside the first batch, one across batches, and the
	// entry the bank holds already.
	n := insertBatch + 10
	in := md5Entries(1, n)
	in = slices.Insert(in, 5, md5Entry(2, "again"))
	in = append(in, md5Entry(1, "again"))
	added, skipped, err := s.ImportEntries(bankCtx, "a", entrySource(in...))
	if err != nil {
		t.Fatal(err)
	}
	if added != n-1 || skipped != 3 {
		t.Errorf("ImportEntries = %d added, %d skipped; want %d, 3", added, skipped, n-1)
	}
	ids := entryIDs(t, s, "a")
	// Ids follow on without gaps: skipped entries used none up.
	if want := n; len(ids) != want || ids[len(ids)-1] != uint32(n+1) {
		t.Errorf("ids %v..%v (%d), want %d ending at %d", ids[:2], ids[len(ids)-1], len(ids), want, n+1)
	}
	stored, err := s.Entries(bankCtx, "a")
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range stored[1:] { // after the entry held: the file's new signals, in its order
		if want := md5Entry(newInOrder(i), "").Signal; e.Signal != want {
			t.Fatalf("entry %d is %s, want %s", i+2, e.Signal, want)
		}
	}
	if got := actions(t, db); got[len(got)-1] != "bank.import a admin" {
		t.Errorf("last audit event %q, want bank.import", got[len(got)-1])
	}
	before, err := s.StoreVersion(bankCtx)
	if err != nil {
		t.Fatal(err)
	}
	added, skipped, err = s.ImportEntries(bankCtx, "a", entrySource(in...))
	if err != nil || added != 0 || skipped != len(in) {
		t.Errorf("second import = %d added, %d skipped, %v; want 0, %d", added, skipped, err, len(in))
	}
	if after, _ := s.StoreVersion(bankCtx); after != before {
		t.Errorf("an import adding nothing moved the version %d -> %d", before, after)
	}
	assertNoSpool(t, db)
}

// newInOrder is the number of the i-th new signal of TestImportEntries's file: 1, 2, 4, 5, ...
func newInOrder(i int) int {
	if i < 2 {
		return i + 1
	}
	return i + 2
}

// assertNoSpool fails when an import left a spool file beside the database.
func assertNoSpool(t *testing.T, db *DB) {
	t.Helper()
	left, err := filepath.Glob(filepath.Join(filepath.Dir(db.path), ".import-*"))
	if err != nil || len(left) > 0 {
		t.Errorf("spool files left: %v %v", left, err)
	}
}

func TestImportEntriesAllOrNone(t *testing.T) {
	broken := errors.New("disk on fire")
	bad := md5Entry(9, "")
	bad.Signal.Value = "XYZ"
	tests := []struct {
		name    string
		next    func() (match.Entry, error)
		ctx     context.Context
		bank    string
		wantErr func(error) bool
	}{
		{"source fails", failingSource(broken, md5Entries(1, 5)...), bankCtx, "a",
			func(err error) bool { return errors.Is(err, broken) }},
		{"bad entry", entrySource(append(md5Entries(1, 5), bad)...), bankCtx, "a",
			func(err error) bool { return vigil.ErrorCode(err) == vigil.EINVALID }},
		{"entry of another bank", entrySource(match.Entry{Bank: "b", Signal: md5Entry(1, "").Signal}), bankCtx, "a",
			func(err error) bool { return vigil.ErrorCode(err) == vigil.EINVALID }},
		{"no such bank", entrySource(md5Entries(1, 5)...), bankCtx, "nope",
			func(err error) bool { return errors.Is(err, match.ErrNotFound) }},
		{"cancelled", entrySource(md5Entries(1, 5)...), cancelled(), "a",
			func(err error) bool { return errors.Is(err, context.Canceled) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, db := openBanks(t)
			mustCreate(t, s, "a", match.Known)
			_, _, err := s.ImportEntries(tt.ctx, tt.bank, tt.next)
			if !tt.wantErr(err) {
				t.Fatalf("error = %v", err)
			}
			if ids := entryIDs(t, s, "a"); len(ids) != 0 {
				t.Errorf("entries %v stored by a failed import", ids)
			}
			assertNoSpool(t, db)
		})
	}
}

// cancelled returns a cancelled context of the admin actor.
func cancelled() context.Context {
	ctx, cancel := context.WithCancel(bankCtx)
	cancel()
	return ctx
}

// TestStagedCommitHandsBackAdded checks that Commit hands back exactly the entries it added, as
// stored, in id order, and that a commit of a bank deleted meanwhile stores nothing.
func TestStagedCommitHandsBackAdded(t *testing.T) {
	s, _ := openBanks(t)
	mustCreate(t, s, "a", match.Known)
	mustAdd(t, s, "a", 1, md5Entry(2, ""))
	st, err := s.StageEntries(bankCtx, "a", entrySource(md5Entries(1, 4)...))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if st.Len() != 4 || st.Bank() != "a" {
		t.Errorf("staged %d for %s, want 4 for a", st.Len(), st.Bank())
	}
	var got []match.Entry
	added, skipped, err := st.Commit(bankCtx, func(e match.Entry) error { got = append(got, e); return nil })
	if err != nil || added != 3 || skipped != 1 {
		t.Fatalf("Commit = %d, %d, %v; want 3, 1", added, skipped, err)
	}
	stored, err := s.Entries(bankCtx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(got, stored[1:], func(a, b match.Entry) bool { return a == b }) {
		t.Errorf("handed back %+v, want %+v", got, stored[1:])
	}

	st2, err := s.StageEntries(bankCtx, "a", entrySource(md5Entries(7, 8)...))
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	if err := s.DeleteBank(bankCtx, "a"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st2.Commit(bankCtx, nil); !errors.Is(err, match.ErrNotFound) {
		t.Errorf("Commit into a deleted bank: %v, want not found", err)
	}
}

// TestMatcherImportEntries checks that entries imported through the Matcher match at once, that
// a disabled bank's are stored but not indexed, and that the Matcher still knows the store's
// version, so that it can write a snapshot.
func TestMatcherImportEntries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vigil.db")
	clock := fakeclock.New(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
	s := NewBankStore(openAt(t, path, clock))
	m, err := match.NewMatcher(bankCtx, s, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	off := match.NewBank("off", match.Known)
	off.Enabled = false
	for _, b := range []match.Bank{match.NewBank("on", match.Known), off} {
		if err := m.CreateBank(bankCtx, b); err != nil {
			t.Fatal(err)
		}
	}
	for _, bank := range []string{"on", "off"} {
		st, err := s.StageEntries(bankCtx, bank, entrySource(md5Entries(1, 3)...))
		if err != nil {
			t.Fatal(err)
		}
		if added, _, err := m.ImportEntries(bankCtx, st); err != nil || added != 3 {
			t.Fatalf("import into %s = %d, %v", bank, added, err)
		}
		st.Close()
	}
	q := match.Query{Signals: []signal.Signal{md5Entry(2, "").Signal}, Quality: -1}
	if res := m.Match(q, match.MatchOptions{}); len(res.Hits) != 1 || res.Hits[0].Bank != "on" {
		t.Errorf("Match = %+v, want one hit in bank on", res.Hits)
	}
	if m.Len() != 3 {
		t.Errorf("indexed %d entries, want the 3 of the enabled bank", m.Len())
	}
	if err := m.WriteSnapshot(io.Discard); err != nil {
		t.Errorf("WriteSnapshot after imports: %v", err)
	}
}

// BenchmarkImportEntries measures an import of 100,000 new PDQ entries into a bank of as many.
func BenchmarkImportEntries(b *testing.B) {
	const n = 100_000
	pdqEntries := func(from int) []match.Entry {
		out := make([]match.Entry, n)
		for i := range out {
			v := fmt.Sprintf("%064x", uint64(from+i)*0x9e3779b97f4a7c15)
			out[i] = match.Entry{Signal: signal.Signal{Type: signal.PDQ, Value: v}, SupplierID: "s", Category: "A1"}
		}
		return out
	}
	for b.Loop() {
		b.StopTimer()
		db, err := Open(context.Background(), filepath.Join(b.TempDir(), "vigil.db"), fakeclock.New(time.Unix(0, 0)))
		if err != nil {
			b.Fatal(err)
		}
		s := NewBankStore(db)
		if err := s.CreateBank(bankCtx, match.NewBank("a", match.Known)); err != nil {
			b.Fatal(err)
		}
		if _, _, err := s.ImportEntries(bankCtx, "a", entrySource(pdqEntries(0)...)); err != nil {
			b.Fatal(err)
		}
		next := entrySource(pdqEntries(n)...)
		b.StartTimer()
		if _, _, err := s.ImportEntries(bankCtx, "a", next); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "entries/s")
}

func TestScanEntries(t *testing.T) {
	s, _ := openBanks(t)
	mustCreate(t, s, "a", match.Known)
	mustAdd(t, s, "a", 3, md5Entry(1, "x"), md5Entry(2, "y"), md5Entry(3, "z"))
	var got []match.Entry
	if err := s.ScanEntries(bankCtx, "a", func(e match.Entry) error { got = append(got, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if want, err := s.Entries(bankCtx, "a"); err != nil || !slices.Equal(got, want) {
		t.Errorf("ScanEntries gave %+v, Entries %+v (%v)", got, want, err)
	}
	stop := errors.New("stop")
	n := 0
	if err := s.ScanEntries(bankCtx, "a", func(match.Entry) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("ScanEntries with fn failing: %d calls, error %v; want 1 and fn's error", n, err)
	}
	if err := s.ScanEntries(bankCtx, "nope", func(match.Entry) error { return nil }); !errors.Is(err, match.ErrNotFound) {
		t.Errorf("ScanEntries of a missing bank: error %v, want ErrNotFound", err)
	}
}
