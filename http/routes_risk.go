package http

import (
	"net/http"
	"time"

	"github.com/vigilproject/vigil"
)

// assessmentRequest is the body that creates or replaces a draft risk assessment.
type assessmentRequest struct {
	Service          string           `json:"service,omitempty"` // on create only
	PriorInstances   string           `json:"prior_instances"`
	TermsProhibition string           `json:"terms_prohibition"`
	Enforcement      string           `json:"enforcement"`
	AgeVerification  string           `json:"age_verification"`
	FlaggingTools    string           `json:"flagging_tools"`
	Usage            string           `json:"usage"`
	Design           string           `json:"design"`
	Solicitation     solicitationJSON `json:"solicitation"`
	Residual         string           `json:"residual_risk"`
}

// solicitationJSON is the solicitation section (RA-05).
type solicitationJSON struct {
	ChildUse         vigil.Level    `json:"child_use"`
	AgeGroups        []ageGroupJSON `json:"age_groups"`
	UserSearch       bool           `json:"user_search"`
	AdultChildSearch bool           `json:"adult_child_search"`
	DirectContact    bool           `json:"direct_contact"`
	ImageSharing     bool           `json:"image_sharing"`
	PrivateSharing   bool           `json:"private_sharing"`
}

type ageGroupJSON struct {
	Group string      `json:"group"`
	Risk  vigil.Level `json:"risk"`
}

// assessmentJSON is a risk assessment as the API shows it.
type assessmentJSON struct {
	ID     string                 `json:"id"`
	Status vigil.AssessmentStatus `json:"status"`
	assessmentRequest
	// ReportsSent counts the reports about the service's content delivered so far (RA-02).
	ReportsSent int              `json:"reports_sent"`
	Risks       []riskJSON       `json:"risks"`
	Mitigations []mitigationJSON `json:"mitigations"`
	Assessed    string           `json:"assessed_at,omitempty"`
	Created     string           `json:"created_at"`
	Updated     string           `json:"updated_at"`
}

type assessmentsResponse struct {
	Items []assessmentJSON `json:"items"`
}

// mitigationJSON is a mitigation measure with its proportionality rationale (RM-02).
type mitigationJSON struct {
	ID           string                 `json:"id,omitempty"`
	AssessmentID string                 `json:"assessment_id,omitempty"`
	Kind         vigil.MitigationKind   `json:"kind"`
	Description  string                 `json:"description"`
	PublicText   string                 `json:"public_text"`
	Rationale    rationaleJSON          `json:"rationale"`
	Status       vigil.MitigationStatus `json:"status,omitempty"`
	Created      string                 `json:"created_at,omitempty"`
}

type rationaleJSON struct {
	Severity string `json:"severity"`
	Capacity string `json:"capacity"`
	Users    string `json:"users"`
}

// riskJSON is an identified risk and the mitigations it links to (RM-01).
type riskJSON struct {
	ID           string      `json:"id,omitempty"`
	AssessmentID string      `json:"assessment_id,omitempty"`
	Title        string      `json:"title"`
	Description  string      `json:"description,omitempty"`
	Severity     vigil.Level `json:"severity"`
	Mitigations  []string    `json:"mitigations"`
	Created      string      `json:"created_at,omitempty"`
}

// scheduleJSON is when a service's next assessment is due (RA-07) and its state.
type scheduleJSON struct {
	Service      string `json:"service"`
	LaunchedAt   string `json:"launched_at"`
	LastAssessed string `json:"last_assessed_at,omitempty"`
	LastID       string `json:"last_assessment_id,omitempty"`
	CADue        string `json:"ca_due_at,omitempty"`
	CAReference  string `json:"ca_reference,omitempty"`
	OrderEnd     string `json:"detection_order_end_at,omitempty"`
	Due          string `json:"due_at"`
	State        string `json:"state"`   // ok, due_soon or overdue
	Missing      bool   `json:"missing"` // no final assessment yet (RA-01)
}

type schedulesResponse struct {
	Items []scheduleJSON `json:"items"`
}

// scheduleRequest sets a service's dates; "" clears one.
type scheduleRequest struct {
	CADue       string `json:"ca_due_at"`
	CAReference string `json:"ca_reference"`
	OrderEnd    string `json:"detection_order_end_at"`
}

