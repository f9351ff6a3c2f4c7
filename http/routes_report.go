package http

import (
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/eucentre"
)

// reportJSON is a report as the API shows it. The record, which holds the reported user's
// personal data, is in the answer of a single report's read (audited), never in listings.
type reportJSON struct {
	ID              string               `json:"id"`
	CaseID          string               `json:"case_id"`
	DecisionID      string               `json:"decision_id"`
	Type            vigil.ReportType     `json:"type"`
	Status          vigil.ReportStatus   `json:"status"`
	ApprovalsNeeded int                  `json:"approvals_needed"`
	Approvals       []approvalJSON       `json:"approvals"`
	Deliveries      []reportDeliveryJSON `json:"deliveries"`
	Record          *vigil.ReportRecord  `json:"record,omitempty"`
	// RecordErasedAt is when the record was erased with the case's evidence at its retention
	// deadline (PR-04): the report then has no record, and keeps its type, status, times,
	// approvals and deliveries.
	RecordErasedAt   string `json:"record_erased_at,omitempty"`
	AwarenessAt      string `json:"awareness_at"`
	ApprovedAt       string `json:"approved_at,omitempty"`
	SentAt           string `json:"sent_at,omitempty"`
	RetractRequested bool   `json:"retract_requested"`
	Attempts         int    `json:"attempts"`
	NextTryAt        string `json:"next_try_at,omitempty"`
	LastError        string `json:"last_error,omitempty"`
	CreatedAt        string `json:"created_at"`
	UpdatedAt        string `json:"updated_at"`
}

type approvalJSON struct {
	Approver   string `json:"approver"`
	Name       string `json:"name"`
	ApprovedAt string `json:"approved_at"`
}

// reportDeliveryJSON is a report's state at one destination.
type reportDeliveryJSON struct {
	Destination vigil.Destination       `json:"destination"`
	Status      vigil.DestinationStatus `json:"status"`
	Reference   string                  `json:"reference,omitempty"`
	StartedAt   string                  `json:"started_at,omitempty"`
	DoneAt      string                  `json:"done_at,omitempty"`
	Files       int                     `json:"files,omitempty"`
	LastError   string                  `json:"last_error,omitempty"`
}

type reportsResponse struct {
	Items      []reportJSON `json:"items"`
	NextCursor string       `json:"next_cursor"`
}

type retractRequest struct {
	Reason string `json:"reason"`
}

// feedbackRequest is the EU Centre's message about a report (RP-15, RP-17, RP-18).
type feedbackRequest struct {
	Kind      vigil.FeedbackKind `json:"kind"`
	Until     string             `json:"until,omitempty"`
	Reference string             `json:"reference,omitempty"`
	Text      string             `json:"text,omitempty"`
}

type feedbackJSON struct {
	ID         string             `json:"id"`
	ReportID   string             `json:"report_id"`
	Kind       vigil.FeedbackKind `json:"kind"`
	Until      string             `json:"until,omitempty"`
	Reference  string             `json:"reference,omitempty"`
	Text       string             `json:"text,omitempty"`
	ReceivedAt string             `json:"received_at"`
}

type feedbackResponse struct {
	Items []feedbackJSON `json:"items"`
}

// reportSettingsJSON is the settings as read and written; the NCMEC password is write-only.
type reportSettingsJSON struct {
	Provider         vigil.ReportProvider `json:"provider"`
	LegalBasis       string               `json:"legal_basis"`
	EUCentre         bool                 `json:"eu_centre"`
	NCMEC            bool                 `json:"ncmec"`
	EUCentreURL      string               `json:"eu_centre_url"`
	NCMECEnvironment string               `json:"ncmec_environment"`
	NCMECURL         string               `json:"ncmec_url,omitempty"`
	NCMECUser        string               `json:"ncmec_user"`
	NCMECPassword    string               `json:"ncmec_password,omitempty"`
	HasPassword      bool                 `json:"has_ncmec_password"`
	UpdatedAt        string               `json:"updated_at,omitempty"`
}

// signingKeyJSON is the provider's public key that verifies its EU Centre reports (RP-03).
type signingKeyJSON struct {
	Algorithm string `json:"algorithm"`
	KeyID     string `json:"key_id"`
	PublicKey string `json:"public_key"` // standard base64 of the 32-byte Ed25519 key
}

