package sqlite

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/vigilproject/vigil"
)

// accountSuspended is the decision on the user account a report states once the uploader is
// suspended (RP-13 Q11).
const accountSuspended = "account suspended"

// noteAccountDecision writes the suspension into the account decision of case caseID's report
// while it is a draft and states none yet (RP-13 Q11). A report waiting for its second approval
// or sent is left alone: changing it would undo approvals or differ from what was sent; legal
// can edit a draft's decision afterwards. Audited as report.account_decision, without the
// record's personal data.
func (tx *Tx) noteAccountDecision(caseID string) error {
	var id string
	err := tx.QueryRowContext(tx.ctx, `SELECT id FROM reports WHERE case_id = ? AND status = ?`,
		caseID, vigil.ReportDraft).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("report of case %s: %w", caseID, err)
	}
	rep, err := tx.report(id)
	if err != nil || rep.Record.Account != "" {
		return err
	}
	rep.Record.Account = accountSuspended
	nonce, sealed, err := tx.sealRecord(id, rep.Record)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(tx.ctx, `UPDATE reports SET record_nonce = ?, record = ?, updated = ? WHERE id = ?`,
		nonce, sealed, ms(tx.now), id)
	if err != nil {
		return fmt.Errorf("note account decision in report %s: %w", id, err)
	}
	return tx.Audit("report.account_decision", "report", id, caseAuditDetail(map[string]any{
		"case_id": caseID, "account_decision": accountSuspended}))
}
