package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/orders"
)

// OrderStore implements vigil.OrderService and the order worker's store on the database.
type OrderStore struct{ db *DB }

// NewOrderStore returns the order service on db.
func NewOrderStore(db *DB) *OrderStore { return &OrderStore{db: db} }

// orderZone is the time zone receipts are recorded in (RO-01): UTC, written with its
// designator, so every time of an order reads the same in every Member State.
const orderZone = "UTC"

// orderColumns is the column list scanOrder reads.
const orderColumns = `id, kind, status, document, sender_kind, sender_id, sender_name,
	idempotency_key, received, received_zone, deadline, paused_total, paused_at, due_soon_at,
	measure, executed, confirmation, confirmation_sig, updated`

// checkOrdersScope refuses an actor without the orders permission.
func checkOrdersScope(ctx context.Context) error {
	if !vigil.ActorFrom(ctx).Can(vigil.ScopeOrders) {
		return vigil.Errorf(vigil.EFORBIDDEN, "authority orders need the %s permission", vigil.ScopeOrders)
	}
	return nil
}

// checkOrdersSender refuses an actor that may neither handle orders nor file them.
func checkOrdersSender(ctx context.Context) error {
	if a := vigil.ActorFrom(ctx); !a.Can(vigil.ScopeOrders) && !a.Can(vigil.ScopeOrdersSubmit) {
		return vigil.Errorf(vigil.EFORBIDDEN, "authority orders need the %s or %s permission",
			vigil.ScopeOrders, vigil.ScopeOrdersSubmit)
	}
	return nil
}

// sentBy reports whether actor a delivered order o: the sender recorded at receipt (RO-01),
// compared by kind and id.
func sentBy(o vigil.Order, a vigil.Actor) bool {
	return o.Sender.ID != "" && o.Sender.Kind == a.Kind && o.Sender.ID == a.ID
}

// Receive validates order o (as package orders does the document it came in) and records it as
// delivered by the acting key or user at the transaction's time, in
// one transaction with everything receipt sets off: the actions of a removal or delisting order
// (RequestAction, which honours do-not-remove holds), the do_not_inform holds of its
// non-disclosure (RO-08), and the audit event naming the sender (RO-01).
func (s *OrderStore) Receive(ctx context.Context, o vigil.Order) (vigil.Order, bool, error) {
	if err := checkOrdersSender(ctx); err != nil {
		return vigil.Order{}, false, err
	}
	d := orders.FromOrder(o)
	if err := d.Validate(); err != nil {
		return vigil.Order{}, false, err
	}
	doc, err := d.Marshal()
	if err != nil {
		return vigil.Order{}, false, err
	}
	created := true
	err = s.db.Update(ctx, func(tx *Tx) error {
		if o.IdempotencyKey != "" {
			prev, found, err := tx.orderByIdempotencyKey(o.IdempotencyKey, doc)
			if err != nil || found {
				o, created = prev, false
				return err
			}
		}
		return tx.receiveOrder(&o, doc)
	})
	if err != nil {
		return vigil.Order{}, false, err
	}
	return o, created, nil
}

// orderByIdempotencyKey returns the order the acting sender delivered earlier with key. The
// same key with another document is refused: a retry never changes what was ordered.
func (tx *Tx) orderByIdempotencyKey(key string, doc []byte) (vigil.Order, bool, error) {
	var id, prevDoc string
	err := tx.QueryRowContext(tx.ctx, `SELECT id, document FROM orders WHERE sender_id = ? AND idempotency_key = ?`,
		vigil.ActorFrom(tx.ctx).ID, key).Scan(&id, &prevDoc)
	if errors.Is(err, sql.ErrNoRows) {
		return vigil.Order{}, false, nil
	}
	if err != nil {
		return vigil.Order{}, false, fmt.Errorf("receive order: %w", err)
	}
	if prevDoc != string(doc) {
		return vigil.Order{}, false, vigil.Errorf(vigil.ECONFLICT, "Idempotency-Key %q was used for order %s with another document", key, id)
	}
	o, err := loadOrder(tx.ctx, tx, id)
	return o, true, err
}

