package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/fakeclock"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// bankCtx is the context of the tests' bank changes: an admin user, recorded in the audit log.
var bankCtx = vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorUser, ID: "usr_admin", Name: "admin",
	Role: vigil.RoleAdmin, Scopes: vigil.ScopesOf(vigil.RoleAdmin)})

// reviewerCtx is the context of a reviewer, who may read banks but not copy their hashes out.
var reviewerCtx = vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorUser, ID: "usr_rev", Name: "rev",
	Role: vigil.RoleReviewer, Scopes: vigil.ScopesOf(vigil.RoleReviewer)})

func openBanks(t *testing.T) (*BankStore, *DB) {
	t.Helper()
	db := openTest(t)
	return NewBankStore(db), db
}

func mustCreate(t *testing.T, s *BankStore, name string, kind match.Kind) {
	t.Helper()
	if err := s.CreateBank(bankCtx, match.NewBank(name, kind)); err != nil {
		t.Fatal(err)
	}
}

func md5Entry(n int, supplierID string) match.Entry {
	return match.Entry{Signal: signal.Signal{Type: signal.MD5, Value: fmt.Sprintf("%032x", n)}, SupplierID: supplierID}
}

func mustAdd(t *testing.T, s *BankStore, bank string, want int, entries ...match.Entry) []match.Entry {
	t.Helper()
	added, err := s.AddEntries(bankCtx, bank, entries)
	if err != nil {
		t.Fatal(err)
	}
	if added != want {
		t.Fatalf("AddEntries added %d, want %d", added, want)
	}
	return entries
}

func entryIDs(t *testing.T, s *BankStore, bank string) []uint32 {
	t.Helper()
	es, err := s.Entries(bankCtx, bank)
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint32
	for _, e := range es {
		ids = append(ids, e.ID)
	}
	return ids
}

// actions returns the actions of the audit log, in order.
func actions(t *testing.T, db *DB) []string {
	t.Helper()
	events, err := db.AuditEvents(context.Background(), vigil.AuditFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range events {
		out = append(out, e.Action+" "+e.ObjectID+" "+e.ActorName)
	}
	return out
}

func TestBankStoreCreateValidation(t *testing.T) {
	s, _ := openBanks(t)
	mustCreate(t, s, "taken", match.Known)
	withThreshold := func(n int) match.Bank { b := match.NewBank("b", match.Known); b.Threshold = n; return b }
	tests := []struct {
		name    string
		bank    match.Bank
		wantErr string
		wantIs  error
	}{
		{"empty name", match.NewBank("", match.Known), "invalid bank name", nil},
		{"uppercase", match.NewBank("Bank", match.Known), "invalid bank name", nil},
		{"dot dot", match.NewBank("..", match.Known), "invalid bank name", nil},
		{"bad kind", match.NewBank("b", "block"), `invalid kind "block"`, nil},
		{"large threshold", withThreshold(65), "threshold 65 out of range", nil},
		{"taken", match.NewBank("taken", match.Allow), "bank taken: already exists", match.ErrExists},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.CreateBank(bankCtx, tt.bank)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("CreateBank error = %v, want it to contain %q", err, tt.wantErr)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v does not wrap %v", err, tt.wantIs)
			}
			if tt.wantIs == nil && vigil.ErrorCode(err) != vigil.EINVALID {
				t.Errorf("error code %q, want %q", vigil.ErrorCode(err), vigil.EINVALID)
			}
		})
	}
}

