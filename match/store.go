package match

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/vigilproject/vigil/signal"
)

// Entry is one signal in a bank, with what its supplier said about it.
type Entry struct {
	ID            uint32        // assigned by the store, unique across banks, never 0 once stored
	Bank          string        // the bank holding the entry
	Signal        signal.Signal // canonical, as signal.Parse returns it
	SupplierID    string        // the supplier's own id for the hash
	Category      string        // the supplier's own category, stored as given, never translated
	Note          string        // free text
	DisabledUntil time.Time     // the entry does not match before this time; zero: always matches
	Added         time.Time     // set by the store when zero
}

// Validate reports whether e can be stored: its signal is of a known type and in canonical form,
// and its text is valid UTF-8.
func (e Entry) Validate() error {
	if err := checkSignal(e.Signal); err != nil {
		return err
	}
	for _, f := range []struct{ name, value string }{
		{"supplier id", e.SupplierID}, {"category", e.Category}, {"note", e.Note},
	} {
		if !utf8.ValidString(f.value) {
			return fmt.Errorf("%s is not valid UTF-8", f.name)
		}
	}
	return nil
}

// checkSignal reports whether sig is of a registered type, under its canonical name, with a
// canonical value.
func checkSignal(sig signal.Signal) error {
	st, err := signal.Lookup(string(sig.Type))
	if err != nil {
		return err
	}
	if st.Name() != sig.Type {
		return fmt.Errorf("signal type %q is not canonical (want %q)", truncate(string(sig.Type)), st.Name())
	}
	canonical, err := st.Parse(sig.Value)
	if err != nil {
		return err
	}
	if canonical != sig.Value {
		return fmt.Errorf("%s value %q is not canonical (want %q)", sig.Type, truncate(sig.Value), canonical)
	}
	return nil
}

// Store keeps banks and their entries. Package sqlite implements it in the service's database,
// which the server and the command line share. Errors for a missing bank or entry wrap
// ErrNotFound, and creating a bank that exists wraps ErrExists.
type Store interface {
	// CreateBank stores a new, empty bank. It sets Created when zero.
	CreateBank(ctx context.Context, b Bank) error
	// UpdateBank replaces the settings of the bank called b.Name; Created is kept.
	UpdateBank(ctx context.Context, b Bank) error
	// DeleteBank deletes a bank and all its entries.
	DeleteBank(ctx context.Context, name string) error
	// Banks returns every bank, sorted by name.
	Banks(ctx context.Context) ([]Bank, error)
	// Bank returns the bank called name.
	Bank(ctx context.Context, name string) (Bank, error)
	// AddEntries stores entries in bank, all or none. An entry whose signal the bank already
	// holds, or that repeats an earlier one of the same call, is skipped and not counted, so
	// adding the same entries twice changes nothing. For each entry it stores, AddEntries sets
	// ID, Bank, and Added when zero, in entries itself; skipped entries keep ID 0.
	AddEntries(ctx context.Context, bank string, entries []Entry) (added int, err error)
	// Entries returns every entry of bank, in the order they were added.
	Entries(ctx context.Context, bank string) ([]Entry, error)
	// CountEntries returns the number of entries of bank.
	CountEntries(ctx context.Context, bank string) (int, error)
	// RemoveEntries deletes the entries of bank with the given ids, all or none: an id that is
	// not in the bank is an error and nothing is removed.
	RemoveEntries(ctx context.Context, bank string, ids []uint32) error
}

// Versioned is a Store that can tell which state its banks and entries are in, so that a Matcher
// snapshot can be checked against it (see LoadMatcher). Package sqlite implements it with a
// counter it increases in the transaction of every change.
type Versioned interface {
	// StoreVersion returns the number of the store's current state. It increases by exactly one
	// with every successful CreateBank, UpdateBank and DeleteBank, every AddEntries, or Commit of
	// StagedEntries, that adds an entry, and every RemoveEntries and SetDisabledUntil (see
	// EntryDisabler) with at least one id, whoever makes the change, and by at least one with any
	// other change to banks or entries; failed calls, additions that add nothing and
	// RemoveEntries or SetDisabledUntil without ids leave it as it is. It returns an error when the state cannot be told, for
	// example while another process is in the middle of a change.
	StoreVersion(ctx context.Context) (uint64, error)
}

// EntryScanner is a Store that can hand out the entries of a bank one at a time, so that a
// Matcher indexing a bank of millions of entries does not hold them all at once. Package sqlite
// implements it.
type EntryScanner interface {
	// ScanEntries calls fn with every entry of bank, in the order they were added, as Entries
	// would return them, and stops with the first error fn returns.
	ScanEntries(ctx context.Context, bank string, fn func(Entry) error) error
}

// EntryDisabler is a Store that can stop entries from matching for a while without removing
// them, for example while a supplier reviews a hash it may withdraw, or a reviewer checks a
// suspected false positive: the entry, its ids in cases and its history stay. Package sqlite
// implements it.
type EntryDisabler interface {
	// SetDisabledUntil sets the DisabledUntil of the entries of bank with the given ids to
	// until, kept in UTC to the millisecond; the zero time makes them match again. It changes
	// all or none: when an id is not in the bank the error wraps ErrNotFound and nothing
	// changes. Repeated ids count once.
	SetDisabledUntil(ctx context.Context, bank string, ids []uint32, until time.Time) error
}
