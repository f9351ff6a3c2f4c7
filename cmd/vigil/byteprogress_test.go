package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

func TestByteProgress(t *testing.T) {
	t.Parallel()
	data := strings.Repeat("x", 3_000_000)
	var out bytes.Buffer
	p := newByteProgress(strings.NewReader(data), &out, "list.txt", int64(len(data)))
	got, err := io.ReadAll(p)
	if err != nil || len(got) != len(data) {
		t.Fatalf("read %d bytes, %v; want %d", len(got), err, len(data))
	}
	p.finish()
	bar := out.String()
	for _, want := range []string{"\rlist.txt [", strings.Repeat("=", progressWidth) + "] 3.0/3.0 MB", " MB/s \n"} {
		if !strings.Contains(bar, want) {
			t.Errorf("progress output %q, want it to contain %q", bar, want)
		}
	}
}