func TestBankStoreLifecycle(t *testing.T) {
	s, db := openBanks(t)
	created := time.Date(2025, 3, 4, 5, 6, 7, 891234567, time.FixedZone("x", 3600))
	want := match.Bank{Name: "ncmec", Kind: match.Known, Threshold: 20, MinQuality: 70, Enabled: true,
		Source: "NCMEC", Licence: "restricted", Version: "2025-03", Created: created}
	if err := s.CreateBank(bankCtx, want); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, "allowed", match.Allow)
	want.Created = created.UTC().Truncate(time.Millisecond)
	if got, err := s.Bank(bankCtx, "ncmec"); err != nil || got != want {
		t.Fatalf("Bank() = %+v, %v; want %+v", got, err, want)
	}
	banks, err := s.Banks(bankCtx)
	if err != nil || len(banks) != 2 || banks[0].Name != "allowed" || banks[1] != want || banks[0].Created.IsZero() {
		t.Fatalf("Banks() = %+v, %v; want allowed (with a creation time) then ncmec", banks, err)
	}
	update := want
	update.Threshold, update.Enabled, update.Created = 10, false, time.Time{}
	if err := s.UpdateBank(bankCtx, update); err != nil {
		t.Fatal(err)
	}
	update.Created = want.Created
	if got, err := s.Bank(bankCtx, "ncmec"); err != nil || got != update {
		t.Errorf("after UpdateBank Bank() = %+v, %v; want %+v", got, err, update)
	}
	mustAdd(t, s, "ncmec", 1, md5Entry(1, "a"))
	if err := s.DeleteBank(bankCtx, "ncmec"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"Bank", func() error { _, err := s.Bank(bankCtx, "ncmec"); return err }()},
		{"Entries", func() error { _, err := s.Entries(bankCtx, "ncmec"); return err }()},
		{"CountEntries", func() error { _, err := s.CountEntries(bankCtx, "ncmec"); return err }()},
		{"UpdateBank", s.UpdateBank(bankCtx, update)},
		{"DeleteBank", s.DeleteBank(bankCtx, "ncmec")},
		{"AddEntries", func() error { _, err := s.AddEntries(bankCtx, "ncmec", []match.Entry{md5Entry(2, "")}); return err }()},
		{"RemoveEntries", s.RemoveEntries(bankCtx, "ncmec", nil)},
		{"EntryPage", func() error { _, err := s.EntryPage(bankCtx, "ncmec", vigil.EntryQuery{}); return err }()},
	} {
		t.Run(tc.name+" after delete", func(t *testing.T) {
			if !errors.Is(tc.err, match.ErrNotFound) || !strings.Contains(tc.err.Error(), "bank ncmec: not found") {
				t.Errorf("error = %v, want bank ncmec: not found", tc.err)
			}
		})
	}
	wantLog := []string{"bank.create ncmec admin", "bank.create allowed admin", "bank.update ncmec admin",
		"bank.add_entries ncmec admin", "bank.delete ncmec admin"}
	if got := actions(t, db); !slices.Equal(got, wantLog) {
		t.Errorf("audit log = %q, want %q (failed changes leave no event)", got, wantLog)
	}
}

func TestBankStoreAddEntries(t *testing.T) {
	s, db := openBanks(t)
	mustCreate(t, s, "a", match.Known)
	mustCreate(t, s, "b", match.Known)
	disabled := time.Date(2030, 1, 2, 3, 4, 5, 6789999, time.UTC)
	first := md5Entry(1, "s1")
	first.Category, first.Note, first.DisabledUntil = "A1", "line one\nline \"two\"", disabled
	batch := []match.Entry{first, md5Entry(2, "s2"), md5Entry(1, "repeat of s1"),
		{Signal: signal.Signal{Type: signal.PDQ, Value: strings.Repeat("f0", 32)}, Bank: "a"}}
	added := mustAdd(t, s, "a", 3, batch...)
	for i, wantID := range []uint32{1, 2, 0, 3} {
		if added[i].ID != wantID {
			t.Errorf("entry %d has ID %d, want %d", i, added[i].ID, wantID)
		}
	}
	if added[0].Bank != "a" || !added[0].Added.Equal(db.Clock.Now()) || !added[0].DisabledUntil.Equal(disabled.Truncate(time.Millisecond)) {
		t.Errorf("stored entry = %+v, want bank, added time and disabled-until to the millisecond set", added[0])
	}
	stored, err := s.Entries(bankCtx, "a")
	if want := []match.Entry{added[0], added[1], added[3]}; err != nil || !slices.Equal(stored, want) {
		t.Fatalf("Entries() = %+v, %v\nwant %+v", stored, err, want)
	}
	again := []match.Entry{md5Entry(1, "s1"), md5Entry(2, "s2")}
	mustAdd(t, s, "a", 0, again...)
	if again[0].ID != 0 || again[1].ID != 0 {
		t.Errorf("skipped entries got ids %d, %d; want 0", again[0].ID, again[1].ID)
	}
	other := mustAdd(t, s, "b", 2, md5Entry(1, "same hash, other bank"), md5Entry(3, ""))
	if other[0].ID != 4 || other[1].ID != 5 {
		t.Errorf("bank b ids = %d, %d; want 4, 5 (unique across banks)", other[0].ID, other[1].ID)
	}
	if n, err := s.CountEntries(bankCtx, "a"); err != nil || n != 3 {
		t.Errorf("CountEntries(a) = %d, %v; want 3", n, err)
	}
	if err := s.DeleteBank(bankCtx, "b"); err != nil {
		t.Fatal(err)
	}
	if next := mustAdd(t, s, "a", 1, md5Entry(9, "")); next[0].ID != 6 {
		t.Errorf("after deleting the bank with the largest ids, new id = %d, want 6 (ids never reused)", next[0].ID)
	}
}

