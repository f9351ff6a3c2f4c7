package hashlist

import (
	"strings"
	"testing"
)

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		name, head string
		want       Format
		wantErr    string
	}{
		{"empty", "", Lines, ""},
		{"only comments", "# a\n\n  # b\n", Lines, ""},
		{"bare hash", md5A + "\n", Lines, ""},
		{"typed hash", "pdq:" + pdqA + "\n", Lines, ""},
		{"bare pdq after comment", "# pdq list\n" + pdqA, Lines, ""},
		{"jsonl", `{"signal":"` + md5A + `"}` + "\n", JSONL, ""},
		{"jsonl indented after blank", "\n  {\"x\":1}", JSONL, ""},
		{"csv", "signal_type,signal,id\n", CSV, ""},
		{"csv one known column", "Hash,whatever\n", CSV, ""},
		{"csv quoted header with BOM", "\ufeff\"Signal_Type\",\"Signal\"\r\n", CSV, ""},
		{"pytx csv", "collab,signal_type,signal_str,category,tags\n", CSV, ""},
		{"tsv", "signal\tid\n", TSV, ""},
		{"tsv whose names hold commas", "signal\tid,x\n", TSV, ""},
		{"comma line naming nothing", "a,b,c\n", Lines, ""},
		{"tx", "pdq " + pdqA + "\n", TX, ""},
		{"tx pytx name and tab", "video_md5\t" + md5A + "\n", TX, ""},
		{"tx with trailing fields", "md5 " + md5A + " more stuff\n", TX, ""},
		{"two words, not a type", "hello " + md5A + "\n", Lines, ""},
		{"type name alone", "pdq\n", Lines, ""},
		{"head cut mid-line", "md5 " + md5A[:4], TX, ""},
		{"NUL", "md5 " + md5A + "\x00", "", "input is not text (NUL byte at offset 36)"},
		{"UTF-16LE", "\xff\xfes\x00i\x00", "", "input is UTF-16 text; convert it to UTF-8"},
		{"UTF-16BE", "\xfe\xff\x00s", "", "input is UTF-16 text; convert it to UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DetectFormat([]byte(tt.head))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("DetectFormat error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("DetectFormat(%q) = %q, want %q", strings.TrimSpace(tt.head), got, tt.want)
			}
		})
	}
}
