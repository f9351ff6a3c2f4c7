package hamming

import "math/rand/v2"

// dataset is synthetic index content for tests and benchmarks: n codes under ids 0..n-1, and
// query codes each with a planted neighbour at a known distance.
type dataset struct {
	ids     []uint32
	codes   []Code
	queries []Code // queries[i] has the code of id planted[i] at distance i%32
	planted []uint32
	centers []Code // cluster centres of a clustered set
}

// Shape of the synthetic sets, as in the recall bars.
const (
	plantedNeighbours = 10_000
	clusterCount      = 1_000
	clusterRadius     = 20
	queryOffset       = 11 // clustered queries lie within this many bits of a cluster centre
)

// makeDataset generates n codes, uniformly random or in clusters of radius clusterRadius around
// random centres, and plants min(10,000, n/10) neighbours of as many query codes at distances
// 0..31 by overwriting the last codes. Clustered queries lie near cluster centres, so they have
// many neighbours besides the planted one. The same seed gives the same set.
func makeDataset(n int, clustered bool, seed uint64) *dataset {
	rng := rand.New(rand.NewPCG(seed, uint64(n)))
	d := &dataset{ids: make([]uint32, n), codes: make([]Code, n)}
	if clustered {
		d.centers = make([]Code, clustersFor(n))
		for i := range d.centers {
			d.centers[i] = randomCode(rng)
		}
	}
	for i := range d.codes {
		d.ids[i] = uint32(i)
		d.codes[i] = d.randomCode(rng, clusterRadius)
	}
	planted := min(plantedNeighbours, n/10)
	d.queries = make([]Code, planted)
	d.planted = make([]uint32, planted)
	for i := range d.queries {
		d.queries[i] = d.randomCode(rng, queryOffset)
		target := n - planted + i
		d.codes[target] = flipBits(rng, d.queries[i], i%32)
		d.planted[i] = uint32(target)
	}
	return d
}

// clustersFor is the number of clusters of a clustered set of n codes: clusterCount, or fewer
// for small sets so that clusters keep at least 10 codes.
func clustersFor(n int) int {
	return min(clusterCount, max(n/10, 1))
}

// randomCode returns a uniformly random code, or for a clustered set a code within spread bits
// of a random cluster centre.
func (d *dataset) randomCode(rng *rand.Rand, spread int) Code {
	if d.centers == nil {
		return randomCode(rng)
	}
	return flipBits(rng, d.centers[rng.IntN(len(d.centers))], rng.IntN(spread+1))
}

func randomCode(rng *rand.Rand) Code {
	return Code{rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64()}
}

// flipBits returns c with k distinct random bits inverted, so at distance exactly k.
func flipBits(rng *rand.Rand, c Code, k int) Code {
	var mask Code
	for set := 0; set < k; {
		bit := rng.IntN(256)
		if mask[bit/64]>>(bit%64)&1 == 0 {
			mask[bit/64] |= 1 << (bit % 64)
			set++
		}
	}
	for w := range c {
		c[w] ^= mask[w]
	}
	return c
}
