package match

import (
	"context"
	"slices"
)

// EntryStager is a Store that can stage entries for an import (see StagedEntries).
type EntryStager interface {
	// StageEntries reads the entries that next yields for bank, until next returns io.EOF, and
	// checks and keeps them for Commit. Any other error of next, or an entry that is not valid,
	// stops it with nothing staged and is returned.
	StageEntries(ctx context.Context, bank string, next func() (Entry, error)) (StagedEntries, error)
}

// StagedEntries are entries read and checked ahead of adding them to a bank in one step, so that
// a list of millions of entries is added without holding it in memory, and reading it, from a
// slow upload say, does not hold up other changes. Close them when done.
type StagedEntries interface {
	// Bank returns the name of the bank the entries are for.
	Bank() string
	// Len returns the number of entries staged.
	Len() int
	// Commit adds the entries to the bank, all or none, as Store.AddEntries does: an entry whose
	// signal the bank holds already, or an earlier staged entry carries, is skipped. Once they
	// are stored, it calls stored, when not nil, with each entry added, as Entries returns it,
	// in id order. added counts the entries stored even when err, of stored or of reading them
	// back, is not nil.
	Commit(ctx context.Context, stored func(Entry) error) (added, skipped int, err error)
	// Close releases what holds the entries.
	Close() error
}

// ImportEntries adds staged entries, staged by the Matcher's own store, to their bank and, when
// the bank is enabled, indexes those added as the store hands them back one at a time: they
// match once it returns. Other changes through the Matcher wait only for the commit and the
// indexing, not for the staging.
func (m *Matcher) ImportEntries(ctx context.Context, staged StagedEntries) (added, skipped int, err error) {
	m.changing.Lock()
	defer m.changing.Unlock()
	st, _, err := m.bankState(ctx, staged.Bank())
	if err != nil {
		m.tracked(ctx, false, true)
		return 0, 0, err
	}
	m.mu.RLock()
	enabled := st.bank.Enabled
	m.mu.RUnlock()
	var ix *indexer
	var stored func(Entry) error
	if enabled {
		ix = m.newIndexer(st)
		ix.reserve(staged.Len())
		stored = ix.add
	}
	added, skipped, err = staged.Commit(ctx, stored)
	if ix != nil {
		err = ix.finish(err)
	}
	m.tracked(ctx, added > 0, err == nil || added == 0)
	return added, skipped, err
}

// reserve makes room for n more entries in the entry table and in the indexer's lists, so that
// indexing a large import does not grow them, and briefly double them, entry by entry.
func (ix *indexer) reserve(n int) {
	ix.m.mu.Lock()
	ix.m.refs = slices.Grow(ix.m.refs, max(0, n-len(ix.m.free)))
	ix.m.mu.Unlock()
	ix.ids = slices.Grow(ix.ids, n)
	ix.pdq = slices.Grow(ix.pdq, n)
	ix.codes = slices.Grow(ix.codes, n)
}
