package pipeline

import (
	"context"
	"time"
)

// resumePage is how many unfinished jobs the loader reads at a time.
const resumePage = 32

// resume queues the jobs a previous run accepted but did not finish, those up to row last;
// newer rows are this run's own, queued by intake. It takes queue slots like intake, so it
// shares the queue fairly with new submissions.
func (p *Pipeline) resume(last int64) {
	defer p.wg.Done()
	ctx, cancel := p.untilStop()
	defer cancel()
	after := int64(0)
	for {
		jobs, err := p.store.Jobs(ctx, after, last, resumePage)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			p.log.Error("pipeline: resume: cannot read jobs, retrying", "err", err)
			select {
			case <-time.After(time.Second):
				continue
			case <-p.quit:
				return
			}
		}
		if len(jobs) == 0 {
			p.log.Info("pipeline: resumed unfinished jobs", "up_to_row", last)
			return
		}
		for _, j := range jobs {
			if err := p.acquire(ctx, nil); err != nil {
				return
			}
			p.inflight.Add(1)
			p.waiters.hold(j.Content.ID, false, true)
			p.work <- &item{row: j.Row, content: j.Content, kind: j.Kind, payload: j.Payload}
			after = j.Row
		}
	}
}

// untilStop returns a context that ends when Stop is called, so that work in flight against the
// store or the network is abandoned then; cancel releases it sooner and must be called.
func (p *Pipeline) untilStop() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		select {
		case <-p.quit:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}
