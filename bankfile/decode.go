package bankfile

import (
	"encoding/json"
	"math"
	"unicode/utf8"

	"github.com/vigilproject/vigil/signal"
)

// decodeLine decodes one line of an entries file into l. Lines as writeEntry writes them take a
// fast path that reads the object directly, which loading a bank of millions of entries spends
// most of its time on; any other line (white space, escapes, other keys or kinds of value) goes
// through encoding/json. The fast path accepts a line only when encoding/json would decode it to
// the same entryLine (FuzzDecodeLine checks), so the two paths never disagree.
func decodeLine(line []byte, l *entryLine) error {
	d := lineDecoder{b: line}
	if d.object(l) {
		return nil
	}
	*l = entryLine{}
	return json.Unmarshal(line, l)
}

// lineDecoder reads the subset of JSON that writeEntry writes: one object without white space
// whose values are plain strings and an unsigned integer id.
type lineDecoder struct {
	b   []byte
	pos int
}

// object decodes the whole line into l, or reports false when it is not in the subset.
func (d *lineDecoder) object(l *entryLine) bool {
	if !d.consume('{') {
		return false
	}
	if d.consume('}') {
		return d.pos == len(d.b)
	}
	for {
		key, ok := d.plainString()
		if !ok || !d.consume(':') || !d.field(string(key), l) {
			return false
		}
		if !d.consume(',') {
			return d.consume('}') && d.pos == len(d.b)
		}
	}
}

// consume skips c if it is the next byte.
func (d *lineDecoder) consume(c byte) bool {
	if d.pos < len(d.b) && d.b[d.pos] == c {
		d.pos++
		return true
	}
	return false
}

// field decodes the value of the field key into l. Keys that encoding/json would match
// differently (other spellings, unknown keys) are not in the subset.
func (d *lineDecoder) field(key string, l *entryLine) bool {
	if key == "id" {
		id, ok := d.uint32()
		l.ID = id
		return ok
	}
	s, ok := d.plainString()
	if !ok {
		return false
	}
	switch key {
	case "type":
		l.Type = signalType(s)
	case "value":
		l.Value = string(s)
	case "supplier_id":
		l.SupplierID = string(s)
	case "category":
		l.Category = string(s)
	case "note":
		l.Note = string(s)
	case "disabled_until":
		// The strict RFC 3339 parse that time.Time's UnmarshalJSON, which encoding/json calls, makes.
		return l.DisabledUntil.UnmarshalText(s) == nil
	case "added":
		return l.Added.UnmarshalText(s) == nil
	default:
		return false
	}
	return true
}

// signalType returns s as a signal type, sharing the constants' memory for the usual names.
func signalType(s []byte) signal.Type {
	for _, t := range []signal.Type{signal.PDQ, signal.MD5, signal.SHA1, signal.SHA256} {
		if string(s) == string(t) {
			return t
		}
	}
	return signal.Type(s)
}

// plainString reads a JSON string that needs no decoding: no escapes, no control characters, and
// valid UTF-8 (encoding/json would replace invalid bytes). It returns the bytes between the quotes.
func (d *lineDecoder) plainString() ([]byte, bool) {
	if !d.consume('"') {
		return nil, false
	}
	start := d.pos
	for ; d.pos < len(d.b); d.pos++ {
		switch c := d.b[d.pos]; {
		case c == '"':
			s := d.b[start:d.pos]
			d.pos++
			return s, utf8.Valid(s)
		case c == '\\' || c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// uint32 reads a JSON number that is an integer from 0 to MaxUint32, without sign, exponent,
// fraction or leading zeros.
func (d *lineDecoder) uint32() (uint32, bool) {
	start := d.pos
	var v uint64
	for d.pos < len(d.b) && '0' <= d.b[d.pos] && d.b[d.pos] <= '9' {
		v = v*10 + uint64(d.b[d.pos]-'0')
		d.pos++
		if v > math.MaxUint32 {
			return 0, false
		}
	}
	digits := d.pos - start
	if digits == 0 || digits > 1 && d.b[start] == '0' {
		return 0, false
	}
	return uint32(v), true
}
