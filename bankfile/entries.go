package bankfile

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// maxLineBytes bounds one line of an entries file, so that a corrupt file cannot exhaust memory.
const maxLineBytes = 16 << 20

// entryLine is one line of entries.jsonl. The bank is implied by the directory.
type entryLine struct {
	ID            uint32      `json:"id"`
	Type          signal.Type `json:"type"`
	Value         string      `json:"value"`
	SupplierID    string      `json:"supplier_id,omitempty"`
	Category      string      `json:"category,omitempty"`
	Note          string      `json:"note,omitempty"`
	DisabledUntil time.Time   `json:"disabled_until,omitzero"`
	Added         time.Time   `json:"added,omitzero"`
}

// writeEntry writes e as one line of an entries file.
func writeEntry(w io.Writer, e match.Entry) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(entryLine{
		ID: e.ID, Type: e.Signal.Type, Value: e.Signal.Value, SupplierID: e.SupplierID, Category: e.Category,
		Note: e.Note, DisabledUntil: e.DisabledUntil, Added: e.Added,
	})
}

// parseEntry decodes and validates one line of the entries file of bank.
func parseEntry(line []byte, bank string) (match.Entry, error) {
	var l entryLine
	if err := json.Unmarshal(line, &l); err != nil {
		return match.Entry{}, err
	}
	e := match.Entry{
		ID: l.ID, Bank: bank, Signal: signal.Signal{Type: l.Type, Value: l.Value}, SupplierID: l.SupplierID,
		Category: l.Category, Note: l.Note, DisabledUntil: l.DisabledUntil, Added: l.Added,
	}
	if e.ID == 0 {
		return match.Entry{}, errors.New("entry has no id")
	}
	if err := e.Validate(); err != nil {
		return match.Entry{}, err
	}
	return e, nil
}

// scanEntries calls fn with every line of the entries file of bank (without its line break) and
// the entry it holds. Errors name the file and line.
func (s *Store) scanEntries(bank string, fn func(line []byte, e match.Entry) error) error {
	path := s.entriesFile(bank)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), maxLineBytes)
	n := 0
	for sc.Scan() {
		n++
		e, err := parseEntry(sc.Bytes(), bank)
		if err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
		if err := fn(sc.Bytes(), e); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s:%d: %w", path, n+1, err)
	}
	return nil
}

