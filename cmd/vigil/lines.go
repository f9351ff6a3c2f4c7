package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"unicode/utf8"
)

// maxQueryLine is the longest query line "vigil match" reads; the longest valid query,
// "sha256:" and 64 hex digits, is far shorter.
const maxQueryLine = 4096

// errLineTooLong reports a line longer than a lineReader's limit.
var errLineTooLong = errors.New("line too long")

// lineReader reads lines of bounded length, so that input without line breaks cannot
// make it hold the whole input in memory.
type lineReader struct {
	br *bufio.Reader
}

// newLineReader returns a reader of the lines of r, each at most limit bytes long.
func newLineReader(r io.Reader, limit int) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, limit)}
}

// next returns the next line without its line ending. A line over the limit is returned
// cut to the limit with errLineTooLong, and the rest of it is skipped. After the last
// line it returns io.EOF.
func (lr *lineReader) next() (string, error) {
	b, err := lr.br.ReadSlice('\n')
	switch {
	case err == nil || (errors.Is(err, io.EOF) && len(b) > 0):
		return string(trimLineEnd(b)), nil
	case errors.Is(err, bufio.ErrBufferFull):
		line := string(b) // b is overwritten by the next read
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = lr.br.ReadSlice('\n')
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return "", err
		}
		return line, errLineTooLong
	default:
		return "", err
	}
}

// trimLineEnd removes a trailing "\n" or "\r\n".
func trimLineEnd(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

// shortLen is how much of an overlong line an error message quotes.
const shortLen = 64

// shorten cuts s to about shortLen bytes, on a character boundary, marking the cut.
func shorten(s string) string {
	if len(s) <= shortLen {
		return s
	}
	n := shortLen
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// newJSONEncoder returns an encoder of one JSON value per line on w that leaves <, > and &
// as they are, since the output is not HTML.
func newJSONEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}
