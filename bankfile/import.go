package bankfile

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// ImportEntries adds the entries that next yields to bank, all or none, as AddEntries does but
// without holding them in memory: they are spooled to an unnamed temporary file in the data
// directory, and the memory used is a set of their signals, about 50 bytes an entry. next
// returns io.EOF after the last entry; any other error of next, or an entry that is not valid,
// stops the import, nothing is stored, and the error is returned. Entries whose signal the bank
// holds, or that an earlier entry carries, are skipped. It returns the numbers of entries stored
// and skipped.
//
// The write lock is taken only once next has ended, so a slow input does not hold up other
// writers.
func (s *Store) ImportEntries(ctx context.Context, bank string, next func() (match.Entry, error)) (added, skipped int, err error) {
	if _, err := s.readBank(bank); err != nil {
		return 0, 0, err
	}
	sp, err := s.newSpool()
	if err != nil {
		return 0, 0, err
	}
	defer sp.close()
	b := &batch{seen: newSignalSet(), replay: sp.replay}
	n := 0
	for {
		e, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, 0, err
		}
		n++
		if err := checkEntry(bank, e); err != nil {
			return 0, 0, fmt.Errorf("bank %s: entry %d: %w", bank, n, err)
		}
		if !b.seen.add(e.Signal) {
			continue
		}
		b.count++
		if err := sp.write(e); err != nil {
			return 0, 0, err
		}
		if n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return 0, 0, err
			}
		}
	}
	added, err = s.merge(ctx, bank, b, nil)
	if err != nil {
		return 0, 0, err
	}
	return added, n - added, nil
}

// checkEvery is how many entries an import reads between checks of its context.
const checkEvery = 4096

// checkEntry reports whether e can be stored in bank.
func checkEntry(bank string, e match.Entry) error {
	if e.Bank != "" && e.Bank != bank {
		return fmt.Errorf("belongs to bank %q", truncate(e.Bank))
	}
	return e.Validate()
}

// batch is the entries of one AddEntries or ImportEntries call, each signal's first only.
type batch struct {
	seen  *signalSet // the batch's signals, marked by merge when the bank holds them
	count int        // number of entries
	// replay calls fn with each entry, in order. When rest is not nil, e holds only the
	// signal, and rest is the entry's line in the entries file after its id, ready to write.
	replay func(fn func(e match.Entry, rest []byte) error) error
}

