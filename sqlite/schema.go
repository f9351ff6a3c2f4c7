package sqlite

import (
	"context"
	"fmt"
)

// SchemaVersion returns the number of the newest migration applied to the database, for
// `vigil migrate` to report.
func (db *DB) SchemaVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := db.read.QueryRowContext(ctx, `SELECT coalesce(max(version_id), 0) FROM goose_db_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}
