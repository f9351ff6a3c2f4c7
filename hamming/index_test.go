package hamming

import (
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// model is the expected content of an index: id → code.
type model map[uint32]Code

func (m model) add(ids []uint32, codes []Code) {
	for i, id := range ids {
		m[id] = codes[i]
	}
}

func (m model) remove(ids []uint32) {
	for _, id := range ids {
		delete(m, id)
	}
}

// check compares the index with the model on queries near stored codes and at random.
func (m model) check(t *testing.T, ix *Index, rng *rand.Rand) {
	t.Helper()
	if ix.Len() != len(m) {
		t.Fatalf("Len %d, want %d", ix.Len(), len(m))
	}
	ids := slices.Sorted(maps.Keys(m))
	codes := make([]Code, len(ids))
	for i, id := range ids {
		codes[i] = m[id]
	}
	s := ix.Searcher()
	for range 30 {
		queries := []Code{randomCode(rng)}
		if len(ids) > 0 {
			queries = append(queries, flipBits(rng, codes[rng.IntN(len(codes))], rng.IntN(40)))
		}
		for _, r := range []int{0, 31, 64} {
			want := LinearSearch(ids, codes, r, queries...)
			got := s.Search(nil, r, queries...)
			if !slices.Equal(got, want) {
				t.Fatalf("radius %d: got %d matches, want %d\n%s", r, len(got), len(want), diffMatches(got, want))
			}
		}
	}
}

func randomBatch(rng *rand.Rand, n int, idRange uint32) ([]uint32, []Code) {
	ids := make([]uint32, n)
	codes := make([]Code, n)
	for i := range ids {
		ids[i] = rng.Uint32N(idRange)
		codes[i] = randomCode(rng)
	}
	return ids, codes
}

func TestUpdatesMatchModel(t *testing.T) {
	cases := []struct {
		name    string
		batch   int
		rounds  int
		idRange uint32
	}{
		{"single codes", 1, 9000, 6000},
		{"small batches", 300, 60, 20_000},
		{"segment batches", 6000, 6, 30_000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(uint64(tc.batch), 1))
			ix, m := New(), model{}
			for round := range tc.rounds {
				ids, codes := randomBatch(rng, tc.batch, tc.idRange)
				if err := ix.Add(ids, codes); err != nil {
					t.Fatal(err)
				}
				m.add(ids, codes)
				if round%3 == 2 {
					gone, _ := randomBatch(rng, tc.batch/2+1, tc.idRange)
					ix.Remove(gone)
					m.remove(gone)
				}
				if round%(tc.rounds/5) == 0 {
					m.check(t, ix, rng)
				}
			}
			m.check(t, ix, rng)
			ix.waitMerges()
			m.check(t, ix, rng)
			if n := len(ix.state.Load().segments); n > 8 {
				t.Errorf("%d segments after merging, want few", n)
			}
		})
	}
}

func TestAddRejectsMismatchedSlices(t *testing.T) {
	err := New().Add([]uint32{1, 2}, []Code{{}})
	if err == nil || !strings.Contains(err.Error(), "2 ids but 1 codes") {
		t.Errorf("got error %v, want a length mismatch", err)
	}
}

func TestAddKeepsLastOfRepeatedID(t *testing.T) {
	for _, n := range []int{3, deltaCapacity + 10} {
		ids := make([]uint32, n)
		codes := make([]Code, n)
		for i := range ids {
			ids[i] = uint32(i % 2)
			codes[i] = Code{uint64(i)}
		}
		ix := New()
		if err := ix.Add(ids, codes); err != nil {
			t.Fatal(err)
		}
		got := ix.Searcher().Search(nil, 0, codes[n-1], codes[n-2])
		want := []Match{{ID: 0, Query: (n - 1) % 2}, {ID: 1, Query: n % 2}}
		if !slices.Equal(got, want) || ix.Len() != 2 {
			t.Errorf("n=%d: got %v with Len %d, want %v", n, got, ix.Len(), want)
		}
	}
}

func TestSingleEntryMatches(t *testing.T) {
	ix := New()
	code := Code{0xdeadbeef, 1, 2, 3}
	if err := ix.Add([]uint32{42}, []Code{code}); err != nil {
		t.Fatal(err)
	}
	near := code
	near[2] ^= 0xff
	got := ix.Searcher().Search(nil, 31, near)
	if want := []Match{{ID: 42, Distance: 8}}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestSearchEdgeCases(t *testing.T) {
	d := makeDataset(2000, false, 5)
	ix := newTestIndex(t, d)
	s := ix.Searcher()
	prefix := []Match{{ID: 99}}
	cases := []struct {
		name    string
		radius  int
		queries []Code
		want    int
	}{
		{"negative radius", -1, []Code{d.codes[0]}, 0},
		{"no queries", 31, nil, 0},
		{"radius 256 matches all", 256, []Code{{}}, len(d.ids)},
		{"radius beyond 256", 1000, []Code{{}}, len(d.ids)},
		{"largest radius", math.MaxInt, []Code{{}, {1}}, len(d.ids)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := s.Search(slices.Clone(prefix), tc.radius, tc.queries...)
			if got[0] != prefix[0] || len(got) != 1+tc.want {
				t.Errorf("got %d matches after the prefix, want %d", len(got)-1, tc.want)
			}
		})
	}
}

