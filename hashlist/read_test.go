package hashlist

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/vigilproject/vigil/signal"
)

const (
	md5A    = "d41d8cd98f00b204e9800998ecf8427e"
	md5B    = "0cc175b9c0f1b6a831c399e269772661"
	sha1A   = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
	sha256A = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	pdqA    = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
)

func sig(t signal.Type, v string) signal.Signal { return signal.Signal{Type: t, Value: v} }

func rec(t signal.Type, v string) Record { return Record{Signal: sig(t, v)} }

// readCase is one input and what Read must make of it. bad and err are exact error strings.
type readCase struct {
	name string
	in   string
	opt  ReadOptions
	want []Record
	bad  []string
	err  string
}

func runReadCases(t *testing.T, cases []readCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, bad, err := Read(strings.NewReader(tc.in), tc.opt)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				if got != nil || bad != nil {
					t.Errorf("with an error, got %d records and %d bad lines, want none", len(got), len(bad))
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("records:\n got %+v\nwant %+v", got, tc.want)
			}
			var badText []string
			for _, b := range bad {
				badText = append(badText, b.Error())
			}
			if !slices.Equal(badText, tc.bad) {
				t.Errorf("bad lines:\n got %q\nwant %q", badText, tc.bad)
			}
		})
	}
}

func TestReadLines(t *testing.T) {
	long := strings.Repeat("a", MaxLine+1)
	runReadCases(t, []readCase{
		{name: "bare with type", in: md5A + "\n" + strings.ToUpper(md5B) + "\n",
			opt:  ReadOptions{Format: Lines, Type: signal.MD5},
			want: []Record{rec(signal.MD5, md5A), rec(signal.MD5, md5B)}},
		{name: "comments blanks CRLF BOM and no final newline", in: "\ufeff# list\r\n\r\n  " + md5A + "  \r\n#x\n" + md5B,
			opt:  ReadOptions{Format: Lines, Type: "MD5"},
			want: []Record{rec(signal.MD5, md5A), rec(signal.MD5, md5B)}},
		{name: "typed lines need no type", in: "md5:" + md5A + "\nsha1:" + sha1A + "\nvideo_sha256:" + sha256A + "\npdq:" + pdqA + "\n",
			opt:  ReadOptions{Format: Lines},
			want: []Record{rec(signal.MD5, md5A), rec(signal.SHA1, sha1A), rec(signal.SHA256, sha256A), rec(signal.PDQ, pdqA)}},
		{name: "typed line overrides type", in: md5A + "\nsha1:" + sha1A + "\n",
			opt:  ReadOptions{Format: Lines, Type: signal.MD5},
			want: []Record{rec(signal.MD5, md5A), rec(signal.SHA1, sha1A)}},
		{name: "duplicates kept once", in: md5A + "\n" + strings.ToUpper(md5A) + "\nmd5:" + md5A + "\n",
			opt:  ReadOptions{Format: Lines, Type: signal.MD5},
			want: []Record{rec(signal.MD5, md5A)}},
		{name: "same value of two types is not a duplicate", in: "pdq:" + pdqA + "\nsha256:" + pdqA + "\n",
			opt:  ReadOptions{Format: Lines},
			want: []Record{rec(signal.PDQ, pdqA), rec(signal.SHA256, pdqA)}},
		{name: "bare without type", in: md5A + "\n", opt: ReadOptions{Format: Lines, Name: "list.txt"},
			bad: []string{"list.txt:1: no signal type: write type:value, or give the type of bare hashes"}},
		{name: "bad hashes skipped and reported", in: md5A + "\nabc\n\n" + md5A + "x\n" + md5B + "\n",
			opt:  ReadOptions{Format: Lines, Type: signal.MD5, Name: "l"},
			want: []Record{rec(signal.MD5, md5A), rec(signal.MD5, md5B)},
			bad: []string{`l:2: signal: md5: "abc" has 3 characters, want 32 hex digits`,
				`l:4: signal: md5: "` + md5A + `x" has 33 characters, want 32 hex digits`}},
		{name: "non-hex", in: "g" + md5A[1:] + "\n", opt: ReadOptions{Format: Lines, Type: signal.MD5},
			bad: []string{`line 1: signal: md5: "g` + md5A[1:] + `" has non-hex character 'g' at position 1`}},
		{name: "unknown type prefix", in: "tlsh:" + md5A + "\n:" + md5A + "\n", opt: ReadOptions{Format: Lines, Type: signal.MD5},
			bad: []string{`line 1: signal_type: unknown signal type "tlsh" (want pdq, md5, sha1 or sha256)`,
				`line 2: signal_type: unknown signal type "" (want pdq, md5, sha1 or sha256)`}},
		{name: "overlong line skipped", in: md5A + "\n" + long + "\n" + md5B + "\n",
			opt:  ReadOptions{Format: Lines, Type: signal.MD5},
			want: []Record{rec(signal.MD5, md5A), rec(signal.MD5, md5B)},
			bad:  []string{"line 2: line is longer than 65536 bytes"}},
		{name: "overlong last line without newline", in: md5A + "\n" + long + long + long,
			opt:  ReadOptions{Format: Lines, Type: signal.MD5},
			want: []Record{rec(signal.MD5, md5A)},
			bad:  []string{"line 2: line is longer than 65536 bytes"}},
		{name: "line of exactly MaxLine is read", in: strings.Repeat("b", MaxLine) + "\r\n",
			opt: ReadOptions{Format: Lines, Type: signal.MD5},
			bad: []string{`line 1: signal: md5: "` + strings.Repeat("b", 80) + `..." has 65536 characters, want 32 hex digits`}},
		{name: "strict stops at first bad line", in: md5A + "\nabc\nxyz\n",
			opt: ReadOptions{Format: Lines, Type: signal.MD5, Strict: true, Name: "s"},
			err: `s:2: signal: md5: "abc" has 3 characters, want 32 hex digits`},
		{name: "strict with clean input", in: md5A + "\n", opt: ReadOptions{Format: Lines, Type: signal.MD5, Strict: true},
			want: []Record{rec(signal.MD5, md5A)}},
		{name: "empty", in: "", opt: ReadOptions{Format: Lines}},
	})
}

