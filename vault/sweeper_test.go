package vault

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vigilproject/vigil/internal/fakeclock"
)

type sweepRecorder struct {
	at  []time.Time
	err error
}

func (s *sweepRecorder) SweepEvidence(_ context.Context, now time.Time) (int, error) {
	s.at = append(s.at, now)
	return len(s.at), s.err
}

func TestSweeperTickSweepsAtTheClocksTime(t *testing.T) {
	clock := fakeclock.New(time.Date(2027, 1, 5, 9, 0, 0, 0, time.UTC))
	tests := []struct {
		name    string
		err     error
		wantN   int
		advance time.Duration
	}{
		{"first", nil, 1, 0},
		{"a year on", nil, 2, 365 * 24 * time.Hour},
		{"store fails", errors.New("disk"), 3, time.Hour},
	}
	store := &sweepRecorder{}
	s := &Sweeper{Store: store, Clock: clock}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock.Advance(tt.advance)
			store.err = tt.err
			n, err := s.Tick(context.Background())
			if n != tt.wantN || !errors.Is(err, tt.err) || !store.at[len(store.at)-1].Equal(clock.Now()) {
				t.Fatalf("Tick = %d, %v at %v; want %d at %v", n, err, store.at[len(store.at)-1], tt.wantN, clock.Now())
			}
		})
	}
}

// cancelling sweeps: its first sweep fails, its second ends the run.
type cancellingSweeps struct {
	calls  int
	cancel context.CancelFunc
}

func (s *cancellingSweeps) SweepEvidence(context.Context, time.Time) (int, error) {
	s.calls++
	if s.calls > 1 {
		s.cancel()
		return 0, nil
	}
	return 0, errors.New("disk")
}

// A Sweeper without a Logger logs a failed sweep to slog's default logger rather than crash.
func TestSweeperRunWithoutLogger(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store := &cancellingSweeps{cancel: cancel}
	s := &Sweeper{Store: store, Clock: fakeclock.New(time.Date(2027, 1, 5, 9, 0, 0, 0, time.UTC)), Interval: time.Millisecond}
	s.Run(ctx)
	if store.calls != 2 {
		t.Errorf("%d sweeps, want 2", store.calls)
	}
}
