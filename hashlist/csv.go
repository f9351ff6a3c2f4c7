package hashlist

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// table is the layout a CSV or TSV header declares.
type table struct {
	comma  byte
	column []field // field of each column; -1 for columns that are ignored
	line   int     // line of the header, for messages
}

// nextRow reads CSV or TSV: the header first, then one record per row.
func (rd *Reader) nextRow() (Record, error) {
	if rd.table == nil {
		if err := rd.readHeader(); err != nil {
			return Record{}, err
		}
	}
	fields, line, err := rd.nextCSVRecord(false)
	if err != nil {
		return Record{}, err
	}
	if len(fields) != len(rd.table.column) {
		return Record{}, rd.rowError(line, "has %d fields, the header on line %d has %d",
			len(fields), rd.table.line, len(rd.table.column))
	}
	var values [numFields]string
	for i, f := range rd.table.column {
		if f >= 0 {
			values[f] = fields[i]
		}
	}
	rec, err := rd.fromFields(&values)
	if err != nil {
		return Record{}, rd.rowError(line, "%v", err)
	}
	return rec, nil
}

// readHeader reads the header row and checks that it names a signal column, and a signal_type column
// unless the file's type was given. Lines starting with '#' before the header are comments.
func (rd *Reader) readHeader() error {
	t := &table{comma: ','}
	if rd.format == TSV {
		t.comma = '\t'
	}
	rd.table = t
	names, line, err := rd.nextCSVRecord(true)
	if err != nil {
		var le *LineError
		if errors.As(err, &le) {
			return &HeaderError{LineError{File: le.File, Line: le.Line, Reason: "header: " + le.Reason}}
		}
		return err
	}
	t.line = line
	seen := [numFields]int{}
	for i, name := range names {
		f, ok := fieldNames[strings.ToLower(strings.TrimSpace(name))]
		if !ok {
			t.column = append(t.column, -1)
			continue
		}
		if seen[f] != 0 {
			return rd.headerError(line, "columns %d and %d both give the %s", seen[f], i+1, fieldTitles[f])
		}
		seen[f] = i + 1
		t.column = append(t.column, f)
	}
	if seen[fieldSignal] == 0 {
		return rd.headerError(line, "no signal column (want signal, hash or signal_str) in %q", strings.Join(names, string(t.comma)))
	}
	if seen[fieldType] == 0 && rd.typ == nil {
		return rd.headerError(line, "no signal_type column, and no type was given for the file")
	}
	return nil
}

// nextCSVRecord returns the fields of the next non-blank record and the line it starts on. A quoted
// field may span lines; the whole record must fit in MaxLine bytes. With header set, lines starting
// with '#' are skipped too.
func (rd *Reader) nextCSVRecord(header bool) (fields []string, line int, err error) {
	comma := rd.table.comma
	for {
		text, err := rd.lines.next()
		if err != nil {
			return nil, 0, err
		}
		trimmed := bytes.TrimSpace(text)
		if len(trimmed) == 0 || header && trimmed[0] == '#' {
			continue
		}
		start := rd.lines.n
		if bytes.IndexByte(text, '"') < 0 {
			return strings.Split(string(text), string(comma)), start, nil
		}
		record, err := rd.joinQuotedLines(text, comma)
		if err != nil {
			return nil, 0, err
		}
		fields, err := rd.splitQuoted(record, comma, start)
		return fields, start, err
	}
}

// joinQuotedLines collects the lines of a record whose first line is first: a line that ends inside
// a quoted field continues on the next.
func (rd *Reader) joinQuotedLines(first []byte, comma byte) ([]byte, error) {
	start := rd.lines.n
	// Every line gets back a line ending, so that encoding/csv counts lines as in the file. It is
	// "\r\n", which encoding/csv reads as "\n", so that a '\r' left at the end of a line stays content.
	record := append(append([]byte(nil), first...), "\r\n"...)
	for open := endsInQuote(first, comma, false); open; {
		text, err := rd.lines.next()
		if err == io.EOF {
			break // splitQuoted reports the unclosed quote
		}
		var le *LineError
		if errors.As(err, &le) || err == nil && len(record)+len(text) > MaxLine {
			return nil, rd.rowError(start, "record is longer than %d bytes (is a quote not closed?)", MaxLine)
		}
		if err != nil {
			return nil, err
		}
		record = append(append(record, text...), "\r\n"...)
		open = endsInQuote(text, comma, true)
	}
	return record, nil
}

// endsInQuote reports whether line ends inside a quoted field, following encoding/csv's rules: a
// field is quoted when it starts with '"'; inside, '""' is a literal quote; the closing quote must be
// followed by the separator or the end of the line. inQuote tells whether the line starts inside a
// quoted field continued from the line before. Where encoding/csv would report an error, the record
// ends with this line, as it does in encoding/csv.
func endsInQuote(line []byte, comma byte, inQuote bool) bool {
	i := 0
	for {
		if !inQuote {
			if i < len(line) && line[i] == '"' {
				inQuote = true
				i++
				continue
			}
			end := bytes.IndexByte(line[i:], comma)
			if end < 0 || bytes.IndexByte(line[i:i+end], '"') >= 0 {
				return false
			}
			i += end + 1
			continue
		}
		q := bytes.IndexByte(line[i:], '"')
		if q < 0 {
			return true
		}
		i += q + 1
		switch {
		case i < len(line) && line[i] == '"':
			i++
		case i < len(line) && line[i] == comma:
			i++
			inQuote = false
		default:
			return false
		}
	}
}

// splitQuoted parses, with encoding/csv, one record that contains quotes and starts on line start.
func (rd *Reader) splitQuoted(record []byte, comma byte, start int) ([]string, error) {
	cr := csv.NewReader(bytes.NewReader(record))
	cr.Comma = rune(comma)
	cr.FieldsPerRecord = -1
	fields, err := cr.Read()
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return nil, rd.rowError(start+pe.Line-1, "CSV quoting, byte %d: %v", pe.Column, pe.Err)
	}
	return fields, err
}

func (rd *Reader) rowError(line int, format string, args ...any) *LineError {
	return &LineError{File: rd.lines.name, Line: line, Reason: fmt.Sprintf(format, args...)}
}

func (rd *Reader) headerError(line int, format string, args ...any) *HeaderError {
	return &HeaderError{*rd.rowError(line, "header: "+format, args...)}
}
