package main

import (
	"github.com/vigilproject/vigil/hamming"
	"github.com/vigilproject/vigil/match"
)

// benchMatchDescription is the help text of "vigil bench match".
const benchMatchDescription = `Measure the exact Hamming index that matching searches, on synthetic data:
build an index of N uniformly random 256-bit codes (with --clustered, codes in
1,000 clusters of radius 20) holding planted neighbours of the queries at
distances 0..31; save it to a temporary file and load it back; then search it
on every core for a few seconds, add 10,000 codes while searching (in one call, then one per call), and check
a sample of searches against a linear scan. It prints one "name: value" line
per figure: build time, memory, load time, queries/s, the cost of adding and
the recall. The exit status is 1 if any search differs from the linear scan.

With --dihedral every query is 8 codes, as when matching a photo's 8 dihedral
hashes.`

// runBenchMatch is "vigil bench match".
func runBenchMatch(e *env, args []string) int {
	fs := newFlagSet(e, "bench match", "", benchMatchDescription)
	n := fs.Int("n", 1_000_000, "index `N` codes")
	threshold := fs.Int("threshold", match.DefaultThreshold, "search within Hamming distance `N`")
	dihedral := fs.Bool("dihedral", false, "search 8 codes per query")
	clustered := fs.Bool("clustered", false, "draw the codes in 1,000 clusters of radius 20 instead of uniformly")
	if err := parseFlags(fs, args, e.lookupEnv); err != nil {
		return usageStatus(err)
	}
	switch {
	case *n < 100:
		return usageError(fs, "--n: must be at least 100, got %d", *n)
	case *threshold < 0 || *threshold > match.MaxThreshold:
		return usageError(fs, "--threshold: must be 0 to %d, got %d", match.MaxThreshold, *threshold)
	}
	if err := hamming.Bench(*n, *threshold, *dihedral, *clustered, e.stdout); err != nil {
		return failf(fs, "%v", err)
	}
	return exitOK
}
