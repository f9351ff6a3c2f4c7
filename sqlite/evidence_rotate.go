package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// rotateBatch is how many records a rotation reads at a time.
const rotateBatch = 100

// RotateEvidenceKey replaces the evidence key (vigil evidence rotate-key): it starts or resumes
// the vault's rotation (a new key file beside the old), re-wraps the data key of every kept
// record still under an old key, one record per transaction so that an interruption loses
// nothing and a second run resumes, and once none is left retires the old key, auditing the
// rotation as evidence.rotate_key. progress, when not nil, is called after each record with
// the number re-wrapped so far. The objects' files do not change: only their wrapped keys do.
func (db *DB) RotateEvidenceKey(ctx context.Context, progress func(done int)) (int, error) {
	v, _, err := db.Vault()
	if err != nil {
		return 0, err
	}
	if err := v.StartRotation(); err != nil {
		return 0, err
	}
	done := 0
	for {
		ids, err := db.evidenceNotUnder(ctx, v.KeyID())
		if err != nil {
			return done, err
		}
		if len(ids) == 0 {
			break
		}
		for _, id := range ids {
			if err := db.rewrapEvidence(ctx, id); err != nil {
				return done, err
			}
			done++
			if progress != nil {
				progress(done)
			}
		}
	}
	err = db.Update(ctx, func(tx *Tx) error {
		return tx.Audit("evidence.rotate_key", "evidence_key", v.KeyID(), evidenceDetail(map[string]any{
			"rewrapped": done, "retired": strings.Join(v.RetiringKeyIDs(), ",")}))
	})
	if err != nil {
		return done, err
	}
	return done, v.FinishRotation()
}

// evidenceNotUnder returns up to rotateBatch ids of kept records whose data key is not
// wrapped under keyID.
func (db *DB) evidenceNotUnder(ctx context.Context, keyID string) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM evidence WHERE status = 'kept' AND key_id != ?
		ORDER BY id LIMIT ?`, keyID, rotateBatch)
	if err != nil {
		return nil, fmt.Errorf("evidence to re-wrap: %w", err)
	}
	ids, err := scanAll(rows, func(row rowScanner) (string, error) {
		var id string
		err := row.Scan(&id)
		return id, err
	})
	if err != nil {
		return nil, fmt.Errorf("evidence to re-wrap: %w", err)
	}
	return ids, nil
}

// rewrapEvidence re-wraps the data key of record id under the vault's current key, in one
// transaction; a record deleted meanwhile is left alone.
func (db *DB) rewrapEvidence(ctx context.Context, id string) error {
	v, _, err := db.Vault()
	if err != nil {
		return err
	}
	return db.Update(ctx, func(tx *Tx) error {
		var keyID string
		var wrapped []byte
		err := tx.QueryRowContext(ctx, `SELECT key_id, wrapped_key FROM evidence WHERE id = ? AND status = 'kept'`, id).Scan(&keyID, &wrapped)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("re-wrap evidence %s: %w", id, err)
		}
		newKeyID, rewrapped, err := v.Rewrap(id, keyID, wrapped)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE evidence SET key_id = ?, wrapped_key = ? WHERE id = ?`, newKeyID, rewrapped, id)
		if err != nil {
			return fmt.Errorf("re-wrap evidence %s: %w", id, err)
		}
		return nil
	})
}
