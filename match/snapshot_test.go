package match_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// snapshot returns the snapshot of m or fails the test.
func snapshot(t testing.TB, m *match.Matcher) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := m.WriteSnapshot(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sameMatches fails the test unless every Matcher of ms answers n random queries as want does.
func sameMatches(t *testing.T, rng *rand.Rand, c corpus, banks, n int, want *match.Matcher, ms map[string]*match.Matcher) {
	t.Helper()
	hits := 0
	for i := range n {
		q, opt := randomQuery(rng, c, banks)
		res := want.Match(q, opt)
		for name, m := range ms {
			if got := m.Match(q, opt); !reflect.DeepEqual(got, res) {
				t.Fatalf("query %d, %s Matcher: %+v, options %+v:\ngot  %+v\nwant %+v", i, name, q, opt, got, res)
			}
		}
		hits += len(res.Hits) + len(res.Allowed) + len(res.Suppressed)
	}
	if hits == 0 {
		t.Fatal("no query matched anything: the test data are too sparse to test anything")
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			m, s, clock := newMatcher(t)
			rng := rand.New(rand.NewPCG(seed, 7))
			const banks = 6
			c := fillRandom(t, m, rng, banks, 200)
			data := snapshot(t, m)
			loaded, err := match.LoadMatcher(ctx, s, bytes.NewReader(data), clock.Now)
			if err != nil {
				t.Fatal(err)
			}
			rebuilt, err := match.NewMatcher(ctx, s, clock.Now)
			if err != nil {
				t.Fatal(err)
			}
			if loaded.Len() != rebuilt.Len() || !reflect.DeepEqual(loaded.Banks(), rebuilt.Banks()) {
				t.Fatalf("loaded: %d entries, banks %+v; rebuilt: %d, %+v", loaded.Len(), loaded.Banks(), rebuilt.Len(), rebuilt.Banks())
			}
			sameMatches(t, rng, c, banks, 400, rebuilt, map[string]*match.Matcher{"live": m, "loaded": loaded})
			if !bytes.Equal(snapshot(t, loaded), data) {
				t.Error("the loaded Matcher's snapshot differs from the one it was loaded from")
			}

			// The loaded Matcher takes changes, and keeps knowing its version.
			e := add(t, loaded, "bank1", pdqEntry(randomHash(rng), "late"))[0]
			h := loaded.Match(match.Query{Signals: []signal.Signal{e.Signal}, Quality: -1}, match.MatchOptions{Banks: []string{"bank1"}})
			if enabled := loaded.Banks()[1].Enabled; enabled && !containsEntry(slices.Concat(h.Hits, h.Allowed, h.Suppressed), e.ID) {
				t.Errorf("entry added to the loaded Matcher does not match: %+v", h)
			}
			if _, err := match.LoadMatcher(ctx, s, bytes.NewReader(snapshot(t, loaded)), clock.Now); err != nil {
				t.Errorf("snapshot after a change through the loaded Matcher: %v", err)
			}
		})
	}
}

// containsEntry reports whether hits include the entry id.
func containsEntry(hits []match.Hit, id uint32) bool {
	for _, h := range hits {
		if h.Entry == id {
			return true
		}
	}
	return false
}