// merge adds to bank the entries of b whose signal it does not hold, calling stored, when not
// nil, with each as stored. It writes nothing when there are none.
func (s *Store) merge(ctx context.Context, bank string, b *batch, stored func(match.Entry)) (int, error) {
	added := 0
	err := s.write(ctx, func() error {
		if _, err := s.readBank(bank); err != nil {
			return err
		}
		present := 0
		err := s.scanEntries(bank, func(_ []byte, e match.Entry) error {
			if b.seen.markPresent(e.Signal) {
				present++
			}
			return nil
		})
		if err != nil || present == b.count {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		added, err = s.appendNew(bank, b, stored)
		return err
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// appendNew writes the entries file of bank anew: its current content, then the entries of b
// that merge did not mark present, with ids from the counter file and times set. It reserves
// their ids before committing the file, so a failure in between wastes ids but never reuses one.
func (s *Store) appendNew(bank string, b *batch, stored func(match.Entry)) (int, error) {
	first, err := s.nextID()
	if err != nil {
		return 0, err
	}
	p, err := createPending(s.entriesFile(bank))
	if err != nil {
		return 0, err
	}
	added := 0
	err = s.copyEntries(p.w, bank)
	if err == nil {
		now := storedTime(time.Now())
		err = b.replay(func(e match.Entry, rest []byte) error {
			if b.seen.present(e.Signal) {
				return nil
			}
			if first+uint64(added) > math.MaxUint32 {
				return fmt.Errorf("data directory %s: entry ids exhausted", s.dir)
			}
			id := uint32(first + uint64(added))
			added++
			if rest != nil {
				_, err := p.w.Write(append(strconv.AppendUint(append(p.w.AvailableBuffer(), idPrefix...), uint64(id), 10), rest...))
				return err
			}
			e.ID, e.Bank = id, bank
			if e.Added.IsZero() {
				e.Added = now
			}
			e.Added, e.DisabledUntil = storedTime(e.Added), storedTime(e.DisabledUntil)
			if stored != nil {
				stored(e)
			}
			return writeEntry(p.w, e)
		})
	}
	if err == nil {
		err = s.setNextID(first + uint64(added))
	}
	if err == nil {
		err = s.beginChange()
	}
	if err != nil {
		p.discard()
		return 0, err
	}
	return added, p.commit()
}

// copyEntries copies the entries file of bank to w, ending it with a line break when it does not
// end with one, so that appended entries start on a line of their own.
func (s *Store) copyEntries(w *bufio.Writer, bank string) error {
	path := s.entriesFile(bank)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	n, err := io.Copy(w, f)
	if err != nil || n == 0 {
		return err
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, n-1); err != nil {
		return fmt.Errorf("copy %s: %w", path, err)
	}
	if last[0] != '\n' {
		return w.WriteByte('\n')
	}
	return nil
}

// spool is an unnamed temporary file of entries, read back by replay. Each record is the
// entry's signal type and value and its line in the entries file after the id, each preceded
// by its length as a uvarint: replay then needs neither to decode nor to encode JSON.
type spool struct {
	f    *os.File
	w    *bufio.Writer
	name string    // the file's name, until it is removed
	now  time.Time // the time entries without one are added at
}

// newSpool creates a spool in the data directory, where there is room for banks. The file's name
// is removed at once where the system allows it, so that a crash leaves nothing behind.
func (s *Store) newSpool() (*spool, error) {
	f, err := os.CreateTemp(s.dir, ".import-*")
	if err != nil {
		return nil, fmt.Errorf("spool entries: %w", err)
	}
	sp := &spool{f: f, w: bufio.NewWriterSize(f, 64<<10), name: f.Name(), now: storedTime(time.Now())}
	if os.Remove(sp.name) == nil {
		sp.name = ""
	}
	return sp, nil
}

// idPrefix is how every line of an entries file starts, before the id.
const idPrefix = `{"id":`

// write adds e, whose id is not yet known, to the spool.
func (sp *spool) write(e match.Entry) error {
	if e.Added.IsZero() {
		e.Added = sp.now
	}
	e.ID, e.Added, e.DisabledUntil = 0, storedTime(e.Added), storedTime(e.DisabledUntil)
	line, err := appendEntry(nil, e)
	if err != nil {
		return err
	}
	rec := sp.w.AvailableBuffer()
	for _, field := range [][]byte{[]byte(e.Signal.Type), []byte(e.Signal.Value), line[len(idPrefix)+1:]} {
		rec = append(binary.AppendUvarint(rec, uint64(len(field))), field...)
	}
	if _, err := sp.w.Write(rec); err != nil {
		return fmt.Errorf("spool entries: %w", err)
	}
	return nil
}

// replay calls fn with the signal and the rest of the line of each entry written, in order.
func (sp *spool) replay(fn func(e match.Entry, rest []byte) error) error {
	if err := sp.w.Flush(); err != nil {
		return fmt.Errorf("spool entries: %w", err)
	}
	if _, err := sp.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("spool entries: %w", err)
	}
	r := bufio.NewReaderSize(sp.f, 64<<10)
	var fields [3][]byte
	for {
		for i := range fields {
			n, err := binary.ReadUvarint(r)
			if i == 0 && errors.Is(err, io.EOF) {
				return nil
			}
			if err == nil && n > maxLineBytes {
				err = fmt.Errorf("record of %d bytes", n)
			}
			if err == nil {
				fields[i] = slices.Grow(fields[i][:0], int(n))[:n]
				_, err = io.ReadFull(r, fields[i])
			}
			if err != nil {
				return fmt.Errorf("read spooled entries: %w", err)
			}
		}
		sig := signal.Signal{Type: signal.Type(fields[0]), Value: string(fields[1])}
		if err := fn(match.Entry{Signal: sig}, fields[2]); err != nil {
			return err
		}
	}
}

// close removes the spool.
func (sp *spool) close() {
	_ = sp.f.Close()
	if sp.name != "" {
		_ = os.Remove(sp.name)
	}
}

// signalSet is a set of signals, each with a mark. It keeps a hex value as its bytes, with its
// type as a small number: a set of millions of PDQ hashes costs about 50 bytes a hash rather
// than 150.
type signalSet struct {
	packed map[packedSignal]bool
	other  map[signal.Signal]bool // signals whose value is not short lowercase hex
}

// packedSignal is a signal whose value is lowercase hex of at most 64 digits.
type packedSignal struct {
	typ   uint8 // position in hexTypes, plus one
	n     uint8 // length of the value in bytes
	value [32]byte
}

// hexTypes are the signal types packed, by their position.
var hexTypes = []signal.Type{signal.PDQ, signal.MD5, signal.SHA1, signal.SHA256}

func newSignalSet() *signalSet {
	return &signalSet{packed: map[packedSignal]bool{}, other: map[signal.Signal]bool{}}
}

// add adds sig, unmarked, and reports whether it was new.
func (s *signalSet) add(sig signal.Signal) bool {
	if p, ok := pack(sig); ok {
		if _, dup := s.packed[p]; dup {
			return false
		}
		s.packed[p] = false
		return true
	}
	if _, dup := s.other[sig]; dup {
		return false
	}
	s.other[sig] = false
	return true
}

// markPresent marks sig if it is in the set and not yet marked, and reports whether it did.
func (s *signalSet) markPresent(sig signal.Signal) bool {
	if p, ok := pack(sig); ok {
		if marked, in := s.packed[p]; in && !marked {
			s.packed[p] = true
			return true
		}
		return false
	}
	if marked, in := s.other[sig]; in && !marked {
		s.other[sig] = true
		return true
	}
	return false
}

// present reports whether sig is marked.
func (s *signalSet) present(sig signal.Signal) bool {
	if p, ok := pack(sig); ok {
		return s.packed[p]
	}
	return s.other[sig]
}

// pack returns the packed form of sig, when it has one: its type is one of hexTypes and its
// value is lowercase hex of an even number of at most 64 digits, so that packing is one to one.
func pack(sig signal.Signal) (packedSignal, bool) {
	var p packedSignal
	for i, t := range hexTypes {
		if sig.Type == t {
			p.typ = uint8(i + 1)
		}
	}
	v := sig.Value
	if p.typ == 0 || len(v) > 2*len(p.value) || len(v)%2 != 0 {
		return p, false
	}
	p.n = uint8(len(v) / 2)
	for i := range int(p.n) {
		hi, lo := lowerHex[v[2*i]], lowerHex[v[2*i+1]]
		if hi|lo > 0xf {
			return p, false
		}
		p.value[i] = hi<<4 | lo
	}
	return p, true
}

// lowerHex maps each lowercase hex digit to its value and every other byte to 0xff.
var lowerHex = func() (t [256]byte) {
	for c := range t {
		switch {
		case '0' <= c && c <= '9':
			t[c] = byte(c - '0')
		case 'a' <= c && c <= 'f':
			t[c] = byte(c - 'a' + 10)
		default:
			t[c] = 0xff
		}
	}
	return t
}()
