package sqlite

import (
	"context"
	"database/sql"
	"errors"
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

// Notices lists notices newest first, from the cursor on.
func (s *Notices) Notices(ctx context.Context, f vigil.NoticeFilter) ([]vigil.Notice, string, error) {
	if err := checkNoticeReader(ctx); err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	cursor := f.Cursor
	if cursor == "" {
		cursor = "~" // sorts after every id
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT `+noticeColumns+` FROM notices n
		WHERE (? = '' OR status = ?) AND (? = '' OR content_id = ?) AND id < ? ORDER BY id DESC LIMIT ?`,
		f.Status, f.Status, f.ContentID, f.ContentID, cursor, limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("notices: %w", err)
	}
	defer rows.Close()
	var out []vigil.Notice
	for rows.Next() {
		n, _, err := scanNotice(rows)
		if err != nil {
			return nil, "", fmt.Errorf("notices: %w", err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("notices: %w", err)
	}
	if len(out) > limit {
		return out[:limit], out[limit-1].ID, nil
	}
	return out, "", nil
}

// Notice returns notice id.
func (s *Notices) Notice(ctx context.Context, id string) (vigil.Notice, error) {
	if err := checkNoticeReader(ctx); err != nil {
		return vigil.Notice{}, err
	}
	n, _, err := scanNotice(s.db.read.QueryRowContext(ctx, `SELECT `+noticeColumns+` FROM notices n WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return n, vigil.Errorf(vigil.ENOTFOUND, "no notice %s", id)
	}
	if err != nil {
		return n, fmt.Errorf("notice %s: %w", id, err)
	}
	return n, nil
}