func toReportJSON(rep vigil.Report, withRecord bool) reportJSON {
	out := reportJSON{ID: rep.ID, CaseID: rep.CaseID, DecisionID: rep.DecisionID, Type: rep.Record.Type,
		Status: rep.Status, ApprovalsNeeded: vigil.ApprovalsNeeded(rep.Record.Type),
		Approvals: []approvalJSON{}, Deliveries: []reportDeliveryJSON{},
		AwarenessAt: apiTime(rep.Awareness), ApprovedAt: apiTime(rep.Approved), SentAt: apiTime(rep.Sent),
		RetractRequested: rep.RetractRequested, Attempts: rep.Attempts, NextTryAt: apiTime(rep.NextTry),
		LastError: rep.LastError, CreatedAt: apiTime(rep.Created), UpdatedAt: apiTime(rep.Updated),
		RecordErasedAt: apiTime(rep.Erased)}
	for _, a := range rep.Approvals {
		out.Approvals = append(out.Approvals, approvalJSON{Approver: a.Approver, Name: a.Name, ApprovedAt: apiTime(a.Time)})
	}
	for _, d := range rep.Deliveries {
		out.Deliveries = append(out.Deliveries, reportDeliveryJSON{Destination: d.Destination, Status: d.Status,
			Reference: d.Reference, StartedAt: apiTime(d.Started), DoneAt: apiTime(d.Done), Files: d.Files,
			LastError: d.LastError})
	}
	if withRecord && rep.Erased.IsZero() {
		rec := rep.Record
		out.Record = &rec
	}
	return out
}

func toFeedbackJSON(f vigil.ReportFeedback) feedbackJSON {
	return feedbackJSON{ID: f.ID, ReportID: f.ReportID, Kind: f.Kind, Until: apiTime(f.Until),
		Reference: f.Reference, Text: f.Text, ReceivedAt: apiTime(f.Received)}
}

func toSettingsJSON(s vigil.ReportSettings) reportSettingsJSON {
	return reportSettingsJSON{Provider: s.Provider, LegalBasis: s.LegalBasis, EUCentre: s.EUCentre, NCMEC: s.NCMEC,
		EUCentreURL: s.EUCentreURL, NCMECEnvironment: s.NCMECEnvironment, NCMECURL: s.NCMECURL,
		NCMECUser: s.NCMECUser, HasPassword: s.HasPassword, UpdatedAt: apiTime(s.Updated)}
}

// reportService returns the report workflow, or an unavailable error on a server without one.
func (s *Server) reportService() (vigil.ReportWorkflow, error) {
	if s.Reports == nil {
		return nil, vigil.Errorf(vigil.EUNAVAILABLE, "reports are not available on this server")
	}
	return s.Reports, nil
}