func TestBankStoreAddEntriesRejects(t *testing.T) {
	s, _ := openBanks(t)
	mustCreate(t, s, "a", match.Known)
	mustAdd(t, s, "a", 1, md5Entry(1, ""))
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
	}{
		{"unknown type", "a", bad(func(e *match.Entry) { e.Signal.Type = "photodna" }), `"photodna"`},
		{"alias type", "a", bad(func(e *match.Entry) { e.Signal.Type = "video_md5" }), `is not canonical (want "md5")`},
		{"short value", "a", bad(func(e *match.Entry) { e.Signal.Value = "abc" }), "want 32 hex digits"},
		{"uppercase value", "a", bad(func(e *match.Entry) { e.Signal.Value = strings.Repeat("AB", 16) }), "is not canonical"},
		{"invalid UTF-8", "a", bad(func(e *match.Entry) { e.Note = "\xff" }), "note is not valid UTF-8"},
		{"other bank", "a", bad(func(e *match.Entry) { e.Bank = "b" }), `entry 2 of 2 belongs to bank "b"`},
		{"missing bank", "nope", md5Entry(2, ""), "bank nope: not found"},
		{"bad bank name", "No", md5Entry(2, ""), "invalid bank name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := s.AddEntries(bankCtx, tt.bank, []match.Entry{md5Entry(3, ""), tt.entry})
			if err == nil || n != 0 || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("AddEntries = %d, %v; want 0 and an error containing %q", n, err, tt.wantErr)
			}
			if got := entryIDs(t, s, "a"); len(got) != 1 {
				t.Errorf("bank a has %d entries after a rejected call, want 1", len(got))
			}
		})
	}
}

func TestBankStoreRemoveEntries(t *testing.T) {
	s, _ := openBanks(t)
	mustCreate(t, s, "a", match.Known)
	mustCreate(t, s, "b", match.Known)
	mustAdd(t, s, "a", 4, md5Entry(1, ""), md5Entry(2, ""), md5Entry(3, ""), md5Entry(4, ""))
	mustAdd(t, s, "b", 1, md5Entry(5, ""))
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
			err := s.RemoveEntries(bankCtx, "a", tt.ids)
			if tt.wantErr == "" && err != nil {
				t.Fatal(err)
			}
			if tt.wantErr != "" && (!errors.Is(err, match.ErrNotFound) || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("RemoveEntries error = %v, want one wrapping ErrNotFound containing %q", err, tt.wantErr)
			}
			if got := entryIDs(t, s, "a"); !slices.Equal(got, tt.wantIDs) {
				t.Errorf("ids left = %v, want %v", got, tt.wantIDs)
			}
		})
	}
	mustAdd(t, s, "a", 1, md5Entry(1, "re-added after removal"))
}

