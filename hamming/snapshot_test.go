package hamming

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// sameResults checks that two indexes answer the dataset's queries identically.
func sameResults(t *testing.T, want, got *Index, d *dataset) {
	t.Helper()
	if want.Len() != got.Len() {
		t.Fatalf("Len %d, want %d", got.Len(), want.Len())
	}
	ws, gs := want.Searcher(), got.Searcher()
	for i := range min(len(d.queries), 200) {
		for _, r := range []int{0, 31, 70} {
			w := ws.Search(nil, r, d.queries[i])
			g := gs.Search(nil, r, d.queries[i])
			if !slices.Equal(w, g) {
				t.Fatalf("query %d radius %d: got %v, want %v", i, r, g, w)
			}
		}
	}
}

// mixedIndex builds an index with several segments, a delta and removals.
func mixedIndex(t *testing.T, d *dataset) *Index {
	t.Helper()
	ix := New()
	half := len(d.ids) / 2
	if err := ix.Add(d.ids[:half], d.codes[:half]); err != nil {
		t.Fatal(err)
	}
	for i := half; i < len(d.ids); i += 1000 {
		end := min(i+1000, len(d.ids))
		if err := ix.Add(d.ids[i:end], d.codes[i:end]); err != nil {
			t.Fatal(err)
		}
	}
	ix.Remove([]uint32{1, 5, 7, uint32(len(d.ids) - 3)})
	return ix
}

func TestSnapshotRoundTrip(t *testing.T) {
	d := makeDataset(30_000, false, 7)
	cases := []struct {
		name string
		ix   *Index
	}{
		{"empty", New()},
		{"one segment", newTestIndex(t, d)},
		{"segments, delta and removals", mixedIndex(t, d)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			n, err := tc.ix.WriteTo(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if n != int64(buf.Len()) {
				t.Errorf("WriteTo reported %d bytes, wrote %d", n, buf.Len())
			}
			got, err := ReadIndex(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			sameResults(t, tc.ix, got, d)

			path := filepath.Join(t.TempDir(), "index.snap")
			if err := tc.ix.Save(path); err != nil {
				t.Fatal(err)
			}
			loaded, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			sameResults(t, tc.ix, loaded, d)
		})
	}
}

func TestSaveReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "index.snap")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := New().Save(path); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("directory holds %d files after Save, want only the snapshot", len(entries))
	}
	if _, err := Load(path); err != nil {
		t.Fatal(err)
	}
	if err := New().Save(filepath.Join(dir, "missing", "index.snap")); err == nil {
		t.Error("Save into a missing directory succeeded")
	}
}

