package sqlite

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/vigilproject/vigil"
)

// As returns a view of tx whose audit events name actor: the pipeline commits many callers'
// submissions in one transaction, each recorded as its own.
func (tx *Tx) As(actor vigil.Actor) *Tx {
	c := *tx
	c.ctx = vigil.WithActor(tx.ctx, actor)
	return &c
}

// InsertContent stores a new item with its verdict so far and, when kind is set, the job that
// will scan it, and audits the submission. When the item's service already holds its external
// id, nothing is written and the stored item is returned with created false: submissions are
// idempotent. c.ID and c.Received must be set.
func (tx *Tx) InsertContent(c vigil.Content, kind string, payload []byte) (stored vigil.Content, row int64, created bool, err error) {
	if c.ExternalID != "" {
		row, stored, err = scanContent(tx.QueryRowContext(tx.ctx, `SELECT `+contentColumns+
			` FROM content WHERE service = ? AND external_id = ?`, c.Service, c.ExternalID))
		if err == nil {
			return stored, row, false, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return stored, 0, false, fmt.Errorf("insert content: %w", err)
		}
	}
	flags, metadata, matches, err := contentJSON(c)
	if err != nil {
		return c, 0, false, fmt.Errorf("insert content: %w", err)
	}
	err = tx.QueryRowContext(tx.ctx, `INSERT INTO content (id, service, external_id, uploader, type,
		flags, metadata, url, size, received, status, reason, matches, case_id, decided)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING row`,
		c.ID, c.Service, c.ExternalID, c.Uploader, c.Type, flags, metadata, c.URL, c.Size,
		ms(c.Received), c.Verdict.Status, c.Verdict.Reason, matches, c.Verdict.CaseID,
		ms(c.Verdict.Decided)).Scan(&row)
	if err != nil {
		return c, 0, false, fmt.Errorf("insert content: %w", err)
	}
	if kind != "" {
		if _, err := tx.ExecContext(tx.ctx, `INSERT INTO content_jobs (content_row, kind, payload)
			VALUES (?, ?, ?)`, row, kind, payload); err != nil {
			return c, 0, false, fmt.Errorf("insert content job: %w", err)
		}
	}
	if c.Verdict.Status != vigil.VerdictPending {
		if err := tx.countVerdict(c); err != nil {
			return c, 0, false, err
		}
	}
	detail, _ := json.Marshal(map[string]string{"service": c.Service, "external_id": c.ExternalID,
		"status": string(c.Verdict.Status), "reason": c.Verdict.Reason})
	if err := tx.Audit("content.submit", "content", c.ID, string(detail)); err != nil {
		return c, 0, false, err
	}
	return c, row, true, nil
}

// SetVerdict writes the verdict of the pending item at row, deletes its job (and with it any
// bytes or signals) and counts the verdict. It refuses an item that already has a verdict, so
// each item gets exactly one.
func (tx *Tx) SetVerdict(row int64, c vigil.Content) error {
	_, _, matches, err := contentJSON(c)
	if err != nil {
		return fmt.Errorf("verdict for %s: %w", c.ID, err)
	}
	res, err := tx.ExecContext(tx.ctx, `UPDATE content SET status = ?, reason = ?, matches = ?,
		case_id = ?, decided = ? WHERE row = ? AND status = ?`,
		c.Verdict.Status, c.Verdict.Reason, matches, c.Verdict.CaseID, ms(c.Verdict.Decided),
		row, vigil.VerdictPending)
	if err != nil {
		return fmt.Errorf("verdict for %s: %w", c.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("verdict for %s: not pending (%d rows, %v)", c.ID, n, err)
	}
	if _, err := tx.ExecContext(tx.ctx, `DELETE FROM content_jobs WHERE content_row = ?`, row); err != nil {
		return fmt.Errorf("verdict for %s: delete job: %w", c.ID, err)
	}
	return tx.countVerdict(c)
}

// countVerdict adds c's verdict to the day's counts.
func (tx *Tx) countVerdict(c vigil.Content) error {
	_, err := tx.ExecContext(tx.ctx, `INSERT INTO content_counts (day, service, status, count)
		VALUES (?, ?, ?, 1) ON CONFLICT (day, service, status) DO UPDATE SET count = count + 1`,
		ms(dayOf(c.Verdict.Decided)), c.Service, c.Verdict.Status)
	if err != nil {
		return fmt.Errorf("count verdict of %s: %w", c.ID, err)
	}
	return nil
}

// contentJSON encodes the JSON columns of c. Empty lists and maps are stored as such, not null.
func contentJSON(c vigil.Content) (flags, metadata, matches string, err error) {
	f, err1 := json.Marshal(nonNil(c.Flags))
	m, err2 := json.Marshal(nonNilMap(c.Metadata))
	x, err3 := json.Marshal(nonNil(c.Verdict.Matches))
	return string(f), string(m), string(x), errors.Join(err1, err2, err3)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