// receiveOrder stores new order o and sets off what its kind needs; a removal a do_not_remove
// hold keeps back stops the order's clock until the hold ends (RP-18).
func (tx *Tx) receiveOrder(o *vigil.Order, doc []byte) error {
	if err := orders.CheckIssued(*o, tx.now); err != nil {
		return err
	}
	sender := vigil.ActorFrom(tx.ctx)
	o.ID, o.Received, o.ReceivedZone, o.Updated = vigil.NewID(vigil.PrefixOrder, tx.now), tx.now, orderZone, tx.now
	o.Sender = vigil.Actor{Kind: sender.Kind, ID: sender.ID, Name: sender.Name}
	o.Status, o.Deadline = vigil.OrderReceived, time.Time{}
	o.PausedTotal, o.PausedAt, o.DueSoonSent, o.Pauses = 0, time.Time{}, time.Time{}, nil
	o.Measure, o.Executed, o.Confirmation, o.ConfirmationSig = "", time.Time{}, nil, ""
	switch o.Kind {
	case vigil.OrderRemoval, vigil.OrderDelisting:
		o.Status, o.Deadline = vigil.OrderExecuting, tx.now.Add(vigil.OrderExecutionTime)
	case vigil.OrderBlocking:
		if !o.End.After(tx.now) {
			return vigil.FieldErrorf(vigil.EINVALID, "url_list.end", "the blocking order has already ended")
		}
		if !o.Start.After(tx.now) {
			o.Status = vigil.OrderExecuting
		}
	}
	if err := tx.insertOrder(*o, doc); err != nil {
		return err
	}
	if err := tx.startOrder(o); err != nil {
		return err
	}
	detail, err := json.Marshal(map[string]any{"kind": o.Kind, "reference": o.Reference,
		"issuing_authority": o.IssuingAuthority.Name, "items": len(o.Items),
		"sender_kind": o.Sender.Kind, "sender": o.Sender.Name, "received_zone": o.ReceivedZone,
		"deadline": webhookTime(o.Deadline)})
	if err != nil {
		return err
	}
	if err := tx.Audit("order.receive", "order", o.ID, string(detail)); err != nil {
		return err
	}
	return tx.pauseForHolds(o)
}

// insertOrder writes order o and its items.
func (tx *Tx) insertOrder(o vigil.Order, doc []byte) error {
	var ndEnd int64
	if o.NonDisclosure > 0 {
		ndEnd = ms(o.Received.Add(o.NonDisclosure))
	}
	_, err := tx.ExecContext(tx.ctx, `INSERT INTO orders (id, kind, status, reference,
		issuing_authority, service, document, non_disclosure_end, sender_kind, sender_id,
		sender_name, idempotency_key, received, received_zone, deadline, paused_total, paused_at,
		due_soon_at, list_reference, list_version, list_start, list_end, measure, executed,
		confirmation, confirmation_sig, updated)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?, ?, ?, ?, '', 0, '', '', ?)`,
		o.ID, o.Kind, o.Status, o.Reference, o.IssuingAuthority.Name, o.Service, string(doc), ndEnd,
		o.Sender.Kind, o.Sender.ID, o.Sender.Name, o.IdempotencyKey, ms(o.Received), o.ReceivedZone,
		ms(o.Deadline), o.ListReference, o.ListVersion, ms(o.Start), ms(o.End), ms(o.Updated))
	if err != nil {
		return fmt.Errorf("store order: %w", err)
	}
	for i, it := range o.Items {
		_, err := tx.ExecContext(tx.ctx, `INSERT INTO order_items (order_id, seq, url, info, content_id, action_id)
			VALUES (?, ?, ?, ?, ?, '')`, o.ID, i, it.URL, it.Info, it.ContentID)
		if err != nil {
			return fmt.Errorf("store order item: %w", err)
		}
	}
	return nil
}

