package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"unicode/utf8"

	"github.com/vigilproject/vigil"
)

// DefaultLegalBasis is the legal basis (RP-12) new drafts carry until an admin sets another.
const DefaultLegalBasis = "Article 12 of the Regulation laying down rules to prevent and combat child sexual abuse (COM(2022) 209)"

// ncmecPasswordName is the wrapping label of the stored CyberTipline password.
const ncmecPasswordName = "ncmec_password"

// storedReportSettings is the JSON of the settings row: everything but the password.
type storedReportSettings struct {
	Provider    vigil.ReportProvider `json:"provider"`
	LegalBasis  string               `json:"legal_basis"`
	EUCentre    bool                 `json:"eu_centre"`
	NCMEC       bool                 `json:"ncmec"`
	EUCentreURL string               `json:"eu_centre_url"`
	NCMECEnv    string               `json:"ncmec_environment"`
	NCMECURL    string               `json:"ncmec_url"`
	NCMECUser   string               `json:"ncmec_user"`
}

// reportSettings reads the settings, with the NCMEC password unwrapped when withPassword.
// Without a settings row it returns the defaults: no destination enabled.
func (tx *Tx) reportSettings(withPassword bool) (vigil.ReportSettings, error) {
	return readReportSettings(tx.ctx, tx, tx.db, withPassword)
}

// rowQuerier is a *sql.DB or a transaction.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func readReportSettings(ctx context.Context, q rowQuerier, db *DB, withPassword bool) (vigil.ReportSettings, error) {
	var raw string
	var wrapped []byte
	var updated int64
	err := q.QueryRowContext(ctx, `SELECT settings, ncmec_password, updated FROM report_settings WHERE id = 1`).
		Scan(&raw, &wrapped, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return vigil.ReportSettings{LegalBasis: DefaultLegalBasis}, nil
	}
	if err != nil {
		return vigil.ReportSettings{}, fmt.Errorf("report settings: %w", err)
	}
	var st storedReportSettings
	if err := json.Unmarshal([]byte(raw), &st); err != nil {
		return vigil.ReportSettings{}, fmt.Errorf("report settings: %w", err)
	}
	s := vigil.ReportSettings{Provider: st.Provider, LegalBasis: st.LegalBasis, EUCentre: st.EUCentre,
		NCMEC: st.NCMEC, EUCentreURL: st.EUCentreURL, NCMECEnvironment: st.NCMECEnv,
		NCMECURL: st.NCMECURL, NCMECUser: st.NCMECUser, HasPassword: len(wrapped) > 0, Updated: fromMS(updated)}
	if withPassword && len(wrapped) > 0 {
		pw, err := db.key.Unwrap(ncmecPasswordName, wrapped)
		if err != nil {
			return vigil.ReportSettings{}, fmt.Errorf("report settings: NCMEC password: %w", err)
		}
		s.NCMECPassword = string(pw)
	}
	return s, nil
}

// checkReportSettings validates settings an admin saves; hasPassword says whether a password
// is stored or given.
func checkReportSettings(s vigil.ReportSettings, hasPassword bool) error {
	for _, f := range []struct{ name, value string }{
		{"provider.name", s.Provider.Name}, {"provider.legal_representative", s.Provider.LegalRep},
		{"provider.contact_point", s.Provider.ContactPoint}, {"provider.reporter_email", s.Provider.ReporterEmail},
		{"legal_basis", s.LegalBasis}, {"ncmec_user", s.NCMECUser}, {"ncmec_environment", s.NCMECEnvironment},
	} {
		if !utf8.ValidString(f.value) || len(f.value) > 1000 {
			return vigil.FieldErrorf(vigil.EINVALID, f.name, "must be valid UTF-8 of at most 1000 bytes")
		}
	}
	for _, f := range []struct{ name, value string }{{"eu_centre_url", s.EUCentreURL}, {"ncmec_url", s.NCMECURL}} {
		if f.value == "" {
			continue
		}
		u, err := url.Parse(f.value)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return vigil.FieldErrorf(vigil.EINVALID, f.name, "must be an absolute http or https URL")
		}
	}
	switch {
	case s.EUCentre && s.EUCentreURL == "":
		return vigil.FieldErrorf(vigil.EINVALID, "eu_centre_url", "sending to the EU Centre needs its URL")
	case s.NCMEC && s.NCMECUser == "":
		return vigil.FieldErrorf(vigil.EINVALID, "ncmec_user", "sending to NCMEC needs the user name NCMEC issued")
	case s.NCMEC && !hasPassword:
		return vigil.FieldErrorf(vigil.EINVALID, "ncmec_password", "sending to NCMEC needs the password NCMEC issued")
	}
	return nil
}

