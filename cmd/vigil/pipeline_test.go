package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"
)

// numberedItems yields n items whose paths are their numbers, counting in pulled how
// many have been taken from the sequence.
func numberedItems(n int, pulled *atomic.Int64) func(func(item) bool) {
	return func(yield func(item) bool) {
		for i := range n {
			pulled.Add(1)
			if !yield(item{path: fmt.Sprint(i)}) {
				return
			}
		}
	}
}

func TestProcessKeepsOrderInABoundedWindow(t *testing.T) {
	t.Parallel()
	for _, workers := range []int{1, 3, 8} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			t.Parallel()
			const n = 300
			var pulled atomic.Int64
			hash := func(it item) outcome {
				// Uneven work so that items finish out of order.
				time.Sleep(time.Duration(rand.IntN(200)) * time.Microsecond)
				return outcome{err: errors.New(it.path)}
			}
			emitted, maxAhead := 0, int64(0)
			err := process(numberedItems(n, &pulled), workers, hash, func(it item, o outcome) error {
				if it.path != fmt.Sprint(emitted) || o.err.Error() != it.path {
					return fmt.Errorf("emitted item %s with outcome %v at position %d", it.path, o.err, emitted)
				}
				emitted++
				maxAhead = max(maxAhead, pulled.Load()-int64(emitted))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if emitted != n {
				t.Errorf("emitted %d items, want %d", emitted, n)
			}
			// The window, plus the one item emit waits for and the one the producer holds.
			if limit := int64(reorderWindow(workers) + 2); maxAhead > limit {
				t.Errorf("up to %d items pulled ahead of output, want at most %d", maxAhead, limit)
			}
		})
	}
}

func TestProcessStopsWhenEmitFails(t *testing.T) {
	t.Parallel()
	const workers, failAt = 2, 5
	var pulled atomic.Int64
	errWrite := errors.New("disk full")
	emitted := 0
	err := process(numberedItems(100_000, &pulled), workers, func(item) outcome { return outcome{} },
		func(item, outcome) error {
			emitted++
			if emitted == failAt {
				return errWrite
			}
			return nil
		})
	if !errors.Is(err, errWrite) {
		t.Errorf("process returned %v, want %v", err, errWrite)
	}
	if emitted != failAt {
		t.Errorf("emit called %d times, want %d", emitted, failAt)
	}
	if limit := int64(failAt + reorderWindow(workers) + 2); pulled.Load() > limit {
		t.Errorf("pulled %d items after emit failed, want at most %d", pulled.Load(), limit)
	}
}

func TestProcessReportsListingErrorsWithoutHashing(t *testing.T) {
	t.Parallel()
	listErr := errors.New("permission denied")
	items := func(yield func(item) bool) {
		_ = yield(item{path: "a"}) && yield(item{path: "b", err: listErr}) && yield(item{path: "c"})
	}
	var hashed []string
	var got []error
	err := process(items, 1, func(it item) outcome {
		hashed = append(hashed, it.path)
		return outcome{}
	}, func(_ item, o outcome) error {
		got = append(got, o.err)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(hashed) != "[a c]" || fmt.Sprint(got) != fmt.Sprint([]error{nil, listErr, nil}) {
		t.Errorf("hashed %v with outcomes %v, want [a c] and [<nil> %v <nil>]", hashed, got, listErr)
	}
}
