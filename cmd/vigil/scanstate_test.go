package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScanState(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.png"), filepath.Join(dir, "b\nc.png") // a newline in a name must not split the record
	tests := []struct {
		name     string
		content  string // of the state file before opening; "-" for no file
		wantDone []string
		wantNot  []string
		wantFile string // content after recording b and a checkpoint
		wantErr  string
	}{
		{"new file", "-", nil, []string{a, b}, `"` + jsonEscape(b) + "\"\n", ""},
		{"one done", `"` + a + "\"\n", []string{a}, []string{b}, `"` + a + "\"\n\"" + jsonEscape(b) + "\"\n", ""},
		{"torn last line dropped", `"` + a + "\"\n\"/x/y", []string{a}, []string{b, "/x/y"}, `"` + a + "\"\n\"" + jsonEscape(b) + "\"\n", ""},
		{"corrupt line", "\"" + a + "\"\nnot json\n", nil, nil, "", ":2: not a scan state line"},
		{"empty path", "\"\"\n", nil, nil, "", ":1: not a scan state line"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(dir, "state"+string(rune('0'+i)))
			if tt.content != "-" {
				writeFile(t, path, []byte(tt.content))
			}
			s, err := openScanState(path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("openScanState error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("openScanState: %v", err)
			}
			defer s.close()
			for _, p := range tt.wantDone {
				if !s.done(p) {
					t.Errorf("done(%q) = false, want true", p)
				}
			}
			for _, p := range tt.wantNot {
				if s.done(p) {
					t.Errorf("done(%q) = true, want false", p)
				}
			}
			s.record(b)
			flushed := false
			if err := s.checkpoint(func() error { flushed = true; return nil }); err != nil {
				t.Fatalf("checkpoint: %v", err)
			}
			if !flushed {
				t.Error("checkpoint did not flush the output first")
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.wantFile {
				t.Errorf("state file = %q, want %q", got, tt.wantFile)
			}
		})
	}
}

// jsonEscape returns s as it appears inside a JSON string, for the names used here.
func jsonEscape(s string) string {
	return strings.ReplaceAll(s, "\n", `\n`)
}

func TestScanStateCheckpointOrder(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state")
	s, err := openScanState(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	if err := s.checkpoint(func() error { t.Error("flushed with nothing recorded"); return nil }); err != nil {
		t.Fatalf("empty checkpoint: %v", err)
	}
	s.record("x")
	failure := errors.New("disk full")
	if err := s.checkpoint(func() error { return failure }); !errors.Is(err, failure) {
		t.Fatalf("checkpoint error = %v, want the output's", err)
	}
	if got, _ := os.ReadFile(path); len(got) != 0 {
		t.Errorf("state file = %q after the output failed to flush, want it empty", got)
	}
}

func FuzzReadScanState(f *testing.F) {
	f.Add([]byte("\"/a\"\n\"/b\"\n"))
	f.Add([]byte("\"/a\"\n\"/b"))
	f.Add([]byte("\"\\u00e9\"\n"))
	f.Add([]byte("x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		finished, valid, err := readScanState(strings.NewReader(string(data)), "state")
		if err != nil {
			return
		}
		if valid < 0 || valid > int64(len(data)) || (valid > 0 && data[valid-1] != '\n') {
			t.Fatalf("valid length %d of %d bytes does not end a line", valid, len(data))
		}
		again, valid2, err := readScanState(strings.NewReader(string(data[:valid])), "state")
		if err != nil || valid2 != valid || len(again) != len(finished) {
			t.Fatalf("the valid prefix reads back differently: %v, %d, %d paths (want %d, %d)", err, valid2, len(again), valid, len(finished))
		}
	})
}
