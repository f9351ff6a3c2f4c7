package bankfile

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// rename is os.Rename, the commit point of every change. Tests replace it to make a commit fail.
var rename = os.Rename

// writeFileAtomic replaces path with what fill writes: the content goes to a temporary file in the
// same directory, which is synced and then renamed over path, so that path always holds either
// the old content or all of the new. An error of fill is returned as it is, and path is unchanged.
func writeFileAtomic(path string, fill func(w *bufio.Writer) error) error {
	p, err := createPending(path)
	if err != nil {
		return err
	}
	if err := fill(p.w); err != nil {
		p.discard()
		return err
	}
	return p.commit()
}

// pendingFile is the new content of a file, written to a temporary file beside it until commit
// renames it into place. Writers that must do something between writing the content and
// committing it (reserve ids, mark a change as begun) use it directly.
type pendingFile struct {
	path string // the file to replace
	f    *os.File
	w    *bufio.Writer // buffers writes to f
}

// createPending starts new content for path.
func createPending(path string) (*pendingFile, error) {
	dir, base := filepath.Split(path)
	f, err := os.CreateTemp(dir, tmpPrefix+base+"-*")
	if err != nil {
		return nil, err
	}
	return &pendingFile{path: path, f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

// commit syncs the content and renames it over path. On error path is unchanged and the
// temporary file is gone.
func (p *pendingFile) commit() error {
	err := p.w.Flush()
	if err == nil {
		err = p.f.Sync()
	}
	if closeErr := p.f.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = rename(p.f.Name(), p.path)
	}
	if err != nil {
		discard(p.f)
		return fmt.Errorf("write %s: %w", p.path, err)
	}
	return syncDir(filepath.Dir(p.path))
}

// discard abandons the content; path is unchanged.
func (p *pendingFile) discard() { discard(p.f) }

// discard closes and removes an unfinished temporary file. Its errors are ignored: readers never
// look at temporary files, and the next writer removes any that remain.
func discard(f *os.File) {
	_ = f.Close()
	_ = os.Remove(f.Name())
}

// createDirAtomic creates the directory final holding files (name to content): it fills a
// temporary directory beside final and renames it into place.
func createDirAtomic(final string, files map[string][]byte) error {
	parent := filepath.Dir(final)
	tmp, err := os.MkdirTemp(parent, tmpPrefix+filepath.Base(final)+"-*")
	if err != nil {
		return err
	}
	for name, content := range files {
		if err = writeSynced(filepath.Join(tmp, name), content); err != nil {
			break
		}
	}
	if err == nil {
		err = syncDir(tmp)
	}
	if err == nil {
		err = rename(tmp, final)
	}
	if err != nil {
		_ = os.RemoveAll(tmp) // left for the next writer when it fails
		return fmt.Errorf("create %s: %w", final, err)
	}
	return syncDir(parent)
}

// writeSynced writes a new file and syncs it.
func writeSynced(path string, content []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(content)
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

// removeDirAtomic deletes the directory dir of the bank called name: a rename takes it out of
// sight at once, then its files are removed.
func removeDirAtomic(dir, name string) error {
	parent := filepath.Dir(dir)
	grave := filepath.Join(parent, deletedPrefix+name+"-"+strconv.FormatInt(time.Now().UnixNano(), 36))
	if err := rename(dir, grave); err != nil {
		return fmt.Errorf("delete bank %s: %w", name, err)
	}
	if err := syncDir(parent); err != nil {
		return fmt.Errorf("delete bank %s: %w", name, err)
	}
	if err := os.RemoveAll(grave); err != nil {
		return fmt.Errorf("bank %s is deleted, but removing its files failed (the next write retries): %w", name, err)
	}
	return nil
}

// removeLeftovers removes the temporary files and directories of writers that crashed, from the
// data directory, the banks directory and every bank directory. It runs under the write lock,
// when no other writer can be using them.
func (s *Store) removeLeftovers() error {
	dirs := []string{s.dir, s.banksDir()}
	banks, err := os.ReadDir(s.banksDir())
	if err != nil {
		return err
	}
	for _, d := range banks {
		if d.IsDir() && !isLeftover(d.Name()) {
			dirs = append(dirs, s.bankDir(d.Name()))
		}
	}
	for _, dir := range dirs {
		dirents, err := os.ReadDir(dir)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		for _, d := range dirents {
			if !isLeftover(d.Name()) {
				continue
			}
			if err := os.RemoveAll(filepath.Join(dir, d.Name())); err != nil {
				return fmt.Errorf("remove leftover of an interrupted write: %w", err)
			}
		}
	}
	return nil
}

// isLeftover reports whether name is a temporary file or directory of a write.
func isLeftover(name string) bool {
	return strings.HasPrefix(name, tmpPrefix) || strings.HasPrefix(name, deletedPrefix)
}