func TestReadTX(t *testing.T) {
	runReadCases(t, []readCase{
		{name: "pytx local file", in: "pdq " + pdqA + "\nvideo_md5 " + md5A + "\n",
			opt:  ReadOptions{Format: TX},
			want: []Record{rec(signal.PDQ, pdqA), rec(signal.MD5, md5A)}},
		{name: "tabs, runs of spaces, comments", in: "# from tx\nsha1\t" + sha1A + "\n  md5   " + md5B + "  \n",
			opt:  ReadOptions{Format: TX},
			want: []Record{rec(signal.SHA1, sha1A), rec(signal.MD5, md5B)}},
		{name: "trailing fields become the note", in: "pdq " + pdqA + " FetchedSignalMetadata(a, b)\n",
			opt:  ReadOptions{Format: TX},
			want: []Record{{Signal: sig(signal.PDQ, pdqA), Note: "FetchedSignalMetadata(a, b)"}}},
		{name: "one field", in: pdqA + "\n", opt: ReadOptions{Format: TX},
			bad: []string{`line 1: want "signal_type signal", found one field`}},
		{name: "unknown type", in: "url https://example.com\n", opt: ReadOptions{Format: TX, Name: "t"},
			bad: []string{`t:1: signal_type: unknown signal type "url" (want pdq, md5, sha1 or sha256)`}},
		{name: "bad value", in: "md5 " + sha1A + "\n", opt: ReadOptions{Format: TX},
			bad: []string{`line 1: signal: md5: "` + sha1A + `" has 40 characters, want 32 hex digits`}},
		{name: "file type does not replace the line's", in: "md5 " + md5A + "\n", opt: ReadOptions{Format: TX, Type: signal.SHA1},
			want: []Record{rec(signal.MD5, md5A)}},
	})
}