// Entries returns every entry of bank, in the order they were added.
func (s *Store) Entries(ctx context.Context, bank string) ([]match.Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if _, err := s.readBank(bank); err != nil {
		return nil, err
	}
	var entries []match.Entry
	err := s.scanEntries(bank, func(_ []byte, e match.Entry) error {
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return entries, nil
}

// CountEntries returns the number of entries of bank, without decoding them.
func (s *Store) CountEntries(ctx context.Context, bank string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if _, err := s.readBank(bank); err != nil {
		return 0, err
	}
	f, err := os.Open(s.entriesFile(bank))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	buf := make([]byte, 256<<10)
	lines := 0
	for {
		n, err := f.Read(buf)
		lines += bytes.Count(buf[:n], []byte{'\n'})
		if errors.Is(err, io.EOF) {
			return lines, nil
		}
		if err != nil {
			return 0, err
		}
	}
}

// AddEntries stores the entries in bank, all or none, skipping those whose signal the bank
// already holds or an earlier entry of the call carries. For each entry it stores it sets ID (from
// DIR/next-id), Bank, and Added when zero, in entries itself; times are kept in UTC to the
// millisecond. It returns the number of entries stored.
func (s *Store) AddEntries(ctx context.Context, bank string, entries []match.Entry) (int, error) {
	if err := match.ValidateName(bank); err != nil {
		return 0, err
	}
	for i, e := range entries {
		if e.Bank != "" && e.Bank != bank {
			return 0, fmt.Errorf("bank %s: entry %d of %d belongs to bank %q", bank, i+1, len(entries), truncate(e.Bank))
		}
		if err := e.Validate(); err != nil {
			return 0, fmt.Errorf("bank %s: entry %d of %d: %w", bank, i+1, len(entries), err)
		}
	}
	var fresh []int
	var stored []match.Entry
	err := s.write(ctx, func() error {
		if _, err := s.readBank(bank); err != nil {
			return err
		}
		var err error
		if fresh, err = s.newEntries(bank, entries); err != nil || len(fresh) == 0 {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		first, err := s.reserveIDs(len(fresh))
		if err != nil {
			return err
		}
		stored = make([]match.Entry, len(fresh))
		now := storedTime(time.Now())
		for k, i := range fresh {
			e := entries[i]
			e.ID, e.Bank = first+uint32(k), bank
			if e.Added.IsZero() {
				e.Added = now
			}
			e.Added, e.DisabledUntil = storedTime(e.Added), storedTime(e.DisabledUntil)
			stored[k] = e
		}
		return s.appendEntries(bank, stored)
	})
	if err != nil {
		return 0, err
	}
	for k, i := range fresh {
		entries[i] = stored[k]
	}
	return len(stored), nil
}

// newEntries returns, in increasing order, the indexes of the entries whose signal bank does not
// hold, taking the first of entries that carry the same signal.
func (s *Store) newEntries(bank string, entries []match.Entry) ([]int, error) {
	pending := make(map[signal.Signal]int, len(entries))
	for i, e := range entries {
		if _, seen := pending[e.Signal]; !seen {
			pending[e.Signal] = i
		}
	}
	err := s.scanEntries(bank, func(_ []byte, e match.Entry) error {
		delete(pending, e.Signal)
		return nil
	})
	if err != nil {
		return nil, err
	}
	fresh := make([]int, 0, len(pending))
	for _, i := range pending {
		fresh = append(fresh, i)
	}
	slices.Sort(fresh)
	return fresh, nil
}

// appendEntries replaces the entries file of bank with its current content followed by entries.
func (s *Store) appendEntries(bank string, entries []match.Entry) error {
	path := s.entriesFile(bank)
	old, err := os.Open(path)
	if err != nil {
		return err
	}
	defer old.Close()
	return writeFileAtomic(path, func(w *bufio.Writer) error {
		n, err := io.Copy(w, old)
		if err != nil {
			return fmt.Errorf("copy %s: %w", path, err)
		}
		if n > 0 {
			if err := endLine(w, old, n); err != nil {
				return fmt.Errorf("copy %s: %w", path, err)
			}
		}
		for _, e := range entries {
			if err := writeEntry(w, e); err != nil {
				return err
			}
		}
		return nil
	})
}

// endLine writes a line break to w unless the copied file f of size n ends with one, so that
// appended entries start on a line of their own.
func endLine(w *bufio.Writer, f *os.File, n int64) error {
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, n-1); err != nil {
		return err
	}
	if last[0] == '\n' {
		return nil
	}
	return w.WriteByte('\n')
}

// RemoveEntries deletes the entries of bank with the given ids, all or none: when an id is not in
// bank, the error wraps match.ErrNotFound and nothing is removed.
func (s *Store) RemoveEntries(ctx context.Context, bank string, ids []uint32) error {
	if err := match.ValidateName(bank); err != nil {
		return err
	}
	return s.write(ctx, func() error {
		if _, err := s.readBank(bank); err != nil || len(ids) == 0 {
			return err
		}
		found := make(map[uint32]bool, len(ids))
		for _, id := range ids {
			found[id] = false
		}
		return writeFileAtomic(s.entriesFile(bank), func(w *bufio.Writer) error {
			err := s.scanEntries(bank, func(line []byte, e match.Entry) error {
				if _, doomed := found[e.ID]; doomed {
					found[e.ID] = true
					return nil
				}
				if _, err := w.Write(line); err != nil {
					return err
				}
				return w.WriteByte('\n')
			})
			if err != nil {
				return err
			}
			return missingID(bank, found)
		})
	})
}

// missingID returns an error naming the smallest id that found marks as not found, or nil.
func missingID(bank string, found map[uint32]bool) error {
	var missing []uint32
	for id, ok := range found {
		if !ok {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	return fmt.Errorf("bank %s: entry %d: %w (%d of the ids are not in the bank; nothing was removed)",
		bank, missing[0], match.ErrNotFound, len(missing))
}

// truncate shortens s for an error message.
func truncate(s string) string {
	const max = 80
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
