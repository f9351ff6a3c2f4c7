package sqlite

import (
	"context"
	"crypto/subtle"
	"fmt"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/orders"
)

// runningDeadline selects the open orders whose clock runs.
const runningDeadline = `status = 'executing' AND paused_at = 0 AND deadline != 0`

// dueSoonEvent is the data of an order.due_soon webhook event (RO-03).
type dueSoonEvent struct {
	OrderID          string `json:"order_id"`
	Reference        string `json:"reference"`
	Kind             string `json:"kind"`
	Service          string `json:"service"`
	Deadline         string `json:"deadline"`
	RemainingSeconds int64  `json:"remaining_seconds"` // negative when already overdue
	Items            int    `json:"items"`
}

// AlertDueSoon enqueues order.due_soon once for each order whose running deadline is at most
// OrderDueSoon after at, overdue ones included (the worker may have been down at T-4 h), and
// returns how many it alerted.
func (s *OrderStore) AlertDueSoon(ctx context.Context, at time.Time) (int, error) {
	ids, err := s.idsWhere(ctx, runningDeadline+` AND due_soon_at = 0 AND deadline <= ?`, ms(at.Add(vigil.OrderDueSoon)))
	if err != nil {
		return 0, fmt.Errorf("orders due soon: %w", err)
	}
	n := 0
	for _, id := range ids {
		alerted := false
		_, err := s.change(ctx, id, func(tx *Tx, o *vigil.Order) error {
			left, running := o.Remaining(tx.now)
			if !running || !o.DueSoonSent.IsZero() || left > vigil.OrderDueSoon {
				return nil
			}
			o.DueSoonSent, alerted = tx.now, true
			if err := tx.Enqueue(vigil.EventOrderDueSoon, dueSoonEvent{OrderID: o.ID, Reference: o.Reference,
				Kind: string(o.Kind), Service: o.Service, Deadline: webhookTime(o.Deadline),
				RemainingSeconds: int64(left / time.Second), Items: len(o.Items)}); err != nil {
				return err
			}
			return tx.auditOrder("order.due_soon", *o, map[string]any{"deadline": webhookTime(o.Deadline)})
		})
		if err != nil {
			return n, err
		}
		if alerted {
			n++
		}
	}
	return n, nil
}

// SettleExecuted marks executed each running removal or delisting order whose every item's
// action the platform has confirmed done, at the time of the last confirmation.
func (s *OrderStore) SettleExecuted(ctx context.Context) (int, error) {
	ids, err := s.idsWhere(ctx, `status = 'executing' AND kind IN ('removal', 'delisting')
		AND NOT EXISTS (SELECT 1 FROM order_items i LEFT JOIN actions a ON a.id = i.action_id
			WHERE i.order_id = orders.id AND (a.id IS NULL OR a.status != 'done'))`)
	if err != nil {
		return 0, fmt.Errorf("settle orders: %w", err)
	}
	n := 0
	for _, id := range ids {
		settled, err := s.settle(ctx, id)
		if err != nil {
			return n, err
		}
		if settled {
			n++
		}
	}
	return n, nil
}

// settle marks order id executed at its last action's confirmation, unless it no longer awaits
// execution: the list SettleExecuted works through was read outside the transaction, and a
// person may have executed or paused the order since. Executing it again would issue a second
// Annex VI confirmation (RO-06).
func (s *OrderStore) settle(ctx context.Context, id string) (bool, error) {
	settled := false
	_, err := s.change(ctx, id, func(tx *Tx, o *vigil.Order) error {
		if o.Status != vigil.OrderExecuting {
			return nil
		}
		var last int64
		err := tx.QueryRowContext(tx.ctx, `SELECT coalesce(max(a.done), 0) FROM order_items i
			JOIN actions a ON a.id = i.action_id WHERE i.order_id = ?`, o.ID).Scan(&last)
		if err != nil {
			return err
		}
		measure := vigil.MeasureRemoved
		if o.Kind == vigil.OrderDelisting {
			measure = vigil.MeasureDelisted
		}
		settled = true
		return tx.executeOrder(o, measure, fromMS(last))
	})
	return settled, err
}

// AdvanceBlocking starts the blocking orders whose start date has come and expires those whose
// end date has passed (BL-02), and returns how many it changed.
func (s *OrderStore) AdvanceBlocking(ctx context.Context, at time.Time) (int, error) {
	ids, err := s.idsWhere(ctx, `kind = 'blocking' AND ((status = 'received' AND list_start <= ?)
		OR (status IN ('received', 'executing', 'paused', 'cannot_execute') AND list_end <= ?))`, ms(at), ms(at))
	if err != nil {
		return 0, fmt.Errorf("blocking orders: %w", err)
	}
	for i, id := range ids {
		_, err := s.change(ctx, id, func(tx *Tx, o *vigil.Order) error {
			switch {
			case !o.End.After(tx.now):
				o.Status, o.PausedAt = vigil.OrderExpired, time.Time{}
				return tx.auditOrder("order.expire", *o, nil)
			case o.Status == vigil.OrderReceived && !o.Start.After(tx.now):
				o.Status = vigil.OrderExecuting
				return tx.auditOrder("order.start", *o, nil)
			}
			return nil
		})
		if err != nil {
			return i, err
		}
	}
	return len(ids), nil
}

