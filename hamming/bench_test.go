package hamming

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
)

// benchIndexes caches the 1M-code indexes the benchmarks share.
var benchIndexes struct {
	sync.Mutex
	byKey map[string]*benchIndex
}

type benchIndex struct {
	d  *dataset
	ix *Index
}

// index1M returns a 1M-code index, uniform or clustered, built with or without huge pages.
func index1M(b *testing.B, clustered, huge bool) *benchIndex {
	b.Helper()
	benchIndexes.Lock()
	defer benchIndexes.Unlock()
	key := fmt.Sprint(clustered, huge)
	if bi, ok := benchIndexes.byKey[key]; ok {
		return bi
	}
	if benchIndexes.byKey == nil {
		benchIndexes.byKey = map[string]*benchIndex{}
	}
	defer func(saved bool) { hugePages = saved }(hugePages)
	hugePages = huge
	d := makeDataset(1_000_000, clustered, 1)
	bi := &benchIndex{d: d, ix: newTestIndex(b, d)}
	benchIndexes.byKey[key] = bi
	return bi
}

// BenchmarkSearch measures searches at radius 31 on 1M codes with all processors, reporting
// queries per second. The smallpages cases show what huge pages are worth.
func BenchmarkSearch(b *testing.B) {
	cases := []struct {
		name            string
		clustered, huge bool
		perQuery        int
	}{
		{"uniform/single", false, true, 1},
		{"uniform/dihedral", false, true, 8},
		{"uniform/single/smallpages", false, false, 1},
		{"clustered/single", true, true, 1},
		{"clustered/dihedral", true, true, 8},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			bi := index1M(b, tc.clustered, tc.huge)
			rng := rand.New(rand.NewPCG(1, 2))
			queries := make([][]Code, 1000)
			for i := range queries {
				queries[i] = queryCodes(bi.d, rng, rng.IntN(len(bi.d.queries)), tc.perQuery)
			}
			var matches int64
			var mu sync.Mutex
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				s := bi.ix.Searcher()
				var dst []Match
				found := 0
				for i := 0; pb.Next(); i++ {
					dst = s.Search(dst[:0], 31, queries[i%len(queries)]...)
					found += len(dst)
				}
				mu.Lock()
				matches += int64(found)
				mu.Unlock()
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "queries/s")
			b.ReportMetric(float64(matches)/float64(b.N), "matches/query")
		})
	}
}

// BenchmarkBuild measures building a 1M-code index in one batch.
func BenchmarkBuild(b *testing.B) {
	d := makeDataset(1_000_000, false, 1)
	for b.Loop() {
		if err := New().Add(d.ids, d.codes); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadIndex measures reading a 1M-code snapshot from memory.
func BenchmarkReadIndex(b *testing.B) {
	var buf bytes.Buffer
	if _, err := index1M(b, false, true).ix.WriteTo(&buf); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	for b.Loop() {
		if _, err := ReadIndex(bytes.NewReader(buf.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAdd measures adding codes one call at a time to a 1M-code index, which appends to the
// delta and every 4,096 codes freezes it into a segment.
func BenchmarkAdd(b *testing.B) {
	d := makeDataset(1_000_000, false, 2)
	ix := newTestIndex(b, d)
	rng := rand.New(rand.NewPCG(3, 4))
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := ix.Add([]uint32{uint32(len(d.ids) + i)}, []Code{randomCode(rng)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLinearSearch measures the reference scan of 1M codes, one query code.
func BenchmarkLinearSearch(b *testing.B) {
	d := makeDataset(1_000_000, false, 1)
	for b.Loop() {
		LinearSearch(d.ids, d.codes, 31, d.queries[0])
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ns/code")
}
