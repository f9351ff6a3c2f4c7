package notice

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/vigilproject/vigil"
)

// Store is what the Worker needs of the database.
type Store interface {
	// DueNotices returns up to limit notices whose due time has passed, scheduled or held.
	DueNotices(ctx context.Context, limit int) ([]Pending, error)
	// SendNotice marks notice id sent with text and hands it to the platform's webhook in one
	// transaction, after checking once more that no hold delays it; it reports whether it
	// sent it.
	SendNotice(ctx context.Context, id, text string) (bool, error)
	// ResumeHeldActions sends the takedowns whose do_not_remove holds have run out.
	ResumeHeldActions(ctx context.Context) (int, error)
	// NoticeInfo returns what notices say about the provider.
	NoticeInfo(ctx context.Context) (vigil.NoticeSettings, error)
}

// Worker sends user notices when they fall due, and the takedowns held by do_not_remove holds
// when those run out: both are deadlines on the clock that nobody else watches.
type Worker struct {
	Store Store
	Log   *slog.Logger
	// Interval is how often Run ticks; 5 seconds when zero.
	Interval time.Duration
}

// batch is how many due notices one Tick takes at a time.
const batch = 100

// Tick sends every notice due at the store's clock and resumes expired holds' takedowns. A
// notice that cannot be rendered is logged and left due, so a fixed template sends it later;
// the others still go out.
func (w *Worker) Tick(ctx context.Context) error {
	if _, err := w.Store.ResumeHeldActions(ctx); err != nil {
		return err
	}
	info, err := w.Store.NoticeInfo(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for {
		due, err := w.Store.DueNotices(ctx, batch)
		if err != nil {
			return err
		}
		sent := 0
		for _, p := range due {
			ok, err := w.send(ctx, p, info)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if ok {
				sent++
			}
		}
		if len(due) < batch || sent == 0 {
			return errors.Join(errs...)
		}
	}
}

// send renders and sends one due notice.
func (w *Worker) send(ctx context.Context, p Pending, info vigil.NoticeSettings) (bool, error) {
	text, err := Render(p, info)
	if err != nil {
		return false, err
	}
	ok, err := w.Store.SendNotice(ctx, p.ID, text)
	if err != nil {
		return false, fmt.Errorf("send notice %s: %w", p.ID, err)
	}
	return ok, nil
}

// Run ticks every Interval until ctx ends, logging the failures of a tick.
func (w *Worker) Run(ctx context.Context) {
	interval := w.Interval
	if interval <= 0 {
		interval = 5 * time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := w.Tick(ctx); err != nil && ctx.Err() == nil && w.Log != nil {
			w.Log.Error("notices", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
