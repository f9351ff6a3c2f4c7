package hamming

import (
	"encoding/binary"
	"math/bits"
	"runtime"
	"slices"
)

// A search of one segment runs in three passes, each a tight loop over independent memory reads,
// because random reads, not arithmetic, bound it: a 10M-code index is about 1 GB, and nearly every
// bucket and candidate is a cache miss. Passes let the processor keep many misses in flight where
// nested loops would wait for each one in turn.
//
//  1. gather: for each query code and table, compute the probe keys and read each bucket's bounds;
//  2. collect: copy the positions in the non-empty buckets into one candidate list, a batch at a
//     time, each batch's buckets first touched by a loop that only loads them;
//  3. verify: read each candidate's code and compute its distance, in batches whose codes are first
//     touched by a loop that only loads them, so the verification itself hits the cache.
//
// A code can be a candidate in several tables. Rather than tracking which candidates were seen,
// a match found through table t is kept only if no table probed before t has the code's chunk
// within its probe radius: that table would have found it first. Each code is thus reported once
// per query code, and checking costs nothing for the non-matching bulk of the candidates.
//
// For several query codes (such as the 8 dihedral variants of a photo's hash) the passes run over
// all of them at once, so their misses overlap too; matches are then merged to one per id. Each
// candidate is compared only with the query code whose probe found it: the variants of a hash
// usually share few chunk values, so a candidate found for one variant is seldom a candidate
// for another, and comparing it with all eight would only lengthen the loop.

// touchBatch is how many candidates' codes are loaded ahead of their verification: enough to keep
// the processor's miss buffers full, few enough that the codes stay in the L1 cache.
const touchBatch = 256

// Searcher runs searches on an Index, keeping scratch buffers between them so that, once grown to
// fit, a search allocates nothing. A Searcher is not safe for concurrent use: give each goroutine
// its own. It always searches the index's latest state.
type Searcher struct {
	ix      *Index
	queries []Code
	keys    []uint32 // key of query q in probe i, at q*len(probes)+i
	spans   []span   // bucket bounds from the gather pass
	ends    []int    // end of each (query, probe) group: in spans after gather, in cands after collect
	cands   []uint32 // candidate positions
	sink    uint64   // receives the touch loop's loads, which would otherwise be dead code
}

// span is the range of a table's positions array holding one bucket.
type span struct{ lo, hi uint32 }

// Searcher returns a new Searcher for the index.
func (ix *Index) Searcher() *Searcher {
	return &Searcher{ix: ix}
}

// Search appends to dst every stored code within radius of any of the query codes, one Match per
// id with its smallest distance and the query code at that distance, and returns the extended
// slice. The appended matches are in ascending id order. A negative radius matches nothing; any
// radius up to 256 is exact, radii above 64 by scanning.
func (s *Searcher) Search(dst []Match, radius int, queries ...Code) []Match {
	if radius < 0 || len(queries) == 0 {
		return dst
	}
	radius = min(radius, 256)
	s.queries = append(s.queries[:0], queries...)
	st := s.ix.state.Load()
	start := len(dst)
	for _, seg := range st.segments {
		if p := seg.usePlan(radius, len(queries)); p != nil {
			s.gather(p)
			s.collect(p)
			dst = s.verify(dst, seg, p, radius)
		} else {
			dst = s.scan(dst, seg, radius)
		}
	}
	dst = s.scan(dst, st.delta, radius)
	// Segment memory is outside the Go heap: st keeps it mapped until the search is done.
	runtime.KeepAlive(st)
	n := len(sortAndDedupe(dst[start:]))
	return dst[:start+n]
}

// gather computes every query code's keys and reads the bounds of every bucket to probe.
func (s *Searcher) gather(p *plan) {
	total := len(s.queries) * p.masks
	keys := slices.Grow(s.keys[:0], len(s.queries)*len(p.probes))
	spans := slices.Grow(s.spans[:0], total)[:total]
	ends := s.ends[:0]
	n := 0
	for qi := range s.queries {
		q := &s.queries[qi]
		for i := range p.probes {
			pr := &p.probes[i]
			key := pr.table.chunk.key(q)
			keys = append(keys, key)
			pr.table.spans(spans[n:n+len(pr.masks)], key, pr.masks)
			n += len(pr.masks)
			ends = append(ends, n)
		}
	}
	s.keys, s.spans, s.ends = keys, spans, ends
}

// spans writes to dst the bounds of the buckets at key^mask for each mask. The loop only loads
// and stores, with nothing depending on what it loads, so the processor can overlap the cache
// misses on the bucket starts.
func (t *table) spans(dst []span, key uint32, masks []uint32) {
	dst = dst[:len(masks)]
	if t.wide != nil {
		wide := t.wide
		for i, mask := range masks {
			k := key ^ mask
			dst[i] = span{wide[k], wide[k+1]}
		}
		return
	}
	base, rel := t.base, t.rel
	for i, mask := range masks {
		k := key ^ mask
		dst[i] = span{base[k>>blockBits] + uint32(rel[k]), base[(k+1)>>blockBits] + uint32(rel[k+1])}
	}
}