func (q assessmentRequest) assessment() vigil.RiskAssessment {
	a := vigil.RiskAssessment{Service: q.Service, PriorInstances: q.PriorInstances, TermsProhibition: q.TermsProhibition,
		Enforcement: q.Enforcement, AgeVerification: q.AgeVerification, FlaggingTools: q.FlaggingTools,
		Usage: q.Usage, Design: q.Design, Residual: q.Residual,
		Solicitation: vigil.SolicitationRisk{ChildUse: q.Solicitation.ChildUse, UserSearch: q.Solicitation.UserSearch,
			AdultChildSearch: q.Solicitation.AdultChildSearch, DirectContact: q.Solicitation.DirectContact,
			ImageSharing: q.Solicitation.ImageSharing, PrivateSharing: q.Solicitation.PrivateSharing}}
	for _, g := range q.Solicitation.AgeGroups {
		a.Solicitation.AgeGroups = append(a.Solicitation.AgeGroups, vigil.AgeGroupRisk(g))
	}
	return a
}

func toAssessmentJSON(a vigil.RiskAssessment) assessmentJSON {
	s := a.Solicitation
	out := assessmentJSON{ID: a.ID, Status: a.Status, ReportsSent: a.ReportsSent, Risks: []riskJSON{}, Mitigations: []mitigationJSON{},
		Assessed: apiTime(a.Assessed), Created: apiTime(a.Created), Updated: apiTime(a.Updated),
		assessmentRequest: assessmentRequest{Service: a.Service, PriorInstances: a.PriorInstances,
			TermsProhibition: a.TermsProhibition, Enforcement: a.Enforcement, AgeVerification: a.AgeVerification,
			FlaggingTools: a.FlaggingTools, Usage: a.Usage, Design: a.Design, Residual: a.Residual,
			Solicitation: solicitationJSON{ChildUse: s.ChildUse, AgeGroups: []ageGroupJSON{}, UserSearch: s.UserSearch,
				AdultChildSearch: s.AdultChildSearch, DirectContact: s.DirectContact, ImageSharing: s.ImageSharing,
				PrivateSharing: s.PrivateSharing}}}
	for _, g := range s.AgeGroups {
		out.Solicitation.AgeGroups = append(out.Solicitation.AgeGroups, ageGroupJSON(g))
	}
	for _, r := range a.Risks {
		out.Risks = append(out.Risks, toRiskJSON(r))
	}
	for _, m := range a.Mitigations {
		out.Mitigations = append(out.Mitigations, toMitigationJSON(m))
	}
	return out
}

func toRiskJSON(r vigil.Risk) riskJSON {
	return riskJSON{ID: r.ID, AssessmentID: r.AssessmentID, Title: r.Title, Description: r.Description,
		Severity: r.Severity, Mitigations: append([]string{}, r.Mitigations...), Created: apiTime(r.Created)}
}

func toMitigationJSON(m vigil.Mitigation) mitigationJSON {
	return mitigationJSON{ID: m.ID, AssessmentID: m.AssessmentID, Kind: m.Kind, Description: m.Description,
		PublicText: m.PublicText, Rationale: rationaleJSON{m.Severity, m.Capacity, m.Users}, Status: m.Status,
		Created: apiTime(m.Created)}
}

// scheduleState says where a schedule stands at now.
func scheduleState(s vigil.RiskSchedule, now time.Time) string {
	switch {
	case s.Overdue(now):
		return "overdue"
	case s.DueSoon(now):
		return "due_soon"
	}
	return "ok"
}

func toScheduleJSON(s vigil.RiskSchedule, now time.Time) scheduleJSON {
	return scheduleJSON{Service: s.Service, LaunchedAt: apiTime(s.Launched), LastAssessed: apiTime(s.LastAssessed),
		LastID: s.LastID, CADue: apiTime(s.CADue), CAReference: s.CAReference, OrderEnd: apiTime(s.OrderEnd),
		Due: apiTime(s.Due), State: scheduleState(s, now), Missing: s.Missing()}
}

