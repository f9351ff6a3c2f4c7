package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/vigilproject/vigil"
)

// OnConfirmNone is the on-confirm setting of a service whose platform acts on confirmed cases
// itself, from the case.decided event, instead of being asked to.
const OnConfirmNone = "none"

// actOnConfirm asks the platform to take down the item of confirmed case c, as the service's
// setting says (remove unless set otherwise); a do_not_remove hold on the item makes the
// request held instead of sent (RP-18).
func (tx *Tx) actOnConfirm(c vigil.Case, decisionID string) error {
	kind, err := tx.onConfirm(c.Service)
	if err != nil || kind == OnConfirmNone {
		return err
	}
	_, err = tx.RequestAction(vigil.Action{
		Kind: vigil.ActionKind(kind), Trigger: vigil.TriggerOwnInitiative, ContentID: c.ContentID,
		Service: c.Service, CaseID: c.ID, Reference: decisionID,
		Reason: "a reviewer confirmed the match",
	})
	return err
}

// onConfirm returns the action kind the service takes on a confirmed case: remove, disable or
// none; remove when the service has no setting.
func (tx *Tx) onConfirm(service string) (string, error) { return onConfirmOf(tx.ctx, tx, service) }

// onConfirmOf reads service's on-confirm setting with q: a transaction, or the read pool.
func onConfirmOf(ctx context.Context, q caseQuerier, service string) (string, error) {
	var kind string
	err := q.QueryRowContext(ctx, `SELECT on_confirm FROM action_settings WHERE service = ?`, service).Scan(&kind)
	if errors.Is(err, sql.ErrNoRows) {
		return string(vigil.ActionRemove), nil
	}
	if err != nil {
		return "", fmt.Errorf("on-confirm setting of %s: %w", service, err)
	}
	return kind, nil
}

// SetOnConfirm sets what a confirmed case of service asks the platform to do: remove, disable
// or none, and audits it as action.settings.
func (tx *Tx) SetOnConfirm(service, kind string) error {
	switch kind {
	case string(vigil.ActionRemove), string(vigil.ActionDisable), OnConfirmNone:
	default:
		return vigil.FieldErrorf(vigil.EINVALID, "on_confirm", "want remove, disable or none, not %q", kind)
	}
	var n int
	if err := tx.QueryRowContext(tx.ctx, `SELECT count(*) FROM services WHERE name = ?`, service).Scan(&n); err != nil {
		return fmt.Errorf("on-confirm setting: %w", err)
	}
	if n == 0 {
		return vigil.FieldErrorf(vigil.ENOTFOUND, "service", "no service %q", service)
	}
	_, err := tx.ExecContext(tx.ctx, `INSERT INTO action_settings (service, on_confirm, updated) VALUES (?, ?, ?)
		ON CONFLICT (service) DO UPDATE SET on_confirm = excluded.on_confirm, updated = excluded.updated`,
		service, kind, ms(tx.now))
	if err != nil {
		return fmt.Errorf("on-confirm setting of %s: %w", service, err)
	}
	detail, err := json.Marshal(map[string]string{"on_confirm": kind})
	if err != nil {
		return err
	}
	return tx.Audit("action.settings", "service", service, string(detail))
}
