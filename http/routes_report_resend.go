package http

import (
	"net/http"
	"strings"

	"github.com/vigilproject/vigil"
)

// resendRequest asks to send a failed or retracted report again.
type resendRequest struct {
	Reason string `json:"reason"`
	// Redraft returns a failed report to draft, its approvals withdrawn, so that its record can
	// be corrected before it is approved again; a retracted report always returns to draft.
	Redraft bool `json:"redraft"`
}

// reportResendRoutes declares the resend endpoint and its form.
func (s *Server) reportResendRoutes(ex reportJSON) {
	queued := ex
	queued.Status, queued.SentAt = vigil.ReportQueued, ""
	queued.Deliveries = []reportDeliveryJSON{
		{Destination: vigil.DestNCMEC, Status: vigil.DestFinished, Reference: "1000001",
			StartedAt: "2026-11-27T12:30:02.000Z", DoneAt: "2026-11-27T12:30:05.000Z", Files: 1},
		{Destination: vigil.DestEUCentre, Status: vigil.DestPending}}
	s.handle(Route{Method: "POST", Pattern: "/v1/reports/{id}/resend", Access: API, Scope: vigil.ScopeReports, Tag: "reports",
		Summary: "Send a failed or retracted report again (audited as report.resend). A failed report is queued again " +
			"with its approvals, since they approved the same record; with redraft, and always for a retracted report " +
			"(a person decided not to send it), it returns to draft and needs its approvals again (PP-04). Deliveries " +
			"made are kept: a finished CyberTipline report is never submitted twice, a retracted one is replaced by a " +
			"new submission; a CyberTipline report opened and not retracted makes the resend a conflict",
		Request:  resendRequest{Reason: "The EU Centre endpoint was down for maintenance"},
		Response: queued, Handler: s.apiResendReport})
	s.handle(Route{Method: "POST", Pattern: "/reports/{id}/resend", Access: Page, Scope: vigil.ScopeReports, Tag: "ui",
		Summary: "Send a failed or retracted report again", Handler: s.needReportsPage(s.uiResendReport)})
}

func (s *Server) apiResendReport(w http.ResponseWriter, r *http.Request) {
	svc, err := s.reportService()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req resendRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	rep, err := svc.ResendReport(r.Context(), r.PathValue("id"), req.Reason, req.Redraft)
	s.writeReport(w, r, rep, err)
}

func (s *Server) uiResendReport(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	_, err := s.Reports.ResendReport(r.Context(), id, strings.TrimSpace(r.PostFormValue("reason")), r.PostFormValue("redraft") == "on")
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/reports/"+id+"?done=report_resent")
}
