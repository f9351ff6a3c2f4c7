package signal

import (
	"fmt"
	"strings"

	"github.com/vigilproject/vigil/pdq"
)

// canonicalHex checks that s (trimmed) is exactly digits hex digits and returns it in lowercase.
// Errors name the type and say what is wrong, e.g. `md5: "abc" has 3 characters, want 32 hex digits`.
func canonicalHex(name Type, s string, digits int) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fmt.Errorf("%s: empty value, want %d hex digits", name, digits)
	}
	if len(s) != digits {
		return "", fmt.Errorf("%s: %q has %d characters, want %d hex digits", name, truncate(s), len(s), digits)
	}
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return "", fmt.Errorf("%s: %q has non-hex character %q at position %d", name, truncate(s), s[i], i+1)
		}
	}
	return strings.ToLower(s), nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// hexType is a cryptographic digest: any well-formed value is valid and only equal values match.
type hexType struct {
	name   Type
	digits int
}

func (t hexType) Name() Type  { return t.name }
func (t hexType) Exact() bool { return true }

func (t hexType) Parse(s string) (string, error) { return canonicalHex(t.name, s, t.digits) }

func (t hexType) Distance(a, b string) (int, error) {
	ca, err := t.Parse(a)
	if err != nil {
		return 0, err
	}
	cb, err := t.Parse(b)
	if err != nil {
		return 0, err
	}
	if ca == cb {
		return 0, nil
	}
	return 1, nil
}

// pdqType is the PDQ perceptual hash, compared by Hamming distance.
type pdqType struct{}

func (pdqType) Name() Type  { return PDQ }
func (pdqType) Exact() bool { return false }

// Parse returns the lowercase hex, which is exactly pdq.Hash's String form (checked by FuzzParse);
// decoding and re-encoding would cost an import of millions of lines several allocations per hash.
func (pdqType) Parse(s string) (string, error) { return canonicalHex(PDQ, s, 64) }

// Distance counts differing bits one at a time, deliberately not using pdq.Distance's popcount, so
// that it is an independent oracle for the fast indexes.
func (pdqType) Distance(a, b string) (int, error) {
	ha, err := parsePDQ(a)
	if err != nil {
		return 0, err
	}
	hb, err := parsePDQ(b)
	if err != nil {
		return 0, err
	}
	d := 0
	for k := 0; k < 256; k++ {
		if (ha[k/64]>>(k%64))&1 != (hb[k/64]>>(k%64))&1 {
			d++
		}
	}
	return d, nil
}

// parsePDQ validates with the same messages as the other types, then decodes with package pdq.
func parsePDQ(s string) (pdq.Hash, error) {
	canonical, err := canonicalHex(PDQ, s, 64)
	if err != nil {
		return pdq.Hash{}, err
	}
	h, err := pdq.Parse(canonical)
	if err != nil {
		return pdq.Hash{}, fmt.Errorf("pdq: %w", err)
	}
	return h, nil
}