// reportRoutes declares the reports API.
func (s *Server) reportRoutes() {
	ex := exampleReport()
	listed := ex
	listed.Record = nil
	s.handle(Route{Method: "GET", Pattern: "/v1/reports", Access: API, Scope: vigil.ScopeReports, Audit: true, Tag: "reports",
		Summary:  "List reports, newest first, with their approvals and delivery state (records are read one at a time)",
		Response: reportsResponse{Items: []reportJSON{listed}, NextCursor: ex.ID},
		Query: []Param{
			{Name: "status", Description: "comma-separated statuses: draft, awaiting_second_approval, queued, sending, sent, failed, retracted"},
			{Name: "cursor", Description: "next_cursor of the previous page"},
			{Name: "limit", Description: "page size, 50 by default, at most 500"},
		},
		Handler: s.apiReports})
	s.handle(Route{Method: "GET", Pattern: "/v1/reports/{id}", Access: API, Scope: vigil.ScopeReports, Audit: true, Tag: "reports",
		Summary: "Get a report with its record (personal data: every read is audited). A draft is prefilled from the " +
			"confirmed case, the review log and these keys of the content's metadata as submitted: uploader_ip, " +
			"uploader_port, uploader_time_zone, uploader_postal_code, uploader_country (geo, RP-07), uploader_email, " +
			"uploader_phone, username, display_name (the user, RP-08), file_name, media_type, publicly_available; " +
			"other keys are copied as the item's non-content metadata (RP-05)",
		Response: ex, Handler: s.apiReport})
	s.handle(Route{Method: "PUT", Pattern: "/v1/reports/{id}/record", Access: API, Scope: vigil.ScopeReports, Tag: "reports",
		Summary: "Replace the record of a draft report; approvals given so far are withdrawn. Changing the type to " +
			"new_csam or solicitation makes two approvals by different people necessary (PP-04)",
		Request: *ex.Record, Response: ex, Handler: s.apiEditReport})
	s.handle(Route{Method: "POST", Pattern: "/v1/reports/{id}/approve", Access: API, Scope: vigil.ScopeReports, Tag: "reports",
		Summary:  "Approve a report as the caller; once approved by enough different people it is queued for sending",
		Response: ex, Handler: s.apiApproveReport})
	s.handle(Route{Method: "POST", Pattern: "/v1/reports/{id}/retract", Access: API, Scope: vigil.ScopeReports, Tag: "reports",
		Summary: "Withdraw a report not yet delivered; an open CyberTipline report is retracted there",
		Request: retractRequest{Reason: "Filed for the wrong case"}, Response: ex, Handler: s.apiRetractReport})
	s.reportResendRoutes(ex)
	s.reportFeedbackRoutes(ex)
	s.reportSettingsRoutes()
	s.reportPageRoutes()
}

// reportFeedbackRoutes declares the EU Centre's feedback endpoints.
func (s *Server) reportFeedbackRoutes(ex reportJSON) {
	fb := feedbackJSON{ID: "rfb_01JDQ3Z6V8X8N5W2K4T7R9M3Q1", ReportID: ex.ID, Kind: vigil.FeedbackDoNotInform,
		Until: "2027-05-01T00:00:00.000Z", Reference: "EUC-2026-000123", ReceivedAt: "2026-11-28T09:00:00.000Z"}
	s.handle(Route{Method: "POST", Pattern: "/v1/reports/{id}/feedback", Access: API, Scope: vigil.ScopeReports, Tag: "reports",
		Summary: "Record the EU Centre's message about a sent report and act on it: manifestly_unfounded releases the " +
			"user notice now (RP-15); do_not_inform and do_not_remove place holds of at most 18 months (RP-15, RP-18); " +
			"request_info is kept for legal to answer (RP-17). Send an Idempotency-Key header to make retries safe: the " +
			"same key with the same message answers 200 with the first answer and acts only once; with another message, 409",
		Request:  feedbackRequest{Kind: fb.Kind, Until: fb.Until, Reference: fb.Reference},
		Response: fb, Handler: s.apiReportFeedback})
	s.handle(Route{Method: "GET", Pattern: "/v1/reports/{id}/feedback", Access: API, Scope: vigil.ScopeReports, Audit: true, Tag: "reports",
		Summary: "The EU Centre's messages about a report, oldest first", Response: feedbackResponse{Items: []feedbackJSON{fb}},
		Handler: s.apiReportFeedbackList})
}

// reportSettingsRoutes declares the settings and the signing key.
func (s *Server) reportSettingsRoutes() {
	settings := reportSettingsJSON{Provider: exampleReport().Record.Provider, LegalBasis: "Article 12 of the Regulation",
		EUCentre: true, NCMEC: true, EUCentreURL: "https://eucentre.example/v1/reports", NCMECEnvironment: "test",
		NCMECUser: "esp-example", HasPassword: true, UpdatedAt: "2026-11-27T10:00:00.000Z"}
	write := settings
	write.NCMECPassword, write.HasPassword, write.UpdatedAt = "the password NCMEC issued", false, ""
	s.handle(Route{Method: "GET", Pattern: "/v1/reports/settings", Access: API, Scope: vigil.ScopeReports, Tag: "reports",
		Summary: "The reporting settings: provider identity, destinations, EU Centre URL, NCMEC environment " +
			"(\"production\" exactly for live reports, anything else is NCMEC's test service: NC-01); never the NCMEC password",
		Response: settings, Handler: s.apiReportSettings})
	s.handle(Route{Method: "PUT", Pattern: "/v1/reports/settings", Access: API, Scope: vigil.ScopeAdmin, Tag: "reports",
		Summary: "Replace the reporting settings; an empty ncmec_password keeps the stored one (stored wrapped, never shown) " +
			"unless ncmec_url changes: the password is then given again",
		Request: write, Response: settings, Handler: s.apiSaveReportSettings})
	s.handle(Route{Method: "GET", Pattern: "/v1/reports/signing-key", Access: Public, Tag: "reports",
		Summary:  "The provider's Ed25519 public key that verifies its signed EU Centre reports (RP-03)",
		Response: signingKeyJSON{Algorithm: "Ed25519", KeyID: "3f9a1c0e5b7d2a48", PublicKey: "MCowBQYDK2VwAyEA..."},
		Handler:  s.apiSigningKey})
}

