package sqlite

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/vigilproject/vigil"
)

// ResendReport sends again a report that failed or was retracted, for the acting person with
// the reports scope, and audits it as report.resend with the reason.
//
// Approvals: a failed report goes back to the queue with the approvals it had, since they
// approved the very record that is sent again and the failure was the destination's; with
// redraft it goes back to draft instead, its approvals withdrawn, so that legal can correct the
// record a destination refused. A retracted report always goes back to draft: a retraction was
// a person's decision not to send, and reversing it needs the approvals of a new report
// (PP-04, SG-05, IR-08).
//
// Deliveries made are kept and not repeated: a finished CyberTipline report stays the report's
// one, so resending never makes a second finished report for one Vigil report; a retracted one
// is replaced by a new submission. A CyberTipline report that was opened and could not be
// retracted is in an unknown state at NCMEC: the resend is refused until it is settled there.
func (s *ReportStore) ResendReport(ctx context.Context, id, reason string, redraft bool) (vigil.Report, error) {
	if err := reportActor(ctx); err != nil {
		return vigil.Report{}, err
	}
	if reason == "" || !utf8.ValidString(reason) || len(reason) > maxCaseReason {
		return vigil.Report{}, vigil.FieldErrorf(vigil.EINVALID, "reason", "say why, in at most %d bytes of UTF-8", maxCaseReason)
	}
	var rep vigil.Report
	err := s.db.Update(ctx, func(tx *Tx) error {
		old, err := tx.report(id)
		if err != nil {
			return err
		}
		if err := tx.checkResendable(old); err != nil {
			return err
		}
		redraft = redraft || old.Status == vigil.ReportRetracted
		if err := tx.resetDeliveries(old); err != nil {
			return err
		}
		if err := tx.requeue(id, redraft); err != nil {
			return err
		}
		if rep, err = tx.report(id); err != nil {
			return err
		}
		nd, _ := old.Delivery(vigil.DestNCMEC)
		return tx.Audit("report.resend", "report", id, caseAuditDetail(map[string]any{
			"reason": reason, "from": old.Status, "status": rep.Status, "redraft": redraft,
			"approvals_withdrawn": redraftedApprovals(old, redraft), "replaced_ncmec_report": replacedNCMEC(nd)}))
	})
	return rep, err
}

// checkResendable reports whether rep may be sent again.
func (tx *Tx) checkResendable(rep vigil.Report) error {
	if rep.Status != vigil.ReportFailed && rep.Status != vigil.ReportRetracted {
		return vigil.Errorf(vigil.ECONFLICT, "report %s is %s: only a failed or retracted report is sent again", rep.ID, rep.Status)
	}
	c, err := caseByID(tx.ctx, tx, rep.CaseID)
	if err != nil {
		return err
	}
	if c.Status != vigil.CaseConfirmed {
		return vigil.Errorf(vigil.ECONFLICT, "case %s is %s, not confirmed: its report is not sent again", c.ID, c.Status)
	}
	nd, ok := rep.Delivery(vigil.DestNCMEC)
	if ok && nd.Reference != "" && nd.Status != vigil.DestFinished && nd.Status != vigil.DestRetracted {
		return vigil.Errorf(vigil.ECONFLICT, "CyberTipline report %s of report %s was opened and not retracted (%s): "+
			"a new submission could duplicate it; retract or finish it with NCMEC first", nd.Reference, rep.ID, nd.LastError)
	}
	return nil
}

// resetDeliveries drops the deliveries of rep that were not made, with the files of a
// CyberTipline report that was not finished; queueDestinations adds them again, pending.
func (tx *Tx) resetDeliveries(rep vigil.Report) error {
	if nd, ok := rep.Delivery(vigil.DestNCMEC); ok && nd.Status != vigil.DestFinished {
		if _, err := tx.ExecContext(tx.ctx, `DELETE FROM report_ncmec_files WHERE report_id = ?`, rep.ID); err != nil {
			return fmt.Errorf("resend report %s: %w", rep.ID, err)
		}
	}
	_, err := tx.ExecContext(tx.ctx, `DELETE FROM report_destinations WHERE report_id = ? AND status NOT IN (?, ?)`,
		rep.ID, vigil.DestFinished, vigil.DestSent)
	if err != nil {
		return fmt.Errorf("resend report %s: %w", rep.ID, err)
	}
	return nil
}

// requeue makes report id a draft without approvals (redraft) or queues it, due now.
func (tx *Tx) requeue(id string, redraft bool) error {
	status := vigil.ReportQueued
	if redraft {
		status = vigil.ReportDraft
		if _, err := tx.ExecContext(tx.ctx, `DELETE FROM report_approvals WHERE report_id = ?`, id); err != nil {
			return fmt.Errorf("resend report %s: %w", id, err)
		}
	} else if err := tx.queueDestinations(id); err != nil {
		return err
	}
	_, err := tx.ExecContext(tx.ctx, `UPDATE reports SET status = ?, retract_requested = 0, attempts = 0,
		next_try = ?, last_error = '', updated = ? WHERE id = ?`, status, ms(tx.now), ms(tx.now), id)
	if err != nil {
		return fmt.Errorf("resend report %s: %w", id, err)
	}
	return nil
}

// redraftedApprovals is how many approvals a resend withdrew.
func redraftedApprovals(rep vigil.Report, redraft bool) int {
	if redraft {
		return len(rep.Approvals)
	}
	return 0
}

// replacedNCMEC is the retracted CyberTipline report id a resend replaces, "" when none.
func replacedNCMEC(nd vigil.ReportDelivery) string {
	if nd.Status == vigil.DestRetracted {
		return nd.Reference
	}
	return ""
}
