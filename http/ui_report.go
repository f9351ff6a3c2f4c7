package http

import (
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/vigilproject/vigil"
)

// reportPageRoutes declares the reports pages: the list, one report with its record editor,
// approvals and delivery state, and the settings.
func (s *Server) reportPageRoutes() {
	page := func(method, pattern string, scope vigil.Scope, summary string, h http.HandlerFunc) {
		s.handle(Route{Method: method, Pattern: pattern, Access: Page, Scope: scope, Summary: summary,
			Tag: "ui", Handler: s.needReportsPage(h)})
	}
	page("GET", "/reports", vigil.ScopeReports, "Reports to the EU Centre and NCMEC, newest first", s.uiReports)
	page("GET", "/reports/{id}", vigil.ScopeReports, "Report: record, approvals, delivery state, EU Centre feedback", s.uiReport)
	page("POST", "/reports/{id}/record", vigil.ScopeReports, "Save a draft's record", s.uiEditReport)
	page("POST", "/reports/{id}/approve", vigil.ScopeReports, "Approve a report", s.uiApproveReport)
	page("POST", "/reports/{id}/retract", vigil.ScopeReports, "Withdraw a report", s.uiRetractReport)
	page("POST", "/reports/{id}/supplements", vigil.ScopeReports, "Supplement a report the EU Centre took", s.uiAddSupplement)
	page("GET", "/reports/settings", vigil.ScopeAdmin, "Reporting settings: provider identity and destinations", s.uiReportSettings)
	page("POST", "/reports/settings", vigil.ScopeAdmin, "Save the reporting settings", s.uiSaveReportSettings)
}

// needReportsPage answers with an error page when the server was built without reports.
func (s *Server) needReportsPage(h http.HandlerFunc) http.HandlerFunc {
	return whenServed(func() bool { return s.Reports != nil }, "reports are not served here", s.renderError, h)
}

// reportsPage is the data of the reports list.
type reportsPage struct {
	Rows     []vigil.Report
	Status   string
	Statuses []vigil.ReportStatus
	Next     template.URL
}