// Examples for the OpenAPI document.
var (
	exampleAssessmentRequest = assessmentRequest{Service: "photos", PriorInstances: "35 reports to the EU Centre in 2026",
		TermsProhibition: "Section 4 of the terms forbids child sexual abuse material", Enforcement: "hash matching of every upload, removal, account suspension",
		AgeVerification: "self-declared date of birth at sign-up", FlaggingTools: "a report button on every photo, also for signed-out visitors",
		Usage: "adults share photo albums with friends", Design: "subscription; no recommender; a trust and safety team of four",
		Solicitation: solicitationJSON{ChildUse: vigil.LevelLow, AgeGroups: []ageGroupJSON{{"under_13", vigil.LevelLow},
			{"13_15", vigil.LevelMedium}, {"16_17", vigil.LevelMedium}}, DirectContact: true, ImageSharing: true},
		Residual: "low: known material is matched at upload; new material depends on user flags"}
	exampleMitigation = mitigationJSON{ID: "mit_01JDQ3Z6V8X8N5W2K4T7R9M3P6", AssessmentID: "ras_01JDQ3Z6V8X8N5W2K4T7R9M3P5",
		Kind: vigil.MitigateModeration, Description: "PDQ matching against the NCMEC and IWF lists",
		PublicText: "Uploads are checked against lists of known abuse material.",
		Rationale:  rationaleJSON{Severity: "high: distribution of known material", Capacity: "automated; 4 reviewers", Users: "2 million"},
		Status:     vigil.MitigationIntroduced, Created: "2026-11-27T12:00:00.000Z"}
	exampleRisk = riskJSON{ID: "rsk_01JDQ3Z6V8X8N5W2K4T7R9M3P7", AssessmentID: exampleMitigation.AssessmentID,
		Title: "Sharing of known material in albums", Severity: vigil.LevelHigh, Mitigations: []string{exampleMitigation.ID},
		Created: "2026-11-27T12:05:00.000Z"}
	exampleAssessment = assessmentJSON{ID: exampleMitigation.AssessmentID, Status: vigil.AssessmentDraft,
		assessmentRequest: exampleAssessmentRequest, Risks: []riskJSON{exampleRisk}, Mitigations: []mitigationJSON{exampleMitigation},
		Created: "2026-11-27T11:00:00.000Z", Updated: "2026-11-27T12:05:00.000Z"}
	exampleSchedule = scheduleJSON{Service: "photos", LaunchedAt: "2026-01-15T09:00:00.000Z", LastAssessed: "2026-11-28T10:00:00.000Z",
		LastID: exampleAssessment.ID, CADue: "2028-06-30T00:00:00.000Z", CAReference: "CA-DE-2026-17",
		Due: "2028-06-30T00:00:00.000Z", State: "ok"}
)

// riskRoutes declares the risk register API (Art. 3-5) and its pages.
func (s *Server) riskRoutes() {
	read := func(method, pattern, summary string, resp any, query []Param, h http.HandlerFunc) {
		s.handle(Route{Method: method, Pattern: pattern, Access: API, Scope: vigil.ScopeReports, Audit: true, Tag: "risk",
			Summary: summary, Response: resp, Query: query, Handler: s.needRisks(h, false)})
	}
	write := func(method, pattern, summary string, req, resp any, h http.HandlerFunc) {
		s.handle(Route{Method: method, Pattern: pattern, Access: API, Scope: vigil.ScopeReports, Tag: "risk",
			Summary: summary, Request: req, Response: resp, Handler: s.needRisks(h, false)})
	}
	read("GET", "/v1/risk/assessments", "List risk assessments, newest first", assessmentsResponse{Items: []assessmentJSON{exampleAssessment}},
		[]Param{{Name: "service", Description: "only this service's assessments"}}, s.apiAssessments)
	write("POST", "/v1/risk/assessments", "Start a draft risk assessment of a service (RA-01); the four items of RA-03 are required",
		exampleAssessmentRequest, exampleAssessment, s.apiCreateAssessment)
	read("GET", "/v1/risk/assessments/{id}", "Get a risk assessment with its risks and mitigations", exampleAssessment, nil, s.apiAssessment)
	write("PUT", "/v1/risk/assessments/{id}", "Replace a draft assessment's sections", exampleAssessmentRequest, exampleAssessment, s.apiUpdateAssessment)
	write("POST", "/v1/risk/assessments/{id}/mitigations", "Add a mitigation measure with its proportionality rationale (RM-02)",
		exampleMitigation, exampleMitigation, s.apiAddMitigation)
	write("POST", "/v1/risk/assessments/{id}/risks", "Add a risk, linked to at least one mitigation (RM-01)",
		exampleRisk, exampleRisk, s.apiAddRisk)
	write("POST", "/v1/risk/mitigations/{id}/status", "Mark a measure introduced, reviewed or ended: while its assessment is a draft "+
		"or within 3 months of its finalisation (RM-02)", mitigationStatusRequest{Status: vigil.MitigationReviewed}, exampleMitigation,
		s.apiSetMitigationStatus)
	write("POST", "/v1/risk/assessments/{id}/finalise", "Finalise a draft: needs the residual-risk statement (RA-08) and every section",
		nil, exampleAssessment, s.apiFinaliseAssessment)
	read("GET", "/v1/risk/schedule", "When each hosting and interpersonal service's next assessment is due (RA-07), and which lack one (RA-01)",
		schedulesResponse{Items: []scheduleJSON{exampleSchedule}}, nil, s.apiSchedules)
	write("PUT", "/v1/risk/schedule/{service}", "Record a Coordinating Authority's due date and a detection order's end for a service",
		scheduleRequest{CADue: exampleSchedule.CADue, CAReference: exampleSchedule.CAReference}, exampleSchedule, s.apiSetSchedule)
	s.riskPageRoutes()
}

