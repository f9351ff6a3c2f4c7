package hamming

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Bench measures the index on synthetic data and writes a report to out, one "name: value"
// line per figure, for `vigil bench match`. It builds an index of n codes, uniformly random or
// in 1,000 clusters of radius 20 (fewer below 10,000 codes), with min(10,000, n/10) planted neighbours of as many query
// codes at distances 0..31; saves it to a temporary file and loads it back; measures searches
// per second at the radius with GOMAXPROCS goroutines, one code per query or eight with
// dihedral; adds 10,000 codes in one call, then 10,000 one per call, while searching; checks
// that every planted neighbour (or, at slow radii, a sample) is found; and compares a sample of
// searches with LinearSearch. It returns an error if a planted neighbour is missed or any search
// differs from the linear scan: recall must be 100%.
func Bench(n, radius int, dihedral, clustered bool, out io.Writer) error {
	if n < 100 || n > maxBenchCodes {
		return fmt.Errorf("hamming: bench: %d codes, want 100..%d", n, maxBenchCodes)
	}
	if radius < 0 || radius > 256 {
		return fmt.Errorf("hamming: bench: radius %d, want 0..256", radius)
	}
	b := &bench{out: bufio.NewWriter(out), n: n, radius: radius, clustered: clustered, perQuery: 1}
	if dihedral {
		b.perQuery = 8
	}
	err := b.run()
	if flushErr := b.out.Flush(); err == nil {
		err = flushErr
	}
	if err != nil {
		return fmt.Errorf("hamming: bench: %w", err)
	}
	return nil
}

// Bench settings.
const (
	maxBenchCodes = 1 << 30
	benchSeed     = 1
	benchDuration = 3 * time.Second
	benchAdds     = 10_000
	// benchComparisons bounds the linear scans of the recall check: n codes times query codes
	// compared, summed over the sample of queries.
	benchComparisons = 4e9
)

type bench struct {
	out       *bufio.Writer
	n, radius int
	clustered bool
	perQuery  int
	queries   [][]Code // query sets: a planted query code, then perQuery-1 others
	centers   []Code   // cluster centres of a clustered run
	planted   []uint32 // planted[i] lies at distance i%32 from queries[i][0]
	qps       float64  // searches per second before adding
}

func (b *bench) printf(format string, args ...any) {
	fmt.Fprintf(b.out, format+"\n", args...)
}

func (b *bench) run() error {
	b.printf("bench: %d codes, %s, radius %d, %d code(s) per query, GOMAXPROCS %d",
		b.n, b.shape(), b.radius, b.perQuery, runtime.GOMAXPROCS(0))
	ix, path, cleanup, err := b.buildAndSave()
	defer cleanup()
	if err != nil {
		return err
	}
	ix = nil
	releaseMemory()
	start := time.Now()
	if ix, err = Load(path); err != nil {
		return err
	}
	b.printf("load: %.3fs", time.Since(start).Seconds())
	b.printf("memory after load: %s", memoryReport())
	b.printf("index: %s", ix.describe())

	b.qps = b.measure(ix, nil)
	b.printf("queries: %.0f/s (%d goroutines, %s each)", b.qps, runtime.GOMAXPROCS(0), benchDuration)
	if err := b.addWhileSearching(ix); err != nil {
		return err
	}
	if err := b.findPlanted(ix); err != nil {
		return err
	}
	return b.recall(ix)
}

func (b *bench) shape() string {
	if b.clustered {
		return fmt.Sprintf("%d clusters of radius %d", clustersFor(b.n), clusterRadius)
	}
	return "uniformly random"
}

// buildAndSave generates the data, builds the index, saves it and makes the query sets.
func (b *bench) buildAndSave() (ix *Index, path string, cleanup func(), err error) {
	cleanup = func() {}
	start := time.Now()
	d := makeDataset(b.n, b.clustered, benchSeed)
	b.printf("data: %d planted neighbours at distances 0..31, generated in %.2fs", len(d.queries), time.Since(start).Seconds())
	b.makeQueries(d)
	b.centers = d.centers
	b.planted = d.planted

	runtime.GC()
	start = time.Now()
	ix = New()
	if err := ix.Add(d.ids, d.codes); err != nil {
		return nil, "", cleanup, err
	}
	ix.waitMerges()
	b.printf("build: %.2fs", time.Since(start).Seconds())
	b.printf("memory after build: %s (the generated data is still on the Go heap)", memoryReport())

	dir, err := os.MkdirTemp("", "vigil-bench-")
	if err != nil {
		return nil, "", cleanup, err
	}
	cleanup = func() { os.RemoveAll(dir) }
	path = filepath.Join(dir, "index.snap")
	start = time.Now()
	if err := ix.Save(path); err != nil {
		return nil, "", cleanup, err
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, "", cleanup, err
	}
	b.printf("save: %.2fs (%.1f MB)", time.Since(start).Seconds(), float64(info.Size())/1e6)
	return ix, path, cleanup, nil
}

