package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/match"
)

// BankStore keeps banks and their entries in the database: the match.Store the Matcher writes
// through and the vigil.BankService the API reads. Every change is one transaction that also
// appends its audit event, by the actor of the context it is given.
type BankStore struct {
	db *DB
}

var (
	_ vigil.BankService = (*BankStore)(nil)
	_ match.Versioned   = (*BankStore)(nil)
)

// NewBankStore returns the bank store of db.
func NewBankStore(db *DB) *BankStore { return &BankStore{db: db} }

// invalid turns a validation failure into the application error clients see.
func invalid(err error) error {
	return vigil.Errorf(vigil.EINVALID, "%v", err)
}

// bankNotFound is the error for a bank that does not exist, as every match.Store words it.
func bankNotFound(name string) error {
	return fmt.Errorf("bank %s: %w", name, match.ErrNotFound)
}

// auditDetail encodes an audit event's detail.
func auditDetail(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("audit detail %T: %v", v, err)) // only maps of plain values are passed
	}
	return string(b)
}

// bankSettings is a bank's settings as an audit event records them.
func bankSettings(b match.Bank) map[string]any {
	return map[string]any{
		"kind": b.Kind, "threshold": b.Threshold, "min_quality": b.MinQuality, "enabled": b.Enabled,
		"source": b.Source, "licence": b.Licence, "version": b.Version,
	}
}

// changed records a change to the bank called bank in tx: its audit event, and one more
// StoreVersion.
func changed(ctx context.Context, tx *Tx, action, bank string, detail any) error {
	if _, err := tx.ExecContext(ctx, `UPDATE bank_store_version SET version = version + 1`); err != nil {
		return fmt.Errorf("%s %s: %w", action, bank, err)
	}
	return tx.Audit(action, "bank", bank, auditDetail(detail))
}

// StoreVersion returns the number of the banks' current state (see match.Versioned): every
// change to banks or entries increases it by one in the change's own transaction.
func (s *BankStore) StoreVersion(ctx context.Context) (uint64, error) {
	var v int64
	if err := s.db.read.QueryRowContext(ctx, `SELECT version FROM bank_store_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("bank store version: %w", err)
	}
	return uint64(v), nil
}

// CreateBank stores a new, empty bank, setting Created to the transaction's time when zero. It
// fails with an error wrapping match.ErrExists when the name is taken.
func (s *BankStore) CreateBank(ctx context.Context, b match.Bank) error {
	if err := b.Validate(); err != nil {
		return invalid(err)
	}
	return s.db.Update(ctx, func(tx *Tx) error {
		if b.Created.IsZero() {
			b.Created = tx.Now()
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO banks
			(name, kind, threshold, min_quality, enabled, source, licence, version, created)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
			b.Name, b.Kind, b.Threshold, b.MinQuality, b.Enabled, b.Source, b.Licence, b.Version, ms(b.Created))
		if err != nil {
			return fmt.Errorf("create bank %s: %w", b.Name, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, fmt.Errorf("bank %s: %w", b.Name, match.ErrExists))
		}
		return changed(ctx, tx, "bank.create", b.Name, bankSettings(b))
	})
}

// UpdateBank replaces the settings of the bank called b.Name, keeping its creation time.
func (s *BankStore) UpdateBank(ctx context.Context, b match.Bank) error {
	if err := b.Validate(); err != nil {
		return invalid(err)
	}
	return s.db.Update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE banks SET kind = ?, threshold = ?, min_quality = ?,
			enabled = ?, source = ?, licence = ?, version = ? WHERE name = ?`,
			b.Kind, b.Threshold, b.MinQuality, b.Enabled, b.Source, b.Licence, b.Version, b.Name)
		if err != nil {
			return fmt.Errorf("update bank %s: %w", b.Name, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, bankNotFound(b.Name))
		}
		return changed(ctx, tx, "bank.update", b.Name, bankSettings(b))
	})
}

// DeleteBank deletes the bank called name and its entries.
func (s *BankStore) DeleteBank(ctx context.Context, name string) error {
	if err := match.ValidateName(name); err != nil {
		return invalid(err)
	}
	return s.db.Update(ctx, func(tx *Tx) error {
		id, err := bankID(ctx, tx, name)
		if err != nil {
			return err
		}
		var entries int
		err = tx.QueryRowContext(ctx, `SELECT count(*) FROM bank_entries WHERE bank_id = ?`, id).Scan(&entries)
		if err != nil {
			return fmt.Errorf("delete bank %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM banks WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete bank %s: %w", name, err)
		}
		return changed(ctx, tx, "bank.delete", name, map[string]int{"entries": entries})
	})
}

