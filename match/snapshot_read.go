package match

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"strings"
	"time"

	"github.com/vigilproject/vigil/hamming"
	"github.com/vigilproject/vigil/pdq"
	"github.com/vigilproject/vigil/signal"
)

// LoadMatcher reads a snapshot that WriteSnapshot wrote from r, consuming exactly its bytes, and
// returns the Matcher it holds, over store, which must be Versioned and still at the version the
// snapshot reflects. Bank settings are read from store. clock is as for NewMatcher.
//
// A snapshot of another state of the store gives an error wrapping ErrStaleSnapshot; a store
// that cannot tell its version, one wrapping ErrUnknownVersion; a truncated or corrupt snapshot,
// one saying what is wrong with it. The caller then builds the Matcher with NewMatcher. When r
// can report its length (as *os.File and *bytes.Reader can), the sizes a corrupt header claims
// are checked before memory is allocated for them.
func LoadMatcher(ctx context.Context, store Store, r io.Reader, clock func() time.Time) (*Matcher, error) {
	sr := &snapshotReader{r: r, left: readerSize(r), crc: crc32.New(castagnoli)}
	m, err := sr.matcher(ctx, store, clock)
	if err != nil {
		return nil, fmt.Errorf("load matcher snapshot: %w", err)
	}
	return m, nil
}

// readerSize returns how many bytes r holds, or -1 when it cannot tell.
func readerSize(r io.Reader) int64 {
	switch r := r.(type) {
	case interface{ Len() int }:
		return int64(r.Len())
	case *os.File:
		if info, err := r.Stat(); err == nil && info.Mode().IsRegular() {
			if offset, err := r.Seek(0, io.SeekCurrent); err == nil {
				return info.Size() - offset
			}
		}
	}
	return -1
}

// snapshotReader reads the sections of a snapshot, checksumming them, and tracks how many bytes
// the input still holds when that is known.
type snapshotReader struct {
	r    io.Reader
	left int64 // bytes remaining, or -1 if unknown
	crc  interface {
		io.Writer
		Sum32() uint32
		Reset()
	}
}

// header is the fixed part of a snapshot's header and its names.
type header struct {
	version      uint64
	rows         uint32
	textLen      uint64
	banks, types []string
}

// matcher reads the whole snapshot.
func (sr *snapshotReader) matcher(ctx context.Context, store Store, clock func() time.Time) (*Matcher, error) {
	h, err := sr.header()
	if err != nil {
		return nil, err
	}
	if err := checkVersion(ctx, store, h.version); err != nil {
		return nil, err
	}
	types, err := lookupTypes(h.types)
	if err != nil {
		return nil, err
	}
	text, err := sr.text(h.textLen)
	if err != nil {
		return nil, err
	}
	if err := sr.claim(int64(h.rows)*rowSize, "rows"); err != nil {
		return nil, err
	}
	m := newMatcher(store, clock, nil)
	banks, err := m.bankStates(ctx, h.banks)
	if err != nil {
		return nil, err
	}
	if sr.left >= 0 {
		m.refs = make([]entryRef, 0, h.rows)
		m.slots = make(map[uint32]uint32, h.rows)
	}
	pdqRows, err := sr.rows(m, h.rows, &rowContext{banks: banks, types: types, text: text})
	if err != nil {
		return nil, err
	}
	if m.pdq, err = sr.index(); err != nil {
		return nil, err
	}
	if m.pdq.Len() != pdqRows {
		return nil, fmt.Errorf("index holds %d PDQ hashes, the rows %d", m.pdq.Len(), pdqRows)
	}
	// The store may have changed while the snapshot was read.
	if err := checkVersion(ctx, store, h.version); err != nil {
		return nil, err
	}
	m.version, m.versionKnown = h.version, true
	return m, nil
}

// checkVersion reports whether store is at version.
func checkVersion(ctx context.Context, store Store, version uint64) error {
	current, err := storeVersion(ctx, store)
	if err != nil {
		return err
	}
	if current != version {
		return fmt.Errorf("%w (store version %d, snapshot of version %d)", ErrStaleSnapshot, current, version)
	}
	return nil
}

// claim reserves n bytes of the input for what is about to be read, failing at once when the
// input is known to be shorter.
func (sr *snapshotReader) claim(n int64, what string) error {
	if sr.left >= 0 {
		if n > sr.left {
			return fmt.Errorf("truncated: %s needs %d bytes, %d remain", what, n, sr.left)
		}
		sr.left -= n
	}
	return nil
}

