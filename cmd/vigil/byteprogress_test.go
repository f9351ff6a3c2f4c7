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
	got, err := io.ReadAll(io.LimitReader(p, 1_500_000))
	if err != nil || len(got) != 1_500_000 {
		t.Fatalf("read %d bytes, %v; want 1500000", len(got), err)
	}
	p.printAbove("list.txt:7: bad")
	rest, err := io.ReadAll(p)
	if err != nil || len(got)+len(rest) != len(data) {
		t.Fatalf("read %d bytes, %v; want %d", len(got)+len(rest), err, len(data))
	}
	p.finish()
	bar := out.String()
	for _, want := range []string{"\rlist.txt [", "\r\x1b[Klist.txt:7: bad\n\rlist.txt [" + strings.Repeat("=", progressWidth/2) + " ",
		strings.Repeat("=", progressWidth) + "] 3.0/3.0 MB", " MB/s \n"} {
		if !strings.Contains(bar, want) {
			t.Errorf("progress output %q, want it to contain %q", bar, want)
		}
	}
}
