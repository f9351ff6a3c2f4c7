package sqlite

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/vigilproject/vigil"
)

// Erasing a report's record when its case's evidence is deleted (PR-04, PR-06, IR-12).
//
// The record is dropped whole (record and nonce emptied) rather than replaced by a reduced
// record: everything the transparency report and the audit read of a report is already in the
// row's own columns and tables (type, status, awareness, approval and sending times, the
// approvals, the deliveries with the NCMEC report id and the EU Centre reference), so a reduced
// record would only repeat them, and any of its free-text fields (other information, victims,
// non-content metadata) could carry personal data on. The records share one encryption key, so
// the ciphertext itself is what must go: secure_delete zeroes the freed bytes.
//
// The record was drafted from the personal keys of the item's metadata as the platform sent it
// (uploader_email, uploader_ip, username, ...): they are stripped from the content row too, or
// the data would outlive the report's copy in clear. Two things stay: the uploader reference,
// the platform's opaque id by which notices and complaints name the user, and the user's
// language: a report notice an EU Centre "do not inform" hold delays up to 18 months after the
// report may fall due after the evidence went, and is written in that language (RP-15).
//
// A report still in the sending worker's hands (queued or sending) when the evidence is due
// keeps its record until the worker settles it. The evidence deadline is at least 12 months
// after the confirmation, so such a report has been retrying for months; with the evidence
// gone its next pass finds no content to attach, a final failure: an open CyberTipline report
// is retracted and the report ends failed. The first sweep after that erases it, so the record
// outlives the evidence by one worker pass and one sweep at most, and a half-sent report is
// never abandoned at NCMEC.

// erasedBeforeApproval is the last error of a report erased before it was approved.
const erasedBeforeApproval = "never approved: its record was erased with the case's evidence at the retention deadline"

// erasableReport is a report whose record is due for erasure.
type erasableReport struct {
	id, caseID, contentID string
	status                vigil.ReportStatus
}

// eraseReports erases, at now, the records of the reports whose case has evidence deleted and
// none kept (a legal hold keeps the evidence, and so the report), and returns how many. A report
// erased before it was approved can never be sent: it becomes retracted.
func (tx *Tx) eraseReports(now time.Time) (int, error) {
	due, err := tx.erasableReports()
	if err != nil {
		return 0, err
	}
	for _, r := range due {
		if err := tx.eraseReport(r, now); err != nil {
			return 0, err
		}
	}
	return len(due), nil
}

// erasableReports returns the reports not erased whose case's evidence is all deleted, leaving
// those the sending worker has in hand.
func (tx *Tx) erasableReports() ([]erasableReport, error) {
	rows, err := tx.QueryContext(tx.ctx, `SELECT r.id, r.case_id, c.content_id, r.status FROM reports r
		JOIN cases c ON c.id = r.case_id WHERE r.erased = 0 AND r.status NOT IN (?, ?)
		AND EXISTS (SELECT 1 FROM evidence e WHERE e.case_id = r.case_id AND e.status = 'deleted')
		AND NOT EXISTS (SELECT 1 FROM evidence e WHERE e.case_id = r.case_id AND e.status = 'kept')
		ORDER BY r.id`, vigil.ReportQueued, vigil.ReportSending)
	if err != nil {
		return nil, fmt.Errorf("reports to erase: %w", err)
	}
	due, err := scanAll(rows, func(row rowScanner) (erasableReport, error) {
		var r erasableReport
		err := row.Scan(&r.id, &r.caseID, &r.contentID, &r.status)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("reports to erase: %w", err)
	}
	return due, nil
}

// eraseReport drops r's record, the text of the EU Centre's messages about it (a request for
// information may quote the user) and of the provider's supplements, and the personal metadata of its item, and audits it as
// report.erase.
func (tx *Tx) eraseReport(r erasableReport, now time.Time) error {
	status, lastError := r.status, ""
	if status == vigil.ReportDraft || status == vigil.ReportAwaitingSecond {
		status, lastError = vigil.ReportRetracted, erasedBeforeApproval
	}
	_, err := tx.ExecContext(tx.ctx, `UPDATE reports SET record_nonce = X'', record = X'', erased = ?, status = ?,
		last_error = CASE WHEN ? = '' THEN last_error ELSE ? END, next_try = 0, updated = ? WHERE id = ?`,
		ms(now), status, lastError, lastError, ms(now), r.id)
	if err != nil {
		return fmt.Errorf("erase report %s: %w", r.id, err)
	}
	if _, err := tx.ExecContext(tx.ctx, `UPDATE report_feedback SET text = '' WHERE report_id = ?`, r.id); err != nil {
		return fmt.Errorf("erase report %s: %w", r.id, err)
	}
	if _, err := tx.ExecContext(tx.ctx, `UPDATE report_supplements SET text_nonce = X'', text = X''
		WHERE report_id = ?`, r.id); err != nil {
		return fmt.Errorf("erase report %s: %w", r.id, err)
	}
	if err := tx.erasePersonalMetadata(r.contentID); err != nil {
		return fmt.Errorf("erase report %s: %w", r.id, err)
	}
	return tx.Audit("report.erase", "report", r.id, caseAuditDetail(map[string]any{
		"case_id": r.caseID, "from": r.status, "status": status,
		"reason": "the case's evidence was deleted at its retention deadline (PR-04, PR-06, IR-12)"}))
}

// erasePersonalMetadata removes the personal keys of content item id's metadata, keeping the
// user's language for a notice still to come.
func (tx *Tx) erasePersonalMetadata(id string) error {
	var raw string
	err := tx.QueryRowContext(tx.ctx, `SELECT metadata FROM content WHERE id = ?`, id).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // a case opened without its content row
	}
	if err != nil {
		return fmt.Errorf("metadata of %s: %w", id, err)
	}
	meta := map[string]string{}
	if err := json.Unmarshal([]byte(raw), &meta); err != nil {
		return fmt.Errorf("metadata of %s: %w", id, err)
	}
	n := len(meta)
	for _, k := range personalMeta {
		if k != MetaUploaderLanguage {
			delete(meta, k)
		}
	}
	if len(meta) == n {
		return nil
	}
	out, err := json.Marshal(meta)
	if err != nil {
		return fmt.Errorf("metadata of %s: %w", id, err)
	}
	if _, err := tx.ExecContext(tx.ctx, `UPDATE content SET metadata = ? WHERE id = ?`, string(out), id); err != nil {
		return fmt.Errorf("metadata of %s: %w", id, err)
	}
	return nil
}
