package http

import (
	"html/template"
	"net/url"
	"testing"
)

func TestNextPageURL(t *testing.T) {
	tests := []struct {
		name  string
		path  string
		query url.Values
		next  string
		want  template.URL
	}{
		{"last page", "/holds", nil, "", ""},
		{"no filters", "/holds", nil, "hld_2", "/holds?cursor=hld_2"},
		{"keeps the filters", "/notices", url.Values{"status": {"held"}}, "ntc_9", "/notices?cursor=ntc_9&status=held"},
		{"escapes", "/complaints", url.Values{"status": {"a&b"}}, "c d", "/complaints?cursor=c+d&status=a%26b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := nextPageURL(tt.path, tt.query, tt.next); got != tt.want {
				t.Fatalf("nextPageURL = %q, want %q", got, tt.want)
			}
		})
	}
}