// makeQueries builds the query sets: each planted query code, followed for dihedral runs by 7
// more codes drawn like the data, standing in for the other orientations of a photo's hash.
func (b *bench) makeQueries(d *dataset) {
	rng := rand.New(rand.NewPCG(benchSeed, 2))
	b.queries = make([][]Code, len(d.queries))
	for i, q := range d.queries {
		set := []Code{q}
		for len(set) < b.perQuery {
			set = append(set, d.randomCode(rng, queryOffset))
		}
		b.queries[i] = set
	}
}

// measure runs searches with GOMAXPROCS goroutines for benchDuration and returns searches per
// second. If during is not nil, it runs once the searches are under way.
func (b *bench) measure(ix *Index, during func()) float64 {
	var searches atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	for g := range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			s := ix.Searcher()
			var dst []Match
			done := int64(0)
			for i := g * 7919; !stop.Load(); i++ {
				dst = s.Search(dst[:0], b.radius, b.queries[i%len(b.queries)]...)
				done++
			}
			searches.Add(done)
		})
	}
	start := time.Now()
	if during != nil {
		time.Sleep(benchDuration / 4)
		during()
	}
	time.Sleep(benchDuration - time.Since(start))
	stop.Store(true)
	wg.Wait()
	return float64(searches.Load()) / time.Since(start).Seconds()
}

// addWhileSearching adds benchAdds codes in one call while searches run, then benchAdds more
// one call each, and checks that they match as soon as they are added. Each time it compares
// the searches per second while adding with a measurement just before, so that slow drift of
// the machine's speed does not pass for the cost of adding.
func (b *bench) addWhileSearching(ix *Index) error {
	rng := rand.New(rand.NewPCG(benchSeed, 3))
	ids, codes := b.extraCodes(rng)
	batches := []struct {
		name string
		size int
	}{{"in one call", benchAdds}, {"one per call", 1}}
	for k, batch := range batches {
		ids, codes := ids[k*benchAdds:(k+1)*benchAdds], codes[k*benchAdds:(k+1)*benchAdds]
		var took time.Duration
		var addErr error
		before := b.measure(ix, nil)
		qps := b.measure(ix, func() {
			start := time.Now()
			for i := 0; i < len(ids) && addErr == nil; i += batch.size {
				addErr = ix.Add(ids[i:i+batch.size], codes[i:i+batch.size])
			}
			took = time.Since(start)
			if addErr == nil {
				addErr = checkAdded(ix, ids, codes, len(ids)/100)
			}
		})
		if addErr == nil {
			addErr = checkAdded(ix, ids, codes, 1)
		}
		if addErr != nil {
			return addErr
		}
		b.printf("add %d %s while searching: %.1fms, all found by searches after; searches meanwhile %.0f/s, %.1f%% of the %.0f/s just before",
			len(ids), batch.name, float64(took.Microseconds())/1e3, qps, 100*qps/before, before)
	}
	return nil
}

// checkAdded searches for every step-th added code at radius 0 and fails if its id is missing.
func checkAdded(ix *Index, ids []uint32, codes []Code, step int) error {
	s := ix.Searcher()
	for i := 0; i < len(ids); i += step {
		if !containsID(s.Search(nil, 0, codes[i]), ids[i]) {
			return fmt.Errorf("added code %d not found", ids[i])
		}
	}
	return nil
}

// extraCodes returns the codes added during the run: 2×benchAdds new ids after the data's, with
// codes drawn like the data's.
func (b *bench) extraCodes(rng *rand.Rand) ([]uint32, []Code) {
	d := &dataset{centers: b.centers}
	ids := make([]uint32, 2*benchAdds)
	codes := make([]Code, 2*benchAdds)
	for i := range ids {
		ids[i] = uint32(b.n + i)
		codes[i] = d.randomCode(rng, clusterRadius)
	}
	return ids, codes
}

func containsID(matches []Match, id uint32) bool {
	_, ok := slices.BinarySearchFunc(matches, id, func(m Match, id uint32) int { return cmpUint32(m.ID, id) })
	return ok
}

