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

// contentByExternalID finds the item of a (service, external id). Its test that the external id
// is not empty lets SQLite use the partial unique index content_external, whose condition it
// is: without it, every submission would scan the whole table.
const contentByExternalID = `SELECT ` + contentColumns + ` FROM content
	WHERE service = ? AND external_id = ? AND external_id != ''`

// InsertContent stores a new item in tx with its verdict so far and, when kind is set, the job
// that will scan it, its payload sealed, and audits the submission. When the item's service
// already holds its external id, nothing is written and the stored item is returned with created
// false: submissions are idempotent. c.ID and c.Received must be set, and Prepare must have run.
func (s *ContentStore) InsertContent(tx *Tx, c vigil.Content, kind string, payload []byte) (stored vigil.Content, row int64, created bool, err error) {
	stmts, aead, err := s.prepared()
	if err != nil {
		return c, 0, false, fmt.Errorf("insert content: %w", err)
	}
	flags, metadata, matches, err := contentJSON(c)
	if err != nil {
		return c, 0, false, fmt.Errorf("insert content: %w", err)
	}
	// A taken (service, external id) makes the insert return no row: only then is the first
	// item read, so a new item costs one statement.
	uploader := c.Uploader
	if c.Verdict.Status != vigil.VerdictPending && c.Verdict.Status != vigil.VerdictMatch {
		// Refused at intake: nothing about the uploader is kept (PR-06), as for a verdict.
		uploader, metadata = "", "{}"
	}
	err = tx.StmtContext(tx.ctx, stmts.insert).QueryRowContext(tx.ctx,
		c.ID, c.Service, c.ExternalID, uploader, c.Type, flags, metadata, c.URL, c.Size,
		ms(c.Received), c.Verdict.Status, c.Verdict.Reason, matches, c.Verdict.CaseID,
		ms(c.Verdict.Decided)).Scan(&row)
	if errors.Is(err, sql.ErrNoRows) {
		row, stored, err = scanContent(tx.QueryRowContext(tx.ctx, contentByExternalID, c.Service, c.ExternalID))
		if err != nil {
			return c, 0, false, fmt.Errorf("insert content: read the item of external id %q: %w", c.ExternalID, err)
		}
		return stored, row, false, nil
	}
	if err != nil {
		return c, 0, false, fmt.Errorf("insert content: %w", err)
	}
	if kind != "" {
		nonce, sealed := sealJob(aead, c.ID, payload)
		if _, err := tx.StmtContext(tx.ctx, stmts.insertJob).ExecContext(tx.ctx, row, kind, nonce, sealed); err != nil {
			return c, 0, false, fmt.Errorf("insert content job: %w", err)
		}
	}
	if c.Verdict.Status != vigil.VerdictPending {
		if err := countVerdict(tx, stmts, c); err != nil {
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

// SetVerdict writes in tx the verdict of the pending item at row, and its URL (which a refused
// item no longer keeps), deletes its job (and with it any bytes or signals) and counts the
// verdict. It refuses an item that already has a verdict, so each item gets exactly one.
func (s *ContentStore) SetVerdict(tx *Tx, row int64, c vigil.Content) error {
	stmts, _, err := s.prepared()
	if err != nil {
		return fmt.Errorf("verdict for %s: %w", c.ID, err)
	}
	_, _, matches, err := contentJSON(c)
	if err != nil {
		return fmt.Errorf("verdict for %s: %w", c.ID, err)
	}
	res, err := tx.StmtContext(tx.ctx, stmts.verdict).ExecContext(tx.ctx,
		c.Verdict.Status, c.Verdict.Reason, matches, c.Verdict.CaseID, ms(c.Verdict.Decided), c.URL,
		row, vigil.VerdictPending)
	if err != nil {
		return fmt.Errorf("verdict for %s: %w", c.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("verdict for %s: not pending (%d rows, %v)", c.ID, n, err)
	}
	if _, err := tx.StmtContext(tx.ctx, stmts.deleteJob).ExecContext(tx.ctx, row); err != nil {
		return fmt.Errorf("verdict for %s: delete job: %w", c.ID, err)
	}
	return countVerdict(tx, stmts, c)
}

// countVerdict adds c's verdict to the day's counts.
func countVerdict(tx *Tx, stmts *contentStmts, c vigil.Content) error {
	_, err := tx.StmtContext(tx.ctx, stmts.count).ExecContext(tx.ctx,
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
