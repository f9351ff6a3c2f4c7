package hamming

import (
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestTmpPerf alternates phases between indexes built with and without huge pages.
func TestTmpPerf(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("PERF_N"))
	if n == 0 {
		t.Skip()
	}
	per, _ := strconv.Atoi(os.Getenv("PERF_Q"))
	per = max(per, 1)
	d := makeDataset(n, os.Getenv("PERF_C") != "", 1)
	var ixs []*Index
	ixs = append(ixs, newTestIndex(t, d))
	ixs = append(ixs, ixs[0])
	hugePages = true
	totals := make([]atomic.Int64, len(ixs))
	var wg sync.WaitGroup
	var phase atomic.Int64
	for g := range 2 {
		wg.Go(func() {
			var ss []*Searcher
			for _, ix := range ixs {
				ss = append(ss, ix.Searcher())
			}
			rng := rand.New(rand.NewPCG(uint64(g), 5))
			var dst []Match
			qs := make([][]Code, 1000)
			for i := range qs {
				qs[i] = queryCodes(d, rng, rng.IntN(len(d.queries)), per)
			}
			c := 0
			for {
				ph := phase.Load()
				if ph < 0 {
					break
				}
				k := 0
				v := int(ph) % len(ixs)
				for phase.Load() == ph {
					for range 10 {
						dst = ss[v].Search(dst[:0], 31, qs[c%len(qs)]...)
						c++
						k++
					}
				}
				totals[v].Add(int64(k))
			}
		})
	}
	phases := 100
	for i := range phases {
		tmpVariant = i % 2
		phase.Store(int64(i))
		time.Sleep(100 * time.Millisecond)
	}
	phase.Store(-1)
	wg.Wait()
	dur := 100 * time.Millisecond * time.Duration(phases/len(ixs))
	for i := range ixs {
		t.Logf("index %d (huge=%v): q/s %.0f", i, i == 0, float64(totals[i].Load())/dur.Seconds())
	}
}
