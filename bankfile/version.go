package bankfile

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vigilproject/vigil/match"
)

// versionName is the file that numbers the changes to the banks and entries, so that a Matcher
// snapshot can tell whether it is current (match.Versioned). It holds two decimal numbers: the
// number of the last change begun, and of the last one finished. A change writes the first
// before its data commit and the second after it, so the two differ exactly while a change is
// under way, or after one was interrupted, until the next change finishes.
const versionName = "version"

// ErrChanging says the data directory is being changed, or a change was interrupted, so its
// version cannot be told.
var ErrChanging = errors.New("a change is under way or was interrupted")

var _ match.Versioned = (*Store)(nil)

// generation is the content of the version file.
type generation struct {
	begun, done uint64
}

// StoreVersion returns the number of changes made to the banks and entries so far: it grows by
// one with each successful CreateBank, UpdateBank, DeleteBank, AddEntries or ImportEntries that
// adds an entry, and RemoveEntries or SetDisabledUntil with ids, whichever process makes it. While a change is under
// way, or after a change failed between its two steps, it fails with ErrChanging until the next
// change finishes. Changes made other than through a Store, such as editing the files, are not
// counted.
func (s *Store) StoreVersion(ctx context.Context) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	g, err := s.readGeneration()
	if err != nil {
		return 0, err
	}
	if g.begun != g.done {
		return 0, fmt.Errorf("data directory %s: %w (change %d begun, %d finished)", s.dir, ErrChanging, g.begun, g.done)
	}
	return g.done, nil
}

// readGeneration reads the version file; a data directory without one has seen no change since
// versions were introduced.
func (s *Store) readGeneration() (generation, error) {
	path := filepath.Join(s.dir, versionName)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return generation{}, nil
	}
	if err != nil {
		return generation{}, err
	}
	fields := strings.Fields(string(data))
	var g generation
	if len(fields) == 2 {
		g.begun, err = strconv.ParseUint(fields[0], 10, 64)
		if err == nil {
			g.done, err = strconv.ParseUint(fields[1], 10, 64)
		}
	}
	if len(fields) != 2 || err != nil || g.done > g.begun {
		return generation{}, fmt.Errorf("%s: want two change numbers, the first not below the second, got %q",
			path, truncate(string(data)))
	}
	return g, nil
}

// writeGeneration replaces the version file.
func (s *Store) writeGeneration(g generation) error {
	return writeFileAtomic(filepath.Join(s.dir, versionName), func(w *bufio.Writer) error {
		_, err := fmt.Fprintf(w, "%d %d\n", g.begun, g.done)
		return err
	})
}

// beginChange records that a change is about to commit; writers call it, holding the write lock,
// just before the rename that makes their change visible. write finishes the change. Calling it
// again in the same write does nothing.
func (s *Store) beginChange() error {
	if s.begun != 0 {
		return nil
	}
	g, err := s.readGeneration()
	if err != nil {
		return err
	}
	g.begun++
	if err := s.writeGeneration(g); err != nil {
		return err
	}
	s.begun = g.begun
	return nil
}

// finishChange records that the change begun in this write, if any, is complete. After a failed
// change the version file is left saying a change is under way: the failure may have come after
// the commit, so only the next successful change makes the version known again.
func (s *Store) finishChange(changeErr error) error {
	begun := s.begun
	s.begun = 0
	if begun == 0 || changeErr != nil {
		return nil
	}
	return s.writeGeneration(generation{begun: begun, done: begun})
}
