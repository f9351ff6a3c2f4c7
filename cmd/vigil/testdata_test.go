package main

import (
	"encoding/csv"
	"encoding/hex"
	"math/bits"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// testdataDir returns the shared reference test data directory: $VIGIL_TESTDATA, or
// ../shared/testdata beside the module root. It skips the test when there is none.
func testdataDir(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("VIGIL_TESTDATA"); dir != "" {
		return dir
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("reference test data not found (no go.mod above the test): set VIGIL_TESTDATA")
		}
		dir = parent
	}
	dir = filepath.Join(dir, "..", "shared", "testdata")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("reference test data not found at %s: set VIGIL_TESTDATA", dir)
	}
	return dir
}

// readTSV reads a tab-separated file with a header line into one map per row.
func readTSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = '\t'
	r.LazyQuotes = true
	lines, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(lines) == 0 {
		t.Fatalf("%s: empty", path)
	}
	var rows []map[string]string
	for _, line := range lines[1:] {
		row := make(map[string]string)
		for i, name := range lines[0] {
			row[name] = line[i]
		}
		rows = append(rows, row)
	}
	return rows
}

// hexDistance returns the number of differing bits between two hex strings of equal
// length, or -1 if either is not hex or the lengths differ.
func hexDistance(a, b string) int {
	x, errA := hex.DecodeString(a)
	y, errB := hex.DecodeString(b)
	if errA != nil || errB != nil || len(x) != len(y) {
		return -1
	}
	d := 0
	for i := range x {
		d += bits.OnesCount8(x[i] ^ y[i])
	}
	return d
}

// TestHashReferenceImages runs "vigil hash" over Meta's PDQ test images and compares
// each hash with the reference's, for both flavours. Hashes of quality below 50 are not
// compared: the reference documents them as unstable.
func TestHashReferenceImages(t *testing.T) {
	t.Parallel()
	data := testdataDir(t)
	images := filepath.Join(data, "pdq", "images")
	expected := readTSV(t, filepath.Join(data, "pdq", "expected-hashes.tsv"))
	const maxDistance = 4
	tests := []struct {
		flavour, hashColumn, qualityColumn string
	}{
		{"cli", "pdq_hash", "quality"},
		{"full", "pdq_hash_fullres", "quality_fullres"},
	}
	for _, tt := range tests {
		t.Run(tt.flavour, func(t *testing.T) {
			t.Parallel()
			// The directory also holds files that are not images, so some failures are expected.
			got := runCLI(t, nil, "hash", "--flavour", tt.flavour, images)
			if got.code == exitUsage {
				t.Fatalf("usage error: %s", got.stderr)
			}
			byPath := make(map[string]map[string]any)
			for _, rec := range parseJSONL(t, got.stdout) {
				rel, err := filepath.Rel(images, rec["path"].(string))
				if err != nil {
					t.Fatal(err)
				}
				byPath[filepath.ToSlash(rel)] = rec
			}
			for _, row := range expected {
				quality, err := strconv.Atoi(row[tt.qualityColumn])
				if err != nil || quality < 50 {
					continue
				}
				t.Run(row["path"], func(t *testing.T) {
					rec, ok := byPath[row["path"]]
					if !ok {
						t.Fatalf("no output record")
					}
					if rec["error"] != nil {
						t.Fatalf("error: %v", rec["error"])
					}
					pdqHex, _ := rec["pdq"].(string)
					if d := hexDistance(pdqHex, row[tt.hashColumn]); d < 0 || d > maxDistance {
						t.Errorf("pdq %s is %d bits from the reference %s, want at most %d",
							pdqHex, d, row[tt.hashColumn], maxDistance)
					}
				})
			}
		})
	}
}
