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

// reserveIDs reserves n consecutive entry ids and returns the first. The counter file is written
// before the entries that use the ids, so a crash in between wastes ids but never reuses one.
func (s *Store) reserveIDs(n int) (uint32, error) {
	next, err := s.nextID()
	if err != nil {
		return 0, err
	}
	end := next + uint64(n)
	if end-1 > math.MaxUint32 {
		return 0, fmt.Errorf("data directory %s: entry ids exhausted: %d more would pass %d", s.dir, n, uint64(math.MaxUint32))
	}
	err = writeFileAtomic(filepath.Join(s.dir, nextIDName), func(w *bufio.Writer) error {
		_, err := fmt.Fprintf(w, "%d\n", end)
		return err
	})
	if err != nil {
		return 0, err
	}
	return uint32(next), nil
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