// ReportSettings returns the reporting settings without the NCMEC password (HasPassword says
// whether one is stored). Admins and holders of the reports scope may read them.
func (s *ReportStore) ReportSettings(ctx context.Context) (vigil.ReportSettings, error) {
	if err := reportActor(ctx); err != nil {
		return vigil.ReportSettings{}, err
	}
	return readReportSettings(ctx, s.db.read, s.db, false)
}

// SendingSettings returns the settings with the NCMEC password, for the sending worker.
func (s *ReportStore) SendingSettings(ctx context.Context) (vigil.ReportSettings, error) {
	return readReportSettings(ctx, s.db.read, s.db, true)
}

// SaveReportSettings replaces the settings (admin only). An empty NCMECPassword keeps the stored
// one; the password is stored wrapped under the master key and never audited.
func (s *ReportStore) SaveReportSettings(ctx context.Context, in vigil.ReportSettings) (vigil.ReportSettings, error) {
	if !vigil.ActorFrom(ctx).Can(vigil.ScopeAdmin) {
		return vigil.ReportSettings{}, vigil.Errorf(vigil.EFORBIDDEN, "changing the report settings needs the %s permission", vigil.ScopeAdmin)
	}
	var out vigil.ReportSettings
	err := s.db.Update(ctx, func(tx *Tx) error {
		old, err := tx.reportSettings(false)
		if err != nil {
			return err
		}
		wrapped, err := tx.ncmecPassword(in.NCMECPassword)
		if err != nil {
			return err
		}
		// The stored password goes only to the address it was given for: a settings change that
		// points NCMEC's URL elsewhere drops it, so that whoever changes the URL cannot have the
		// worker send the password to a server of their choosing without knowing it.
		drop := old.HasPassword && len(wrapped) == 0 && in.NCMECURL != old.NCMECURL
		if drop && in.NCMEC {
			return vigil.FieldErrorf(vigil.EINVALID, "ncmec_password",
				"the NCMEC URL changed: give the password again (the stored one is never sent to another address)")
		}
		if err := checkReportSettings(in, len(wrapped) > 0 || (old.HasPassword && !drop)); err != nil {
			return err
		}
		st := storedReportSettings{Provider: in.Provider, LegalBasis: in.LegalBasis, EUCentre: in.EUCentre,
			NCMEC: in.NCMEC, EUCentreURL: in.EUCentreURL, NCMECEnv: in.NCMECEnvironment,
			NCMECURL: in.NCMECURL, NCMECUser: in.NCMECUser}
		raw, err := json.Marshal(st)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO report_settings (id, settings, ncmec_password, updated)
			VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET settings = excluded.settings,
			ncmec_password = CASE WHEN length(excluded.ncmec_password) > 0 OR ? THEN excluded.ncmec_password
			ELSE ncmec_password END, updated = excluded.updated`, string(raw), wrapped, ms(tx.now), drop)
		if err != nil {
			return fmt.Errorf("save report settings: %w", err)
		}
		if out, err = tx.reportSettings(false); err != nil {
			return err
		}
		return tx.Audit("report.settings", "report_settings", "1", caseAuditDetail(map[string]any{
			"eu_centre": st.EUCentre, "ncmec": st.NCMEC, "eu_centre_url": st.EUCentreURL,
			"ncmec_environment": st.NCMECEnv, "ncmec_url": st.NCMECURL, "password_changed": len(wrapped) > 0, "password_dropped": drop}))
	})
	return out, err
}

// ncmecPassword wraps a new password under the master key; an empty one gives nil.
func (tx *Tx) ncmecPassword(pw string) ([]byte, error) {
	if pw == "" {
		return []byte{}, nil
	}
	wrapped, err := tx.db.key.Wrap(ncmecPasswordName, []byte(pw))
	if err != nil {
		return nil, fmt.Errorf("save report settings: %w", err)
	}
	return wrapped, nil
}
