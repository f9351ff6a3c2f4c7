package sqlite

import (
	"context"
	"fmt"

	"github.com/vigilproject/vigil"
)

// Actions is the ActionService on the database.
type Actions struct{ db *DB }

// NewActions returns the action service of db.
func NewActions(db *DB) *Actions { return &Actions{db: db} }

var _ vigil.ActionService = (*Actions)(nil)

// checkActionReader refuses callers that neither act on content (the platform's submit key)
// nor work cases, reports or orders.
func checkActionReader(ctx context.Context) error {
	a := vigil.ActorFrom(ctx)
	for _, s := range []vigil.Scope{vigil.ScopeSubmit, vigil.ScopeCases, vigil.ScopeReports, vigil.ScopeOrders} {
		if a.Can(s) {
			return nil
		}
	}
	return vigil.Errorf(vigil.EFORBIDDEN, "reading actions needs the %s, %s, %s or %s permission",
		vigil.ScopeSubmit, vigil.ScopeCases, vigil.ScopeReports, vigil.ScopeOrders)
}

// Actions lists actions newest first, from the cursor on.
func (s *Actions) Actions(ctx context.Context, f vigil.ActionFilter) ([]vigil.Action, string, error) {
	if err := checkActionReader(ctx); err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	cursor := f.Cursor
	if cursor == "" {
		cursor = "~" // sorts after every id
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT `+actionColumns+` FROM actions
		WHERE (? = '' OR status = ?) AND (? = '' OR content_id = ?) AND id < ? ORDER BY id DESC LIMIT ?`,
		f.Status, f.Status, f.ContentID, f.ContentID, cursor, limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("actions: %w", err)
	}
	defer rows.Close()
	var out []vigil.Action
	for rows.Next() {
		a, err := scanAction(rows)
		if err != nil {
			return nil, "", fmt.Errorf("actions: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("actions: %w", err)
	}
	if len(out) > limit {
		return out[:limit], out[limit-1].ID, nil
	}
	return out, "", nil
}

// Action returns action id.
func (s *Actions) Action(ctx context.Context, id string) (vigil.Action, error) {
	if err := checkActionReader(ctx); err != nil {
		return vigil.Action{}, err
	}
	return actionByID(ctx, s.db.read, id)
}

// Finish records the platform's answer to action id; it needs the submit scope, the platform's.
func (s *Actions) Finish(ctx context.Context, id string, status vigil.ActionStatus, reason string) (vigil.Action, error) {
	if !vigil.ActorFrom(ctx).Can(vigil.ScopeSubmit) {
		return vigil.Action{}, vigil.Errorf(vigil.EFORBIDDEN, "answering an action needs the %s permission", vigil.ScopeSubmit)
	}
	var a vigil.Action
	err := s.db.Update(ctx, func(tx *Tx) (err error) { a, err = tx.FinishAction(id, status, reason); return err })
	return a, err
}

// OnConfirm returns the automatic action of service's confirmed cases.
func (s *Actions) OnConfirm(ctx context.Context, service string) (string, error) {
	if err := checkActionReader(ctx); err != nil {
		return "", err
	}
	return onConfirmOf(ctx, s.db.read, service)
}

// SetOnConfirm sets the automatic action of service's confirmed cases; admins only.
func (s *Actions) SetOnConfirm(ctx context.Context, service, kind string) error {
	if !vigil.ActorFrom(ctx).Can(vigil.ScopeAdmin) {
		return vigil.Errorf(vigil.EFORBIDDEN, "changing a service's automatic action needs the %s permission", vigil.ScopeAdmin)
	}
	return s.db.Update(ctx, func(tx *Tx) error { return tx.SetOnConfirm(service, kind) })
}
