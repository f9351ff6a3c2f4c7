package http

import (
	"strings"
	"testing"
	"unicode"
)

func TestSafeNext(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "/"},
		{"/", "/"},
		{"/queue", "/queue"},
		{"/cases/cas_1?decide=confirm", "/cases/cas_1?decide=confirm"},
		{"//evil.example/", "/"},
		{"/\\evil.example", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"queue", "/"},
		{"/queue\r\nSet-Cookie: x=1", "/"},
		{"/\t/evil.example", "/"},
		{"/queue?q=caf\u00e9", "/queue?q=caf\u00e9"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := safeNext(tt.in); got != tt.want {
				t.Errorf("safeNext(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzSafeNext checks that whatever a sign-in link carries, the browser is only ever sent to a
// path on this server: one slash first, never two, no backslash or control character.
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "/queue", "//x", "/\\x", "http://x", "/a\nb", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		local := strings.HasPrefix(got, "/") && !strings.HasPrefix(got, "//") &&
			!strings.ContainsFunc(got, func(r rune) bool { return r == '\\' || unicode.IsControl(r) && r < 0x80 })
		if !local {
			t.Fatalf("safeNext(%q) = %q: not a local path", next, got)
		}
		if got != "/" && got != next {
			t.Fatalf("safeNext(%q) = %q: changed a path it kept", next, got)
		}
	})
}
