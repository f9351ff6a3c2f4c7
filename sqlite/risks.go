package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/vigilproject/vigil"
)

// RiskStore implements vigil.RiskService on the database: the risk register of Art. 3-5.
type RiskStore struct{ db *DB }

// NewRiskStore returns the risk register on db.
func NewRiskStore(db *DB) *RiskStore { return &RiskStore{db: db} }

var _ vigil.RiskService = (*RiskStore)(nil)

// checkRiskReader refuses actors who may neither keep the register nor audit.
func checkRiskReader(ctx context.Context) error {
	if a := vigil.ActorFrom(ctx); !a.Can(vigil.ScopeReports) && !a.CanAudit() {
		return vigil.Errorf(vigil.EFORBIDDEN, "the risk register needs the %s permission or the auditor role", vigil.ScopeReports)
	}
	return nil
}

// checkRiskWriter refuses actors who may not keep the register.
func checkRiskWriter(ctx context.Context) error {
	if !vigil.ActorFrom(ctx).Can(vigil.ScopeReports) {
		return vigil.Errorf(vigil.EFORBIDDEN, "changing the risk register needs the %s permission", vigil.ScopeReports)
	}
	return nil
}

// riskBody is the JSON of an assessment's sections in the body column.
type riskBody struct {
	PriorInstances   string           `json:"prior_instances"`
	TermsProhibition string           `json:"terms_prohibition"`
	Enforcement      string           `json:"enforcement"`
	AgeVerification  string           `json:"age_verification"`
	FlaggingTools    string           `json:"flagging_tools"`
	Usage            string           `json:"usage"`
	Design           string           `json:"design"`
	Solicitation     solicitationBody `json:"solicitation"`
	Residual         string           `json:"residual_risk"`
}

type solicitationBody struct {
	ChildUse         vigil.Level    `json:"child_use"`
	AgeGroups        []ageGroupBody `json:"age_groups"`
	UserSearch       bool           `json:"user_search"`
	AdultChildSearch bool           `json:"adult_child_search"`
	DirectContact    bool           `json:"direct_contact"`
	ImageSharing     bool           `json:"image_sharing"`
	PrivateSharing   bool           `json:"private_sharing"`
}

type ageGroupBody struct {
	Group string      `json:"group"`
	Risk  vigil.Level `json:"risk"`
}

func bodyOf(a vigil.RiskAssessment) riskBody {
	s := a.Solicitation
	b := riskBody{PriorInstances: a.PriorInstances, TermsProhibition: a.TermsProhibition,
		Enforcement: a.Enforcement, AgeVerification: a.AgeVerification, FlaggingTools: a.FlaggingTools,
		Usage: a.Usage, Design: a.Design, Residual: a.Residual,
		Solicitation: solicitationBody{ChildUse: s.ChildUse, AgeGroups: []ageGroupBody{}, UserSearch: s.UserSearch,
			AdultChildSearch: s.AdultChildSearch, DirectContact: s.DirectContact, ImageSharing: s.ImageSharing,
			PrivateSharing: s.PrivateSharing}}
	for _, g := range s.AgeGroups {
		b.Solicitation.AgeGroups = append(b.Solicitation.AgeGroups, ageGroupBody(g))
	}
	return b
}

func (b riskBody) apply(a *vigil.RiskAssessment) {
	s := b.Solicitation
	a.PriorInstances, a.TermsProhibition, a.Enforcement = b.PriorInstances, b.TermsProhibition, b.Enforcement
	a.AgeVerification, a.FlaggingTools, a.Usage, a.Design = b.AgeVerification, b.FlaggingTools, b.Usage, b.Design
	a.Residual = b.Residual
	a.Solicitation = vigil.SolicitationRisk{ChildUse: s.ChildUse, UserSearch: s.UserSearch,
		AdultChildSearch: s.AdultChildSearch, DirectContact: s.DirectContact, ImageSharing: s.ImageSharing,
		PrivateSharing: s.PrivateSharing}
	for _, g := range s.AgeGroups {
		a.Solicitation.AgeGroups = append(a.Solicitation.AgeGroups, vigil.AgeGroupRisk(g))
	}
}

