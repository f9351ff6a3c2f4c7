package atomicfile

import (
	"errors"
	"fmt"
	"os"
)

// SyncDir makes the renames, links and removals already done in dir durable, for a caller that
// moves files into place itself (a link that must not replace what is there, a rename of a
// file written earlier).
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return errors.Join(d.Sync(), d.Close())
}