func TestReadIndexRejectsDamage(t *testing.T) {
	d := makeDataset(5_000, false, 3)
	var buf bytes.Buffer
	if _, err := newTestIndex(t, d).WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	flip := func(i int) []byte {
		b := slices.Clone(good)
		b[i] ^= 0x40
		return b
	}
	cases := []struct {
		name, data, want string
	}{
		{"empty", "", "truncated"},
		{"not a snapshot", "hello, world, this is not an index", "bad magic"},
		{"future version", string(append([]byte(snapshotMagic), 9, 0, 0, 0)) + strings.Repeat("\x00", 20), "version 9"},
		{"header checksum", string(flip(14)), "checksum mismatch in header"},
		{"segment header", string(flip(fileHeaderSize + 2)), "checksum mismatch in segment header"},
		{"codes", string(flip(len(good) / 3)), "checksum mismatch"},
		{"truncated", string(good[:len(good)-10]), "truncated"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadIndex(strings.NewReader(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
	t.Run("trailing data", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "index.snap")
		if err := os.WriteFile(path, append(slices.Clone(good), 0), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "trailing data") {
			t.Errorf("got error %v, want trailing data", err)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		if _, err := Load(filepath.Join(t.TempDir(), "none")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("got error %v, want not exist", err)
		}
	})
}

func FuzzReadIndex(f *testing.F) {
	d := makeDataset(40, false, 1)
	small, err := buildSegmentWidths(len(d.ids), splitWidths(maxTables), func(ids []uint32, codes []Code) {
		copy(ids, d.ids)
		copy(codes, d.codes)
	})
	if err != nil {
		f.Fatal(err)
	}
	tables := New()
	tables.state.Store(&state{segments: []*segment{small}, delta: tables.deltaView()})
	tables.live.Store(int64(len(d.ids)))
	scanned := New()
	if err := scanned.Add(d.ids[:10], d.codes[:10]); err != nil {
		f.Fatal(err)
	}
	for _, ix := range []*Index{New(), scanned, tables} {
		var buf bytes.Buffer
		if _, err := ix.WriteTo(&buf); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ix, err := ReadIndex(bytes.NewReader(data))
		if err != nil {
			return
		}
		s := ix.Searcher()
		for _, r := range []int{0, 31, 64} {
			s.Search(nil, r, Code{}, Code{^uint64(0), 1, 2, 3})
		}
		var buf bytes.Buffer
		if _, err := ix.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
	})
}

// TestReadIndexChecksContent writes snapshots of deliberately broken segments, with valid
// checksums, and expects ReadIndex to refuse each with an error naming the problem.
func TestReadIndexChecksContent(t *testing.T) {
	cases := []struct {
		name   string
		damage func(s *segment)
		want   string
	}{
		{"ids not ascending", func(s *segment) { s.ids[3] = s.ids[2] }, "ids not ascending at position 3"},
		{"position out of range", func(s *segment) { s.tables[2].pos[0] = 0xff; s.tables[2].pos[1] = 0xff }, "table 2: position 0"},
		{"bucket starts fall", func(s *segment) { s.tables[1].rel[5] = 60000 }, "table 1: bucket"},
		{"tombstone beyond the end", func(s *segment) { s.dead.words[len(s.dead.words)-1] |= 1 << 63 }, "tombstones beyond the last entry"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := makeDataset(100, false, 4)
			s, err := buildSegmentWidths(len(d.ids), splitWidths(maxTables), func(ids []uint32, codes []Code) {
				copy(ids, d.ids)
				copy(codes, d.codes)
			})
			if err != nil {
				t.Fatal(err)
			}
			tc.damage(s)
			ix := New()
			ix.state.Store(&state{segments: []*segment{s}, delta: ix.deltaView()})
			var buf bytes.Buffer
			if _, err := ix.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			_, err = ReadIndex(&buf)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// segmentArrays lists a segment's arrays as bytes, in snapshot order.
func segmentArrays(s *segment) [][]byte {
	arrays := [][]byte{bytesOf(s.ids), bytesOf(s.codes), bytesOf(s.dead.words)}
	for t := range s.tables {
		tab := &s.tables[t]
		if tab.wide != nil {
			arrays = append(arrays, bytesOf(tab.wide))
		} else {
			arrays = append(arrays, bytesOf(tab.base), bytesOf(tab.rel))
		}
		arrays = append(arrays, tab.pos[:posBytes*len(s.ids)])
	}
	return arrays
}

// FuzzReadIndexContent damages a small segment's arrays at fuzzed places and writes it with
// valid checksums, so that the checks behind them are explored: ReadIndex must refuse what it
// cannot search safely, and what it accepts must search without failing. Each 3 bytes of damage
// are an offset into the arrays (2 bytes) and a value to XOR there.
func FuzzReadIndexContent(f *testing.F) {
	d := makeDataset(40, false, 2)
	f.Add(false, []byte{})
	f.Add(true, []byte{0, 0, 1})
	f.Add(false, []byte{0x10, 0x27, 0xff, 0x20, 0x4e, 0x80})
	f.Fuzz(func(t *testing.T, wide bool, damage []byte) {
		s, err := buildSegmentWidths(len(d.ids), splitWidths(maxTables), func(ids []uint32, codes []Code) {
			copy(ids, d.ids)
			copy(codes, d.codes)
		})
		if err != nil {
			t.Fatal(err)
		}
		if wide {
			widen(s)
		}
		arrays := bytes.Join(segmentArrays(s), nil)
		for ; len(damage) >= 3; damage = damage[3:] {
			arrays[(int(damage[0])|int(damage[1])<<8)%len(arrays)] ^= damage[2]
		}
		for _, array := range segmentArrays(s) {
			arrays = arrays[copy(array, arrays):]
		}
		s.dead.count.Store(int64(popcount(s.dead.words)))
		ix := New()
		ix.state.Store(&state{segments: []*segment{s}, delta: ix.deltaView()})
		var buf bytes.Buffer
		if _, err := ix.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		loaded, err := ReadIndex(&buf)
		if err != nil {
			return
		}
		searcher := loaded.Searcher()
		for _, r := range []int{0, 2, 31} {
			searcher.Search(nil, r, d.codes[0], Code{})
		}
		loaded.Remove([]uint32{d.ids[0], 0})
	})
}

// widen converts a segment's tables to plain 4-byte bucket starts.
func widen(s *segment) {
	for i := range s.tables {
		t := &s.tables[i]
		wide := make([]uint32, t.keys()+1)
		for k := range wide {
			wide[k] = t.start(uint32(k))
		}
		t.wide, t.base, t.rel = wide, nil, nil
	}
}
