package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/signal"
)

const entryColumns = `id, signal_type, signal, supplier_id, category, note, disabled_until, added`

// scanEntry reads a row of entryColumns into an entry of bank.
func scanEntry(scan func(...any) error, bank string) (match.Entry, error) {
	e := match.Entry{Bank: bank}
	var disabled, added int64
	err := scan(&e.ID, &e.Signal.Type, &e.Signal.Value, &e.SupplierID, &e.Category, &e.Note, &disabled, &added)
	e.DisabledUntil, e.Added = fromMS(disabled), fromMS(added)
	return e, err
}

// readTx runs fn in a read transaction, so that it sees one state of the database.
func (s *BankStore) readTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()
	return fn(tx)
}

// scanEntries calls fn with each entry of bank that the SQL condition where (over bank_entries,
// with args) selects, in id order, at most limit of them when limit is above 0. It reads them in
// one read transaction, so they are of one state of the database, one row at a time, so that a
// bank of millions of entries is never held whole.
func (s *BankStore) scanEntries(ctx context.Context, bank, where string, args []any, limit int, fn func(match.Entry) error) error {
	if err := match.ValidateName(bank); err != nil {
		return invalid(err)
	}
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		id, err := bankID(ctx, tx, bank)
		if err != nil {
			return err
		}
		q := `SELECT ` + entryColumns + ` FROM bank_entries WHERE bank_id = ?` + where + ` ORDER BY id`
		args = append([]any{id}, args...)
		if limit > 0 {
			q += ` LIMIT ?`
			args = append(args, limit)
		}
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanEntry(rows.Scan, bank)
			if err != nil {
				return err
			}
			if err := fn(e); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("bank %s: entries: %w", bank, err)
	}
	return nil
}

// entries returns the entries that scanEntries would hand out.
func (s *BankStore) entries(ctx context.Context, bank, where string, args []any, limit int) ([]match.Entry, error) {
	var entries []match.Entry
	err := s.scanEntries(ctx, bank, where, args, limit, func(e match.Entry) error {
		entries = append(entries, e)
		return nil
	})
	return entries, err
}

var _ match.EntryScanner = (*BankStore)(nil)

// ScanEntries calls fn with every entry of bank, in the order they were added, one at a time, and
// stops with the first error fn returns. It is the Matcher's read and is not audited.
func (s *BankStore) ScanEntries(ctx context.Context, bank string, fn func(match.Entry) error) error {
	return s.scanEntries(ctx, bank, "", nil, 0, fn)
}

// Entries returns every entry of bank, in the order they were added. It is the Matcher's read
// and is not audited; the API reads through EntryPage and Export.
func (s *BankStore) Entries(ctx context.Context, bank string) ([]match.Entry, error) {
	return s.entries(ctx, bank, "", nil, 0)
}

// CountEntries returns the number of entries of bank.
func (s *BankStore) CountEntries(ctx context.Context, bank string) (int, error) {
	if err := match.ValidateName(bank); err != nil {
		return 0, invalid(err)
	}
	var n int
	err := s.db.read.QueryRowContext(ctx, `SELECT count(e.id) FROM banks b
		LEFT JOIN bank_entries e ON e.bank_id = b.id WHERE b.name = ?
		GROUP BY b.id`, bank).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, bankNotFound(bank)
	}
	if err != nil {
		return 0, fmt.Errorf("bank %s: count entries: %w", bank, err)
	}
	return n, nil
}

// valuesVisible reports whether the actor of ctx may see the signal values of entries: admins
// only, so that copying a hash list out of Vigil, page by page or entry by entry, stays an
// administrator's act. Others see everything else of an entry, and find entries by signal.
func valuesVisible(ctx context.Context) bool {
	return vigil.ActorFrom(ctx).Can(vigil.ScopeAdmin)
}

// hideValues clears the signal values of entries, keeping their types.
func hideValues(entries []match.Entry) {
	for i := range entries {
		entries[i].Signal.Value = ""
	}
}

// EntryPage returns the entries of bank that q selects, in id order, and records the read in
// the audit log (action bank.read_entries). Signal values are left empty unless the context's
// actor is an admin or q searches by signal, whose value the caller knows already.
func (s *BankStore) EntryPage(ctx context.Context, bank string, q vigil.EntryQuery) ([]match.Entry, error) {
	var where strings.Builder
	args := []any{q.After}
	where.WriteString(` AND id > ?`)
	if q.Signal != (signal.Signal{}) {
		where.WriteString(` AND signal_type = ? AND signal = ?`)
		args = append(args, q.Signal.Type, q.Signal.Value)
	}
	if q.SupplierID != "" {
		where.WriteString(` AND supplier_id = ?`)
		args = append(args, q.SupplierID)
	}
	entries, err := s.entries(ctx, bank, where.String(), args, pageLimit(q.Limit))
	if err != nil {
		return nil, err
	}
	values := valuesVisible(ctx)
	if !values && q.Signal == (signal.Signal{}) {
		hideValues(entries)
	}
	detail := map[string]any{"after": q.After, "count": len(entries), "search": q.Signal.Type != "" || q.SupplierID != "",
		"values": values}
	if err := s.db.RecordView(ctx, "bank.read_entries", "bank", bank, auditDetail(detail)); err != nil {
		return nil, err
	}
	return entries, nil
}