func TestSnapshotStale(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		change  func(t *testing.T, other *match.Matcher, s *testStore) error
		byStore bool // the change bypasses the other Matcher
	}{
		{"create bank", func(t *testing.T, o *match.Matcher, _ *testStore) error {
			return o.CreateBank(ctx, match.NewBank("new", match.Known))
		}, false},
		{"update bank", func(t *testing.T, o *match.Matcher, _ *testStore) error {
			b := match.NewBank("a", match.Known)
			b.Threshold = 10
			return o.UpdateBank(ctx, b)
		}, false},
		{"disable bank", func(t *testing.T, o *match.Matcher, _ *testStore) error {
			b := match.NewBank("a", match.Known)
			b.Enabled = false
			return o.UpdateBank(ctx, b)
		}, false},
		{"delete bank", func(t *testing.T, o *match.Matcher, _ *testStore) error { return o.DeleteBank(ctx, "b") }, false},
		{"add entries", func(t *testing.T, o *match.Matcher, _ *testStore) error {
			_, err := o.AddEntries(ctx, "a", []match.Entry{pdqEntry(randomHash(rand.New(rand.NewPCG(1, 2))), "new")})
			return err
		}, false},
		{"remove entries", func(t *testing.T, o *match.Matcher, _ *testStore) error {
			return o.RemoveEntries(ctx, "a", []uint32{1})
		}, false},
		{"import entries", func(t *testing.T, _ *match.Matcher, s *testStore) error {
			next := []match.Entry{{Signal: signal.Signal{Type: signal.MD5, Value: hexOf(77, 32)}}}
			_, _, err := s.ImportEntries(ctx, "b", func() (match.Entry, error) {
				if len(next) == 0 {
					return match.Entry{}, io.EOF
				}
				e := next[0]
				next = next[1:]
				return e, nil
			})
			return err
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, s, clock := newMatcher(t)
			createBanks(t, m, bank{name: "a"}, bank{name: "b"})
			rng := rand.New(rand.NewPCG(3, 3))
			add(t, m, "a", pdqEntry(randomHash(rng), "1"), pdqEntry(randomHash(rng), "2"))
			add(t, m, "b", match.Entry{Signal: signal.Signal{Type: signal.MD5, Value: hexOf(5, 32)}})
			data := snapshot(t, m)
			if _, err := match.LoadMatcher(ctx, s, bytes.NewReader(data), clock.Now); err != nil {
				t.Fatalf("fresh snapshot: %v", err)
			}
			// Another process: its own store on the same directory, and its own Matcher.
			s2 := openStore(t, s.path)
			other, err := match.NewMatcher(ctx, s2, clock.Now)
			if err != nil {
				t.Fatal(err)
			}
			if err := tt.change(t, other, s2); err != nil {
				t.Fatal(err)
			}
			if _, err := match.LoadMatcher(ctx, s, bytes.NewReader(data), clock.Now); !errors.Is(err, match.ErrStaleSnapshot) {
				t.Fatalf("snapshot after the change: error %v, want ErrStaleSnapshot", err)
			}
			// The other Matcher's snapshot is current; the first Matcher's is not, and once
			// it makes a change of its own it no longer knows its version at all.
			_, err = match.LoadMatcher(ctx, s, bytes.NewReader(snapshot(t, other)), clock.Now)
			if stale := errors.Is(err, match.ErrStaleSnapshot); stale != tt.byStore || err != nil && !stale {
				t.Errorf("the other Matcher's snapshot: error %v, want it stale only if the change bypassed it", err)
			}
			if _, err := match.LoadMatcher(ctx, s, bytes.NewReader(snapshot(t, m)), clock.Now); !errors.Is(err, match.ErrStaleSnapshot) {
				t.Errorf("first Matcher's new snapshot: error %v, want ErrStaleSnapshot", err)
			}
			if _, err := m.AddEntries(ctx, "a", []match.Entry{pdqEntry(randomHash(rng), "3")}); err != nil {
				t.Fatal(err)
			}
			if err := m.WriteSnapshot(io.Discard); !errors.Is(err, match.ErrUnknownVersion) {
				t.Errorf("first Matcher's WriteSnapshot after its own change: error %v, want ErrUnknownVersion", err)
			}
		})
	}
}

// unversioned hides the Versioned method of a store.
type unversioned struct{ match.Store }

func TestSnapshotUnversionedStore(t *testing.T) {
	ctx := context.Background()
	_, s, clock := newMatcher(t)
	m, err := match.NewMatcher(ctx, unversioned{s}, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.WriteSnapshot(io.Discard); !errors.Is(err, match.ErrUnknownVersion) {
		t.Errorf("WriteSnapshot: error %v, want ErrUnknownVersion", err)
	}
	versioned, err := match.NewMatcher(ctx, s, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	data := snapshot(t, versioned)
	if _, err := match.LoadMatcher(ctx, unversioned{s}, bytes.NewReader(data), clock.Now); !errors.Is(err, match.ErrUnknownVersion) {
		t.Errorf("LoadMatcher: error %v, want ErrUnknownVersion", err)
	}
}

// snapshotFixture returns a store with banks and entries and a snapshot of it.
func snapshotFixture(t testing.TB) (*testStore, *fakeClock, []byte) {
	t.Helper()
	m, s, clock := newMatcher(t)
	rng := rand.New(rand.NewPCG(4, 4))
	fillRandom(t, m, rng, 3, 40)
	return s, clock, snapshot(t, m)
}

func TestSnapshotCorrupt(t *testing.T) {
	ctx := context.Background()
	s, clock, data := snapshotFixture(t)
	flipped := func(at int) []byte {
		b := bytes.Clone(data)
		b[at] ^= 0x10
		return b
	}
	tests := []struct {
		name    string
		data    []byte
		wantErr string
	}{
		{"empty", nil, "truncated"},
		{"bad magic", flipped(0), "bad magic"},
		{"newer format", flipped(8), "format"},
		{"header", flipped(40), "checksum mismatch in header"},
		{"text", flipped(len(data) / 8), "checksum mismatch"},
		{"index", flipped(len(data) - 100), "hamming"},
		{"truncated header", data[:20], "truncated"},
		{"truncated rows", data[:len(data)/4], "truncated"},
		{"truncated index", data[:len(data)-10], "truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []io.Reader{bytes.NewReader(tt.data), io.MultiReader(bytes.NewReader(tt.data))} {
				_, err := match.LoadMatcher(ctx, s, r, clock.Now)
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("LoadMatcher(%T): error %v, want one containing %q", r, err, tt.wantErr)
				}
			}
		})
	}
}

