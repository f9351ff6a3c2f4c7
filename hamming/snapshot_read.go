package hamming

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"sync"
)

// snapshotReader reads checksummed sections, tracking how many bytes the input still holds when
// that is known, so that absurd sizes in a corrupt header fail before allocation. Checksums and
// checks of the big sections run on the other processors while later sections are read.
type snapshotReader struct {
	r      io.Reader
	left   int64 // bytes remaining, or -1 if unknown
	checks *checker
}

// checker runs checks concurrently, at most one per processor, and reports the first failure in
// the order the checks were started, which is the order of the file.
type checker struct {
	wg   sync.WaitGroup
	slot chan struct{}
	mu   sync.Mutex
	errs []error
}

func newChecker() *checker {
	return &checker{slot: make(chan struct{}, runtime.GOMAXPROCS(0))}
}

// run starts check.
func (c *checker) run(check func() error) {
	c.mu.Lock()
	i := len(c.errs)
	c.errs = append(c.errs, nil)
	c.mu.Unlock()
	c.wg.Go(func() {
		c.slot <- struct{}{}
		defer func() { <-c.slot }()
		if err := check(); err != nil {
			c.mu.Lock()
			c.errs[i] = err
			c.mu.Unlock()
		}
	})
}

// wait waits for the checks started and returns the first failure.
func (c *checker) wait() error {
	c.wg.Wait()
	for _, err := range c.errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// claim reserves n bytes of the input for what is about to be read.
func (sr *snapshotReader) claim(n int64, what string) error {
	if err := sr.expect(n, what); err != nil {
		return err
	}
	if sr.left >= 0 {
		sr.left -= n
	}
	return nil
}

// expect checks that the input still holds n bytes, if its length is known.
func (sr *snapshotReader) expect(n int64, what string) error {
	if sr.left >= 0 && n > sr.left {
		return fmt.Errorf("truncated: %s needs %d bytes, %d remain", what, n, sr.left)
	}
	return nil
}

// read fills b from the input.
func (sr *snapshotReader) read(b []byte, what string) error {
	if _, err := io.ReadFull(sr.r, b); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("truncated in %s", what)
		}
		return fmt.Errorf("read %s: %w", what, err)
	}
	return nil
}

// section fills b and checks the CRC-32C that follows it, in the background.
func (sr *snapshotReader) section(b []byte, what string) error {
	if err := sr.claim(int64(len(b))+4, what); err != nil {
		return err
	}
	if err := sr.read(b, what); err != nil {
		return err
	}
	stored, err := sr.stored(what)
	if err != nil {
		return err
	}
	sr.checks.run(func() error { return compareChecksum(crc32.Checksum(b, castagnoli), stored, what) })
	return nil
}

// checksum reads a stored CRC-32C and compares it with the one computed.
func (sr *snapshotReader) checksum(sum uint32, what string) error {
	stored, err := sr.stored(what)
	if err != nil {
		return err
	}
	return compareChecksum(sum, stored, what)
}

// stored reads a CRC-32C.
func (sr *snapshotReader) stored(what string) (uint32, error) {
	var b [4]byte
	if err := sr.read(b[:], what+" checksum"); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b[:]), nil
}

func compareChecksum(computed, stored uint32, what string) error {
	if computed != stored {
		return fmt.Errorf("checksum mismatch in %s", what)
	}
	return nil
}

