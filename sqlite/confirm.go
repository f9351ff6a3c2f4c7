package sqlite

import "github.com/vigilproject/vigil"

// confirmed starts, inside the transaction of the decision decisionID that confirmed case c,
// everything a confirmation sets in motion, so that none of it can be lost to a crash: the
// evidence is preserved before the case's media is deleted, the report is drafted, and the
// platform is asked to act.
func (tx *Tx) confirmed(c vigil.Case, decisionID string) error {
	if err := tx.preserveConfirmed(c); err != nil {
		return err
	}
	if err := tx.DraftReport(c, decisionID); err != nil {
		return err
	}
	return tx.actOnConfirm(c, decisionID)
}