// findPlanted checks that every query finds its planted neighbour within the planted distance.
func (b *bench) findPlanted(ix *Index) error {
	s := ix.Searcher()
	eligible, missing := 0, 0
	var dst []Match
	// At large radii searches are slow; check a sample that takes a few seconds.
	step := max(1, len(b.queries)/max(1, int(b.qps*benchDuration.Seconds()/float64(runtime.GOMAXPROCS(0)))))
	for i, queries := range b.queries {
		if i%32 > b.radius || (i/32)%step != 0 {
			continue
		}
		eligible++
		dst = s.Search(dst[:0], b.radius, queries...)
		j, ok := slices.BinarySearchFunc(dst, b.planted[i], func(m Match, id uint32) int { return cmpUint32(m.ID, id) })
		if !ok || dst[j].Distance > i%32 {
			missing++
		}
	}
	b.printf("planted neighbours: %d of the %d within the radius found", eligible-missing, eligible)
	if missing > 0 {
		return fmt.Errorf("%d planted neighbours not found", missing)
	}
	return nil
}

// recall compares searches with LinearSearch over the same codes, regenerated from the seed.
func (b *bench) recall(ix *Index) error {
	d := makeDataset(b.n, b.clustered, benchSeed)
	extraIDs, extraCodes := b.extraCodes(rand.New(rand.NewPCG(benchSeed, 3)))
	ids := append(d.ids, extraIDs...)
	codes := append(d.codes, extraCodes...)
	sample := min(len(b.queries), max(1, int(benchComparisons/float64(len(ids)*b.perQuery))))
	step := len(b.queries) / sample
	type result struct{ want, missing, extra int }
	results := make([]result, sample)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			s := ix.Searcher()
			for i := int(next.Add(1) - 1); i < sample; i = int(next.Add(1) - 1) {
				queries := b.queries[i*step]
				want := LinearSearch(ids, codes, b.radius, queries...)
				got := s.Search(nil, b.radius, queries...)
				results[i] = compareResults(got, want)
			}
		})
	}
	wg.Wait()
	var total result
	for _, r := range results {
		total.want += r.want
		total.missing += r.missing
		total.extra += r.extra
	}
	recall := 100.0
	if total.want > 0 {
		recall = 100 * float64(total.want-total.missing) / float64(total.want)
	}
	b.printf("recall: %.2f%% (%d queries, %d matches by linear scan, %d missing, %d extra or at a wrong distance; %.1fs)",
		recall, sample, total.want, total.missing, total.extra, time.Since(start).Seconds())
	if total.missing > 0 || total.extra > 0 {
		return fmt.Errorf("searches differ from the linear scan: %d matches missing, %d extra", total.missing, total.extra)
	}
	return nil
}

// compareResults counts the matches of want missing from got, and those of got not in want.
func compareResults(got, want []Match) (r struct{ want, missing, extra int }) {
	r.want = len(want)
	for _, m := range want {
		if i, ok := slices.BinarySearchFunc(got, m.ID, func(g Match, id uint32) int { return cmpUint32(g.ID, id) }); !ok || got[i] != m {
			r.missing++
		}
	}
	r.extra = len(got) - (len(want) - r.missing)
	return r
}

// describe summarises the index's structure.
func (ix *Index) describe() string {
	st := ix.state.Load()
	var parts []string
	for _, s := range st.segments {
		desc := fmt.Sprintf("%d codes", len(s.ids))
		if widths := s.widths(); len(widths) > 0 {
			desc += fmt.Sprintf(" in %d tables of %d..%d-bit chunks", len(widths), slices.Min(widths), slices.Max(widths))
		}
		parts = append(parts, desc)
	}
	return fmt.Sprintf("%d segment(s) [%s], %d recent additions", len(st.segments), strings.Join(parts, "; "), len(st.delta.ids))
}

// releaseMemory returns freed memory to the system, so that resident memory measures what is
// in use: it collects garbage until cleanups have unmapped unreachable segments, then frees the
// Go heap's unused pages.
func releaseMemory() {
	deadline := time.Now().Add(5 * time.Second)
	for runtime.GC(); mappedBytes.Load() > 0 && time.Now().Before(deadline); runtime.GC() {
		runtime.Gosched()
	}
	debug.FreeOSMemory()
}

// memoryReport gives the process's resident memory, its peak, the index arrays allocated outside
// the Go heap and the Go heap in use.
func memoryReport() string {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rss, peak := procStatus("VmRSS"), procStatus("VmHWM")
	return fmt.Sprintf("rss %s (peak %s), index arrays %.1f MiB outside the Go heap, go heap %.1f MiB",
		rss, peak, float64(usedBytes.Load())/(1<<20), float64(ms.HeapInuse)/(1<<20))
}

// procStatus returns a memory figure from /proc/self/status in MiB, or "n/a".
func procStatus(field string) string {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "n/a"
	}
	for line := range bytes.Lines(status) {
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok || string(name) != field {
			continue
		}
		kb, err := strconv.Atoi(string(bytes.TrimSuffix(bytes.TrimSpace(value), []byte(" kB"))))
		if err != nil {
			return "n/a"
		}
		return fmt.Sprintf("%.1f MiB", float64(kb)/1024)
	}
	return "n/a"
}
