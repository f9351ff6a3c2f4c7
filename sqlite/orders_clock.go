package sqlite

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/orders"
)

// CannotExecute records an Annex V notice (Annex VIII for a blocking order) for order id and
// stops its clock (RO-05): the order is paused while a cause on the provider's side lasts, and
// cannot_execute while the provider waits for the authority's clarification. A blocking
// order's provider may only raise a manifest error or insufficient information (Art. 17(5)).
func (s *OrderStore) CannotExecute(ctx context.Context, id string, reason vigil.PauseReason, text string) (vigil.Order, error) {
	if err := checkOrdersScope(ctx); err != nil {
		return vigil.Order{}, err
	}
	if !slices.Contains(vigil.PauseReasons, reason) {
		return vigil.Order{}, vigil.FieldErrorf(vigil.EINVALID, "reason", "unknown reason %q: want force_majeure, technical, manifest_error or insufficient_information", reason)
	}
	if strings.TrimSpace(text) == "" || len(text) > 10000 {
		return vigil.Order{}, vigil.FieldErrorf(vigil.EINVALID, "text", "explain the reason in at most 10000 bytes")
	}
	return s.change(ctx, id, func(tx *Tx, o *vigil.Order) error {
		switch {
		case o.Status != vigil.OrderExecuting && o.Status != vigil.OrderReceived:
			return vigil.Errorf(vigil.ECONFLICT, "order %s is %s: only an order awaiting execution can be paused", id, o.Status)
		case o.Kind == vigil.OrderVoluntary:
			return vigil.Errorf(vigil.ECONFLICT, "a notification for voluntary consideration has no deadline to pause")
		case o.Kind == vigil.OrderBlocking && !reason.WaitsForAuthority():
			return vigil.FieldErrorf(vigil.EINVALID, "reason", "a blocking order can only be questioned for a manifest error or insufficient information")
		}
		o.Status, o.PausedAt = vigil.OrderPaused, tx.now
		if reason.WaitsForAuthority() {
			o.Status = vigil.OrderCannotExecute
		}
		_, err := tx.ExecContext(tx.ctx, `INSERT INTO order_pauses (order_id, seq, reason, text, paused, resumed, resume_text)
			VALUES (?, ?, ?, ?, ?, 0, '')`, o.ID, len(o.Pauses), reason, text, ms(tx.now))
		if err != nil {
			return fmt.Errorf("pause order %s: %w", id, err)
		}
		o.Pauses = append(o.Pauses, vigil.OrderPause{Reason: reason, Text: text, Paused: tx.now})
		return tx.auditOrder("order.cannot_execute", *o, map[string]any{"reason": reason})
	})
}

// Resume restarts order id's clock once the cause ended or the clarification arrived (RO-05):
// the deadline moves on by the time it stood still.
func (s *OrderStore) Resume(ctx context.Context, id, text string) (vigil.Order, error) {
	if err := checkOrdersScope(ctx); err != nil {
		return vigil.Order{}, err
	}
	if len(text) > 10000 {
		return vigil.Order{}, vigil.FieldErrorf(vigil.EINVALID, "text", "at most 10000 bytes")
	}
	return s.change(ctx, id, func(tx *Tx, o *vigil.Order) error {
		if o.Status != vigil.OrderPaused && o.Status != vigil.OrderCannotExecute {
			return vigil.Errorf(vigil.ECONFLICT, "order %s is %s, not paused", id, o.Status)
		}
		if o.PausedByHold() {
			return vigil.Errorf(vigil.ECONFLICT, "order %s waits for a do-not-remove hold (RP-18): its clock restarts by itself when the hold ends or is released", id)
		}
		return tx.restartClock(o, text)
	})
}

// restartClock ends o's open pause now with text: the deadline moves on by the time the clock
// stood still (RO-05), and the order awaits execution again. The caller stores o's state.
func (tx *Tx) restartClock(o *vigil.Order, text string) error {
	stood := tx.now.Sub(o.PausedAt)
	o.PausedTotal += stood
	if !o.Deadline.IsZero() {
		o.Deadline = o.Deadline.Add(stood)
	}
	o.PausedAt, o.Status = time.Time{}, vigil.OrderExecuting
	if o.Kind == vigil.OrderVoluntary || (o.Kind == vigil.OrderBlocking && o.Start.After(tx.now)) {
		o.Status = vigil.OrderReceived
	}
	last := &o.Pauses[len(o.Pauses)-1]
	last.Resumed, last.ResumeText = tx.now, text
	_, err := tx.ExecContext(tx.ctx, `UPDATE order_pauses SET resumed = ?, resume_text = ?
		WHERE order_id = ? AND seq = ?`, ms(tx.now), text, o.ID, len(o.Pauses)-1)
	if err != nil {
		return fmt.Errorf("resume order %s: %w", o.ID, err)
	}
	return tx.auditOrder("order.resume", *o, map[string]any{"reason": last.Reason,
		"paused_ms": stood.Milliseconds(), "deadline": webhookTime(o.Deadline)})
}

// Execute records that order id was executed now with measure, for execution the platform did
// not confirm through its actions (or a voluntary notification acted on), and issues the
// Annex VI confirmation.
func (s *OrderStore) Execute(ctx context.Context, id string, measure vigil.OrderMeasure) (vigil.Order, error) {
	if err := checkOrdersScope(ctx); err != nil {
		return vigil.Order{}, err
	}
	return s.change(ctx, id, func(tx *Tx, o *vigil.Order) error {
		if err := checkMeasure(o.Kind, measure); err != nil {
			return err
		}
		if o.Status != vigil.OrderExecuting && o.Status != vigil.OrderReceived {
			return vigil.Errorf(vigil.ECONFLICT, "order %s is %s: resume a paused order before executing it", id, o.Status)
		}
		return tx.executeOrder(o, measure, tx.now)
	})
}

