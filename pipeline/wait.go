package pipeline

import (
	"context"
	"sync"

	"github.com/vigilproject/vigil"
)

// waiters lets callers of Wait sleep until an item's verdict commits. The worker that commits a
// verdict hands the final item to its waiter, so a waiting request needs no database read.
type waiters struct {
	mu sync.Mutex
	m  map[string]*waiter
}

type waiter struct {
	done    chan struct{}
	content vigil.Content // set before done is closed
	users   int           // Wait calls holding it
	// live marks an item this process is scanning: its verdict will be finished here, so Wait
	// need not read the database.
	live bool
}

// hold returns the waiter of id, creating it, and counts the caller as a user when wait is set.
// Intake and the resume loader hold an item with live set as they queue it.
func (w *waiters) hold(id string, wait, live bool) *waiter {
	w.mu.Lock()
	defer w.mu.Unlock()
	x, ok := w.m[id]
	if !ok {
		x = &waiter{done: make(chan struct{})}
		w.m[id] = x
	}
	if wait {
		x.users++
	}
	x.live = x.live || live
	return x
}

// drop ends a Wait's use of x, forgetting it when no one else waits and it was never finished.
func (w *waiters) drop(id string, x *waiter) {
	w.mu.Lock()
	defer w.mu.Unlock()
	x.users--
	if x.users == 0 && !x.live && w.m[id] == x {
		select {
		case <-x.done:
		default:
			delete(w.m, id)
		}
	}
}

// finish hands c, whose verdict has just committed, to its waiters. It must run after the
// commit: a Wait that registers later reads the verdict from the database instead.
func (w *waiters) finish(c vigil.Content) {
	w.mu.Lock()
	x, ok := w.m[c.ID]
	delete(w.m, c.ID)
	w.mu.Unlock()
	if ok {
		x.content = c
		close(x.done)
	}
}

// isLive reads x.live under the lock that guards it.
func (x *waiter) isLive(w *waiters) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return x.live
}

// Content returns an item and its verdict so far.
func (p *Pipeline) Content(ctx context.Context, id string) (vigil.Content, error) {
	return p.store.Content(ctx, id)
}

// Wait returns the item once it has a verdict, or as it stands when ctx ends.
func (p *Pipeline) Wait(ctx context.Context, id string) (vigil.Content, error) {
	x := p.waiters.hold(id, true, false)
	defer p.waiters.drop(id, x)
	var c vigil.Content
	select {
	case <-x.done:
		return x.content, nil
	default:
		if !x.isLive(&p.waiters) {
			var err error
			c, err = p.store.Content(ctx, id)
			if err != nil || c.Verdict.Status != vigil.VerdictPending {
				return c, err
			}
		}
	}
	select {
	case <-x.done:
		return x.content, nil
	case <-ctx.Done():
		if c.ID == "" { // live: not read yet
			return p.store.Content(context.WithoutCancel(ctx), id)
		}
		return c, nil
	}
}
