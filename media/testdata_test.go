package media

import (
	"os"
	"path/filepath"
	"testing"
)

// testdataDir returns the shared reference test data directory: $VIGIL_TESTDATA, or
// ../shared/testdata beside the module root. It skips the test when the directory is absent.
func testdataDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("VIGIL_TESTDATA")
	if dir == "" {
		root, err := moduleRoot()
		if err != nil {
			t.Skipf("reference test data not found (%v): set VIGIL_TESTDATA", err)
		}
		dir = filepath.Join(root, "..", "shared", "testdata")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("reference test data not found at %s: set VIGIL_TESTDATA", dir)
	}
	return dir
}

// moduleRoot walks up from the working directory to the directory holding go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