func (s *Server) uiReports(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := reportsPage{Status: q.Get("status"), Statuses: vigil.ReportStatuses}
	f := vigil.ReportFilter{Cursor: q.Get("cursor")}
	if p.Status != "" {
		f.Status = []vigil.ReportStatus{vigil.ReportStatus(p.Status)}
	}
	reps, next, err := s.Reports.Reports(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p.Rows = reps
	p.Next = nextPageURL("/reports", url.Values{"status": {p.Status}}, next)
	s.render(w, r, http.StatusOK, "reports", page{Title: "Reports", Nav: "reports", Notice: doneMessage(r), Data: p})
}

// reportPage is the data of one report's page.
type reportPage struct {
	Report      vigil.Report
	Needed      int
	Editable    bool
	Retractable bool
	Resendable  bool // failed or retracted: it can be sent again
	RecordJSON  string
	Feedback    []vigil.ReportFeedback
	Types       []vigil.ReportType
	Awareness   []vigil.Awareness
	Annotations []annotationChoice // the CyberTipline report annotations, as checkboxes
	Error       string             // a refused edit's reason, shown above the editor
	Supplements reportSupplementsView
}

// annotationChoice is one CyberTipline report annotation of the editor and whether the record
// has it.
type annotationChoice struct {
	Name    string
	Checked bool
}

// annotationChoices lists every report annotation, checked when rec has it.
func annotationChoices(rec vigil.ReportRecord) []annotationChoice {
	var out []annotationChoice
	for _, a := range vigil.ReportAnnotations {
		out = append(out, annotationChoice{Name: a, Checked: slices.Contains(rec.Annotations, a)})
	}
	return out
}

// reportTypes and awarenessManners are the choices of the editor.
var (
	reportTypes      = []vigil.ReportType{vigil.ReportKnown, vigil.ReportNew, vigil.ReportSolicitation}
	awarenessManners = []vigil.Awareness{vigil.AwarenessOwnMotion, vigil.AwarenessUserFlag, vigil.AwarenessHotline,
		vigil.AwarenessAuthority, vigil.AwarenessDetection, vigil.AwarenessOther}
)

func (s *Server) uiReport(w http.ResponseWriter, r *http.Request) {
	s.renderReport(w, r, http.StatusOK, "", "")
}

// renderReport shows report r's page, with a refused edit's message and text when given.
func (s *Server) renderReport(w http.ResponseWriter, r *http.Request, status int, editErr, editText string) {
	rep, err := s.Reports.Report(r.Context(), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	fb, err := s.Reports.FeedbackOf(r.Context(), rep.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	sup, err := s.loadSupplementsView(r.Context(), rep, fb)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	text := editText
	if text == "" {
		raw, _ := json.MarshalIndent(rep.Record, "", "  ")
		text = string(raw)
	}
	p := reportPage{Report: rep, Needed: vigil.ApprovalsNeeded(rep.Record.Type), RecordJSON: text, Feedback: fb,
		Editable:    rep.Status == vigil.ReportDraft || rep.Status == vigil.ReportAwaitingSecond,
		Retractable: !slices.Contains([]vigil.ReportStatus{vigil.ReportSent, vigil.ReportFailed, vigil.ReportRetracted}, rep.Status),
		Resendable:  (rep.Status == vigil.ReportFailed || rep.Status == vigil.ReportRetracted) && rep.Erased.IsZero(),
		Types:       reportTypes, Awareness: awarenessManners, Annotations: annotationChoices(rep.Record), Error: editErr,
		Supplements: sup}
	s.render(w, r, status, "report", page{Title: "Report " + rep.ID, Nav: "reports", Notice: doneMessage(r), Data: p})
}

// uiEditReport saves the record: from the full JSON when the form sends it, else the key
// fields over the stored record. A refused edit shows the page again with the reason and the
// text as typed.
func (s *Server) uiEditReport(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var rec vigil.ReportRecord
	if text := r.PostFormValue("record"); text != "" {
		if err := json.Unmarshal([]byte(text), &rec); err != nil {
			s.renderReport(w, r, http.StatusBadRequest, "The record is not valid JSON: "+err.Error(), text)
			return
		}
	} else {
		rep, err := s.Reports.Report(r.Context(), id)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		rec = rep.Record
		rec.Type = vigil.ReportType(r.PostFormValue("type"))
		rec.Awareness = vigil.Awareness(r.PostFormValue("awareness"))
		rec.Urgent = r.PostFormValue("urgent") == "on"
		rec.UrgentWhy = strings.TrimSpace(r.PostFormValue("urgent_reason"))
		rec.Account = strings.TrimSpace(r.PostFormValue("account_decision"))
		rec.Other = strings.TrimSpace(r.PostFormValue("other_information"))
		rec.Annotations = r.PostForm["annotations"]
	}
	if _, err := s.Reports.EditReport(r.Context(), id, rec); err != nil {
		if vigil.ErrorCode(err) == vigil.EINVALID {
			s.renderReport(w, r, http.StatusBadRequest, err.Error(), r.PostFormValue("record"))
			return
		}
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/reports/"+id+"?done=report_edited")
}

func (s *Server) uiApproveReport(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.Reports.ApproveReport(r.Context(), id); err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/reports/"+id+"?done=report_approved")
}

func (s *Server) uiRetractReport(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.Reports.RetractReport(r.Context(), id, strings.TrimSpace(r.PostFormValue("reason"))); err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/reports/"+id+"?done=report_retracted")
}

func (s *Server) uiReportSettings(w http.ResponseWriter, r *http.Request) {
	st, err := s.Reports.ReportSettings(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "report_settings", page{Title: "Report settings", Nav: "reports", Notice: doneMessage(r), Data: st})
}

func (s *Server) uiSaveReportSettings(w http.ResponseWriter, r *http.Request) {
	v := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	st := vigil.ReportSettings{
		Provider: vigil.ReportProvider{Name: v("provider_name"), LegalRep: v("legal_representative"),
			ContactPoint: v("contact_point"), ReporterEmail: v("reporter_email")},
		LegalBasis: v("legal_basis"), EUCentre: v("eu_centre") == "on", NCMEC: v("ncmec") == "on",
		EUCentreURL: v("eu_centre_url"), NCMECEnvironment: v("ncmec_environment"), NCMECURL: v("ncmec_url"),
		NCMECUser: v("ncmec_user"), NCMECPassword: r.PostFormValue("ncmec_password"),
	}
	if _, err := s.Reports.SaveReportSettings(r.Context(), st); err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/reports/settings?done=report_settings")
}
