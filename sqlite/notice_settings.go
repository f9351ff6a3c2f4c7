package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/vigilproject/vigil"
)

// maxNoticeSetting is the longest notice setting accepted, in bytes.
const maxNoticeSetting = 300

// NoticeInfo returns what notices say about the provider, for the notice worker; empty
// settings when an admin set none.
func (db *DB) NoticeInfo(ctx context.Context) (vigil.NoticeSettings, error) {
	var s vigil.NoticeSettings
	var updated int64
	err := db.read.QueryRowContext(ctx, `SELECT provider, complaint_url, authority, authority_url, updated
		FROM notice_settings WHERE id = 1`).Scan(&s.Provider, &s.ComplaintURL, &s.Authority, &s.AuthorityURL, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("notice settings: %w", err)
	}
	s.Updated = fromMS(updated)
	return s, nil
}

// NoticeSettings returns the notice settings to a caller who may read notices.
func (s *Notices) NoticeSettings(ctx context.Context) (vigil.NoticeSettings, error) {
	if err := checkNoticeReader(ctx); err != nil {
		return vigil.NoticeSettings{}, err
	}
	return s.db.NoticeInfo(ctx)
}

// checkNoticeSettings refuses overlong settings and links that are not http or https.
func checkNoticeSettings(in vigil.NoticeSettings) error {
	for _, f := range []struct{ name, value string }{
		{"provider", in.Provider}, {"complaint_url", in.ComplaintURL},
		{"authority", in.Authority}, {"authority_url", in.AuthorityURL},
	} {
		if len(f.value) > maxNoticeSetting {
			return vigil.FieldErrorf(vigil.EINVALID, f.name, "at most %d bytes", maxNoticeSetting)
		}
		if !strings.HasSuffix(f.name, "_url") || f.value == "" {
			continue
		}
		if u, err := url.Parse(f.value); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return vigil.FieldErrorf(vigil.EINVALID, f.name, "want an http or https link")
		}
	}
	return nil
}

// SaveNoticeSettings replaces the notice settings; admins only. Audited as notice.settings.
func (s *Notices) SaveNoticeSettings(ctx context.Context, in vigil.NoticeSettings) (vigil.NoticeSettings, error) {
	if !vigil.ActorFrom(ctx).Can(vigil.ScopeAdmin) {
		return vigil.NoticeSettings{}, vigil.Errorf(vigil.EFORBIDDEN, "changing the notice settings needs the %s permission", vigil.ScopeAdmin)
	}
	in.Provider, in.Authority = strings.TrimSpace(in.Provider), strings.TrimSpace(in.Authority)
	in.ComplaintURL, in.AuthorityURL = strings.TrimSpace(in.ComplaintURL), strings.TrimSpace(in.AuthorityURL)
	if err := checkNoticeSettings(in); err != nil {
		return vigil.NoticeSettings{}, err
	}
	err := s.db.Update(ctx, func(tx *Tx) error {
		in.Updated = tx.now
		_, err := tx.ExecContext(ctx, `INSERT INTO notice_settings (id, provider, complaint_url, authority, authority_url, updated)
			VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET provider = excluded.provider,
			complaint_url = excluded.complaint_url, authority = excluded.authority,
			authority_url = excluded.authority_url, updated = excluded.updated`,
			in.Provider, in.ComplaintURL, in.Authority, in.AuthorityURL, ms(in.Updated))
		if err != nil {
			return err
		}
		detail, err := json.Marshal(map[string]string{"provider": in.Provider, "complaint_url": in.ComplaintURL,
			"authority": in.Authority, "authority_url": in.AuthorityURL})
		if err != nil {
			return err
		}
		return tx.Audit("notice.settings", "settings", "notices", string(detail))
	})
	if err != nil {
		return vigil.NoticeSettings{}, fmt.Errorf("save notice settings: %w", err)
	}
	return in, nil
}
