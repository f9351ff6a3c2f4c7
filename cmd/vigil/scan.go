package main

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"os"
	ossignal "os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/vigilproject/vigil/hasher"
	"github.com/vigilproject/vigil/match"
)

// scanDescription is the help text of "vigil scan".
const scanDescription = `Hash files and match them against the banks in one parallel pass. A PATH may
be a file, a directory (its regular files, recursively, in sorted order) or -
for standard input. For each file with matches or allow-bank matches, and
with --all for every file, one line of JSON is printed in input order, with
keys path, pdq, quality, md5, sha1, sha256, and matches, allowed and
suppressed as in "vigil match". A file that cannot be hashed gets
{"path": ..., "error": ...}; the others are still scanned and the exit status
is 1. A summary goes to stderr at the end: files, megabytes read, files with
matches, files allowed, errors and seconds.

With --dihedral the hashes of the image's 8 rotations and reflections are
matched too. With --resume, the files scanned without error are recorded in
STATEFILE and a scan run again with the same STATEFILE skips them (and tries
the failed ones again); an interrupt (Ctrl-C) stops the scan cleanly after the
files in progress, saving the state.

` + snapshotHelp

// runScan is "vigil scan".
func runScan(e *env, args []string) int {
	fs := newFlagSet(e, "scan", "PATH...", scanDescription)
	hf := addHashFlags(fs)
	mf := addMatchFlags(e, fs)
	all := fs.Bool("all", false, "print a record for every file, not only for those with matches")
	dihedral := fs.Bool("dihedral", false, "also match the hashes of the image's 8 rotations and reflections")
	resume := fs.String("resume", "", "record finished files in `STATEFILE` and skip those it lists")
	paths, err := parseArgs(fs, args, e.lookupEnv)
	if err != nil {
		return usageStatus(err)
	}
	opt, err := hf.options()
	if err != nil {
		return usageError(fs, "%v", err)
	}
	opt.Dihedral = *dihedral
	if err := checkPaths(paths, "scan"); err != nil {
		return usageError(fs, "%v", err)
	}
	st, m, mopt, err := mf.matcher(e, fs)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	defer st.Close()
	s := &scanner{e: e, m: m, mopt: mopt, hopt: opt, workers: *hf.workers, all: *all}
	if *resume != "" {
		if s.state, err = openScanState(*resume); err != nil {
			return usageError(fs, "--resume: %v", err)
		}
		defer s.state.close()
	}
	ctx, stop := ossignal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop) // a second interrupt kills at once
	return s.run(ctx, paths)
}

// scanner is one run of "vigil scan".
type scanner struct {
	e       *env
	m       *match.Matcher
	mopt    match.MatchOptions
	hopt    hasher.Options
	workers int
	all     bool
	state   *scanState // nil without --resume

	// results hands each file's match result from the worker that matched it to emit,
	// keyed by the file's *hasher.Result, since process carries only the hash outcome.
	results sync.Map

	bytes   atomic.Int64 // read by the workers
	skipped atomic.Int64 // files finished by an earlier run, counted as the walk finds them

	files, matched, allowed, failed int // counted by emit
}

// scanRecord is the output line of "vigil scan" for a file hashed.
type scanRecord struct {
	Path       string      `json:"path"`
	PDQ        string      `json:"pdq"`
	Quality    int         `json:"quality"`
	MD5        string      `json:"md5"`
	SHA1       string      `json:"sha1"`
	SHA256     string      `json:"sha256"`
	Matches    []jsonMatch `json:"matches"`
	Allowed    []jsonMatch `json:"allowed,omitempty"`
	Suppressed []jsonMatch `json:"suppressed,omitempty"`
}

// run scans the files paths name and returns the exit status.
func (s *scanner) run(ctx context.Context, paths []string) int {
	start := time.Now()
	var bar *progress
	if isTerminal(s.e.stderr) {
		if n := countItems(s.inputs(ctx, paths, nil)); n > progressMinItems {
			bar = newProgress(s.e.stderr, n)
		}
	}
	bw := bufio.NewWriter(s.e.stdout)
	enc := newJSONEncoder(bw)
	err := process(s.inputs(ctx, paths, &s.skipped), s.workers, s.hashAndMatch, func(it item, o outcome) error {
		if bar != nil {
			bar.add(1)
		}
		return s.emit(enc, bw, it, o)
	})
	if bar != nil {
		bar.finish()
	}
	if err == nil && s.state != nil {
		err = s.state.checkpoint(bw.Flush)
	}
	if flushErr := bw.Flush(); err == nil {
		err = flushErr
	}
	s.summary(time.Since(start))
	switch {
	case err != nil:
		fmt.Fprintf(s.e.stderr, "vigil scan: %v\n", err)
		return exitFailed
	case ctx.Err() != nil:
		fmt.Fprintf(s.e.stderr, "vigil scan: interrupted\n")
		return exitFailed
	case s.failed > 0:
		return exitFailed
	}
	return exitOK
}

