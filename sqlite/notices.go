package sqlite

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/notice"
)

// MetaUploaderLanguage is the content metadata key a platform sets to the uploader's language
// (BCP 47), in which their notices are written.
const MetaUploaderLanguage = "uploader_language"

// noticeColumns is the column list scanNotice reads.
// The columns are qualified by the alias n, which every query gives the notices table, so that
// joins stay unambiguous.
const noticeColumns = `n.id, n.kind, n.content_id, n.case_id, n.service, n.uploader, n.language,
	n.reference, n.basis, n.due, n.status, n.hold_id, n.text, n.sent, n.created, n.released`

// noticeInsertColumns is noticeColumns unqualified, for INSERT.
const noticeInsertColumns = `id, kind, content_id, case_id, service, uploader, language, reference,
	basis, due, status, hold_id, text, sent, created, released`

// scanNotice reads one row of noticeColumns followed by the columns extra scans, with the time
// the notice was released early (zero when it was not).
func scanNotice(row rowScanner, extra ...any) (n vigil.Notice, released time.Time, err error) {
	var basis, due, sent, created, rel int64
	err = row.Scan(append([]any{&n.ID, &n.Kind, &n.ContentID, &n.CaseID, &n.Service, &n.Uploader,
		&n.Language, &n.Reference, &basis, &due, &n.Status, &n.HoldID, &n.Text, &sent, &created, &rel},
		extra...)...)
	n.Basis, n.Due, n.Sent, n.Created = fromMS(basis), fromMS(due), fromMS(sent), fromMS(created)
	return n, fromMS(rel), err
}

// scanNoticeOnly reads one row of noticeColumns, for readers that do not need the release time.
func scanNoticeOnly(row rowScanner) (vigil.Notice, error) {
	n, _, err := scanNotice(row)
	return n, err
}

// scanPendingNotice reads one row of noticeColumns with its release time.
func scanPendingNotice(row rowScanner) (pendingNotice, error) {
	n, released, err := scanNotice(row)
	return pendingNotice{n, released}, err
}

// checkNoticeKind refuses unknown notice kinds.
func checkNoticeKind(kind vigil.NoticeKind) error {
	switch kind {
	case vigil.NoticeRemoval, vigil.NoticeReport, vigil.NoticeComplaint, vigil.NoticeRestored, vigil.NoticeAccount:
		return nil
	}
	return vigil.FieldErrorf(vigil.EINVALID, "kind", "unknown notice kind %q: want removal, report, complaint, restored or account", kind)
}

// ScheduleNotice stores notice n for the uploader of its item, due as package notice computes
// from its kind, Basis (now when zero) and the item's do_not_inform holds, and audits it as
// notice.schedule. Service, uploader and language default to the item's. Scheduling a second
// notice of the same kind, item and reference returns the first: callers that retry a step do
// not notify twice.
func (tx *Tx) ScheduleNotice(n vigil.Notice) (vigil.Notice, error) {
	if err := checkNoticeKind(n.Kind); err != nil {
		return vigil.Notice{}, err
	}
	if n.ContentID == "" {
		return vigil.Notice{}, vigil.FieldErrorf(vigil.EINVALID, "content_id", "a notice names the content item it is about")
	}
	if err := tx.fillNotice(&n); err != nil {
		return vigil.Notice{}, err
	}
	if n.Reference != "" {
		prev, _, err := scanNotice(tx.QueryRowContext(tx.ctx, `SELECT `+noticeColumns+` FROM notices n
			WHERE content_id = ? AND kind = ? AND reference = ?`, n.ContentID, n.Kind, n.Reference))
		if err == nil {
			return prev, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return vigil.Notice{}, fmt.Errorf("schedule notice: %w", err)
		}
	}
	if n.Basis.IsZero() {
		n.Basis = tx.now
	}
	n.Basis = n.Basis.UTC().Truncate(time.Millisecond)
	holds, err := tx.holdsOn(n.ContentID, vigil.HoldDoNotInform)
	if err != nil {
		return vigil.Notice{}, err
	}
	t := notice.Schedule(n.Kind, n.Basis, holds, time.Time{}, tx.now)
	n.ID, n.Due, n.Status, n.HoldID, n.Created = vigil.NewID(vigil.PrefixNotice, tx.now), t.Due, t.Status, t.HoldID, tx.now
	n.Text, n.Sent = "", time.Time{}
	_, err = tx.ExecContext(tx.ctx, `INSERT INTO notices (`+noticeInsertColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', 0, ?, 0)`,
		n.ID, n.Kind, n.ContentID, n.CaseID, n.Service, n.Uploader, n.Language, n.Reference,
		ms(n.Basis), ms(n.Due), n.Status, n.HoldID, ms(n.Created))
	if err != nil {
		return vigil.Notice{}, fmt.Errorf("schedule notice: %w", err)
	}
	return n, tx.auditNotice("notice.schedule", n, "")
}

