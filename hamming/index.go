package hamming

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
)

// Index finds all stored codes within a Hamming radius of a query, exactly. It holds a list of
// immutable segments, each with multi-index tables (see layout.go), and a delta of recent
// additions that searches scan linearly. Add appends to the delta and freezes it into a segment
// when full; a background goroutine merges small segments into bigger ones so that there are
// few. Removal sets a tombstone bit in place.
//
// Searches never block: they load the current state with one atomic read and search it. Writers
// are serialised by a mutex, build new segments without disturbing readers and publish a new
// state atomically. Re-adding an id publishes the new entry before tombstoning the old one, so a
// search running at that moment sees the old code, the new one or both, never neither; Search
// keeps one match per id.
//
// An Index is safe for concurrent use. Search through a Searcher, one per goroutine.
type Index struct {
	state atomic.Pointer[state]
	live  atomic.Int64 // entries not removed

	mu         sync.Mutex        // serialises writers; guards the fields below
	deltaIDs   []uint32          // the delta's entries; searches see a prefix through state.delta
	deltaCodes []Code            //
	deltaDead  *tombstones       //
	deltaPos   map[uint32]uint32 // id → delta position, for the live delta entries
	merging    chan struct{}     // closed when the running merge goroutine stops; nil if none
	mergeErr   error             // a failed background merge, reported by the next Add
}

// state is what a search sees: an immutable list of segments, oldest first, and the delta.
type state struct {
	segments []*segment
	delta    *segment
}

// deltaCapacity bounds the delta, which every search scans: at 4,096 codes the scan costs a few
// microseconds per query code, a few per cent of a search of 10M codes. A larger batch is built
// into a segment of its own.
const deltaCapacity = 4096

// New returns an empty index.
func New() *Index {
	ix := &Index{}
	ix.resetDelta()
	ix.state.Store(&state{delta: ix.deltaView()})
	return ix
}

// Len returns the number of codes in the index.
func (ix *Index) Len() int {
	return int(ix.live.Load())
}

// Add stores codes[i] under ids[i]. An id already present is replaced: searches report only its
// new code once Add returns. Codes are searchable as soon as Add returns; Add never rebuilds the
// index. It fails when the slices differ in length, when memory for a new segment cannot be
// had, or to report that a background merge failed (the index stays correct, only slower).
func (ix *Index) Add(ids []uint32, codes []Code) error {
	if len(ids) != len(codes) {
		return fmt.Errorf("hamming: add: %d ids but %d codes", len(ids), len(codes))
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if err := ix.mergeErr; err != nil {
		ix.mergeErr = nil
		return err
	}
	var err error
	switch {
	case len(ids) == 0:
	case len(ids) > deltaCapacity:
		err = ix.addSegment(ids, codes)
	default:
		err = ix.addToDelta(ids, codes)
	}
	ix.startMerge()
	return err
}

// Remove deletes the entries with the given ids; ids not present are ignored.
func (ix *Index) Remove(ids []uint32) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, id := range ids {
		if dead, pos, ok := ix.locate(id); ok {
			dead.set(pos)
			delete(ix.deltaPos, id)
			ix.live.Add(-1)
		}
	}
	ix.startMerge()
}

// locate finds the live entry with the given id: the tombstones of its segment and its position.
func (ix *Index) locate(id uint32) (*tombstones, uint32, bool) {
	if pos, ok := ix.deltaPos[id]; ok {
		return ix.deltaDead, pos, true
	}
	segments := ix.state.Load().segments
	for i := len(segments) - 1; i >= 0; i-- {
		if pos, ok := segments[i].find(id); ok {
			return segments[i].dead, pos, true
		}
	}
	return nil, 0, false
}

// replaced records an entry superseded by an Add, to tombstone once the new one is published.
type replaced struct {
	dead *tombstones
	pos  uint32
}

// addToDelta appends a small batch to the delta, freezing the delta first if the batch does not fit.
func (ix *Index) addToDelta(ids []uint32, codes []Code) error {
	if len(ix.deltaIDs)+len(ids) > deltaCapacity {
		if err := ix.freezeDelta(); err != nil {
			return err
		}
	}
	var old []replaced
	for i, id := range ids {
		if dead, pos, ok := ix.locate(id); ok {
			old = append(old, replaced{dead, pos})
		}
		ix.deltaPos[id] = uint32(len(ix.deltaIDs))
		ix.deltaIDs = append(ix.deltaIDs, id)
		ix.deltaCodes = append(ix.deltaCodes, codes[i])
	}
	st := ix.state.Load()
	ix.state.Store(&state{segments: st.segments, delta: ix.deltaView()})
	ix.tombstone(old, len(ids))
	return nil
}

