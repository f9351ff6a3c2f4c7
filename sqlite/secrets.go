package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"

	"github.com/vigilproject/vigil/masterkey"
)

// Secret returns the named secret, generating size random bytes and storing them the first time
// it is asked for. The server calls it at start for every secret it needs, so a fresh database
// gets its keys before the first request.
func (db *DB) Secret(ctx context.Context, name string, size int) ([]byte, error) {
	var value []byte
	err := db.Update(ctx, func(tx *Tx) error {
		var err error
		value, err = tx.Secret(name, size)
		return err
	})
	return value, err
}

// Secret returns the named secret of size bytes, generating it in tx the first time. Secrets
// are stored wrapped under the master key (masterkey.Key.Wrap), never in clear; a secret stored
// in clear by an earlier version is wrapped in place when first read.
func (tx *Tx) Secret(name string, size int) ([]byte, error) {
	var stored []byte
	err := tx.QueryRowContext(tx.ctx, `SELECT value FROM secrets WHERE name = ?`, name).Scan(&stored)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		value := make([]byte, size)
		rand.Read(value)
		return value, tx.storeSecret(`INSERT INTO secrets (value, name) VALUES (?, ?)`, "secret.create", name, value)
	case err != nil:
		return nil, fmt.Errorf("secret %s: %w", name, err)
	case !masterkey.IsWrapped(stored) && len(stored) == size:
		return stored, tx.storeSecret(`UPDATE secrets SET value = ? WHERE name = ?`, "secret.wrap", name, stored)
	}
	value, err := tx.db.key.Unwrap(name, stored)
	if err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	if len(value) != size {
		return nil, fmt.Errorf("secret %s: stored %d bytes, want %d", name, len(value), size)
	}
	return value, nil
}

// storeSecret wraps value and writes it under name with query (value, name), recording action
// in the audit log.
func (tx *Tx) storeSecret(query, action, name string, value []byte) error {
	wrapped, err := tx.db.key.Wrap(name, value)
	if err != nil {
		return fmt.Errorf("secret %s: %w", name, err)
	}
	if _, err := tx.ExecContext(tx.ctx, query, wrapped, name); err != nil {
		return fmt.Errorf("secret %s: %w", name, err)
	}
	return tx.Audit(action, "secret", name, "{}")
}
