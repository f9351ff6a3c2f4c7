package sqlite

import (
	"context"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
)

// BenchmarkInsertContent measures what intake's fast path writes for each submission: an item
// with its verdict, its count and its audit event, 64 to a transaction as the pipeline's group
// commit gathers them.
func BenchmarkInsertContent(b *testing.B) {
	db, err := Open(context.Background(), b.TempDir()+"/vigil.db", vigil.SystemClock{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	store := NewContentStore(db)
	ctx := context.Background()
	if err := store.Prepare(ctx); err != nil {
		b.Fatal(err)
	}
	now := db.Clock.Now()
	b.ReportAllocs()
	cpuStart := cpuTime(b)
	n := 0
	for b.Loop() {
		err := db.Update(ctx, func(tx *Tx) error {
			for range 64 {
				n++
				c := vigil.Content{ID: vigil.NewID(vigil.PrefixContent, now), Service: "photos", ExternalID: strconv.Itoa(n),
					Type: vigil.ContentPhoto, Received: now, Verdict: vigil.Verdict{Status: vigil.VerdictNoMatch, Decided: now}}
				if _, _, _, err := store.InsertContent(tx, c, "", nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	// The CPU time, not the elapsed time: other work on a shared machine changes the latter.
	b.ReportMetric(float64((cpuTime(b)-cpuStart).Microseconds())/float64(n), "cpu-µs/item")
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