// readIndex reads a snapshot from r, which holds size bytes (-1 if unknown). With whole, the
// snapshot must be all of r.
func readIndex(r io.Reader, size int64, whole bool) (*Index, error) {
	if !hostLittleEndian {
		return nil, errBigEndian
	}
	sr := &snapshotReader{r: r, left: size, checks: newChecker()}
	defer sr.checks.wait()
	header := make([]byte, fileHeaderSize-4)
	if err := sr.claim(fileHeaderSize, "header"); err != nil {
		return nil, err
	}
	if err := sr.read(header, "header"); err != nil {
		return nil, err
	}
	if string(header[:8]) != snapshotMagic {
		return nil, errors.New("not a hamming index snapshot (bad magic)")
	}
	if v := binary.LittleEndian.Uint32(header[8:]); v != snapshotVersion {
		return nil, fmt.Errorf("snapshot version %d, this build reads version %d", v, snapshotVersion)
	}
	if err := sr.checksum(crc32.Checksum(header, castagnoli), "header"); err != nil {
		return nil, err
	}
	count := binary.LittleEndian.Uint32(header[12:])
	entries := binary.LittleEndian.Uint64(header[16:])
	var segments []*segment
	var total uint64
	for i := range count {
		s, err := sr.segment(i)
		if err != nil {
			return nil, fmt.Errorf("segment %d: %w", i, err)
		}
		segments = append(segments, s)
		total += uint64(len(s.ids))
	}
	if err := sr.checks.wait(); err != nil {
		return nil, err
	}
	var live int64
	for _, s := range segments {
		live += int64(s.live())
	}
	if total != entries {
		return nil, fmt.Errorf("header counts %d entries, segments hold %d", entries, total)
	}
	if whole {
		if n, _ := sr.r.Read(make([]byte, 1)); n > 0 {
			return nil, errors.New("trailing data after the snapshot")
		}
	}
	ix := New()
	ix.state.Store(&state{segments: segments, delta: ix.deltaView()})
	ix.live.Store(live)
	return ix, nil
}

// segment reads one segment and starts its checks.
func (sr *snapshotReader) segment(index uint32) (*segment, error) {
	fixed := make([]byte, 16)
	if err := sr.claim(int64(len(fixed)), "segment header"); err != nil {
		return nil, err
	}
	if err := sr.read(fixed, "segment header"); err != nil {
		return nil, err
	}
	n := int(binary.LittleEndian.Uint32(fixed))
	removed := int(binary.LittleEndian.Uint32(fixed[4:]))
	tables := int(binary.LittleEndian.Uint32(fixed[8:]))
	flags := binary.LittleEndian.Uint32(fixed[12:])
	if tables > maxTables {
		return nil, fmt.Errorf("%d tables, at most %d", tables, maxTables)
	}
	widths := make([]byte, tables+(-(len(fixed)+tables)&3))
	if err := sr.claim(int64(len(widths))+4, "segment header"); err != nil {
		return nil, err
	}
	if err := sr.read(widths, "segment header"); err != nil {
		return nil, err
	}
	sum := crc32.Update(crc32.Checksum(fixed, castagnoli), castagnoli, widths)
	if err := sr.checksum(sum, "segment header"); err != nil {
		return nil, err
	}
	widths = widths[:tables]
	if err := checkHeader(n, removed, widths, flags); err != nil {
		return nil, err
	}
	if err := sr.expect(sectionBytes(n, widths, flags), "segment"); err != nil {
		return nil, err
	}
	s, err := newSegment(n, widths)
	if err != nil {
		return nil, err
	}
	if err := sr.arrays(s, flags, removed, fmt.Sprintf("segment %d: ", index)); err != nil {
		return nil, err
	}
	s.initPlans()
	return s, nil
}

// checkHeader validates a segment header's numbers.
func checkHeader(n, removed int, widths []byte, flags uint32) error {
	if n > maxSegmentEntries {
		return fmt.Errorf("%d entries, at most %d", n, maxSegmentEntries)
	}
	if removed > n {
		return fmt.Errorf("%d of %d entries removed", removed, n)
	}
	if flags>>len(widths) != 0 {
		return fmt.Errorf("wide flags %#x for %d tables", flags, len(widths))
	}
	if len(widths) == 0 {
		return nil
	}
	bits := 0
	for _, w := range widths {
		if w == 0 || w > maxChunkWidth {
			return fmt.Errorf("chunk width %d, want 1..%d", w, maxChunkWidth)
		}
		bits += int(w)
	}
	if bits != 256 {
		return fmt.Errorf("chunk widths cover %d bits, want 256", bits)
	}
	return nil
}