// inputs yields the files paths name, less those an earlier run finished (counted in
// skipped unless it is nil), until ctx is cancelled.
func (s *scanner) inputs(ctx context.Context, paths []string, skipped *atomic.Int64) iter.Seq[item] {
	return func(yield func(item) bool) {
		for it := range walkInputs(paths) {
			if ctx.Err() != nil {
				return
			}
			if s.state != nil && it.err == nil && it.path != stdinPath && s.state.done(it.path) {
				if skipped != nil {
					skipped.Add(1)
				}
				continue
			}
			if !yield(it) {
				return
			}
		}
	}
}

// hashAndMatch hashes one file and matches its hashes; it runs on the workers.
func (s *scanner) hashAndMatch(it item) outcome {
	r, _, closeFile, err := openInput(s.e.stdin, it.path)
	if err != nil {
		return outcome{err: err}
	}
	defer closeFile()
	cr := &countingReader{r: r}
	res, err := hasher.Hash(cr, s.hopt)
	s.bytes.Add(cr.n)
	if err != nil {
		return outcome{err: fmt.Errorf("%s: %w", it.path, err)}
	}
	s.results.Store(res, s.m.Match(scanQuery(res), s.mopt))
	return outcome{res: res}
}

// scanQuery is the query for the hashes of one file.
func scanQuery(res *hasher.Result) match.Query {
	return match.Query{
		Signals:  res.Signals(),
		Quality:  res.Quality,
		Dihedral: res.Dihedral,
	}
}

// emit writes the record of one file, if it gets one, counts it, and records it as
// finished unless it failed; it runs on one goroutine, in input order.
func (s *scanner) emit(enc *json.Encoder, bw *bufio.Writer, it item, o outcome) error {
	s.files++
	var rec any
	if o.err != nil {
		s.failed++
		rec = jsonError{Path: it.path, Error: o.err.Error()}
	} else {
		v, _ := s.results.LoadAndDelete(o.res)
		res := v.(match.Result)
		if len(res.Hits) > 0 {
			s.matched++
		}
		if len(res.Allowed) > 0 {
			s.allowed++
		}
		if s.all || len(res.Hits) > 0 || len(res.Allowed) > 0 {
			rec = newScanRecord(it.path, o.res, res)
		}
	}
	if rec != nil {
		if err := enc.Encode(rec); err != nil {
			return fmt.Errorf("write output: %w", err)
		}
	}
	if s.state == nil || it.path == stdinPath || o.err != nil {
		return nil // a file that failed is tried again by a resumed scan
	}
	s.state.record(it.path)
	if s.state.due() {
		return s.state.checkpoint(bw.Flush)
	}
	return nil
}

// newScanRecord returns the output record of a file hashed and matched.
func newScanRecord(path string, h *hasher.Result, res match.Result) scanRecord {
	return scanRecord{
		Path:       path,
		PDQ:        h.PDQ.String(),
		Quality:    h.Quality,
		MD5:        hex.EncodeToString(h.MD5[:]),
		SHA1:       hex.EncodeToString(h.SHA1[:]),
		SHA256:     hex.EncodeToString(h.SHA256[:]),
		Matches:    jsonMatches(res.Hits),
		Allowed:    jsonOptional(res.Allowed),
		Suppressed: jsonOptional(res.Suppressed),
	}
}

// summary prints the counts of the run on stderr.
func (s *scanner) summary(elapsed time.Duration) {
	var b strings.Builder
	fmt.Fprintf(&b, "vigil scan: %d files, %.1f MB, %d matched, %d allowed, %d errors, %.1f s",
		s.files, float64(s.bytes.Load())/1e6, s.matched, s.allowed, s.failed, elapsed.Seconds())
	if n := s.skipped.Load(); n > 0 {
		fmt.Fprintf(&b, "; %d files skipped, finished by an earlier run", n)
	}
	fmt.Fprintln(s.e.stderr, b.String())
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
