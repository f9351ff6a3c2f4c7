package hamming

import (
	"math"
	"math/bits"
	"slices"
	"sync"
)

// Multi-index hashing splits every 256-bit code into m disjoint chunks and keeps one table per
// chunk, mapping each chunk value to the codes that have it. The search rests on the pigeonhole
// principle: give table t a probe radius ρ_t (-1 for a table that is not probed). If every chunk
// of a stored code differed from the query's chunk in more than ρ_t bits, the two codes would
// differ in at least Σ(ρ_t+1) bits. So when Σ(ρ_t+1) > r, every code within distance r has some
// chunk within ρ_t of the query's, and probing each table at every key within ρ_t of the query's
// key finds it. Candidates are then verified against the full code, which makes the search exact.
//
// The chunk width trades probes against candidates. Table t probes Σ_{i≤ρ_t} C(w_t, i) keys, and
// each key holds about n/2^w_t codes. Wide chunks mean few candidates but many probes and big
// arrays of bucket starts (2^w_t entries); narrow ones the reverse. Every candidate costs a cache
// miss on its code, an empty bucket one miss and a full one two. At 10M codes and radius 31,
// measured on the reference machine with both cores: 16 chunks of 16 bits probe 272 buckets but
// verify 41,500 candidates, about 3,000 searches a second; 12 chunks of 21 and 22 bits probe
// 2,000 buckets and verify 7,300 candidates, about 10,000 a second; 11 chunks of 23 and 24 bits,
// affordable once the tables are packed (see table.go), probe 2,900 buckets, half of them empty,
// and verify 2,900 candidates, about 16,000 a second. chooseWidths picks the chunk count for each
// segment's size with the cost model below, and planRadii the probe radius of each table for
// each search radius.

// maxChunkWidth bounds a chunk's width so a table's bucket starts take at most 34 MiB packed.
const maxChunkWidth = 24

// maxPlannedRadius is the largest radius searched through the tables; larger radii scan linearly.
// At 10M codes the tables still edge out a scan at radius 64 (81 searches a second against about
// 65), and PDQ users seldom ask for more.
const maxPlannedRadius = 64

// minTableEntries is the smallest segment considered for tables; chooseWidths also declines
// tables for larger segments when the cost model says scanning is cheaper.
const minTableEntries = 1024

// pdqRadius is the radius the chunk layout is tuned for: the PDQ match threshold.
const pdqRadius = 31

// The cost model, in nanoseconds, from measurements on the reference machine (2-core AMD EPYC,
// 10M codes). Probing a bucket reads its start, usually a cache miss; a non-empty bucket adds a
// miss on its positions and copying them out; each candidate costs a miss on its code and the
// comparison. A scan streams codes sequentially, paying per code and per query code compared.
const (
	bucketCost      = 14.0
	nonEmptyCost    = 30.0
	candidateCost   = 15.0
	scanCostPerCode = 0.8
	scanCostPerPair = 2.8
)

// maxBytesPerCode bounds a segment's memory per code: code, id, positions and bucket starts. At
// 10M codes it allows 11 tables of 23 and 24 bits, 92 bytes per code, keeping the index under
// 1 GB. Small segments may use minStartBytes for bucket starts whatever their size.
const (
	maxBytesPerCode = 100
	minStartBytes   = 1 << 20
)

// chunk is one of the disjoint bit ranges a code is split into; its value is a table's key.
type chunk struct {
	word  uint8 // word holding the chunk's lowest bit
	shift uint8 // position of that bit in the word
	width uint8 // number of bits, 1..maxChunkWidth
}

// key extracts the chunk's value from x.
func (c chunk) key(x *Code) uint32 {
	v := x[c.word&3] >> c.shift
	if int(c.shift)+int(c.width) > 64 {
		v |= x[(c.word+1)&3] << (64 - c.shift)
	}
	return uint32(v) & (1<<c.width - 1)
}

// chunksOf lays out chunks of the given widths one after the other from bit 0.
func chunksOf(widths []uint8) []chunk {
	chunks := make([]chunk, len(widths))
	bit := 0
	for i, w := range widths {
		chunks[i] = chunk{word: uint8(bit / 64), shift: uint8(bit % 64), width: w}
		bit += int(w)
	}
	return chunks
}

// splitWidths divides the 256 bits into m chunks whose widths differ by at most one bit.
func splitWidths(m int) []uint8 {
	widths := make([]uint8, m)
	for i := range widths {
		widths[i] = uint8(256 / m)
		if i < 256%m {
			widths[i]++
		}
	}
	return widths
}

