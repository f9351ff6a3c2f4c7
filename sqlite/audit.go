package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/audit"
)

// Audit appends an audit event by the context's actor to the transaction.
func (tx *Tx) Audit(action, objectType, objectID, detail string) error {
	var seq int64
	prev := audit.Genesis
	err := tx.QueryRowContext(tx.ctx, `SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1`).Scan(&seq, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	a := vigil.ActorFrom(tx.ctx)
	e := vigil.AuditEvent{
		Seq: seq + 1, Time: tx.now, ActorKind: a.Kind, ActorID: a.ID, ActorName: a.Name,
		Action: action, ObjectType: objectType, ObjectID: objectID, Detail: detail,
	}
	audit.Seal(tx.db.auditKey, &e, prev)
	_, err = tx.ExecContext(tx.ctx, `INSERT INTO audit_events
		(seq, time, time_ms, actor_kind, actor_id, actor_name, action, object_type, object_id, detail, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, e.Time.Format(auditTime), ms(e.Time), e.ActorKind, e.ActorID, e.ActorName, e.Action,
		e.ObjectType, e.ObjectID, e.Detail, e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// auditTime keeps the event time exactly as hashed, to the nanosecond, so verification re-hashes
// the same text. Filters use the time_ms column instead: text does not sort as time does.
const auditTime = "2006-01-02T15:04:05.999999999Z07:00"

// RecordView writes an audit event for reading something sensitive.
func (db *DB) RecordView(ctx context.Context, action, objectType, objectID, detail string) error {
	return db.Update(ctx, func(tx *Tx) error { return tx.Audit(action, objectType, objectID, detail) })
}

// AuditEvents returns the events f selects, in sequence order.
func (db *DB) AuditEvents(ctx context.Context, f vigil.AuditFilter) ([]vigil.AuditEvent, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	if f.ActorID != "" {
		add("actor_id = ?", f.ActorID)
	}
	if f.ObjectType != "" {
		add("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		add("object_id = ?", f.ObjectID)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	// Times are compared to the millisecond, the precision of time_ms.
	if !f.From.IsZero() {
		add("time_ms >= ?", f.From.UnixMilli())
	}
	if !f.To.IsZero() {
		add("time_ms < ?", f.To.UnixMilli())
	}
	add("seq > ?", f.AfterSeq)
	q := auditSelect + " WHERE " + strings.Join(where, " AND ") + " ORDER BY seq LIMIT ?"
	rows, err := db.read.QueryContext(ctx, q, append(args, pageLimit(f.Limit))...)
	if err != nil {
		return nil, fmt.Errorf("audit events: %w", err)
	}
	defer rows.Close()
	var events []vigil.AuditEvent
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		events = append(events, e)
	}
	return events, rows.Err()
}

// VerifyAudit checks the whole audit chain under the database's audit key and returns its
// head, or the head of the intact part and an *audit.BrokenLinkError naming the first broken
// event.
func (db *DB) VerifyAudit(ctx context.Context) (audit.Head, error) {
	return audit.Verify(db.auditKey, db.AllAuditEvents(ctx))
}

// AllAuditEvents yields the whole log in sequence order, for `vigil audit verify`.
func (db *DB) AllAuditEvents(ctx context.Context) iter.Seq2[vigil.AuditEvent, error] {
	return func(yield func(vigil.AuditEvent, error) bool) {
		rows, err := db.read.QueryContext(ctx, auditSelect+" ORDER BY seq")
		if err != nil {
			yield(vigil.AuditEvent{}, fmt.Errorf("audit events: %w", err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanAudit(rows)
			if !yield(e, err) || err != nil {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(vigil.AuditEvent{}, fmt.Errorf("audit events: %w", err))
		}
	}
}

const auditSelect = `SELECT seq, time, actor_kind, actor_id, actor_name, action, object_type,
	object_id, detail, prev_hash, hash FROM audit_events`

func scanAudit(rows *sql.Rows) (vigil.AuditEvent, error) {
	var e vigil.AuditEvent
	var t string
	err := rows.Scan(&e.Seq, &t, &e.ActorKind, &e.ActorID, &e.ActorName, &e.Action,
		&e.ObjectType, &e.ObjectID, &e.Detail, &e.PrevHash, &e.Hash)
	if err != nil {
		return e, fmt.Errorf("audit event: %w", err)
	}
	if e.Time, err = time.Parse(auditTime, t); err != nil {
		return e, fmt.Errorf("audit event %d: time %q: %w", e.Seq, t, err)
	}
	return e, nil
}

// pageLimit applies the API's paging rule: 50 by default, at most 500.
func pageLimit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 500:
		return 500
	}
	return n
}