func TestReadCSV(t *testing.T) {
	runReadCases(t, []readCase{
		{name: "all columns", in: "signal_type,signal,id,category,note\nmd5," + md5A + ",1,cat,a note\nsha1," + sha1A + ",2,,\n",
			opt: ReadOptions{Format: CSV},
			want: []Record{{Signal: sig(signal.MD5, md5A), ID: "1", Category: "cat", Note: "a note"},
				{Signal: sig(signal.SHA1, sha1A), ID: "2"}}},
		{name: "header case, order, aliases and unknown columns", in: "\ufeffExtra, HASH ,Signal_Type,ID\r\nx," + strings.ToUpper(md5A) + ",MD5,7\r\n",
			opt:  ReadOptions{Format: CSV},
			want: []Record{{Signal: sig(signal.MD5, md5A), ID: "7"}}},
		{name: "python-threatexchange dataset csv", in: "collab,signal_type,signal_str,category,tags\nSample,pdq," + pdqA + ",POSITIVE_CLASS,a b\n",
			opt:  ReadOptions{Format: CSV},
			want: []Record{{Signal: sig(signal.PDQ, pdqA), Category: "POSITIVE_CLASS"}}},
		{name: "type for the file", in: "hash,id\n" + md5A + ",1\n", opt: ReadOptions{Format: CSV, Type: signal.MD5},
			want: []Record{{Signal: sig(signal.MD5, md5A), ID: "1"}}},
		{name: "empty type cell takes the file's type", in: "signal_type,signal\n," + md5A + "\nsha1," + sha1A + "\n",
			opt:  ReadOptions{Format: CSV, Type: signal.MD5},
			want: []Record{rec(signal.MD5, md5A), rec(signal.SHA1, sha1A)}},
		{name: "empty type cell without file type", in: "signal_type,signal\n," + md5A + "\n", opt: ReadOptions{Format: CSV},
			bad: []string{"line 2: signal_type: empty, and no type was given for the file"}},
		{name: "quoting", in: "signal_type,signal,id,note\n\"md5\",\"" + md5A + "\",\"a,b\",\"say \"\"hi\"\"\"\n",
			opt:  ReadOptions{Format: CSV},
			want: []Record{{Signal: sig(signal.MD5, md5A), ID: "a,b", Note: `say "hi"`}}},
		{name: "quoted field across lines", in: "signal_type,signal,note\nmd5," + md5A + ",\"one\r\ntwo\"\nmd5," + md5B + ",x\n",
			opt:  ReadOptions{Format: CSV, Name: "q.csv"},
			want: []Record{{Signal: sig(signal.MD5, md5A), Note: "one two"}, {Signal: sig(signal.MD5, md5B), Note: "x"}}},
		{name: "comments before the header", in: "# exported\n\nsignal_type,signal\nmd5," + md5A + "\n",
			opt:  ReadOptions{Format: CSV},
			want: []Record{rec(signal.MD5, md5A)}},
		{name: "bad rows skipped", in: "signal_type,signal,note\nmd5,abc,\nmd5," + md5A + "\nmd5," + md5B + ",x,y\nsha1," + sha1A + ",ok\n",
			opt:  ReadOptions{Format: CSV, Name: "b.csv"},
			want: []Record{{Signal: sig(signal.SHA1, sha1A), Note: "ok"}},
			bad: []string{`b.csv:2: signal: md5: "abc" has 3 characters, want 32 hex digits`,
				"b.csv:3: has 2 fields, the header on line 1 has 3",
				"b.csv:4: has 4 fields, the header on line 1 has 3"}},
		{name: "bare quote", in: "signal_type,signal,note\nmd5," + md5A + ",5\" screen\nmd5," + md5B + ",\n",
			opt:  ReadOptions{Format: CSV},
			want: []Record{rec(signal.MD5, md5B)},
			bad:  []string{`line 2: CSV quoting, byte 39: bare " in non-quoted-field`}},
		{name: "text after closing quote, on a continuation line", in: "signal_type,signal,note\nmd5," + md5A + ",\"a\nb\"c\nmd5," + md5B + ",\n",
			opt:  ReadOptions{Format: CSV},
			want: []Record{rec(signal.MD5, md5B)},
			bad:  []string{`line 3: CSV quoting, byte 2: extraneous or missing " in quoted-field`}},
		{name: "unclosed quote at end", in: "signal_type,signal,note\nmd5," + md5A + ",\"open\n",
			opt: ReadOptions{Format: CSV},
			bad: []string{`line 2: CSV quoting, byte 44: extraneous or missing " in quoted-field`}},
		{name: "unclosed quote over MaxLine resumes after it", in: "signal_type,signal,note\nmd5," + md5A + ",\"open\n" +
			strings.Repeat(strings.Repeat("x", 1000)+"\n", 70) + "md5," + md5B + ",\n",
			opt:  ReadOptions{Format: CSV},
			want: []Record{rec(signal.MD5, md5B)},
			// Lines 3-67 fit in the record; line 68 overflows it and is dropped with it.
			bad: []string{"line 2: record is longer than 65536 bytes (is a quote not closed?)",
				"line 69: has 1 fields, the header on line 1 has 3", "line 70: has 1 fields, the header on line 1 has 3",
				"line 71: has 1 fields, the header on line 1 has 3", "line 72: has 1 fields, the header on line 1 has 3"}},
		{name: "header only", in: "signal_type,signal\n", opt: ReadOptions{Format: CSV}},
		{name: "empty file", in: "", opt: ReadOptions{Format: CSV}},
		{name: "no signal column", in: "signal_type,id\nmd5,1\n", opt: ReadOptions{Format: CSV, Name: "h.csv"},
			err: `h.csv:1: header: no signal column (want signal, hash or signal_str) in "signal_type,id"`},
		{name: "no signal_type column", in: "signal,id\n" + md5A + ",1\n", opt: ReadOptions{Format: CSV},
			err: "line 1: header: no signal_type column, and no type was given for the file"},
		{name: "two signal columns", in: "# c\nsignal_type,hash,signal\n", opt: ReadOptions{Format: CSV},
			err: "line 2: header: columns 2 and 3 both give the signal"},
		{name: "bad header quoting", in: "\"signal_type,signal\n", opt: ReadOptions{Format: CSV},
			err: `line 1: header: CSV quoting, byte 21: extraneous or missing " in quoted-field`},
		{name: "strict", in: "signal_type,signal\nmd5," + md5A + "\nmd5,x\n", opt: ReadOptions{Format: CSV, Strict: true},
			err: `line 3: signal: md5: "x" has 1 characters, want 32 hex digits`},
	})
}

