package hamming

import (
	"fmt"
	"math/bits"
	"runtime"
	"slices"
)

// Segments are merged in the background, like the levels of a log-structured merge tree. Each
// frozen delta adds a small segment; whenever the newest segments together hold at least half as
// many live entries as the one before them, they are merged with it. Segment sizes therefore at
// least double from newest to oldest, so there are at most about log2(n/4096) of them, and each
// entry is copied O(log n) times over its life. A segment with a quarter of its entries removed
// is rewritten on its own to reclaim them.
//
// A merge copies its sources, so it needs memory for the merged segment while the sources are
// still in use: merging into a 10M-code base, which happens once the segments after it reach 5M
// codes, briefly needs room for both.

// pickMerge returns the range of segments to merge next, oldest first, or ok false if none.
// A merge never makes a segment of more than segmentCap entries.
func pickMerge(segments []*segment) (lo, hi int, ok bool) {
	for i, s := range segments {
		if s.dead.count.Load()*4 >= int64(len(s.ids)) && len(s.ids) > 0 {
			return i, i + 1, true
		}
	}
	lo = len(segments) - 1
	if lo < 1 {
		return 0, 0, false
	}
	run := segments[lo].live()
	for lo > 0 && segments[lo-1].live() <= 2*run && run+segments[lo-1].live() <= segmentCap {
		lo--
		run += segments[lo].live()
	}
	return lo, len(segments), lo < len(segments)-1
}

// startMerge starts the merge goroutine if there is work for it and it is not running.
// The caller holds ix.mu.
func (ix *Index) startMerge() {
	if ix.merging != nil {
		return
	}
	if _, _, ok := pickMerge(ix.state.Load().segments); !ok {
		return
	}
	done := make(chan struct{})
	ix.merging = done
	go ix.mergeLoop(done)
}

// mergeLoop merges segments until the policy is satisfied or a merge fails.
func (ix *Index) mergeLoop(done chan struct{}) {
	defer close(done)
	for {
		ix.mu.Lock()
		segments := ix.state.Load().segments
		lo, hi, ok := pickMerge(segments)
		if !ok {
			ix.merging = nil
			ix.mu.Unlock()
			return
		}
		sources := slices.Clone(segments[lo:hi])
		ix.mu.Unlock()

		merged, removed, err := mergeSegments(sources)

		ix.mu.Lock()
		if err != nil {
			ix.mergeErr = fmt.Errorf("hamming: background merge: %w", err)
			ix.merging = nil
			ix.mu.Unlock()
			return
		}
		ix.install(sources, removed, merged)
		ix.mu.Unlock()
		// The sources' memory is unmapped by a cleanup once they are unreachable; collect now
		// rather than whenever the small Go heap next grows.
		runtime.GC()
	}
}

// mergeSegments builds one segment of the live entries of sources, in id order. A live id is in
// one segment only, so merging the sorted sources yields ascending ids without repeats. Removals
// are read once, up front, so that the count and the copy agree; install carries over the ones
// that happen meanwhile. It returns the removals it saw, one bitmap per source, and a nil
// segment if every entry was removed.
func mergeSegments(sources []*segment) (*segment, [][]uint64, error) {
	removed := make([][]uint64, len(sources))
	n := 0
	for k, s := range sources {
		removed[k] = s.dead.snapshot()
		n += len(s.ids) - popcount(removed[k])
	}
	if n == 0 {
		return nil, removed, nil
	}
	next := make([]int, len(sources)) // cursor into each source
	isRemoved := func(k int) bool { return removed[k][next[k]/64]>>(next[k]%64)&1 != 0 }
	merged, err := buildSegment(n, func(ids []uint32, codes []Code) {
		for i := range ids {
			best := -1
			for k, s := range sources {
				for next[k] < len(s.ids) && isRemoved(k) {
					next[k]++
				}
				if next[k] < len(s.ids) && (best < 0 || s.ids[next[k]] < sources[best].ids[next[best]]) {
					best = k
				}
			}
			ids[i], codes[i] = sources[best].ids[next[best]], sources[best].codes[next[best]]
			next[best]++
		}
	})
	return merged, removed, err
}

// install replaces the merged sources with the merged segment. Entries removed or replaced while
// the merge ran were tombstoned in the sources after mergeSegments read their removals; install
// carries those tombstones over before publishing. Older tombstones must not be carried: the id
// of an entry removed earlier may be live again in another source. The caller holds ix.mu; only
// the merge goroutine removes segments, so the sources are still where pickMerge found them.
func (ix *Index) install(sources []*segment, removed [][]uint64, merged *segment) {
	st := ix.state.Load()
	lo := slices.Index(st.segments, sources[0])
	rest := st.segments[lo+len(sources):]
	if merged == nil {
		ix.state.Store(&state{segments: slices.Concat(st.segments[:lo], rest), delta: st.delta})
		return
	}
	for k, s := range sources {
		for w, word := range s.dead.snapshot() {
			for fresh := word &^ removed[k][w]; fresh != 0; fresh &= fresh - 1 {
				pos := w*64 + bits.TrailingZeros64(fresh)
				if p, ok := merged.find(s.ids[pos]); ok {
					merged.dead.set(p)
				}
			}
		}
	}
	segments := slices.Concat(st.segments[:lo], []*segment{merged}, rest)
	ix.state.Store(&state{segments: segments, delta: st.delta})
}

// waitMerges waits until no background merge is running.
func (ix *Index) waitMerges() {
	for {
		ix.mu.Lock()
		done := ix.merging
		ix.mu.Unlock()
		if done == nil {
			return
		}
		<-done
	}
}