// startOrder sets off a removal or delisting order: the non-disclosure holds first, so that no
// notice of the removal can slip out before them, then one action per item. Voluntary and
// blocking orders start nothing: the provider weighs the first (RO-10), the access provider
// fetches the second's URL list (BL-08).
func (tx *Tx) startOrder(o *vigil.Order) error {
	if o.Kind != vigil.OrderRemoval && o.Kind != vigil.OrderDelisting {
		return nil
	}
	for i := range o.Items {
		it := &o.Items[i]
		if o.NonDisclosure > 0 && it.ContentID != "" {
			_, err := tx.PlaceHold(vigil.Hold{Kind: vigil.HoldDoNotInform, ContentID: it.ContentID,
				Authority: o.IssuingAuthority.Name, Reference: o.Reference, OrderID: o.ID,
				Reason: "non-disclosure of " + string(o.Kind) + " order " + o.Reference,
				Start:  o.Received, Until: o.Received.Add(o.NonDisclosure)})
			if err != nil {
				return fmt.Errorf("order %s non-disclosure: %w", o.ID, err)
			}
		}
		a, err := tx.RequestAction(orderAction(*o, *it))
		if err != nil {
			return fmt.Errorf("order %s item %d: %w", o.ID, i, err)
		}
		it.ActionID = a.ID
		if _, err := tx.ExecContext(tx.ctx, `UPDATE order_items SET action_id = ? WHERE order_id = ? AND seq = ?`,
			a.ID, o.ID, i); err != nil {
			return fmt.Errorf("order %s item %d: %w", o.ID, i, err)
		}
	}
	return nil
}

// orderAction is the action an order asks of the platform for item: removal in every Member
// State (RO-04), or from search results for a delisting order. Both carry the removal_order
// trigger, so that the action's notice is the order's to schedule (with its non-disclosure);
// the transparency figures tell delisting apart by the order the action references.
func orderAction(o vigil.Order, it vigil.OrderItem) vigil.Action {
	return vigil.Action{Kind: vigil.ActionRemove, Trigger: vigil.TriggerRemovalOrder, ContentID: it.ContentID,
		URL: it.URL, Service: o.Service, Reference: o.ID,
		Reason: string(o.Kind) + " order " + o.Reference + " of " + o.IssuingAuthority.Name}
}

// orderQuerier is what both the read pool and a write transaction offer.
type orderQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// scanOrder reads one row of orderColumns; items and pauses are loaded separately.
func scanOrder(row rowScanner) (vigil.Order, error) {
	var o vigil.Order
	var doc, confirmation string
	var received, deadline, pausedTotal, pausedAt, dueSoon, executed, updated int64
	err := row.Scan(&o.ID, &o.Kind, &o.Status, &doc, &o.Sender.Kind, &o.Sender.ID, &o.Sender.Name,
		&o.IdempotencyKey, &received, &o.ReceivedZone, &deadline, &pausedTotal, &pausedAt, &dueSoon,
		&o.Measure, &executed, &confirmation, &o.ConfirmationSig, &updated)
	if err != nil {
		return o, err
	}
	var d orders.Document
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return o, fmt.Errorf("order %s: stored document: %w", o.ID, err)
	}
	base := d.Order()
	base.ID, base.Kind, base.Status, base.Sender, base.IdempotencyKey = o.ID, o.Kind, o.Status, o.Sender, o.IdempotencyKey
	base.Received, base.ReceivedZone, base.Deadline = fromMS(received), o.ReceivedZone, fromMS(deadline)
	base.PausedTotal, base.PausedAt, base.DueSoonSent = time.Duration(pausedTotal)*time.Millisecond, fromMS(pausedAt), fromMS(dueSoon)
	base.Measure, base.Executed, base.ConfirmationSig, base.Updated = o.Measure, fromMS(executed), o.ConfirmationSig, fromMS(updated)
	if confirmation != "" {
		base.Confirmation = []byte(confirmation)
	}
	return base, nil
}

