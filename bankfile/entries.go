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
	"strconv"
	"time"
	"unicode/utf8"

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
func writeEntry(w *bufio.Writer, e match.Entry) error {
	line, err := appendEntry(w.AvailableBuffer(), e)
	if err != nil {
		return err
	}
	_, err = w.Write(line)
	return err
}

// appendEntry appends e as one line of an entries file, with its line break, to b. It writes
// the JSON object that encoding/json would write for the entryLine of e, appending it directly
// because imports write millions of lines; a string that needs escaping goes through
// encoding/json.
func appendEntry(b []byte, e match.Entry) ([]byte, error) {
	b = append(b, `{"id":`...)
	b = strconv.AppendUint(b, uint64(e.ID), 10)
	b = appendField(b, "type", string(e.Signal.Type), false)
	b = appendField(b, "value", e.Signal.Value, false)
	b = appendField(b, "supplier_id", e.SupplierID, true)
	b = appendField(b, "category", e.Category, true)
	b = appendField(b, "note", e.Note, true)
	for _, t := range []struct {
		key string
		t   time.Time
	}{{"disabled_until", e.DisabledUntil}, {"added", e.Added}} {
		if t.t.IsZero() {
			continue
		}
		b = append(append(append(b, `,"`...), t.key...), `":"`...)
		var err error
		if b, err = t.t.AppendText(b); err != nil {
			return nil, fmt.Errorf("entry %d: %s: %w", e.ID, t.key, err)
		}
		b = append(b, '"')
	}
	return append(b, "}\n"...), nil
}

// appendField appends the member key: s of a JSON object that has members before it, or
// nothing when s is empty and omitEmpty is set.
func appendField(b []byte, key, s string, omitEmpty bool) []byte {
	if s == "" && omitEmpty {
		return b
	}
	b = append(append(append(b, `,"`...), key...), `":`...)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			quoted, _ := json.Marshal(s) // a string always marshals
			return append(b, quoted...)
		}
	}
	return append(append(append(b, '"'), s...), '"')
}

// parseEntry decodes and validates one line of the entries file of bank.
func parseEntry(line []byte, bank string) (match.Entry, error) {
	var l entryLine
	if err := decodeLine(line, &l); err != nil {
		return match.Entry{}, err
	}
	e := l.entry(bank)
	if e.ID == 0 {
		return match.Entry{}, errors.New("entry has no id")
	}
	if err := e.Validate(); err != nil {
		return match.Entry{}, err
	}
	return e, nil
}

// entry returns the entry of bank that l holds.
func (l *entryLine) entry(bank string) match.Entry {
	return match.Entry{
		ID: l.ID, Bank: bank, Signal: signal.Signal{Type: l.Type, Value: l.Value}, SupplierID: l.SupplierID,
		Category: l.Category, Note: l.Note, DisabledUntil: l.DisabledUntil, Added: l.Added,
	}
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

var _ match.EntryScanner = (*Store)(nil)

// ScanEntries calls fn with every entry of bank, in the order they were added, reading them one
// at a time, and stops with the first error fn returns.
func (s *Store) ScanEntries(ctx context.Context, bank string, fn func(match.Entry) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := s.readBank(bank); err != nil {
		return err
	}
	n := 0
	return s.scanEntries(bank, func(_ []byte, e match.Entry) error {
		if n++; n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		return fn(e)
	})
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
	b := &batch{seen: newSignalSet()}
	var firsts []int // the entries whose signal no earlier one carries
	for i, e := range entries {
		if b.seen.add(e.Signal) {
			firsts = append(firsts, i)
		}
	}
	b.count = len(firsts)
	cur := 0
	b.replay = func(fn func(match.Entry, []byte) error) error {
		for _, cur = range firsts {
			if err := fn(entries[cur], nil); err != nil {
				return err
			}
		}
		return nil
	}
	var stored []match.Entry
	var at []int
	_, err := s.merge(ctx, bank, b, func(e match.Entry) {
		stored, at = append(stored, e), append(at, cur)
	})
	if err != nil {
		return 0, err
	}
	for k, e := range stored {
		entries[at[k]] = e
	}
	return len(stored), nil
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
		p, err := createPending(s.entriesFile(bank))
		if err != nil {
			return err
		}
		err = s.scanEntries(bank, func(line []byte, e match.Entry) error {
			if _, doomed := found[e.ID]; doomed {
				found[e.ID] = true
				return nil
			}
			return copyLine(p.w, line)
		})
		if err == nil {
			err = missingID(bank, found, "removed")
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

// missingID returns an error naming the smallest id that found marks as not found, or nil;
// verb says what would have happened to the entries.
func missingID(bank string, found map[uint32]bool, verb string) error {
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
	return fmt.Errorf("bank %s: entry %d: %w (%d of the ids are not in the bank; nothing was %s)",
		bank, missing[0], match.ErrNotFound, len(missing), verb)
}

// truncate shortens s for an error message.
func truncate(s string) string {
	const max = 80
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
