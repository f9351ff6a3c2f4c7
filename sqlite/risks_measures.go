package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/vigilproject/vigil"
)

const mitigationColumns = `id, assessment_id, kind, description, public_text, severity, capacity, users, status, created`

// mitigationsOf returns the mitigations of assessment id, oldest first.
func mitigationsOf(ctx context.Context, q caseQuerier, id string) ([]vigil.Mitigation, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+mitigationColumns+` FROM risk_mitigations WHERE assessment_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("mitigations of %s: %w", id, err)
	}
	out, err := scanAll(rows, scanMitigation)
	if err != nil {
		return nil, fmt.Errorf("mitigations of %s: %w", id, err)
	}
	return out, nil
}

// scanMitigation reads one row of mitigationColumns.
func scanMitigation(r rowScanner) (vigil.Mitigation, error) {
	var m vigil.Mitigation
	var created int64
	err := r.Scan(&m.ID, &m.AssessmentID, &m.Kind, &m.Description, &m.PublicText, &m.Severity,
		&m.Capacity, &m.Users, &m.Status, &created)
	m.Created = fromMS(created)
	return m, err
}

// risksOf returns the risks of assessment id, oldest first, each with its mitigations' ids.
func risksOf(ctx context.Context, q caseQuerier, id string) ([]vigil.Risk, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.title, r.description, r.severity, r.created, l.mitigation_id
		FROM risks r LEFT JOIN risk_links l ON l.risk_id = r.id
		WHERE r.assessment_id = ? ORDER BY r.id, l.mitigation_id`, id)
	if err != nil {
		return nil, fmt.Errorf("risks of %s: %w", id, err)
	}
	defer rows.Close()
	var out []vigil.Risk
	for rows.Next() {
		var r vigil.Risk
		var created int64
		var mitigation sql.NullString
		if err := rows.Scan(&r.ID, &r.Title, &r.Description, &r.Severity, &created, &mitigation); err != nil {
			return nil, fmt.Errorf("risks of %s: %w", id, err)
		}
		if len(out) == 0 || out[len(out)-1].ID != r.ID {
			r.AssessmentID, r.Created = id, fromMS(created)
			out = append(out, r)
		}
		if mitigation.Valid {
			last := &out[len(out)-1]
			last.Mitigations = append(last.Mitigations, mitigation.String)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("risks of %s: %w", id, err)
	}
	return out, nil
}

// AddMitigation adds measure m, with its proportionality rationale (RM-02), to a draft.
func (s *RiskStore) AddMitigation(ctx context.Context, m vigil.Mitigation) (vigil.Mitigation, error) {
	if err := checkRiskWriter(ctx); err != nil {
		return m, err
	}
	if m.Status == "" {
		m.Status = vigil.MitigationIntroduced
	}
	if err := m.Validate(); err != nil {
		return m, err
	}
	err := s.db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.draft(m.AssessmentID); err != nil {
			return err
		}
		m.ID, m.Created = vigil.NewID(vigil.PrefixMitigation, tx.now), tx.now
		_, err := tx.ExecContext(ctx, `INSERT INTO risk_mitigations (`+mitigationColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			m.ID, m.AssessmentID, m.Kind, m.Description, m.PublicText, m.Severity, m.Capacity, m.Users, m.Status, ms(m.Created))
		if err != nil {
			return fmt.Errorf("add mitigation to %s: %w", m.AssessmentID, err)
		}
		detail, _ := json.Marshal(map[string]any{"assessment_id": m.AssessmentID, "kind": m.Kind, "status": m.Status})
		return tx.Audit("risk_mitigation.create", "risk_mitigation", m.ID, string(detail))
	})
	return m, err
}

