package match

import (
	"fmt"
	"slices"

	"github.com/vigilproject/vigil/hamming"
	"github.com/vigilproject/vigil/pdq"
	"github.com/vigilproject/vigil/signal"
)

// updateChunk is how many entries an index update changes per hold of the write lock, so that
// matching goes on between chunks of a large update.
const updateChunk = 4096

// bankState is the Matcher's copy of a bank's settings. Entry references point to it, so a
// settings change reaches them all at once.
type bankState struct {
	bank Bank
}

// entryRef is what the Matcher keeps of an indexed entry: enough to filter and report a hit.
// References live in a slice, and a link to one is its position plus one, so that 0 links
// nowhere.
type entryRef struct {
	id            uint32
	next          uint32 // link to the next entry with the same exact-type value
	bank          *bankState
	signal        signal.Signal // Value is empty for PDQ entries, whose hash is in code
	code          pdq.Hash
	supplierID    string
	category      string
	disabledUntil int64 // Unix milliseconds; the entry matches only after this time
}

// stored returns the entry's signal as stored.
func (r *entryRef) stored() signal.Signal {
	if r.signal.Type == signal.PDQ {
		return signal.Signal{Type: signal.PDQ, Value: r.code.String()}
	}
	return r.signal
}

// newRef makes the reference of e, an entry of the bank st.
func newRef(st *bankState, e Entry) (entryRef, error) {
	if e.ID == 0 {
		return entryRef{}, fmt.Errorf("bank %s: entry of %s has no id", st.bank.Name, e.Signal)
	}
	sigType, err := signal.Lookup(string(e.Signal.Type))
	if err != nil {
		return entryRef{}, fmt.Errorf("bank %s: entry %d: %w", st.bank.Name, e.ID, err)
	}
	ref := entryRef{
		id: e.ID, bank: st, signal: signal.Signal{Type: sigType.Name(), Value: e.Signal.Value},
		supplierID: e.SupplierID, category: e.Category, disabledUntil: e.DisabledUntil.UnixMilli(),
	}
	if sigType.Name() == signal.PDQ {
		if ref.code, err = pdq.Parse(e.Signal.Value); err != nil {
			return entryRef{}, fmt.Errorf("bank %s: entry %d: %w", st.bank.Name, e.ID, err)
		}
		ref.signal.Value = ""
	}
	return ref, nil
}

// insert indexes entries of the bank st. On error the indexes are as they were.
func (m *Matcher) insert(st *bankState, entries []Entry) error {
	m.mu.Lock()
	m.refs = slices.Grow(m.refs, max(0, len(entries)-len(m.free)))
	m.mu.Unlock()
	ix := m.newIndexer(st)
	for _, e := range entries {
		if err := ix.add(e); err != nil {
			return ix.finish(err)
		}
	}
	return ix.finish(nil)
}

// indexer indexes entries of one bank as they come, updateChunk at a time, so that entries
// read from the store one by one need not be held all at once, and matching goes on between
// chunks. Until finish, the entries are in the entry table but not in the PDQ index.
type indexer struct {
	m     *Matcher
	st    *bankState
	chunk []entryRef     // checked, not yet stored
	ids   []uint32       // of the entries stored, to undo an indexing that fails
	pdq   []uint32       // of the PDQ entries stored, for the PDQ index
	codes []hamming.Code // of the PDQ entries stored
}

func (m *Matcher) newIndexer(st *bankState) *indexer {
	return &indexer{m: m, st: st, chunk: make([]entryRef, 0, updateChunk)}
}

// add indexes e, an entry of the indexer's bank.
func (ix *indexer) add(e Entry) error {
	ref, err := newRef(ix.st, e)
	if err != nil {
		return err
	}
	ix.chunk = append(ix.chunk, ref)
	if len(ix.chunk) == updateChunk {
		ix.flush()
	}
	return nil
}

