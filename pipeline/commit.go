package pipeline

import (
	"context"

	"github.com/vigilproject/vigil/sqlite"
)

// maxBatch bounds the operations committed in one transaction, so one commit never holds the
// database's single writer for long.
const maxBatch = 256

// op is one write of the pipeline: fn runs inside a transaction shared with other ops, and
// after runs once that transaction has committed (err nil) or failed. fn may run twice, when
// its batch fails and it is retried alone, so it must not accumulate state across runs.
type op struct {
	fn    func(tx *sqlite.Tx) error
	after func(err error)
}

// commit runs until p.ops is closed, committing whatever ops have queued up in one
// transaction: while one batch waits for its fsync the next one gathers, so the batch size
// follows the load with no added delay.
func (p *Pipeline) commit() {
	defer p.commitWG.Done()
	ctx := context.Background()
	batch := make([]*op, 0, maxBatch)
	for first := range p.ops {
		batch = append(batch[:0], first)
	gather:
		for len(batch) < maxBatch {
			select {
			case o, ok := <-p.ops:
				if !ok {
					break gather
				}
				batch = append(batch, o)
			default:
				break gather
			}
		}
		p.metrics.batchSize.Observe(float64(len(batch)))
		err := p.db.Update(ctx, func(tx *sqlite.Tx) error {
			for _, o := range batch {
				if err := o.fn(tx); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil && len(batch) > 1 {
			// One op spoiled the batch: commit each alone so the others still go through.
			for _, o := range batch {
				o.after(p.db.Update(ctx, o.fn))
			}
			continue
		}
		for _, o := range batch {
			o.after(err)
		}
	}
}

// send queues o for the committer, or reports false once Stop has closed the queue.
func (p *Pipeline) send(o *op) bool {
	p.opsMu.RLock()
	defer p.opsMu.RUnlock()
	if p.opsClosed {
		return false
	}
	p.ops <- o
	return true
}

// closeOps closes the committer's queue; the committer commits what is queued and ends.
func (p *Pipeline) closeOps() {
	p.opsMu.Lock()
	defer p.opsMu.Unlock()
	p.opsClosed = true
	close(p.ops)
}

// write queues fn for the committer and waits for its commit.
func (p *Pipeline) write(fn func(tx *sqlite.Tx) error) error {
	done := make(chan error, 1)
	if !p.send(&op{fn: fn, after: func(err error) { done <- err }}) {
		return errStopping
	}
	return <-done
}
