package pipeline

import (
	"strings"
	"sync"
	"testing"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/hasher"
)

// hashSpy is a hasher that records what reaches it and can hold the pipeline's hashing slot: an
// item whose bytes start with "hold" blocks in the hasher until released, so that the items
// submitted meanwhile wait in the queue (with Config.Workers 1).
type hashSpy struct {
	mu      sync.Mutex
	seen    map[string]bool
	held    chan struct{} // receives when a holding item is in the hasher
	release chan struct{} // a holding item leaves the hasher on a receive
}

func newHashSpy() *hashSpy {
	return &hashSpy{seen: map[string]bool{}, held: make(chan struct{}), release: make(chan struct{})}
}

func (s *hashSpy) hash(data []byte) (*hasher.Result, error) {
	if strings.HasPrefix(string(data), "hold") {
		s.held <- struct{}{}
		<-s.release
		return &hasher.Result{Quality: 100}, nil
	}
	s.mu.Lock()
	s.seen[string(data)] = true
	s.mu.Unlock()
	return &hasher.Result{Quality: 100}, nil
}

// hashed reports whether payload reached the hasher.
func (s *hashSpy) hashed(payload string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen[payload]
}

// hold submits a holding item to service and returns once it holds the hashing slot. The
// returned function lets it go and waits for its submission to end.
func (s *hashSpy) hold(t *testing.T, p *Pipeline, service, payload string) (release func()) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := p.Submit(admin, vigil.Submission{Service: service, Bytes: []byte("hold-" + payload)})
		done <- err
	}()
	select {
	case <-s.held:
	case err := <-done:
		t.Fatalf("holding item: %v, did not reach the hasher", err)
	}
	return func() {
		t.Helper()
		s.release <- struct{}{}
		if err := <-done; err != nil {
			t.Fatalf("holding item: %v", err)
		}
	}
}
