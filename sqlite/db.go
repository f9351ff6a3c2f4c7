// Package sqlite stores Vigil's state in an embedded SQLite database (modernc.org/sqlite, pure
// Go) in WAL mode. Writes go through one connection, so they are serialised inside the process
// and each service call is one transaction that also appends its audit event; reads use a pool
// of their own and never wait for writers.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/vigilproject/vigil"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is an open Vigil database.
type DB struct {
	path  string
	write *sql.DB // one connection: every write transaction
	read  *sql.DB // readers, concurrent with the writer under WAL
	Clock vigil.Clock
	// OnEnqueue, when set, is called after a transaction that queued outbound messages commits,
	// so the delivery worker starts at once instead of at its next poll.
	OnEnqueue func()
}

// Open opens (creating when missing) the database file at path, applies pending migrations and
// returns it. clock timestamps everything the store writes.
func Open(ctx context.Context, path string, clock vigil.Clock) (*DB, error) {
	db := &DB{path: path, Clock: clock}
	var err error
	if db.write, err = openPool(path, "immediate", 1); err != nil {
		return nil, err
	}
	if db.read, err = openPool(path, "deferred", 8); err != nil {
		db.write.Close()
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// openPool opens a connection pool on path with Vigil's pragmas: WAL, full fsync at commit so an
// acknowledged write survives power loss, foreign keys on, and a busy timeout so another process
// (the command line while the server runs) waits instead of failing.
func openPool(path, txlock string, conns int) (*sql.DB, error) {
	q := url.Values{}
	q.Set("_txlock", txlock)
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(ON)", "busy_timeout(10000)"} {
		q.Add("_pragma", p)
	}
	pool, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	pool.SetMaxOpenConns(conns)
	pool.SetMaxIdleConns(conns)
	pool.SetConnMaxIdleTime(0)
	if err := pool.Ping(); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return pool, nil
}

// Migrate applies the migrations the database lacks. Migrations are numbered SQL files embedded
// in the binary and only ever go forward.
func (db *DB) Migrate(ctx context.Context) error {
	_, err := db.migrate(ctx)
	return err
}

// MigrateReport applies pending migrations and returns the versions it applied, for `vigil migrate`.
func (db *DB) MigrateReport(ctx context.Context) ([]int64, error) { return db.migrate(ctx) }

func (db *DB) migrate(ctx context.Context) ([]int64, error) {
	files, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db.write, files, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return nil, fmt.Errorf("migrate %s: %w", db.path, err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate %s: %w", db.path, err)
	}
	applied := make([]int64, 0, len(results))
	for _, r := range results {
		applied = append(applied, r.Source.Version)
	}
	return applied, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	return errors.Join(db.write.Close(), db.read.Close())
}

// Ping reports whether the database answers, for readiness checks.
func (db *DB) Ping(ctx context.Context) error {
	return db.read.PingContext(ctx)
}

// Backup writes a consistent copy of the live database to path, which must not exist.
func (db *DB) Backup(ctx context.Context, path string) error {
	if _, err := db.write.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// Tx is a write transaction. Services append their audit event to it so the change and its
// record commit together or not at all.
type Tx struct {
	*sql.Tx
	db  *DB
	ctx context.Context
	now time.Time
	// enqueued is set by Enqueue when the transaction queues an outbound message.
	enqueued bool
}

// Update runs fn in a write transaction and commits when it returns nil.
func (db *DB) Update(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{Tx: sqlTx, db: db, ctx: ctx, now: db.Clock.Now()}
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if tx.enqueued && db.OnEnqueue != nil {
		db.OnEnqueue()
	}
	return nil
}

// Now is the transaction's time: every row it writes carries the same timestamp.
func (tx *Tx) Now() time.Time { return tx.now }

// ms stores a time as Unix milliseconds, the schema's one representation of time; the zero time
// is stored as 0.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMS reverses ms.
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}
