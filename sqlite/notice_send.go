package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/notice"
)

// DueNotices returns up to limit notices, scheduled or held, whose due time has passed at the
// database's clock, oldest due first, with the item's external id and, for complaint notices,
// the complaint's outcome.
func (db *DB) DueNotices(ctx context.Context, limit int) ([]notice.Pending, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+noticeColumns+`,
		coalesce(c.external_id, ''), coalesce(p.outcome, '')
		FROM notices n LEFT JOIN content c ON c.id = n.content_id
		LEFT JOIN complaints p ON p.id = n.reference AND n.kind = 'complaint'
		WHERE n.status IN ('scheduled', 'held') AND n.due <= ? ORDER BY n.due, n.id LIMIT ?`,
		ms(db.Clock.Now()), limit)
	if err != nil {
		return nil, fmt.Errorf("due notices: %w", err)
	}
	defer rows.Close()
	var out []notice.Pending
	for rows.Next() {
		var p notice.Pending
		var err error
		p.Notice, _, err = scanNotice(rows, &p.ExternalID, &p.Outcome)
		if err != nil {
			return nil, fmt.Errorf("due notices: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("due notices: %w", err)
	}
	return out, nil
}

// noticeEvent is the data of a notice.due webhook event: the text the platform shows its user.
type noticeEvent struct {
	ID         string `json:"id"`
	Kind       string `json:"kind"`
	ContentID  string `json:"content_id"`
	ExternalID string `json:"external_id,omitempty"`
	Service    string `json:"service,omitempty"`
	Uploader   string `json:"uploader"`
	Language   string `json:"language"`
	Reference  string `json:"reference,omitempty"`
	Text       string `json:"text"`
	Due        string `json:"due_at"`
}

// SendNotice marks notice id sent with text and enqueues notice.due, unless it is no longer
// pending or a hold placed since it was read delays it (then only its timing is updated). It
// reports whether it sent it, audited as notice.send.
func (db *DB) SendNotice(ctx context.Context, id, text string) (bool, error) {
	sent := false
	err := db.Update(ctx, func(tx *Tx) error {
		var externalID string
		n, released, err := scanNotice(tx.QueryRowContext(ctx, `SELECT `+noticeColumns+`, coalesce(c.external_id, '')
			FROM notices n LEFT JOIN content c ON c.id = n.content_id WHERE n.id = ?`, id), &externalID)
		if errors.Is(err, sql.ErrNoRows) {
			return vigil.Errorf(vigil.ENOTFOUND, "no notice %s", id)
		}
		if err != nil {
			return err
		}
		if n.Status != vigil.NoticeScheduled && n.Status != vigil.NoticeHeld {
			return nil
		}
		holds, err := tx.holdsOn(n.ContentID, vigil.HoldDoNotInform)
		if err != nil {
			return err
		}
		if t := notice.Schedule(n.Kind, n.Basis, holds, released, tx.now); t.Due.After(tx.now) {
			return tx.rescheduleNotices(n.ContentID)
		}
		n.Status, n.Text, n.Sent = vigil.NoticeSent, text, tx.now
		_, err = tx.ExecContext(ctx, `UPDATE notices SET status = ?, text = ?, sent = ? WHERE id = ?`,
			n.Status, n.Text, ms(n.Sent), n.ID)
		if err != nil {
			return err
		}
		err = tx.Enqueue(vigil.EventNoticeDue, noticeEvent{
			ID: n.ID, Kind: string(n.Kind), ContentID: n.ContentID, ExternalID: externalID,
			Service: n.Service, Uploader: n.Uploader, Language: notice.Language(n.Language),
			Reference: n.Reference, Text: n.Text, Due: webhookTime(n.Due),
		})
		if err != nil {
			return err
		}
		sent = true
		if n.Kind == vigil.NoticeComplaint {
			if err := tx.complaintNotified(n.Reference); err != nil {
				return err
			}
		}
		return tx.auditNotice("notice.send", n, "")
	})
	if err != nil {
		return false, fmt.Errorf("send notice %s: %w", id, err)
	}
	return sent, nil
}
