package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestBenchHash(t *testing.T) {
	t.Parallel()
	good := t.TempDir()
	for i := range 5 {
		writeImage(t, filepath.Join(good, fmt.Sprintf("%d.%s", i, []string{"png", "jpg"}[i%2])), testImage(i, 64, 64))
	}
	mixed := t.TempDir()
	writeImage(t, filepath.Join(mixed, "a.png"), testImage(1, 64, 64))
	writeFile(t, filepath.Join(mixed, "broken.jpg"), []byte("\xff\xd8 broken"))

	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout []string
		wantStderr string
	}{
		{"all good", []string{"bench", "hash", "--runs", "2", good, "--workers=2"}, exitOK,
			[]string{"5 images under", "median of 2 runs", "images/s", "MB/s", "\nread ", "\ndecode ", "\nhash ", "\ntotal "}, ""},
		{"a broken file", []string{"bench", "hash", "--runs=1", mixed}, exitFailed,
			[]string{"1 images under", "images/s"}, "broken.jpg"},
		{"no directory", []string{"bench", "hash"}, exitUsage, nil, "want one DIR, got 0"},
		{"not a directory", []string{"bench", "hash", filepath.Join(mixed, "a.png")}, exitUsage, nil, "is not a directory"},
		{"zero runs", []string{"bench", "hash", "--runs", "0", good}, exitUsage, nil, "--runs: must be at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := runCLI(t, nil, tt.args...)
			if got.code != tt.wantCode {
				t.Errorf("exit status %d, want %d (stderr %q)", got.code, tt.wantCode, got.stderr)
			}
			for _, want := range tt.wantStdout {
				if !strings.Contains(got.stdout, want) {
					t.Errorf("stdout %q, want it to contain %q", got.stdout, want)
				}
			}
			checkOutput(t, "stderr", got.stderr, tt.wantStderr)
		})
	}
}

func TestMedianMean(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		in               []time.Duration
		wantMed, wantAvg time.Duration
	}{
		{"one", []time.Duration{5}, 5, 5},
		{"odd", []time.Duration{9, 1, 5}, 5, 5},
		{"even", []time.Duration{4, 1, 2, 9}, 3, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			med, avg := medianMean(tt.in)
			if med != tt.wantMed || avg != tt.wantAvg {
				t.Errorf("medianMean(%v) = %v, %v, want %v, %v", tt.in, med, avg, tt.wantMed, tt.wantAvg)
			}
		})
	}
}
