// Package signal is the registry of signal types: the kinds of hash Vigil stores in banks and matches
// uploads against. It follows python-threatexchange's SignalType model: every signal travels as a
// string, each type validates and canonicalises that string at the edge, and each type has a slow,
// obviously correct comparison that fast indexes are tested against.
package signal

import (
	"fmt"
	"strings"
)

// Type names a signal type. The canonical names are the constants below; Lookup also accepts
// python-threatexchange's spellings.
type Type string

// The signal types Vigil knows.
const (
	PDQ    Type = "pdq"    // Meta's 256-bit perceptual photo hash, 64 hex digits
	MD5    Type = "md5"    // MD5 of the file's bytes, 32 hex digits
	SHA1   Type = "sha1"   // SHA-1 of the file's bytes, 40 hex digits
	SHA256 Type = "sha256" // SHA-256 of the file's bytes, 64 hex digits
)

// Signal is one hash of one type. Value is canonical (lowercase hex) when the Signal came from Parse
// or ParseTyped, so two Signals for the same hash compare equal with ==.
type Signal struct {
	Type  Type
	Value string
}

// String returns the "type:value" form that ParseTyped reads back.
func (s Signal) String() string { return string(s.Type) + ":" + s.Value }

// SignalType is what each signal type provides: its name, validation of its string form, and a
// reference comparison.
type SignalType interface {
	// Name returns the canonical type name.
	Name() Type
	// Parse validates s and returns its canonical form, or an error naming the type and the reason.
	// Surrounding white space is ignored.
	Parse(s string) (string, error)
	// Distance compares two values of this type the slow, obvious way. For PDQ it is the Hamming
	// distance (0..256); for exact types it is 0 when the hashes are equal and 1 otherwise.
	Distance(a, b string) (int, error)
	// Exact reports whether only equal values match (all types but PDQ).
	Exact() bool
}

// The implementations, one value each, shared by registry and byName.
var (
	pdqSignal    SignalType = pdqType{}
	md5Signal    SignalType = hexType{name: MD5, digits: 32}
	sha1Signal   SignalType = hexType{name: SHA1, digits: 40}
	sha256Signal SignalType = hexType{name: SHA256, digits: 64}
)

// registry lists the types in the order All returns them.
var registry = []SignalType{pdqSignal, md5Signal, sha1Signal, sha256Signal}

// byName maps the lowercased names accepted by Lookup to their types. python-threatexchange calls its
// types pdq (class PdqSignal), video_md5 (VideoMD5Signal) and video_sha256; a video's MD5 or SHA-256
// is the digest of the file's bytes, the same thing Vigil stores for any file.
var byName = map[string]SignalType{
	"pdq":               pdqSignal,
	"pdqsignal":         pdqSignal,
	"md5":               md5Signal,
	"video_md5":         md5Signal,
	"videomd5signal":    md5Signal,
	"sha1":              sha1Signal,
	"sha-1":             sha1Signal,
	"sha256":            sha256Signal,
	"sha-256":           sha256Signal,
	"video_sha256":      sha256Signal,
	"videosha256signal": sha256Signal,
}

// All returns every registered signal type, PDQ first.
func All() []SignalType {
	return append([]SignalType(nil), registry...)
}

// Lookup returns the signal type called name. Case and surrounding white space are ignored, and
// python-threatexchange's names are accepted.
func Lookup(name string) (SignalType, error) {
	st, ok := byName[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return nil, fmt.Errorf("unknown signal type %q (want pdq, md5, sha1 or sha256)", truncate(name))
	}
	return st, nil
}

// Parse validates value as a signal of the type called typ and returns it in canonical form.
func Parse(typ, value string) (Signal, error) {
	st, err := Lookup(typ)
	if err != nil {
		return Signal{}, err
	}
	canonical, err := st.Parse(value)
	if err != nil {
		return Signal{}, err
	}
	return Signal{Type: st.Name(), Value: canonical}, nil
}

// ParseTyped reads "type:value" (for example "md5:d41d8cd98f00b204e9800998ecf8427e"), or a bare
// 64-hex-digit string, which means a PDQ hash because that is what queries carry most often.
func ParseTyped(s string) (Signal, error) {
	s = strings.TrimSpace(s)
	if typ, value, ok := strings.Cut(s, ":"); ok {
		return Parse(typ, value)
	}
	if len(s) != 64 {
		return Signal{}, fmt.Errorf("%q has no type prefix and %d characters; "+
			"a bare hash must be a 64-hex-digit PDQ hash, otherwise write type:value", truncate(s), len(s))
	}
	return Parse(string(PDQ), s)
}

// truncate shortens s for an error message so a huge bad input does not flood the output.
func truncate(s string) string {
	const max = 80
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
