package match

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vigilproject/vigil/internal/atomicfile"
)

// Opened says how OpenMatcher got its Matcher.
type Opened struct {
	// FromSnapshot is set when the Matcher was loaded from the snapshot file.
	FromSnapshot bool
	// Rejected says why the snapshot file was not used: it wraps fs.ErrNotExist when there was
	// none, ErrStaleSnapshot when it was of another state of the store, ErrUnknownVersion when
	// the store could not tell its version, and otherwise says what is wrong with the file.
	Rejected error
	// SaveErr says why the Matcher built instead was not saved as the new snapshot; nil when it
	// was saved, or when the snapshot was used.
	SaveErr error
}

// OpenMatcher returns a Matcher of store: loaded from the snapshot file at path when that is of
// the store's current state (see LoadMatcher), otherwise built with NewMatcher and then saved to
// path for the next time. Opened says which it was, and why. Only a failure to build a Matcher
// at all is an error.
func OpenMatcher(ctx context.Context, store Store, path string, clock func() time.Time) (*Matcher, Opened, error) {
	m, err := loadSnapshotFile(ctx, store, path, clock)
	if err == nil {
		return m, Opened{FromSnapshot: true}, nil
	}
	if ctx.Err() != nil {
		return nil, Opened{}, ctx.Err()
	}
	opened := Opened{Rejected: err}
	if m, err = NewMatcher(ctx, store, clock); err != nil {
		return nil, opened, err
	}
	opened.SaveErr = m.SaveSnapshot(path)
	return m, opened, nil
}

// loadSnapshotFile loads the snapshot file at path, which must hold nothing else.
func loadSnapshotFile(ctx context.Context, store Store, path string, clock func() time.Time) (*Matcher, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(f, 1<<20)
	m, err := LoadMatcher(ctx, store, &sizedReader{r: br, left: int(info.Size())}, clock)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if _, err := br.ReadByte(); err == nil {
		return nil, fmt.Errorf("%s: trailing data after the matcher snapshot", path)
	}
	return m, nil
}

// SaveSnapshot writes a snapshot of the Matcher to path atomically: to a temporary file in the
// same directory, synced, then renamed over path, so that readers see the old file or the new
// one. Temporary files that an interrupted save left more than an hour ago are removed first.
func (m *Matcher) SaveSnapshot(path string) error {
	if err := m.saveSnapshot(path); err != nil {
		return fmt.Errorf("save matcher snapshot %s: %w", path, err)
	}
	return nil
}

// staleTemp is the age after which a temporary snapshot file belongs to an interrupted save.
const staleTemp = time.Hour

func (m *Matcher) saveSnapshot(path string) error {
	removeStaleTemps(filepath.Dir(path), atomicfile.TempPrefix(path))
	return atomicfile.Write(path, m.WriteSnapshot)
}

// removeStaleTemps removes the files in dir whose name starts with prefix and that were last
// written more than staleTemp ago. Failures are ignored: the files only waste space.
func removeStaleTemps(dir, prefix string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleTemp {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
