package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progressMinBytes is the file size above which reading it is worth a progress bar.
const progressMinBytes = 16 << 20

// byteProgress is a reader that passes through the bytes of another and draws a progress
// bar of how much of it has been read, like progress does for files. It is used from one
// goroutine only.
type byteProgress struct {
	r     io.Reader
	w     io.Writer
	name  string
	total int64
	done  int64
	start time.Time
	drawn time.Time // when last drawn: redraws are limited to about ten a second
}

// newByteProgress returns a bar named name for reading total bytes from r, drawn on w.
func newByteProgress(r io.Reader, w io.Writer, name string, total int64) *byteProgress {
	return &byteProgress{r: r, w: w, name: name, total: total, start: time.Now()}
}

func (p *byteProgress) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.done += int64(n)
	if time.Since(p.drawn) >= 100*time.Millisecond {
		p.draw()
	}
	return n, err
}

// printAbove writes line above the bar: it clears the bar's line, writes line there, and
// draws the bar again below it.
func (p *byteProgress) printAbove(line string) {
	fmt.Fprintf(p.w, "\r\x1b[K%s\n", line)
	p.draw()
}

// finish draws the final state and ends the line.
func (p *byteProgress) finish() {
	p.draw()
	fmt.Fprintln(p.w)
}

func (p *byteProgress) draw() {
	p.drawn = time.Now()
	filled := progressWidth
	if p.done < p.total {
		filled = int(progressWidth * p.done / p.total)
	}
	elapsed := p.drawn.Sub(p.start).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(p.done) / 1e6 / elapsed
	}
	fmt.Fprintf(p.w, "\r%s [%s%s] %.1f/%.1f MB, %.1f MB/s ", p.name,
		strings.Repeat("=", filled), strings.Repeat(" ", progressWidth-filled), float64(p.done)/1e6, float64(p.total)/1e6, rate)
}
