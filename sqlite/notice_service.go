package sqlite

import (
	"context"
	"fmt"

	"github.com/vigilproject/vigil"
)

// Notices is the NoticeService on the database.
type Notices struct{ db *DB }

// NewNotices returns the notice service of db.
func NewNotices(db *DB) *Notices { return &Notices{db: db} }

var _ vigil.NoticeService = (*Notices)(nil)

// checkNoticeReader refuses callers that neither handle reports nor complaints.
func checkNoticeReader(ctx context.Context) error {
	if a := vigil.ActorFrom(ctx); !a.Can(vigil.ScopeReports) && !a.Can(vigil.ScopeComplaints) {
		return vigil.Errorf(vigil.EFORBIDDEN, "reading notices needs the %s or %s permission", vigil.ScopeReports, vigil.ScopeComplaints)
	}
	return nil
}

// Notices lists notices newest first, from the cursor on. Notices name the uploader, a
// personal reference: the listing is audited as notice.list.
func (s *Notices) Notices(ctx context.Context, f vigil.NoticeFilter) ([]vigil.Notice, string, error) {
	if err := checkNoticeReader(ctx); err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	cursor := f.Cursor
	if cursor == "" {
		cursor = "~" // sorts after every id
	}
	var out []vigil.Notice
	err := s.db.Update(ctx, func(tx *Tx) error {
		var err error
		out, err = tx.noticePage(f, cursor, limit+1)
		if err != nil {
			return err
		}
		return tx.Audit("notice.list", "notice", f.ContentID, caseAuditDetail(map[string]any{"status": f.Status,
			"content_id": f.ContentID, "cursor": f.Cursor, "count": min(len(out), limit)}))
	})
	if err != nil {
		return nil, "", fmt.Errorf("notices: %w", err)
	}
	if len(out) > limit {
		return out[:limit], out[limit-1].ID, nil
	}
	return out, "", nil
}

// noticePage reads up to limit notices of f with ids below cursor, newest first.
func (tx *Tx) noticePage(f vigil.NoticeFilter, cursor string, limit int) ([]vigil.Notice, error) {
	rows, err := tx.QueryContext(tx.ctx, `SELECT `+noticeColumns+` FROM notices n
		WHERE (? = '' OR status = ?) AND (? = '' OR content_id = ?) AND id < ? ORDER BY id DESC LIMIT ?`,
		f.Status, f.Status, f.ContentID, f.ContentID, cursor, limit)
	if err != nil {
		return nil, err
	}
	return scanAll(rows, scanNoticeOnly)
}

// Notice returns notice id and audits the read as notice.view: it names the uploader.
func (s *Notices) Notice(ctx context.Context, id string) (vigil.Notice, error) {
	if err := checkNoticeReader(ctx); err != nil {
		return vigil.Notice{}, err
	}
	var n vigil.Notice
	err := s.db.Update(ctx, func(tx *Tx) error {
		var err error
		if n, err = rowByID(ctx, tx, scanNoticeOnly, "notice", `SELECT `+noticeColumns+` FROM notices n WHERE id = ?`, id); err != nil {
			return err
		}
		return tx.Audit("notice.view", "notice", id, caseAuditDetail(map[string]any{"kind": n.Kind, "content_id": n.ContentID}))
	})
	if err != nil {
		return vigil.Notice{}, fmt.Errorf("view notice %s: %w", id, err)
	}
	return n, nil
}
