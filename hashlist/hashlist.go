// Package hashlist reads and writes the files that hash lists travel in, for bank import and export:
// bare hashes one per line, CSV and TSV with a header, python-threatexchange's "signal_type signal"
// lines, and JSON Lines.
//
// Every line is validated. A bad line becomes a LineError naming the file, the line and the reason, so
// an import can either skip and count bad lines or abort on the first one. Lines are read with a fixed
// buffer, so a hostile file cannot make a single line use more than MaxLine bytes of memory.
package hashlist

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vigilproject/vigil/signal"
)

// Format names a hash-list file format.
type Format string

// The formats Read and Write understand.
const (
	Lines Format = "lines" // one hash per line: bare (type from ReadOptions.Type) or "type:value"
	CSV   Format = "csv"   // comma-separated with a header naming the columns
	TSV   Format = "tsv"   // tab-separated with a header naming the columns
	TX    Format = "tx"    // python-threatexchange's "signal_type signal" lines
	JSONL Format = "jsonl" // one JSON object per line
)

// formats lists every format, in the order error messages name them.
var formats = []Format{Lines, CSV, TSV, TX, JSONL}

// Formats returns every format Read and Write understand.
func Formats() []Format { return append([]Format(nil), formats...) }

// ParseFormat checks a format name given by a user, case-insensitively.
func ParseFormat(s string) (Format, error) {
	lower := Format(strings.ToLower(strings.TrimSpace(s)))
	for _, f := range formats {
		if lower == f {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown hash-list format %q (want lines, csv, tsv, tx or jsonl)", s)
}

// MaxLine is the longest line, or CSV record spanning lines, that Read accepts, in bytes. Longer ones
// are reported as bad lines without being held in memory.
const MaxLine = 64 << 10

// Record is one entry of a hash list. ID is the supplier's identifier for the hash; Category and Note
// are stored as the supplier gave them. Read returns text fields trimmed, as valid UTF-8, with control
// characters (line breaks, tabs) replaced by spaces, so every format can carry them unchanged.
type Record struct {
	Signal   signal.Signal
	ID       string
	Category string
	Note     string
}

// LineError reports a bad line: where it is and what is wrong with it.
type LineError struct {
	File   string // ReadOptions.Name; may be empty
	Line   int    // 1-based
	Reason string // names the offending field, e.g. `signal: md5: "abc" has 3 characters, want 32 hex digits`
}

// Error returns "file:line: reason", or "line N: reason" when the file has no name.
func (e LineError) Error() string {
	if e.File == "" {
		return "line " + strconv.Itoa(e.Line) + ": " + e.Reason
	}
	return e.File + ":" + strconv.Itoa(e.Line) + ": " + e.Reason
}

// ReadOptions controls Read.
type ReadOptions struct {
	// Format of the input; empty means detect it from the first lines (see DetectFormat).
	Format Format
	// Type is the signal type of lines that do not name one: bare "lines", CSV or TSV without a
	// signal_type column (or with an empty cell), JSON objects without signal_type.
	Type signal.Type
	// Strict stops at the first bad line: Read then returns that line's *LineError and no records.
	Strict bool
	// Name identifies the input in errors, usually the file name.
	Name string
}

// Read reads a whole hash list. Each distinct signal is returned once, with the metadata of its first
// occurrence, in input order. Bad lines are returned in bad, in input order, and skipped, unless
// opt.Strict is set. err is set, and records is nil, when the input cannot be read at all: an I/O
// error, an unusable header, bad options, or with opt.Strict the first bad line (as a *LineError).
func Read(r io.Reader, opt ReadOptions) (records []Record, bad []LineError, err error) {
	rd, err := NewReader(r, opt)
	if err != nil {
		return nil, nil, err
	}
	seen := make(map[signal.Signal]struct{})
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return records, bad, nil
		}
		var le *LineError
		if errors.As(err, &le) && !opt.Strict {
			bad = append(bad, *le)
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		if _, dup := seen[rec.Signal]; dup {
			continue
		}
		seen[rec.Signal] = struct{}{}
		records = append(records, rec)
	}
}

// cleanText makes a supplier's text field safe for every format: valid UTF-8, no control characters,
// no surrounding white space.
func cleanText(s string) string {
	if isPlainASCII(s) {
		return strings.TrimSpace(s)
	}
	s = strings.ToValidUTF8(s, string(utf8.RuneError))
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// isPlainASCII reports whether s is printable ASCII, the common case that needs no rewriting.
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
