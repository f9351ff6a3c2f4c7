package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/vigilproject/vigil"
)

// holdColumns is the column list scanHold reads.
const holdColumns = `id, kind, content_id, case_id, authority, reference, order_id, reason,
	start, until, extended, released, created`

// scanHold reads one row of holdColumns.
func scanHold(row rowScanner) (vigil.Hold, error) {
	var h vigil.Hold
	var start, until, released, created int64
	err := row.Scan(&h.ID, &h.Kind, &h.ContentID, &h.CaseID, &h.Authority, &h.Reference,
		&h.OrderID, &h.Reason, &start, &until, &h.Extended, &released, &created)
	h.Start, h.Until, h.Released, h.Created = fromMS(start), fromMS(until), fromMS(released), fromMS(created)
	return h, err
}

// checkHold validates h as a new hold placed at now: a known kind, the item, the asker's
// reference, a period that ends after it starts and within the kind's limit (EC-14: the engine
// refuses more than 18 months; RO-08: 6 weeks for an order's non-disclosure).
func checkHold(h vigil.Hold, now time.Time) error {
	switch h.Kind {
	case vigil.HoldDoNotRemove, vigil.HoldDoNotInform, vigil.HoldLegal:
	default:
		return vigil.FieldErrorf(vigil.EINVALID, "kind", "unknown hold kind %q: want do_not_remove, do_not_inform or legal", h.Kind)
	}
	if h.ContentID == "" {
		return vigil.FieldErrorf(vigil.EINVALID, "content_id", "a hold names the content item it covers")
	}
	if h.Reference == "" {
		return vigil.FieldErrorf(vigil.EINVALID, "reference", "a hold needs the reference of the authority or request behind it")
	}
	if h.OrderID != "" && h.Kind != vigil.HoldDoNotInform {
		return vigil.FieldErrorf(vigil.EINVALID, "order_id", "only a do_not_inform hold carries an order's non-disclosure")
	}
	if !h.Until.After(h.Start) {
		return vigil.FieldErrorf(vigil.EINVALID, "until", "a hold must end after it starts")
	}
	if !h.Until.After(now) {
		return vigil.FieldErrorf(vigil.EINVALID, "until", "a hold must end in the future")
	}
	if latest, name := holdLimit(h); !latest.IsZero() && h.Until.After(latest) {
		return vigil.FieldErrorf(vigil.EINVALID, "until", "a %s hold lasts at most %s", h.Kind, name)
	}
	return nil
}

// holdLimit is the latest end a hold like h may have at placement, and how the law says it;
// zero for a legal hold, which lasts as long as the proceedings that need it.
func holdLimit(h vigil.Hold) (time.Time, string) {
	switch {
	case h.Kind == vigil.HoldLegal:
		return time.Time{}, ""
	case h.OrderID != "":
		return h.Start.Add(vigil.MaxNonDisclosure), "6 weeks for a removal order's non-disclosure (RO-08)"
	default:
		return vigil.LatestEUCentreHoldEnd(h.Start), "18 months on the EU Centre's instruction (EC-14)"
	}
}

