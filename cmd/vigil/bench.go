package main

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"io"
	"os"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/vigilproject/vigil/hasher"
)

// benchDescription is the help text of "vigil bench hash".
const benchDescription = `Hash every file under DIR --runs times and print, for the median run by
images/s: images/s, MB/s, and the median and mean milliseconds per image of
each stage (read, decode, hash) and in total. Files that fail to hash are
listed on stderr, left out of the figures, and make the exit status 1.

With --stdlib, each run also decodes the same files with Go's image/jpeg
(reading included, same number of workers), alternating with Vigil's runs,
and prints the ratio of Vigil's whole hash time to that decode time.`

// benchSample is the measurement of one image hashed.
type benchSample struct {
	size   int64         // file size in bytes
	timing hasher.Timing // per-stage time reported by the hasher
	total  time.Duration // wall time of the whole hasher call
}

// benchRun is the measurement of one pass over all files.
type benchRun struct {
	wall    time.Duration
	samples []benchSample // of the files hashed successfully
	failed  []error       // for the others, each naming its file
}

// runBenchHash is "vigil bench hash".
func runBenchHash(e *env, args []string) int {
	fs := newFlagSet(e, "bench hash", "DIR", benchDescription)
	hf := addHashFlags(fs)
	runs := fs.Int("runs", 3, "make `N` passes over DIR and report the median one")
	stdlib := fs.Bool("stdlib", false, "also time Go's image/jpeg.Decode on the same files and print the ratio")
	dirs, err := parseArgs(fs, args, e.lookupEnv)
	if err != nil {
		return usageStatus(err)
	}
	opt, err := hf.options()
	switch {
	case err != nil:
		return usageError(fs, "%v", err)
	case *runs < 1:
		return usageError(fs, "--runs: must be at least 1, got %d", *runs)
	case len(dirs) != 1:
		return usageError(fs, "want one DIR, got %d arguments", len(dirs))
	}
	if info, err := os.Stat(dirs[0]); err != nil || !info.IsDir() {
		return usageError(fs, "%s is not a directory", dirs[0])
	}

	files, sizes, listFailed := listFiles(dirs[0])
	results, baseline := make([]benchRun, *runs), make([]benchRun, *runs)
	for i := range results {
		results[i] = benchOnce(files, sizes, *hf.workers, hashWith(opt))
		if *stdlib {
			baseline[i] = benchOnce(files, sizes, *hf.workers, decodeStdlib)
		}
	}
	median := medianRun(results)

	failed := append(listFailed, median.failed...)
	for _, err := range failed {
		fmt.Fprintf(e.stderr, "vigil bench hash: skipped %v\n", err)
	}
	if len(median.samples) == 0 {
		fmt.Fprintf(e.stderr, "vigil bench hash: no image under %s could be hashed\n", dirs[0])
		return exitFailed
	}
	fmt.Fprintf(e.stdout, "%d images under %s, flavour %s, fast %t, %d workers, median of %d runs\n\n",
		len(median.samples), dirs[0], *hf.flavour, *hf.fast, *hf.workers, *runs)
	printBench(e.stdout, median)
	if *stdlib {
		base := medianRun(baseline)
		fmt.Fprintf(e.stdout, "\nimage/jpeg.Decode on the same files: %.1f images/s, median %.3f ms per image\n",
			float64(len(base.samples))/base.wall.Seconds(), ms(medianTotal(base)))
		fmt.Fprintf(e.stdout, "vigil hash / image/jpeg.Decode time: %.3f\n", median.wall.Seconds()/base.wall.Seconds())
		failed = append(failed, base.failed...)
	}
	if len(failed) > 0 {
		return exitFailed
	}
	return exitOK
}

// listFiles returns the regular files under dir with their sizes, and an error for each
// path that could not be listed.
func listFiles(dir string) (paths []string, sizes map[string]int64, failed []error) {
	sizes = make(map[string]int64)
	for it := range walkInputs([]string{dir}) {
		var info os.FileInfo
		err := it.err
		if err == nil {
			info, err = os.Stat(it.path)
		}
		if err != nil {
			failed = append(failed, err)
			continue
		}
		paths = append(paths, it.path)
		sizes[it.path] = info.Size()
	}
	return paths, sizes, failed
}

