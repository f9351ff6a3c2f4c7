package pipeline

import "sync"

// tracker counts work in flight and tells Stop when none is left. Unlike a sync.WaitGroup it
// allows new work to start while someone waits, as submissions may during a drain.
type tracker struct {
	mu   sync.Mutex
	n    int
	idle chan struct{} // closed when n reaches 0, if someone waits
}

func (t *tracker) Add(n int) {
	t.mu.Lock()
	t.n += n
	t.mu.Unlock()
}

func (t *tracker) Done() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n--
	if t.n == 0 && t.idle != nil {
		close(t.idle)
		t.idle = nil
	}
}

// idleChan returns a channel closed once no work is in flight.
func (t *tracker) idleChan() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	ch := make(chan struct{})
	if t.n == 0 {
		close(ch)
	} else {
		t.idle = ch
	}
	return ch
}
