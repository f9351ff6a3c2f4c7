package hashlist

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/vigilproject/vigil/signal"
)

// FuzzRead reads arbitrary input in every mode and checks the invariants callers rely on: records are
// canonical and distinct, bad lines are in order, Strict returns nothing but the error, and whatever
// was read survives Write and Read unchanged.
func FuzzRead(f *testing.F) {
	seeds := []string{
		md5A + "\n" + md5B + "\n",
		"md5:" + md5A + "\nsha1:" + sha1A + "\n#c\n\nbad\n",
		"pdq " + pdqA + " note\nmd5 x\n",
		"signal_type,signal,id,category,note\nmd5," + md5A + ",\"a,\"\"b\",c,\"n\nx\"\nsha1,zz,,,\n",
		"hash\tid\n" + md5A + "\t1\n",
		`{"signal_type":"md5","hash":"` + md5A + `","id":3}` + "\n{\"signal\":null}\n[]\n",
		"\ufeffsignal,note\r\n" + md5A + ",\"unclosed\r\n",
	}
	for _, s := range seeds {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, in string, mode uint8) {
		opt := fuzzOptions(mode)
		records, bad, err := Read(strings.NewReader(in), opt)
		var le *LineError
		if errors.As(err, &le) && !opt.Strict {
			t.Fatalf("a bad line ended a non-strict read: %v", err)
		}
		if err != nil {
			if records != nil || bad != nil {
				t.Fatalf("error %v came with %d records and %d bad lines", err, len(records), len(bad))
			}
			return
		}
		checkRecords(t, records)
		for i, b := range bad {
			if b.Line < 1 || i > 0 && b.Line < bad[i-1].Line || b.Reason == "" {
				t.Fatalf("bad lines out of order or empty: %v", bad)
			}
		}
		for _, f := range Formats() {
			checkRoundTrip(t, f, records)
		}
	})
}

// fuzzOptions derives read options from one fuzzed byte: the low three bits pick the format (or
// detection), the next two the file's type, and the next one Strict.
func fuzzOptions(mode uint8) ReadOptions {
	formats := append([]Format{""}, Formats()...)
	types := []signal.Type{"", signal.MD5, signal.PDQ, signal.SHA1}
	return ReadOptions{
		Format: formats[int(mode&7)%len(formats)],
		Type:   types[mode>>3&3],
		Strict: mode&32 != 0,
		Name:   "fuzz",
	}
}

func checkRecords(t *testing.T, records []Record) {
	t.Helper()
	seen := map[signal.Signal]bool{}
	for _, r := range records {
		back, err := signal.Parse(string(r.Signal.Type), r.Signal.Value)
		if err != nil || back != r.Signal {
			t.Fatalf("record signal %v is not canonical (%v)", r.Signal, err)
		}
		if seen[r.Signal] {
			t.Fatalf("signal %v returned twice", r.Signal)
		}
		seen[r.Signal] = true
		for _, text := range []string{r.ID, r.Category, r.Note} {
			if cleanText(text) != text {
				t.Fatalf("text field %q is not clean", text)
			}
		}
	}
}

func checkRoundTrip(t *testing.T, f Format, records []Record) {
	t.Helper()
	want := records
	if f == Lines || f == TX {
		want = signalsOnly(records)
	}
	opt := ReadOptions{Format: f, Strict: true}
	if f == Lines && len(records) > 0 {
		opt.Type = records[0].Signal.Type
	}
	var buf bytes.Buffer
	if err := Write(&buf, f, records); err != nil {
		t.Fatalf("Write %s: %v", f, err)
	}
	got, _, err := Read(&buf, opt)
	if err != nil {
		t.Fatalf("reading back %s: %v", f, err)
	}
	if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
		t.Fatalf("%s round trip:\n got %+v\nwant %+v", f, got, want)
	}
}

// FuzzFlatObject checks that whenever flatObject reads a line, encoding/json (decodeJSON) reads
// the same fields from it.
func FuzzFlatObject(f *testing.F) {
	for _, s := range []string{
		`{"signal_type":"md5","hash":"` + md5A + `","id":3,"x":null}`,
		`{ "Signal" : "a" , "ID": -0.5e+3, "note": "é" }`,
		`{"signal":"a","SIGNAL":"b"}`,
		`{"signal":"a","signal":"a"}`,
		`{"id":01}`, `{"id":1.}`, `{"id":-}`, `{"note":"\u00e9"}`, `{"x":true}`, `{}` + " ", `{"a":1}x`,
		"{\"note\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		var values [numFields]string
		var given [numFields]bool
		if !flatObject(line, &values, &given) {
			return
		}
		wantValues, wantGiven, err := decodeJSON(line)
		if err != nil {
			t.Fatalf("flatObject read %q, encoding/json fails: %v", line, err)
		}
		if values != wantValues || given != wantGiven {
			t.Fatalf("flatObject(%q) = %q %v, encoding/json %q %v", line, values, given, wantValues, wantGiven)
		}
	})
}