// sectionBytes is the size of a segment's sections, checksums included.
func sectionBytes(n int, widths []byte, flags uint32) int64 {
	total := int64(4*n+4) + int64(32*n+4) + int64(8*((n+63)/64)+4)
	for t, w := range widths {
		keys := int64(1) << w
		if flags>>t&1 != 0 {
			total += 4*(keys+1) + 4
		} else {
			total += 4*(keys>>blockBits+1) + 4 + 2*(keys+1) + 4
		}
		total += int64(posBytes*n) + 4
	}
	return total
}

// arrays reads a segment's sections into its arrays and starts checking them.
func (sr *snapshotReader) arrays(s *segment, flags uint32, removed int, prefix string) error {
	n := len(s.ids)
	if err := sr.section(bytesOf(s.ids), prefix+"ids"); err != nil {
		return err
	}
	sr.checks.run(func() error { return prefixed(prefix, s.checkIDs()) })
	if err := sr.section(bytesOf(s.codes), prefix+"codes"); err != nil {
		return err
	}
	if err := sr.section(bytesOf(s.dead.words), prefix+"tombstones"); err != nil {
		return err
	}
	sr.checks.run(func() error { return prefixed(prefix, s.checkTombstones(removed)) })
	for t := range s.tables {
		tab := &s.tables[t]
		what := fmt.Sprintf("%stable %d", prefix, t)
		if err := tab.allocBounds(s.mem, flags>>t&1 != 0); err != nil {
			return err
		}
		var err error
		if tab.wide != nil {
			err = sr.section(bytesOf(tab.wide), what+" starts")
		} else if err = sr.section(bytesOf(tab.base), what+" starts"); err == nil {
			err = sr.section(bytesOf(tab.rel), what+" starts")
		}
		if err != nil {
			return err
		}
		if err := sr.section(tab.pos[:posBytes*n], what+" positions"); err != nil {
			return err
		}
		sr.checks.run(func() error { return prefixed(what+": ", tab.check(n)) })
	}
	return nil
}

func prefixed(prefix string, err error) error {
	if err != nil {
		return fmt.Errorf("%s%w", prefix, err)
	}
	return nil
}

// checkIDs verifies that ids ascend, which finding an id by binary search relies on.
func (s *segment) checkIDs() error {
	for i := 1; i < len(s.ids); i++ {
		if s.ids[i] <= s.ids[i-1] {
			return fmt.Errorf("ids not ascending at position %d", i)
		}
	}
	return nil
}

// checkTombstones verifies that tombstones mark existing positions only, as many as the header
// says, and records their count.
func (s *segment) checkTombstones(removed int) error {
	if tail := len(s.ids) % 64; tail != 0 && s.dead.words[len(s.dead.words)-1]>>tail != 0 {
		return errors.New("tombstones beyond the last entry")
	}
	if got := popcount(s.dead.words); got != removed {
		return fmt.Errorf("%d tombstones, header says %d", got, removed)
	}
	s.dead.count.Store(int64(removed))
	return nil
}

// check verifies that bucket starts rise from 0 to n, so every bucket lies within the positions,
// and that every position is below n.
func (t *table) check(n int) error {
	var prev uint32
	for k := range t.keys() + 1 {
		start := t.start(uint32(k))
		if start < prev || start > uint32(n) || k == 0 && start != 0 {
			return fmt.Errorf("bucket %d starts at %d, after %d", k, start, prev)
		}
		prev = start
	}
	if prev != uint32(n) {
		return fmt.Errorf("buckets end at %d, want %d", prev, n)
	}
	for i := range uint32(n) {
		if p := t.position(i); p >= uint32(n) {
			return fmt.Errorf("position %d is %d, beyond %d entries", i, p, n)
		}
	}
	return nil
}
