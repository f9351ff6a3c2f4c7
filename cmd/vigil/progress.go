package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

// progressMinItems is the number of inputs above which a progress bar is worth showing.
const progressMinItems = 20

// isTerminal reports whether w is a terminal, where a progress bar can redraw its line.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress draws a one-line progress bar, redrawn in place with a carriage return.
// It is used from one goroutine only.
type progress struct {
	w     io.Writer
	total int
	done  int
	start time.Time
	drawn time.Time // when last drawn: redraws are limited to about ten a second
}

// progressWidth is the number of cells in the bar.
const progressWidth = 30

// newProgress returns a bar for total items, drawn on w.
func newProgress(w io.Writer, total int) *progress {
	return &progress{w: w, total: total, start: time.Now()}
}

// add records n more items done.
func (p *progress) add(n int) {
	p.done += n
	if p.done >= p.total || time.Since(p.drawn) >= 100*time.Millisecond {
		p.draw()
	}
}

// finish draws the final state and ends the line.
func (p *progress) finish() {
	p.draw()
	fmt.Fprintln(p.w)
}

func (p *progress) draw() {
	p.drawn = time.Now()
	filled := progressWidth
	if p.done < p.total {
		filled = progressWidth * p.done / p.total
	}
	elapsed := p.drawn.Sub(p.start).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(p.done) / elapsed
	}
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d files, %.1f files/s ",
		strings.Repeat("=", filled), strings.Repeat(" ", progressWidth-filled), p.done, p.total, rate)
}
