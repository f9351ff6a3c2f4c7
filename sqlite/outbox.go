package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/vigilproject/vigil"
)

// eventBody is the JSON body of every webhook delivery: the event's id (shared by the deliveries
// of one event to several webhooks), its name, when it happened, and the caller's payload.
type eventBody struct {
	ID      string          `json:"id"`
	Event   string          `json:"event"`
	Created string          `json:"created_at"`
	Data    json.RawMessage `json:"data"`
}

// Enqueue puts event into the outbox, one delivery for each enabled webhook subscribed to it,
// inside the caller's transaction: the event is sent if and only if the change that caused it
// commits. payload is encoded as JSON now, so it must not change afterwards.
func (tx *Tx) Enqueue(event string, payload any) error {
	if !slices.Contains(vigil.Events, event) {
		return fmt.Errorf("enqueue: unknown webhook event %q", event)
	}
	data, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("enqueue %s: %w", event, err)
	}
	hooks, err := tx.subscribers(event)
	if err != nil || len(hooks) == 0 {
		return err
	}
	body, err := json.Marshal(eventBody{
		ID: vigil.NewID(vigil.PrefixEvent, tx.now), Event: event,
		Created: webhookTime(tx.now), Data: data,
	})
	if err != nil {
		return fmt.Errorf("enqueue %s: %w", event, err)
	}
	for _, hook := range hooks {
		_, err := tx.ExecContext(tx.ctx, `INSERT INTO webhook_deliveries
			(public_id, webhook_id, event, payload, status, attempts, next_try, last_error, created)
			VALUES (?, ?, ?, ?, ?, 0, ?, '', ?)`,
			vigil.NewID(vigil.PrefixMessage, tx.now), hook, event, string(body),
			vigil.DeliveryPending, ms(tx.now), ms(tx.now))
		if err != nil {
			return fmt.Errorf("enqueue %s: %w", event, err)
		}
	}
	tx.enqueued = true
	return nil
}

// subscribers returns the row ids of the enabled webhooks subscribed to event.
func (tx *Tx) subscribers(event string) ([]int64, error) {
	rows, err := tx.QueryContext(tx.ctx, `SELECT w.id FROM webhook_events e
		JOIN webhooks w ON w.id = e.webhook_id WHERE e.event = ? AND w.enabled = 1`, event)
	if err != nil {
		return nil, fmt.Errorf("enqueue %s: %w", event, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("enqueue %s: %w", event, err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// webhookTime formats t as the API shows times: RFC 3339 in UTC with milliseconds.
func webhookTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

// ClaimDeliveries takes up to limit deliveries that are due, of enabled webhooks, oldest due
// first, for one attempt each: it counts the attempt and pushes their next try lease into the
// future, so no other worker takes them meanwhile and a worker that dies mid-attempt leaves them
// due again once the lease has run out. It first wraps any webhook secret still stored in clear
// by an earlier version, then unwraps the secrets of the webhooks it claims for.
func (db *DB) ClaimDeliveries(ctx context.Context, limit int, lease time.Duration) ([]vigil.Dispatch, error) {
	var claimed []vigil.Dispatch
	err := db.Update(ctx, func(tx *Tx) error {
		if err := tx.wrapPlainWebhookSecrets(); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, deliverySelect+`, w.url, w.secret_wrapped
			FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
			WHERE d.status = 'pending' AND d.next_try <= ? AND w.enabled = 1
			ORDER BY d.next_try, d.id LIMIT ?`, ms(tx.now), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var d vigil.Dispatch
			var wrapped []byte
			if err := scanDelivery(rows, &d.Delivery, &d.URL, &wrapped); err != nil {
				return err
			}
			if d.Secret, err = tx.unwrapWebhookSecret(d.WebhookID, wrapped); err != nil {
				return err
			}
			d.Attempts++
			d.NextTry = tx.now.Add(lease)
			claimed = append(claimed, d)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, d := range claimed {
			_, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET attempts = ?, next_try = ?
				WHERE public_id = ?`, d.Attempts, ms(d.NextTry), d.ID)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	return claimed, nil
}

// DeliverySucceeded records that the receiver took delivery id.
func (db *DB) DeliverySucceeded(ctx context.Context, id string) error {
	return db.Update(ctx, func(tx *Tx) error {
		return tx.finishDelivery(id, vigil.DeliveryDelivered, 0, "", "webhook.deliver")
	})
}

// DeliveryFailed records a failed attempt at delivery id with its reason: the delivery is tried
// again at retry, or, when retry is the zero time, given up as failed.
func (db *DB) DeliveryFailed(ctx context.Context, id, reason string, retry time.Time) error {
	return db.Update(ctx, func(tx *Tx) error {
		if retry.IsZero() {
			return tx.finishDelivery(id, vigil.DeliveryFailed, 0, reason, "webhook.give_up")
		}
		return tx.finishDelivery(id, vigil.DeliveryPending, ms(retry), reason, "")
	})
}

// finishDelivery stores the outcome of an attempt. Final outcomes are audited: they are what a
// platform's removal of content depended on; retries in between are not.
func (tx *Tx) finishDelivery(id string, status vigil.DeliveryStatus, next int64, reason, action string) error {
	res, err := tx.ExecContext(tx.ctx, `UPDATE webhook_deliveries SET status = ?, next_try = ?,
		last_error = ? WHERE public_id = ? AND status = 'pending'`, status, next, reason, id)
	if err != nil {
		return fmt.Errorf("delivery %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("delivery %s: not pending any more (webhook deleted?)", id)
	}
	if action == "" {
		return nil
	}
	detail, err := json.Marshal(map[string]string{"status": string(status), "error": reason})
	if err != nil {
		return err
	}
	return tx.Audit(action, "delivery", id, string(detail))
}

// PendingDeliveries counts the deliveries still to be made, for the outbox depth metric.
func (db *DB) PendingDeliveries(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("pending deliveries: %w", err)
	}
	return n, nil
}
