package hashlist

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/vigilproject/vigil/signal"
)

// fullRecords exercise every field and the characters each format must quote or escape.
var fullRecords = []Record{
	{Signal: sig(signal.PDQ, pdqA), ID: "1", Category: "A1", Note: "plain"},
	{Signal: sig(signal.MD5, md5A), ID: "a,b", Category: `say "hi"`, Note: "# not a comment"},
	{Signal: sig(signal.SHA1, sha1A), ID: "{json}", Note: "café, naïve ✓ \\ back"},
	{Signal: sig(signal.SHA256, sha256A)},
	{Signal: sig(signal.MD5, md5B), ID: `"quoted"`, Category: "c", Note: "'single' <b>&amp;</b>"},
}

// signalsOnly strips what lines and tx cannot carry.
func signalsOnly(records []Record) []Record {
	out := make([]Record, len(records))
	for i, r := range records {
		out[i] = Record{Signal: r.Signal}
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	oneType := []Record{rec(signal.SHA1, sha1A), rec(signal.SHA1, strings.Repeat("0", 40))}
	tests := []struct {
		name    string
		format  Format
		records []Record
		typ     signal.Type // given to Read, as a user must for bare lines
	}{
		{"csv", CSV, fullRecords, ""},
		{"tsv", TSV, fullRecords, ""},
		{"jsonl", JSONL, fullRecords, ""},
		{"tx", TX, signalsOnly(fullRecords), ""},
		{"lines mixed types", Lines, signalsOnly(fullRecords), ""},
		{"lines one type", Lines, oneType, signal.SHA1},
		{"csv empty", CSV, nil, ""},
		{"jsonl empty", JSONL, nil, ""},
		{"lines empty", Lines, nil, ""},
	}
	for _, tt := range tests {
		for _, detect := range []bool{false, true} {
			name := tt.name
			if detect {
				name += " detected"
			}
			t.Run(name, func(t *testing.T) {
				var buf bytes.Buffer
				if err := Write(&buf, tt.format, tt.records); err != nil {
					t.Fatal(err)
				}
				opt := ReadOptions{Format: tt.format, Type: tt.typ, Strict: true}
				if detect {
					opt.Format = ""
				}
				got, _, err := Read(bytes.NewReader(buf.Bytes()), opt)
				if err != nil {
					t.Fatalf("reading back:\n%s\nerror: %v", buf.String(), err)
				}
				if !slices.Equal(got, tt.records) {
					t.Errorf("read back\n%s\n got %+v\nwant %+v", buf.String(), got, tt.records)
				}
			})
		}
	}
}

func TestWriteOutput(t *testing.T) {
	records := []Record{
		{Signal: sig("MD5", strings.ToUpper(md5A)), ID: " 7 ", Note: "two\nlines"},
		{Signal: sig("video_md5", md5B)},
	}
	tests := []struct {
		format Format
		want   string
	}{
		{Lines, md5A + "\n" + md5B + "\n"},
		{TX, "md5 " + md5A + "\nmd5 " + md5B + "\n"},
		{CSV, "signal_type,signal,id,category,note\nmd5," + md5A + ",7,,two lines\nmd5," + md5B + ",,,\n"},
		{TSV, "signal_type\tsignal\tid\tcategory\tnote\nmd5\t" + md5A + "\t7\t\ttwo lines\nmd5\t" + md5B + "\t\t\t\n"},
		{JSONL, `{"signal_type":"md5","signal":"` + md5A + `","id":"7","note":"two lines"}` + "\n" +
			`{"signal_type":"md5","signal":"` + md5B + `"}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, tt.format, records); err != nil {
				t.Fatal(err)
			}
			if buf.String() != tt.want {
				t.Errorf("Write gave\n%s\nwant\n%s", buf.String(), tt.want)
			}
		})
	}
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

func TestWriteErrors(t *testing.T) {
	full := errors.New("disk full")
	badSignal := []Record{rec(signal.MD5, md5A), rec(signal.MD5, "abc")}
	tests := []struct {
		name    string
		format  Format
		records []Record
		want    string
	}{
		{"unknown format", "xml", nil, `hashlist: write: unknown format "xml" (want lines, csv, tsv, tx or jsonl)`},
		{"bad signal lines", Lines, badSignal, `hashlist: write lines: record 2: md5: "abc" has 3 characters, want 32 hex digits`},
		{"bad signal csv", CSV, badSignal, `hashlist: write csv: record 2: md5: "abc" has 3 characters, want 32 hex digits`},
		{"bad type jsonl", JSONL, []Record{rec("crc", "00")}, `hashlist: write jsonl: record 1: unknown signal type "crc" (want pdq, md5, sha1 or sha256)`},
		{"bad type lines", Lines, []Record{rec("crc", "00")}, `hashlist: write lines: record 1: unknown signal type "crc" (want pdq, md5, sha1 or sha256)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Write(&buf, tt.format, tt.records)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Write error = %v, want %q", err, tt.want)
			}
		})
	}
	for _, f := range Formats() {
		t.Run("write error "+string(f), func(t *testing.T) {
			err := Write(failingWriter{full}, f, fullRecords)
			if !errors.Is(err, full) {
				t.Errorf("Write error = %v, want it to wrap %v", err, full)
			}
		})
	}
}
