package bankfile

import (
	"bufio"
	"context"
	"time"

	"github.com/vigilproject/vigil/match"
)

var _ match.EntryDisabler = (*Store)(nil)

// SetDisabledUntil sets the DisabledUntil of the entries of bank with the given ids to until,
// kept in UTC to the millisecond; the zero time makes them match again. It changes all or none:
// when an id is not in bank, the error wraps match.ErrNotFound and nothing changes. Like
// RemoveEntries it rewrites the bank's entries file.
func (s *Store) SetDisabledUntil(ctx context.Context, bank string, ids []uint32, until time.Time) error {
	if err := match.ValidateName(bank); err != nil {
		return err
	}
	until = storedTime(until)
	return s.write(ctx, func() error {
		if _, err := s.readBank(bank); err != nil || len(ids) == 0 {
			return err
		}
		found := make(map[uint32]bool, len(ids))
		for _, id := range ids {
			found[id] = false
		}
		p, err := createPending(s.entriesFile(bank))
		if err != nil {
			return err
		}
		err = s.scanEntries(bank, func(line []byte, e match.Entry) error {
			if _, ok := found[e.ID]; ok {
				found[e.ID] = true
				e.DisabledUntil = until
				return writeEntry(p.w, e)
			}
			return copyLine(p.w, line)
		})
		if err == nil {
			err = missingID(bank, found, "changed")
		}
		if err == nil {
			err = s.beginChange()
		}
		if err != nil {
			p.discard()
			return err
		}
		return p.commit()
	})
}

// copyLine writes line, a line of an entries file without its line break, unchanged.
func copyLine(w *bufio.Writer, line []byte) error {
	if _, err := w.Write(line); err != nil {
		return err
	}
	return w.WriteByte('\n')
}
