package sqlite

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/vigilproject/vigil"
)

// actionColumns is the column list scanAction reads.
const actionColumns = `id, kind, trigger, content_id, url, service, case_id, reference, status,
	hold_id, reason, requested, done`

// scanAction reads one row of actionColumns.
func scanAction(row rowScanner) (vigil.Action, error) {
	var a vigil.Action
	var requested, done int64
	err := row.Scan(&a.ID, &a.Kind, &a.Trigger, &a.ContentID, &a.URL, &a.Service, &a.CaseID,
		&a.Reference, &a.Status, &a.HoldID, &a.Reason, &requested, &done)
	a.Requested, a.Done = fromMS(requested), fromMS(done)
	return a, err
}

// checkAction refuses an action of unknown kind or trigger, or one that names no item.
func checkAction(a vigil.Action) error {
	switch a.Kind {
	case vigil.ActionRemove, vigil.ActionDisable, vigil.ActionRestore:
	case vigil.ActionSuspend, vigil.ActionReinstate:
		if a.ContentID == "" {
			return vigil.FieldErrorf(vigil.EINVALID, "content_id", "a %s action names the content item whose uploader it is about", a.Kind)
		}
	default:
		return vigil.FieldErrorf(vigil.EINVALID, "kind", "unknown action kind %q: want remove, disable, restore, suspend or reinstate", a.Kind)
	}
	switch a.Trigger {
	case vigil.TriggerOwnInitiative, vigil.TriggerRemovalOrder, vigil.TriggerAuthority,
		vigil.TriggerEUCentre, vigil.TriggerThirdParty, vigil.TriggerComplaint:
	default:
		return vigil.FieldErrorf(vigil.EINVALID, "trigger", "unknown action trigger %q", a.Trigger)
	}
	if a.ContentID == "" && a.URL == "" {
		return vigil.FieldErrorf(vigil.EINVALID, "content_id", "an action names a content item or a URL")
	}
	return nil
}

// actionEvent is the data of an action.requested webhook event: what the platform needs to
// find the item and act on it.
type actionEvent struct {
	ID         string `json:"id"`
	Kind       string `json:"kind"`
	Trigger    string `json:"trigger"`
	ContentID  string `json:"content_id,omitempty"`
	ExternalID string `json:"external_id,omitempty"`
	URL        string `json:"url,omitempty"`
	Uploader   string `json:"uploader,omitempty"` // the account a suspend or reinstate acts on
	Service    string `json:"service,omitempty"`
	CaseID     string `json:"case_id,omitempty"`
	Reference  string `json:"reference,omitempty"`
	Reason     string `json:"reason,omitempty"`
	Requested  string `json:"requested_at"`
}

// RequestAction records action a and asks the platform to carry it out by enqueuing
// action.requested, unless a is a removal or disabling of an item under a do_not_remove hold:
// then it is recorded as held and nothing is sent (RP-18). Service, URL and case default to
// the item's. It is audited as action.request, or action.hold when held.
func (tx *Tx) RequestAction(a vigil.Action) (vigil.Action, error) {
	if err := checkAction(a); err != nil {
		return vigil.Action{}, err
	}
	a.Uploader = ""
	var externalID string
	if a.ContentID != "" {
		c, err := tx.contentItem(a.ContentID)
		if err != nil && vigil.ErrorCode(err) != vigil.ENOTFOUND {
			return vigil.Action{}, err
		}
		externalID = c.ExternalID
		if accountAction(a.Kind) {
			a.Uploader = c.Uploader
		}
		a.Service, a.URL, a.CaseID = cmp.Or(a.Service, c.Service), cmp.Or(a.URL, c.URL), cmp.Or(a.CaseID, c.Verdict.CaseID)
	}
	a.ID, a.Status, a.HoldID, a.Requested, a.Done = vigil.NewID(vigil.PrefixAction, tx.now), vigil.ActionRequested, "", tx.now, time.Time{}
	if err := tx.holdAction(&a); err != nil {
		return vigil.Action{}, err
	}
	_, err := tx.ExecContext(tx.ctx, `INSERT INTO actions (`+actionColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
		a.ID, a.Kind, a.Trigger, a.ContentID, a.URL, a.Service, a.CaseID, a.Reference, a.Status,
		a.HoldID, a.Reason, ms(a.Requested))
	if err != nil {
		return vigil.Action{}, fmt.Errorf("request action: %w", err)
	}
	if a.Status == vigil.ActionHeld {
		return a, tx.auditAction("action.hold", a)
	}
	if err := tx.sendAction(a, externalID); err != nil {
		return vigil.Action{}, err
	}
	return a, tx.auditAction("action.request", a)
}