// PlaceHold validates and stores hold h, starting now unless h.Start says otherwise, and
// audits it as hold.place. A do_not_inform hold reschedules the item's pending notices; a
// do_not_remove hold on an item whose removal an order already sent is noted in the order's
// history.
func (tx *Tx) PlaceHold(h vigil.Hold) (vigil.Hold, error) {
	if h.Start.IsZero() {
		h.Start = tx.now
	}
	h.Start, h.Until = h.Start.UTC().Truncate(time.Millisecond), h.Until.UTC().Truncate(time.Millisecond)
	if err := checkHold(h, tx.now); err != nil {
		return vigil.Hold{}, err
	}
	h.ID, h.Created, h.Extended, h.Released = vigil.NewID(vigil.PrefixHold, tx.now), tx.now, false, time.Time{}
	_, err := tx.ExecContext(tx.ctx, `INSERT INTO holds (`+holdColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?)`,
		h.ID, h.Kind, h.ContentID, h.CaseID, h.Authority, h.Reference, h.OrderID, h.Reason,
		ms(h.Start), ms(h.Until), ms(h.Created))
	if err != nil {
		return vigil.Hold{}, fmt.Errorf("place hold: %w", err)
	}
	if err := tx.auditHold("hold.place", h, ""); err != nil {
		return vigil.Hold{}, err
	}
	if h.Kind == vigil.HoldDoNotRemove {
		if err := tx.noteLateHold(h); err != nil {
			return vigil.Hold{}, err
		}
	}
	return h, tx.holdsChanged(h)
}

// ExtendHold moves the end of the removal order's non-disclosure hold id to until, once and
// by at most 6 weeks (RO-08), and audits it as hold.extend.
func (tx *Tx) ExtendHold(id string, until time.Time, reason string) (vigil.Hold, error) {
	h, err := tx.hold(id)
	if err != nil {
		return vigil.Hold{}, err
	}
	until = until.UTC().Truncate(time.Millisecond)
	switch {
	case h.OrderID == "":
		return vigil.Hold{}, vigil.Errorf(vigil.ECONFLICT, "only a removal order's non-disclosure hold can be extended (RO-08)")
	case h.Extended:
		return vigil.Hold{}, vigil.Errorf(vigil.ECONFLICT, "hold %s was extended already: a non-disclosure period is extendable once (RO-08)", id)
	case !h.Active(tx.now):
		return vigil.Hold{}, vigil.Errorf(vigil.ECONFLICT, "hold %s is no longer in force", id)
	case !until.After(h.Until):
		return vigil.Hold{}, vigil.FieldErrorf(vigil.EINVALID, "until", "an extension must end after the hold's current end")
	case until.Sub(h.Until) > vigil.MaxNonDisclosureExt:
		return vigil.Hold{}, vigil.FieldErrorf(vigil.EINVALID, "until", "an extension adds at most 6 weeks (RO-08)")
	}
	h.Until, h.Extended = until, true
	_, err = tx.ExecContext(tx.ctx, `UPDATE holds SET until = ?, extended = 1 WHERE id = ?`, ms(until), id)
	if err != nil {
		return vigil.Hold{}, fmt.Errorf("extend hold %s: %w", id, err)
	}
	if err := tx.auditHold("hold.extend", h, reason); err != nil {
		return vigil.Hold{}, err
	}
	return h, tx.holdsChanged(h)
}

// ReleaseHold ends hold id now, before its period is over, and audits it as hold.release.
func (tx *Tx) ReleaseHold(id, reason string) (vigil.Hold, error) {
	h, err := tx.hold(id)
	if err != nil {
		return vigil.Hold{}, err
	}
	if !h.Released.IsZero() || !h.Until.After(tx.now) {
		return vigil.Hold{}, vigil.Errorf(vigil.ECONFLICT, "hold %s is no longer in force", id)
	}
	h.Released = tx.now
	if _, err := tx.ExecContext(tx.ctx, `UPDATE holds SET released = ? WHERE id = ?`, ms(tx.now), id); err != nil {
		return vigil.Hold{}, fmt.Errorf("release hold %s: %w", id, err)
	}
	if err := tx.auditHold("hold.release", h, reason); err != nil {
		return vigil.Hold{}, err
	}
	return h, tx.holdsChanged(h)
}

// holdsChanged brings what h's item waits for up to date after hold h was placed, extended or
// released: the timing of its pending notices, or the takedowns a do_not_remove hold stopped.
func (tx *Tx) holdsChanged(h vigil.Hold) error {
	switch h.Kind {
	case vigil.HoldDoNotInform:
		return tx.rescheduleNotices(h.ContentID)
	case vigil.HoldDoNotRemove:
		return tx.resumeHeldActions(h.ContentID)
	}
	return nil
}

// auditHold appends the audit event of a change to hold h.
func (tx *Tx) auditHold(action string, h vigil.Hold, reason string) error {
	if reason == "" {
		reason = h.Reason
	}
	detail, err := json.Marshal(map[string]any{
		"kind": h.Kind, "content_id": h.ContentID, "authority": h.Authority,
		"reference": h.Reference, "order_id": h.OrderID, "until": webhookTime(h.Until), "reason": reason,
	})
	if err != nil {
		return err
	}
	return tx.Audit(action, "hold", h.ID, string(detail))
}

// hold reads hold id inside the transaction.
func (tx *Tx) hold(id string) (vigil.Hold, error) { return holdByID(tx.ctx, tx, id) }

// holdByID reads hold id with q: a transaction, or the read pool.
func holdByID(ctx context.Context, q caseQuerier, id string) (vigil.Hold, error) {
	return rowByID(ctx, q, scanHold, "hold", `SELECT `+holdColumns+` FROM holds WHERE id = ?`, id)
}

// ActiveHolds returns the holds of kind on contentID in force at at, oldest first; an empty
// kind returns holds of every kind.
func (tx *Tx) ActiveHolds(contentID string, kind vigil.HoldKind, at time.Time) ([]vigil.Hold, error) {
	rows, err := tx.QueryContext(tx.ctx, `SELECT `+holdColumns+` FROM holds
		WHERE content_id = ? AND (? = '' OR kind = ?) AND start <= ? AND until > ?
		AND (released = 0 OR released > ?) ORDER BY id`,
		contentID, kind, kind, ms(at), ms(at), ms(at))
	if err != nil {
		return nil, fmt.Errorf("active holds on %s: %w", contentID, err)
	}
	return collectHolds(rows)
}

// holdsOn returns every hold of kind on contentID, in force or not, for notice timing.
func (tx *Tx) holdsOn(contentID string, kind vigil.HoldKind) ([]vigil.Hold, error) {
	rows, err := tx.QueryContext(tx.ctx, `SELECT `+holdColumns+` FROM holds
		WHERE content_id = ? AND kind = ? ORDER BY id`, contentID, kind)
	if err != nil {
		return nil, fmt.Errorf("holds on %s: %w", contentID, err)
	}
	return collectHolds(rows)
}

// collectHolds reads and closes rows of holdColumns.
func collectHolds(rows *sql.Rows) ([]vigil.Hold, error) {
	holds, err := scanAll(rows, scanHold)
	if err != nil {
		return nil, fmt.Errorf("read holds: %w", err)
	}
	return holds, nil
}
