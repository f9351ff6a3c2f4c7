// Package bankfile implements match.Store on plain files in a data directory:
//
//	DIR/lock                      locked while a process writes
//	DIR/next-id                   the next entry id to assign, in decimal
//	DIR/version                   the numbers of the last change begun and finished (StoreVersion)
//	DIR/banks/NAME/bank.json      the bank's settings
//	DIR/banks/NAME/entries.jsonl  its entries, one JSON object a line, in the order added
//
// Every change replaces whole files: the new content goes to a temporary file whose name starts
// with ".tmp-", is synced, and is renamed over the old file, so a crash leaves either the old state
// or the new one, never a mix. A new bank appears by renaming a complete directory into place; a
// deleted bank is renamed away before its files are removed. Readers ignore leftover temporary
// files and the next writer removes them.
//
// ImportEntries first spools its entries to an unnamed temporary file in DIR (named .import-*
// where a file cannot lose its name while open), then takes the lock to merge them in.
//
// Readers take no lock. Writers take an exclusive lock on DIR/lock, and fail at once with ErrLocked
// when another process holds it. Adding or removing entries rewrites the bank's entries file, so a
// write costs time in proportion to the bank's size; a database store suits frequent small changes
// to very large banks.
package bankfile

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/vigilproject/vigil/match"
)

// File and directory names inside the data directory.
const (
	banksDirName   = "banks"
	bankFileName   = "bank.json"
	entriesName    = "entries.jsonl"
	nextIDName     = "next-id"
	tmpPrefix      = ".tmp-"
	deletedPrefix  = ".deleted-"
	formatVersion  = 1
	dirPermissions = 0o700
)

// ErrLocked says another process is writing to the data directory.
var ErrLocked = errors.New("locked by another process")

// Store is a match.Store on the files of one data directory. Its methods are safe for concurrent
// use; writes are serialised, within the process and across processes.
type Store struct {
	dir   string
	mu    sync.Mutex // serialises this process's writers and guards the fields below
	lock  *fileLock  // nil once closed
	begun uint64     // the number of the change the current write has begun, 0 before beginChange
}

var _ match.Store = (*Store)(nil)

// Open opens the data directory dir, creating it when missing.
func Open(dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("open bank store: empty data directory name")
	}
	if err := os.MkdirAll(filepath.Join(dir, banksDirName), dirPermissions); err != nil {
		return nil, fmt.Errorf("open bank store: %w", err)
	}
	lock, err := openLock(dir)
	if err != nil {
		return nil, fmt.Errorf("open bank store: %w", err)
	}
	return &Store{dir: dir, lock: lock}, nil
}

// Close releases the lock file. The Store must not be written to afterwards.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lock == nil {
		return nil
	}
	err := s.lock.close()
	s.lock = nil
	return err
}

// Dir returns the data directory.
func (s *Store) Dir() string { return s.dir }

func (s *Store) banksDir() string            { return filepath.Join(s.dir, banksDirName) }
func (s *Store) bankDir(name string) string  { return filepath.Join(s.banksDir(), name) }
func (s *Store) bankFile(name string) string { return filepath.Join(s.bankDir(name), bankFileName) }
func (s *Store) entriesFile(name string) string {
	return filepath.Join(s.bankDir(name), entriesName)
}

// write runs change holding the write lock, after removing what crashed writers left behind.
func (s *Store) write(ctx context.Context, change func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lock == nil {
		return fmt.Errorf("data directory %s: store is closed", s.dir)
	}
	if err := s.lock.acquire(); err != nil {
		return err
	}
	err := s.removeLeftovers()
	if err == nil {
		err = change()
	}
	err = errors.Join(err, s.finishChange(err))
	return errors.Join(err, s.lock.release())
}

// bankRecord is the content of bank.json.
type bankRecord struct {
	Format     int        `json:"format"`
	Name       string     `json:"name"`
	Kind       match.Kind `json:"kind"`
	Threshold  int        `json:"threshold"`
	MinQuality int        `json:"min_quality"`
	Enabled    bool       `json:"enabled"`
	Source     string     `json:"source,omitempty"`
	Licence    string     `json:"licence,omitempty"`
	Version    string     `json:"version,omitempty"`
	Created    time.Time  `json:"created"`
}