func TestOpenMatcher(t *testing.T) {
	ctx := context.Background()
	s, clock, data := snapshotFixture(t)
	path := filepath.Join(filepath.Dir(s.path), "matcher.snapshot")
	want, err := match.NewMatcher(ctx, s, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		file     []byte // nil: no file
		rejected string // what Opened.Rejected says, "" when the file is used
	}{
		{"missing", nil, "no such file"},
		{"current", data, ""},
		{"corrupt", slices.Concat(data[:len(data)/2], []byte{^data[len(data)/2]}, data[len(data)/2+1:]), "load matcher snapshot"},
		{"truncated", data[:len(data)-1], "truncated"},
		{"trailing data", append(bytes.Clone(data), 0), "trailing data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(path)
			if tt.file != nil {
				if err := os.WriteFile(path, tt.file, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			m, opened, err := match.OpenMatcher(ctx, s, path, clock.Now)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.rejected == "" && !opened.FromSnapshot:
				t.Fatalf("snapshot not used: %v", opened.Rejected)
			case tt.rejected != "" && (opened.FromSnapshot || opened.Rejected == nil || !strings.Contains(opened.Rejected.Error(), tt.rejected)):
				t.Fatalf("Opened %+v, want the snapshot rejected with %q", opened, tt.rejected)
			case opened.SaveErr != nil:
				t.Fatalf("save: %v", opened.SaveErr)
			}
			if tt.name == "missing" && !errors.Is(opened.Rejected, fs.ErrNotExist) {
				t.Errorf("Rejected = %v, want fs.ErrNotExist", opened.Rejected)
			}
			if m.Len() != want.Len() {
				t.Errorf("Matcher has %d entries, want %d", m.Len(), want.Len())
			}
			// Whatever was there, the file is now a current snapshot.
			if _, opened, _ := match.OpenMatcher(ctx, s, path, clock.Now); !opened.FromSnapshot {
				t.Errorf("second open did not use the snapshot saved by the first: %v", opened.Rejected)
			}
		})
	}
}

func TestSaveSnapshotRemovesNothingElse(t *testing.T) {
	s, clock, _ := snapshotFixture(t)
	m, err := match.NewMatcher(context.Background(), s, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(filepath.Dir(s.path), "matcher.snapshot")
	if err := m.SaveSnapshot(path); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Dir(s.path))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("SaveSnapshot left %s", e.Name())
		}
	}
}

// changingStore is a store that another writer changes between any two calls of StoreVersion.
type changingStore struct {
	*testStore
	changes uint64
}

func (s *changingStore) StoreVersion(ctx context.Context) (uint64, error) {
	v, err := s.testStore.StoreVersion(ctx)
	s.changes++
	return v + s.changes - 1, err
}

// TestSnapshotChangeWhileReading checks that a Matcher read or built while the store changes
// does not claim the version it started from.
func TestSnapshotChangeWhileReading(t *testing.T) {
	ctx := context.Background()
	s, clock, data := snapshotFixture(t)
	if _, err := match.LoadMatcher(ctx, &changingStore{testStore: s}, bytes.NewReader(data), clock.Now); !errors.Is(err, match.ErrStaleSnapshot) {
		t.Errorf("LoadMatcher: error %v, want ErrStaleSnapshot", err)
	}
	m, err := match.NewMatcher(ctx, &changingStore{testStore: s}, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.WriteSnapshot(io.Discard); !errors.Is(err, match.ErrUnknownVersion) {
		t.Errorf("WriteSnapshot of a Matcher built during a change: error %v, want ErrUnknownVersion", err)
	}
}
