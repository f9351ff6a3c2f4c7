package match

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vigilproject/vigil/hamming"
	"github.com/vigilproject/vigil/signal"
)

// Matcher looks signals up in the enabled banks of a Store. It keeps, per signal type, an index
// over every entry of every enabled bank: a map from value to entries for the exact types, and a
// Hamming index for PDQ. Its methods that change banks write through the Store and then update
// the indexes in place, without rebuilding them. Match may run concurrently with everything.
//
// A Matcher sees the changes made through it. Changes that other writers make to the store are
// seen by a new Matcher, except that a bank created elsewhere is picked up the first time it is
// changed through this one.
type Matcher struct {
	store    Store
	clock    func() time.Time
	pdq      *hamming.Index // PDQ entries of enabled banks, by entry id
	scratch  sync.Pool      // of *scratch, so that matching does not allocate search buffers
	changing sync.Mutex     // serialises changes, so that store and indexes change in the same order

	mu         sync.RWMutex // guards the fields below, and the bankStates they point to
	banks      map[string]*bankState
	refs       []entryRef               // every indexed entry, in slots reused after removal
	slots      map[uint32]uint32        // slot of each indexed entry id
	free       []uint32                 // empty slots of refs
	exact      map[signal.Signal]uint32 // link to the first indexed entry of each exact-type value
	categories map[string]string        // for intern
}

// scratch is per-goroutine matching state.
type scratch struct {
	searcher *hamming.Searcher
	codes    []hamming.Code
	matches  []hamming.Match
}

// NewMatcher loads every bank of store and indexes the entries of the enabled ones. clock tells
// the time that entries' DisabledUntil is compared with; nil means time.Now.
func NewMatcher(ctx context.Context, store Store, clock func() time.Time) (*Matcher, error) {
	if clock == nil {
		clock = time.Now
	}
	m := &Matcher{
		store: store, clock: clock, pdq: hamming.New(),
		banks: map[string]*bankState{}, slots: map[uint32]uint32{}, exact: map[signal.Signal]uint32{},
		categories: map[string]string{},
	}
	m.scratch.New = func() any { return &scratch{searcher: m.pdq.Searcher()} }
	banks, err := store.Banks(ctx)
	if err != nil {
		return nil, fmt.Errorf("load banks: %w", err)
	}
	for _, b := range banks {
		st := &bankState{bank: b}
		m.banks[b.Name] = st
		if b.Enabled {
			if err := m.load(ctx, st); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}

// load indexes the entries of the bank st.
func (m *Matcher) load(ctx context.Context, st *bankState) error {
	entries, err := m.store.Entries(ctx, st.bank.Name)
	if err != nil {
		return fmt.Errorf("load bank %s: %w", st.bank.Name, err)
	}
	return m.insert(st, entries)
}

// Banks returns the settings of every bank the Matcher knows, sorted by name.
func (m *Matcher) Banks() []Bank {
	m.mu.RLock()
	defer m.mu.RUnlock()
	banks := make([]Bank, 0, len(m.banks))
	for _, st := range m.banks {
		banks = append(banks, st.bank)
	}
	slices.SortFunc(banks, func(a, b Bank) int { return strings.Compare(a.Name, b.Name) })
	return banks
}

// Len returns the number of indexed entries: those of the enabled banks.
func (m *Matcher) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.slots)
}

// CreateBank creates a bank in the store and makes it known to the Matcher. A zero Created is
// set to the Matcher's clock.
func (m *Matcher) CreateBank(ctx context.Context, b Bank) error {
	m.changing.Lock()
	defer m.changing.Unlock()
	if b.Created.IsZero() {
		b.Created = m.clock()
	}
	if err := m.store.CreateBank(ctx, b); err != nil {
		return err
	}
	m.mu.Lock()
	m.banks[b.Name] = &bankState{bank: b}
	m.mu.Unlock()
	return nil
}

// UpdateBank changes a bank's settings in the store and then in the Matcher. Enabling a bank
// indexes its entries, disabling it removes them from the indexes; either way matching sees the
// bank's entries all at once or not at all.
func (m *Matcher) UpdateBank(ctx context.Context, b Bank) error {
	m.changing.Lock()
	defer m.changing.Unlock()
	if err := m.store.UpdateBank(ctx, b); err != nil {
		return err
	}
	st, adopted, err := m.bankState(ctx, b.Name)
	if err != nil || adopted {
		return err
	}
	m.mu.RLock()
	wasEnabled := st.bank.Enabled
	b.Created = st.bank.Created
	m.mu.RUnlock()
	if b.Enabled && !wasEnabled {
		// Indexed while the bank still reads as disabled, then switched on in one step.
		if err := m.load(ctx, st); err != nil {
			return err
		}
	}
	m.mu.Lock()
	st.bank = b
	m.mu.Unlock()
	if wasEnabled && !b.Enabled {
		m.remove(m.bankIDs(st))
	}
	return nil
}

// DeleteBank deletes a bank and its entries from the store and the indexes.
func (m *Matcher) DeleteBank(ctx context.Context, name string) error {
	m.changing.Lock()
	defer m.changing.Unlock()
	if err := m.store.DeleteBank(ctx, name); err != nil {
		return err
	}
	m.mu.Lock()
	st, ok := m.banks[name]
	delete(m.banks, name)
	if ok {
		st.bank.Enabled = false // hides its entries until they are removed
	}
	m.mu.Unlock()
	if ok {
		m.remove(m.bankIDs(st))
	}
	return nil
}

// AddEntries adds entries to a bank through the store (see Store.AddEntries: the store sets their
// ids) and indexes the ones it added when the bank is enabled. They match as soon as it returns.
func (m *Matcher) AddEntries(ctx context.Context, bank string, entries []Entry) (int, error) {
	m.changing.Lock()
	defer m.changing.Unlock()
	added, err := m.store.AddEntries(ctx, bank, entries)
	if err != nil || added == 0 {
		return added, err
	}
	st, adopted, err := m.bankState(ctx, bank)
	if err != nil || adopted {
		return added, err
	}
	m.mu.RLock()
	enabled := st.bank.Enabled
	m.mu.RUnlock()
	if !enabled {
		return added, nil
	}
	fresh := make([]Entry, 0, added)
	for _, e := range entries {
		if e.ID != 0 {
			fresh = append(fresh, e)
		}
	}
	return added, m.insert(st, fresh)
}

// RemoveEntries removes entries from a bank through the store, then from the indexes.
func (m *Matcher) RemoveEntries(ctx context.Context, bank string, ids []uint32) error {
	m.changing.Lock()
	defer m.changing.Unlock()
	if err := m.store.RemoveEntries(ctx, bank, ids); err != nil {
		return err
	}
	m.remove(ids)
	return nil
}

// bankState returns the Matcher's state of the bank called name. When another writer created
// the bank after the Matcher was loaded, bankState adopts it: reads it from the store, indexes its
// entries when it is enabled, and reports adopted.
func (m *Matcher) bankState(ctx context.Context, name string) (st *bankState, adopted bool, err error) {
	m.mu.RLock()
	st, ok := m.banks[name]
	m.mu.RUnlock()
	if ok {
		return st, false, nil
	}
	b, err := m.store.Bank(ctx, name)
	if err != nil {
		return nil, false, err
	}
	st = &bankState{bank: b}
	if b.Enabled {
		if err := m.load(ctx, st); err != nil {
			return nil, false, err
		}
	}
	m.mu.Lock()
	m.banks[name] = st
	m.mu.Unlock()
	return st, true, nil
}