// encodeBank returns the bank.json content for b.
func encodeBank(b match.Bank) ([]byte, error) {
	data, err := json.MarshalIndent(bankRecord{
		Format: formatVersion, Name: b.Name, Kind: b.Kind, Threshold: b.Threshold, MinQuality: b.MinQuality,
		Enabled: b.Enabled, Source: b.Source, Licence: b.Licence, Version: b.Version, Created: b.Created,
	}, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("bank %s: encode settings: %w", b.Name, err)
	}
	return append(data, '\n'), nil
}

// decodeBank parses bank.json content read from path for the bank called name.
func decodeBank(data []byte, name, path string) (match.Bank, error) {
	var r bankRecord
	if err := json.Unmarshal(data, &r); err != nil {
		return match.Bank{}, fmt.Errorf("%s: %w", path, err)
	}
	if r.Format != formatVersion {
		return match.Bank{}, fmt.Errorf("%s: unsupported format %d (want %d)", path, r.Format, formatVersion)
	}
	if r.Name != name {
		return match.Bank{}, fmt.Errorf("%s: names bank %q, want %q", path, r.Name, name)
	}
	b := match.Bank{
		Name: r.Name, Kind: r.Kind, Threshold: r.Threshold, MinQuality: r.MinQuality, Enabled: r.Enabled,
		Source: r.Source, Licence: r.Licence, Version: r.Version, Created: r.Created,
	}
	if err := b.Validate(); err != nil {
		return match.Bank{}, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

// readBank reads the settings of the bank called name.
func (s *Store) readBank(name string) (match.Bank, error) {
	if err := match.ValidateName(name); err != nil {
		return match.Bank{}, err
	}
	path := s.bankFile(name)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return match.Bank{}, fmt.Errorf("bank %s: %w", name, match.ErrNotFound)
	}
	if err != nil {
		return match.Bank{}, err
	}
	return decodeBank(data, name, path)
}

// Bank returns the bank called name.
func (s *Store) Bank(ctx context.Context, name string) (match.Bank, error) {
	if err := ctx.Err(); err != nil {
		return match.Bank{}, err
	}
	return s.readBank(name)
}

// Banks returns every bank, sorted by name.
func (s *Store) Banks(ctx context.Context) ([]match.Bank, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	dirents, err := os.ReadDir(s.banksDir())
	if err != nil {
		return nil, err
	}
	var banks []match.Bank
	for _, d := range dirents {
		if !d.IsDir() || match.ValidateName(d.Name()) != nil {
			continue // leftovers of crashed writers, or files that are not banks
		}
		b, err := s.readBank(d.Name())
		if err != nil {
			return nil, err
		}
		banks = append(banks, b)
	}
	return banks, nil
}

// CreateBank stores a new, empty bank, setting Created to now when zero. It fails with an error
// wrapping match.ErrExists when the name is taken.
func (s *Store) CreateBank(ctx context.Context, b match.Bank) error {
	if err := b.Validate(); err != nil {
		return err
	}
	if b.Created.IsZero() {
		b.Created = time.Now()
	}
	b.Created = storedTime(b.Created)
	settings, err := encodeBank(b)
	if err != nil {
		return err
	}
	return s.write(ctx, func() error {
		final := s.bankDir(b.Name)
		if _, err := os.Lstat(final); err == nil {
			return fmt.Errorf("bank %s: %w", b.Name, match.ErrExists)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if err := s.beginChange(); err != nil {
			return err
		}
		return createDirAtomic(final, map[string][]byte{bankFileName: settings, entriesName: nil})
	})
}

// UpdateBank replaces the settings of the bank called b.Name, keeping its creation time.
func (s *Store) UpdateBank(ctx context.Context, b match.Bank) error {
	if err := b.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func() error {
		old, err := s.readBank(b.Name)
		if err != nil {
			return err
		}
		b.Created = old.Created
		settings, err := encodeBank(b)
		if err != nil {
			return err
		}
		if err := s.beginChange(); err != nil {
			return err
		}
		return writeFileAtomic(s.bankFile(b.Name), func(w *bufio.Writer) error {
			_, err := w.Write(settings)
			return err
		})
	})
}

// DeleteBank deletes the bank called name and its entries.
func (s *Store) DeleteBank(ctx context.Context, name string) error {
	if err := match.ValidateName(name); err != nil {
		return err
	}
	return s.write(ctx, func() error {
		if _, err := s.readBank(name); err != nil {
			return err
		}
		if err := s.beginChange(); err != nil {
			return err
		}
		return removeDirAtomic(s.bankDir(name), name)
	})
}

// storedTime is t as the store keeps it: UTC, to the millisecond.
func storedTime(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Millisecond)
}
