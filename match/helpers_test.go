package match_test

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/pdq"
	"github.com/vigilproject/vigil/signal"
	"github.com/vigilproject/vigil/sqlite"
)

// fakeClock is a clock that tests set.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// epoch is the fake clock's starting time.
var epoch = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// testStore is the service's bank store on a database of its own.
type testStore struct {
	*sqlite.BankStore
	path string // of the database
}

// newStore opens a bank store on a fresh database in a temporary directory.
func newStore(t testing.TB) *testStore {
	t.Helper()
	return openStore(t, filepath.Join(t.TempDir(), "vigil.db"))
}

// openStore opens the bank store of the database at path, as another process would, closing
// it when the test ends.
func openStore(t testing.TB, path string) *testStore {
	t.Helper()
	db, err := sqlite.Open(context.Background(), path, vigil.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &testStore{BankStore: sqlite.NewBankStore(db), path: path}
}

// newMatcher returns a Matcher over an empty store and its clock.
func newMatcher(t testing.TB) (*match.Matcher, *testStore, *fakeClock) {
	t.Helper()
	s := newStore(t)
	clock := &fakeClock{now: epoch}
	m, err := match.NewMatcher(context.Background(), s, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	return m, s, clock
}

// bank describes a bank to create: kind known, threshold 31 and quality gate 50 unless set.
type bank struct {
	name       string
	kind       match.Kind
	threshold  int
	minQuality int
	disabled   bool
}

func (b bank) settings() match.Bank {
	s := match.NewBank(b.name, match.Known)
	if b.kind != "" {
		s.Kind = b.kind
	}
	if b.threshold != 0 {
		s.Threshold = b.threshold
	}
	if b.minQuality != 0 {
		s.MinQuality = b.minQuality
	}
	s.Enabled = !b.disabled
	return s
}

// createBanks creates banks through m.
func createBanks(t testing.TB, m *match.Matcher, banks ...bank) {
	t.Helper()
	for _, b := range banks {
		if err := m.CreateBank(context.Background(), b.settings()); err != nil {
			t.Fatal(err)
		}
	}
}

// add adds entries to bank through m and returns them with their ids.
func add(t testing.TB, m *match.Matcher, bank string, entries ...match.Entry) []match.Entry {
	t.Helper()
	if _, err := m.AddEntries(context.Background(), bank, entries); err != nil {
		t.Fatal(err)
	}
	return entries
}

// pdqEntry is an entry holding PDQ hash h.
func pdqEntry(h pdq.Hash, supplierID string) match.Entry {
	return match.Entry{Signal: pdqSignal(h), SupplierID: supplierID, Category: "cat-" + supplierID}
}

// pdqSignal is the signal of PDQ hash h.
func pdqSignal(h pdq.Hash) signal.Signal { return signal.Signal{Type: signal.PDQ, Value: h.String()} }

// randomHash draws a uniformly random PDQ hash.
func randomHash(rng *rand.Rand) pdq.Hash {
	return pdq.Hash{rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64()}
}

// flip returns h with exactly n distinct bits inverted.
func flip(rng *rand.Rand, h pdq.Hash, n int) pdq.Hash {
	for _, k := range rng.Perm(256)[:n] {
		h[k/64] ^= 1 << (k % 64)
	}
	return h
}

// hexOf returns digits hex digits derived from n, a valid exact-type value.
func hexOf(n uint64, digits int) string {
	const hexDigits = "0123456789abcdef"
	b := make([]byte, digits)
	for i := digits - 1; i >= 0; i-- {
		b[i] = hexDigits[n%16]
		n /= 16
	}
	return string(b)
}

// query is a PDQ query for h of unknown quality.
func query(h pdq.Hash) match.Query {
	return match.Query{Signals: []signal.Signal{pdqSignal(h)}, Quality: -1}
}

// hitSummary is a hit reduced to what tables compare.
type hitSummary struct {
	bank     string
	distance int
}

// summarize reduces hits to bank and distance.
func summarize(hits []match.Hit) []hitSummary {
	var out []hitSummary
	for _, h := range hits {
		out = append(out, hitSummary{h.Bank, h.Distance})
	}
	return out
}
