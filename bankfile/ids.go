package bankfile

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vigilproject/vigil/match"
)

// setNextID writes next, the first id not yet used, to the counter file. Writers call it before
// committing the entries that use the ids below next, so a crash in between wastes ids but never
// reuses one.
func (s *Store) setNextID(next uint64) error {
	if next-1 > math.MaxUint32 {
		return fmt.Errorf("data directory %s: entry ids exhausted: %d would pass %d", s.dir, next-1, uint64(math.MaxUint32))
	}
	return writeFileAtomic(filepath.Join(s.dir, nextIDName), func(w *bufio.Writer) error {
		_, err := fmt.Fprintf(w, "%d\n", next)
		return err
	})
}

// nextID returns the next unused entry id: from the counter file, or one past the largest stored
// id when there is no counter file yet.
func (s *Store) nextID() (uint64, error) {
	path := filepath.Join(s.dir, nextIDName)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		largest, err := s.largestID()
		return largest + 1, err
	}
	if err != nil {
		return 0, err
	}
	next, err := strconv.ParseUint(strings.TrimSpace(string(data)), 10, 64)
	if err != nil || next == 0 || next > math.MaxUint32+1 {
		return 0, fmt.Errorf("%s: want an entry id from 1 to %d, got %q", path, uint64(math.MaxUint32)+1, truncate(string(data)))
	}
	return next, nil
}

// largestID returns the largest entry id in any bank, 0 when there are none.
func (s *Store) largestID() (uint64, error) {
	dirents, err := os.ReadDir(s.banksDir())
	if err != nil {
		return 0, err
	}
	var largest uint32
	for _, d := range dirents {
		if !d.IsDir() || match.ValidateName(d.Name()) != nil {
			continue
		}
		err := s.scanEntries(d.Name(), func(_ []byte, e match.Entry) error {
			largest = max(largest, e.ID)
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	return uint64(largest), nil
}