func TestBankStoreAuditedReads(t *testing.T) {
	s, db := openBanks(t)
	mustCreate(t, s, "a", match.Known)
	var batch []match.Entry
	for i := range 7 {
		batch = append(batch, md5Entry(i+1, fmt.Sprintf("sup%d", i%2)))
	}
	mustAdd(t, s, "a", 7, batch...)
	tests := []struct {
		name string
		q    vigil.EntryQuery
		want []uint32
	}{
		{"first page", vigil.EntryQuery{Limit: 3}, []uint32{1, 2, 3}},
		{"next page", vigil.EntryQuery{After: 3, Limit: 3}, []uint32{4, 5, 6}},
		{"last page", vigil.EntryQuery{After: 6, Limit: 3}, []uint32{7}},
		{"by signal", vigil.EntryQuery{Signal: md5Entry(5, "").Signal}, []uint32{5}},
		{"by supplier id", vigil.EntryQuery{SupplierID: "sup1"}, []uint32{2, 4, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := s.EntryPage(bankCtx, "a", tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var ids []uint32
			for _, e := range page {
				ids = append(ids, e.ID)
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("ids = %v, want %v", ids, tt.want)
			}
		})
	}
	if e, err := s.Entry(bankCtx, "a", 4); err != nil || e.SupplierID != "sup1" {
		t.Errorf("Entry(4) = %+v, %v", e, err)
	}
	if _, err := s.Entry(bankCtx, "a", 40); !errors.Is(err, match.ErrNotFound) {
		t.Errorf("Entry(40) error = %v, want not found", err)
	}
	if es, err := s.Export(bankCtx, "a"); err != nil || len(es) != 7 {
		t.Errorf("Export = %d entries, %v; want 7", len(es), err)
	}
	var reads []string
	for _, a := range actions(t, db) {
		if !strings.HasPrefix(a, "bank.create") && !strings.HasPrefix(a, "bank.add") {
			reads = append(reads, a)
		}
	}
	want := slices.Repeat([]string{"bank.read_entries a admin"}, len(tests))
	want = append(want, "bank.read_entry a admin", "bank.export a admin")
	if !slices.Equal(reads, want) {
		t.Errorf("read events = %q, want %q", reads, want)
	}
}

// TestBankStoreValuesForAdminsOnly checks that only admins read signal values: others get the
// entries without them, except when they search by the signal, which they know, and cannot
// export.
func TestBankStoreValuesForAdminsOnly(t *testing.T) {
	s, db := openBanks(t)
	mustCreate(t, s, "a", match.Known)
	mustAdd(t, s, "a", 2, md5Entry(1, "x"), md5Entry(2, "y"))
	page := func(ctx context.Context, q vigil.EntryQuery) func() ([]match.Entry, error) {
		return func() ([]match.Entry, error) { return s.EntryPage(ctx, "a", q) }
	}
	entry := func(ctx context.Context) func() ([]match.Entry, error) {
		return func() ([]match.Entry, error) {
			e, err := s.Entry(ctx, "a", 2)
			return []match.Entry{e}, err
		}
	}
	tests := []struct {
		name       string
		read       func() ([]match.Entry, error)
		wantValues []string
		wantDetail string
	}{
		{"admin page", page(bankCtx, vigil.EntryQuery{}), []string{md5Entry(1, "").Signal.Value, md5Entry(2, "").Signal.Value}, `"values":true`},
		{"reviewer page", page(reviewerCtx, vigil.EntryQuery{}), []string{"", ""}, `"values":false`},
		{"reviewer by supplier", page(reviewerCtx, vigil.EntryQuery{SupplierID: "y"}), []string{""}, `"values":false`},
		{"reviewer by signal", page(reviewerCtx, vigil.EntryQuery{Signal: md5Entry(2, "").Signal}), []string{md5Entry(2, "").Signal.Value}, `"values":false`},
		{"admin entry", entry(bankCtx), []string{md5Entry(2, "").Signal.Value}, `"values":true`},
		{"reviewer entry", entry(reviewerCtx), []string{""}, `"values":false`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries, err := tt.read()
			if err != nil {
				t.Fatal(err)
			}
			var values []string
			for _, e := range entries {
				if e.Signal.Type != signal.MD5 || e.SupplierID == "" {
					t.Errorf("entry %+v lost its type or supplier id", e)
				}
				values = append(values, e.Signal.Value)
			}
			if !slices.Equal(values, tt.wantValues) {
				t.Errorf("values = %q, want %q", values, tt.wantValues)
			}
			if ev := lastAudit(t, db); !strings.Contains(ev.Detail, tt.wantDetail) {
				t.Errorf("audit detail %s, want %s", ev.Detail, tt.wantDetail)
			}
		})
	}
	if _, err := s.Export(reviewerCtx, "a"); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
		t.Errorf("reviewer Export error = %v, want forbidden", err)
	}
}

func TestBankStoreSignalStats(t *testing.T) {
	s, _ := openBanks(t)
	mustCreate(t, s, "a", match.Known)
	mustCreate(t, s, "off", match.Known)
	pdqEntry := match.Entry{Signal: signal.Signal{Type: signal.PDQ, Value: strings.Repeat("0f", 32)}}
	mustAdd(t, s, "a", 3, md5Entry(1, ""), md5Entry(2, ""), pdqEntry)
	mustAdd(t, s, "off", 1, md5Entry(3, ""))
	off := match.NewBank("off", match.Known)
	off.Enabled = false
	if err := s.UpdateBank(bankCtx, off); err != nil {
		t.Fatal(err)
	}
	stats, err := s.SignalStats(bankCtx)
	if err != nil {
		t.Fatal(err)
	}
	if len(stats) != 2 || stats[signal.MD5].Count != 2 || stats[signal.PDQ].Count != 1 || stats[signal.PDQ].Newest.IsZero() {
		t.Errorf("SignalStats = %+v, want 2 md5 and 1 pdq of the enabled bank", stats)
	}
}

