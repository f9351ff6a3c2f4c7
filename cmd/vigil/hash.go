package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"runtime"

	"github.com/vigilproject/vigil/hasher"
	"github.com/vigilproject/vigil/media"
	"github.com/vigilproject/vigil/pdq"
)

// hashFlags are the flags that choose how files are hashed, shared by "hash" and
// "bench hash".
type hashFlags struct {
	flavour   *string
	fast      *bool
	workers   *int
	maxPixels *int64
	maxBytes  *int64
}

// addHashFlags defines the hashing flags on fs.
func addHashFlags(fs *flag.FlagSet) *hashFlags {
	return &hashFlags{
		flavour: fs.String("flavour", "full", "PDQ `flavour`: full (the full-resolution image, as Meta's Java and Python ports "+
			"and HMA hash it) or cli (first resized to 512x512, as Meta's reference CLI does)"),
		fast:      fs.Bool("fast", false, "decode JPEGs luma-only at reduced scale: much faster, hashes may differ by a few bits"),
		workers:   fs.Int("workers", runtime.NumCPU(), "hash `N` files in parallel"),
		maxPixels: fs.Int64("max-pixels", 0, "refuse images of more than `N` pixels (0: the default limit)"),
		maxBytes:  fs.Int64("max-bytes", 0, "refuse files larger than `N` bytes (0: the default limit)"),
	}
}

// options validates the flags and returns the hasher options they select.
func (f *hashFlags) options() (hasher.Options, error) {
	flavour, err := pdq.ParseFlavour(*f.flavour)
	if err != nil {
		return hasher.Options{}, fmt.Errorf("--flavour: %w", err)
	}
	switch {
	case *f.fast && flavour != pdq.Full:
		return hasher.Options{}, fmt.Errorf("--fast: %w", hasher.ErrFastFlavour)
	case *f.workers < 1:
		return hasher.Options{}, fmt.Errorf("--workers: must be at least 1, got %d", *f.workers)
	case *f.maxPixels < 0:
		return hasher.Options{}, fmt.Errorf("--max-pixels: must not be negative, got %d", *f.maxPixels)
	case *f.maxBytes < 0:
		return hasher.Options{}, fmt.Errorf("--max-bytes: must not be negative, got %d", *f.maxBytes)
	}
	return hasher.Options{
		Flavour: flavour,
		Fast:    *f.fast,
		Limits:  media.Limits{MaxPixels: *f.maxPixels, MaxBytes: *f.maxBytes},
	}, nil
}

// hashDescription is the help text of "vigil hash".
const hashDescription = `Hash image files: PDQ perceptual hash and quality, MD5, SHA-1 and SHA-256.
A PATH may be a file, a directory (its regular files, recursively, in sorted
order) or - for standard input. Output is one record per file, in input order:
JSON Lines with keys path, pdq, quality, md5, sha1, sha256, width, height,
format, orientation (when the image has an EXIF orientation) and pdq_dihedral
(with --dihedral), or TSV under a header line. A file that cannot be hashed
gets a record with path and error; the others are still hashed and the exit
status is 1.`

// runHash is "vigil hash".
func runHash(e *env, args []string) int {
	fs := newFlagSet(e, "hash", "PATH...", hashDescription)
	hf := addHashFlags(fs)
	dihedral := fs.Bool("dihedral", false, "also output the 8 dihedral PDQ hashes")
	format := fs.String("format", outputFormats[0], "output `format`: jsonl or tsv")
	paths, err := parseArgs(fs, args, e.lookupEnv)
	if err != nil {
		return usageStatus(err)
	}
	opt, err := hf.options()
	if err != nil {
		return usageError(fs, "%v", err)
	}
	opt.Dihedral = *dihedral
	if err := checkPaths(paths, "hash"); err != nil {
		return usageError(fs, "%v", err)
	}
	out, err := newRecordWriter(*format, e.stdout, *dihedral)
	if err != nil {
		return usageError(fs, "--format: %v", err)
	}
	return hashPaths(e, paths, opt, *hf.workers, out)
}

// hashPaths hashes everything paths name, writes a record for each to out, and returns
// the exit status. It shows a progress bar when stderr is a terminal and there are
// enough files to be worth counting first.
func hashPaths(e *env, paths []string, opt hasher.Options, workers int, out recordWriter) int {
	inputs := walkInputs(paths)
	var bar *progress
	if isTerminal(e.stderr) {
		if n := countItems(inputs); n > progressMinItems {
			bar = newProgress(e.stderr, n)
		}
	}
	total, failed := 0, 0
	hash := func(it item) outcome { return hashInput(e.stdin, it.path, opt) }
	err := process(inputs, workers, hash, func(it item, o outcome) error {
		total++
		if o.err != nil {
			failed++
		}
		if bar != nil {
			bar.add(1)
		}
		return out.write(it.path, o)
	})
	if bar != nil {
		bar.finish()
	}
	if err = errors.Join(err, out.flush()); err != nil {
		fmt.Fprintf(e.stderr, "vigil hash: write output: %v\n", err)
		return exitFailed
	}
	if failed > 0 {
		fmt.Fprintf(e.stderr, "vigil hash: %d of %d files failed\n", failed, total)
		return exitFailed
	}
	return exitOK
}

// hashInput hashes the file at path, or stdin when path is "-".
func hashInput(stdin io.Reader, path string, opt hasher.Options) outcome {
	var o outcome
	if path == stdinPath {
		o.res, o.err = hasher.Hash(stdin, opt)
	} else {
		o.res, o.err = hasher.HashFile(path, opt)
	}
	return o
}

// countItems returns the number of items in seq, walking it once.
func countItems(seq iter.Seq[item]) int {
	n := 0
	for range seq {
		n++
	}
	return n
}

// checkPaths rejects the PATH arguments of a command that reads files: there must be at least
// one, and standard input may be named only once.
func checkPaths(paths []string, verb string) error {
	switch {
	case len(paths) == 0:
		return fmt.Errorf("no PATH to %s", verb)
	case countOf(paths, stdinPath) > 1:
		return fmt.Errorf("%q (standard input) given more than once", stdinPath)
	}
	return nil
}

// countOf returns how many elements of s equal v.
func countOf(s []string, v string) int {
	n := 0
	for _, x := range s {
		if x == v {
			n++
		}
	}
	return n
}
