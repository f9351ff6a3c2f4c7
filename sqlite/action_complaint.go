package sqlite

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/vigilproject/vigil"
)

// withdrawTakedowns calls off the provider's own-initiative removals and disablings of the
// item of upheld complaint c that were never sent to the platform: those a do_not_remove hold
// keeps back. Left held, they would go out when the hold ends and take down the item the
// complaint's restore put back (IR-05). A takedown already requested has reached the
// platform, and the restore requested after it undoes it. Each is audited as action.withdraw.
func (tx *Tx) withdrawTakedowns(c vigil.Complaint) error {
	held, err := tx.actionsWhere(`content_id = ? AND trigger = ? AND kind IN (?, ?) AND status = ?`,
		c.ContentID, vigil.TriggerOwnInitiative, vigil.ActionRemove, vigil.ActionDisable, vigil.ActionHeld)
	if err != nil {
		return err
	}
	for _, a := range held {
		a.Status, a.Reason = vigil.ActionWithdrawn, "withdrawn: complaint "+c.ID+" was upheld"
		_, err := tx.ExecContext(tx.ctx, `UPDATE actions SET status = ?, reason = ? WHERE id = ?`,
			a.Status, a.Reason, a.ID)
		if err != nil {
			return fmt.Errorf("withdraw action %s: %w", a.ID, err)
		}
		if err := tx.auditAction("action.withdraw", a); err != nil {
			return err
		}
	}
	return nil
}

// refuseOrderRestore refuses to uphold complaint c into a restore when an authority's removal
// order took the item down, by content id or, for an order that names only a URL, by the
// item's URL. Redress against a removal order lies before the courts of the issuing
// authority's Member State (Art. 15, RO-09), not in the provider's complaint process, and the
// provider may not put back what the order removed; the complaint can still be rejected.
func (tx *Tx) refuseOrderRestore(c vigil.Complaint) error {
	item, err := tx.contentItem(c.ContentID)
	if err != nil && vigil.ErrorCode(err) != vigil.ENOTFOUND {
		return err
	}
	var orderID, reference, authority string
	err = tx.QueryRowContext(tx.ctx, `SELECT a.reference, coalesce(o.reference, ''),
		coalesce(o.issuing_authority, '') FROM actions a LEFT JOIN orders o ON o.id = a.reference
		WHERE a.trigger = ? AND a.kind IN (?, ?)
		AND (a.content_id = ? OR (a.content_id = '' AND a.url != '' AND a.url = ?))
		ORDER BY a.id LIMIT 1`,
		vigil.TriggerRemovalOrder, vigil.ActionRemove, vigil.ActionDisable, c.ContentID, item.URL,
	).Scan(&orderID, &reference, &authority)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("removal orders of %s: %w", c.ContentID, err)
	}
	return vigil.FieldErrorf(vigil.ECONFLICT, "outcome",
		"content %s was removed under removal order %s (reference %q, issued by %q): redress against "+
			"a removal order lies before the courts of the issuing authority's Member State (Art. 15, "+
			"RO-09), not in the provider's complaint process, so the complaint cannot be upheld into a "+
			"restore; reject it and point the user to that redress",
		c.ContentID, orderID, reference, authority)
}
