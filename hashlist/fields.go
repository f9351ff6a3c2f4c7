package hashlist

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// field is one column of CSV and TSV, or one key of JSON Lines.
type field int

const (
	fieldType field = iota
	fieldSignal
	fieldID
	fieldCategory
	fieldNote
	numFields
)

// fieldNames maps lowercased column names and JSON keys to fields. signal_str is the column name
// python-threatexchange's `threatexchange dataset -P --csv` writes.
var fieldNames = map[string]field{
	"signal_type": fieldType,
	"signal":      fieldSignal,
	"hash":        fieldSignal,
	"signal_str":  fieldSignal,
	"id":          fieldID,
	"category":    fieldCategory,
	"note":        fieldNote,
}

// fieldTitles are the names Write uses, in column order.
var fieldTitles = [numFields]string{"signal_type", "signal", "id", "category", "note"}

// noTypeReason is given when a row names no signal type and the file has none either.
const noTypeReason = "signal_type: empty, and no type was given for the file"

// fromFields validates one row of CSV, TSV or JSON Lines.
func (rd *Reader) fromFields(v *[numFields]string) (Record, error) {
	sig, err := rd.signal(strings.TrimSpace(v[fieldType]), v[fieldSignal], noTypeReason)
	if err != nil {
		return Record{}, err
	}
	return Record{
		Signal:   sig,
		ID:       cleanText(v[fieldID]),
		Category: cleanText(v[fieldCategory]),
		Note:     cleanText(v[fieldNote]),
	}, nil
}

// parseJSON reads one JSON Lines object. Keys are matched case-insensitively and unknown keys are
// ignored; text fields may be strings, numbers (kept as written) or null.
func (rd *Reader) parseJSON(line []byte) (Record, error) {
	if line[0] != '{' {
		return Record{}, errors.New("want a JSON object")
	}
	var values [numFields]string
	var given [numFields]bool
	if !flatObject(line, &values, &given) {
		var err error
		if values, given, err = decodeJSON(line); err != nil {
			return Record{}, err
		}
	}
	if !given[fieldSignal] {
		return Record{}, errors.New("signal: missing (want key signal, hash or signal_str)")
	}
	return rd.fromFields(&values)
}

// decodeJSON reads the fields of one JSON Lines object with encoding/json, for the lines that
// flatObject does not read.
func decodeJSON(line []byte) (values [numFields]string, given [numFields]bool, err error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(line, &obj); err != nil {
		return values, given, fmt.Errorf("invalid JSON: %v", err)
	}
	var keys [numFields]string // the key that gave each field, to report conflicts
	for key, raw := range obj {
		f, ok := fieldNames[strings.ToLower(key)]
		if !ok {
			continue
		}
		if given[f] {
			pair := []string{keys[f], key}
			sort.Strings(pair)
			return values, given, fmt.Errorf("keys %q and %q both give the %s", pair[0], pair[1], fieldTitles[f])
		}
		text, err := jsonText(raw)
		if err != nil {
			return values, given, fmt.Errorf("%s: %w", key, err)
		}
		values[f], keys[f], given[f] = text, key, true
	}
	return values, given, nil
}

// jsonText turns a JSON value into text: a string as is, a number as written, null as empty.
func jsonText(raw json.RawMessage) (string, error) {
	switch raw[0] {
	case 'n':
		return "", nil
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err
		}
		return s, nil
	case 't', 'f', '{', '[':
		return "", errors.New("want a string or number")
	}
	return string(raw), nil
}