// read fills b from the input, adding it to the checksum of the current section.
func (sr *snapshotReader) read(b []byte, what string) error {
	if _, err := io.ReadFull(sr.r, b); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("truncated in %s", what)
		}
		return fmt.Errorf("read %s: %w", what, err)
	}
	sr.crc.Write(b)
	return nil
}

// checksum reads the CRC-32C that ends a section and compares it with the one computed.
func (sr *snapshotReader) checksum(what string) error {
	computed := sr.crc.Sum32()
	var b [4]byte
	if err := sr.claim(4, what+" checksum"); err != nil {
		return err
	}
	if err := sr.read(b[:], what+" checksum"); err != nil {
		return err
	}
	sr.crc.Reset()
	if binary.LittleEndian.Uint32(b[:]) != computed {
		return fmt.Errorf("checksum mismatch in %s", what)
	}
	return nil
}

// header reads the header section.
func (sr *snapshotReader) header() (header, error) {
	var h header
	b := make([]byte, headerSize)
	if err := sr.claim(headerSize, "header"); err != nil {
		return h, err
	}
	if err := sr.read(b, "header"); err != nil {
		return h, err
	}
	if string(b[:8]) != snapshotMagic {
		return h, errors.New("not a matcher snapshot (bad magic)")
	}
	if f := binary.LittleEndian.Uint32(b[8:]); f != snapshotFormat {
		return h, fmt.Errorf("snapshot format %d, this build reads format %d", f, snapshotFormat)
	}
	h.version = binary.LittleEndian.Uint64(b[12:])
	banks := binary.LittleEndian.Uint32(b[20:])
	types := binary.LittleEndian.Uint32(b[24:])
	h.rows = binary.LittleEndian.Uint32(b[28:])
	h.textLen = binary.LittleEndian.Uint64(b[32:])
	if banks > 1<<16 || types > 1<<8 || h.textLen > maxSnapshotText {
		return h, fmt.Errorf("header claims %d banks, %d signal types and %d bytes of text", banks, types, h.textLen)
	}
	var err error
	if h.banks, err = sr.names(int(banks), "bank names"); err != nil {
		return h, err
	}
	if h.types, err = sr.names(int(types), "signal type names"); err != nil {
		return h, err
	}
	return h, sr.checksum("header")
}

// names reads n names, each a length byte and its bytes.
func (sr *snapshotReader) names(n int, what string) ([]string, error) {
	var names []string
	var length [1]byte
	var b [255]byte
	for range n {
		if err := sr.claim(1, what); err != nil {
			return nil, err
		}
		if err := sr.read(length[:], what); err != nil {
			return nil, err
		}
		name := b[:length[0]]
		if err := sr.claim(int64(len(name)), what); err != nil {
			return nil, err
		}
		if err := sr.read(name, what); err != nil {
			return nil, err
		}
		names = append(names, string(name))
	}
	return names, nil
}

// lookupTypes returns the signal types a snapshot names, which must be registered under those
// canonical names.
func lookupTypes(names []string) ([]signal.Type, error) {
	types := make([]signal.Type, len(names))
	for i, name := range names {
		st, err := signal.Lookup(name)
		if err != nil || string(st.Name()) != name {
			return nil, fmt.Errorf("snapshot names signal type %q, which this build does not have", name)
		}
		types[i] = st.Name()
	}
	return types, nil
}

// bankStates returns the states of the banks a snapshot holds entries of, named in names, after
// adding the state of every bank of the store to m. The enabled banks of the store must be
// exactly those named.
func (m *Matcher) bankStates(ctx context.Context, names []string) ([]*bankState, error) {
	banks, err := m.store.Banks(ctx)
	if err != nil {
		return nil, fmt.Errorf("load banks: %w", err)
	}
	enabled := 0
	for _, b := range banks {
		m.banks[b.Name] = &bankState{bank: b}
		if b.Enabled {
			enabled++
		}
	}
	states := make([]*bankState, len(names))
	for i, name := range names {
		st, ok := m.banks[name]
		if !ok || !st.bank.Enabled {
			return nil, fmt.Errorf("%w: bank %q is not an enabled bank of the store", ErrStaleSnapshot, name)
		}
		states[i] = st
	}
	if enabled != len(names) {
		return nil, fmt.Errorf("%w: the store has %d enabled banks, the snapshot %d", ErrStaleSnapshot, enabled, len(names))
	}
	return states, nil
}

