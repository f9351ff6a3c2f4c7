package main

import (
	"errors"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
)

// stdinPath is the command-line argument that stands for standard input.
const stdinPath = "-"

// item is one input to hash.
type item struct {
	path string // as given on the command line or found under a directory; "-" is stdin
	err  error  // why the path could not be listed; reported in place of a hash
}

// walkInputs yields the inputs named by the command-line paths, in order: a file as given,
// stdin for "-", and for a directory its regular files, recursively and sorted by name.
// Other entries under a directory (symbolic links, devices, sockets) are skipped. A path
// that cannot be read is yielded with its error. Directories are read only as the walk
// reaches them, so hashing can start at once however large the tree.
func walkInputs(paths []string) iter.Seq[item] {
	return func(yield func(item) bool) {
		for _, p := range paths {
			if !yieldPath(p, yield) {
				return
			}
		}
	}
}

// yieldPath yields the inputs for one command-line path and reports whether to go on.
func yieldPath(path string, yield func(item) bool) bool {
	if path == stdinPath {
		return yield(item{path: path})
	}
	info, err := os.Stat(path)
	switch {
	case err != nil:
		return yield(item{path: path, err: err})
	case info.IsDir():
		return walkDir(path, yield)
	default:
		return yield(item{path: path})
	}
}

// walkDir yields the regular files under root and reports whether to go on. It walks
// root through os.DirFS so that a root given as a symbolic link to a directory is
// followed, while links below it are not (they could form cycles).
func walkDir(root string, yield func(item) bool) bool {
	goOn := true
	// The callback never returns an error other than SkipAll, so WalkDir returns nil.
	_ = fs.WalkDir(os.DirFS(root), ".", func(p string, d fs.DirEntry, err error) error {
		full := filepath.Join(root, filepath.FromSlash(p))
		switch {
		case err != nil:
			goOn = yield(item{path: full, err: withFullPath(err, full)})
		case d.Type().IsRegular():
			goOn = yield(item{path: full})
		}
		if !goOn {
			return fs.SkipAll
		}
		return nil
	})
	return goOn
}

// withFullPath replaces the root-relative path in a *fs.PathError from os.DirFS by the
// full one, so the message names the file the user can find.
func withFullPath(err error, full string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: full, Err: pe.Err}
	}
	return err
}
