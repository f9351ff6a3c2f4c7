package bankfile

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// FuzzParseEntry checks that any line of an entries file either fails to parse with an error or
// parses to an entry that writes back to a line parsing to the same entry.
func FuzzParseEntry(f *testing.F) {
	f.Add([]byte(`{"id":1,"type":"md5","value":"` + hex32(7) + `","supplier_id":"x","category":"A1","note":"n","added":"2025-01-02T03:04:05.678Z"}`))
	f.Add([]byte(`{"id":4294967295,"type":"pdq","value":"` + hex32(1) + hex32(2) + `","disabled_until":"2030-01-01T00:00:00Z"}`))
	f.Add([]byte(`{"id":0,"type":"sha1","value":"da39a3ee5e6b4b0d3255bfef95601890afd80709"}`))
	f.Add([]byte(`{"id":2,"type":"MD5","value":"D41D8CD98F00B204E9800998ECF8427E"}`))
	f.Add([]byte(`{"id":-1}`))
	f.Add([]byte(`{"id":3,"type":"sha256","value":"` + hex32(3) + hex32(4) + `","note":"\u00e9\n\"<>"}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		e, err := parseEntry(line, "bank")
		if err != nil {
			return
		}
		written, err := appendEntry(nil, e)
		if err != nil {
			t.Fatalf("appendEntry(%+v): %v", e, err)
		}
		if bytes.Count(written, []byte{'\n'}) != 1 {
			t.Fatalf("appendEntry wrote %q, want exactly one line", written)
		}
		again, err := parseEntry(bytes.TrimSuffix(written, []byte{'\n'}), "bank")
		if err != nil {
			t.Fatalf("parsing the written line %q: %v", written, err)
		}
		if !again.Added.Equal(e.Added) || !again.DisabledUntil.Equal(e.DisabledUntil) {
			t.Fatalf("times changed in a round trip: %+v -> %+v", e, again)
		}
		again.Added, again.DisabledUntil = e.Added, e.DisabledUntil
		if again != e {
			t.Fatalf("round trip changed the entry: %+v -> %+v", e, again)
		}
	})
}

// FuzzDecodeLine checks that decodeLine, whose fast path reads lines as writeEntry writes them,
// decodes every input exactly as encoding/json does: the same error or the same fields.
func FuzzDecodeLine(f *testing.F) {
	f.Add([]byte(`{"id":1,"type":"md5","value":"` + hex32(7) + `","supplier_id":"x","category":"A1","note":"n","added":"2025-01-02T03:04:05.678Z"}`))
	f.Add([]byte(`{"id":4294967295,"type":"pdq","value":"v","disabled_until":"2030-01-01T00:00:00+02:00"}`))
	f.Add([]byte(`{"id":4294967296}`))
	f.Add([]byte(`{"id":01}`))
	f.Add([]byte(`{"id":1.0,"ID":2}`))
	f.Add([]byte(`{"Id":3,"value":"a","value":"b"}`))
	f.Add([]byte(`{"note":"\u00e9\n","added":"2025-13-01T00:00:00Z"}`))
	f.Add([]byte(`{"note":"` + "\xff" + `"}`))
	f.Add([]byte(`{"category":null} `))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		var got, want entryLine
		gotErr := decodeLine(line, &got)
		wantErr := json.Unmarshal(line, &want)
		if (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("decodeLine(%q) error %v, encoding/json error %v", line, gotErr, wantErr)
		}
		if gotErr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("decodeLine(%q) = %+v, encoding/json gives %+v", line, got, want)
		}
	})
}

// FuzzAppendEntry checks that appendEntry writes what encoding/json writes for the entry's
// entryLine, up to the escaping of strings: both decode to the same entryLine.
func FuzzAppendEntry(f *testing.F) {
	f.Add(uint32(1), "md5", hex32(7), "x", "A1", "", int64(0), int64(1735787045678))
	f.Add(uint32(4294967295), "pdq", "v", "<&>", "\u2028", "line\nbreak \"quoted\" \\", int64(1893456000000), int64(0))
	f.Add(uint32(0), "", "", "\xff\xfe", "\x00", "é", int64(-62135596800001), int64(253402300800000))
	f.Fuzz(func(t *testing.T, id uint32, typ, value, supplier, category, note string, disabled, added int64) {
		e := match.Entry{ID: id, Signal: signal.Signal{Type: signal.Type(typ), Value: value}, SupplierID: supplier,
			Category: category, Note: note}
		if disabled != 0 {
			e.DisabledUntil = time.UnixMilli(disabled).UTC()
		}
		if added != 0 {
			e.Added = time.UnixMilli(added).In(time.FixedZone("", 3600))
		}
		got, gotErr := appendEntry(nil, e)
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		wantErr := enc.Encode(entryLine{ID: e.ID, Type: e.Signal.Type, Value: e.Signal.Value, SupplierID: e.SupplierID,
			Category: e.Category, Note: e.Note, DisabledUntil: e.DisabledUntil, Added: e.Added})
		if (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("appendEntry error %v, encoding/json error %v", gotErr, wantErr)
		}
		if gotErr != nil {
			return
		}
		var gotLine, wantLine entryLine
		if err := json.Unmarshal(got, &gotLine); err != nil {
			t.Fatalf("appendEntry wrote %q, which does not decode: %v", got, err)
		}
		if err := json.Unmarshal(want.Bytes(), &wantLine); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(gotLine, wantLine) {
			t.Fatalf("appendEntry wrote %q, encoding/json %q", got, want.Bytes())
		}
	})
}