// loadOrder reads order id with its items and pauses.
func loadOrder(ctx context.Context, q orderQuerier, id string) (vigil.Order, error) {
	o, err := scanOrder(q.QueryRowContext(ctx, `SELECT `+orderColumns+` FROM orders WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return vigil.Order{}, vigil.Errorf(vigil.ENOTFOUND, "no order %s", id)
	}
	if err != nil {
		return vigil.Order{}, fmt.Errorf("order %s: %w", id, err)
	}
	if err := loadOrderItems(ctx, q, &o); err != nil {
		return vigil.Order{}, err
	}
	return o, loadOrderPauses(ctx, q, &o)
}

// loadOrderItems fills o's items' action ids, in the document's order.
func loadOrderItems(ctx context.Context, q orderQuerier, o *vigil.Order) error {
	rows, err := q.QueryContext(ctx, `SELECT seq, action_id FROM order_items WHERE order_id = ? ORDER BY seq`, o.ID)
	if err != nil {
		return fmt.Errorf("order %s items: %w", o.ID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var seq int
		var action string
		if err := rows.Scan(&seq, &action); err != nil {
			return fmt.Errorf("order %s items: %w", o.ID, err)
		}
		if seq >= 0 && seq < len(o.Items) {
			o.Items[seq].ActionID = action
		}
	}
	return rows.Err()
}

// loadOrderPauses reads o's Annex V and VIII notices, oldest first.
func loadOrderPauses(ctx context.Context, q orderQuerier, o *vigil.Order) error {
	rows, err := q.QueryContext(ctx, `SELECT reason, text, paused, resumed, resume_text FROM order_pauses
		WHERE order_id = ? ORDER BY seq`, o.ID)
	if err != nil {
		return fmt.Errorf("order %s pauses: %w", o.ID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var p vigil.OrderPause
		var paused, resumed int64
		if err := rows.Scan(&p.Reason, &p.Text, &paused, &resumed, &p.ResumeText); err != nil {
			return fmt.Errorf("order %s pauses: %w", o.ID, err)
		}
		p.Paused, p.Resumed = fromMS(paused), fromMS(resumed)
		o.Pauses = append(o.Pauses, p)
	}
	return rows.Err()
}

// Order returns order id. An actor that may only file orders gets only those it delivered
// itself; any other is not found, so that the ids of other senders' orders tell it nothing.
func (s *OrderStore) Order(ctx context.Context, id string) (vigil.Order, error) {
	if err := checkOrdersSender(ctx); err != nil {
		return vigil.Order{}, err
	}
	o, err := loadOrder(ctx, s.db.read, id)
	if a := vigil.ActorFrom(ctx); err == nil && !a.Can(vigil.ScopeOrders) && !sentBy(o, a) {
		return vigil.Order{}, vigil.Errorf(vigil.ENOTFOUND, "no order %s", id)
	}
	return o, err
}

// Orders lists the orders f selects, newest first; without kinds, every kind but voluntary
// notifications, which have their own queue (RO-10). next is the cursor of the following page,
// "" on the last.
func (s *OrderStore) Orders(ctx context.Context, f vigil.OrderFilter) ([]vigil.Order, string, error) {
	if err := checkOrdersScope(ctx); err != nil {
		return nil, "", err
	}
	kinds := f.Kinds
	if len(kinds) == 0 {
		kinds = []vigil.OrderKind{vigil.OrderRemoval, vigil.OrderBlocking, vigil.OrderDelisting}
	}
	where, args := []string{"kind IN (" + placeholders(len(kinds)) + ")"}, []any{}
	for _, k := range kinds {
		args = append(args, k)
	}
	if len(f.Status) > 0 {
		where = append(where, "status IN ("+placeholders(len(f.Status))+")")
		for _, st := range f.Status {
			args = append(args, st)
		}
	}
	if f.Cursor != "" {
		if !strings.HasPrefix(f.Cursor, vigil.PrefixOrder+"_") {
			return nil, "", vigil.FieldErrorf(vigil.EINVALID, "cursor", "not a cursor this listing returned")
		}
		where, args = append(where, "id < ?"), append(args, f.Cursor)
	}
	limit := pageLimit(f.Limit)
	ids, err := s.orderIDs(ctx, strings.Join(where, " AND "), append(args, limit+1))
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(ids) > limit {
		ids, next = ids[:limit], ids[limit-1]
	}
	out := make([]vigil.Order, 0, len(ids))
	for _, id := range ids {
		o, err := loadOrder(ctx, s.db.read, id)
		if err != nil {
			return nil, "", err
		}
		out = append(out, o)
	}
	return out, next, nil
}

// orderIDs returns the ids of the orders matching where, newest first; the last arg is the limit.
func (s *OrderStore) orderIDs(ctx context.Context, where string, args []any) ([]string, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT id FROM orders WHERE `+where+` ORDER BY id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("list orders: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list orders: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// placeholders returns n comma-separated question marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
