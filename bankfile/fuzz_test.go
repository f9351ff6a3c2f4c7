package bankfile

import (
	"bytes"
	"testing"
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
		var buf bytes.Buffer
		if err := writeEntry(&buf, e); err != nil {
			t.Fatalf("writeEntry(%+v): %v", e, err)
		}
		if bytes.Count(buf.Bytes(), []byte{'\n'}) != 1 {
			t.Fatalf("writeEntry wrote %q, want exactly one line", buf.Bytes())
		}
		again, err := parseEntry(bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), "bank")
		if err != nil {
			t.Fatalf("parsing the written line %q: %v", buf.Bytes(), err)
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
