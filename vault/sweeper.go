package vault

import (
	"context"
	"log/slog"
	"time"

	"github.com/vigilproject/vigil"
)

// SweepStore is the evidence records' store as the sweeper uses it.
type SweepStore interface {
	// SweepEvidence deletes the evidence whose deadline has passed at now and that no legal
	// hold keeps, leaving tombstones, and returns how many it deleted.
	SweepEvidence(ctx context.Context, now time.Time) (int, error)
}

// DefaultSweepInterval is how often Run sweeps: deadlines are days apart, so a minute is
// more than prompt enough.
const DefaultSweepInterval = time.Minute

// Sweeper deletes evidence when its deadline passes (PR-04, PR-06, IR-12).
type Sweeper struct {
	Store    SweepStore
	Clock    vigil.Clock
	Logger   *slog.Logger  // slog.Default() when nil
	Interval time.Duration // DefaultSweepInterval when zero
}

func (s *Sweeper) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// Tick sweeps once at the clock's time and returns how many objects it deleted.
func (s *Sweeper) Tick(ctx context.Context) (int, error) {
	return s.Store.SweepEvidence(ctx, s.Clock.Now())
}

// Run sweeps every Interval until ctx ends, logging what it deleted and what failed.
func (s *Sweeper) Run(ctx context.Context) {
	interval := s.Interval
	if interval <= 0 {
		interval = DefaultSweepInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := s.Tick(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			s.logger().Error("evidence sweep", "err", err)
		case n > 0:
			s.logger().Info("evidence deleted at its deadline", "objects", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
