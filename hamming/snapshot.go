package hamming

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"runtime"
	"slices"

	"github.com/vigilproject/vigil/internal/atomicfile"
)

// A snapshot is the index written out as its segments, so that loading it is reading arrays into
// memory rather than building tables: at 10M codes a load takes well under a second from a warm
// page cache, where a build takes seconds. Integers are little-endian. The file is:
//
//	header:  magic "VIGILHMI", version uint32, segment count uint32, entry count uint64,
//	         CRC-32C of the preceding 24 bytes
//	per segment, a header: entry count n uint32, removed count uint32, table count m uint32,
//	         wide-table flags uint32 (bit t: table t stores plain 4-byte bucket starts),
//	         m chunk widths as bytes, zero padding to a multiple of 4, CRC-32C of the header;
//	         then sections, each followed by its CRC-32C: ids (n uint32, ascending), codes
//	         (n × 4 uint64), tombstones ((n+63)/64 uint64), and per table its bucket starts
//	         (base and rel as two sections, or wide) and its positions (n × 3 bytes).
//
// Recent additions not yet in a segment are written as one more segment. A snapshot is checked
// on reading: checksums, then every array's invariants that searching relies on, so a corrupt
// or hostile file gives an error, never a wrong index or a crash.

const (
	snapshotMagic   = "VIGILHMI"
	snapshotVersion = 1
	fileHeaderSize  = 28
	maxTables       = 32
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errBigEndian reports a host whose memory layout differs from the snapshot format.
var errBigEndian = errors.New("snapshots need a little-endian host")

// WriteTo writes a snapshot of the index to w. It sees the index as one search would: adds and
// removals running meanwhile may or may not be included. It implements io.WriterTo.
func (ix *Index) WriteTo(w io.Writer) (int64, error) {
	n, err := ix.writeTo(w)
	if err != nil {
		return n, fmt.Errorf("hamming: write snapshot: %w", err)
	}
	return n, nil
}

func (ix *Index) writeTo(w io.Writer) (int64, error) {
	if !hostLittleEndian {
		return 0, errBigEndian
	}
	st := ix.state.Load()
	defer runtime.KeepAlive(st)
	segments := slices.Clip(st.segments)
	if delta, err := frozenCopy(st.delta); err != nil {
		return 0, err
	} else if delta != nil {
		segments = append(segments, delta)
	}
	sw := &snapshotWriter{w: w}
	header := make([]byte, 0, fileHeaderSize)
	header = append(header, snapshotMagic...)
	header = binary.LittleEndian.AppendUint32(header, snapshotVersion)
	header = binary.LittleEndian.AppendUint32(header, uint32(len(segments)))
	var entries uint64
	for _, s := range segments {
		entries += uint64(len(s.ids))
	}
	header = binary.LittleEndian.AppendUint64(header, entries)
	sw.section(header)
	for _, s := range segments {
		sw.segment(s)
	}
	return sw.n, sw.err
}

// frozenCopy builds the live entries of the delta into a segment, or returns nil if there are none.
func frozenCopy(delta *segment) (*segment, error) {
	var order []int
	for pos := range delta.ids {
		if !delta.dead.has(uint32(pos)) {
			order = append(order, pos)
		}
	}
	if len(order) == 0 {
		return nil, nil
	}
	slices.SortFunc(order, func(a, b int) int { return cmpUint32(delta.ids[a], delta.ids[b]) })
	return buildSegment(len(order), func(ids []uint32, codes []Code) {
		for i, pos := range order {
			ids[i], codes[i] = delta.ids[pos], delta.codes[pos]
		}
	})
}

// snapshotWriter writes checksummed sections, remembering the first error.
type snapshotWriter struct {
	w   io.Writer
	n   int64
	err error
}

// section writes b followed by its CRC-32C.
func (sw *snapshotWriter) section(b []byte) {
	sw.write(b)
	sw.write(binary.LittleEndian.AppendUint32(nil, crc32.Checksum(b, castagnoli)))
}

func (sw *snapshotWriter) write(b []byte) {
	if sw.err != nil {
		return
	}
	n, err := sw.w.Write(b)
	sw.n += int64(n)
	sw.err = err
}

// segment writes one segment's header and sections.
func (sw *snapshotWriter) segment(s *segment) {
	removed := s.dead.snapshot()
	var flags uint32
	for t := range s.tables {
		if s.tables[t].wide != nil {
			flags |= 1 << t
		}
	}
	h := binary.LittleEndian.AppendUint32(nil, uint32(len(s.ids)))
	h = binary.LittleEndian.AppendUint32(h, uint32(popcount(removed)))
	h = binary.LittleEndian.AppendUint32(h, uint32(len(s.tables)))
	h = binary.LittleEndian.AppendUint32(h, flags)
	h = append(h, s.widths()...)
	h = append(h, make([]byte, -len(h)&3)...)
	sw.section(h)
	sw.section(bytesOf(s.ids))
	sw.section(bytesOf(s.codes))
	sw.section(bytesOf(removed))
	for t := range s.tables {
		tab := &s.tables[t]
		if tab.wide != nil {
			sw.section(bytesOf(tab.wide))
		} else {
			sw.section(bytesOf(tab.base))
			sw.section(bytesOf(tab.rel))
		}
		sw.section(tab.pos[:posBytes*len(s.ids)])
	}
}

// Save writes a snapshot of the index to path atomically: to a temporary file in the same
// directory, synced, then renamed over path, so that a crash leaves the old file or the new one.
func (ix *Index) Save(path string) error {
	if err := ix.save(path); err != nil {
		return fmt.Errorf("hamming: save %s: %w", path, err)
	}
	return nil
}

func (ix *Index) save(path string) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := ix.writeTo(w)
		return err
	})
}

// Load reads a snapshot written by Save.
func Load(path string) (*Index, error) {
	ix, err := load(path)
	if err != nil {
		return nil, fmt.Errorf("hamming: load %s: %w", path, err)
	}
	return ix, nil
}

func load(path string) (*Index, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return readIndex(bufio.NewReaderSize(f, 1<<16), info.Size(), true)
}

// ReadIndex reads a snapshot written by WriteTo, consuming exactly the snapshot's bytes. A
// truncated, corrupt or unsupported snapshot gives an error saying what is wrong. When r can
// report its length (as *os.File, *bytes.Reader and the like can), sizes claimed by a corrupt
// header are checked before memory is allocated for them.
func ReadIndex(r io.Reader) (*Index, error) {
	size := int64(-1)
	switch r := r.(type) {
	case interface{ Len() int }:
		size = int64(r.Len())
	case *os.File:
		if info, err := r.Stat(); err == nil && info.Mode().IsRegular() {
			if offset, err := r.Seek(0, io.SeekCurrent); err == nil {
				size = info.Size() - offset
			}
		}
	}
	ix, err := readIndex(r, size, false)
	if err != nil {
		return nil, fmt.Errorf("hamming: read snapshot: %w", err)
	}
	return ix, nil
}
