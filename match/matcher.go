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
	// version is the store version (see Versioned) that the indexes reflect when versionKnown;
	// both are guarded by changing.
	version      uint64
	versionKnown bool

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
//
// When store is Versioned and no other writer changed it meanwhile, the Matcher knows which
// version of the store it reflects, and can write a snapshot (WriteSnapshot).
func NewMatcher(ctx context.Context, store Store, clock func() time.Time) (*Matcher, error) {
	before, versionErr := storeVersion(ctx, store)
	m := newMatcher(store, clock, hamming.New())
	banks, err := store.Banks(ctx)
	if err != nil {
		return nil, fmt.Errorf("load banks: %w", err)
	}
	m.reserve(ctx, banks)
	for _, b := range banks {
		st := &bankState{bank: b}
		m.banks[b.Name] = st
		if b.Enabled {
			if err := m.load(ctx, st); err != nil {
				return nil, err
			}
		}
	}
	if versionErr == nil {
		after, err := storeVersion(ctx, store)
		m.version, m.versionKnown = before, err == nil && after == before
	}
	return m, nil
}

// reserve makes room in the entry table for the entries of the enabled banks, when the store
// can count them, so that it does not grow, and briefly double, entry by entry.
func (m *Matcher) reserve(ctx context.Context, banks []Bank) {
	total := 0
	for _, b := range banks {
		if !b.Enabled {
			continue
		}
		n, err := m.store.CountEntries(ctx, b.Name)
		if err != nil {
			return // the loading that follows reports it
		}
		total += n
	}
	m.refs = make([]entryRef, 0, total)
	m.slots = make(map[uint32]uint32, total)
}

// newMatcher returns a Matcher of store with no banks, whose PDQ index is pdq.
func newMatcher(store Store, clock func() time.Time, pdq *hamming.Index) *Matcher {
	if clock == nil {
		clock = time.Now
	}
	m := &Matcher{
		store: store, clock: clock, pdq: pdq,
		banks: map[string]*bankState{}, slots: map[uint32]uint32{}, exact: map[signal.Signal]uint32{},
		categories: map[string]string{},
	}
	m.scratch.New = func() any { return &scratch{searcher: m.pdq.Searcher()} }
	return m
}

// storeVersion returns the version of store, which must be Versioned.
func storeVersion(ctx context.Context, store Store) (uint64, error) {
	v, ok := store.(Versioned)
	if !ok {
		return 0, fmt.Errorf("%w: the store (%T) does not tell its version", ErrUnknownVersion, store)
	}
	version, err := v.StoreVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrUnknownVersion, err)
	}
	return version, nil
}

// tracked updates the store version the Matcher reflects after a change: one call of a store
// method that writes, which changed the store or not, followed by the index updates, which
// left the indexes consistent with the store or not. If the store's version is not the one
// expected, another writer changed the store too, and the Matcher no longer knows its version.
// m.changing is held.
func (m *Matcher) tracked(ctx context.Context, changed, consistent bool) {
	if !m.versionKnown {
		return
	}
	want := m.version
	if changed {
		want++
	}
	v, err := storeVersion(ctx, m.store)
	m.version, m.versionKnown = v, err == nil && v == want && consistent
}

// load indexes the entries of the bank st, one at a time when the store is an EntryScanner.
// On error the indexes are as they were.
func (m *Matcher) load(ctx context.Context, st *bankState) error {
	scanner, ok := m.store.(EntryScanner)
	if !ok {
		entries, err := m.store.Entries(ctx, st.bank.Name)
		if err != nil {
			return fmt.Errorf("load bank %s: %w", st.bank.Name, err)
		}
		return m.insert(st, entries)
	}
	ix := m.newIndexer(st)
	if err := scanner.ScanEntries(ctx, st.bank.Name, ix.add); err != nil {
		return ix.finish(fmt.Errorf("load bank %s: %w", st.bank.Name, err))
	}
	return ix.finish(nil)
}

// Version returns the store version the Matcher's indexes reflect, and whether it is known: a
// process that loaded or saved a snapshot at one version need not save it again while the
// version stays the same.
func (m *Matcher) Version() (version uint64, known bool) {
	m.changing.Lock()
	defer m.changing.Unlock()
	return m.version, m.versionKnown
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
		m.tracked(ctx, false, true)
		return err
	}
	m.mu.Lock()
	m.banks[b.Name] = &bankState{bank: b}
	m.mu.Unlock()
	m.tracked(ctx, true, true)
	return nil
}

// UpdateBank changes a bank's settings in the store and then in the Matcher. Enabling a bank
// indexes its entries, disabling it removes them from the indexes; either way matching sees the
// bank's entries all at once or not at all.
func (m *Matcher) UpdateBank(ctx context.Context, b Bank) error {
	m.changing.Lock()
	defer m.changing.Unlock()
	if err := m.store.UpdateBank(ctx, b); err != nil {
		m.tracked(ctx, false, true)
		return err
	}
	err := m.updateBank(ctx, b)
	m.tracked(ctx, true, err == nil)
	return err
}

// updateBank applies the new settings b, already stored, to the indexes.
func (m *Matcher) updateBank(ctx context.Context, b Bank) error {
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
		m.tracked(ctx, false, true)
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
	m.tracked(ctx, true, true)
	return nil
}

// AddEntries adds entries to a bank through the store (see Store.AddEntries: the store sets their
// ids) and indexes the ones it added when the bank is enabled. They match as soon as it returns.
func (m *Matcher) AddEntries(ctx context.Context, bank string, entries []Entry) (int, error) {
	m.changing.Lock()
	defer m.changing.Unlock()
	added, err := m.store.AddEntries(ctx, bank, entries)
	if err != nil || added == 0 {
		m.tracked(ctx, false, true)
		return added, err
	}
	err = m.indexAdded(ctx, bank, entries, added)
	m.tracked(ctx, true, err == nil)
	return added, err
}

// indexAdded indexes the entries that the store added to bank, those it gave an id, when the
// bank is enabled.
func (m *Matcher) indexAdded(ctx context.Context, bank string, entries []Entry, added int) error {
	st, adopted, err := m.bankState(ctx, bank)
	if err != nil || adopted {
		return err
	}
	m.mu.RLock()
	enabled := st.bank.Enabled
	m.mu.RUnlock()
	if !enabled {
		return nil
	}
	fresh := make([]Entry, 0, added)
	for _, e := range entries {
		if e.ID != 0 {
			fresh = append(fresh, e)
		}
	}
	return m.insert(st, fresh)
}

// RemoveEntries removes entries from a bank through the store, then from the indexes.
func (m *Matcher) RemoveEntries(ctx context.Context, bank string, ids []uint32) error {
	m.changing.Lock()
	defer m.changing.Unlock()
	if err := m.store.RemoveEntries(ctx, bank, ids); err != nil {
		m.tracked(ctx, false, true)
		return err
	}
	m.remove(ids)
	m.tracked(ctx, len(ids) > 0, true)
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
