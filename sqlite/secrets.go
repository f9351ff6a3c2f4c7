package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
)

// Secret returns the named secret, generating size random bytes and storing them the first time
// it is asked for. The server calls it at start for every secret it needs, so a fresh database
// gets its keys before the first request.
func (db *DB) Secret(ctx context.Context, name string, size int) ([]byte, error) {
	var value []byte
	err := db.Update(ctx, func(tx *Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name = ?`, name).Scan(&value)
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		value = make([]byte, size)
		rand.Read(value)
		if _, err := tx.ExecContext(ctx, `INSERT INTO secrets (name, value) VALUES (?, ?)`, name, value); err != nil {
			return err
		}
		return tx.Audit("secret.create", "secret", name, "{}")
	})
	if err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	if len(value) != size {
		return nil, fmt.Errorf("secret %s: stored %d bytes, want %d", name, len(value), size)
	}
	return value, nil
}