// accountAction reports whether an action of kind acts on the uploader's account, not the item.
func accountAction(kind vigil.ActionKind) bool {
	return kind == vigil.ActionSuspend || kind == vigil.ActionReinstate
}

// sendAction enqueues the action.requested event of a; a suspend or reinstate carries the
// uploader reference the platform needs to find the account.
func (tx *Tx) sendAction(a vigil.Action, externalID string) error {
	if accountAction(a.Kind) && a.Uploader == "" {
		return vigil.Errorf(vigil.ECONFLICT, "action %s: content %s has no uploader reference, so there is no account to %s", a.ID, a.ContentID, a.Kind)
	}
	return tx.Enqueue(vigil.EventActionRequested, actionEvent{
		ID: a.ID, Kind: string(a.Kind), Trigger: string(a.Trigger), ContentID: a.ContentID,
		ExternalID: externalID, URL: a.URL, Uploader: a.Uploader, Service: a.Service, CaseID: a.CaseID,
		Reference: a.Reference, Reason: a.Reason, Requested: webhookTime(a.Requested),
	})
}

// resumeHeldActions sends the held actions on contentID that no do_not_remove hold covers any
// more: the hold ended or was released, so the takedown it stopped goes ahead (RP-18: exempt
// for the period only). Each is audited as action.resume; the clocks of the removal orders the
// holds paused restart.
func (tx *Tx) resumeHeldActions(contentID string) error {
	holds, err := tx.ActiveHolds(contentID, vigil.HoldDoNotRemove, tx.now)
	if err != nil {
		return err
	}
	if len(holds) > 0 {
		// Another hold still covers the item: the actions wait for it instead.
		_, err := tx.ExecContext(tx.ctx, `UPDATE actions SET hold_id = ? WHERE content_id = ? AND status = 'held'`,
			holds[0].ID, contentID)
		return err
	}
	held, err := tx.actionsWhere(`content_id = ? AND status = 'held'`, contentID)
	if err != nil {
		return err
	}
	for _, a := range held {
		a.Status, a.Requested = vigil.ActionRequested, tx.now
		_, err := tx.ExecContext(tx.ctx, `UPDATE actions SET status = ?, requested = ? WHERE id = ?`,
			a.Status, ms(a.Requested), a.ID)
		if err != nil {
			return fmt.Errorf("resume action %s: %w", a.ID, err)
		}
		c, err := tx.contentItem(contentID)
		if err != nil && vigil.ErrorCode(err) != vigil.ENOTFOUND {
			return err
		}
		if err := tx.sendAction(a, c.ExternalID); err != nil {
			return err
		}
		if err := tx.auditAction("action.resume", a); err != nil {
			return err
		}
	}
	return tx.resumeHeldOrders(contentID)
}

// actionsWhere returns the actions matching cond, oldest first.
func (tx *Tx) actionsWhere(cond string, args ...any) ([]vigil.Action, error) {
	rows, err := tx.QueryContext(tx.ctx, `SELECT `+actionColumns+` FROM actions WHERE `+cond+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("read actions: %w", err)
	}
	as, err := scanAll(rows, scanAction)
	if err != nil {
		return nil, fmt.Errorf("read actions: %w", err)
	}
	return as, nil
}

// holdAction marks a held when it would take down an item a do_not_remove hold covers.
func (tx *Tx) holdAction(a *vigil.Action) error {
	if a.ContentID == "" || (a.Kind != vigil.ActionRemove && a.Kind != vigil.ActionDisable) {
		return nil
	}
	holds, err := tx.ActiveHolds(a.ContentID, vigil.HoldDoNotRemove, tx.now)
	if err != nil || len(holds) == 0 {
		return err
	}
	a.Status, a.HoldID = vigil.ActionHeld, holds[0].ID
	return nil
}

