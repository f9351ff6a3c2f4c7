package main

import (
	"iter"
	"sync"
	"time"

	"github.com/vigilproject/vigil/hasher"
)

// outcome is the result of hashing one item: a result or an error.
type outcome struct {
	res     *hasher.Result
	err     error
	elapsed time.Duration // wall time of the hashing, when the caller measures it
}

// job is an item on its way through process; done receives its outcome exactly once.
type job struct {
	item
	done chan outcome
}

// reorderWindow is how many items process keeps in flight for the given number of
// workers: enough that a slow item does not starve the other workers, small enough that
// memory stays bounded on any number of items.
func reorderWindow(workers int) int {
	return 4 * workers
}

// process hashes every item of items with hash, on workers goroutines, and calls emit
// for each outcome in the order of items. An item that carries an error is not hashed:
// its outcome is that error. Items are pulled from the sequence only as
// the window of reorderWindow(workers) in-flight items drains, so results never pile
// up behind a slow one. If emit fails, process stops pulling items, waits for the
// workers and returns emit's error.
func process(items iter.Seq[item], workers int, hash func(item) outcome, emit func(item, outcome) error) error {
	jobs := make(chan job)
	pending := make(chan job, reorderWindow(workers)) // the same jobs, in order, for emit
	stop := make(chan struct{})

	go func() {
		defer close(jobs)
		defer close(pending)
		for it := range items {
			j := job{item: it, done: make(chan outcome, 1)}
			select {
			case pending <- j:
			case <-stop:
				return
			}
			select {
			case jobs <- j:
			case <-stop:
				return
			}
		}
	}()

	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				if j.err != nil {
					j.done <- outcome{err: j.err}
					continue
				}
				j.done <- hash(j.item)
			}
		})
	}

	var err error
	for j := range pending {
		if err = emit(j.item, <-j.done); err != nil {
			close(stop)
			break
		}
	}
	wg.Wait()
	return err
}
