package http

import (
	"net/http"

	"github.com/vigilproject/vigil"
)

// complaintJSON is a complaint as the API shows it, every step with its time (SG-06).
type complaintJSON struct {
	ID        string                 `json:"id"`
	ContentID string                 `json:"content_id"`
	CaseID    string                 `json:"case_id,omitempty"`
	Service   string                 `json:"service"`
	Uploader  string                 `json:"uploader,omitempty"`
	Kind      vigil.ComplaintKind    `json:"kind"`
	Text      string                 `json:"text"`
	Language  string                 `json:"language,omitempty"`
	Status    vigil.ComplaintStatus  `json:"status"`
	Outcome   vigil.ComplaintOutcome `json:"outcome,omitempty"`
	Assignee  string                 `json:"assignee,omitempty"`
	Decider   string                 `json:"decider,omitempty"`
	Reason    string                 `json:"reason,omitempty"`
	ActionID  string                 `json:"action_id,omitempty"`
	NoticeID  string                 `json:"notice_id,omitempty"`
	Filed     string                 `json:"filed_at"`
	Assigned  string                 `json:"assigned_at,omitempty"`
	Decided   string                 `json:"decided_at,omitempty"`
	Notified  string                 `json:"notified_at,omitempty"`
}

type complaintsResponse struct {
	Items      []complaintJSON `json:"items"`
	NextCursor string          `json:"next_cursor"`
}

// complaintRequest files a complaint on a user's behalf: it names the content or the case.
type complaintRequest struct {
	ContentID string              `json:"content_id,omitempty"`
	CaseID    string              `json:"case_id,omitempty"`
	Uploader  string              `json:"uploader,omitempty"`
	Kind      vigil.ComplaintKind `json:"kind"`
	Text      string              `json:"text"`
	Language  string              `json:"language,omitempty"`
}

// complaintDecision decides a complaint.
type complaintDecision struct {
	Outcome vigil.ComplaintOutcome `json:"outcome"`
	Reason  string                 `json:"reason"`
}

func toComplaintJSON(c vigil.Complaint) complaintJSON {
	return complaintJSON{ID: c.ID, ContentID: c.ContentID, CaseID: c.CaseID, Service: c.Service, Uploader: c.Uploader,
		Kind: c.Kind, Text: c.Text, Language: c.Language, Status: c.Status, Outcome: c.Outcome, Assignee: c.Assignee,
		Decider: c.Decider, Reason: c.Reason, ActionID: c.ActionID, NoticeID: c.NoticeID, Filed: apiTime(c.Filed),
		Assigned: apiTime(c.Assigned), Decided: apiTime(c.Decided), Notified: apiTime(c.Notified)}
}

var exampleComplaint = complaintJSON{ID: "cmp_01JDQ3Z6V8X8N5W2K4T7R9M3PD", ContentID: exampleCase.ContentID,
	CaseID: exampleCase.ID, Service: "photos", Uploader: "user-8812", Kind: vigil.ComplaintRemoval,
	Text: "This is a photo of my own garden.", Language: "en", Status: vigil.ComplaintOpen, Filed: "2026-11-28T08:00:00.000Z"}

