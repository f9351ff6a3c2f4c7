package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vigilproject/vigil"
)

// The sending worker's store: it reads the reports due and records each step of their delivery
// in its own transaction before the worker takes the next, so that a restart resumes from the
// last step recorded (and never repeats one that succeeded).

// DueReports returns up to limit reports the sending worker should work on now, with their
// records: queued or sending ones whose next try has come, oldest due first. Finding none
// takes only a read, so an idle worker never holds the write lock.
func (s *ReportStore) DueReports(ctx context.Context, limit int) ([]vigil.Report, error) {
	var ids []string
	err := queryEach(ctx, s.db.read, `SELECT id FROM reports WHERE status IN ('queued', 'sending') AND next_try <= ?
		ORDER BY next_try, id LIMIT `+strconv.Itoa(limit), ms(s.db.Clock.Now()), func(r *sql.Rows) error {
		var id string
		err := r.Scan(&id)
		ids = append(ids, id)
		return err
	})
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	var out []vigil.Report
	err = s.db.Update(ctx, func(tx *Tx) error {
		for _, id := range ids {
			rep, err := tx.report(id)
			if err != nil {
				return err
			}
			// Someone may have withdrawn it since the read.
			if rep.Status != vigil.ReportQueued && rep.Status != vigil.ReportSending {
				continue
			}
			if err := tx.noteRemoval(&rep.Record); err != nil {
				return err
			}
			out = append(out, rep)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("due reports: %w", err)
	}
	return out, nil
}

// noteRemoval marks rec's material removed, with the time, when the platform confirmed the
// removal or disabling of one of its items before the report leaves (RP-10).
func (tx *Tx) noteRemoval(rec *vigil.ReportRecord) error {
	if rec.Removed {
		return nil
	}
	for _, item := range rec.Content {
		var done int64
		err := tx.QueryRowContext(tx.ctx, `SELECT coalesce(min(done), 0) FROM actions WHERE content_id = ?
			AND kind IN ('remove', 'disable') AND status = 'done'`, item.ContentID).Scan(&done)
		if err != nil {
			return fmt.Errorf("removal of %s: %w", item.ContentID, err)
		}
		if done != 0 {
			rec.Removed, rec.RemovedAt = true, fromMS(done)
			return nil
		}
	}
	return nil
}

// step runs fn in a transaction on report id as the system, then audits action with detail.
func (s *ReportStore) step(ctx context.Context, id, action string, detail map[string]any, fn func(tx *Tx) error) error {
	ctx = vigil.WithActor(ctx, vigil.System)
	err := s.db.Update(ctx, func(tx *Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		if action == "" {
			return nil
		}
		return tx.Audit(action, "report", id, caseAuditDetail(detail))
	})
	if err != nil {
		return fmt.Errorf("report %s: %w", id, err)
	}
	return nil
}

// forward runs a step of the worker's flow on report id. A retraction asked for while the
// worker had the report in hand is not overridden: the step is recorded (its outcome happened
// at the destination), and then forward returns vigil.ErrRetractionRequested, so that the
// worker sends nothing more in this pass and the next pass carries out the retraction.
func (s *ReportStore) forward(ctx context.Context, id, action string, detail map[string]any, fn func(tx *Tx) error) error {
	var requested bool
	err := s.step(ctx, id, action, detail, func(tx *Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return tx.QueryRowContext(tx.ctx, `SELECT retract_requested OR status = ? FROM reports WHERE id = ?`,
			vigil.ReportRetracted, id).Scan(&requested)
	})
	if err == nil && requested {
		err = fmt.Errorf("report %s: %w", id, vigil.ErrRetractionRequested)
	}
	return err
}

// progress marks report id as sending, with its attempts reset: a step succeeded. A report
// withdrawn while the step was under way (RetractReport found no open CyberTipline report and
// withdrew it at once) becomes a retraction request instead, so that the worker retracts what
// the step opened rather than the step undoing the withdrawal.
func (tx *Tx) progress(id string) error {
	_, err := tx.ExecContext(tx.ctx, `UPDATE reports SET status = ?,
		retract_requested = CASE WHEN status = ? THEN 1 ELSE retract_requested END,
		attempts = 0, last_error = '', updated = ? WHERE id = ?`, vigil.ReportSending, vigil.ReportRetracted, ms(tx.now), id)
	return err
}

// setDestination writes a destination's status, and its reference when given.
func (tx *Tx) setDestination(id string, d vigil.Destination, status vigil.DestinationStatus, ref, lastError string) error {
	var started, done string
	switch status {
	case vigil.DestSubmitted:
		started = ", started = ?"
	case vigil.DestFinished, vigil.DestSent:
		done = ", done = ?"
	}
	args := []any{status, ref, ref, lastError}
	if started != "" || done != "" {
		args = append(args, ms(tx.now))
	}
	res, err := tx.ExecContext(tx.ctx, `UPDATE report_destinations SET status = ?,
		reference = CASE WHEN ? != '' THEN ? ELSE reference END, last_error = ?`+started+done+`
		WHERE report_id = ? AND destination = ?`, append(args, id, d)...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("report %s does not go to %s", id, d)
	}
	return tx.progress(id)
}

// NCMECSubmitted records the CyberTipline report id that submit returned.
func (s *ReportStore) NCMECSubmitted(ctx context.Context, id, ncmecID string) error {
	return s.forward(ctx, id, "report.ncmec_submit", map[string]any{"ncmec_report_id": ncmecID}, func(tx *Tx) error {
		return tx.setDestination(id, vigil.DestNCMEC, vigil.DestSubmitted, ncmecID, "")
	})
}

// NCMECUploaded records a file NCMEC took for the report, with its file id and MD5.
func (s *ReportStore) NCMECUploaded(ctx context.Context, id, contentID, fileID, md5 string) error {
	return s.forward(ctx, id, "report.ncmec_upload", map[string]any{"content_id": contentID, "file_id": fileID}, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO report_ncmec_files (report_id, content_id, file_id, md5)
			VALUES (?, ?, ?, ?)`, id, contentID, fileID, md5)
		if err != nil {
			return err
		}
		return tx.progress(id)
	})
}

// NCMECDescribed records that NCMEC accepted the file details of contentID's file.
func (s *ReportStore) NCMECDescribed(ctx context.Context, id, contentID string) error {
	return s.forward(ctx, id, "", nil, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE report_ncmec_files SET described = 1 WHERE report_id = ? AND content_id = ?`, id, contentID)
		if err != nil {
			return err
		}
		return tx.progress(id)
	})
}