// exampleReport is the OpenAPI example of a report.
func exampleReport() reportJSON {
	rec := vigil.ReportRecord{
		Provider: vigil.ReportProvider{Name: "Example Photos BV", ContactPoint: "spoc@photos.example",
			ReporterEmail: "legal@photos.example"},
		Type: vigil.ReportKnown,
		Content: []vigil.ReportContent{{ContentID: "cnt_01JDQ3Z6V8X8N5W2K4T7R9M3P3", FileName: "IMG_0042.jpg",
			MediaType: "image/jpeg", Uploaded: time.Date(2026, 11, 27, 11, 58, 0, 0, time.UTC),
			MD5: "0123456789abcdef0123456789abcdef", Category: "A1", Viewed: true, MatchedList: []string{"ncmec"}}},
		Incident:   time.Date(2026, 11, 27, 11, 58, 0, 0, time.UTC),
		Geo:        vigil.ReportGeo{IP: "203.0.113.7", Port: 51234, At: time.Date(2026, 11, 27, 11, 58, 0, 0, time.UTC)},
		Users:      []vigil.ReportUser{{UniqueID: "user-8812", Username: "example_user"}},
		Service:    vigil.ReportService{Name: "photos", Type: "hosting", URL: "https://photos.example/p/8812"},
		Awareness:  vigil.AwarenessOwnMotion,
		LegalBasis: "Article 12 of the Regulation",
	}
	return reportJSON{ID: "rep_01JDQ3Z6V8X8N5W2K4T7R9M3P9", CaseID: "cas_01JDQ3Z6V8X8N5W2K4T7R9M3P4",
		DecisionID: "dec_01JDQ3Z6V8X8N5W2K4T7R9M3P6", Type: vigil.ReportKnown, Status: vigil.ReportSent,
		ApprovalsNeeded: 1, Approvals: []approvalJSON{{Approver: "usr_01JDQ3Z6V8X8N5W2K4T7R9M3P2", Name: "legal-anna",
			ApprovedAt: "2026-11-27T12:30:00.000Z"}},
		Deliveries: []reportDeliveryJSON{
			{Destination: vigil.DestNCMEC, Status: vigil.DestFinished, Reference: "1000001",
				StartedAt: "2026-11-27T12:30:02.000Z", DoneAt: "2026-11-27T12:30:05.000Z", Files: 1},
			{Destination: vigil.DestEUCentre, Status: vigil.DestSent, Reference: "EUC-2026-000123",
				DoneAt: "2026-11-27T12:30:06.000Z"}},
		Record: &rec, AwarenessAt: "2026-11-27T12:03:00.000Z", ApprovedAt: "2026-11-27T12:30:00.000Z",
		SentAt: "2026-11-27T12:30:06.000Z", CreatedAt: "2026-11-27T12:03:00.000Z", UpdatedAt: "2026-11-27T12:30:06.000Z"}
}