// idsWhere returns the ids of the orders matching cond, oldest first.
func (s *OrderStore) idsWhere(ctx context.Context, cond string, args ...any) ([]string, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT id FROM orders WHERE `+cond+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// OrderStats computes the orders metrics at at.
func (s *OrderStore) OrderStats(ctx context.Context, at time.Time) (orders.Stats, error) {
	st := orders.Stats{Open: map[vigil.OrderKind]int{}}
	err := s.eachRow(ctx, `SELECT kind, count(*) FROM orders
		WHERE status IN ('received', 'executing', 'paused', 'cannot_execute') GROUP BY kind`,
		func(scan func(...any) error) error {
			var k vigil.OrderKind
			var n int
			err := scan(&k, &n)
			st.Open[k] = n
			return err
		})
	if err != nil {
		return st, fmt.Errorf("order stats: %w", err)
	}
	err = s.eachRow(ctx, `SELECT deadline FROM orders WHERE `+runningDeadline, func(scan func(...any) error) error {
		var deadline int64
		if err := scan(&deadline); err != nil {
			return err
		}
		left := fromMS(deadline).Sub(at)
		switch {
		case left <= 0:
			st.Overdue++
		case left <= vigil.OrderDueSoon:
			st.DueSoon++
		}
		if !st.HasNearest || left < st.Nearest {
			st.Nearest, st.HasNearest = left, true
		}
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("order stats: %w", err)
	}
	err = s.eachRow(ctx, `SELECT executed - received - (SELECT coalesce(sum(p.resumed - p.paused), 0)
		FROM order_pauses p WHERE p.order_id = orders.id AND p.reason = 'do_not_remove_hold')
		FROM orders WHERE kind = 'removal' AND status = 'executed'`,
		func(scan func(...any) error) error {
			var took int64
			err := scan(&took)
			st.ExecutionTimes = append(st.ExecutionTimes, time.Duration(took)*time.Millisecond)
			return err
		})
	if err != nil {
		return st, fmt.Errorf("order stats: %w", err)
	}
	return st, nil
}

// eachRow runs query on the read pool and calls fn with each row's Scan.
func (s *OrderStore) eachRow(ctx context.Context, query string, fn func(scan func(...any) error) error, args ...any) error {
	rows, err := s.db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Alert returns the open orders within OrderDueSoon of their deadline or past it, for the UI
// banner; an actor without the orders permission gets none, as they could not act on them.
func (s *OrderStore) Alert(ctx context.Context) (vigil.OrderAlert, error) {
	var a vigil.OrderAlert
	if checkOrdersScope(ctx) != nil {
		return a, nil
	}
	now := s.db.Clock.Now()
	rows, err := s.db.read.QueryContext(ctx, `SELECT `+orderColumns+` FROM orders WHERE `+runningDeadline+`
		AND deadline <= ? ORDER BY deadline`, ms(now.Add(vigil.OrderDueSoon)))
	if err != nil {
		return a, fmt.Errorf("order alert: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return a, fmt.Errorf("order alert: %w", err)
		}
		if a.DueSoon+a.Overdue == 0 {
			a.Next = o
		}
		if o.Deadline.After(now) {
			a.DueSoon++
		} else {
			a.Overdue++
		}
	}
	return a, rows.Err()
}

// URLList returns blocking order id, whose items are its URL list, to an access provider naming
// the order's reference, only while the order runs: from its start to its end date (BL-08).
// Every read is audited.
func (s *OrderStore) URLList(ctx context.Context, id, reference string) (vigil.Order, error) {
	if err := checkOrdersScope(ctx); err != nil {
		return vigil.Order{}, err
	}
	var o vigil.Order
	err := s.db.Update(ctx, func(tx *Tx) error {
		var err error
		if o, err = loadOrder(tx.ctx, tx, id); err != nil {
			return err
		}
		switch {
		case o.Kind != vigil.OrderBlocking:
			return vigil.Errorf(vigil.ENOTFOUND, "order %s is not a blocking order: it has no URL list", id)
		case subtle.ConstantTimeCompare([]byte(reference), []byte(o.Reference)) != 1:
			return vigil.FieldErrorf(vigil.EFORBIDDEN, "reference", "does not match the order's reference")
		case tx.now.Before(o.Start) || !tx.now.Before(o.End) || o.Status != vigil.OrderExecuting:
			return vigil.Errorf(vigil.EFORBIDDEN, "the URL list of order %s is served only while the order runs, from %s to %s",
				id, webhookTime(o.Start), webhookTime(o.End))
		}
		return tx.auditOrder("order.url_list", o, map[string]any{"list": o.ListReference, "version": o.ListVersion})
	})
	if err != nil {
		return vigil.Order{}, err
	}
	return o, nil
}
