package sqlite

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// FuzzSpool checks that a spool gives back the entries written to it, and that reading a damaged
// spool ends in an error, not a panic or a huge allocation.
func FuzzSpool(f *testing.F) {
	f.Add("pdq", "f0", "id-1", "A1", "a note", int64(1700000000000), int64(1), []byte{3, 'm', 'd', '5'})
	f.Add("md5", "", "", "", "", int64(0), int64(0), []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f})
	f.Fuzz(func(t *testing.T, typ, value, supplier, category, note string, disabled, added int64, damaged []byte) {
		dir := t.TempDir()
		sp, err := newSpool(filepath.Join(dir, "vigil.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer sp.close()
		want := match.Entry{Signal: signal.Signal{Type: signal.Type(typ), Value: value}, SupplierID: supplier,
			Category: category, Note: note, DisabledUntil: fromMS(disabled), Added: fromMS(added)}
		if err := sp.write(want); err != nil {
			t.Fatal(err)
		}
		if err := sp.rewind(); err != nil {
			t.Fatal(err)
		}
		got, err := sp.read()
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("read %+v, wrote %+v", got, want)
		}
		if _, err := sp.read(); !errors.Is(err, io.EOF) {
			t.Fatalf("after the only entry: %v, want io.EOF", err)
		}

		bad, err := newSpool(filepath.Join(dir, "vigil.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer bad.close()
		bad.w.Write(damaged)
		if err := bad.rewind(); err != nil {
			t.Fatal(err)
		}
		for range len(damaged) + 1 {
			if _, err := bad.read(); err != nil {
				return
			}
		}
		t.Fatalf("%d bytes read as more than %d entries", len(damaged), len(damaged))
	})
}

// TestSpoolRemovedAtOnce checks that the spool has no name in the directory while it is used.
func TestSpoolRemovedAtOnce(t *testing.T) {
	dir := t.TempDir()
	sp, err := newSpool(filepath.Join(dir, "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer sp.close()
	if names, err := os.ReadDir(dir); err != nil || len(names) != 0 {
		t.Errorf("directory holds %v (%v) while the spool is open, want nothing", names, err)
	}
}