// AddRisk adds risk r to a draft, linked to at least one mitigation of the same assessment
// (RM-01).
func (s *RiskStore) AddRisk(ctx context.Context, r vigil.Risk) (vigil.Risk, error) {
	if err := checkRiskWriter(ctx); err != nil {
		return r, err
	}
	if err := r.Validate(); err != nil {
		return r, err
	}
	r.Mitigations = slices.Compact(slices.Sorted(slices.Values(r.Mitigations)))
	err := s.db.Update(ctx, func(tx *Tx) error {
		a, err := tx.draft(r.AssessmentID)
		if err != nil {
			return err
		}
		for _, id := range r.Mitigations {
			if !slices.ContainsFunc(a.Mitigations, func(m vigil.Mitigation) bool { return m.ID == id }) {
				return vigil.FieldErrorf(vigil.EINVALID, "mitigations", "no mitigation %q in assessment %s", id, a.ID)
			}
		}
		r.ID, r.Created = vigil.NewID(vigil.PrefixRisk, tx.now), tx.now
		if _, err := tx.ExecContext(ctx, `INSERT INTO risks (id, assessment_id, title, description, severity, created)
			VALUES (?, ?, ?, ?, ?, ?)`, r.ID, r.AssessmentID, r.Title, r.Description, r.Severity, ms(r.Created)); err != nil {
			return fmt.Errorf("add risk to %s: %w", a.ID, err)
		}
		for _, id := range r.Mitigations {
			if _, err := tx.ExecContext(ctx, `INSERT INTO risk_links (risk_id, mitigation_id) VALUES (?, ?)`, r.ID, id); err != nil {
				return fmt.Errorf("add risk to %s: %w", a.ID, err)
			}
		}
		detail, _ := json.Marshal(map[string]any{"assessment_id": r.AssessmentID, "severity": r.Severity, "mitigations": r.Mitigations})
		return tx.Audit("risk.create", "risk", r.ID, string(detail))
	})
	return r, err
}

// SetMitigationStatus changes measure id's status while its assessment is a draft or within
// vigil.MitigationMonths of the assessment's finalisation (RM-02); the audit log keeps when.
func (s *RiskStore) SetMitigationStatus(ctx context.Context, id string, status vigil.MitigationStatus) (vigil.Mitigation, error) {
	if err := checkRiskWriter(ctx); err != nil {
		return vigil.Mitigation{}, err
	}
	switch status {
	case vigil.MitigationIntroduced, vigil.MitigationReviewed, vigil.MitigationEnded:
	default:
		return vigil.Mitigation{}, vigil.FieldErrorf(vigil.EINVALID, "status", "must be introduced, reviewed or ended")
	}
	var m vigil.Mitigation
	err := s.db.Update(ctx, func(tx *Tx) error {
		var assessmentID string
		err := tx.QueryRowContext(ctx, `SELECT assessment_id FROM risk_mitigations WHERE id = ?`, id).Scan(&assessmentID)
		if errors.Is(err, sql.ErrNoRows) {
			return vigil.Errorf(vigil.ENOTFOUND, "no mitigation %q", id)
		}
		if err != nil {
			return fmt.Errorf("mitigation %s: %w", id, err)
		}
		a, err := assessmentRow(ctx, tx, assessmentID)
		if err != nil {
			return err
		}
		if a.Status == vigil.AssessmentFinal && tx.now.After(vigil.AddMonths(a.Assessed, vigil.MitigationMonths)) {
			return vigil.Errorf(vigil.ECONFLICT, "assessment %s was finalised more than %d months ago: record the change in a new assessment",
				a.ID, vigil.MitigationMonths)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE risk_mitigations SET status = ? WHERE id = ?`, status, id); err != nil {
			return fmt.Errorf("mitigation %s: %w", id, err)
		}
		all, err := mitigationsOf(ctx, tx, assessmentID)
		if err != nil {
			return err
		}
		for _, x := range all {
			if x.ID == id {
				m = x
			}
		}
		detail, _ := json.Marshal(map[string]any{"assessment_id": assessmentID, "status": status})
		return tx.Audit("risk_mitigation.status", "risk_mitigation", id, string(detail))
	})
	return m, err
}