// NCMECFinished records that NCMEC finished the report: it is delivered there for good, and
// under a US retention policy its evidence is kept a year from now (PR-07, NC-10).
func (s *ReportStore) NCMECFinished(ctx context.Context, id string) error {
	return s.forward(ctx, id, "report.ncmec_finish", nil, func(tx *Tx) error {
		if err := tx.setDestination(id, vigil.DestNCMEC, vigil.DestFinished, "", ""); err != nil {
			return err
		}
		if err := tx.lateNCMECSupplement(id); err != nil { // RP-09: the EU Centre report went without it
			return err
		}
		var caseID string
		if err := tx.QueryRowContext(ctx, `SELECT case_id FROM reports WHERE id = ?`, id).Scan(&caseID); err != nil {
			return err
		}
		return tx.preserveForCyberTipline(caseID)
	})
}

// NCMECRetracted records that the unfinished CyberTipline report was retracted: because
// someone asked, and the report is then retracted (unless the EU Centre took it while the
// request was under way: Complete then settles it, naming the retraction); or because its
// flow failed (reason), and the report goes on to its other destinations (the EU Centre report
// is a duty of its own, RP-01) until Complete settles it.
func (s *ReportStore) NCMECRetracted(ctx context.Context, id, reason string) error {
	return s.forward(ctx, id, "report.ncmec_retract", map[string]any{"reason": reason}, func(tx *Tx) error {
		if err := tx.setDestination(id, vigil.DestNCMEC, vigil.DestRetracted, "", reason); err != nil {
			return err
		}
		var requested, delivered bool
		err := tx.QueryRowContext(ctx, `SELECT retract_requested, EXISTS (SELECT 1 FROM report_destinations
			WHERE report_id = ? AND status IN (?, ?)) FROM reports WHERE id = ?`,
			id, vigil.DestFinished, vigil.DestSent, id).Scan(&requested, &delivered)
		if err != nil {
			return err
		}
		if requested && !delivered {
			return tx.setReportStatus(id, vigil.ReportRetracted, "")
		}
		return nil
	})
}

// Retracted records that a report whose flow had not started at NCMEC was withdrawn.
func (s *ReportStore) Retracted(ctx context.Context, id string) error {
	return s.step(ctx, id, "report.withdraw", nil, func(tx *Tx) error {
		return tx.setReportStatus(id, vigil.ReportRetracted, "")
	})
}