// Entry returns the entry of bank with the given id and records the read in the audit log
// (action bank.read_entry). Its signal value is left empty unless the context's actor is an
// admin.
func (s *BankStore) Entry(ctx context.Context, bank string, id uint32) (match.Entry, error) {
	entries, err := s.entries(ctx, bank, ` AND id = ?`, []any{id}, 1)
	if err != nil {
		return match.Entry{}, err
	}
	if len(entries) == 0 {
		return match.Entry{}, fmt.Errorf("bank %s: entry %d: %w", bank, id, match.ErrNotFound)
	}
	values := valuesVisible(ctx)
	if !values {
		hideValues(entries)
	}
	detail := map[string]any{"entry": id, "values": values}
	if err := s.db.RecordView(ctx, "bank.read_entry", "bank", bank, auditDetail(detail)); err != nil {
		return match.Entry{}, err
	}
	return entries[0], nil
}

// Export returns every entry of bank and records the export in the audit log (action
// bank.export). Only admins may export.
func (s *BankStore) Export(ctx context.Context, bank string) ([]match.Entry, error) {
	if !valuesVisible(ctx) {
		return nil, vigil.Errorf(vigil.EFORBIDDEN, "bank %s: only admins may export a bank", bank)
	}
	entries, err := s.Entries(ctx, bank)
	if err != nil {
		return nil, err
	}
	if err := s.db.RecordView(ctx, "bank.export", "bank", bank, auditDetail(map[string]int{"entries": len(entries)})); err != nil {
		return nil, err
	}
	return entries, nil
}

// SignalStats counts, per signal type, the entries of the enabled banks and finds when the
// newest was added.
func (s *BankStore) SignalStats(ctx context.Context) (map[signal.Type]vigil.SignalStat, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT e.signal_type, count(*), max(e.added)
		FROM bank_entries e JOIN banks b ON b.id = e.bank_id WHERE b.enabled = 1 GROUP BY e.signal_type`)
	if err != nil {
		return nil, fmt.Errorf("signal stats: %w", err)
	}
	defer rows.Close()
	stats := map[signal.Type]vigil.SignalStat{}
	for rows.Next() {
		var typ signal.Type
		var st vigil.SignalStat
		var newest int64
		if err := rows.Scan(&typ, &st.Count, &newest); err != nil {
			return nil, fmt.Errorf("signal stats: %w", err)
		}
		st.Newest = fromMS(newest)
		stats[typ] = st
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("signal stats: %w", err)
	}
	return stats, nil
}

var _ match.EntryDisabler = (*BankStore)(nil)

// maxAuditedIDs bounds the entry ids an audit event lists; the event counts them all.
const maxAuditedIDs = 100

// SetDisabledUntil sets the DisabledUntil of the entries of bank with the given ids to until,
// kept in UTC to the millisecond; the zero time makes them match again. It changes all or none:
// when an id is not in bank, the error wraps match.ErrNotFound and nothing changes. The change is
// recorded as bank.disable_entries, or bank.enable_entries for the zero time, with the ids.
func (s *BankStore) SetDisabledUntil(ctx context.Context, bank string, ids []uint32, until time.Time) error {
	if err := match.ValidateName(bank); err != nil {
		return invalid(err)
	}
	until = storedTime(until)
	return s.db.Update(ctx, func(tx *Tx) error {
		id, err := bankID(ctx, tx, bank)
		if err != nil || len(ids) == 0 {
			return err
		}
		unique := slices.Compact(slices.Sorted(slices.Values(ids)))
		var missing []uint32
		for _, entry := range unique {
			res, err := tx.ExecContext(ctx, `UPDATE bank_entries SET disabled_until = ? WHERE id = ? AND bank_id = ?`,
				ms(until), entry, id)
			if err != nil {
				return fmt.Errorf("bank %s: disable entry %d: %w", bank, entry, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("bank %s: disable entry %d: %w", bank, entry, err)
			}
			if n == 0 {
				missing = append(missing, entry)
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("bank %s: entry %d: %w (%d of the ids are not in the bank; nothing was changed)",
				bank, missing[0], match.ErrNotFound, len(missing))
		}
		return changed(ctx, tx, disableAction(until), bank, disableDetail(unique, until))
	})
}

// disableAction is the audit action of setting DisabledUntil to until.
func disableAction(until time.Time) string {
	if until.IsZero() {
		return "bank.enable_entries"
	}
	return "bank.disable_entries"
}

// disableDetail is the audit detail of setting DisabledUntil of the entries ids to until: the
// time (null for none), how many entries, and the first maxAuditedIDs of their ids.
func disableDetail(ids []uint32, until time.Time) map[string]any {
	var at any
	if !until.IsZero() {
		at = until.Format("2006-01-02T15:04:05.000Z07:00")
	}
	return map[string]any{"disabled_until": at, "entries": len(ids), "ids": ids[:min(len(ids), maxAuditedIDs)]}
}
