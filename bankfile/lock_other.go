//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package bankfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// fileLock is the file DIR/lock.excl, created exclusively while a process writes, for systems
// without flock. Unlike flock it outlives a crashed writer, so the error says how to clear it.
type fileLock struct {
	path string
}

// openLock returns the lock of the data directory dir.
func openLock(dir string) (*fileLock, error) {
	return &fileLock{path: filepath.Join(dir, "lock.excl")}, nil
}

// acquire creates the lock file, or fails at once with an error wrapping ErrLocked when it exists.
func (l *fileLock) acquire() error {
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("data directory %s: %w (lock file %s exists; remove it if no vigil process is running)",
			filepath.Dir(l.path), ErrLocked, l.path)
	}
	if err != nil {
		return fmt.Errorf("lock %s: %w", l.path, err)
	}
	_, err = fmt.Fprintf(f, "%d\n", os.Getpid())
	if err = errors.Join(err, f.Close()); err != nil {
		return errors.Join(fmt.Errorf("lock %s: %w", l.path, err), os.Remove(l.path))
	}
	return nil
}

// release removes the lock file.
func (l *fileLock) release() error { return os.Remove(l.path) }

// close has nothing to release: the lock file exists only while a write runs.
func (l *fileLock) close() error { return nil }

// syncDir does nothing: these systems cannot sync a directory, and rename is their commit point.
func syncDir(string) error { return nil }