func TestReadTSV(t *testing.T) {
	runReadCases(t, []readCase{
		{name: "basic", in: "signal_type\tsignal\tid\tcategory\tnote\nsha256\t" + sha256A + "\t9\tc\tcomma, kept\n",
			opt:  ReadOptions{Format: TSV},
			want: []Record{{Signal: sig(signal.SHA256, sha256A), ID: "9", Category: "c", Note: "comma, kept"}}},
		{name: "quoted", in: "signal\tnote\n" + md5A + "\t\"tab\there\"\n", opt: ReadOptions{Format: TSV, Type: signal.MD5},
			want: []Record{{Signal: sig(signal.MD5, md5A), Note: "tab here"}}},
		{name: "field count", in: "signal\tnote\n" + md5A + "\n", opt: ReadOptions{Format: TSV, Type: signal.MD5},
			bad: []string{"line 2: has 1 fields, the header on line 1 has 2"}},
	})
}

func TestReadJSONL(t *testing.T) {
	runReadCases(t, []readCase{
		{name: "all keys", in: `{"signal_type":"md5","signal":"` + md5A + `","id":"a1","category":"c","note":"n"}` + "\n",
			opt:  ReadOptions{Format: JSONL},
			want: []Record{{Signal: sig(signal.MD5, md5A), ID: "a1", Category: "c", Note: "n"}}},
		{name: "aliases, case, numbers, null, unknown keys", in: "# c\n\n" +
			`{"Signal_Type":"SHA1","HASH":"` + strings.ToUpper(sha1A) + `","id":12345678901234567890,"note":null,"x":[1]}` + "\n",
			opt:  ReadOptions{Format: JSONL},
			want: []Record{{Signal: sig(signal.SHA1, sha1A), ID: "12345678901234567890"}}},
		{name: "type for the file", in: `{"signal":"` + md5A + `"}`, opt: ReadOptions{Format: JSONL, Type: signal.MD5},
			want: []Record{rec(signal.MD5, md5A)}},
		{name: "text cleaned", in: `{"signal_type":"md5","signal":"` + md5A + `","note":" a\nb\t\u0000c ` + "\xff" + `"}`,
			opt:  ReadOptions{Format: JSONL},
			want: []Record{{Signal: sig(signal.MD5, md5A), Note: "a b  c \ufffd"}}},
		{name: "errors", in: "[1]\n{\"signal\":\n" + `{"signal_type":"md5","signal":"` + md5A + `","id":true}` + "\n" +
			`{"signal_type":"md5","signal":"` + md5A + `","hash":"` + md5A + `"}` + "\n" +
			`{"signal_type":"md5"}` + "\n" + `{"signal":"` + md5A + `"}` + "\n" + `{"signal_type":"md5","signal":"zz"}` + "\n",
			opt: ReadOptions{Format: JSONL, Name: "j"},
			bad: []string{"j:1: want a JSON object",
				"j:2: invalid JSON: unexpected end of JSON input",
				"j:3: id: want a string or number",
				`j:4: keys "hash" and "signal" both give the signal`,
				"j:5: signal: missing (want key signal, hash or signal_str)",
				"j:6: signal_type: empty, and no type was given for the file",
				`j:7: signal: md5: "zz" has 2 characters, want 32 hex digits`}},
		{name: "trailing data", in: `{"signal_type":"md5","signal":"` + md5A + `"} {}`, opt: ReadOptions{Format: JSONL},
			bad: []string{"line 1: invalid JSON: invalid character '{' after top-level value"}},
	})
}