func (s *Server) apiReports(w http.ResponseWriter, r *http.Request) {
	svc, err := s.reportService()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f, err := reportFilterFrom(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	reps, next, err := svc.Reports(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := reportsResponse{Items: make([]reportJSON, len(reps)), NextCursor: next}
	for i, rep := range reps {
		out.Items[i] = toReportJSON(rep, false)
	}
	writeJSON(w, http.StatusOK, out)
}

// reportFilterFrom reads a report listing's query parameters.
func reportFilterFrom(r *http.Request) (vigil.ReportFilter, error) {
	cursor, limit, err := pageQuery(r)
	if err != nil {
		return vigil.ReportFilter{}, err
	}
	f := vigil.ReportFilter{Cursor: cursor, Limit: limit}
	if v := r.URL.Query().Get("status"); v != "" {
		for st := range strings.SplitSeq(v, ",") {
			f.Status = append(f.Status, vigil.ReportStatus(st))
		}
	}
	return f, nil
}

// writeReport answers with rep and its record, or with err.
func (s *Server) writeReport(w http.ResponseWriter, r *http.Request, rep vigil.Report, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toReportJSON(rep, true))
}

func (s *Server) apiReport(w http.ResponseWriter, r *http.Request) {
	svc, err := s.reportService()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rep, err := svc.Report(r.Context(), r.PathValue("id"))
	s.writeReport(w, r, rep, err)
}

func (s *Server) apiEditReport(w http.ResponseWriter, r *http.Request) {
	svc, err := s.reportService()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var rec vigil.ReportRecord
	if err := decodeJSON(r, &rec); err != nil {
		s.writeError(w, r, err)
		return
	}
	rep, err := svc.EditReport(r.Context(), r.PathValue("id"), rec)
	s.writeReport(w, r, rep, err)
}

func (s *Server) apiApproveReport(w http.ResponseWriter, r *http.Request) {
	svc, err := s.reportService()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rep, err := svc.ApproveReport(r.Context(), r.PathValue("id"))
	s.writeReport(w, r, rep, err)
}

func (s *Server) apiRetractReport(w http.ResponseWriter, r *http.Request) {
	svc, err := s.reportService()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req retractRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	rep, err := svc.RetractReport(r.Context(), r.PathValue("id"), req.Reason)
	s.writeReport(w, r, rep, err)
}

func (s *Server) apiReportFeedback(w http.ResponseWriter, r *http.Request) {
	svc, err := s.reportService()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req feedbackRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	f := vigil.ReportFeedback{ReportID: r.PathValue("id"), Kind: req.Kind, Reference: req.Reference, Text: req.Text,
		IdempotencyKey: r.Header.Get(IdempotencyKeyHeader)}
	if req.Until != "" {
		if f.Until, err = time.Parse(time.RFC3339, req.Until); err != nil {
			s.writeError(w, r, vigil.FieldErrorf(vigil.EINVALID, "until", "must be an RFC 3339 time"))
			return
		}
	}
	f, err = svc.Feedback(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeCreated(w, !f.Repeat, toFeedbackJSON(f))
}

func (s *Server) apiReportFeedbackList(w http.ResponseWriter, r *http.Request) {
	svc, err := s.reportService()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := svc.FeedbackOf(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := feedbackResponse{Items: make([]feedbackJSON, len(list))}
	for i, f := range list {
		out.Items[i] = toFeedbackJSON(f)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiReportSettings(w http.ResponseWriter, r *http.Request) {
	svc, err := s.reportService()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	st, err := svc.ReportSettings(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toSettingsJSON(st))
}

func (s *Server) apiSaveReportSettings(w http.ResponseWriter, r *http.Request) {
	svc, err := s.reportService()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req reportSettingsJSON
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	st, err := svc.SaveReportSettings(r.Context(), vigil.ReportSettings{Provider: req.Provider, LegalBasis: req.LegalBasis,
		EUCentre: req.EUCentre, NCMEC: req.NCMEC, EUCentreURL: req.EUCentreURL, NCMECEnvironment: req.NCMECEnvironment,
		NCMECURL: req.NCMECURL, NCMECUser: req.NCMECUser, NCMECPassword: req.NCMECPassword})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toSettingsJSON(st))
}

func (s *Server) apiSigningKey(w http.ResponseWriter, r *http.Request) {
	svc, err := s.reportService()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	pub, err := svc.SigningKey(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, signingKeyJSON{Algorithm: "Ed25519", KeyID: eucentre.KeyID(pub),
		PublicKey: base64.StdEncoding.EncodeToString(pub)})
}
