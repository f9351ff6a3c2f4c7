package transparency

import (
	"errors"
	"strings"
	"testing"
)

// TestCheck is the PII scanner of PP-11 and TR-06 on texts with and without personal data.
func TestCheck(t *testing.T) {
	known := []string{"uploader-7781", "Ølaf <x>", "12345", "123456789", "abc"}
	for _, tc := range []struct {
		name, text string
		personal   bool
	}{
		{"figures only", `{"year":2026,"from":"2026-01-01T00:00:00Z","rate":0.3333333333333333,"count":12}`, false},
		{"times are not IPv6", "generated 2026-01-10 09:00:00.000 UTC, 12:30:45", false},
		{"rates are not IPv4", "0.25 1.5 10.0.1", false},
		{"the unspecified address", "range :: to", false},
		{"an email", "contact kid@example.org", true},
		{"an IPv4 address", "from 192.0.2.17.", true},
		{"an IPv6 address", "from 2001:db8::1", true},
		{"a phone number", "call +44 20 7946 0958", true},
		{"a known uploader", "volume,uploader-7781,received,1", true},
		{"a known uploader inside a word", "volume,xuploader-7781,received,1", false},
		{"a known name escaped as HTML", "<td>Ølaf &lt;x&gt;</td>", true},
		{"a known name escaped as JSON", `"Ølaf \u003cx\u003e"`, true},
		{"short numeric identifiers are not searched", "12345 items", false},
		{"long numeric identifiers are", "id 123456789", true},
		{"short identifiers are not searched", "abc", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Check([]byte(tc.text), known)
			if got := errors.Is(err, ErrPersonalData); got != tc.personal {
				t.Fatalf("Check = %v, want personal data %v", err, tc.personal)
			}
			for _, id := range known {
				if err != nil && len(id) > 4 && strings.Contains(err.Error(), id) {
					t.Errorf("the error %q repeats the personal identifier %q", err, id)
				}
			}
		})
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{"a@b.cc", "1.2.3.4", "fe80::1", "+1 555 0100 222", "x", "2026-01-01T00:00:00Z"} {
		f.Add(s, "someone-42")
	}
	f.Fuzz(func(t *testing.T, text, id string) {
		// Never panics, and a searchable identifier set apart by spaces is always found.
		Check([]byte(text), []string{id})
		if !searchable(id) {
			return
		}
		if err := Check([]byte("figures: "+id+" ."), []string{id}); !errors.Is(err, ErrPersonalData) {
			t.Errorf("Check missed %q: %v", id, err)
		}
	})
}
