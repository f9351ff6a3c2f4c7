package hashlist

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/vigilproject/vigil/signal"
)

// DetectFormat guesses the format of a hash list from its first bytes (NewReader passes up to MaxLine),
// looking at the first line that is neither blank nor a '#' comment:
//   - a JSON object: jsonl;
//   - tab- or comma-separated names of which at least one is a known column (signal_type, signal,
//     hash, signal_str, id, category, note): tsv or csv;
//   - two or more space-separated fields, the first a signal type name: tx;
//   - anything else, or no such line at all: lines.
//
// It fails only for input that is not text: UTF-16, or containing a NUL byte.
func DetectFormat(head []byte) (Format, error) {
	if bytes.HasPrefix(head, []byte{0xff, 0xfe}) || bytes.HasPrefix(head, []byte{0xfe, 0xff}) {
		return "", errors.New("input is UTF-16 text; convert it to UTF-8")
	}
	if i := bytes.IndexByte(head, 0); i >= 0 {
		return "", fmt.Errorf("input is not text (NUL byte at offset %d)", i)
	}
	head = bytes.TrimPrefix(head, utf8BOM)
	for len(head) > 0 {
		var line []byte
		line, head, _ = bytes.Cut(head, []byte("\n"))
		line = bytes.TrimSpace(line)
		if len(line) > 0 && line[0] != '#' {
			return detectLine(string(line)), nil
		}
	}
	return Lines, nil
}

// detectLine classifies the first content line of a file.
func detectLine(line string) Format {
	switch {
	case line[0] == '{':
		return JSONL
	case namesColumn(line, "\t"):
		return TSV
	case namesColumn(line, ","):
		return CSV
	case looksTX(line):
		return TX
	}
	return Lines
}

// namesColumn reports whether line, split at sep, has a known column name.
func namesColumn(line, sep string) bool {
	if !strings.Contains(line, sep) {
		return false
	}
	for _, name := range strings.Split(line, sep) {
		name = strings.ToLower(strings.Trim(strings.TrimSpace(name), `"`))
		if _, ok := fieldNames[name]; ok {
			return true
		}
	}
	return false
}

// looksTX reports whether line is "signal_type signal ...".
func looksTX(line string) bool {
	typ, rest, found := cutSpace(line)
	if !found || rest == "" {
		return false
	}
	_, err := signal.Lookup(typ)
	return err == nil
}