// needRisks answers 503, or an error page for pages, on a server built without the register.
func (s *Server) needRisks(h http.HandlerFunc, page bool) http.HandlerFunc {
	answer := s.writeError
	if page {
		answer = s.renderError
	}
	return whenServed(func() bool { return s.Risks != nil }, "the risk register is not available on this server", answer, h)
}

func (s *Server) apiAssessments(w http.ResponseWriter, r *http.Request) {
	list, err := s.Risks.Assessments(r.Context(), r.URL.Query().Get("service"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := assessmentsResponse{Items: []assessmentJSON{}}
	for _, a := range list {
		out.Items = append(out.Items, toAssessmentJSON(a))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiAssessment(w http.ResponseWriter, r *http.Request) {
	a, err := s.Risks.Assessment(r.Context(), r.PathValue("id"))
	s.writeAssessment(w, r, http.StatusOK, a, err)
}

func (s *Server) writeAssessment(w http.ResponseWriter, r *http.Request, status int, a vigil.RiskAssessment, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, status, toAssessmentJSON(a))
}

func (s *Server) apiCreateAssessment(w http.ResponseWriter, r *http.Request) {
	var req assessmentRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	a, err := s.Risks.CreateAssessment(r.Context(), req.assessment())
	s.writeAssessment(w, r, http.StatusCreated, a, err)
}

func (s *Server) apiUpdateAssessment(w http.ResponseWriter, r *http.Request) {
	var req assessmentRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	a := req.assessment()
	a.ID = r.PathValue("id")
	if _, err := s.Risks.UpdateAssessment(r.Context(), a); err != nil {
		s.writeError(w, r, err)
		return
	}
	a, err := s.Risks.Assessment(r.Context(), a.ID)
	s.writeAssessment(w, r, http.StatusOK, a, err)
}

func (s *Server) apiFinaliseAssessment(w http.ResponseWriter, r *http.Request) {
	if _, err := s.Risks.FinaliseAssessment(r.Context(), r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	a, err := s.Risks.Assessment(r.Context(), r.PathValue("id"))
	s.writeAssessment(w, r, http.StatusOK, a, err)
}

func (s *Server) apiAddMitigation(w http.ResponseWriter, r *http.Request) {
	var req mitigationJSON
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	m, err := s.Risks.AddMitigation(r.Context(), vigil.Mitigation{AssessmentID: r.PathValue("id"), Kind: req.Kind,
		Description: req.Description, PublicText: req.PublicText, Severity: req.Rationale.Severity,
		Capacity: req.Rationale.Capacity, Users: req.Rationale.Users, Status: req.Status})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toMitigationJSON(m))
}

// mitigationStatusRequest changes a measure's status.
type mitigationStatusRequest struct {
	Status vigil.MitigationStatus `json:"status"`
}

func (s *Server) apiSetMitigationStatus(w http.ResponseWriter, r *http.Request) {
	var req mitigationStatusRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	m, err := s.Risks.SetMitigationStatus(r.Context(), r.PathValue("id"), req.Status)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toMitigationJSON(m))
}

func (s *Server) apiAddRisk(w http.ResponseWriter, r *http.Request) {
	var req riskJSON
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	k, err := s.Risks.AddRisk(r.Context(), vigil.Risk{AssessmentID: r.PathValue("id"), Title: req.Title,
		Description: req.Description, Severity: req.Severity, Mitigations: req.Mitigations})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toRiskJSON(k))
}

func (s *Server) apiSchedules(w http.ResponseWriter, r *http.Request) {
	list, err := s.Risks.Schedules(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	now := s.Clock.Now()
	out := schedulesResponse{Items: []scheduleJSON{}}
	for _, sc := range list {
		out.Items = append(out.Items, toScheduleJSON(sc, now))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiSetSchedule(w http.ResponseWriter, r *http.Request) {
	var req scheduleRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	caDue, err := optionalTime("ca_due_at", req.CADue)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	orderEnd, err := optionalTime("detection_order_end_at", req.OrderEnd)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sc, err := s.Risks.SetSchedule(r.Context(), r.PathValue("service"), caDue, req.CAReference, orderEnd)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toScheduleJSON(sc, s.Clock.Now()))
}

// optionalTime reads an RFC 3339 time or a date (YYYY-MM-DD, midnight UTC) of field; "" is
// the zero time.
func optionalTime(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	return time.Time{}, vigil.FieldErrorf(vigil.EINVALID, field, "must be an RFC 3339 time or a date such as 2027-06-30")
}
