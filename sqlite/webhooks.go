package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/vigilproject/vigil"
)

// webhookAdmin refuses actors without the admin scope: webhooks carry details of matched content
// out of Vigil, so only administrators decide where they go.
func webhookAdmin(ctx context.Context) error {
	if !vigil.ActorFrom(ctx).Can(vigil.ScopeAdmin) {
		return vigil.Errorf(vigil.EFORBIDDEN, "managing webhooks needs the admin permission")
	}
	return nil
}

// CreateWebhook registers url for events, signed with secret, or with a generated secret when it
// is empty; the result carries the secret so it can be shown once. The secret is stored wrapped
// under the master key (see wrapWebhookSecret), never in clear.
func (db *DB) CreateWebhook(ctx context.Context, url, secret string, events []string) (vigil.Webhook, error) {
	if err := webhookAdmin(ctx); err != nil {
		return vigil.Webhook{}, err
	}
	err := errors.Join(vigil.CheckWebhookURL(url), vigil.CheckWebhookSecret(secret), vigil.CheckWebhookEvents(events))
	if err != nil {
		return vigil.Webhook{}, firstError(err)
	}
	if secret == "" {
		secret = newWebhookSecret()
	}
	var w vigil.Webhook
	err = db.Update(ctx, func(tx *Tx) error {
		w = vigil.Webhook{
			ID: vigil.NewID(vigil.PrefixWebhook, tx.now), URL: url, Events: sortEvents(events),
			Enabled: true, Created: tx.now, Secret: secret,
		}
		wrapped, err := tx.wrapWebhookSecret(w.ID, secret)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO webhooks (public_id, url, secret, secret_wrapped, enabled, created)
			VALUES (?, ?, '', ?, 1, ?)`, w.ID, w.URL, wrapped, ms(w.Created))
		if err != nil {
			return err
		}
		row, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if err := tx.setWebhookEvents(row, w.Events); err != nil {
			return err
		}
		return tx.Audit("webhook.create", "webhook", w.ID, webhookDetail(w))
	})
	if err != nil {
		return vigil.Webhook{}, fmt.Errorf("create webhook: %w", err)
	}
	return w, nil
}

// firstError returns the first error joined in err, so a client sees one clear reason.
func firstError(err error) error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()[0]
	}
	return err
}

// newWebhookSecret returns 32 random bytes in base64url with a prefix saying what it is.
func newWebhookSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "whsec_" + base64.RawURLEncoding.EncodeToString(b)
}

// sortEvents returns events in the order of vigil.Events, so stored and shown lists are stable.
func sortEvents(events []string) []string {
	out := slices.Clone(events)
	slices.SortFunc(out, func(a, b string) int {
		return slices.Index(vigil.Events, a) - slices.Index(vigil.Events, b)
	})
	return out
}

// webhookDetail is the audit detail of a webhook change: everything but the secret.
func webhookDetail(w vigil.Webhook) string {
	b, _ := json.Marshal(map[string]any{"url": w.URL, "events": w.Events, "enabled": w.Enabled})
	return string(b)
}

func (tx *Tx) setWebhookEvents(row int64, events []string) error {
	if _, err := tx.ExecContext(tx.ctx, `DELETE FROM webhook_events WHERE webhook_id = ?`, row); err != nil {
		return err
	}
	for _, e := range events {
		_, err := tx.ExecContext(tx.ctx, `INSERT INTO webhook_events (event, webhook_id) VALUES (?, ?)`, e, row)
		if err != nil {
			return err
		}
	}
	return nil
}

const webhookSelect = `SELECT w.public_id, w.url, w.enabled, w.created,
	(SELECT group_concat(e.event, ',') FROM webhook_events e WHERE e.webhook_id = w.id)
	FROM webhooks w`

// webhookQuerier is what both pools and transactions offer, so reads run inside or outside a write.
type webhookQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func listWebhooks(ctx context.Context, q webhookQuerier, where string, args ...any) ([]vigil.Webhook, error) {
	rows, err := q.QueryContext(ctx, webhookSelect+where+" ORDER BY w.public_id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var hooks []vigil.Webhook
	for rows.Next() {
		var w vigil.Webhook
		var created int64
		var events sql.NullString
		if err := rows.Scan(&w.ID, &w.URL, &w.Enabled, &created, &events); err != nil {
			return nil, err
		}
		w.Created = fromMS(created)
		if events.String != "" {
			w.Events = sortEvents(strings.Split(events.String, ","))
		}
		hooks = append(hooks, w)
	}
	return hooks, rows.Err()
}

// Webhooks returns every webhook, oldest first, without secrets.
func (db *DB) Webhooks(ctx context.Context) ([]vigil.Webhook, error) {
	if err := webhookAdmin(ctx); err != nil {
		return nil, err
	}
	hooks, err := listWebhooks(ctx, db.read, "")
	if err != nil {
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	return hooks, nil
}

// Webhook returns the webhook with public id id, without its secret.
func (db *DB) Webhook(ctx context.Context, id string) (vigil.Webhook, error) {
	if err := webhookAdmin(ctx); err != nil {
		return vigil.Webhook{}, err
	}
	return oneWebhook(ctx, db.read, id)
}

func oneWebhook(ctx context.Context, q webhookQuerier, id string) (vigil.Webhook, error) {
	hooks, err := listWebhooks(ctx, q, " WHERE w.public_id = ?", id)
	if err != nil {
		return vigil.Webhook{}, fmt.Errorf("webhook %s: %w", id, err)
	}
	if len(hooks) == 0 {
		return vigil.Webhook{}, vigil.Errorf(vigil.ENOTFOUND, "no webhook %q", id)
	}
	return hooks[0], nil
}

// webhookRow returns the row id of the webhook with public id id.
func (tx *Tx) webhookRow(id string) (int64, error) {
	var row int64
	err := tx.QueryRowContext(tx.ctx, `SELECT id FROM webhooks WHERE public_id = ?`, id).Scan(&row)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, vigil.Errorf(vigil.ENOTFOUND, "no webhook %q", id)
	}
	return row, err
}

// UpdateWebhook changes the URL, events or enabled state of webhook id. A disabled webhook gets
// no new deliveries and its pending ones wait until it is enabled again.
func (db *DB) UpdateWebhook(ctx context.Context, id string, u vigil.WebhookUpdate) (vigil.Webhook, error) {
	if err := webhookAdmin(ctx); err != nil {
		return vigil.Webhook{}, err
	}
	if u.URL != nil {
		if err := vigil.CheckWebhookURL(*u.URL); err != nil {
			return vigil.Webhook{}, err
		}
	}
	if u.Events != nil {
		if err := vigil.CheckWebhookEvents(u.Events); err != nil {
			return vigil.Webhook{}, err
		}
	}
	var w vigil.Webhook
	err := db.Update(ctx, func(tx *Tx) error {
		row, err := tx.webhookRow(id)
		if err != nil {
			return err
		}
		if u.URL != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE webhooks SET url = ? WHERE id = ?`, *u.URL, row); err != nil {
				return err
			}
		}
		if u.Enabled != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE webhooks SET enabled = ? WHERE id = ?`, *u.Enabled, row); err != nil {
				return err
			}
		}
		if u.Events != nil {
			if err := tx.setWebhookEvents(row, sortEvents(u.Events)); err != nil {
				return err
			}
		}
		if w, err = oneWebhook(ctx, tx, id); err != nil {
			return err
		}
		return tx.Audit("webhook.update", "webhook", id, webhookDetail(w))
	})
	if err != nil {
		return vigil.Webhook{}, fmt.Errorf("update webhook %s: %w", id, err)
	}
	return w, nil
}

// DeleteWebhook removes webhook id with its deliveries, sent or not.
func (db *DB) DeleteWebhook(ctx context.Context, id string) error {
	if err := webhookAdmin(ctx); err != nil {
		return err
	}
	err := db.Update(ctx, func(tx *Tx) error {
		row, err := tx.webhookRow(id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM webhooks WHERE id = ?`, row); err != nil {
			return err
		}
		return tx.Audit("webhook.delete", "webhook", id, "{}")
	})
	if err != nil {
		return fmt.Errorf("delete webhook %s: %w", id, err)
	}
	return nil
}