// fillNotice completes n's service, uploader and language from its content item when the
// caller left them empty; an item Vigil never saw (named by an order, say) keeps what it has.
func (tx *Tx) fillNotice(n *vigil.Notice) error {
	c, err := tx.contentItem(n.ContentID)
	if vigil.ErrorCode(err) == vigil.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if n.Service == "" {
		n.Service = c.Service
	}
	if n.Uploader == "" {
		n.Uploader = c.Uploader
	}
	if n.Language == "" {
		n.Language = c.Metadata[MetaUploaderLanguage]
	}
	if n.CaseID == "" {
		n.CaseID = c.Verdict.CaseID
	}
	return nil
}

// contentItem reads content item id inside the transaction, or returns an ENOTFOUND error.
func (tx *Tx) contentItem(id string) (vigil.Content, error) {
	scan := func(row rowScanner) (vigil.Content, error) {
		_, c, err := scanContent(row)
		return c, err
	}
	return rowByID(tx.ctx, tx, scan, "content", `SELECT `+contentColumns+` FROM content WHERE id = ?`, id)
}

// ReleaseNotices makes the pending notices of kind about contentID due now, whatever holds
// say, because reason: the EU Centre found the report manifestly unfounded (RP-15). Each
// release is audited as notice.release.
func (tx *Tx) ReleaseNotices(contentID string, kind vigil.NoticeKind, reason string) error {
	if err := checkNoticeKind(kind); err != nil {
		return err
	}
	pending, err := tx.pendingNotices(contentID, kind)
	if err != nil {
		return err
	}
	for _, p := range pending {
		n := p.notice
		t := notice.Schedule(n.Kind, n.Basis, nil, tx.now, tx.now)
		n.Due, n.Status, n.HoldID = t.Due, t.Status, t.HoldID
		_, err := tx.ExecContext(tx.ctx, `UPDATE notices SET due = ?, status = ?, hold_id = ?, released = ?
			WHERE id = ?`, ms(n.Due), n.Status, n.HoldID, ms(tx.now), n.ID)
		if err != nil {
			return fmt.Errorf("release notice %s: %w", n.ID, err)
		}
		if err := tx.auditNotice("notice.release", n, reason); err != nil {
			return err
		}
	}
	return nil
}

// pendingNotice is a notice not yet sent, with the time it was released early.
type pendingNotice struct {
	notice   vigil.Notice
	released time.Time
}

// pendingNotices returns the scheduled and held notices of kind (every kind when empty) about
// contentID.
func (tx *Tx) pendingNotices(contentID string, kind vigil.NoticeKind) ([]pendingNotice, error) {
	rows, err := tx.QueryContext(tx.ctx, `SELECT `+noticeColumns+` FROM notices n
		WHERE content_id = ? AND (? = '' OR kind = ?) AND status IN ('scheduled', 'held') ORDER BY id`,
		contentID, kind, kind)
	if err != nil {
		return nil, fmt.Errorf("pending notices of %s: %w", contentID, err)
	}
	out, err := scanAll(rows, scanPendingNotice)
	if err != nil {
		return nil, fmt.Errorf("pending notices of %s: %w", contentID, err)
	}
	return out, nil
}

// rescheduleNotices recomputes the timing of contentID's pending notices after its
// do_not_inform holds changed, auditing each change as notice.reschedule.
func (tx *Tx) rescheduleNotices(contentID string) error {
	pending, err := tx.pendingNotices(contentID, "")
	if err != nil {
		return err
	}
	holds, err := tx.holdsOn(contentID, vigil.HoldDoNotInform)
	if err != nil {
		return err
	}
	for _, p := range pending {
		n := p.notice
		t := notice.Schedule(n.Kind, n.Basis, holds, p.released, tx.now)
		if t.Due.Equal(n.Due) && t.Status == n.Status && t.HoldID == n.HoldID {
			continue
		}
		n.Due, n.Status, n.HoldID = t.Due, t.Status, t.HoldID
		_, err := tx.ExecContext(tx.ctx, `UPDATE notices SET due = ?, status = ?, hold_id = ? WHERE id = ?`,
			ms(n.Due), n.Status, n.HoldID, n.ID)
		if err != nil {
			return fmt.Errorf("reschedule notice %s: %w", n.ID, err)
		}
		if err := tx.auditNotice("notice.reschedule", n, ""); err != nil {
			return err
		}
	}
	return nil
}

// auditNotice appends the audit event of a change to notice n. The uploader reference is
// personal data and stays out of the log.
func (tx *Tx) auditNotice(action string, n vigil.Notice, reason string) error {
	detail, err := json.Marshal(map[string]any{
		"kind": n.Kind, "content_id": n.ContentID, "reference": n.Reference,
		"status": n.Status, "due": webhookTime(n.Due), "hold_id": n.HoldID, "reason": reason,
	})
	if err != nil {
		return err
	}
	return tx.Audit(action, "notice", n.ID, string(detail))
}