// text reads the text section into one string, that the entries' strings share.
func (sr *snapshotReader) text(n uint64) (string, error) {
	if err := sr.claim(int64(n), "text"); err != nil {
		return "", err
	}
	var sb strings.Builder
	if sr.left >= 0 {
		sb.Grow(int(n))
	}
	copied, err := io.CopyN(io.MultiWriter(&sb, sr.crc), sr.r, int64(n))
	if err != nil {
		if errors.Is(err, io.EOF) {
			return "", fmt.Errorf("truncated in text after %d of %d bytes", copied, n)
		}
		return "", fmt.Errorf("read text: %w", err)
	}
	if err := sr.checksum("text"); err != nil {
		return "", err
	}
	return sb.String(), nil
}

// rowContext is what rows refer to.
type rowContext struct {
	banks []*bankState
	types []signal.Type
	text  string
}

// rows reads n rows into m's entry table and returns how many are PDQ entries.
func (sr *snapshotReader) rows(m *Matcher, n uint32, rc *rowContext) (int, error) {
	const chunkRows = 4096
	chunk := make([]byte, chunkRows*rowSize)
	pdqRows := 0
	for done := 0; done < int(n); {
		k := min(int(n)-done, chunkRows)
		if err := sr.read(chunk[:k*rowSize], "rows"); err != nil {
			return 0, err
		}
		for i := range k {
			ref, err := rc.decode(chunk[i*rowSize : (i+1)*rowSize])
			if err != nil {
				return 0, fmt.Errorf("row %d: %w", done+i+1, err)
			}
			if _, dup := m.slots[ref.id]; dup {
				return 0, fmt.Errorf("row %d: entry %d appears twice", done+i+1, ref.id)
			}
			if ref.signal.Type == signal.PDQ {
				pdqRows++
			}
			m.placeLocked(ref)
		}
		done += k
	}
	return pdqRows, sr.checksum("rows")
}

// decode returns the entry reference that row holds.
func (rc *rowContext) decode(row []byte) (entryRef, error) {
	le := binary.LittleEndian
	id, bank, typ := le.Uint32(row), int(le.Uint16(row[4:])), int(row[6])
	switch {
	case id == 0:
		return entryRef{}, errors.New("entry id 0")
	case bank >= len(rc.banks):
		return entryRef{}, fmt.Errorf("bank %d of %d", bank, len(rc.banks))
	case typ >= len(rc.types):
		return entryRef{}, fmt.Errorf("signal type %d of %d", typ, len(rc.types))
	case row[7] != 0:
		return entryRef{}, fmt.Errorf("reserved byte %d", row[7])
	}
	ref := entryRef{id: id, bank: rc.banks[bank], signal: signal.Signal{Type: rc.types[typ]},
		disabledUntil: int64(le.Uint64(row[8:]))}
	var err error
	if ref.supplierID, err = rc.str(row[16:], "supplier id"); err != nil {
		return entryRef{}, err
	}
	if ref.category, err = rc.str(row[24:], "category"); err != nil {
		return entryRef{}, err
	}
	if ref.signal.Type == signal.PDQ {
		ref.code = pdq.Hash{le.Uint64(row[32:]), le.Uint64(row[40:]), le.Uint64(row[48:]), le.Uint64(row[56:])}
		return ref, nil
	}
	if ref.signal.Value, err = rc.str(row[32:], "value"); err != nil {
		return entryRef{}, err
	}
	if !bytes.Equal(row[40:], zeroPadding[:]) {
		return entryRef{}, errors.New("padding after an exact value is not zero")
	}
	return ref, nil
}

// zeroPadding is what follows the offset and length of an exact value in a row.
var zeroPadding [24]byte

// str returns the string of the text that b, an offset and length pair, refers to.
func (rc *rowContext) str(b []byte, what string) (string, error) {
	off, n := uint64(binary.LittleEndian.Uint32(b)), uint64(binary.LittleEndian.Uint32(b[4:]))
	if off+n > uint64(len(rc.text)) {
		return "", fmt.Errorf("%s at %d..%d, beyond the %d bytes of text", what, off, off+n, len(rc.text))
	}
	return rc.text[off : off+n], nil
}

// index reads the Hamming index that ends the snapshot.
func (sr *snapshotReader) index() (*hamming.Index, error) {
	if sr.left < 0 {
		return hamming.ReadIndex(sr.r)
	}
	return hamming.ReadIndex(&sizedReader{r: sr.r, left: int(sr.left)})
}

// sizedReader is a reader that reports how many bytes remain, so that package hamming can check
// the sizes in the index's header against them.
type sizedReader struct {
	r    io.Reader
	left int
}

func (s *sizedReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.left -= n
	return n, err
}

// Len returns the number of bytes not yet read.
func (s *sizedReader) Len() int { return s.left }
