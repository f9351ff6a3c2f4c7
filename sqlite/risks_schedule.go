package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/vigilproject/vigil"
)

// scheduleRow is a service's schedule as stored, with when it was last reminded.
type scheduleRow struct {
	vigil.RiskSchedule
	reminded int64 // ms of the due date the reminder was sent for; 0: never
}

// schedules returns the schedule of every enabled hosting and interpersonal service: the
// services Art. 3 asks an assessment of (RA-01).
func schedules(ctx context.Context, q caseQuerier) ([]scheduleRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT s.name, s.created,
			coalesce((SELECT max(assessed) FROM risk_assessments a WHERE a.service = s.name AND a.status = 'final'), 0),
			coalesce((SELECT id FROM risk_assessments a WHERE a.service = s.name AND a.status = 'final'
				ORDER BY assessed DESC, id DESC LIMIT 1), ''),
			coalesce(r.ca_due, 0), coalesce(r.ca_reference, ''), coalesce(r.order_end, 0), coalesce(r.reminded_due, 0)
		FROM services s LEFT JOIN risk_schedule r ON r.service = s.name
		WHERE s.enabled AND s.type IN (?, ?) ORDER BY s.name`, vigil.ServiceHosting, vigil.ServiceInterpersonal)
	if err != nil {
		return nil, fmt.Errorf("risk schedules: %w", err)
	}
	out, err := scanAll(rows, scanSchedule)
	if err != nil {
		return nil, fmt.Errorf("risk schedules: %w", err)
	}
	return out, nil
}

// scanSchedule reads one row of the schedules query, with the due date it implies.
func scanSchedule(rs rowScanner) (scheduleRow, error) {
	var r scheduleRow
	var launched, last, caDue, orderEnd int64
	if err := rs.Scan(&r.Service, &launched, &last, &r.LastID, &caDue, &r.CAReference, &orderEnd, &r.reminded); err != nil {
		return r, err
	}
	r.Launched, r.LastAssessed, r.CADue, r.OrderEnd = fromMS(launched), fromMS(last), fromMS(caDue), fromMS(orderEnd)
	r.Due = vigil.NextAssessmentDue(r.Launched, r.LastAssessed, r.CADue, r.OrderEnd)
	return r, nil
}

// Schedules returns when each enabled hosting and interpersonal service's next assessment is
// due (RA-07); a service without a final assessment is Missing (RA-01).
func (s *RiskStore) Schedules(ctx context.Context) ([]vigil.RiskSchedule, error) {
	if err := checkRiskReader(ctx); err != nil {
		return nil, err
	}
	rows, err := schedules(ctx, s.db.read)
	if err != nil {
		return nil, err
	}
	out := make([]vigil.RiskSchedule, len(rows))
	for i, r := range rows {
		out[i] = r.RiskSchedule
	}
	return out, nil
}

// maxCAReference bounds a Coordinating Authority's reference.
const maxCAReference = 500

// SetSchedule records a Coordinating Authority's due date (with its reference, required with
// the date) and a detection order's end for service; zero times clear them.
func (s *RiskStore) SetSchedule(ctx context.Context, service string, caDue time.Time, caReference string, orderEnd time.Time) (vigil.RiskSchedule, error) {
	if err := checkRiskWriter(ctx); err != nil {
		return vigil.RiskSchedule{}, err
	}
	if !caDue.IsZero() && caReference == "" {
		return vigil.RiskSchedule{}, vigil.FieldErrorf(vigil.EINVALID, "ca_reference", "a Coordinating Authority's date needs its reference")
	}
	if len(caReference) > maxCAReference {
		return vigil.RiskSchedule{}, vigil.FieldErrorf(vigil.EINVALID, "ca_reference", "longer than %d bytes", maxCAReference)
	}
	var out vigil.RiskSchedule
	err := s.db.Update(ctx, func(tx *Tx) error {
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM services WHERE name = ?)`, service).Scan(&exists); err != nil {
			return fmt.Errorf("set risk schedule of %s: %w", service, err)
		}
		if !exists {
			return vigil.Errorf(vigil.ENOTFOUND, "no service %q", service)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO risk_schedule (service, ca_due, ca_reference, order_end, reminded_due, updated)
			VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT (service) DO UPDATE SET ca_due = excluded.ca_due,
			ca_reference = excluded.ca_reference, order_end = excluded.order_end, updated = excluded.updated`,
			service, ms(caDue), caReference, ms(orderEnd), ms(tx.now))
		if err != nil {
			return fmt.Errorf("set risk schedule of %s: %w", service, err)
		}
		detail, _ := json.Marshal(map[string]any{"ca_due": ms(caDue), "ca_reference": caReference, "order_end": ms(orderEnd)})
		if err := tx.Audit("risk_schedule.set", "service", service, string(detail)); err != nil {
			return err
		}
		all, err := schedules(ctx, tx)
		if err != nil {
			return err
		}
		for _, r := range all {
			if r.Service == service {
				out = r.RiskSchedule
			}
		}
		out.Service = service
		return nil
	})
	return out, err
}

// RiskReminder sends risk.assessment_due once per due date, RiskReminderLead before a
// service's assessment is due or at once when it is already overdue (RA-07).
type RiskReminder struct {
	db  *DB
	log *slog.Logger
}

// NewRiskReminder returns the reminder on db; log receives the failures of Run's passes (nil:
// slog's default logger).
func NewRiskReminder(db *DB, log *slog.Logger) *RiskReminder {
	if log == nil {
		log = slog.Default()
	}
	return &RiskReminder{db: db, log: log}
}

// riskReminderEvery is how often Run checks the schedules: due dates are days apart.
const riskReminderEvery = time.Minute

// Run calls Tick every riskReminderEvery until ctx ends.
func (r *RiskReminder) Run(ctx context.Context) {
	t := time.NewTicker(riskReminderEvery)
	defer t.Stop()
	for {
		if err := r.Tick(ctx); err != nil && ctx.Err() == nil {
			r.log.Error("risk assessment reminder", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Tick reminds, at the database clock's now, of every assessment due within
// RiskReminderLead that was not yet reminded for its due date, in one transaction.
func (r *RiskReminder) Tick(ctx context.Context) error {
	return r.db.Update(vigil.WithActor(ctx, vigil.System), func(tx *Tx) error {
		all, err := schedules(tx.ctx, tx)
		if err != nil {
			return err
		}
		for _, s := range all {
			if !s.DueSoon(tx.now) || s.reminded == ms(s.Due) {
				continue
			}
			if err := tx.remindRisk(s); err != nil {
				return err
			}
		}
		return nil
	})
}

// remindRisk enqueues the reminder of s, records its due date as reminded, and audits it.
func (tx *Tx) remindRisk(s scheduleRow) error {
	due := ms(s.Due)
	_, err := tx.ExecContext(tx.ctx, `INSERT INTO risk_schedule (service, ca_due, ca_reference, order_end, reminded_due, updated)
		VALUES (?, 0, '', 0, ?, ?) ON CONFLICT (service) DO UPDATE SET reminded_due = excluded.reminded_due,
		updated = excluded.updated`, s.Service, due, ms(tx.now))
	if err != nil {
		return fmt.Errorf("remind of the risk assessment of %s: %w", s.Service, err)
	}
	ev := vigil.RiskAssessmentDue{Service: s.Service, Due: webhookTime(s.Due), Overdue: s.Overdue(tx.now), Missing: s.Missing()}
	if err := tx.Enqueue(vigil.EventRiskAssessmentDue, ev); err != nil {
		return err
	}
	detail, _ := json.Marshal(ev)
	return tx.Audit("risk.remind", "service", s.Service, string(detail))
}
