package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/vigilproject/vigil"
)

// ReportStore is the reports workflow (vigil.ReportWorkflow) and the sending worker's store.
type ReportStore struct{ db *DB }

// NewReportStore returns the report store of db.
func NewReportStore(db *DB) *ReportStore { return &ReportStore{db: db} }

// reportActor refuses actors without the reports scope.
func reportActor(ctx context.Context) error {
	if !vigil.ActorFrom(ctx).Can(vigil.ScopeReports) {
		return vigil.Errorf(vigil.EFORBIDDEN, "this needs the %s permission", vigil.ScopeReports)
	}
	return nil
}

// reportReader refuses actors that may neither handle reports nor audit.
func reportReader(ctx context.Context) error {
	if a := vigil.ActorFrom(ctx); !a.Can(vigil.ScopeReports) && !a.CanAudit() {
		return vigil.Errorf(vigil.EFORBIDDEN, "reading reports needs the %s permission or the auditor role", vigil.ScopeReports)
	}
	return nil
}

const reportColumns = `id, case_id, decision_id, type, status, awareness, approved, sent,
	retract_requested, attempts, next_try, last_error, created, updated, erased`

// scanReport reads a reportColumns row; the record is left for openReportRecord.
func scanReport(r rowScanner) (vigil.Report, error) {
	var rep vigil.Report
	var awareness, approved, sent, next, created, updated, erased int64
	err := r.Scan(&rep.ID, &rep.CaseID, &rep.DecisionID, &rep.Record.Type, &rep.Status, &awareness,
		&approved, &sent, &rep.RetractRequested, &rep.Attempts, &next, &rep.LastError, &created, &updated, &erased)
	rep.Awareness, rep.Approved, rep.Sent = fromMS(awareness), fromMS(approved), fromMS(sent)
	rep.NextTry, rep.Created, rep.Updated, rep.Erased = fromMS(next), fromMS(created), fromMS(updated), fromMS(erased)
	return rep, err
}

