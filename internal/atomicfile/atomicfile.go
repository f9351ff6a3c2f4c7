// Package atomicfile replaces files so that a reader, or the next start after a crash, sees the
// old content or the new, never a partial write: the snapshots of the Matcher and of the
// Hamming index are saved this way.
package atomicfile

import (
	"bufio"
	"errors"
	"io"
	"os"
	"path/filepath"
)

// TempPrefix is how the names of Write's temporary files for path begin, so that a caller can
// find the ones an interrupted write left behind.
func TempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }

// Write calls write with a buffered writer over a new temporary file in path's directory, then
// syncs the file, renames it over path and syncs the directory, so that the rename survives a
// crash. On error the temporary file is removed and path is as it was.
func Write(path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), TempPrefix(path)+"*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}
