package ncmec

import "strings"

// orDefault returns s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// nonEmpty returns a one-element slice of s, or nil when s is empty, for optional repeated elements.
func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// joinLines joins the non-empty, trimmed lines with newlines.
func joinLines(lines ...string) string {
	var kept []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "\n")
}
