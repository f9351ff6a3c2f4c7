package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/vigilproject/vigil"
)

const deliverySelect = `SELECT d.public_id, w.public_id, d.event, d.payload, d.status, d.attempts,
	d.next_try, d.last_error, d.created`

// scanDelivery reads deliverySelect's columns into d, then any extra columns into extra.
func scanDelivery(rows *sql.Rows, d *vigil.Delivery, extra ...any) error {
	var payload string
	var next, created int64
	dest := append([]any{&d.ID, &d.WebhookID, &d.Event, &payload, &d.Status, &d.Attempts,
		&next, &d.LastError, &created}, extra...)
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	d.Payload, d.NextTry, d.Created = []byte(payload), fromMS(next), fromMS(created)
	return nil
}

// Deliveries returns the deliveries f selects, newest first: of one webhook, or of all when
// f.WebhookID is empty.
func (db *DB) Deliveries(ctx context.Context, f vigil.DeliveryFilter) ([]vigil.Delivery, error) {
	if err := webhookAdmin(ctx); err != nil {
		return nil, err
	}
	where, args := []string{"1"}, []any{}
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	if f.WebhookID != "" {
		if _, err := oneWebhook(ctx, db.read, f.WebhookID); err != nil {
			return nil, err
		}
		add("w.public_id = ?", f.WebhookID)
	}
	if f.Status != "" {
		add("d.status = ?", f.Status)
	}
	if f.Before != "" {
		add("d.public_id < ?", f.Before)
	}
	q := deliverySelect + ` FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
		WHERE ` + strings.Join(where, " AND ") + ` ORDER BY d.public_id DESC LIMIT ?`
	rows, err := db.read.QueryContext(ctx, q, append(args, pageLimit(f.Limit))...)
	if err != nil {
		return nil, fmt.Errorf("deliveries: %w", err)
	}
	defer rows.Close()
	var out []vigil.Delivery
	for rows.Next() {
		var d vigil.Delivery
		if err := scanDelivery(rows, &d); err != nil {
			return nil, fmt.Errorf("deliveries: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// RetryDelivery makes a pending or failed delivery due now with its attempts counted afresh.
func (db *DB) RetryDelivery(ctx context.Context, id string) (vigil.Delivery, error) {
	if err := webhookAdmin(ctx); err != nil {
		return vigil.Delivery{}, err
	}
	var d vigil.Delivery
	err := db.Update(ctx, func(tx *Tx) error {
		var err error
		if d, err = tx.delivery(id); err != nil {
			return err
		}
		if d.Status == vigil.DeliveryDelivered {
			return vigil.Errorf(vigil.ECONFLICT, "delivery %s was delivered already", id)
		}
		d.Status, d.Attempts, d.NextTry = vigil.DeliveryPending, 0, tx.now
		_, err = tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = ?, attempts = 0, next_try = ?
			WHERE public_id = ?`, d.Status, ms(d.NextTry), id)
		if err != nil {
			return err
		}
		return tx.Audit("webhook.retry", "delivery", id, "{}")
	})
	if err != nil {
		return vigil.Delivery{}, fmt.Errorf("retry delivery %s: %w", id, err)
	}
	return d, nil
}

func (tx *Tx) delivery(id string) (vigil.Delivery, error) {
	rows, err := tx.QueryContext(tx.ctx, deliverySelect+` FROM webhook_deliveries d
		JOIN webhooks w ON w.id = d.webhook_id WHERE d.public_id = ?`, id)
	if err != nil {
		return vigil.Delivery{}, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return vigil.Delivery{}, err
		}
		return vigil.Delivery{}, vigil.Errorf(vigil.ENOTFOUND, "no delivery %q", id)
	}
	var d vigil.Delivery
	if err := scanDelivery(rows, &d); err != nil {
		return vigil.Delivery{}, err
	}
	return d, errors.Join(rows.Close(), rows.Err())
}