// TestReadDetects checks that Read with no format detects each one.
func TestReadDetects(t *testing.T) {
	runReadCases(t, []readCase{
		{name: "lines", in: md5A + "\n", opt: ReadOptions{Type: signal.MD5}, want: []Record{rec(signal.MD5, md5A)}},
		{name: "typed lines", in: "md5:" + md5A + "\n", want: []Record{rec(signal.MD5, md5A)}},
		{name: "csv", in: "signal_type,signal\nmd5," + md5A + "\n", want: []Record{rec(signal.MD5, md5A)}},
		{name: "tsv", in: "signal_type\tsignal\nmd5\t" + md5A + "\n", want: []Record{rec(signal.MD5, md5A)}},
		{name: "tx", in: "md5 " + md5A + "\n", want: []Record{rec(signal.MD5, md5A)}},
		{name: "jsonl", in: `{"signal_type":"md5","signal":"` + md5A + `"}`, want: []Record{rec(signal.MD5, md5A)}},
		{name: "binary", in: "\x00\x01", opt: ReadOptions{Name: "x.zip"}, err: "hashlist: x.zip: input is not text (NUL byte at offset 0)"},
	})
}

func TestReadOptionsErrors(t *testing.T) {
	runReadCases(t, []readCase{
		{name: "unknown type", opt: ReadOptions{Type: "crc32"}, err: `hashlist: unknown signal type "crc32" (want pdq, md5, sha1 or sha256)`},
		{name: "unknown format", opt: ReadOptions{Format: "xml"}, err: `hashlist: unknown hash-list format "xml" (want lines, csv, tsv, tx or jsonl)`},
		{name: "format case-insensitive", in: "md5 " + md5A, opt: ReadOptions{Format: "TX"}, want: []Record{rec(signal.MD5, md5A)}},
	})
}

// failingReader returns data, then err.
type failingReader struct {
	data string
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.data == "" {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReadIOError(t *testing.T) {
	broken := errors.New("disk on fire")
	tests := []struct {
		name string
		opt  ReadOptions
		data string
	}{
		{"while detecting", ReadOptions{Name: "f"}, md5A},
		{"mid-line", ReadOptions{Name: "f", Format: Lines, Type: signal.MD5}, md5A + "\n" + md5B[:5]},
		{"in an overlong line", ReadOptions{Name: "f", Format: Lines, Type: signal.MD5}, strings.Repeat("x", MaxLine+10)},
		{"in a quoted record", ReadOptions{Name: "f", Format: CSV}, "signal_type,signal\nmd5,\"" + md5A + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, bad, err := Read(&failingReader{tt.data, broken}, tt.opt)
			if !errors.Is(err, broken) || !strings.Contains(err.Error(), "hashlist: read f: ") {
				t.Fatalf("err = %v, want a read error wrapping %v", err, broken)
			}
			if got != nil || bad != nil {
				t.Errorf("got %d records and %d bad lines with an I/O error, want none", len(got), len(bad))
			}
		})
	}
}

func TestReaderStreams(t *testing.T) {
	in := "signal_type,signal\nmd5," + md5A + "\nmd5,bad\nmd5," + md5A + "\n"
	rd, err := NewReader(strings.NewReader(in), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rd.Format() != CSV {
		t.Errorf("Format() = %q, want csv", rd.Format())
	}
	var got []string
	for {
		r, err := rd.Next()
		if err == io.EOF {
			break
		}
		var le *LineError
		if errors.As(err, &le) {
			got = append(got, "bad "+le.Error())
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r.Signal.String())
	}
	want := []string{"md5:" + md5A, `bad line 3: signal: md5: "bad" has 3 characters, want 32 hex digits`, "md5:" + md5A}
	if !slices.Equal(got, want) {
		t.Errorf("Next gave %q, want %q", got, want)
	}
}

func TestReaderErrorIsSticky(t *testing.T) {
	rd, err := NewReader(strings.NewReader("id,note\n1,2\n"), ReadOptions{Format: CSV})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		_, err := rd.Next()
		var he *HeaderError
		if !errors.As(err, &he) || he.Line != 1 {
			t.Fatalf("call %d: err = %v, want a *HeaderError for line 1", i+1, err)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range Formats() {
		t.Run(string(f), func(t *testing.T) {
			got, err := ParseFormat(" " + strings.ToUpper(string(f)))
			if err != nil || got != f {
				t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
			}
		})
	}
	if _, err := ParseFormat(""); err == nil {
		t.Error("ParseFormat(\"\") succeeded")
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"  padded\t", "padded"},
		{"line\r\nbreak", "line  break"},
		{"caf\xc3\xa9", "café"},
		{"bad \xff utf8", "bad \ufffd utf8"},
		{"nel\u0085x", "nel x"},
		{"\u00a0nbsp\u00a0", "nbsp"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := cleanText(tt.in); got != tt.want {
				t.Errorf("cleanText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
