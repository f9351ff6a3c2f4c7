// Package sqlite stores Vigil's state in an embedded SQLite database (modernc.org/sqlite, pure
// Go) in WAL mode. Writes go through one connection, so they are serialised inside the process
// and each service call is one transaction that also appends its audit event; reads use a pool
// of their own and never wait for writers.
//
// The database is bound to a master key kept outside it (package masterkey): stored secrets
// are wrapped under it and the audit chain is keyed by it, so a copy of the database file
// alone reveals no secret and cannot be rewritten undetected.
package sqlite

import (
	"context"
	"crypto/hmac"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/masterkey"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is an open Vigil database.
type DB struct {
	path  string
	write *sql.DB // one connection: every write transaction
	read  *sql.DB // readers, concurrent with the writer under WAL
	key   masterkey.Key
	// auditKey keys the audit chain's HMACs; derived from the master key.
	auditKey []byte
	Clock    vigil.Clock
	// OnEnqueue, when set, is called after a transaction that queued outbound messages commits,
	// so the delivery worker starts at once instead of at its next poll.
	OnEnqueue func()
	evidence  evidenceConfig // the evidence vault and retention policy (evidence.go)
	// flushWAL is set when a sweep erased rows whose bytes must leave the write-ahead log too
	// (evidence_sweep.go).
	flushWAL atomic.Bool
}

// Option configures Open.
type Option func(*options)

type options struct {
	key *masterkey.Key
}

// WithMasterKey opens the database with key, which wraps its secrets and keys its audit chain.
// The first Open binds the database to its key; opening it later with another key fails with
// ErrWrongMasterKey.
func WithMasterKey(key masterkey.Key) Option {
	return func(o *options) { o.key = &key }
}

// ErrWrongMasterKey is returned by Open when the database is bound to another master key.
var ErrWrongMasterKey = errors.New("the database is bound to another master key")

// Open opens (creating when missing) the database file at path, applies pending migrations and
// returns it. clock timestamps everything the store writes. Without WithMasterKey the key is
// read from masterkey.DefaultFile in the database's directory, created there when missing:
// "vigil serve"'s default, and what tests use; the command line passes its key explicitly.
func Open(ctx context.Context, path string, clock vigil.Clock, opts ...Option) (*DB, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if o.key == nil {
		key, _, err := masterkey.LoadOrCreate(filepath.Join(filepath.Dir(path), masterkey.DefaultFile))
		if err != nil {
			return nil, fmt.Errorf("open database %s: %w", path, err)
		}
		o.key = &key
	}
	db := &DB{path: path, Clock: clock, key: *o.key, auditKey: o.key.Derive("audit chain")}
	var err error
	if db.write, err = openPool(path, "immediate", 1); err != nil {
		return nil, err
	}
	if db.read, err = openPool(path, "deferred", 8); err != nil {
		db.write.Close()
		return nil, err
	}
	// The database holds matched content and hash lists: only its owner may read it. SQLite
	// creates the -wal and -shm files with the database file's mode.
	if err := os.Chmod(path, 0o600); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.bindKey(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// bindKey records which master key the database uses when it has none yet, and otherwise
// checks that it is this one.
func (db *DB) bindKey(ctx context.Context) error {
	check := db.key.Derive("database binding")
	err := db.Update(ctx, func(tx *Tx) error {
		var stored []byte
		err := tx.QueryRowContext(ctx, `SELECT check_value FROM master_key WHERE id = 1`).Scan(&stored)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.ExecContext(ctx, `INSERT INTO master_key (id, check_value) VALUES (1, ?)`, check)
			return err
		case err != nil:
			return err
		case !hmac.Equal(stored, check):
			return ErrWrongMasterKey
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("open database %s: %w", db.path, err)
	}
	return nil
}

// openPool opens a connection pool on path with Vigil's pragmas: WAL, full fsync at commit so an
// acknowledged write survives power loss, foreign keys on, a busy timeout so another process
// (the command line while the server runs) waits instead of failing, and secure_delete so the
// bytes of deleted rows (uploads that did not match, media of closed cases) are overwritten
// with zeros instead of lingering in free pages. Under WAL the zeroed pages reach the database
// file at the next checkpoint; until the WAL is reset or truncated, its older frames may still
// hold the deleted bytes.
func openPool(path, txlock string, conns int) (*sql.DB, error) {
	q := url.Values{}
	q.Set("_txlock", txlock)
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(ON)", "busy_timeout(10000)", "secure_delete(ON)"} {
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

// migrator returns the goose provider of the embedded migrations on the write connection.
func (db *DB) migrator() (*goose.Provider, error) {
	files, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db.write, files, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		return nil, fmt.Errorf("migrate %s: %w", db.path, err)
	}
	return p, nil
}

func (db *DB) migrate(ctx context.Context) ([]int64, error) {
	p, err := db.migrator()
	if err != nil {
		return nil, err
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

// Backup writes a consistent copy of the live database to path, which must not exist. The copy
// is bound to the same master key: restoring it needs that key, kept apart from the backup.
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
