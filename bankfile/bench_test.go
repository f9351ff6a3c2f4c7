package bankfile

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

// benchEntries returns n PDQ entries with supplier ids and categories, as a list import makes.
func benchEntries(n, offset int) []match.Entry {
	entries := make([]match.Entry, n)
	for i := range entries {
		value := hex32(offset+i) + hex32(offset+i)
		entries[i] = match.Entry{Signal: signal.Signal{Type: signal.PDQ, Value: value},
			SupplierID: fmt.Sprintf("sup-%d", offset+i), Category: "B1"}
	}
	return entries
}

// BenchmarkEntries measures loading a bank of 100,000 entries, as a Matcher does at start.
func BenchmarkEntries(b *testing.B) {
	const n = 100_000
	s := openTemp(b)
	createBank(b, s, "a", match.Known)
	addEntries(b, s, "a", n, benchEntries(n, 0)...)
	start := time.Now()
	for b.Loop() {
		if _, err := s.Entries(context.Background(), "a"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "entries/s")
}

// BenchmarkAddEntries measures importing 10,000 new entries into a bank of 100,000, and
// re-importing them, which changes nothing.
func BenchmarkAddEntries(b *testing.B) {
	const n, batch = 100_000, 10_000
	for _, again := range []bool{false, true} {
		b.Run(map[bool]string{false: "new", true: "again"}[again], func(b *testing.B) {
			s := openTemp(b)
			createBank(b, s, "a", match.Known)
			addEntries(b, s, "a", n, benchEntries(n, 0)...)
			round := 0
			start := time.Now()
			for b.Loop() {
				offset := n + round*batch
				if again {
					offset = 0
				}
				if _, err := s.AddEntries(context.Background(), "a", benchEntries(batch, offset)); err != nil {
					b.Fatal(err)
				}
				round++
			}
			b.ReportMetric(float64(batch*b.N)/time.Since(start).Seconds(), "entries/s")
		})
	}
}

// BenchmarkImportEntries measures streaming 100,000 new entries into a bank of 100,000, as
// "vigil bank import" does with a large list.
func BenchmarkImportEntries(b *testing.B) {
	const n = 100_000
	s := openTemp(b)
	createBank(b, s, "a", match.Known)
	addEntries(b, s, "a", n, benchEntries(n, 0)...)
	round := 0
	start := time.Now()
	for b.Loop() {
		round++
		entries := benchEntries(n, n*round)
		next := func() (match.Entry, error) {
			if len(entries) == 0 {
				return match.Entry{}, io.EOF
			}
			e := entries[0]
			entries = entries[1:]
			return e, nil
		}
		if added, _, err := s.ImportEntries(context.Background(), "a", next); err != nil || added != n {
			b.Fatalf("ImportEntries = %d, %v; want %d", added, err, n)
		}
		b.StopTimer()
		if err := s.DeleteBank(context.Background(), "a"); err != nil {
			b.Fatal(err)
		}
		createBank(b, s, "a", match.Known)
		addEntries(b, s, "a", n, benchEntries(n, 0)...)
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "entries/s")
}
