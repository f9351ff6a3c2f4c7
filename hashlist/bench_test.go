package hashlist

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/vigilproject/vigil/signal"
)

// benchRecords makes n distinct PDQ records with short metadata, like a supplier's list.
func benchRecords(n int) []Record {
	rng := rand.New(rand.NewPCG(3, 4))
	records := make([]Record, n)
	for i := range records {
		value := fmt.Sprintf("%016x%016x%016x%016x", rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64())
		records[i] = Record{Signal: signal.Signal{Type: signal.PDQ, Value: value}, ID: fmt.Sprint(i), Category: "A1"}
	}
	return records
}

// BenchmarkRead reads 100,000 records in each format and reports records per second.
func BenchmarkRead(b *testing.B) {
	records := benchRecords(100_000)
	for _, f := range Formats() {
		var buf bytes.Buffer
		if err := Write(&buf, f, records); err != nil {
			b.Fatal(err)
		}
		b.Run(string(f), func(b *testing.B) {
			b.SetBytes(int64(buf.Len()))
			for b.Loop() {
				got, bad, err := Read(bytes.NewReader(buf.Bytes()), ReadOptions{Type: signal.PDQ})
				if err != nil || len(bad) > 0 || len(got) != len(records) {
					b.Fatalf("read %d records, %d bad, err %v", len(got), len(bad), err)
				}
			}
			b.ReportMetric(float64(len(records))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkWrite writes 100,000 records in each format and reports records per second.
func BenchmarkWrite(b *testing.B) {
	records := benchRecords(100_000)
	for _, f := range Formats() {
		b.Run(string(f), func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := Write(&buf, f, records); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(records))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		})
	}
}
