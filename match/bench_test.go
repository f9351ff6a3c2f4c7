package match_test

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/pdq"
	"github.com/vigilproject/vigil/signal"
)

// BenchmarkMatch measures Match over a bank of 100,000 random PDQ hashes and one of 100,000 MD5s,
// with an allow bank, from all cores; most queries miss, as most uploads do.
func BenchmarkMatch(b *testing.B) {
	const n = 100_000
	m, _, _ := newMatcher(b)
	createBanks(b, m, bank{name: "pdq"}, bank{name: "md5"}, bank{name: "allow", kind: match.Allow})
	rng := rand.New(rand.NewPCG(11, 11))
	pdqEntries := make([]match.Entry, n)
	md5Entries := make([]match.Entry, n)
	for i := range n {
		pdqEntries[i] = pdqEntry(randomHash(rng), "")
		md5Entries[i] = match.Entry{Signal: signal.Signal{Type: signal.MD5, Value: hexOf(rng.Uint64(), 32)}}
	}
	add(b, m, "pdq", pdqEntries...)
	add(b, m, "md5", md5Entries...)
	allowEntries := make([]match.Entry, 100)
	for i := range allowEntries {
		allowEntries[i] = match.Entry{Signal: pdqEntries[i].Signal}
	}
	add(b, m, "allow", allowEntries...)
	queries := make([]match.Query, 1024)
	for i := range queries {
		h := randomHash(rng)
		if i%16 == 0 {
			h, _ = pdq.Parse(pdqEntries[rng.IntN(n)].Signal.Value)
			h = flip(rng, h, rng.IntN(32))
		}
		queries[i] = match.Query{Quality: 90, Signals: []signal.Signal{pdqSignal(h), md5Entries[rng.IntN(n)].Signal}}
	}
	dihedral := make([]match.Query, len(queries))
	for i, q := range queries {
		dihedral[i] = match.Query{Quality: 90}
		for range 8 {
			dihedral[i].Dihedral = append(dihedral[i].Dihedral, flip(rng, randomHash(rng), 0))
		}
		dihedral[i].Dihedral[3], _ = pdq.Parse(q.Signals[0].Value)
	}
	for _, bc := range []struct {
		name    string
		queries []match.Query
	}{{"pdq+md5", queries}, {"dihedral", dihedral}} {
		b.Run(bc.name, func(b *testing.B) {
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					m.Match(bc.queries[i%len(bc.queries)], match.MatchOptions{})
					i++
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "queries/s")
		})
	}
}

// BenchmarkStart measures getting a Matcher of a bank of 200,000 PDQ hashes with supplier ids
// and categories, as "vigil match" does at start: by indexing the store's entries, and by
// loading a snapshot.
func BenchmarkStart(b *testing.B) {
	const n = 200_000
	m, s, clock := newMatcher(b)
	createBanks(b, m, bank{name: "pdq"})
	rng := rand.New(rand.NewPCG(12, 12))
	entries := make([]match.Entry, n)
	for i := range entries {
		entries[i] = pdqEntry(randomHash(rng), strconv.Itoa(i))
		entries[i].Category = []string{"A1", "A2", "B1", "B2"}[i%4]
	}
	add(b, m, "pdq", entries...)
	var snap bytes.Buffer
	if err := m.WriteSnapshot(&snap); err != nil {
		b.Fatal(err)
	}
	b.Run("index", func(b *testing.B) {
		for b.Loop() {
			if _, err := match.NewMatcher(context.Background(), s, clock.Now); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "entries/s")
	})
	b.Run("snapshot", func(b *testing.B) {
		for b.Loop() {
			if _, err := match.LoadMatcher(context.Background(), s, bytes.NewReader(snap.Bytes()), clock.Now); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "entries/s")
	})
	b.Run("write", func(b *testing.B) {
		for b.Loop() {
			if err := m.WriteSnapshot(io.Discard); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "entries/s")
	})
}
