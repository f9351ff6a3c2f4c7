package sqlite

import "fmt"

// webhookSecretName is the name a webhook's signing secret is wrapped under. Wrapping
// authenticates it, so a wrapped secret copied into another webhook's row does not open.
func webhookSecretName(id string) string { return "webhook:" + id }

// wrapWebhookSecret wraps secret for the row of the webhook with public id id.
func (tx *Tx) wrapWebhookSecret(id, secret string) ([]byte, error) {
	wrapped, err := tx.db.key.Wrap(webhookSecretName(id), []byte(secret))
	if err != nil {
		return nil, fmt.Errorf("webhook %s secret: %w", id, err)
	}
	return wrapped, nil
}

// unwrapWebhookSecret opens the secret wrapped in the row of the webhook with public id id.
func (tx *Tx) unwrapWebhookSecret(id string, wrapped []byte) (string, error) {
	secret, err := tx.db.key.Unwrap(webhookSecretName(id), wrapped)
	if err != nil {
		return "", fmt.Errorf("webhook %s secret: %w", id, err)
	}
	return string(secret), nil
}

// plainWebhookSecret is a webhook row whose secret is still in clear.
type plainWebhookSecret struct {
	row    int64
	id     string
	secret string
}

// wrapPlainWebhookSecrets wraps the secrets that webhooks created before wrapping existed keep
// in clear, and empties their clear column, recording each in the audit log.
func (tx *Tx) wrapPlainWebhookSecrets() error {
	plain, err := tx.plainWebhookSecrets()
	if err != nil {
		return fmt.Errorf("wrap webhook secrets: %w", err)
	}
	for _, p := range plain {
		wrapped, err := tx.wrapWebhookSecret(p.id, p.secret)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(tx.ctx, `UPDATE webhooks SET secret = '', secret_wrapped = ? WHERE id = ?`,
			wrapped, p.row)
		if err != nil {
			return fmt.Errorf("wrap webhook %s secret: %w", p.id, err)
		}
		if err := tx.Audit("secret.wrap", "webhook", p.id, "{}"); err != nil {
			return err
		}
	}
	return nil
}

// plainWebhookSecrets returns the webhooks whose secret is not wrapped yet.
func (tx *Tx) plainWebhookSecrets() ([]plainWebhookSecret, error) {
	rows, err := tx.QueryContext(tx.ctx, `SELECT id, public_id, secret FROM webhooks WHERE secret_wrapped IS NULL`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var plain []plainWebhookSecret
	for rows.Next() {
		var p plainWebhookSecret
		if err := rows.Scan(&p.row, &p.id, &p.secret); err != nil {
			return nil, err
		}
		plain = append(plain, p)
	}
	return plain, rows.Err()
}
