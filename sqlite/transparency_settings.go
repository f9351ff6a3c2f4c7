package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/transparency"
)

var _ transparency.SettingsStore = (*TransparencyStore)(nil)

// TransparencySettings returns the provider's statements and retention policy for the
// transparency report; all empty until an admin writes them. They are published text: reading
// them is not audited.
func (s *TransparencyStore) TransparencySettings(ctx context.Context) (transparency.Settings, error) {
	var st transparency.Settings
	var updated int64
	err := s.db.read.QueryRowContext(ctx, `SELECT gdpr_ground, transfer_ground, error_measures, retention_policy, updated
		FROM transparency_settings WHERE id = 1`).Scan(&st.GDPRGround, &st.TransferGround, &st.ErrorMeasures,
		&st.RetentionPolicy, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return transparency.Settings{}, nil
	}
	if err != nil {
		return transparency.Settings{}, fmt.Errorf("transparency settings: %w", err)
	}
	st.Updated = fromMS(updated)
	return st, nil
}

// SaveTransparencySettings replaces the transparency settings; admins only, audited as
// transparency.settings with the length of each text (the text is in the table and the report).
func (s *TransparencyStore) SaveTransparencySettings(ctx context.Context, st transparency.Settings) (transparency.Settings, error) {
	if !vigil.ActorFrom(ctx).Can(vigil.ScopeAdmin) {
		return transparency.Settings{}, vigil.Errorf(vigil.EFORBIDDEN, "changing the transparency settings needs the %s permission", vigil.ScopeAdmin)
	}
	st = st.Trimmed()
	if err := st.Validate(); err != nil {
		return transparency.Settings{}, err
	}
	err := s.db.Update(ctx, func(tx *Tx) error {
		st.Updated = tx.now
		_, err := tx.ExecContext(ctx, `INSERT INTO transparency_settings (id, gdpr_ground, transfer_ground,
			error_measures, retention_policy, updated) VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET
			gdpr_ground = excluded.gdpr_ground, transfer_ground = excluded.transfer_ground,
			error_measures = excluded.error_measures, retention_policy = excluded.retention_policy,
			updated = excluded.updated`,
			st.GDPRGround, st.TransferGround, st.ErrorMeasures, st.RetentionPolicy, ms(st.Updated))
		if err != nil {
			return err
		}
		return tx.Audit("transparency.settings", "settings", "transparency", caseAuditDetail(map[string]any{
			"gdpr_ground": len(st.GDPRGround), "transfer_ground": len(st.TransferGround),
			"error_limiting_measures": len(st.ErrorMeasures), "retention_policy": len(st.RetentionPolicy)}))
	})
	if err != nil {
		return transparency.Settings{}, fmt.Errorf("save transparency settings: %w", err)
	}
	return st, nil
}