// tombstone removes superseded entries after the batch of added entries that replaced them has
// been published, and counts the additions.
func (ix *Index) tombstone(old []replaced, added int) {
	for _, r := range old {
		r.dead.set(r.pos)
	}
	ix.live.Add(int64(added - len(old)))
}

// segmentCap is the most entries a segment gets: maxSegmentEntries, lowered by tests.
var segmentCap = maxSegmentEntries

// addSegment builds a large batch into segments of its own, as few as segmentCap allows.
// When an id repeats within the batch, its last code wins.
func (ix *Index) addSegment(ids []uint32, codes []Code) error {
	order := sortedOrder(ids)
	n := len(ids)
	if order != nil {
		n = len(order)
	}
	var added []*segment
	for start := 0; start < n; start += segmentCap {
		size := min(n-start, segmentCap)
		seg, err := buildSegment(size, func(segIDs []uint32, segCodes []Code) {
			if order == nil {
				copy(segIDs, ids[start:])
				copy(segCodes, codes[start:])
				return
			}
			for i, j := range order[start : start+size] {
				segIDs[i], segCodes[i] = ids[j], codes[j]
			}
		})
		if err != nil {
			return fmt.Errorf("hamming: add: %w", err)
		}
		added = append(added, seg)
	}
	var old []replaced
	for _, seg := range added {
		for _, id := range seg.ids {
			if dead, pos, ok := ix.locate(id); ok {
				old = append(old, replaced{dead, pos})
				delete(ix.deltaPos, id)
			}
		}
	}
	st := ix.state.Load()
	ix.state.Store(&state{segments: slices.Concat(st.segments, added), delta: st.delta})
	ix.tombstone(old, n)
	return nil
}

// sortedOrder returns the indexes of ids in ascending id order, keeping only the last index of
// an id that repeats, or nil when the ids are already strictly ascending, the usual case.
func sortedOrder(ids []uint32) []int {
	if slices.IsSortedFunc(ids, cmpStrict) {
		return nil
	}
	order := make([]int, len(ids))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpUint32(ids[a], ids[b]) })
	keep := order[:0]
	for i, j := range order {
		if i+1 < len(order) && ids[order[i+1]] == ids[j] {
			continue
		}
		keep = append(keep, j)
	}
	return keep
}

func cmpUint32(a, b uint32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cmpStrict orders like cmpUint32 but calls equal values out of order, so that IsSortedFunc
// accepts only strictly ascending ids.
func cmpStrict(a, b uint32) int {
	if a >= b {
		return 1
	}
	return -1
}

// freezeDelta builds the live delta entries into a segment and starts an empty delta.
func (ix *Index) freezeDelta() error {
	var order []int
	for pos := range ix.deltaIDs {
		if !ix.deltaDead.has(uint32(pos)) {
			order = append(order, pos)
		}
	}
	slices.SortFunc(order, func(a, b int) int { return cmpUint32(ix.deltaIDs[a], ix.deltaIDs[b]) })
	segments := ix.state.Load().segments
	if len(order) > 0 {
		seg, err := buildSegment(len(order), func(ids []uint32, codes []Code) {
			for i, pos := range order {
				ids[i], codes[i] = ix.deltaIDs[pos], ix.deltaCodes[pos]
			}
		})
		if err != nil {
			return fmt.Errorf("hamming: freeze recent additions: %w", err)
		}
		segments = append(slices.Clip(segments), seg)
	}
	ix.resetDelta()
	ix.state.Store(&state{segments: segments, delta: ix.deltaView()})
	return nil
}

// resetDelta starts an empty delta in fresh arrays: searches may still be reading the old ones.
func (ix *Index) resetDelta() {
	ix.deltaIDs = make([]uint32, 0, deltaCapacity)
	ix.deltaCodes = make([]Code, 0, deltaCapacity)
	ix.deltaDead = newTombstones(deltaCapacity)
	ix.deltaPos = make(map[uint32]uint32)
}

// deltaView returns the delta as searches see it: a segment without tables over the entries
// added so far. Later appends write beyond its length and so never race with readers.
func (ix *Index) deltaView() *segment {
	return &segment{ids: ix.deltaIDs, codes: ix.deltaCodes, dead: ix.deltaDead}
}
