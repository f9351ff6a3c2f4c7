//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// serveLockFile is the file in the data directory that "vigil serve" holds locked (flock) while
// it runs, and that the bank commands lock shared while they change the banks. The kernel
// releases a lock when its process exits, so a crashed server never leaves the directory locked.
const serveLockFile = "serve.lock"

// errServing says that "vigil serve" runs on the data directory.
var errServing = errors.New("vigil serve is running")

// lockServing marks the data directory dir as served by this process until release is called:
// bank commands then refuse to change its banks, which the server's index would not see. It
// fails when another server runs on dir, or a bank command is changing its banks.
func lockServing(dir string) (release func() error, err error) {
	release, err = flockFile(dir, syscall.LOCK_EX)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return nil, fmt.Errorf("--data %s: another vigil serve runs on it, or a vigil bank command is changing its banks", dir)
	}
	return release, err
}

// lockBankWrite is taken by a bank command for as long as it changes the banks of the data
// directory dir, so that a server does not start in the middle of the change. It fails with an
// error wrapping errServing while a server runs on dir. Bank commands do not exclude each other:
// the database orders their changes.
func lockBankWrite(dir string) (release func() error, err error) {
	release, err = flockFile(dir, syscall.LOCK_SH)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return nil, fmt.Errorf("%w on %s: change banks through its API or stop it", errServing, dir)
	}
	return release, err
}

// flockFile takes the lock how (LOCK_EX or LOCK_SH) on dir's serveLockFile without waiting,
// failing with an error wrapping syscall.EWOULDBLOCK when another process holds it in a
// conflicting way.
func flockFile(dir string, how int) (func() error, error) {
	path := filepath.Join(dir, serveLockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("--data %s: %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("--data %s: lock %s: %w", dir, path, err)
	}
	return f.Close, nil // closing the file releases the lock
}
