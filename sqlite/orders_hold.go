package sqlite

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vigilproject/vigil"
)

// An EU Centre do-not-remove hold (RP-18, Art. 48(6)(b)) overrides both the automatic
// takedown and the Art. 14 clock for the items it names (requirements §0.2 item 5). Order
// receipt asks for each item's removal with RequestAction, which records the removal of a held
// item as held instead of sending it; the order's clock then stands still, as a pause with
// reason do_not_remove_hold, until every held removal of the order has been sent, which
// happens when the holds end or are released (resumeHeldActions). A hold placed after the
// removal was sent holds nothing back: see noteLateHold.

// heldActions returns the removals of o's items that a do_not_remove hold keeps from the
// platform.
func (tx *Tx) heldActions(o vigil.Order) ([]vigil.Action, error) {
	return tx.actionsWhere(`status = 'held' AND id IN (SELECT action_id FROM order_items WHERE order_id = ?)`, o.ID)
}

// pauseForHolds stops the clock of order o, just received, when a do_not_remove hold in force
// kept the removal of one of its items from the platform, and stores o's state. The pause
// names the holds, is no Annex V notice (TR-05 does not count it) and is audited as
// order.pause.
func (tx *Tx) pauseForHolds(o *vigil.Order) error {
	held, err := tx.heldActions(*o)
	if err != nil || len(held) == 0 {
		return err
	}
	text, holdIDs, err := tx.holdPauseText(held)
	if err != nil {
		return err
	}
	o.Status, o.PausedAt = vigil.OrderPaused, tx.now
	_, err = tx.ExecContext(tx.ctx, `INSERT INTO order_pauses (order_id, seq, reason, text, paused, resumed, resume_text)
		VALUES (?, ?, ?, ?, ?, 0, '')`, o.ID, len(o.Pauses), vigil.PauseDoNotRemoveHold, text, ms(tx.now))
	if err != nil {
		return fmt.Errorf("pause order %s: %w", o.ID, err)
	}
	o.Pauses = append(o.Pauses, vigil.OrderPause{Reason: vigil.PauseDoNotRemoveHold, Text: text, Paused: tx.now})
	if err := tx.storeOrderState(o); err != nil {
		return err
	}
	return tx.auditOrder("order.pause", *o, map[string]any{"reason": vigil.PauseDoNotRemoveHold, "holds": holdIDs})
}

// holdPauseText says which holds keep which of held's items online, for the order's history,
// and returns the holds' ids.
func (tx *Tx) holdPauseText(held []vigil.Action) (string, []string, error) {
	var ids, parts []string
	for _, a := range held {
		if slices.Contains(ids, a.HoldID) {
			continue
		}
		h, err := tx.hold(a.HoldID)
		if err != nil {
			return "", nil, err
		}
		ids = append(ids, h.ID)
		parts = append(parts, fmt.Sprintf("%s of %s (reference %s) on %s until %s",
			h.ID, h.Authority, h.Reference, h.ContentID, webhookTime(h.Until)))
	}
	text := "Removal held by do-not-remove hold " + strings.Join(parts, "; ") +
		" (RP-18, Art. 48(6)(b)): the clock restarts when the removal is sent to the platform."
	return text, ids, nil
}

// resumeHeldOrders restarts the clocks of the orders that a do-not-remove hold on contentID
// paused, once none of their items' removals is held any more: the removals are now with the
// platform, and the orders go on with the time they had left (RO-03, RO-05).
func (tx *Tx) resumeHeldOrders(contentID string) error {
	rows, err := tx.QueryContext(tx.ctx, `SELECT DISTINCT i.order_id FROM order_items i
		JOIN orders o ON o.id = i.order_id WHERE i.content_id = ? AND o.status = 'paused'
		ORDER BY i.order_id`, contentID)
	if err != nil {
		return fmt.Errorf("orders held on %s: %w", contentID, err)
	}
	ids, err := scanAll(rows, scanString)
	if err != nil {
		return fmt.Errorf("orders held on %s: %w", contentID, err)
	}
	for _, id := range ids {
		o, err := loadOrder(tx.ctx, tx, id)
		if err != nil {
			return err
		}
		if !o.PausedByHold() {
			continue
		}
		held, err := tx.heldActions(o)
		if err != nil {
			return err
		}
		if len(held) > 0 {
			continue // another item's hold still stops this order; the next order may go on
		}
		if err := tx.restartClock(&o, "The do-not-remove hold ended: the removal was sent to the platform."); err != nil {
			return err
		}
		if err := tx.storeOrderState(&o); err != nil {
			return err
		}
	}
	return nil
}

// noteLateHold records, in the history of each open order whose removal of hold h's item was
// already sent to the platform, that the do_not_remove hold came after the request. Vigil
// cannot recall a request the platform may already have carried out, so the action stays
// requested and the order's clock keeps running; the note, audited as order.late_hold on the
// order, tells the people handling the order to pass the hold on to the platform and settle
// the conflict with the issuing authority and the EU Centre.
func (tx *Tx) noteLateHold(h vigil.Hold) error {
	rows, err := tx.QueryContext(tx.ctx, `SELECT i.order_id, a.id, a.requested FROM order_items i
		JOIN actions a ON a.id = i.action_id JOIN orders o ON o.id = i.order_id
		WHERE a.content_id = ? AND a.status = 'requested'
		AND o.status IN ('received', 'executing', 'paused', 'cannot_execute') ORDER BY i.order_id, i.seq`, h.ContentID)
	if err != nil {
		return fmt.Errorf("orders on %s: %w", h.ContentID, err)
	}
	sent, err := scanAll(rows, scanSentRemoval)
	if err != nil {
		return fmt.Errorf("orders on %s: %w", h.ContentID, err)
	}
	for _, r := range sent {
		o, err := loadOrder(tx.ctx, tx, r.orderID)
		if err != nil {
			return err
		}
		err = tx.auditOrder("order.late_hold", o, map[string]any{"hold_id": h.ID, "hold_reference": h.Reference,
			"content_id": h.ContentID, "action_id": r.actionID, "requested_at": webhookTime(fromMS(r.requested)),
			"note": "a do-not-remove hold was placed after the removal was sent to the platform: the request " +
				"cannot be recalled and the clock keeps running; tell the platform of the hold"})
		if err != nil {
			return err
		}
	}
	return nil
}

// sentRemoval is an order's removal already sent to the platform.
type sentRemoval struct {
	orderID, actionID string
	requested         int64
}

// scanSentRemoval reads one row of order id, action id and request time.
func scanSentRemoval(row rowScanner) (sentRemoval, error) {
	var r sentRemoval
	err := row.Scan(&r.orderID, &r.actionID, &r.requested)
	return r, err
}

// scanString reads a one-column row of text.
func scanString(row rowScanner) (string, error) {
	var s string
	err := row.Scan(&s)
	return s, err
}
