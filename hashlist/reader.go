package hashlist

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/vigilproject/vigil/signal"
)

// Reader reads a hash list one record at a time, for callers that stream a large list. Unlike Read it
// does not drop duplicates.
type Reader struct {
	format Format
	lines  lineReader
	typ    signal.SignalType // from ReadOptions.Type; nil when none was given
	table  *table            // CSV and TSV: the header's columns, once read
	err    error             // the error that ended reading, returned again by later calls
}

// HeaderError reports a CSV or TSV header that cannot be used, so that no line of the file can be read.
type HeaderError struct{ LineError }

// NewReader prepares to read r. It detects the format, reading ahead up to MaxLine bytes, unless
// opt.Format names it. opt.Strict is Read's concern and is ignored here.
func NewReader(r io.Reader, opt ReadOptions) (*Reader, error) {
	rd := &Reader{lines: lineReader{br: bufio.NewReaderSize(r, MaxLine+2), name: opt.Name}}
	if opt.Type != "" {
		st, err := signal.Lookup(string(opt.Type))
		if err != nil {
			return nil, fmt.Errorf("hashlist: %w", err)
		}
		rd.typ = st
	}
	if opt.Format != "" {
		f, err := ParseFormat(string(opt.Format))
		if err != nil {
			return nil, fmt.Errorf("hashlist: %w", err)
		}
		rd.format = f
		return rd, nil
	}
	head, err := rd.lines.br.Peek(MaxLine)
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("hashlist: read %s: %w", rd.lines.displayName(), err)
	}
	if rd.format, err = DetectFormat(head); err != nil {
		return nil, fmt.Errorf("hashlist: %s: %w", rd.lines.displayName(), err)
	}
	return rd, nil
}

// Format returns the format being read, given or detected.
func (rd *Reader) Format() Format { return rd.format }

// Next returns the next record. At the end of the input it returns io.EOF. A *LineError means that
// one line was bad and Next may be called again; any other error (an I/O error, a *HeaderError) ends
// reading and is returned by every later call.
func (rd *Reader) Next() (Record, error) {
	if rd.err != nil {
		return Record{}, rd.err
	}
	var rec Record
	var err error
	switch rd.format {
	case CSV, TSV:
		rec, err = rd.nextRow()
	default:
		rec, err = rd.nextLine()
	}
	var le *LineError
	if err != nil && !errors.As(err, &le) {
		rd.err = err
	}
	return rec, err
}

// nextLine reads the line-per-record formats: lines, tx and jsonl. Blank lines and lines starting
// with '#' are skipped.
func (rd *Reader) nextLine() (Record, error) {
	for {
		line, err := rd.lines.next()
		if err != nil {
			return Record{}, err
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		var rec Record
		switch rd.format {
		case TX:
			rec, err = rd.parseTX(string(line))
		case JSONL:
			rec, err = rd.parseJSON(line)
		default:
			rec, err = rd.parseBare(string(line))
		}
		if err != nil {
			return Record{}, rd.lines.errorf("%v", err)
		}
		return rec, nil
	}
}

// parseBare reads a "lines" line: a hash, or type:value.
func (rd *Reader) parseBare(line string) (Record, error) {
	if typ, value, ok := strings.Cut(line, ":"); ok {
		sig, err := rd.signal(typ, value, "")
		return Record{Signal: sig}, err
	}
	sig, err := rd.signal("", line, "no signal type: write type:value, or give the type of bare hashes")
	return Record{Signal: sig}, err
}

// parseTX reads python-threatexchange's "signal_type signal" line. Anything after the signal, such
// as the metadata `threatexchange dataset -P` prints, is kept as the note.
func (rd *Reader) parseTX(line string) (Record, error) {
	typ, rest, _ := cutSpace(line)
	value, note, _ := cutSpace(rest)
	if value == "" {
		return Record{}, errors.New(`want "signal_type signal", found one field`)
	}
	sig, err := rd.signal(typ, value, "")
	return Record{Signal: sig, Note: cleanText(note)}, err
}

// cutSpace splits s at its first run of white space.
func cutSpace(s string) (before, after string, found bool) {
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, "", false
	}
	return s[:i], strings.TrimLeft(s[i:], " \t"), true
}

// signal validates a signal of the type named typ, or of the file's type when typ is empty. noType is
// the reason given when neither names a type; empty means typ is required.
func (rd *Reader) signal(typ, value, noType string) (signal.Signal, error) {
	st := rd.typ
	if typ != "" || noType == "" {
		var err error
		if st, err = signal.Lookup(typ); err != nil {
			return signal.Signal{}, fmt.Errorf("signal_type: %w", err)
		}
	} else if st == nil {
		return signal.Signal{}, errors.New(noType)
	}
	canonical, err := st.Parse(value)
	if err != nil {
		return signal.Signal{}, fmt.Errorf("signal: %w", err)
	}
	return signal.Signal{Type: st.Name(), Value: canonical}, nil
}

// lineReader reads lines with a fixed buffer, so that an overlong line is skipped, not held.
type lineReader struct {
	br   *bufio.Reader
	name string
	n    int // number of the line last returned
}

var utf8BOM = []byte("\ufeff")

// next returns the next line without its line ending; the slice is valid until the next call. An
// overlong line is returned as a *LineError; io.EOF marks the end; other errors are I/O errors.
func (lr *lineReader) next() ([]byte, error) {
	line, err := lr.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		lr.n++
		if err := lr.discardLine(); err != nil {
			return nil, err
		}
		return nil, lr.tooLong()
	}
	if err != nil && err != io.EOF {
		return nil, lr.ioError(err)
	}
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) == 0 && err == io.EOF {
		return nil, io.EOF // nothing, or a lone '\r', after the last line ending
	}
	lr.n++
	if lr.n == 1 {
		line = bytes.TrimPrefix(line, utf8BOM)
	}
	if len(line) > MaxLine {
		return nil, lr.tooLong()
	}
	return line, nil
}

// discardLine skips the rest of an overlong line.
func (lr *lineReader) discardLine() error {
	for {
		_, err := lr.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && err != io.EOF {
			return lr.ioError(err)
		}
		return nil
	}
}

func (lr *lineReader) tooLong() error {
	return lr.errorf("line is longer than %d bytes", MaxLine)
}

func (lr *lineReader) ioError(err error) error {
	return fmt.Errorf("hashlist: read %s: %w", lr.displayName(), err)
}

// errorf reports the current line as bad.
func (lr *lineReader) errorf(format string, args ...any) *LineError {
	return &LineError{File: lr.name, Line: lr.n, Reason: fmt.Sprintf(format, args...)}
}

func (lr *lineReader) displayName() string {
	if lr.name == "" {
		return "input"
	}
	return lr.name
}
