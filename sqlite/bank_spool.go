package sqlite

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// spool is an unnamed temporary file of entries, written once and then read once. It lives
// beside the database, under the same permissions, because it holds the same kind of data: a
// hash list is sensitive, and the system's temporary directory may be shared.
type spool struct {
	f   *os.File
	w   *bufio.Writer
	r   *bufio.Reader
	buf []byte // of read
}

// maxSpoolField bounds a text field read back from the spool, so that a damaged file cannot
// make a huge allocation.
const maxSpoolField = 1 << 20

// newSpool creates the spool of an import into the database at dbPath. The file is removed from
// the directory at once where the system allows it, so it disappears with the process.
func newSpool(dbPath string) (*spool, error) {
	f, err := os.CreateTemp(filepath.Dir(dbPath), ".import-*")
	if err != nil {
		return nil, fmt.Errorf("create spool: %w", err)
	}
	os.Remove(f.Name()) // fails where open files cannot be removed; close removes it then
	return &spool{f: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

// write appends e: its signal type, value, supplier id, category and note, each a length and
// its bytes, then its disabled-until and added times in Unix milliseconds.
func (sp *spool) write(e match.Entry) error {
	var buf [binary.MaxVarintLen64]byte
	for _, s := range []string{string(e.Signal.Type), e.Signal.Value, e.SupplierID, e.Category, e.Note} {
		sp.w.Write(buf[:binary.PutUvarint(buf[:], uint64(len(s)))])
		sp.w.WriteString(s)
	}
	sp.w.Write(buf[:binary.PutVarint(buf[:], ms(e.DisabledUntil))])
	if _, err := sp.w.Write(buf[:binary.PutVarint(buf[:], ms(e.Added))]); err != nil {
		return fmt.Errorf("write spool: %w", err)
	}
	return nil
}

// rewind ends writing and starts reading from the first entry.
func (sp *spool) rewind() error {
	if err := sp.w.Flush(); err != nil {
		return err
	}
	if _, err := sp.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	sp.r = bufio.NewReaderSize(sp.f, 1<<20)
	return nil
}

// read returns the next entry, or io.EOF after the last.
func (sp *spool) read() (match.Entry, error) {
	var fields [5]string
	for i := range fields {
		n, err := binary.ReadUvarint(sp.r)
		if i == 0 && errors.Is(err, io.EOF) {
			return match.Entry{}, io.EOF
		}
		if err == nil && n > maxSpoolField {
			err = fmt.Errorf("field of %d bytes", n)
		}
		if err != nil {
			return match.Entry{}, spoolError(err)
		}
		sp.buf = slices.Grow(sp.buf[:0], int(n))[:n]
		if _, err := io.ReadFull(sp.r, sp.buf); err != nil {
			return match.Entry{}, spoolError(err)
		}
		fields[i] = string(sp.buf)
	}
	disabled, err := binary.ReadVarint(sp.r)
	if err != nil {
		return match.Entry{}, spoolError(err)
	}
	added, err := binary.ReadVarint(sp.r)
	if err != nil {
		return match.Entry{}, spoolError(err)
	}
	return match.Entry{
		Signal:     signal.Signal{Type: signal.Type(fields[0]), Value: fields[1]},
		SupplierID: fields[2], Category: fields[3], Note: fields[4],
		DisabledUntil: fromMS(disabled), Added: fromMS(added),
	}, nil
}

// spoolError explains a spool that cannot be read back.
func spoolError(err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("read spool: %w", err)
}

// close closes and removes the file.
func (sp *spool) close() error {
	err := sp.f.Close()
	os.Remove(sp.f.Name())
	return err
}
