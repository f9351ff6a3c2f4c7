package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProgress(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		total    int
		adds     int
		wantLast string // the last redraw, after the final carriage return
	}{
		{"complete", 30, 30, "[" + strings.Repeat("=", progressWidth) + "] 30/30 files"},
		{"more than counted", 2, 3, "[" + strings.Repeat("=", progressWidth) + "] 3/2 files"},
		{"none", 25, 0, "[" + strings.Repeat(" ", progressWidth) + "] 0/25 files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			p := newProgress(&buf, tt.total)
			for range tt.adds {
				p.add(1)
			}
			p.finish()
			out := buf.String()
			if !strings.HasSuffix(out, "\n") {
				t.Errorf("output %q does not end the line", out)
			}
			last := out[strings.LastIndex(out, "\r")+1:]
			if !strings.HasPrefix(last, tt.wantLast) {
				t.Errorf("last redraw %q, want it to start with %q", last, tt.wantLast)
			}
		})
	}
}

func TestIsTerminal(t *testing.T) {
	t.Parallel()
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tests := []struct {
		name string
		w    io.Writer
	}{
		{"buffer", &bytes.Buffer{}},
		{"regular file", f},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if isTerminal(tt.w) {
				t.Errorf("isTerminal = true for a %s", tt.name)
			}
		})
	}
}