// medianRun returns the run with the median wall time.
func medianRun(runs []benchRun) benchRun {
	runs = slices.Clone(runs)
	slices.SortFunc(runs, func(a, b benchRun) int { return int(a.wall - b.wall) })
	return runs[len(runs)/2]
}

// medianTotal returns the median time per image of a run.
func medianTotal(r benchRun) time.Duration {
	d := make([]time.Duration, len(r.samples))
	for i, s := range r.samples {
		d[i] = s.total
	}
	med, _ := medianMean(d)
	return med
}

// hashWith returns the measured work of a Vigil run: hash one file.
func hashWith(opt hasher.Options) func(path string) (hasher.Timing, error) {
	return func(path string) (hasher.Timing, error) {
		res, err := hasher.HashFile(path, opt)
		if err != nil {
			return hasher.Timing{}, err // hasher.HashFile's errors name the file
		}
		return res.Timing, nil
	}
}

// decodeStdlib is the baseline work: read one file and decode it with Go's image/jpeg.
func decodeStdlib(path string) (hasher.Timing, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return hasher.Timing{}, err
	}
	if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
		return hasher.Timing{}, fmt.Errorf("%s: image/jpeg: %w", path, err)
	}
	return hasher.Timing{}, nil
}

// benchOnce runs work on every file once with the given number of workers.
func benchOnce(files []string, sizes map[string]int64, workers int, work func(path string) (hasher.Timing, error)) benchRun {
	var r benchRun
	items := func(yield func(item) bool) {
		for _, f := range files {
			if !yield(item{path: f}) {
				return
			}
		}
	}
	hash := func(it item) outcome {
		start := time.Now()
		timing, err := work(it.path)
		return outcome{res: &hasher.Result{Timing: timing}, err: err, elapsed: time.Since(start)}
	}
	start := time.Now()
	// emit never fails, so neither does process.
	_ = process(items, workers, hash, func(it item, o outcome) error {
		if o.err != nil {
			r.failed = append(r.failed, o.err)
			return nil
		}
		r.samples = append(r.samples, benchSample{size: sizes[it.path], timing: o.res.Timing, total: o.elapsed})
		return nil
	})
	r.wall = time.Since(start)
	return r
}

// printBench writes the throughput and per-stage table of a run.
func printBench(w io.Writer, r benchRun) {
	var bytes int64
	for _, s := range r.samples {
		bytes += s.size
	}
	secs := r.wall.Seconds()
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "images/s\tMB/s\n%.1f\t%.1f\n\n", float64(len(r.samples))/secs, float64(bytes)/1e6/secs)
	tw.Flush()
	fmt.Fprintf(tw, "stage\tmedian ms\tmean ms\n")
	stages := []struct {
		name string
		of   func(benchSample) time.Duration
	}{
		{"read", func(s benchSample) time.Duration { return s.timing.Read }},
		{"decode", func(s benchSample) time.Duration { return s.timing.Decode }},
		{"hash", func(s benchSample) time.Duration { return s.timing.Hash }},
		{"total", func(s benchSample) time.Duration { return s.total }},
	}
	for _, st := range stages {
		d := make([]time.Duration, len(r.samples))
		for i, s := range r.samples {
			d[i] = st.of(s)
		}
		med, mean := medianMean(d)
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\n", st.name, ms(med), ms(mean))
	}
	tw.Flush()
}

// medianMean returns the median and the mean of d, which must not be empty. d is sorted.
func medianMean(d []time.Duration) (median, mean time.Duration) {
	slices.Sort(d)
	var sum time.Duration
	for _, x := range d {
		sum += x
	}
	n := len(d)
	median = d[n/2]
	if n%2 == 0 {
		median = (d[n/2-1] + d[n/2]) / 2
	}
	return median, sum / time.Duration(n)
}

// ms converts d to milliseconds.
func ms(d time.Duration) float64 {
	return float64(d) / float64(time.Millisecond)
}
