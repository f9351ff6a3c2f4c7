package match

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// SetDisabledUntil sets, through the store, the time before which the entries of bank with the
// given ids do not match, and applies it to the indexes in place: from its return, Match leaves
// the entries out while the Matcher's clock is before until, and finds them again from until on,
// without any further call. The zero time makes them match at once. The store must be an
// EntryDisabler; the entries change all or none (see EntryDisabler.SetDisabledUntil).
func (m *Matcher) SetDisabledUntil(ctx context.Context, bank string, ids []uint32, until time.Time) error {
	d, ok := m.store.(EntryDisabler)
	if !ok {
		return fmt.Errorf("bank %s: disable entries: %w: the store (%T) cannot", bank, errors.ErrUnsupported, m.store)
	}
	m.changing.Lock()
	defer m.changing.Unlock()
	if err := d.SetDisabledUntil(ctx, bank, ids, until); err != nil {
		m.tracked(ctx, false, true)
		return err
	}
	err := m.setDisabledUntil(ctx, bank, ids, until)
	m.tracked(ctx, len(ids) > 0, err == nil)
	return err
}

// setDisabledUntil applies a DisabledUntil already stored to the indexed entries of bank with
// the given ids. Entries of a disabled bank are not indexed: enabling the bank reads them from
// the store, with their new time.
func (m *Matcher) setDisabledUntil(ctx context.Context, bank string, ids []uint32, until time.Time) error {
	st, adopted, err := m.bankState(ctx, bank)
	if err != nil || adopted {
		return err
	}
	// As newRef does, so that an entry indexed from the store compares the same.
	at := until.UnixMilli()
	for start := 0; start < len(ids); start += updateChunk {
		m.mu.Lock()
		for _, id := range ids[start:min(start+updateChunk, len(ids))] {
			if ref, ok := m.ref(id); ok && ref.bank == st {
				ref.disabledUntil = at
			}
		}
		m.mu.Unlock()
	}
	return nil
}
