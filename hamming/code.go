package hamming

import (
	"math/bits"
	"slices"
)

// Code is a 256-bit binary code, laid out like pdq.Hash: bit k (0..255) is bit k%64 of word k/64,
// so a PDQ hash converts with hamming.Code(h).
type Code [4]uint64

// Distance returns the Hamming distance between a and b: the number of differing bits, 0..256.
func Distance(a, b Code) int {
	return bits.OnesCount64(a[0]^b[0]) + bits.OnesCount64(a[1]^b[1]) +
		bits.OnesCount64(a[2]^b[2]) + bits.OnesCount64(a[3]^b[3])
}

// Match is one stored code found by a search.
type Match struct {
	ID       uint32 // the id the code was added with
	Distance int    // Hamming distance to the nearest query code
	Query    int    // index of that query code among the search's queries; the lowest on ties
}

// LinearSearch compares every code with every query and returns the matches within radius, one per
// id with its smallest distance, in ascending id order; codes[i] is stored under ids[i]. It is the
// slow, obviously correct reference that tests and benchmarks hold the Index to. Ids are expected to
// be distinct: a repeated id is reported once, with the smallest distance over its codes.
func LinearSearch(ids []uint32, codes []Code, radius int, queries ...Code) []Match {
	radius = min(radius, 256)
	var out []Match
	for i := range min(len(ids), len(codes)) {
		c := &codes[i]
		best, bestQuery := radius+1, 0
		for q := range queries {
			query := &queries[q]
			d := bits.OnesCount64(c[0]^query[0]) + bits.OnesCount64(c[1]^query[1]) +
				bits.OnesCount64(c[2]^query[2]) + bits.OnesCount64(c[3]^query[3])
			if d < best {
				best, bestQuery = d, q
			}
		}
		if best <= radius {
			out = append(out, Match{ID: ids[i], Distance: best, Query: bestQuery})
		}
	}
	return sortAndDedupe(out)
}

// compareMatches orders matches by id, then distance, then query, so that after sorting the first
// match of each id is the one to keep.
func compareMatches(a, b Match) int {
	if a.ID != b.ID {
		if a.ID < b.ID {
			return -1
		}
		return 1
	}
	if a.Distance != b.Distance {
		return a.Distance - b.Distance
	}
	return a.Query - b.Query
}

// sortAndDedupe sorts matches by id and keeps, for each id, its smallest distance.
func sortAndDedupe(matches []Match) []Match {
	slices.SortFunc(matches, compareMatches)
	return slices.CompactFunc(matches, func(a, b Match) bool { return a.ID == b.ID })
}
