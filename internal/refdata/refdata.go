// Package refdata locates the shared reference test data (Meta's benign PDQ and vPDQ test images
// and the reference implementation's outputs), which lives outside the repository.
package refdata

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Dir returns the shared test data directory: $VIGIL_TESTDATA, or ../shared/testdata next to the
// repository root. It skips the test with a clear message when the directory is absent, so that
// `go test ./...` passes on a fresh clone.
func Dir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("VIGIL_TESTDATA")
	if dir == "" {
		root, err := repoRoot()
		if err != nil {
			tb.Skipf("reference test data not found (%v): set VIGIL_TESTDATA", err)
		}
		dir = filepath.Join(root, "..", "shared", "testdata")
	}
	if _, err := os.Stat(filepath.Join(dir, "pdq")); err != nil {
		tb.Skipf("reference test data not found at %s: set VIGIL_TESTDATA", dir)
	}
	return dir
}

// repoRoot walks up from the working directory (a package directory during tests) to the
// directory holding go.mod.
func repoRoot() (string, error) {
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

// ExpectedHashes reads pdq/expected-hashes.tsv, the reference's outputs for every test image, as
// one map per row from column name to value. It skips the test when the data is absent.
func ExpectedHashes(tb testing.TB) []map[string]string {
	tb.Helper()
	path := filepath.Join(Dir(tb), "pdq", "expected-hashes.tsv")
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	header := strings.Split(lines[0], "\t")
	rows := make([]map[string]string, 0, len(lines)-1)
	for n, line := range lines[1:] {
		fields := strings.Split(line, "\t")
		if len(fields) != len(header) {
			tb.Fatalf("%s line %d: %d fields, want %d", path, n+2, len(fields), len(header))
		}
		row := make(map[string]string, len(header))
		for i, name := range header {
			row[name] = fields[i]
		}
		rows = append(rows, row)
	}
	return rows
}