// EUSent records the EU Centre's reference for the report and schedules the user's report
// notice from that time (RP-15: three months later unless the EU Centre says otherwise),
// whatever becomes of the report at NCMEC.
func (s *ReportStore) EUSent(ctx context.Context, id, reference string) error {
	return s.forward(ctx, id, "report.eu_send", map[string]any{"reference": reference}, func(tx *Tx) error {
		if err := tx.setDestination(id, vigil.DestEUCentre, vigil.DestSent, reference, ""); err != nil {
			return err
		}
		var caseID string
		if err := tx.QueryRowContext(ctx, `SELECT case_id FROM reports WHERE id = ?`, id).Scan(&caseID); err != nil {
			return err
		}
		c, err := caseByID(ctx, tx, caseID)
		if err != nil {
			return err
		}
		_, err = tx.ScheduleNotice(vigil.Notice{Kind: vigil.NoticeReport, ContentID: c.ContentID,
			CaseID: c.ID, Reference: id, Basis: tx.now})
		return err
	})
}

// Failed records that destination d refused the report for good (reason). The report goes on
// to its other destinations, since each is a duty of its own (RP-01, RP-20), until Complete
// settles it as failed.
func (s *ReportStore) Failed(ctx context.Context, id string, d vigil.Destination, reason string) error {
	return s.forward(ctx, id, "report.destination_fail", map[string]any{"destination": d, "reason": reason}, func(tx *Tx) error {
		return tx.setDestination(id, d, vigil.DestFailed, "", reason)
	})
}

// Retry records a failed attempt (reason) and when to try again.
func (s *ReportStore) Retry(ctx context.Context, id string, at time.Time, reason string) error {
	return s.forward(ctx, id, "", nil, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE reports SET attempts = attempts + 1, next_try = ?, last_error = ?,
			updated = ? WHERE id = ?`, ms(at), reason, ms(tx.now), id)
		return err
	})
}

// Complete ends the sending of a report once no destination has a flow open. When every
// destination took it, the report is sent and report.sent is enqueued. Otherwise it failed,
// audited as report.fail with the destinations that did not take it and why: the deliveries
// made stand, and a resend retries only the others. A CyberTipline report still open is
// refused: it must be finished or retracted first, never left half-sent.
func (s *ReportStore) Complete(ctx context.Context, id string) error {
	return s.step(ctx, id, "", nil, func(tx *Tx) error {
		rep, err := reportByID(ctx, tx, id, nil)
		if err != nil {
			return err
		}
		undelivered, err := undeliveredTo(rep)
		if err != nil {
			return err
		}
		if len(undelivered) > 0 {
			reason := strings.Join(undelivered, "; ")
			if err := tx.setReportStatus(id, vigil.ReportFailed, reason); err != nil {
				return err
			}
			return tx.Audit("report.fail", "report", id, caseAuditDetail(map[string]any{"reason": reason}))
		}
		return tx.sent(rep)
	})
}

// undeliveredTo describes each destination that did not take rep, with why; it refuses a
// destination whose flow is still open.
func undeliveredTo(rep vigil.Report) ([]string, error) {
	var out []string
	for _, d := range rep.Deliveries {
		switch d.Status {
		case vigil.DestFinished, vigil.DestSent:
		case vigil.DestSubmitted:
			return nil, fmt.Errorf("the CyberTipline report %s is still open", d.Reference)
		case vigil.DestPending:
			out = append(out, fmt.Sprintf("not sent to %s", d.Destination))
		default:
			out = append(out, fmt.Sprintf("%s %s: %s", d.Destination, d.Status, d.LastError))
		}
	}
	return out, nil
}

// sent marks rep sent to every destination, enqueues report.sent and audits it.
func (tx *Tx) sent(rep vigil.Report) error {
	refs := map[vigil.Destination]string{}
	for _, d := range rep.Deliveries {
		refs[d.Destination] = d.Reference
	}
	if _, err := tx.ExecContext(tx.ctx, `UPDATE reports SET status = ?, sent = ?, last_error = '', updated = ?
		WHERE id = ?`, vigil.ReportSent, ms(tx.now), ms(tx.now), rep.ID); err != nil {
		return err
	}
	c, err := caseByID(tx.ctx, tx, rep.CaseID)
	if err != nil {
		return err
	}
	err = tx.Enqueue(vigil.EventReportSent, vigil.ReportSentEvent{ReportID: rep.ID, CaseID: c.ID,
		ContentID: c.ContentID, References: refs, Sent: webhookTime(tx.now)})
	if err != nil {
		return err
	}
	return tx.Audit("report.sent", "report", rep.ID, caseAuditDetail(nil))
}