// collect copies the positions in the gathered buckets into the candidate list and turns ends
// into candidate indexes. It drops empty buckets first, then, a batch of buckets at a time, loads
// each bucket's first line so that the misses overlap, and decodes the positions.
func (s *Searcher) collect(p *plan) {
	total := s.dropEmpty()
	spans := s.spans
	// Most buckets hold one to three positions. Decoding four whatever the count, from two
	// 8-byte loads, and looping only for longer buckets, spares a mispredicted branch per bucket.
	// The positions array's padding makes the loads safe at its end.
	cands := slices.Grow(s.cands[:0], total+4)[:total+4]
	n, first := 0, 0
	var touched byte
	for g, end := range s.ends {
		t := p.probes[g%len(p.probes)].table
		pos := t.pos
		for group := spans[first:end]; len(group) > 0; {
			batch := group[:min(len(group), touchBatch)]
			group = group[len(batch):]
			for _, sp := range batch {
				touched += pos[posBytes*sp.lo]
			}
			for _, sp := range batch {
				b := pos[posBytes*sp.lo:][:14]
				low, high := binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[6:])
				c := cands[n:][:4]
				c[0], c[1] = uint32(low)&posMask, uint32(low>>24)&posMask
				c[2], c[3] = uint32(high)&posMask, uint32(high>>24)&posMask
				for i := sp.lo + 4; i < sp.hi; i++ {
					cands[n+int(i-sp.lo)] = t.position(i)
				}
				n += int(sp.hi - sp.lo)
			}
		}
		s.ends[g], first = n, end
	}
	s.sink += uint64(touched)
	s.cands = cands[:total]
}

// dropEmpty removes the empty buckets from the spans, adjusting ends, and returns the number of
// positions in the others.
func (s *Searcher) dropEmpty() int {
	spans := s.spans
	n, first, total := 0, 0, 0
	for g, end := range s.ends {
		for _, sp := range spans[first:end] {
			spans[n] = sp
			if sp.hi > sp.lo {
				n++
			}
			total += int(sp.hi - sp.lo)
		}
		s.ends[g], first = n, end
	}
	return total
}

// verify checks every candidate against the query code that found it, a batch at a time: one
// loop loads the batch's codes, so that their cache misses overlap, and a second one compares.
func (s *Searcher) verify(dst []Match, seg *segment, p *plan, radius int) []Match {
	codes := seg.codes
	first := 0
	for g, end := range s.ends {
		qi, pi := g/len(p.probes), g%len(p.probes)
		q := s.queries[qi]
		for group := s.cands[first:end]; len(group) > 0; {
			batch := group[:min(touchBatch, len(group))]
			group = group[len(batch):]
			var touched uint64
			for _, pos := range batch {
				touched += codes[pos][0]
			}
			s.sink += touched
			for _, pos := range batch {
				c := &codes[pos]
				d := bits.OnesCount64(c[0]^q[0]) + bits.OnesCount64(c[1]^q[1]) +
					bits.OnesCount64(c[2]^q[2]) + bits.OnesCount64(c[3]^q[3])
				if d <= radius && s.owns(p, qi, pi, c) && !seg.dead.has(pos) {
					dst = append(dst, Match{ID: seg.ids[pos], Distance: d, Query: qi})
				}
			}
		}
		first = end
	}
	return dst
}

// owns reports whether probe pi of query qi is the first probe that finds code c, so that a code
// found by several probes is reported once.
func (s *Searcher) owns(p *plan, qi, pi int, c *Code) bool {
	keys := s.keys[qi*len(p.probes):]
	for j := range pi {
		pr := &p.probes[j]
		if bits.OnesCount32(pr.table.chunk.key(c)^keys[j]) <= pr.radius {
			return false
		}
	}
	return true
}

// scan compares every entry of a segment with every query code.
func (s *Searcher) scan(dst []Match, seg *segment, radius int) []Match {
	if len(s.queries) == 1 {
		return scanOne(dst, seg, radius, &s.queries[0])
	}
	queries := s.queries
	for pos := range seg.codes {
		c := &seg.codes[pos]
		best, bestQuery := radius+1, 0
		for qi := range queries {
			q := &queries[qi]
			d := bits.OnesCount64(c[0]^q[0]) + bits.OnesCount64(c[1]^q[1]) +
				bits.OnesCount64(c[2]^q[2]) + bits.OnesCount64(c[3]^q[3])
			if d < best {
				best, bestQuery = d, qi
			}
		}
		if best <= radius && !seg.dead.has(uint32(pos)) {
			dst = append(dst, Match{ID: seg.ids[pos], Distance: best, Query: bestQuery})
		}
	}
	return dst
}

// scanOne is scan for a single query code, which is most searches and worth a simpler loop.
func scanOne(dst []Match, seg *segment, radius int, q *Code) []Match {
	q0, q1, q2, q3 := q[0], q[1], q[2], q[3]
	for pos := range seg.codes {
		c := &seg.codes[pos]
		d := bits.OnesCount64(c[0]^q0) + bits.OnesCount64(c[1]^q1) +
			bits.OnesCount64(c[2]^q2) + bits.OnesCount64(c[3]^q3)
		if d <= radius && !seg.dead.has(uint32(pos)) {
			dst = append(dst, Match{ID: seg.ids[pos], Distance: d})
		}
	}
	return dst
}