// flush stores the entries of the chunk in the entry table.
func (ix *indexer) flush() {
	ix.m.mu.Lock()
	for _, ref := range ix.chunk {
		ix.m.insertLocked(ref)
		ix.ids = append(ix.ids, ref.id)
		if ref.signal.Type == signal.PDQ {
			ix.pdq = append(ix.pdq, ref.id)
			ix.codes = append(ix.codes, hamming.Code(ref.code))
		}
	}
	ix.m.mu.Unlock()
	ix.chunk = ix.chunk[:0]
}

// finish ends the indexing: when err, an error of reading the entries, is nil, by adding the
// PDQ entries to the PDQ index; otherwise, or when that fails, by removing the entries indexed.
// It returns the error.
func (ix *indexer) finish(err error) error {
	if err == nil {
		ix.flush()
		// The references exist before the index can return their ids.
		if err = ix.m.pdq.Add(ix.pdq, ix.codes); err != nil {
			err = fmt.Errorf("bank %s: index PDQ hashes: %w", ix.st.bank.Name, err)
		}
	}
	if err != nil {
		ix.m.remove(ix.ids)
	}
	return err
}

// insertLocked stores ref, replacing an entry of the same id. m.mu is held.
func (m *Matcher) insertLocked(ref entryRef) {
	m.removeLocked(ref.id)
	m.placeLocked(ref)
}

// placeLocked stores ref, whose id is not indexed. m.mu is held.
func (m *Matcher) placeLocked(ref entryRef) {
	ref.category = m.intern(ref.category)
	var slot uint32
	if n := len(m.free); n > 0 {
		slot, m.free = m.free[n-1], m.free[:n-1]
	} else {
		slot = uint32(len(m.refs))
		m.refs = append(m.refs, entryRef{})
	}
	if ref.signal.Type != signal.PDQ {
		ref.next = m.exact[ref.signal]
		m.exact[ref.signal] = slot + 1
	}
	m.refs[slot] = ref
	m.slots[ref.id] = slot
}

// intern returns a shared copy of the category s: banks use a few categories for millions of
// entries. m.mu is held.
func (m *Matcher) intern(s string) string {
	if shared, ok := m.categories[s]; ok {
		return shared
	}
	m.categories[s] = s
	return s
}

// remove takes the entries with the given ids out of the indexes; ids not indexed are ignored.
func (m *Matcher) remove(ids []uint32) {
	// The Hamming index forgets the ids first, so that no search returns an id whose
	// reference is gone.
	m.pdq.Remove(ids)
	for start := 0; start < len(ids); start += updateChunk {
		m.mu.Lock()
		for _, id := range ids[start:min(start+updateChunk, len(ids))] {
			m.removeLocked(id)
		}
		m.mu.Unlock()
	}
}

// removeLocked forgets the entry id: its reference, and its link in its exact-type value's
// list. m.mu is held.
func (m *Matcher) removeLocked(id uint32) {
	slot, ok := m.slots[id]
	if !ok {
		return
	}
	ref := &m.refs[slot]
	if ref.signal.Type != signal.PDQ {
		link := m.exact[ref.signal]
		if link == slot+1 {
			if ref.next == 0 {
				delete(m.exact, ref.signal)
			} else {
				m.exact[ref.signal] = ref.next
			}
		} else {
			for m.refs[link-1].next != slot+1 {
				link = m.refs[link-1].next
			}
			m.refs[link-1].next = ref.next
		}
	}
	*ref = entryRef{}
	delete(m.slots, id)
	m.free = append(m.free, slot)
}

// ref returns the reference of the indexed entry id. m.mu is read-locked.
func (m *Matcher) ref(id uint32) (*entryRef, bool) {
	slot, ok := m.slots[id]
	if !ok {
		return nil, false
	}
	return &m.refs[slot], true
}

// bankIDs returns the ids of the indexed entries of the bank st.
func (m *Matcher) bankIDs(st *bankState) []uint32 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var ids []uint32
	for i := range m.refs {
		if m.refs[i].bank == st {
			ids = append(ids, m.refs[i].id)
		}
	}
	return ids
}
