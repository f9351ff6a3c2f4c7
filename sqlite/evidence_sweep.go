package sqlite

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vigilproject/vigil"
)

// dueEvidence is a kept record whose deadline has passed.
type dueEvidence struct {
	id, caseID, contentID, policy string
	deadline                      int64
}

// SweepEvidence deletes the evidence whose deadline has passed at now (PR-04, PR-06, IR-12)
// unless a legal hold on its content is in force then (PR-04's extension), and returns how
// many objects it deleted. Each becomes a tombstone in the transaction that audits it as
// evidence.delete: status deleted, the deletion time and reason, and its wrapped data key
// erased, which alone makes the ciphertext unreadable (crypto-shredding; secure_delete zeroes
// the freed bytes). In the same transaction the records of the reports of cases left without
// evidence are erased (reports_erase.go): they hold the reported user's personal data. The
// files go after the commit, with any file no kept record names.
func (db *DB) SweepEvidence(ctx context.Context, now time.Time) (int, error) {
	deleted := 0
	err := db.Update(ctx, func(tx *Tx) error {
		due, err := tx.dueEvidence(now)
		if err != nil {
			return err
		}
		for _, d := range due {
			held, err := tx.ActiveHolds(d.contentID, vigil.HoldLegal, now)
			if err != nil {
				return err
			}
			if len(held) > 0 {
				continue
			}
			if err := tx.shredEvidence(d, now); err != nil {
				return err
			}
			deleted++
		}
		// Each pass, not only one that deleted something: a report the sending worker still had
		// in hand when its evidence went is erased once the worker settles it (reports_erase.go).
		erased, err := tx.eraseReports(now)
		if deleted+erased > 0 {
			db.flushWAL.Store(true)
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	return deleted, errors.Join(db.removeUnkeptFiles(ctx), db.truncateWAL(ctx))
}

// truncateWAL, after a sweep erased something, copies the write-ahead log into the database
// and truncates it: until then the log's older frames still hold the erased rows (wrapped data
// keys, report records), which secure_delete only zeroes in the database file itself (PR-05:
// deletion proven). Readers holding an old snapshot make the checkpoint busy; it is then tried
// again at the next sweep.
func (db *DB) truncateWAL(ctx context.Context) error {
	if !db.flushWAL.Load() {
		return nil
	}
	var busy, frames, done int
	if err := db.write.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &frames, &done); err != nil {
		return fmt.Errorf("truncate the write-ahead log after erasing evidence: %w", err)
	}
	if busy == 0 {
		db.flushWAL.Store(false)
	}
	return nil
}

// dueEvidence returns the kept records whose deadline is at or before now.
func (tx *Tx) dueEvidence(now time.Time) ([]dueEvidence, error) {
	rows, err := tx.QueryContext(tx.ctx, `SELECT id, case_id, content_id, policy, deadline FROM evidence
		WHERE status = 'kept' AND deadline <= ? ORDER BY deadline, id`, ms(now))
	if err != nil {
		return nil, fmt.Errorf("evidence due: %w", err)
	}
	due, err := scanAll(rows, func(row rowScanner) (dueEvidence, error) {
		var d dueEvidence
		err := row.Scan(&d.id, &d.caseID, &d.contentID, &d.policy, &d.deadline)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("evidence due: %w", err)
	}
	return due, nil
}

// shredEvidence turns d into a tombstone deleted at now.
func (tx *Tx) shredEvidence(d dueEvidence, now time.Time) error {
	reason := "retention deadline " + fromMS(d.deadline).Format(time.RFC3339) + " (" + d.policy + ")"
	_, err := tx.ExecContext(tx.ctx, `UPDATE evidence SET status = 'deleted', key_id = '', wrapped_key = NULL,
		deleted = ?, reason = ? WHERE id = ?`, ms(now), reason, d.id)
	if err != nil {
		return fmt.Errorf("delete evidence %s: %w", d.id, err)
	}
	return tx.Audit("evidence.delete", "evidence", d.id, evidenceDetail(map[string]any{
		"case_id": d.caseID, "reason": reason}))
}

// removeUnkeptFiles removes every object file that no kept record names: those of tombstones,
// and those of a preservation whose transaction rolled back; and the temporary files of writes
// a crash interrupted. It runs in a write transaction, so no preservation is under way.
func (db *DB) removeUnkeptFiles(ctx context.Context) error {
	v, _, err := db.Vault()
	if err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		ids, err := v.Objects()
		if err != nil {
			return err
		}
		for _, id := range ids {
			var kept bool
			err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM evidence WHERE id = ? AND status = 'kept')`, id).Scan(&kept)
			if err != nil {
				return fmt.Errorf("evidence file %s: %w", id, err)
			}
			if !kept {
				if err := v.Remove(id); err != nil {
					return err
				}
			}
		}
		return v.RemoveInterrupted()
	})
}
