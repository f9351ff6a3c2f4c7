package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMatchSnapshot runs "vigil match" after each kind of change to the banks: every run must
// see the banks as they are, whatever snapshot the runs before it left.
func TestMatchSnapshot(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	d := "--data=" + data
	snapshot := filepath.Join(data, snapshotFile)
	pdq1, pdq2 := drawnHash(t, 1).PDQ.String(), drawnHash(t, 2).PDQ.String()
	queries := []byte(pdq1 + "\n" + pdq2 + "\n")
	mustRun(t, nil, "bank", "create", "a", d)
	mustRun(t, nil, "bank", "add", "a", "--pdq", pdq1, d)
	steps := []struct {
		name   string
		change func()
		want   []int  // matches per query
		warn   string // in stderr, "" for none
	}{
		{"first run", func() {}, []int{1, 0}, ""},
		{"snapshot", func() {}, []int{1, 0}, ""},
		{"add", func() { mustRun(t, nil, "bank", "add", "a", "--pdq", pdq2, d) }, []int{1, 1}, ""},
		{"create", func() { mustRun(t, nil, "bank", "create", "b", d) }, []int{1, 1}, ""},
		{"import", func() { mustRun(t, []byte(pdq1+"\n"), "bank", "import", "b", "-", "--type=pdq", d) }, []int{2, 1}, ""},
		{"import nothing new", func() { mustRun(t, []byte(pdq1+"\n"), "bank", "import", "b", "-", "--type=pdq", d) }, []int{2, 1}, ""},
		{"delete", func() { mustRun(t, nil, "bank", "rm", "a", d) }, []int{1, 0}, ""},
		{"truncated", func() { truncateFile(t, snapshot, 100) }, []int{1, 0}, "warning: snapshot not used"},
		{"rewritten", func() {}, []int{1, 0}, ""},
		{"garbage", func() { writeFile(t, snapshot, []byte(strings.Repeat("not a snapshot ", 10))) }, []int{1, 0}, "bad magic"},
		{"removed", func() { os.Remove(snapshot) }, []int{1, 0}, ""},
	}
	for _, step := range steps {
		step.change()
		got := mustRun(t, queries, "match", d)
		records := decodeRecords(t, got.stdout)
		var counts []int
		for _, r := range records {
			counts = append(counts, len(r.Matches))
		}
		if len(counts) != 2 || counts[0] != step.want[0] || counts[1] != step.want[1] {
			t.Errorf("%s: matches per query %v, want %v", step.name, counts, step.want)
		}
		if step.warn == "" && got.stderr != "" || !strings.Contains(got.stderr, step.warn) {
			t.Errorf("%s: stderr %q, want %q", step.name, got.stderr, step.warn)
		}
		if _, err := os.Stat(snapshot); err != nil {
			t.Errorf("%s: no snapshot after the run: %v", step.name, err)
		}
	}
}

// truncateFile cuts the file at path to n bytes.
func truncateFile(t *testing.T, path string, n int64) {
	t.Helper()
	if err := os.Truncate(path, n); err != nil {
		t.Fatal(err)
	}
}

// TestCommandEnv checks that a flag whose meaning depends on the command is set only by its
// command's variable: VIGIL_BANK_IMPORT_FORMAT sets the format "bank import" reads, and
// VIGIL_FORMAT, which earlier versions read for every command, sets nothing and is warned of.
func TestCommandEnv(t *testing.T) {
	t.Parallel()
	h := drawnHash(t, 1).PDQ.String()
	list := filepath.Join(t.TempDir(), "list")
	writeFile(t, list, []byte("pdq\t"+h+"\n")) // a tx line; read as CSV it is a header without a signal column
	tests := []struct {
		name     string
		env      map[string]string
		wantCode int
		wantErr  string
	}{
		{"scoped", map[string]string{"VIGIL_BANK_IMPORT_FORMAT": "tx"}, exitOK, "imported 1 new"},
		{"scoped wrong", map[string]string{"VIGIL_BANK_IMPORT_FORMAT": "csv"}, exitFailed, "import " + list},
		{"bare", map[string]string{"VIGIL_FORMAT": "csv"}, exitOK, "warning: VIGIL_FORMAT is not read; --format is set by VIGIL_BANK_IMPORT_FORMAT"},
		{"hash format", map[string]string{"VIGIL_HASH_FORMAT": "csv"}, exitOK, "imported 1 new"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data := t.TempDir()
			mustRun(t, nil, "bank", "create", "b", "--data", data)
			var stdout, stderr strings.Builder
			e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, lookupEnv: lookupIn(tt.env)}
			if code := runBankImport(e, []string{"b", list, "--data", data}); code != tt.wantCode || !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("exit status %d, stderr %q; want %d and %q", code, stderr.String(), tt.wantCode, tt.wantErr)
			}
		})
	}
}
