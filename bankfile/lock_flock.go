//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package bankfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// fileLock is an advisory lock (flock) on DIR/lock. The kernel releases it when the process
// exits, so a crashed writer never leaves the data directory locked.
type fileLock struct {
	f *os.File
}

// openLock opens, creating when missing, the lock file of the data directory dir.
func openLock(dir string) (*fileLock, error) {
	f, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	return &fileLock{f: f}, nil
}

// acquire takes the lock, or fails at once with an error wrapping ErrLocked when another
// process (or another Store on the same directory) holds it.
func (l *fileLock) acquire() error {
	err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return fmt.Errorf("data directory %s: %w (it holds lock file %s)", filepath.Dir(l.f.Name()), ErrLocked, l.f.Name())
	}
	if err != nil {
		return fmt.Errorf("lock %s: %w", l.f.Name(), err)
	}
	return nil
}

// release gives the lock up.
func (l *fileLock) release() error {
	if err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN); err != nil {
		return fmt.Errorf("unlock %s: %w", l.f.Name(), err)
	}
	return nil
}

// close closes the lock file.
func (l *fileLock) close() error { return l.f.Close() }

// syncDir makes the renames and creations in dir durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	return errors.Join(err, f.Close())
}