// chooseWidths picks the chunk widths for a segment of n codes: the split with the lowest
// estimated cost at the PDQ radius that fits the memory allowance. It returns nil when n is too
// small for tables to pay.
func chooseWidths(n int) []uint8 {
	if n < minTableEntries {
		return nil
	}
	var best []uint8
	bestCost := math.Inf(1)
	for m := 8; m <= 32; m++ {
		widths := splitWidths(m)
		starts := startBytes(widths)
		if widths[0] > maxChunkWidth || starts > minStartBytes && (32+4+posBytes*m)*n+starts > maxBytesPerCode*n {
			continue
		}
		if cost := planRadii(widths, n, pdqRadius)[pdqRadius].cost; cost < bestCost {
			best, bestCost = widths, cost
		}
	}
	if bestCost >= scanCost(n, 1) {
		return nil
	}
	return best
}

// startBytes is the size of the packed bucket starts of tables with the given chunk widths.
func startBytes(widths []uint8) int {
	total := 0
	for _, w := range widths {
		keys := 1 << w
		total += 2*(keys+1) + 4*(keys>>blockBits+1)
	}
	return total
}

// radiusPlan says how to search one segment at one radius: the probe radius of each table (-1 for
// tables not probed) and the estimated cost per query code.
type radiusPlan struct {
	radii []int8
	cost  float64
}

// planRadii assigns probe radii for searching n codes at every radius 0..maxRadius, greedily
// raising the radius of whichever table adds the least cost until Σ(ρ_t+1) > r. The cost of a
// table grows faster than linearly in its radius, so the greedy choice is the cheapest assignment
// under the cost model, and the plan for radius r+1 is the plan for r with one more step.
func planRadii(widths []uint8, n, maxRadius int) []radiusPlan {
	perProbe := make([]float64, len(widths))
	radii := make([]int8, len(widths))
	for t, w := range widths {
		perProbe[t] = probeCost(n, int(w))
		radii[t] = -1
	}
	plans := make([]radiusPlan, maxRadius+1)
	cost := 0.0
	for r := range plans {
		best, bestCost := -1, math.Inf(1)
		for t, w := range widths {
			next := int(radii[t]) + 1
			if next > int(w) {
				continue
			}
			if c := binomial(int(w), next) * perProbe[t]; c < bestCost {
				best, bestCost = t, c
			}
		}
		radii[best]++
		cost += bestCost
		plans[r] = radiusPlan{radii: slices.Clone(radii), cost: cost}
	}
	return plans
}

// probeCost estimates probing one bucket of a table with chunks of the given width over n codes.
func probeCost(n, width int) float64 {
	perBucket := float64(n) / float64(uint64(1)<<width)
	return bucketCost + (1-math.Exp(-perBucket))*nonEmptyCost + perBucket*candidateCost
}

// scanCost estimates a linear scan of n codes against q query codes, in nanoseconds.
func scanCost(n, q int) float64 {
	return float64(n) * (scanCostPerCode + scanCostPerPair*float64(q))
}

// binomial returns C(n, k) as a float, exact for the small arguments used here.
func binomial(n, k int) float64 {
	c := 1.0
	for i := range k {
		c = c * float64(n-i) / float64(i+1)
	}
	return c
}

// masks caches, per chunk width, the XOR masks a probe applies to a key: every mask of that width
// with at most some number of bits set, ordered by bit count, so that the masks within radius ρ
// are a prefix. Slices handed out are never modified; growing a list replaces it.
var masks struct {
	sync.Mutex
	byWidth [maxChunkWidth + 1][]uint32
	level   [maxChunkWidth + 1]int // masks with up to level bits are present; -1 before any
	init    bool
}

// probeMasks returns the masks of the given width with at most radius bits set, fewest bits first.
func probeMasks(width, radius int) []uint32 {
	masks.Lock()
	defer masks.Unlock()
	if !masks.init {
		for w := range masks.level {
			masks.level[w] = -1
		}
		masks.init = true
	}
	if masks.level[width] < radius {
		grown := make([]uint32, len(masks.byWidth[width]), countMasks(width, radius))
		copy(grown, masks.byWidth[width])
		for k := masks.level[width] + 1; k <= radius; k++ {
			grown = appendMasksWithBits(grown, width, k)
		}
		masks.byWidth[width], masks.level[width] = grown, radius
	}
	return masks.byWidth[width][:countMasks(width, radius)]
}

// countMasks is the number of width-bit masks with at most radius bits set.
func countMasks(width, radius int) int {
	total := 0
	for k := 0; k <= radius; k++ {
		total += int(binomial(width, k) + 0.5)
	}
	return total
}

// appendMasksWithBits appends, in increasing order, every width-bit mask with exactly k bits set,
// stepping from one to the next with Gosper's hack.
func appendMasksWithBits(dst []uint32, width, k int) []uint32 {
	if k == 0 {
		return append(dst, 0)
	}
	limit := uint64(1) << width
	for m := uint64(1)<<k - 1; m < limit; {
		dst = append(dst, uint32(m))
		low := m & -m
		ripple := m + low
		m = ripple | (m^ripple)>>(bits.TrailingZeros64(low)+2)
	}
	return dst
}
