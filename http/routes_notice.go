package http

import (
	"net/http"

	"github.com/vigilproject/vigil"
)

// noticeJSON is a user notice as the API shows it.
type noticeJSON struct {
	ID        string             `json:"id"`
	Kind      vigil.NoticeKind   `json:"kind"`
	ContentID string             `json:"content_id"`
	CaseID    string             `json:"case_id,omitempty"`
	Service   string             `json:"service,omitempty"`
	Uploader  string             `json:"uploader"`
	Language  string             `json:"language,omitempty"`
	Reference string             `json:"reference,omitempty"`
	Basis     string             `json:"basis_at"`
	Due       string             `json:"due_at"`
	Status    vigil.NoticeStatus `json:"status"`
	HoldID    string             `json:"hold_id,omitempty"`
	Text      string             `json:"text,omitempty"`
	Sent      string             `json:"sent_at,omitempty"`
	Created   string             `json:"created_at"`
}

type noticesResponse struct {
	Items      []noticeJSON `json:"items"`
	NextCursor string       `json:"next_cursor"`
}

// noticeSettingsJSON is what every notice says about the provider.
type noticeSettingsJSON struct {
	Provider     string `json:"provider"`
	ComplaintURL string `json:"complaint_url"`
	Authority    string `json:"authority"`
	AuthorityURL string `json:"authority_url"`
	Updated      string `json:"updated_at,omitempty"`
}

func toNoticeSettingsJSON(st vigil.NoticeSettings) noticeSettingsJSON {
	return noticeSettingsJSON{Provider: st.Provider, ComplaintURL: st.ComplaintURL, Authority: st.Authority,
		AuthorityURL: st.AuthorityURL, Updated: apiTime(st.Updated)}
}

func toNoticeJSON(n vigil.Notice) noticeJSON {
	return noticeJSON{ID: n.ID, Kind: n.Kind, ContentID: n.ContentID, CaseID: n.CaseID, Service: n.Service,
		Uploader: n.Uploader, Language: n.Language, Reference: n.Reference, Basis: apiTime(n.Basis),
		Due: apiTime(n.Due), Status: n.Status, HoldID: n.HoldID, Text: n.Text, Sent: apiTime(n.Sent),
		Created: apiTime(n.Created)}
}

var exampleNotice = noticeJSON{ID: "ntc_01JDQ3Z6V8X8N5W2K4T7R9M3PB", Kind: vigil.NoticeReport,
	ContentID: exampleCase.ContentID, CaseID: exampleCase.ID, Service: "photos", Uploader: "user-8812",
	Language: "de", Reference: "rep_01JDQ3Z6V8X8N5W2K4T7R9M3PC", Basis: "2026-11-27T13:00:00.000Z",
	Due: "2027-02-25T13:00:00.000Z", Status: vigil.NoticeScheduled, Created: "2026-11-27T13:00:00.000Z"}

// noticeRoutes declares the notice routes: read-only, as notices are scheduled by the events
// they tell of and sent by the notice worker.
func (s *Server) noticeRoutes() {
	s.handleAfterMatch(Route{Method: "GET", Pattern: "/v1/notices", Access: API, Scope: vigil.ScopeReports, Tag: "notices",
		Summary: "List user notices (removal, report, complaint, restored), newest first, with when each is due: " +
			"report notices three months after the report unless held (RP-15), removal notices at once unless an order's non-disclosure holds them (RO-08)",
		Response: noticesResponse{Items: []noticeJSON{exampleNotice}},
		Query: []Param{{Name: "status", Description: "scheduled, held, sent or cancelled"},
			{Name: "content_id", Description: "notices about this item"}, cursorParam, limitParam},
		Handler: s.apiNotices})
	s.handleAfterMatch(Route{Method: "GET", Pattern: "/v1/notices/{id}", Access: API, Scope: vigil.ScopeReports, Tag: "notices",
		Summary: "Get a user notice, with its text once sent", Response: exampleNotice, Handler: s.apiNotice})
	settings := noticeSettingsJSON{Provider: "Photos Ltd", ComplaintURL: "https://photos.example/complaints",
		Authority: "Coimisiún na Meán", AuthorityURL: "https://www.cnam.ie", Updated: "2026-11-27T12:00:00.000Z"}
	s.handleAfterMatch(Route{Method: "GET", Pattern: "/v1/notices/settings", Access: API, Scope: vigil.ScopeReports, Tag: "notices",
		Summary:  "What every notice says about the provider: its name, where users complain, the Coordinating Authority",
		Response: settings, Handler: s.apiNoticeSettings})
	s.handleAfterMatch(Route{Method: "PUT", Pattern: "/v1/notices/settings", Access: API, Scope: vigil.ScopeAdmin, Tag: "notices",
		Summary: "Set what every notice says about the provider (links must be http or https)",
		Request: noticeSettingsJSON{Provider: settings.Provider, ComplaintURL: settings.ComplaintURL,
			Authority: settings.Authority, AuthorityURL: settings.AuthorityURL},
		Response: settings, Handler: s.apiSaveNoticeSettings})
}

func (s *Server) apiNoticeSettings(w http.ResponseWriter, r *http.Request) {
	st, err := s.AfterMatch.Notices.NoticeSettings(r.Context())
	s.writeNoticeSettings(w, r, st, err)
}

func (s *Server) apiSaveNoticeSettings(w http.ResponseWriter, r *http.Request) {
	var req noticeSettingsJSON
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	st, err := s.AfterMatch.Notices.SaveNoticeSettings(r.Context(), vigil.NoticeSettings{Provider: req.Provider,
		ComplaintURL: req.ComplaintURL, Authority: req.Authority, AuthorityURL: req.AuthorityURL})
	s.writeNoticeSettings(w, r, st, err)
}

func (s *Server) writeNoticeSettings(w http.ResponseWriter, r *http.Request, st vigil.NoticeSettings, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toNoticeSettingsJSON(st))
}

func (s *Server) apiNotices(w http.ResponseWriter, r *http.Request) {
	cursor, limit, err := pageQuery(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	ns, next, err := s.AfterMatch.Notices.Notices(r.Context(), vigil.NoticeFilter{Status: vigil.NoticeStatus(q.Get("status")),
		ContentID: q.Get("content_id"), Cursor: cursor, Limit: limit})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := noticesResponse{Items: make([]noticeJSON, len(ns)), NextCursor: next}
	for i, n := range ns {
		out.Items[i] = toNoticeJSON(n)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiNotice(w http.ResponseWriter, r *http.Request) {
	n, err := s.AfterMatch.Notices.Notice(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toNoticeJSON(n))
}
