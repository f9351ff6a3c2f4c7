package match_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// FuzzMatch matches arbitrary, possibly malformed, queries and options against a fixed set of
// banks and checks the result against the reference.
func FuzzMatch(f *testing.F) {
	m, s, clock := newMatcher(f)
	rng := rand.New(rand.NewPCG(10, 10))
	c := fillRandom(f, m, rng, 4, 60)
	f.Add("pdq", c.centres[0].String(), 50, 0, "", uint64(0))
	f.Add("md5", c.exact[0].Value, -1, 20, "bank1", uint64(3))
	f.Add(string(c.exact[1].Type), c.exact[1].Value, 100, 64, "bank2", uint64(7))
	f.Add("pdq", "ZZ", -5, -3, "nope", uint64(1))
	f.Add("PDQ", c.centres[1].String(), 0, 1000, "bank0", uint64(2))
	f.Fuzz(func(t *testing.T, typ, value string, quality, threshold int, bankName string, seed uint64) {
		q := match.Query{Signals: []signal.Signal{{Type: signal.Type(typ), Value: value}}, Quality: quality}
		if seed%2 == 1 {
			r := rand.New(rand.NewPCG(seed, seed))
			for range 8 {
				q.Dihedral = append(q.Dihedral, flip(r, c.centres[r.IntN(len(c.centres))], r.IntN(40)))
			}
		}
		opt := match.MatchOptions{Threshold: threshold}
		if bankName != "" {
			opt.Banks = []string{bankName}
		}
		got := m.Match(q, opt)
		// Match skips the signals that Validate rejects; the reference is given only the others.
		if (match.Query{Signals: q.Signals, Quality: -1}).Validate() != nil {
			q.Signals = nil
		}
		if opt.Threshold < 0 {
			opt.Threshold = 0
		}
		if want := referenceMatch(t, s, q, opt, clock.Now()); !reflect.DeepEqual(got, want) {
			t.Fatalf("query %+v, options %+v:\ngot  %+v\nwant %+v", q, opt, got, want)
		}
	})
}

// FuzzLoadMatcher loads arbitrary snapshots: each must load or fail with an error, never panic,
// and one that loads must match and write a snapshot again. With fix set, the checksums of the
// header, text and rows are recomputed first, so that the fuzzer reaches the checks behind them.
func FuzzLoadMatcher(f *testing.F) {
	s, clock, data := snapshotFixture(f)
	f.Add(data, false)
	f.Add(data, true)
	f.Add(data[:len(data)/2], true)
	for _, at := range []int{20, 33, 45, len(data) / 3, len(data) / 2} {
		b := bytes.Clone(data)
		b[at] ^= 0x41
		f.Add(b, true)
	}
	rng := rand.New(rand.NewPCG(8, 8))
	var queries []match.Query
	for range 20 {
		queries = append(queries, query(randomHash(rng)))
	}
	f.Fuzz(func(t *testing.T, data []byte, fix bool) {
		if fix {
			data = fixChecksums(data)
		}
		m, err := match.LoadMatcher(context.Background(), s, bytes.NewReader(data), clock.Now)
		if err != nil {
			return
		}
		for _, q := range queries {
			m.Match(q, match.MatchOptions{Threshold: 64})
		}
		if err := m.WriteSnapshot(io.Discard); err != nil {
			t.Fatalf("a loaded Matcher cannot write a snapshot: %v", err)
		}
	})
}

// fixChecksums returns data with the CRC-32C of each section before the index recomputed, as far
// as data holds the sections its header describes.
func fixChecksums(data []byte) []byte {
	data = bytes.Clone(data)
	le := binary.LittleEndian
	const headerSize = 40
	if len(data) < headerSize {
		return data
	}
	names := int(le.Uint32(data[20:])) + int(le.Uint32(data[24:]))
	rows, text := uint64(le.Uint32(data[28:])), le.Uint64(data[32:])
	end := uint64(headerSize)
	for range min(names, 1<<17) {
		if end >= uint64(len(data)) {
			return data
		}
		end += 1 + uint64(data[end])
	}
	start := uint64(0)
	for _, size := range []uint64{end, text, rows * 64} {
		if start+size+4 > uint64(len(data)) || size > 1<<32 {
			return data
		}
		sum := crc32.Checksum(data[start:start+size], crc32.MakeTable(crc32.Castagnoli))
		le.PutUint32(data[start+size:], sum)
		start += size + 4
	}
	return data
}
