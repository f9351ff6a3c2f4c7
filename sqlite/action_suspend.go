package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/vigilproject/vigil"
)

// SuspendUploader asks the platform to suspend the account that uploaded the item of confirmed
// case caseID (IR-09). It takes a person signed in to Vigil with the cases scope (a reviewer)
// or the reports scope (legal), and a reason, kept with the action and its audit event; the
// reason never reaches the user's notice, which states the grounds from its template (SG-08).
func (s *Actions) SuspendUploader(ctx context.Context, caseID, reason string) (vigil.Action, error) {
	actor := vigil.ActorFrom(ctx)
	if !actor.Can(vigil.ScopeCases) && !actor.Can(vigil.ScopeReports) {
		return vigil.Action{}, vigil.Errorf(vigil.EFORBIDDEN, "suspending an uploader needs the %s or %s permission",
			vigil.ScopeCases, vigil.ScopeReports)
	}
	if actor.Kind != vigil.ActorUser || actor.ID == "" {
		return vigil.Action{}, vigil.Errorf(vigil.EFORBIDDEN, "an uploader is suspended by a person signed in to Vigil, not by an API key or Vigil itself")
	}
	if strings.TrimSpace(reason) == "" {
		return vigil.Action{}, vigil.FieldErrorf(vigil.EINVALID, "reason", "a suspension gives its reason")
	}
	var a vigil.Action
	err := s.db.Update(ctx, func(tx *Tx) (err error) { a, err = tx.SuspendUploader(caseID, reason); return err })
	if err != nil {
		return vigil.Action{}, fmt.Errorf("suspend uploader of case %s: %w", caseID, err)
	}
	return a, nil
}

// SuspendUploader records a suspend action for the uploader of confirmed case caseID through
// RequestAction, which sends it with the uploader reference; the account notice follows when
// the platform confirms it (FinishAction), and a draft report of the case states the decision
// on the account (RP-13 Q11). A do_not_remove hold does not stop it: RP-18 exempts
// the named items from takedown, and a suspension takes nothing down; the item stays as the
// hold wants it. A second suspension while one is requested or done is refused.
func (tx *Tx) SuspendUploader(caseID, reason string) (vigil.Action, error) {
	c, err := caseByID(tx.ctx, tx, caseID)
	if err != nil {
		return vigil.Action{}, err
	}
	if c.Status != vigil.CaseConfirmed {
		return vigil.Action{}, vigil.Errorf(vigil.ECONFLICT, "case %s is %s: only a confirmed case's uploader is suspended", caseID, c.Status)
	}
	prev, err := tx.actionsWhere(`case_id = ? AND kind = ? AND status IN (?, ?)`,
		caseID, vigil.ActionSuspend, vigil.ActionRequested, vigil.ActionDone)
	if err != nil {
		return vigil.Action{}, err
	}
	if len(prev) > 0 {
		return vigil.Action{}, vigil.Errorf(vigil.ECONFLICT, "the uploader of case %s is suspended already: action %s is %s",
			caseID, prev[0].ID, prev[0].Status)
	}
	a, err := tx.RequestAction(vigil.Action{Kind: vigil.ActionSuspend, Trigger: vigil.TriggerOwnInitiative,
		ContentID: c.ContentID, Service: c.Service, CaseID: c.ID, Reason: reason})
	if err != nil {
		return vigil.Action{}, err
	}
	return a, tx.noteAccountDecision(c.ID)
}
