package match_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/pdq"
	"github.com/vigilproject/vigil/signal"
)

// referenceMatch is the slow, obvious Match: it compares the query with every entry of every
// bank in the store using signal.SignalType.Distance.
func referenceMatch(t testing.TB, s match.Store, q match.Query, opt match.MatchOptions, now time.Time) match.Result {
	t.Helper()
	ctx := context.Background()
	banks, err := s.Banks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	values := map[signal.Type][]string{}
	for _, sig := range q.Signals {
		values[sig.Type] = append(values[sig.Type], sig.Value)
	}
	for _, h := range q.Dihedral {
		values[signal.PDQ] = append(values[signal.PDQ], h.String())
	}
	var res match.Result
	for _, b := range banks {
		if !b.Enabled || b.Kind == match.Known && len(opt.Banks) > 0 && !slices.Contains(opt.Banks, b.Name) {
			continue
		}
		threshold := b.Threshold
		if opt.Threshold > 0 {
			threshold = min(opt.Threshold, match.MaxThreshold)
		}
		entries, err := s.Entries(ctx, b.Name)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			st, err := signal.Lookup(string(e.Signal.Type))
			if err != nil {
				t.Fatal(err)
			}
			if e.DisabledUntil.After(now) || !st.Exact() && q.Quality >= 0 && q.Quality < b.MinQuality {
				continue
			}
			best := -1
			for _, v := range values[e.Signal.Type] {
				d, err := st.Distance(e.Signal.Value, v)
				if err == nil && (best < 0 || d < best) {
					best = d
				}
			}
			if best < 0 || st.Exact() && best != 0 || !st.Exact() && best > threshold {
				continue
			}
			h := match.Hit{Bank: b.Name, Kind: b.Kind, Entry: e.ID, Signal: e.Signal, SupplierID: e.SupplierID,
				Category: e.Category, Distance: best}
			if b.Kind == match.Allow {
				res.Allowed = append(res.Allowed, h)
			} else {
				res.Hits = append(res.Hits, h)
			}
		}
	}
	order := func(a, b match.Hit) int {
		return cmp.Or(cmp.Compare(a.Bank, b.Bank), cmp.Compare(a.Distance, b.Distance), cmp.Compare(a.Entry, b.Entry))
	}
	slices.SortFunc(res.Hits, order)
	slices.SortFunc(res.Allowed, order)
	if len(res.Allowed) > 0 {
		res.Suppressed, res.Hits = res.Hits, nil
	}
	return res
}

// corpus fills banks with clustered PDQ hashes and exact hashes and returns the PDQ cluster
// centres and the exact values, for drawing queries near them.
type corpus struct {
	centres []pdq.Hash
	exact   []signal.Signal
}

