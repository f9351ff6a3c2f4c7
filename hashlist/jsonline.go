package hashlist

import "unicode/utf8"

// flatObject reads line, a JSON Lines record, when it is a flat object whose members are plain:
// keys and string values without escapes, in valid UTF-8, and numbers and nulls as values. It
// sets values and given for the keys that name fields, as parseJSON does, and reports false for
// anything else, which parseJSON then decodes with encoding/json: other lines, and lines that
// give a field twice, so that the two never disagree (FuzzFlatObject checks). A list of millions
// of records costs a map and a dozen allocations a line through encoding/json, none here.
func flatObject(line []byte, values *[numFields]string, given *[numFields]bool) bool {
	s := jsonScanner{b: line}
	if !s.consume('{') {
		return false
	}
	if s.consume('}') {
		return s.end()
	}
	for {
		key, ok := s.plainString()
		if !ok || !s.consume(':') {
			return false
		}
		f, known := fieldOf(key)
		if known && given[f] {
			return false
		}
		value, ok := s.value()
		if !ok {
			return false
		}
		if known {
			values[f], given[f] = value, true
		}
		if !s.consume(',') {
			return s.consume('}') && s.end()
		}
	}
}

// fieldOf returns the field a key names, matching ASCII case-insensitively as parseJSON does
// (keys with other characters are not plain enough for flatObject).
func fieldOf(key []byte) (field, bool) {
	var lower [16]byte
	if len(key) > len(lower) {
		return 0, false
	}
	for i, c := range key {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	f, ok := fieldNames[string(lower[:len(key)])]
	return f, ok
}

// jsonScanner reads tokens of one line of JSON, skipping white space before each.
type jsonScanner struct {
	b   []byte
	pos int
}

func (s *jsonScanner) skipSpace() {
	for s.pos < len(s.b) {
		switch s.b[s.pos] {
		case ' ', '\t', '\r', '\n':
			s.pos++
		default:
			return
		}
	}
}

// consume skips c if it is the next token.
func (s *jsonScanner) consume(c byte) bool {
	s.skipSpace()
	if s.pos < len(s.b) && s.b[s.pos] == c {
		s.pos++
		return true
	}
	return false
}

// end reports whether only white space is left.
func (s *jsonScanner) end() bool {
	s.skipSpace()
	return s.pos == len(s.b)
}

// value reads a plain string, a number (returned as written) or null (returned empty).
func (s *jsonScanner) value() (string, bool) {
	s.skipSpace()
	if s.pos == len(s.b) {
		return "", false
	}
	switch c := s.b[s.pos]; {
	case c == '"':
		v, ok := s.plainString()
		return string(v), ok
	case c == 'n':
		if len(s.b)-s.pos >= 4 && string(s.b[s.pos:s.pos+4]) == "null" {
			s.pos += 4
			return "", true
		}
		return "", false
	case c == '-' || '0' <= c && c <= '9':
		start := s.pos
		if !s.number() {
			return "", false
		}
		return string(s.b[start:s.pos]), true
	}
	return "", false
}

// plainString reads a string without escapes or control characters, in valid UTF-8, and returns
// the bytes between its quotes.
func (s *jsonScanner) plainString() ([]byte, bool) {
	if !s.consume('"') {
		return nil, false
	}
	start := s.pos
	for ; s.pos < len(s.b); s.pos++ {
		switch c := s.b[s.pos]; {
		case c == '"':
			v := s.b[start:s.pos]
			s.pos++
			return v, utf8.Valid(v)
		case c == '\\' || c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// number reads a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *jsonScanner) number() bool {
	s.optional('-')
	if s.optional('0') {
		if s.pos < len(s.b) && isDigit(s.b[s.pos]) {
			return false
		}
	} else if !s.digits() {
		return false
	}
	if s.optional('.') && !s.digits() {
		return false
	}
	if s.optional('e') || s.optional('E') {
		if !s.optional('+') {
			s.optional('-')
		}
		return s.digits()
	}
	return true
}

// optional skips c if it is the next byte, without skipping white space.
func (s *jsonScanner) optional(c byte) bool {
	if s.pos < len(s.b) && s.b[s.pos] == c {
		s.pos++
		return true
	}
	return false
}

// digits skips one or more digits.
func (s *jsonScanner) digits() bool {
	start := s.pos
	for s.pos < len(s.b) && isDigit(s.b[s.pos]) {
		s.pos++
	}
	return s.pos > start
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
