package orders

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/vigilproject/vigil"
)

// Store is what the worker needs of the order store. Each method is one pass at time at, in
// one transaction per order, and returns how many orders it changed.
type Store interface {
	// AlertDueSoon enqueues order.due_soon, once per order, for every open order whose running
	// deadline is OrderDueSoon away or closer (RO-03).
	AlertDueSoon(ctx context.Context, at time.Time) (int, error)
	// SettleExecuted marks executed the orders whose requested actions the platform has all
	// confirmed, issuing their Annex VI confirmations (RO-06).
	SettleExecuted(ctx context.Context) (int, error)
	// AdvanceBlocking starts blocking orders whose start date came and expires those whose end
	// date passed (BL-02).
	AdvanceBlocking(ctx context.Context, at time.Time) (int, error)
}

// Worker watches the orders' clocks.
type Worker struct {
	Store    Store
	Clock    vigil.Clock
	Logger   *slog.Logger
	Interval time.Duration // between ticks in Run; 0 means DefaultInterval
}

// DefaultInterval is how often Run ticks: a fraction of the 4-hour warning, so the alert is
// never noticeably late.
const DefaultInterval = 5 * time.Second

// Tick makes one pass at the clock's time. It settles executions first, so an order the platform
// has just finished does not raise a due-soon alert it no longer deserves.
func (w *Worker) Tick(ctx context.Context) error {
	now := w.Clock.Now()
	_, errSettle := w.Store.SettleExecuted(ctx)
	_, errAlert := w.Store.AlertDueSoon(ctx, now)
	_, errBlock := w.Store.AdvanceBlocking(ctx, now)
	return errors.Join(errSettle, errAlert, errBlock)
}

// Run ticks every Interval until ctx ends, logging failures; the next tick retries them.
func (w *Worker) Run(ctx context.Context) {
	interval := w.Interval
	if interval <= 0 {
		interval = DefaultInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := w.Tick(ctx); err != nil && ctx.Err() == nil {
			w.logger().Error("order clocks", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (w *Worker) logger() *slog.Logger {
	if w.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return w.Logger
}
