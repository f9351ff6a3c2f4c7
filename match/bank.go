// Package match holds banks (named hash lists) and their entries, the Store interface that keeps
// them, and the Matcher that looks query signals up in every enabled bank: exact types through a
// map, PDQ through an exact Hamming index. Allow banks record known false positives; a hit in one
// suppresses the known-bank hits of the same query.
package match

import (
	"errors"
	"fmt"
	"regexp"
	"time"
	"unicode/utf8"
)

// Kind says what a bank's entries mean to a match.
type Kind string

// The bank kinds.
const (
	// Known banks hold hashes of known material: their hits are reported.
	Known Kind = "known"
	// Allow banks hold known false positives: their hits suppress the known hits of the same query.
	Allow Kind = "allow"
)

// Bank defaults and limits.
const (
	// DefaultThreshold is the PDQ distance at or below which two hashes are the same picture.
	DefaultThreshold = 31
	// DefaultMinQuality is the PDQ quality below which a hash is too unreliable to match.
	DefaultMinQuality = 50
	// MaxThreshold is the largest PDQ threshold a bank may have: a quarter of the bits. Larger
	// distances say little about two pictures, and the Hamming index answers them only by scanning.
	MaxThreshold = 64
	// MaxQuality is the highest PDQ quality.
	MaxQuality = 100
)

// Errors a Store wraps so that callers can tell the cases apart with errors.Is.
var (
	// ErrNotFound says a bank or entry does not exist.
	ErrNotFound = errors.New("not found")
	// ErrExists says a bank of that name already exists.
	ErrExists = errors.New("already exists")
)

// Bank is a named list of signals with the policy that applies to its matches.
type Bank struct {
	Name       string    // unique; see ValidateName
	Kind       Kind      // Known or Allow
	Threshold  int       // largest PDQ distance that matches, 0..MaxThreshold
	MinQuality int       // a query PDQ of lower quality does not match this bank, 0..MaxQuality
	Enabled    bool      // a disabled bank is kept but never matched
	Source     string    // who supplied the list
	Licence    string    // the terms the list is used under
	Version    string    // the supplier's version of the list
	Created    time.Time // set by the store when zero
}

// NewBank returns an enabled bank with the default threshold and quality gate.
func NewBank(name string, kind Kind) Bank {
	return Bank{Name: name, Kind: kind, Threshold: DefaultThreshold, MinQuality: DefaultMinQuality, Enabled: true}
}

// bankName is the form of a bank name: it is used as a directory name and in URLs, so it is
// short, lowercase, and cannot be "." or "..".
var bankName = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

// ValidateName reports whether name can name a bank: 1 to 64 characters, lowercase letters,
// digits, '_', '.' and '-', starting with a letter or digit.
func ValidateName(name string) error {
	if !bankName.MatchString(name) {
		return fmt.Errorf("invalid bank name %q: want 1 to 64 characters of a-z, 0-9, '_', '.', '-', "+
			"starting with a letter or digit", truncate(name))
	}
	return nil
}

// Validate reports the first field of b that is not acceptable.
func (b Bank) Validate() error {
	if err := ValidateName(b.Name); err != nil {
		return err
	}
	if b.Kind != Known && b.Kind != Allow {
		return fmt.Errorf("bank %s: invalid kind %q (want %s or %s)", b.Name, truncate(string(b.Kind)), Known, Allow)
	}
	if b.Threshold < 0 || b.Threshold > MaxThreshold {
		return fmt.Errorf("bank %s: threshold %d out of range 0..%d", b.Name, b.Threshold, MaxThreshold)
	}
	if b.MinQuality < 0 || b.MinQuality > MaxQuality {
		return fmt.Errorf("bank %s: minimum quality %d out of range 0..%d", b.Name, b.MinQuality, MaxQuality)
	}
	for _, f := range []struct{ name, value string }{{"source", b.Source}, {"licence", b.Licence}, {"version", b.Version}} {
		if !utf8.ValidString(f.value) {
			return fmt.Errorf("bank %s: %s is not valid UTF-8", b.Name, f.name)
		}
	}
	return nil
}

// truncate shortens s for an error message so that huge bad input does not flood the output.
func truncate(s string) string {
	const max = 80
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
