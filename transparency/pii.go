package transparency

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/netip"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrPersonalData is returned by Check when a rendering holds personal data. The error names
// what was found, never the value: it may be logged.
var ErrPersonalData = errors.New("the transparency report holds personal data")

var (
	// emailPattern finds anything shaped like an email address.
	emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+`)
	// phonePattern finds international phone numbers: a plus sign and at least 8 digits.
	phonePattern = regexp.MustCompile(`\+[0-9][0-9 ()\-./]{6,}[0-9]`)
	// addrToken is a run of the characters an IP address is written with.
	addrToken = regexp.MustCompile(`[0-9A-Fa-f:.]+`)
)

// Known identifiers shorter than these are not looked for: they would be found in any report
// (a four-digit uploader reference in a count, a year), so the figures' own shapes are relied
// on instead: counts, rates, times and names of kinds.
const (
	minIdentifier        = 4
	minNumericIdentifier = 8
)

// Check reports ErrPersonalData when out, a rendered report, contains an email address, an IP
// address, an international phone number, or any of known (the store's personal identifiers
// for the period, as Source.PersonalData gives them) as a whole word, plain or escaped as JSON
// or HTML would escape it (PP-11, TR-06).
func Check(out []byte, known []string) error {
	text := string(out)
	var found []string
	if emailPattern.MatchString(text) {
		found = append(found, "an email address")
	}
	if phonePattern.MatchString(text) {
		found = append(found, "a phone number")
	}
	if hasIPAddress(text) {
		found = append(found, "an IP address")
	}
	if n := knownCount(text, known); n > 0 {
		found = append(found, fmt.Sprintf("%d personal identifiers known to the store", n))
	}
	if len(found) > 0 {
		return fmt.Errorf("%w: %s", ErrPersonalData, strings.Join(found, ", "))
	}
	return nil
}

// hasIPAddress reports whether text holds an IPv4 or IPv6 address other than the unspecified
// one ("::"). Times such as 12:00:00 are not addresses: they do not parse as one.
func hasIPAddress(text string) bool {
	for _, tok := range addrToken.FindAllString(text, -1) {
		tok = strings.Trim(tok, ".:")
		if strings.Count(tok, ".") != 3 && strings.Count(tok, ":") < 2 {
			continue
		}
		if a, err := netip.ParseAddr(tok); err == nil && !a.IsUnspecified() {
			return true
		}
	}
	return false
}

// knownCount returns how many distinct identifiers of known occur in text as whole words.
func knownCount(text string, known []string) int {
	n := 0
	for _, id := range known {
		if !searchable(id) {
			continue
		}
		quoted, _ := json.Marshal(id)
		for _, form := range []string{id, html.EscapeString(id), string(quoted[1 : len(quoted)-1])} {
			if containsWord(text, form) {
				n++
				break
			}
		}
	}
	return n
}

// searchable reports whether id is long enough to look for without matching ordinary figures.
func searchable(id string) bool {
	id = strings.TrimSpace(id)
	if strings.TrimLeft(id, "0123456789") == "" {
		return len(id) >= minNumericIdentifier
	}
	return utf8.RuneCountInString(id) >= minIdentifier
}

// containsWord reports whether w occurs in text with no letter or digit right before or after it.
func containsWord(text, w string) bool {
	w = strings.TrimSpace(w)
	for i := 0; ; {
		j := strings.Index(text[i:], w)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(w)
		before, _ := utf8.DecodeLastRuneInString(text[:start])
		after, _ := utf8.DecodeRuneInString(text[end:])
		if !isWordRune(before) && !isWordRune(after) {
			return true
		}
		i = start + 1
	}
}

func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}
