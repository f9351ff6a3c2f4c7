package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/vigilproject/vigil"
)

const serviceColumns = `name, type, jurisdiction, enabled, created`

func scanService(r rowScanner) (vigil.Service, error) {
	var s vigil.Service
	var created int64
	err := r.Scan(&s.Name, &s.Type, &s.Jurisdiction, &s.Enabled, &created)
	s.Created = fromMS(created)
	return s, err
}

// Services returns every configured service, sorted by name.
func (s *ContentStore) Services(ctx context.Context) ([]vigil.Service, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT `+serviceColumns+` FROM services ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("services: %w", err)
	}
	defer rows.Close()
	var out []vigil.Service
	for rows.Next() {
		svc, err := scanService(rows)
		if err != nil {
			return nil, fmt.Errorf("services: %w", err)
		}
		out = append(out, svc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("services: %w", err)
	}
	return out, nil
}

// Service returns the service called name.
func (s *ContentStore) Service(ctx context.Context, name string) (vigil.Service, error) {
	svc, err := scanService(s.db.read.QueryRowContext(ctx, `SELECT `+serviceColumns+` FROM services WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return svc, vigil.Errorf(vigil.ENOTFOUND, "no service %q", name)
	}
	if err != nil {
		return svc, fmt.Errorf("service %s: %w", name, err)
	}
	return svc, nil
}

// SaveService creates svc or replaces its settings, keeping Created, and audits the change. The
// caller validates svc.
func (s *ContentStore) SaveService(ctx context.Context, svc vigil.Service) (vigil.Service, error) {
	err := s.db.Update(ctx, func(tx *Tx) error {
		old, err := scanService(tx.QueryRowContext(ctx, `SELECT `+serviceColumns+` FROM services WHERE name = ?`, svc.Name))
		action := "service.update"
		switch {
		case errors.Is(err, sql.ErrNoRows):
			action, svc.Created = "service.create", tx.now
		case err != nil:
			return err
		default:
			svc.Created = old.Created
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO services (`+serviceColumns+`) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET type = excluded.type, jurisdiction = excluded.jurisdiction,
			enabled = excluded.enabled`, svc.Name, svc.Type, svc.Jurisdiction, svc.Enabled, ms(svc.Created))
		if err != nil {
			return err
		}
		detail, _ := json.Marshal(map[string]any{"type": svc.Type, "jurisdiction": svc.Jurisdiction, "enabled": svc.Enabled})
		return tx.Audit(action, "service", svc.Name, string(detail))
	})
	if err != nil {
		return svc, fmt.Errorf("save service %s: %w", svc.Name, err)
	}
	return svc, nil
}

// DeleteService removes the service called name; content submitted to it stays.
func (s *ContentStore) DeleteService(ctx context.Context, name string) error {
	return s.db.Update(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM services WHERE name = ?`, name)
		if err != nil {
			return fmt.Errorf("delete service %s: %w", name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return vigil.Errorf(vigil.ENOTFOUND, "no service %q", name)
		}
		return tx.Audit("service.delete", "service", name, "{}")
	})
}