// querier is what reads need of a pool or a transaction.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// bankID returns the row id of the bank called name.
func bankID(ctx context.Context, q querier, name string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM banks WHERE name = ?`, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, bankNotFound(name)
	}
	if err != nil {
		return 0, fmt.Errorf("bank %s: %w", name, err)
	}
	return id, nil
}

const bankColumns = `name, kind, threshold, min_quality, enabled, source, licence, version, created`

// scanBank reads a row of bankColumns.
func scanBank(scan func(...any) error) (match.Bank, error) {
	var b match.Bank
	var created int64
	err := scan(&b.Name, &b.Kind, &b.Threshold, &b.MinQuality, &b.Enabled, &b.Source, &b.Licence, &b.Version, &created)
	b.Created = fromMS(created)
	return b, err
}

// Bank returns the bank called name.
func (s *BankStore) Bank(ctx context.Context, name string) (match.Bank, error) {
	if err := match.ValidateName(name); err != nil {
		return match.Bank{}, invalid(err)
	}
	b, err := scanBank(s.db.read.QueryRowContext(ctx, `SELECT `+bankColumns+` FROM banks WHERE name = ?`, name).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return match.Bank{}, bankNotFound(name)
	}
	if err != nil {
		return match.Bank{}, fmt.Errorf("bank %s: %w", name, err)
	}
	return b, nil
}

// Banks returns every bank, sorted by name.
func (s *BankStore) Banks(ctx context.Context) ([]match.Bank, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT `+bankColumns+` FROM banks ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("banks: %w", err)
	}
	defer rows.Close()
	var banks []match.Bank
	for rows.Next() {
		b, err := scanBank(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("banks: %w", err)
		}
		banks = append(banks, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("banks: %w", err)
	}
	return banks, nil
}

// storedTime is t as the store keeps it: UTC, to the millisecond.
func storedTime(t time.Time) time.Time {
	return fromMS(ms(t))
}

// checkEntries validates entries meant for bank before anything is written.
func checkEntries(bank string, entries []match.Entry) error {
	if err := match.ValidateName(bank); err != nil {
		return invalid(err)
	}
	for i, e := range entries {
		if e.Bank != "" && e.Bank != bank {
			return vigil.Errorf(vigil.EINVALID, "bank %s: entry %d of %d belongs to bank %q", bank, i+1, len(entries), e.Bank)
		}
		if err := e.Validate(); err != nil {
			return vigil.Errorf(vigil.EINVALID, "bank %s: entry %d of %d: %v", bank, i+1, len(entries), err)
		}
	}
	return nil
}

// AddEntries stores the entries in bank, all or none, skipping those whose signal the bank
// already holds or an earlier entry of the call carries. For each entry it stores it sets ID,
// Bank, and Added (to the transaction's time) when zero, in entries itself; times are kept in UTC
// to the millisecond. It returns the number of entries stored.
func (s *BankStore) AddEntries(ctx context.Context, bank string, entries []match.Entry) (int, error) {
	if err := checkEntries(bank, entries); err != nil {
		return 0, err
	}
	stored := make([]match.Entry, len(entries))
	added := 0
	err := s.db.Update(ctx, func(tx *Tx) error {
		id, err := bankID(ctx, tx, bank)
		if err != nil {
			return err
		}
		// Not ON CONFLICT DO NOTHING: that uses up an id for every skipped entry, and
		// re-importing a list would soon exhaust them.
		insert, err := tx.PrepareContext(ctx, `INSERT INTO bank_entries
			(bank_id, signal_type, signal, supplier_id, category, note, disabled_until, added)
			SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 WHERE NOT EXISTS (SELECT 1 FROM bank_entries
				WHERE bank_id = ?1 AND signal_type = ?2 AND signal = ?3)
			RETURNING id`)
		if err != nil {
			return fmt.Errorf("bank %s: add entries: %w", bank, err)
		}
		defer insert.Close()
		for i, e := range entries {
			if e.Added.IsZero() {
				e.Added = tx.Now()
			}
			e.Bank, e.Added, e.DisabledUntil = bank, storedTime(e.Added), storedTime(e.DisabledUntil)
			var entryID int64
			err := insert.QueryRowContext(ctx, id, e.Signal.Type, e.Signal.Value, e.SupplierID, e.Category,
				e.Note, ms(e.DisabledUntil), ms(e.Added)).Scan(&entryID)
			if errors.Is(err, sql.ErrNoRows) {
				continue // the bank holds this signal already
			}
			if err != nil {
				return fmt.Errorf("bank %s: add entry %d of %d: %w", bank, i+1, len(entries), err)
			}
			if entryID > math.MaxUint32 {
				return fmt.Errorf("bank %s: entry ids exhausted", bank)
			}
			e.ID = uint32(entryID)
			stored[i] = e
			added++
		}
		if added == 0 {
			return nil // nothing changed, so nothing to record
		}
		return changed(ctx, tx, "bank.add_entries", bank, map[string]int{"added": added, "skipped": len(entries) - added})
	})
	if err != nil {
		return 0, err
	}
	for i, e := range stored {
		if e.ID != 0 {
			entries[i] = e
		}
	}
	return added, nil
}

// RemoveEntries deletes the entries of bank with the given ids, all or none: when an id is not in
// bank, the error wraps match.ErrNotFound and nothing is removed.
func (s *BankStore) RemoveEntries(ctx context.Context, bank string, ids []uint32) error {
	if err := match.ValidateName(bank); err != nil {
		return invalid(err)
	}
	return s.db.Update(ctx, func(tx *Tx) error {
		id, err := bankID(ctx, tx, bank)
		if err != nil || len(ids) == 0 {
			return err
		}
		unique := slices.Clone(ids)
		slices.Sort(unique)
		unique = slices.Compact(unique)
		var missing []uint32
		for _, entry := range unique {
			res, err := tx.ExecContext(ctx, `DELETE FROM bank_entries WHERE id = ? AND bank_id = ?`, entry, id)
			if err != nil {
				return fmt.Errorf("bank %s: remove entry %d: %w", bank, entry, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("bank %s: remove entry %d: %w", bank, entry, err)
			}
			if n == 0 {
				missing = append(missing, entry)
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("bank %s: entry %d: %w (%d of the ids are not in the bank; nothing was removed)",
				bank, missing[0], match.ErrNotFound, len(missing))
		}
		return changed(ctx, tx, "bank.remove_entries", bank, map[string]int{"removed": len(unique)})
	})
}