// reportByID reads report id with its approvals, deliveries and files, and, when key is given,
// its decrypted record; an erased report's record has its type only.
func reportByID(ctx context.Context, q caseQuerier, id string, key []byte) (vigil.Report, error) {
	rep, err := scanReport(q.QueryRowContext(ctx, `SELECT `+reportColumns+` FROM reports WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return rep, vigil.Errorf(vigil.ENOTFOUND, "no report %s", id)
	}
	if err != nil {
		return rep, fmt.Errorf("report %s: %w", id, err)
	}
	if err := reportDetails(ctx, q, &rep); err != nil {
		return rep, err
	}
	if key == nil || !rep.Erased.IsZero() {
		return rep, nil
	}
	var nonce, sealed []byte
	if err := q.QueryRowContext(ctx, `SELECT record_nonce, record FROM reports WHERE id = ?`, id).Scan(&nonce, &sealed); err != nil {
		return rep, fmt.Errorf("report %s: %w", id, err)
	}
	rep.Record, err = openRecord(key, id, nonce, sealed)
	return rep, err
}

// reportDetails reads a report's approvals, deliveries and CyberTipline files.
func reportDetails(ctx context.Context, q caseQuerier, rep *vigil.Report) error {
	err := queryEach(ctx, q, `SELECT approver, name, time FROM report_approvals WHERE report_id = ? ORDER BY time, approver`,
		rep.ID, func(r *sql.Rows) error {
			var a vigil.Approval
			var t int64
			err := r.Scan(&a.Approver, &a.Name, &t)
			a.Time = fromMS(t)
			rep.Approvals = append(rep.Approvals, a)
			return err
		})
	if err != nil {
		return fmt.Errorf("report %s approvals: %w", rep.ID, err)
	}
	err = queryEach(ctx, q, `SELECT content_id, file_id, md5, described FROM report_ncmec_files WHERE report_id = ? ORDER BY content_id`,
		rep.ID, func(r *sql.Rows) error {
			var f vigil.ReportFile
			err := r.Scan(&f.ContentID, &f.FileID, &f.MD5, &f.Described)
			rep.Files = append(rep.Files, f)
			return err
		})
	if err != nil {
		return fmt.Errorf("report %s files: %w", rep.ID, err)
	}
	err = queryEach(ctx, q, `SELECT destination, status, reference, started, done, last_error FROM report_destinations
		WHERE report_id = ?`, rep.ID, func(r *sql.Rows) error {
		var d vigil.ReportDelivery
		var started, done int64
		err := r.Scan(&d.Destination, &d.Status, &d.Reference, &started, &done, &d.LastError)
		d.Started, d.Done = fromMS(started), fromMS(done)
		if d.Destination == vigil.DestNCMEC {
			d.Files = len(rep.Files)
		}
		rep.Deliveries = append(rep.Deliveries, d)
		return err
	})
	if err != nil {
		return fmt.Errorf("report %s deliveries: %w", rep.ID, err)
	}
	// NCMEC first: the order in which they are sent.
	slices.SortFunc(rep.Deliveries, func(a, b vigil.ReportDelivery) int {
		return destinationOrder(a.Destination) - destinationOrder(b.Destination)
	})
	return nil
}

// destinationOrder is the order in which destinations are sent.
func destinationOrder(d vigil.Destination) int {
	if d == vigil.DestNCMEC {
		return 0
	}
	return 1
}

// queryEach runs query with arg and calls fn on each row.
func queryEach(ctx context.Context, q caseQuerier, query string, arg any, fn func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, arg)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Report returns report id with its record. The record holds personal data: the read is
// audited as report.view.
func (s *ReportStore) Report(ctx context.Context, id string) (vigil.Report, error) {
	if err := reportReader(ctx); err != nil {
		return vigil.Report{}, err
	}
	var rep vigil.Report
	err := s.db.Update(ctx, func(tx *Tx) error {
		key, err := tx.Secret(reportRecordKeyName, 32)
		if err != nil {
			return err
		}
		if rep, err = reportByID(tx.ctx, tx, id, key); err != nil {
			return err
		}
		return tx.Audit("report.view", "report", id, "{}")
	})
	return rep, err
}

// report reads report id with its record inside tx, for a change of the report: one whose
// record was erased is refused, since there is nothing left to edit, approve, retract or send.
func (tx *Tx) report(id string) (vigil.Report, error) {
	key, err := tx.Secret(reportRecordKeyName, 32)
	if err != nil {
		return vigil.Report{}, err
	}
	rep, err := reportByID(tx.ctx, tx, id, key)
	if err == nil && !rep.Erased.IsZero() {
		return vigil.Report{}, vigil.Errorf(vigil.ECONFLICT, "the record of report %s was erased at %s with its case's evidence "+
			"(retention deadline, PR-04): it can no longer be edited, approved, retracted or sent", id, rep.Erased.UTC().Format(time.RFC3339))
	}
	return rep, err
}

// Reports lists reports newest first, without their records (Report reads one with its record).
func (s *ReportStore) Reports(ctx context.Context, f vigil.ReportFilter) ([]vigil.Report, string, error) {
	if err := reportReader(ctx); err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	where, args := "1 = 1", []any{}
	if f.Cursor != "" {
		where += " AND id < ?"
		args = append(args, f.Cursor)
	}
	if len(f.Status) > 0 {
		where += " AND status IN (" + caseInList(len(f.Status)) + ")"
		for _, st := range f.Status {
			if !slices.Contains(vigil.ReportStatuses, st) {
				return nil, "", vigil.FieldErrorf(vigil.EINVALID, "status", "unknown report status %q", st)
			}
			args = append(args, st)
		}
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT `+reportColumns+` FROM reports WHERE `+where+
		` ORDER BY id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list reports: %w", err)
	}
	var out []vigil.Report
	for rows.Next() {
		rep, err := scanReport(rows)
		if err != nil {
			rows.Close()
			return nil, "", fmt.Errorf("list reports: %w", err)
		}
		out = append(out, rep)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("list reports: %w", err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].ID
	}
	for i := range out {
		if err := reportDetails(ctx, s.db.read, &out[i]); err != nil {
			return nil, "", err
		}
	}
	return out, next, nil
}
