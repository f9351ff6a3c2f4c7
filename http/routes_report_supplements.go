package http

import (
	"net/http"

	"github.com/vigilproject/vigil"
)

// supplementRequest is a supplement to a sent report as a person writes it (RP-17: an answer to
// the EU Centre's request for information; RP-09: third-country references learnt later).
type supplementRequest struct {
	InReplyTo    string                     `json:"in_reply_to,omitempty"`
	Text         string                     `json:"text,omitempty"`
	ThirdCountry []vigil.ThirdCountryReport `json:"third_country_reports,omitempty"`
}

type supplementJSON struct {
	ID           string                     `json:"id"`
	ReportID     string                     `json:"report_id"`
	EUReference  string                     `json:"eu_reference"`
	InReplyTo    string                     `json:"in_reply_to,omitempty"`
	Text         string                     `json:"text,omitempty"`
	ThirdCountry []vigil.ThirdCountryReport `json:"third_country_reports"`
	Status       vigil.SupplementStatus     `json:"status"`
	Reference    string                     `json:"reference,omitempty"`
	CreatedAt    string                     `json:"created_at"`
	CreatedBy    string                     `json:"created_by"`
	SentAt       string                     `json:"sent_at,omitempty"`
	Attempts     int                        `json:"attempts"`
	LastError    string                     `json:"last_error,omitempty"`
}

type supplementsResponse struct {
	Items []supplementJSON `json:"items"`
}

func toSupplementJSON(s vigil.ReportSupplement) supplementJSON {
	third := s.ThirdCountry
	if third == nil {
		third = []vigil.ThirdCountryReport{}
	}
	return supplementJSON{ID: s.ID, ReportID: s.ReportID, EUReference: s.EUReference, InReplyTo: s.InReplyTo,
		Text: s.Text, ThirdCountry: third, Status: s.Status, Reference: s.Reference, CreatedAt: apiTime(s.Created),
		CreatedBy: s.CreatedBy, SentAt: apiTime(s.Sent), Attempts: s.Attempts, LastError: s.LastError}
}

// supplementService returns the supplement store, or an unavailable error on a server whose
// report workflow has none.
func (s *Server) supplementService() (vigil.ReportSupplements, error) {
	if svc, ok := s.Reports.(vigil.ReportSupplements); ok {
		return svc, nil
	}
	return nil, vigil.Errorf(vigil.EUNAVAILABLE, "report supplements are not available on this server")
}

// reportSupplementRoutes declares the supplements API.
func (s *Server) reportSupplementRoutes() {
	ex := supplementJSON{ID: "rsp_01JDQ3Z6V8X8N5W2K4T7R9M3Q2", ReportID: "rep_01JDQ3Z6V8X8N5W2K4T7R9M3Q0",
		EUReference: "EUC-2026-000123", InReplyTo: "rfb_01JDQ3Z6V8X8N5W2K4T7R9M3Q1",
		Text: "The account was opened on 2026-10-02 from the same address.", ThirdCountry: []vigil.ThirdCountryReport{},
		Status: vigil.SupplementQueued, CreatedAt: "2026-11-28T10:00:00.000Z", CreatedBy: "usr_01JDQ3Z6V8X8N5W2K4T7R9M3Q3"}
	s.handle(Route{Method: "POST", Pattern: "/v1/reports/{id}/supplements", Access: API, Scope: vigil.ScopeReports, Tag: "reports",
		Summary: "Supplement a report the EU Centre took, as a signed-in person: text (for example the answer to the " +
			"EU Centre's request_info message named in in_reply_to, RP-17), third-country report references (RP-09), or " +
			"both. It is queued and sent, signed, to <EU Centre URL>/<reference>/supplements with its id as idempotency " +
			"key. The text is stored encrypted and never audited; a supplement naming the CyberTipline report is queued " +
			"automatically when NCMEC finishes after the EU Centre took the report",
		Request:  supplementRequest{InReplyTo: ex.InReplyTo, Text: ex.Text},
		Response: ex, Handler: s.apiAddSupplement})
	s.handle(Route{Method: "GET", Pattern: "/v1/reports/{id}/supplements", Access: API, Scope: vigil.ScopeReports, Audit: true, Tag: "reports",
		Summary:  "A report's supplements with their delivery state, oldest first (the text may hold personal data: audited)",
		Response: supplementsResponse{Items: []supplementJSON{ex}}, Handler: s.apiSupplements})
}

func (s *Server) apiAddSupplement(w http.ResponseWriter, r *http.Request) {
	svc, err := s.supplementService()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req supplementRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	sup, err := svc.AddSupplement(r.Context(), vigil.ReportSupplement{ReportID: r.PathValue("id"),
		InReplyTo: req.InReplyTo, Text: req.Text, ThirdCountry: req.ThirdCountry})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toSupplementJSON(sup))
}

func (s *Server) apiSupplements(w http.ResponseWriter, r *http.Request) {
	svc, err := s.supplementService()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := svc.SupplementsOf(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := supplementsResponse{Items: make([]supplementJSON, len(list))}
	for i, sup := range list {
		out.Items[i] = toSupplementJSON(sup)
	}
	writeJSON(w, http.StatusOK, out)
}
