package hamming

import (
	"errors"
	"fmt"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// A segment is a batch of entries with its multi-index tables; the index is a list of segments
// plus a small delta for recent additions (see index.go). Inside a segment an entry is known by
// its position 0..n-1. Tables hold positions rather than ids, so a candidate's code is one array
// read away, and entries are ordered by id, so an id is found by binary search without a map.
// Everything but the tombstones is immutable once built, so searches read it without locks.
type segment struct {
	ids    []uint32 // id at each position: ascending, except in the delta (insertion order)
	codes  []Code   // code at each position
	tables []table  // one per chunk; nil when the segment is always scanned linearly
	plans  []plan   // how to probe the tables at each radius 0..maxPlannedRadius
	dead   *tombstones
	mem    *arena // owns ids, codes and tables; freed when the segment becomes unreachable
}

// plan says how to search a segment's tables at one radius.
type plan struct {
	probes []probe // tables to probe, in table order; nil when a scan is always cheaper
	masks  int     // total masks over the probes: buckets probed per query code
	cost   float64 // estimated nanoseconds per query code
}

// probe is one table of a plan with its probe radius and the key masks that radius needs.
type probe struct {
	table  *table
	radius int
	masks  []uint32
}

// tombstones marks removed positions. Bits are set atomically in place and never cleared, so
// searches can test them without locks; a position is not reused within a segment.
type tombstones struct {
	words []uint64
	count atomic.Int64
}

// newTombstones returns tombstones for n positions, none set.
func newTombstones(n int) *tombstones {
	return &tombstones{words: make([]uint64, (n+63)/64)}
}

// has reports whether position p is removed.
func (t *tombstones) has(p uint32) bool {
	return atomic.LoadUint64(&t.words[p/64])>>(p%64)&1 != 0
}

// set marks position p removed and reports whether it was live.
func (t *tombstones) set(p uint32) bool {
	bit := uint64(1) << (p % 64)
	if atomic.OrUint64(&t.words[p/64], bit)&bit != 0 {
		return false
	}
	t.count.Add(1)
	return true
}

// snapshot returns a copy of the tombstone bits.
func (t *tombstones) snapshot() []uint64 {
	words := make([]uint64, len(t.words))
	for i := range words {
		words[i] = atomic.LoadUint64(&t.words[i])
	}
	return words
}

// popcount returns the number of bits set in words.
func popcount(words []uint64) int {
	n := 0
	for _, w := range words {
		n += bits.OnesCount64(w)
	}
	return n
}

// newSegment allocates a segment of n entries with tables of the given chunk widths (none when
// widths is nil). Ids, codes and positions are zeroed and ready to fill; bucket starts are
// allocated when the tables are built or read, since their form depends on the data.
func newSegment(n int, widths []uint8) (*segment, error) {
	if n > maxSegmentEntries {
		return nil, fmt.Errorf("segment of %d entries, at most %d", n, maxSegmentEntries)
	}
	size := n*(32+4+posBytes*len(widths)) + startBytes(widths)
	s := &segment{mem: newArena(size), dead: newTombstones(n)}
	runtime.AddCleanup(s, (*arena).free, s.mem)
	var err error
	if s.ids, err = s.mem.uint32s(n); err != nil {
		return nil, err
	}
	if s.codes, err = s.mem.codes(n); err != nil {
		return nil, err
	}
	if len(widths) > 0 {
		s.tables = make([]table, len(widths))
	}
	for i, c := range chunksOf(widths) {
		s.tables[i].chunk = c
		if s.tables[i].pos, err = s.mem.bytes(posBytes*n + posPadding); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// buildSegment makes a segment of n entries: fill writes their ids, ascending without repeats,
// and their codes; then the tables are built in parallel, one goroutine per processor.
func buildSegment(n int, fill func(ids []uint32, codes []Code)) (*segment, error) {
	return buildSegmentWidths(n, chooseWidths(n), fill)
}

// buildSegmentWidths is buildSegment with the chunk widths given.
func buildSegmentWidths(n int, widths []uint8, fill func(ids []uint32, codes []Code)) (*segment, error) {
	s, err := newSegment(n, widths)
	if err != nil {
		return nil, fmt.Errorf("build segment of %d codes: %w", n, err)
	}
	fill(s.ids, s.codes)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, len(s.tables))
	for range min(runtime.GOMAXPROCS(0), len(s.tables)) {
		wg.Go(func() {
			var starts []uint32
			for t := next.Add(1) - 1; t < int64(len(s.tables)); t = next.Add(1) - 1 {
				tab := &s.tables[t]
				starts = slices.Grow(starts[:0], tab.keys()+1)[:tab.keys()+1]
				errs[t] = tab.build(s.mem, s.codes, starts)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("build segment of %d codes: %w", n, err)
	}
	s.initPlans()
	return s, nil
}

// widths returns the chunk widths of the segment's tables.
func (s *segment) widths() []uint8 {
	widths := make([]uint8, len(s.tables))
	for i := range s.tables {
		widths[i] = s.tables[i].chunk.width
	}
	return widths
}

// initPlans works out the probe plan for every radius up to maxPlannedRadius. Radii at which a
// scan is estimated cheaper even for a single query code get no probes.
func (s *segment) initPlans() {
	if s.tables == nil {
		return
	}
	n, widths := len(s.ids), s.widths()
	s.plans = make([]plan, maxPlannedRadius+1)
	for r, rp := range planRadii(widths, n, maxPlannedRadius) {
		s.plans[r].cost = rp.cost
		if rp.cost >= scanCost(n, 1) {
			continue
		}
		for t, rho := range rp.radii {
			if rho >= 0 {
				p := probe{table: &s.tables[t], radius: int(rho), masks: probeMasks(int(widths[t]), int(rho))}
				s.plans[r].probes = append(s.plans[r].probes, p)
				s.plans[r].masks += len(p.masks)
			}
		}
	}
}

// usePlan returns the plan for searching q query codes at radius r, or nil when a linear scan
// is cheaper or the segment has no tables.
func (s *segment) usePlan(r, q int) *plan {
	if s.tables == nil || r > maxPlannedRadius {
		return nil
	}
	p := &s.plans[r]
	if p.probes == nil || p.cost*float64(q) >= scanCost(len(s.ids), q) {
		return nil
	}
	return p
}

// find returns the position of a live entry with the given id in a segment sorted by id.
func (s *segment) find(id uint32) (uint32, bool) {
	p, ok := slices.BinarySearch(s.ids, id)
	if !ok || s.dead.has(uint32(p)) {
		return 0, false
	}
	return uint32(p), true
}

// live is the number of entries not removed.
func (s *segment) live() int {
	return len(s.ids) - int(s.dead.count.Load())
}
