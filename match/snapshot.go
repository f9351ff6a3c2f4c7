package match

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"slices"

	"github.com/vigilproject/vigil/signal"
)

// A snapshot is a Matcher written out, so that a process can start matching without reading and
// indexing every entry of the store: the Hamming index as package hamming writes it, and the
// entry table as fixed-size rows that load without decoding text. It records the store version
// it reflects, and LoadMatcher uses it only while the store is still at that version. Integers
// are little-endian. The file is:
//
//	header:  magic "VIGILMAT", format uint32, store version uint64, bank count uint32,
//	         type count uint32, row count uint32, text length uint64;
//	         then the names of the enabled banks and of the signal types, each a length byte and
//	         its bytes; then the CRC-32C of all of it
//	text:    the supplier ids, categories (each once) and exact-type values, then its CRC-32C
//	rows:    per indexed entry rowSize bytes: id uint32, bank uint16, type uint8, zero byte,
//	         disabled-until uint64 (Unix ms), supplier id and category as offset and length
//	         uint32 pairs into the text, then 32 bytes of value: the PDQ hash as 4 uint64 words,
//	         or an offset and length pair and zeros; then the CRC-32C of all rows
//	index:   the Hamming index of the PDQ entries (hamming.Index.WriteTo)

const (
	snapshotMagic   = "VIGILMAT"
	snapshotFormat  = 1
	headerSize      = 8 + 4 + 8 + 4 + 4 + 4 + 8
	rowSize         = 64
	maxSnapshotText = math.MaxUint32
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Errors of snapshots, for errors.Is.
var (
	// ErrUnknownVersion says a Matcher cannot tell which store version it reflects: the store is
	// not Versioned, could not tell its version, or was changed by another writer.
	ErrUnknownVersion = errors.New("store version unknown")
	// ErrStaleSnapshot says a snapshot is not of the store's current state.
	ErrStaleSnapshot = errors.New("snapshot is stale: the banks changed since it was written")
)

// WriteSnapshot writes a snapshot of the Matcher to w, for LoadMatcher. Changes through the
// Matcher wait until it is written; matching goes on. It fails with ErrUnknownVersion when the
// Matcher does not know the store version it reflects.
func (m *Matcher) WriteSnapshot(w io.Writer) error {
	m.changing.Lock()
	defer m.changing.Unlock()
	if !m.versionKnown {
		return fmt.Errorf("write matcher snapshot: %w", ErrUnknownVersion)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	sw := &snapshotWriter{w: w, buf: make([]byte, 0, spillSize+rowSize)}
	if err := m.writeTables(sw); err != nil {
		return fmt.Errorf("write matcher snapshot: %w", err)
	}
	if _, err := m.pdq.WriteTo(w); err != nil {
		return fmt.Errorf("write matcher snapshot: %w", err)
	}
	return nil
}

// writeTables writes the header, text and rows. m.mu is read-locked.
func (m *Matcher) writeTables(sw *snapshotWriter) error {
	banks, bankIndex := m.enabledBanks()
	types := signal.All()
	typeIndex := map[signal.Type]uint8{}
	for i, t := range types {
		typeIndex[t.Name()] = uint8(i)
	}
	rows := 0
	textLen := m.layout(func(*entryRef, textRef, textRef, textRef, bool) { rows++ })
	if textLen > maxSnapshotText || len(banks) > math.MaxUint16 {
		return fmt.Errorf("%d bytes of text in %d banks: too large for a snapshot", textLen, len(banks))
	}

	h := append(sw.buf, snapshotMagic...)
	h = binary.LittleEndian.AppendUint32(h, snapshotFormat)
	h = binary.LittleEndian.AppendUint64(h, m.version)
	h = binary.LittleEndian.AppendUint32(h, uint32(len(banks)))
	h = binary.LittleEndian.AppendUint32(h, uint32(len(types)))
	h = binary.LittleEndian.AppendUint32(h, uint32(rows))
	h = binary.LittleEndian.AppendUint64(h, textLen)
	for _, name := range banks {
		h = append(append(h, byte(len(name))), name...)
	}
	for _, t := range types {
		h = append(append(h, byte(len(t.Name()))), t.Name()...)
	}
	sw.buf = h
	sw.sum()

	m.layout(func(r *entryRef, _, _, value textRef, newCategory bool) {
		sw.buf = append(sw.buf, r.supplierID...)
		if newCategory {
			sw.buf = append(sw.buf, r.category...)
		}
		if value.n > 0 {
			sw.buf = append(sw.buf, r.signal.Value...)
		}
		sw.spill()
	})
	sw.sum()

	m.layout(func(r *entryRef, supplier, category, value textRef, _ bool) {
		sw.buf = appendRow(sw.buf, r, uint16(bankIndex[r.bank]), typeIndex[r.signal.Type], supplier, category, value)
		sw.spill()
	})
	sw.sum()
	return sw.err
}

// enabledBanks returns the names of the enabled banks, sorted, and the position of each bank's
// state in that list. m.mu is read-locked.
func (m *Matcher) enabledBanks() ([]string, map[*bankState]int) {
	var names []string
	for name, st := range m.banks {
		if st.bank.Enabled {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	index := make(map[*bankState]int, len(names))
	for i, name := range names {
		index[m.banks[name]] = i
	}
	return names, index
}

// textRef is where a string is in a snapshot's text.
type textRef struct {
	off, n uint32
}

// layout calls fn with every indexed entry and where its strings are in the snapshot's text:
// its supplier id, its category, stored once for all entries that share it (newCategory is set
// for the first), and its value for exact types (n is 0 for PDQ). The text is the strings in
// the order of the calls; layout returns its length. Offsets beyond the text limit wrap, so
// writeTables checks the length first. m.mu is read-locked.
func (m *Matcher) layout(fn func(r *entryRef, supplier, category, value textRef, newCategory bool)) uint64 {
	var pos uint64
	categories := map[string]textRef{}
	for i := range m.refs {
		r := &m.refs[i]
		if r.id == 0 {
			continue // a free slot
		}
		supplier := textRef{uint32(pos), uint32(len(r.supplierID))}
		pos += uint64(len(r.supplierID))
		category, seen := categories[r.category]
		if !seen {
			category = textRef{uint32(pos), uint32(len(r.category))}
			categories[r.category] = category
			pos += uint64(len(r.category))
		}
		value := textRef{uint32(pos), 0}
		if r.signal.Type != signal.PDQ {
			value.n = uint32(len(r.signal.Value))
			pos += uint64(value.n)
		}
		fn(r, supplier, category, value, !seen)
	}
	return pos
}

// appendRow appends the row of the entry r to b.
func appendRow(b []byte, r *entryRef, bank uint16, typ uint8, supplier, category, value textRef) []byte {
	b = binary.LittleEndian.AppendUint32(b, r.id)
	b = binary.LittleEndian.AppendUint16(b, bank)
	b = append(b, typ, 0)
	b = binary.LittleEndian.AppendUint64(b, uint64(r.disabledUntil))
	for _, t := range []textRef{supplier, category} {
		b = binary.LittleEndian.AppendUint32(b, t.off)
		b = binary.LittleEndian.AppendUint32(b, t.n)
	}
	if r.signal.Type == signal.PDQ {
		for _, w := range r.code {
			b = binary.LittleEndian.AppendUint64(b, w)
		}
		return b
	}
	b = binary.LittleEndian.AppendUint32(b, value.off)
	b = binary.LittleEndian.AppendUint32(b, value.n)
	return append(b, make([]byte, 24)...)
}

// snapshotWriter writes sections of a snapshot, each followed by its CRC-32C, through a buffer
// that callers append to, and keeps the first error.
type snapshotWriter struct {
	w   io.Writer
	buf []byte // appended to by callers; written by spill and sum
	crc uint32 // of the current section's bytes written so far
	err error
}

// spillSize is the buffered length at which spill writes the buffer.
const spillSize = 256 << 10

// spill writes the buffer once it is large.
func (sw *snapshotWriter) spill() {
	if len(sw.buf) >= spillSize {
		sw.flush()
	}
}

// flush writes the buffer as part of the current section.
func (sw *snapshotWriter) flush() {
	if sw.err == nil {
		sw.crc = crc32.Update(sw.crc, castagnoli, sw.buf)
		_, sw.err = sw.w.Write(sw.buf)
	}
	sw.buf = sw.buf[:0]
}

// sum ends the current section with its checksum.
func (sw *snapshotWriter) sum() {
	sw.flush()
	sw.buf = binary.LittleEndian.AppendUint32(sw.buf, sw.crc)
	if sw.err == nil {
		_, sw.err = sw.w.Write(sw.buf)
	}
	sw.buf, sw.crc = sw.buf[:0], 0
}