// complaintRoutes declares the complaint routes: the platform files complaints and reads
// their outcome; reviewers who did not decide the case decide them.
func (s *Server) complaintRoutes() {
	decided := exampleComplaint
	decided.Status, decided.Outcome, decided.Assignee, decided.Decider = vigil.ComplaintDecided, vigil.ComplaintUpheld, "usr_01JDQ3Z6V8X8N5W2K4T7R9M3P2", "usr_01JDQ3Z6V8X8N5W2K4T7R9M3P2"
	decided.Reason, decided.ActionID, decided.NoticeID = "the image is not the bank's", "act_01JDQ3Z6V8X8N5W2K4T7R9M3PE", "ntc_01JDQ3Z6V8X8N5W2K4T7R9M3PF"
	decided.Assigned, decided.Decided = "2026-11-28T09:00:00.000Z", "2026-11-28T09:10:00.000Z"
	assigned := exampleComplaint
	assigned.Status, assigned.Assignee, assigned.Assigned = vigil.ComplaintAssigned, decided.Assignee, decided.Assigned
	s.handleAfterMatch(Route{Method: "POST", Pattern: "/v1/complaints", Access: API, Scope: vigil.ScopeComplaints, Tag: "complaints",
		Summary: "File a user's complaint about a detection, removal or account decision (SG-06). Send an Idempotency-Key " +
			"header: a retry with the same key returns the first complaint (200) instead of filing another (201)",
		Request: complaintRequest{ContentID: exampleComplaint.ContentID, Uploader: exampleComplaint.Uploader,
			Kind: exampleComplaint.Kind, Text: exampleComplaint.Text, Language: "en"},
		Response: exampleComplaint, Handler: s.apiFileComplaint})
	s.handleAfterMatch(Route{Method: "GET", Pattern: "/v1/complaints/{id}", Access: API, Scope: vigil.ScopeComplaints, Tag: "complaints",
		Summary: "Get a complaint: its status, outcome and the time of every step", Response: decided, Handler: s.apiComplaint})
	s.handleAfterMatch(Route{Method: "GET", Pattern: "/v1/complaints", Access: API, Scope: vigil.ScopeCases, Tag: "complaints",
		Summary: "The complaints queue, oldest first", Response: complaintsResponse{Items: []complaintJSON{exampleComplaint}},
		Query:   []Param{{Name: "status", Description: "open, assigned or decided"}, cursorParam, limitParam},
		Handler: s.apiComplaints})
	s.handleAfterMatch(Route{Method: "POST", Pattern: "/v1/complaints/{id}/assign", Access: API, Scope: vigil.ScopeCases, Tag: "complaints",
		Summary: "Take an open complaint; refused to a reviewer who decided the case", Response: assigned, Handler: s.apiAssignComplaint})
	s.handleAfterMatch(Route{Method: "POST", Pattern: "/v1/complaints/{id}/decide", Access: API, Scope: vigil.ScopeCases, Tag: "complaints",
		Summary: "Decide a complaint: upheld restores the item (IR-05); either way the user is sent the outcome. " +
			"Refused to a reviewer who decided the case",
		Request: complaintDecision{Outcome: vigil.ComplaintUpheld, Reason: decided.Reason}, Response: decided,
		Handler: s.apiDecideComplaint})
}

func (s *Server) apiFileComplaint(w http.ResponseWriter, r *http.Request) {
	var req complaintRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	c, created, err := s.AfterMatch.Complaints.File(r.Context(), vigil.Complaint{ContentID: req.ContentID,
		CaseID: req.CaseID, Uploader: req.Uploader, Kind: req.Kind, Text: req.Text, Language: req.Language},
		r.Header.Get(IdempotencyKeyHeader))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeCreated(w, created, toComplaintJSON(c))
}

func (s *Server) apiComplaint(w http.ResponseWriter, r *http.Request) {
	c, err := s.AfterMatch.Complaints.Complaint(r.Context(), r.PathValue("id"))
	s.writeComplaint(w, r, c, err)
}

func (s *Server) apiComplaints(w http.ResponseWriter, r *http.Request) {
	cursor, limit, err := pageQuery(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	cs, next, err := s.AfterMatch.Complaints.Complaints(r.Context(), vigil.ComplaintFilter{
		Status: vigil.ComplaintStatus(r.URL.Query().Get("status")), Cursor: cursor, Limit: limit})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := complaintsResponse{Items: make([]complaintJSON, len(cs)), NextCursor: next}
	for i, c := range cs {
		out.Items[i] = toComplaintJSON(c)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiAssignComplaint(w http.ResponseWriter, r *http.Request) {
	c, err := s.AfterMatch.Complaints.Assign(r.Context(), r.PathValue("id"))
	s.writeComplaint(w, r, c, err)
}

func (s *Server) apiDecideComplaint(w http.ResponseWriter, r *http.Request) {
	var req complaintDecision
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.AfterMatch.Complaints.Decide(r.Context(), r.PathValue("id"), req.Outcome, req.Reason)
	s.writeComplaint(w, r, c, err)
}

func (s *Server) writeComplaint(w http.ResponseWriter, r *http.Request, c vigil.Complaint, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toComplaintJSON(c))
}