// TestMatcherOnBankStore checks that the Matcher runs on the store: changes through it match at
// once, and a Matcher loaded from the reopened database sees them.
func TestMatcherOnBankStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vigil.db")
	clock := fakeclock.New(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
	db, err := Open(context.Background(), path, clock)
	if err != nil {
		t.Fatal(err)
	}
	m, err := match.NewMatcher(bankCtx, NewBankStore(db), clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.CreateBank(bankCtx, match.NewBank("known", match.Known)); err != nil {
		t.Fatal(err)
	}
	if _, err := m.AddEntries(bankCtx, "known", []match.Entry{md5Entry(1, "x")}); err != nil {
		t.Fatal(err)
	}
	q := match.Query{Signals: []signal.Signal{md5Entry(1, "").Signal}, Quality: -1}
	if res := m.Match(q, match.MatchOptions{}); len(res.Hits) != 1 || res.Hits[0].SupplierID != "x" {
		t.Errorf("Match after AddEntries = %+v, want the entry", res)
	}
	db.Close()
	db = openAt(t, path, clock)
	reloaded, err := match.NewMatcher(bankCtx, NewBankStore(db), clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	if res := reloaded.Match(q, match.MatchOptions{}); len(res.Hits) != 1 {
		t.Errorf("Match after reopening = %+v, want the entry", res)
	}
}

// openAt opens the database at path, closing it when the test ends.
func openAt(t *testing.T, path string, clock vigil.Clock) *DB {
	t.Helper()
	db, err := Open(context.Background(), path, clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestBankStoreVersion(t *testing.T) {
	s, _ := openBanks(t)
	mustCreate(t, s, "a", match.Known)
	steps := []struct {
		name  string
		do    func() error
		delta uint64
	}{
		{"create", func() error { return s.CreateBank(bankCtx, match.NewBank("b", match.Known)) }, 1},
		{"failed create", func() error { return s.CreateBank(bankCtx, match.NewBank("b", match.Known)) }, 0},
		{"update", func() error { return s.UpdateBank(bankCtx, match.NewBank("b", match.Allow)) }, 1},
		{"add", func() error {
			_, err := s.AddEntries(bankCtx, "a", []match.Entry{md5Entry(1, ""), md5Entry(2, "")})
			return err
		}, 1},
		{"add nothing new", func() error { _, err := s.AddEntries(bankCtx, "a", []match.Entry{md5Entry(1, "")}); return err }, 0},
		{"import", func() error {
			_, _, err := s.ImportEntries(bankCtx, "a", entrySource(md5Entry(6, ""), md5Entry(7, "")))
			return err
		}, 1},
		{"import nothing new", func() error { _, _, err := s.ImportEntries(bankCtx, "a", entrySource(md5Entry(6, ""))); return err }, 0},
		{"failed import", func() error {
			_, _, err := s.ImportEntries(bankCtx, "a", failingSource(errors.New("boom"), md5Entry(8, "")))
			return err
		}, 0},
		{"disable", func() error { return s.SetDisabledUntil(bankCtx, "a", []uint32{1}, time.Unix(2e9, 0)) }, 1},
		{"remove none", func() error { return s.RemoveEntries(bankCtx, "a", nil) }, 0},
		{"remove", func() error { return s.RemoveEntries(bankCtx, "a", []uint32{1, 2}) }, 1},
		{"failed remove", func() error { return s.RemoveEntries(bankCtx, "a", []uint32{1}) }, 0},
		{"delete", func() error { return s.DeleteBank(bankCtx, "b") }, 1},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			before, err := s.StoreVersion(bankCtx)
			if err != nil {
				t.Fatal(err)
			}
			wantErr := st.delta == 0 && strings.HasPrefix(st.name, "failed")
			if err := st.do(); (err != nil) != wantErr {
				t.Fatalf("error = %v, want error %v", err, wantErr)
			}
			if after, err := s.StoreVersion(bankCtx); err != nil || after != before+st.delta {
				t.Errorf("version %d -> %d, %v; want +%d", before, after, err, st.delta)
			}
		})
	}
}

// BenchmarkBankStoreAddEntries measures an import: 100,000 new MD5 entries in one call.
func BenchmarkBankStoreAddEntries(b *testing.B) {
	const n = 100_000
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		db, err := Open(context.Background(), filepath.Join(b.TempDir(), "vigil.db"), fakeclock.New(time.Unix(0, 0)))
		if err != nil {
			b.Fatal(err)
		}
		s := NewBankStore(db)
		if err := s.CreateBank(bankCtx, match.NewBank("a", match.Known)); err != nil {
			b.Fatal(err)
		}
		entries := make([]match.Entry, n)
		for k := range entries {
			entries[k] = md5Entry(k+1, "")
		}
		b.StartTimer()
		if _, err := s.AddEntries(bankCtx, "a", entries); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "entries/s")
}