func TestSearchAllocatesNothing(t *testing.T) {
	d := makeDataset(100_000, false, 9)
	ix := newTestIndex(t, d)
	if err := ix.Add([]uint32{1 << 30}, []Code{d.queries[0]}); err != nil {
		t.Fatal(err)
	}
	s := ix.Searcher()
	rng := rand.New(rand.NewPCG(1, 1))
	var dst []Match
	for _, perQuery := range []int{1, 8} {
		queries := queryCodes(d, rng, 0, perQuery)
		for range 3 {
			dst = s.Search(dst[:0], 31, queries...)
		}
		allocs := testing.AllocsPerRun(50, func() {
			dst = s.Search(dst[:0], 31, queries...)
		})
		if allocs != 0 {
			t.Errorf("%d query codes: %.1f allocations per search, want 0", perQuery, allocs)
		}
		if single := testing.AllocsPerRun(50, func() { dst = s.Search(dst[:0], 31, queries[0]) }); single != 0 {
			t.Errorf("single code: %.1f allocations per search, want 0", single)
		}
	}
}

// TestSearchDuringUpdates runs searches while codes are added, replaced and removed, and checks
// that codes no writer touches are always found. Run with -race, it also checks the locking.
func TestSearchDuringUpdates(t *testing.T) {
	d := makeDataset(20_000, false, 11)
	ix := newTestIndex(t, d)
	stable := d.planted[:200]
	var stop atomic.Bool
	var wg sync.WaitGroup
	for g := range 2 {
		wg.Go(func() {
			s := ix.Searcher()
			var dst []Match
			for i := 0; !stop.Load(); i++ {
				k := (i*7 + g) % len(stable)
				dst = s.Search(dst[:0], 31, d.queries[k])
				if _, ok := slices.BinarySearchFunc(dst, stable[k], func(m Match, id uint32) int {
					return cmpUint32(m.ID, id)
				}); !ok {
					t.Errorf("stable id %d not found during updates", stable[k])
					return
				}
			}
		})
	}
	rng := rand.New(rand.NewPCG(3, 3))
	for round := range 40 {
		ids, codes := randomBatch(rng, 50+round*100, 15_000)
		if err := ix.Add(ids, codes); err != nil {
			t.Error(err)
		}
		gone, _ := randomBatch(rng, 100, 15_000)
		ix.Remove(gone)
	}
	ix.waitMerges()
	stop.Store(true)
	wg.Wait()
}

func TestPickMerge(t *testing.T) {
	sized := func(sizes ...int) []*segment {
		var out []*segment
		for _, n := range sizes {
			out = append(out, &segment{ids: make([]uint32, n), dead: newTombstones(n)})
		}
		return out
	}
	withRemoved := sized(1000, 100)
	for p := range 300 {
		withRemoved[0].dead.set(uint32(p))
	}
	cases := []struct {
		name     string
		segments []*segment
		lo, hi   int
		ok       bool
	}{
		{"none", sized(), 0, 0, false},
		{"one", sized(100), 0, 0, false},
		{"doubling sizes", sized(800, 400, 100), 0, 0, false},
		{"two equal", sized(4096, 4096), 0, 2, true},
		{"run of newest", sized(100000, 4096, 4096, 4096), 1, 4, true},
		{"removed quarter", withRemoved, 0, 1, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lo, hi, ok := pickMerge(tc.segments)
			if ok != tc.ok || ok && (lo != tc.lo || hi != tc.hi) {
				t.Errorf("got %d, %d, %v; want %d, %d, %v", lo, hi, ok, tc.lo, tc.hi, tc.ok)
			}
		})
	}
}

func TestLargeBatchesSplitAndEmptySegmentsGo(t *testing.T) {
	defer func(saved int) { segmentCap = saved }(segmentCap)
	segmentCap = 5000
	d := makeDataset(12_000, false, 13)
	ix, m := New(), model{}
	if err := ix.Add(d.ids, d.codes); err != nil {
		t.Fatal(err)
	}
	m.add(d.ids, d.codes)
	if got := len(ix.state.Load().segments); got != 3 {
		t.Errorf("12,000 codes with a cap of 5,000 made %d segments, want 3", got)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	m.check(t, ix, rng)
	first := d.ids[:5000]
	ix.Remove(first)
	m.remove(first)
	ix.waitMerges()
	m.check(t, ix, rng)
	for _, s := range ix.state.Load().segments {
		if len(s.ids) > segmentCap || s.live() == 0 {
			t.Errorf("segment of %d entries, %d live, after merging", len(s.ids), s.live())
		}
	}
}