// checkMeasure refuses a measure that does not execute an order of kind; a blocking order is
// executed by the access provider for its whole period and has no execution to record.
func checkMeasure(kind vigil.OrderKind, m vigil.OrderMeasure) error {
	ok := false
	switch kind {
	case vigil.OrderRemoval, vigil.OrderVoluntary:
		ok = m == vigil.MeasureRemoved || m == vigil.MeasureDisabled
	case vigil.OrderDelisting:
		ok = m == vigil.MeasureDelisted
	case vigil.OrderBlocking:
		return vigil.Errorf(vigil.ECONFLICT, "a blocking order runs until its end date; it has no execution to record")
	}
	if !ok {
		return vigil.FieldErrorf(vigil.EINVALID, "measure", "%q does not execute a %s order", m, kind)
	}
	return nil
}

// change runs fn on order id, loaded in a write transaction, and stores what fn changed of its
// status and clock.
func (s *OrderStore) change(ctx context.Context, id string, fn func(tx *Tx, o *vigil.Order) error) (vigil.Order, error) {
	var o vigil.Order
	err := s.db.Update(ctx, func(tx *Tx) error {
		var err error
		if o, err = loadOrder(tx.ctx, tx, id); err != nil {
			return err
		}
		if err := fn(tx, &o); err != nil {
			return err
		}
		return tx.storeOrderState(&o)
	})
	if err != nil {
		return vigil.Order{}, err
	}
	return o, nil
}

// storeOrderState writes o's status, clock and execution.
func (tx *Tx) storeOrderState(o *vigil.Order) error {
	o.Updated = tx.now
	_, err := tx.ExecContext(tx.ctx, `UPDATE orders SET status = ?, deadline = ?, paused_total = ?,
		paused_at = ?, due_soon_at = ?, measure = ?, executed = ?, confirmation = ?,
		confirmation_sig = ?, updated = ? WHERE id = ?`,
		o.Status, ms(o.Deadline), o.PausedTotal.Milliseconds(), ms(o.PausedAt), ms(o.DueSoonSent),
		o.Measure, ms(o.Executed), string(o.Confirmation), o.ConfirmationSig, ms(o.Updated), o.ID)
	if err != nil {
		return fmt.Errorf("order %s: %w", o.ID, err)
	}
	return nil
}

// executedEvent is the data of an order.executed webhook event: the signed Annex VI
// confirmation, for the platform to pass on to the authority and the EU Centre (RO-06).
type executedEvent struct {
	OrderID      string          `json:"order_id"`
	Reference    string          `json:"reference"`
	Measure      string          `json:"measure"`
	ExecutedAt   string          `json:"executed_at"`
	Confirmation json.RawMessage `json:"confirmation"`
	Signature    string          `json:"signature"` // base64 Ed25519 over confirmation's bytes
}

// executeOrder marks o executed with measure at executed, signs its Annex VI confirmation with
// the provider key, enqueues order.executed and schedules the uploaders' removal notices, held
// by the order's non-disclosure if any (RO-07, RO-08). The caller stores o's state.
func (tx *Tx) executeOrder(o *vigil.Order, measure vigil.OrderMeasure, executed time.Time) error {
	seed, err := tx.Secret(SigningSeedName, 32)
	if err != nil {
		return err
	}
	o.Status, o.Measure, o.Executed = vigil.OrderExecuted, measure, executed
	o.Confirmation, o.ConfirmationSig, err = orders.Confirm(*o, measure, executed, ed25519.NewKeyFromSeed(seed))
	if err != nil {
		return err
	}
	if err := tx.Enqueue(vigil.EventOrderExecuted, executedEvent{OrderID: o.ID, Reference: o.Reference,
		Measure: string(measure), ExecutedAt: webhookTime(executed), Confirmation: o.Confirmation,
		Signature: o.ConfirmationSig}); err != nil {
		return err
	}
	for _, it := range o.Items {
		if it.ContentID == "" || o.Kind == vigil.OrderVoluntary {
			continue
		}
		if _, err := tx.ScheduleNotice(vigil.Notice{Kind: vigil.NoticeRemoval, ContentID: it.ContentID,
			Service: o.Service, Reference: o.ID, Basis: executed}); err != nil {
			return fmt.Errorf("order %s notice: %w", o.ID, err)
		}
	}
	return tx.auditOrder("order.execute", *o, map[string]any{"measure": measure,
		"executed_at": webhookTime(executed), "took_ms": executed.Sub(o.Received).Milliseconds()})
}

// auditOrder appends the audit event of a change to order o.
func (tx *Tx) auditOrder(action string, o vigil.Order, extra map[string]any) error {
	detail := map[string]any{"kind": o.Kind, "reference": o.Reference, "status": o.Status}
	for k, v := range extra {
		detail[k] = v
	}
	b, err := json.Marshal(detail)
	if err != nil {
		return err
	}
	return tx.Audit(action, "order", o.ID, string(b))
}

// Interface checks: the store serves the API and the worker.
var (
	_ vigil.OrderService = (*OrderStore)(nil)
	_ orders.Store       = (*OrderStore)(nil)
	_ orders.StatsSource = (*OrderStore)(nil)
)
