package main

import (
	"strings"
	"testing"
)

func TestBenchMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout []string
		wantStderr string
		long       bool // searches for seconds: skipped with -short
	}{
		{"clustered dihedral", []string{"--n", "2000", "--dihedral", "--clustered", "--threshold=31"}, exitOK,
			[]string{"bench: 2000 codes", "8 code(s) per query", "\nbuild: ", "\nload: ", "\nqueries: ", "\nrecall: 100.00%"}, "", true},
		{"too few codes", []string{"--n", "10"}, exitUsage, nil, "--n: must be at least 100, got 10", false},
		{"threshold out of range", []string{"--threshold", "65"}, exitUsage, nil, "--threshold: must be 0 to 64", false},
		{"argument", []string{"x"}, exitUsage, nil, "unexpected arguments: x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.long && testing.Short() {
				t.Skip("searches for several seconds; run without -short")
			}
			got := runCLI(t, nil, append([]string{"bench", "match"}, tt.args...)...)
			if got.code != tt.wantCode || !strings.Contains(got.stderr, tt.wantStderr) {
				t.Fatalf("exit status %d, stderr %q; want %d and %q", got.code, got.stderr, tt.wantCode, tt.wantStderr)
			}
			for _, w := range tt.wantStdout {
				if !strings.Contains(got.stdout, w) {
					t.Errorf("stdout %q, want it to contain %q", got.stdout, w)
				}
			}
		})
	}
}
