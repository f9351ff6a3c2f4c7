package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/vigilproject/vigil"
)

// Holds is the HoldService on the database.
type Holds struct{ db *DB }

// NewHolds returns the hold service of db.
func NewHolds(db *DB) *Holds { return &Holds{db: db} }

var _ vigil.HoldService = (*Holds)(nil)

// holdScope is the permission that places and changes holds of kind: evidence for legal holds,
// which keep evidence; reports for the EU Centre's instructions and orders' non-disclosure.
func holdScope(kind vigil.HoldKind) vigil.Scope {
	if kind == vigil.HoldLegal {
		return vigil.ScopeEvidence
	}
	return vigil.ScopeReports
}

// checkHoldWriter refuses an actor without the permission for holds of kind.
func checkHoldWriter(ctx context.Context, kind vigil.HoldKind) error {
	if s := holdScope(kind); !vigil.ActorFrom(ctx).Can(s) {
		return vigil.Errorf(vigil.EFORBIDDEN, "a %s hold needs the %s permission", kind, s)
	}
	return nil
}

// checkHoldReader refuses an actor who may place no hold at all.
func checkHoldReader(ctx context.Context) error {
	if a := vigil.ActorFrom(ctx); !a.Can(vigil.ScopeReports) && !a.Can(vigil.ScopeEvidence) {
		return vigil.Errorf(vigil.EFORBIDDEN, "reading holds needs the %s or %s permission", vigil.ScopeReports, vigil.ScopeEvidence)
	}
	return nil
}

// Holds lists holds newest first, from the cursor on.
func (s *Holds) Holds(ctx context.Context, f vigil.HoldFilter) ([]vigil.Hold, string, error) {
	if err := checkHoldReader(ctx); err != nil {
		return nil, "", err
	}
	limit, now := pageLimit(f.Limit), ms(s.db.Clock.Now())
	active := 0
	if f.Active {
		active = 1
	}
	cursor := f.Cursor
	if cursor == "" {
		cursor = "~" // sorts after every id
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT `+holdColumns+` FROM holds
		WHERE (? = '' OR kind = ?) AND (? = '' OR content_id = ?)
		AND (? = 0 OR (start <= ? AND until > ? AND (released = 0 OR released > ?)))
		AND id < ? ORDER BY id DESC LIMIT ?`,
		f.Kind, f.Kind, f.ContentID, f.ContentID, active, now, now, now, cursor, limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("holds: %w", err)
	}
	holds, err := collectHolds(rows)
	if err != nil {
		return nil, "", err
	}
	if len(holds) > limit {
		return holds[:limit], holds[limit-1].ID, nil
	}
	return holds, "", nil
}

// Hold returns hold id.
func (s *Holds) Hold(ctx context.Context, id string) (vigil.Hold, error) {
	if err := checkHoldReader(ctx); err != nil {
		return vigil.Hold{}, err
	}
	return holdByID(ctx, s.db.read, id)
}

// Place places hold h for an actor with the kind's permission.
func (s *Holds) Place(ctx context.Context, h vigil.Hold) (vigil.Hold, error) {
	if err := checkHoldWriter(ctx, h.Kind); err != nil {
		return vigil.Hold{}, err
	}
	err := s.db.Update(ctx, func(tx *Tx) (err error) { h, err = tx.PlaceHold(h); return err })
	return h, err
}

// Extend extends the non-disclosure hold id (RO-08).
func (s *Holds) Extend(ctx context.Context, id string, until time.Time, reason string) (vigil.Hold, error) {
	var h vigil.Hold
	err := s.db.Update(ctx, func(tx *Tx) error {
		cur, err := tx.hold(id)
		if err != nil {
			return err
		}
		if err := checkHoldWriter(ctx, cur.Kind); err != nil {
			return err
		}
		h, err = tx.ExtendHold(id, until, reason)
		return err
	})
	return h, err
}

// Release ends hold id early.
func (s *Holds) Release(ctx context.Context, id, reason string) (vigil.Hold, error) {
	var h vigil.Hold
	err := s.db.Update(ctx, func(tx *Tx) error {
		cur, err := tx.hold(id)
		if err != nil {
			return err
		}
		if err := checkHoldWriter(ctx, cur.Kind); err != nil {
			return err
		}
		h, err = tx.ReleaseHold(id, reason)
		return err
	})
	return h, err
}
