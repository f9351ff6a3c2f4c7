package http

import (
	"net/http"
	"time"

	"github.com/vigilproject/vigil"
)

// riskPageRoutes declares the risk register's pages.
func (s *Server) riskPageRoutes() {
	page := func(method, pattern, summary string, audit bool, h http.HandlerFunc) {
		s.handle(Route{Method: method, Pattern: pattern, Access: Page, Scope: vigil.ScopeReports, Audit: audit,
			Tag: "ui", Summary: summary, Handler: s.needRisks(h, true)})
	}
	page("GET", "/risk", "Risk register: when each service's assessment is due, overdue ones, assessments", true, s.uiRisk)
	page("POST", "/risk/assessments", "Start a draft risk assessment", false, s.uiCreateAssessment)
	page("POST", "/risk/schedule/{service}", "Record a Coordinating Authority's due date for a service", false, s.uiSetSchedule)
	page("GET", "/risk/assessments/{id}", "Risk assessment: sections, mitigations, risks, finalising", true, s.uiAssessment)
	page("POST", "/risk/assessments/{id}", "Save a draft assessment's sections", false, s.uiUpdateAssessment)
	page("POST", "/risk/assessments/{id}/mitigations", "Add a mitigation measure", false, s.uiAddMitigation)
	page("POST", "/risk/assessments/{id}/risks", "Add a risk linked to mitigations", false, s.uiAddRisk)
	page("POST", "/risk/assessments/{id}/finalise", "Finalise a draft assessment", false, s.uiFinaliseAssessment)
}

// riskPage is the data of the register page.
type riskPage struct {
	Schedules   []scheduleRow
	Assessments []vigil.RiskAssessment
	Services    []string
	riskFormData
}

// riskFormData is what the assessment forms offer to choose from.
type riskFormData struct {
	Levels    []vigil.Level
	AgeGroups []string
	Kinds     []vigil.MitigationKind
}

var riskForm = riskFormData{Levels: []vigil.Level{vigil.LevelNone, vigil.LevelLow, vigil.LevelMedium, vigil.LevelHigh},
	AgeGroups: vigil.AgeGroups, Kinds: vigil.MitigationKinds}

// scheduleRow is a schedule with its state at the time of the page.
type scheduleRow struct {
	vigil.RiskSchedule
	State string
}

func (s *Server) uiRisk(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	schedules, err := s.Risks.Schedules(ctx)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	all, err := s.Risks.Assessments(ctx, "")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := riskPage{Assessments: all, riskFormData: riskForm}
	now := s.Clock.Now()
	for _, sc := range schedules {
		p.Schedules = append(p.Schedules, scheduleRow{sc, scheduleState(sc, now)})
		p.Services = append(p.Services, sc.Service)
	}
	s.render(w, r, http.StatusOK, "risk", page{Title: "Risk register", Nav: "risk", Notice: doneMessage(r), Data: p})
}

// assessmentForm reads an assessment's sections from a posted form.
func assessmentForm(r *http.Request) vigil.RiskAssessment {
	v := r.PostFormValue
	a := vigil.RiskAssessment{Service: v("service"), PriorInstances: v("prior_instances"),
		TermsProhibition: v("terms_prohibition"), Enforcement: v("enforcement"), AgeVerification: v("age_verification"),
		FlaggingTools: v("flagging_tools"), Usage: v("usage"), Design: v("design"), Residual: v("residual_risk"),
		Solicitation: vigil.SolicitationRisk{ChildUse: vigil.Level(v("child_use")), UserSearch: v("user_search") == "true",
			AdultChildSearch: v("adult_child_search") == "true", DirectContact: v("direct_contact") == "true",
			ImageSharing: v("image_sharing") == "true", PrivateSharing: v("private_sharing") == "true"}}
	for _, g := range vigil.AgeGroups {
		if risk := v("age_" + g); risk != "" {
			a.Solicitation.AgeGroups = append(a.Solicitation.AgeGroups, vigil.AgeGroupRisk{Group: g, Risk: vigil.Level(risk)})
		}
	}
	return a
}

func (s *Server) uiCreateAssessment(w http.ResponseWriter, r *http.Request) {
	a, err := s.Risks.CreateAssessment(r.Context(), assessmentForm(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/risk/assessments/"+a.ID+"?done=created")
}

func (s *Server) uiSetSchedule(w http.ResponseWriter, r *http.Request) {
	caDue, err := optionalTime("ca_due_at", r.PostFormValue("ca_due_at"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	orderEnd, err := optionalTime("detection_order_end_at", r.PostFormValue("detection_order_end_at"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if _, err := s.Risks.SetSchedule(r.Context(), r.PathValue("service"), caDue, r.PostFormValue("ca_reference"), orderEnd); err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/risk?done=updated")
}

// assessmentPage is the data of one assessment's page.
type assessmentPage struct {
	A vigil.RiskAssessment
	// Groups is the risk per age group, "" for a group not graded, in AgeGroups order.
	Groups map[string]vigil.Level
	// FinalProblem is why the draft cannot be finalised yet, "" when it can.
	FinalProblem string
	Now          time.Time
	riskFormData
}

func (s *Server) uiAssessment(w http.ResponseWriter, r *http.Request) {
	a, err := s.Risks.Assessment(r.Context(), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := assessmentPage{A: a, Groups: map[string]vigil.Level{}, Now: s.Clock.Now(), riskFormData: riskForm}
	for _, g := range a.Solicitation.AgeGroups {
		p.Groups[g.Group] = g.Risk
	}
	if err := a.CheckFinal(); err != nil && a.Status == vigil.AssessmentDraft {
		p.FinalProblem = vigil.ErrorMessage(err)
	}
	s.render(w, r, http.StatusOK, "risk_assessment", page{Title: "Risk assessment of " + a.Service, Nav: "risk",
		Notice: doneMessage(r), Data: p})
}

func (s *Server) uiUpdateAssessment(w http.ResponseWriter, r *http.Request) {
	a := assessmentForm(r)
	a.ID = r.PathValue("id")
	if _, err := s.Risks.UpdateAssessment(r.Context(), a); err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/risk/assessments/"+a.ID+"?done=updated")
}

func (s *Server) uiAddMitigation(w http.ResponseWriter, r *http.Request) {
	v := r.PostFormValue
	m := vigil.Mitigation{AssessmentID: r.PathValue("id"), Kind: vigil.MitigationKind(v("kind")), Description: v("description"),
		PublicText: v("public_text"), Severity: v("severity"), Capacity: v("capacity"), Users: v("users"),
		Status: vigil.MitigationStatus(v("status"))}
	if _, err := s.Risks.AddMitigation(r.Context(), m); err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/risk/assessments/"+m.AssessmentID+"?done=created")
}

func (s *Server) uiAddRisk(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, vigil.Errorf(vigil.EINVALID, "form: %v", err))
		return
	}
	k := vigil.Risk{AssessmentID: r.PathValue("id"), Title: r.PostFormValue("title"),
		Description: r.PostFormValue("description"), Severity: vigil.Level(r.PostFormValue("severity")),
		Mitigations: r.PostForm["mitigations"]}
	if _, err := s.Risks.AddRisk(r.Context(), k); err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/risk/assessments/"+k.AssessmentID+"?done=created")
}

func (s *Server) uiFinaliseAssessment(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.Risks.FinaliseAssessment(r.Context(), id); err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/risk/assessments/"+id+"?done=updated")
}