// FinishAction records the platform's answer to requested action id: done, or failed with
// reason. It is audited as action.done or action.failed.
func (tx *Tx) FinishAction(id string, status vigil.ActionStatus, reason string) (vigil.Action, error) {
	if status != vigil.ActionDone && status != vigil.ActionFailed {
		return vigil.Action{}, vigil.FieldErrorf(vigil.EINVALID, "status", "an action finishes done or failed, not %q", status)
	}
	a, err := tx.action(id)
	if err != nil {
		return vigil.Action{}, err
	}
	if a.Status != vigil.ActionRequested {
		return vigil.Action{}, vigil.Errorf(vigil.ECONFLICT, "action %s is %s, not requested", id, a.Status)
	}
	a.Status, a.Done = status, tx.now
	if reason != "" {
		a.Reason = reason
	}
	_, err = tx.ExecContext(tx.ctx, `UPDATE actions SET status = ?, done = ?, reason = ? WHERE id = ?`,
		a.Status, ms(a.Done), a.Reason, id)
	if err != nil {
		return vigil.Action{}, fmt.Errorf("finish action %s: %w", id, err)
	}
	if err := tx.auditAction("action."+string(status), a); err != nil {
		return vigil.Action{}, err
	}
	if status != vigil.ActionDone {
		return a, nil
	}
	return a, tx.noticeOfAction(a)
}

// noticeOfAction schedules the uploader's notice of done action a: a removal notice for a
// takedown (RO-07, IR-09), a restored notice for a restore (IR-05), an account notice for a
// suspension (IR-09). A removal order's notice is
// the order's to schedule, with its non-disclosure hold (RO-08); a restore after an upheld
// complaint is told in the complaint's notice.
func (tx *Tx) noticeOfAction(a vigil.Action) error {
	var kind vigil.NoticeKind
	switch {
	case a.ContentID == "" || a.Trigger == vigil.TriggerRemovalOrder:
		return nil
	case a.Kind == vigil.ActionRemove || a.Kind == vigil.ActionDisable:
		kind = vigil.NoticeRemoval
	case a.Kind == vigil.ActionRestore && a.Trigger != vigil.TriggerComplaint:
		kind = vigil.NoticeRestored
	case a.Kind == vigil.ActionSuspend:
		kind = vigil.NoticeAccount
	default:
		return nil
	}
	_, err := tx.ScheduleNotice(vigil.Notice{
		Kind: kind, ContentID: a.ContentID, CaseID: a.CaseID, Service: a.Service,
		Reference: a.ID, Basis: a.Done,
	})
	return err
}

// action reads action id inside the transaction.
func (tx *Tx) action(id string) (vigil.Action, error) { return actionByID(tx.ctx, tx, id) }

// actionByID reads action id with q: a transaction, or the read pool.
func actionByID(ctx context.Context, q caseQuerier, id string) (vigil.Action, error) {
	return rowByID(ctx, q, scanAction, "action", `SELECT `+actionColumns+` FROM actions WHERE id = ?`, id)
}

// auditAction appends the audit event of a change to action a.
func (tx *Tx) auditAction(action string, a vigil.Action) error {
	detail, err := json.Marshal(map[string]any{
		"kind": a.Kind, "trigger": a.Trigger, "content_id": a.ContentID, "case_id": a.CaseID,
		"reference": a.Reference, "status": a.Status, "hold_id": a.HoldID, "reason": a.Reason,
	})
	if err != nil {
		return err
	}
	return tx.Audit(action, "action", a.ID, string(detail))
}

// ResumeHeldActions sends the held takedowns whose do_not_remove holds have all run out, for
// the notice worker's periodic pass, and returns how many it sent.
func (db *DB) ResumeHeldActions(ctx context.Context) (int, error) {
	var n int
	err := db.Update(ctx, func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT a.content_id FROM actions a
			JOIN holds h ON h.id = a.hold_id
			WHERE a.status = 'held' AND (h.until <= ? OR (h.released != 0 AND h.released <= ?))`,
			ms(tx.now), ms(tx.now))
		if err != nil {
			return err
		}
		var items []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			items = append(items, id)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		for _, id := range items {
			before, err := tx.heldCount(id)
			if err != nil {
				return err
			}
			if err := tx.resumeHeldActions(id); err != nil {
				return err
			}
			after, err := tx.heldCount(id)
			if err != nil {
				return err
			}
			n += before - after
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("resume held actions: %w", err)
	}
	return n, nil
}

// heldCount counts the held actions on contentID.
func (tx *Tx) heldCount(contentID string) (int, error) {
	var n int
	err := tx.QueryRowContext(tx.ctx, `SELECT count(*) FROM actions WHERE content_id = ? AND status = 'held'`, contentID).Scan(&n)
	return n, err
}
