package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/vigilproject/vigil"
)

// RevealAllowance returns how many times the acting user revealed case media in the hour before
// now and their hourly cap: the numbers Media checks, read without revealing anything.
func (s *CaseStore) RevealAllowance(ctx context.Context) (used, limit int, err error) {
	actor, err := caseActor(ctx)
	if err != nil {
		return 0, 0, err
	}
	return revealAllowance(ctx, s.db.read, actor.ID, s.db.Clock.Now())
}

// checkRevealCap refuses a reveal when actor has made as many reveals as their cap
// (vigil.User.RevealsPerHour) allows in the hour before now.
func (tx *Tx) checkRevealCap(actor vigil.Actor) error {
	n, limit, err := revealAllowance(tx.ctx, tx, actor.ID, tx.now)
	if err != nil {
		return err
	}
	if n >= limit {
		return vigil.Errorf(vigil.ERATELIMITED, "you have revealed media %d times in the last hour, your limit: take a break", n)
	}
	return nil
}

// revealAllowance counts viewerID's reveals in the hour before now and finds their cap. Actors
// that are not users, such as API keys, have the default cap.
func revealAllowance(ctx context.Context, q caseQuerier, viewerID string, now time.Time) (used, limit int, err error) {
	err = q.QueryRowContext(ctx, `SELECT reveals_per_hour FROM users WHERE id = ?`, viewerID).Scan(&limit)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, 0, fmt.Errorf("reveal cap: %w", err)
	}
	if limit <= 0 {
		limit = vigil.DefaultRevealsPerHour
	}
	err = q.QueryRowContext(ctx, `SELECT count(*) FROM case_views WHERE viewer = ? AND time > ?`,
		viewerID, ms(now.Add(-time.Hour))).Scan(&used)
	if err != nil {
		return 0, 0, fmt.Errorf("count reveals: %w", err)
	}
	return used, limit, nil
}