// fillRandom creates banks of random settings and entries through m.
func fillRandom(t testing.TB, m *match.Matcher, rng *rand.Rand, banks, perBank int) corpus {
	t.Helper()
	var c corpus
	for range 40 {
		c.centres = append(c.centres, randomHash(rng))
	}
	types := []struct {
		typ    signal.Type
		digits int
	}{{signal.MD5, 32}, {signal.SHA1, 40}, {signal.SHA256, 64}}
	for range 60 {
		ty := types[rng.IntN(len(types))]
		c.exact = append(c.exact, signal.Signal{Type: ty.typ, Value: hexOf(rng.Uint64N(1000), ty.digits)})
	}
	var added [][]match.Entry
	for i := range banks {
		b := match.Bank{Name: fmt.Sprintf("bank%d", i), Kind: match.Known, Threshold: rng.IntN(match.MaxThreshold + 1),
			MinQuality: rng.IntN(match.MaxQuality + 1), Enabled: rng.IntN(5) > 0}
		if rng.IntN(4) == 0 {
			b.Kind = match.Allow
		}
		if err := m.CreateBank(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		var entries []match.Entry
		for j := range perBank {
			e := match.Entry{SupplierID: fmt.Sprintf("s%d-%d", i, j), Category: []string{"A1", "B2", ""}[rng.IntN(3)]}
			if rng.IntN(3) == 0 {
				e.Signal = c.exact[rng.IntN(len(c.exact))]
			} else {
				e.Signal = pdqSignal(flip(rng, c.centres[rng.IntN(len(c.centres))], rng.IntN(40)))
			}
			if rng.IntN(8) == 0 {
				e.DisabledUntil = epoch.Add(time.Duration(rng.IntN(48)-24) * time.Hour)
			}
			entries = append(entries, e)
		}
		added = append(added, add(t, m, b.Name, entries...))
	}
	// Removing entries of every bank unlinks some from the middle of the lists of entries with
	// the same exact value, and frees slots that the entries added next reuse.
	for i, entries := range added {
		var doomed []uint32
		for _, e := range entries {
			if e.ID != 0 && rng.IntN(5) == 0 {
				doomed = append(doomed, e.ID)
			}
		}
		if err := m.RemoveEntries(context.Background(), fmt.Sprintf("bank%d", i), doomed); err != nil {
			t.Fatal(err)
		}
	}
	for range perBank / 2 {
		e := match.Entry{Signal: c.exact[rng.IntN(len(c.exact))]}
		if rng.IntN(2) == 0 {
			e.Signal = pdqSignal(flip(rng, c.centres[rng.IntN(len(c.centres))], rng.IntN(40)))
		}
		add(t, m, fmt.Sprintf("bank%d", rng.IntN(banks)), e)
	}
	// A bank updated while it has entries: to enabled, to disabled, or a new threshold.
	b := match.Bank{Name: "bank0", Kind: match.Known, Threshold: rng.IntN(match.MaxThreshold + 1), Enabled: rng.IntN(2) == 0}
	if err := m.UpdateBank(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return c
}

// randomQuery draws a query near the corpus, with random quality, dihedral hashes and options.
func randomQuery(rng *rand.Rand, c corpus, banks int) (match.Query, match.MatchOptions) {
	q := match.Query{Quality: rng.IntN(102) - 1}
	near := func() pdq.Hash { return flip(rng, c.centres[rng.IntN(len(c.centres))], rng.IntN(60)) }
	if rng.IntN(4) > 0 {
		q.Signals = append(q.Signals, pdqSignal(near()))
	}
	if rng.IntN(3) == 0 {
		q.Signals = append(q.Signals, c.exact[rng.IntN(len(c.exact))])
	}
	if rng.IntN(4) == 0 {
		for range 8 {
			q.Dihedral = append(q.Dihedral, near())
		}
	}
	var opt match.MatchOptions
	if rng.IntN(3) == 0 {
		opt.Threshold = rng.IntN(70)
	}
	for i := range banks {
		if rng.IntN(4) == 0 {
			opt.Banks = append(opt.Banks, fmt.Sprintf("bank%d", i))
		}
	}
	return q, opt
}

func TestMatchesReference(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			m, s, clock := newMatcher(t)
			rng := rand.New(rand.NewPCG(seed, 99))
			const banks = 6
			c := fillRandom(t, m, rng, banks, 150)
			loaded, err := match.NewMatcher(context.Background(), s, clock.Now)
			if err != nil {
				t.Fatal(err)
			}
			hits := 0
			for i := range 300 {
				q, opt := randomQuery(rng, c, banks)
				want := referenceMatch(t, s, q, opt, clock.Now())
				for name, mm := range map[string]*match.Matcher{"live": m, "loaded": loaded} {
					if got := mm.Match(q, opt); !reflect.DeepEqual(got, want) {
						t.Fatalf("query %d, %s Matcher: %+v, options %+v:\ngot  %+v\nwant %+v", i, name, q, opt, got, want)
					}
				}
				hits += len(want.Hits) + len(want.Allowed) + len(want.Suppressed)
			}
			if hits == 0 {
				t.Fatal("no query matched anything: the test data are too sparse to test anything")
			}
		})
	}
}

func TestMatchDuringChanges(t *testing.T) {
	ctx := context.Background()
	m, _, _ := newMatcher(t)
	createBanks(t, m, bank{name: "live"})
	rng := rand.New(rand.NewPCG(9, 9))
	stable := randomHash(rng)
	add(t, m, "live", pdqEntry(stable, "stable"))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if res := m.Match(query(stable), match.MatchOptions{}); len(res.Hits) != 1 {
					errs <- fmt.Sprintf("stable entry: %d hits, want 1", len(res.Hits))
					return
				}
			}
		})
	}
	for round := range 20 {
		var entries []match.Entry
		for range 50 {
			entries = append(entries, pdqEntry(randomHash(rng), fmt.Sprint(round)))
		}
		added := add(t, m, "live", entries...)
		for _, e := range added[:5] {
			h, _ := pdq.Parse(e.Signal.Value)
			if got := m.Match(query(h), match.MatchOptions{}); len(got.Hits) != 1 || got.Hits[0].Entry != e.ID {
				t.Fatalf("round %d: entry %d not matchable right after AddEntries: %+v", round, e.ID, got)
			}
		}
		var ids []uint32
		for _, e := range added {
			ids = append(ids, e.ID)
		}
		if err := m.RemoveEntries(ctx, "live", ids); err != nil {
			t.Fatal(err)
		}
		h, _ := pdq.Parse(added[0].Signal.Value)
		if got := m.Match(query(h), match.MatchOptions{}); len(got.Hits) != 0 {
			t.Fatalf("round %d: removed entry still matches: %+v", round, got)
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
}