const assessmentColumns = `id, service, status, body, assessed, created, updated`

// scanAssessment reads an assessment row, without its risks and mitigations.
func scanAssessment(r rowScanner) (vigil.RiskAssessment, error) {
	var a vigil.RiskAssessment
	var body string
	var assessed, created, updated int64
	if err := r.Scan(&a.ID, &a.Service, &a.Status, &body, &assessed, &created, &updated); err != nil {
		return a, err
	}
	var b riskBody
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		return a, fmt.Errorf("assessment %s: body: %w", a.ID, err)
	}
	b.apply(&a)
	a.Assessed, a.Created, a.Updated = fromMS(assessed), fromMS(created), fromMS(updated)
	return a, nil
}

// assessmentRow reads assessment id from q.
func assessmentRow(ctx context.Context, q caseQuerier, id string) (vigil.RiskAssessment, error) {
	a, err := scanAssessment(q.QueryRowContext(ctx, `SELECT `+assessmentColumns+` FROM risk_assessments WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, vigil.Errorf(vigil.ENOTFOUND, "no risk assessment %q", id)
	}
	if err != nil {
		return a, fmt.Errorf("risk assessment %s: %w", id, err)
	}
	return a, nil
}

// Assessments returns service's assessments ("" for every service), newest first, without
// their risks and mitigations.
func (s *RiskStore) Assessments(ctx context.Context, service string) ([]vigil.RiskAssessment, error) {
	if err := checkRiskReader(ctx); err != nil {
		return nil, err
	}
	rows, err := s.db.read.QueryContext(ctx, `SELECT `+assessmentColumns+` FROM risk_assessments
		WHERE ? = '' OR service = ? ORDER BY created DESC, id DESC`, service, service)
	if err != nil {
		return nil, fmt.Errorf("risk assessments: %w", err)
	}
	out, err := scanAll(rows, scanAssessment)
	if err != nil {
		return nil, fmt.Errorf("risk assessments: %w", err)
	}
	return out, nil
}

// Assessment returns assessment id with its mitigations and risks, and the number of reports
// sent about its service's content (RA-02).
func (s *RiskStore) Assessment(ctx context.Context, id string) (vigil.RiskAssessment, error) {
	if err := checkRiskReader(ctx); err != nil {
		return vigil.RiskAssessment{}, err
	}
	return loadAssessment(ctx, s.db.read, id)
}

// loadAssessment reads assessment id with its mitigations and risks from q.
func loadAssessment(ctx context.Context, q caseQuerier, id string) (vigil.RiskAssessment, error) {
	a, err := assessmentRow(ctx, q, id)
	if err != nil {
		return a, err
	}
	if a.Mitigations, err = mitigationsOf(ctx, q, id); err != nil {
		return a, err
	}
	if a.Risks, err = risksOf(ctx, q, id); err != nil {
		return a, err
	}
	// A report counts once any destination took it: one sent to the EU Centre while NCMEC
	// refused it was still made (RA-02).
	err = q.QueryRowContext(ctx, `SELECT count(*) FROM reports r JOIN cases c ON c.id = r.case_id
		WHERE c.service = ? AND EXISTS (SELECT 1 FROM report_destinations d WHERE d.report_id = r.id
			AND d.status IN (?, ?))`, a.Service, vigil.DestFinished, vigil.DestSent).Scan(&a.ReportsSent)
	if err != nil {
		return a, fmt.Errorf("reports of %s: %w", a.Service, err)
	}
	return a, nil
}

// auditAssessment audits action on a, with the fields a reader of the log needs.
func (tx *Tx) auditAssessment(action string, a vigil.RiskAssessment) error {
	detail, _ := json.Marshal(map[string]any{"service": a.Service, "status": a.Status})
	return tx.Audit(action, "risk_assessment", a.ID, string(detail))
}

// CreateAssessment starts a draft assessment of a configured service.
func (s *RiskStore) CreateAssessment(ctx context.Context, a vigil.RiskAssessment) (vigil.RiskAssessment, error) {
	if err := checkRiskWriter(ctx); err != nil {
		return a, err
	}
	if err := a.Validate(); err != nil {
		return a, err
	}
	err := s.db.Update(ctx, func(tx *Tx) error {
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM services WHERE name = ?)`, a.Service).Scan(&exists); err != nil {
			return fmt.Errorf("create risk assessment: %w", err)
		}
		if !exists {
			return vigil.FieldErrorf(vigil.EINVALID, "service", "no service %q: each service has its own assessment (RA-01)", a.Service)
		}
		a.ID, a.Status = vigil.NewID(vigil.PrefixAssessment, tx.now), vigil.AssessmentDraft
		a.Created, a.Updated, a.Assessed, a.Risks, a.Mitigations = tx.now, tx.now, time.Time{}, nil, nil
		body, err := json.Marshal(bodyOf(a))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO risk_assessments (`+assessmentColumns+`) VALUES (?, ?, ?, ?, 0, ?, ?)`,
			a.ID, a.Service, a.Status, string(body), ms(a.Created), ms(a.Updated))
		if err != nil {
			return fmt.Errorf("create risk assessment: %w", err)
		}
		return tx.auditAssessment("risk_assessment.create", a)
	})
	return a, err
}

// draft reads assessment id in tx and refuses it unless it is a draft.
func (tx *Tx) draft(id string) (vigil.RiskAssessment, error) {
	a, err := loadAssessment(tx.ctx, tx, id)
	if err != nil {
		return a, err
	}
	if a.Status != vigil.AssessmentDraft {
		return a, vigil.Errorf(vigil.ECONFLICT, "risk assessment %s is final: start a new assessment instead", id)
	}
	return a, nil
}

// UpdateAssessment replaces a draft's sections.
func (s *RiskStore) UpdateAssessment(ctx context.Context, a vigil.RiskAssessment) (vigil.RiskAssessment, error) {
	if err := checkRiskWriter(ctx); err != nil {
		return a, err
	}
	if err := a.Validate(); err != nil {
		return a, err
	}
	var out vigil.RiskAssessment
	err := s.db.Update(ctx, func(tx *Tx) error {
		old, err := tx.draft(a.ID)
		if err != nil {
			return err
		}
		out = a
		out.Service, out.Status, out.Created, out.Updated = old.Service, old.Status, old.Created, tx.now
		out.Risks, out.Mitigations = old.Risks, old.Mitigations
		body, err := json.Marshal(bodyOf(out))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE risk_assessments SET body = ?, updated = ? WHERE id = ?`,
			string(body), ms(tx.now), a.ID); err != nil {
			return fmt.Errorf("update risk assessment %s: %w", a.ID, err)
		}
		return tx.auditAssessment("risk_assessment.update", out)
	})
	return out, err
}

// FinaliseAssessment freezes a draft that passes CheckFinal: from now it is the service's
// latest assessment and the next is due 3 years later at most (RA-07).
func (s *RiskStore) FinaliseAssessment(ctx context.Context, id string) (vigil.RiskAssessment, error) {
	if err := checkRiskWriter(ctx); err != nil {
		return vigil.RiskAssessment{}, err
	}
	var a vigil.RiskAssessment
	err := s.db.Update(ctx, func(tx *Tx) error {
		var err error
		if a, err = tx.draft(id); err != nil {
			return err
		}
		if err := a.CheckFinal(); err != nil {
			return err
		}
		a.Status, a.Assessed, a.Updated = vigil.AssessmentFinal, tx.now, tx.now
		if _, err := tx.ExecContext(ctx, `UPDATE risk_assessments SET status = ?, assessed = ?, updated = ? WHERE id = ?`,
			a.Status, ms(tx.now), ms(tx.now), id); err != nil {
			return fmt.Errorf("finalise risk assessment %s: %w", id, err)
		}
		return tx.auditAssessment("risk_assessment.finalise", a)
	})
	return a, err
}
