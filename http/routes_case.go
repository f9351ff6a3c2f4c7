package http

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/vigilproject/vigil"
)

// caseJSON is a case as the API shows it. It names the matched entries but never carries
// signal values: a reviewer needs to know why the item matched, not the hashes themselves.
type caseJSON struct {
	ID        string           `json:"id"`
	ContentID string           `json:"content_id"`
	Service   string           `json:"service"`
	Status    vigil.CaseStatus `json:"status"`
	Priority  vigil.Priority   `json:"priority"`
	Banks     []string         `json:"banks"`
	Matches   []matchJSON      `json:"matches"`
	Assignee  string           `json:"assignee,omitempty"`
	Category  string           `json:"category,omitempty"`
	HasMedia  bool             `json:"has_media"`
	MediaType string           `json:"media_type,omitempty"`
	Opened    string           `json:"opened_at"`
	Updated   string           `json:"updated_at"`
}

type casesResponse struct {
	Items      []caseJSON `json:"items"`
	NextCursor string     `json:"next_cursor"`
}

type decideRequest struct {
	Verdict   vigil.DecisionVerdict `json:"verdict"`
	Category  string                `json:"category,omitempty"`
	Reason    string                `json:"reason,omitempty"`
	AllowBank string                `json:"allow_bank,omitempty"`
}

type commentRequest struct {
	Text string `json:"text"`
}

type commentJSON struct {
	ID     string `json:"id"`
	CaseID string `json:"case_id"`
	Author string `json:"author"`
	Text   string `json:"text"`
	Time   string `json:"created_at"`
}

type caseEventJSON struct {
	Time   string `json:"time"`
	Actor  string `json:"actor"`
	Action string `json:"action"`
	Detail string `json:"detail"`
}

type historyResponse struct {
	Items []caseEventJSON `json:"items"`
}

// caseTime formats a time as the API shows it: RFC 3339 in UTC with milliseconds.
func caseTime(t time.Time) string { return t.UTC().Format(apiTimeFormat) }

func toCaseJSON(c vigil.Case) caseJSON {
	out := caseJSON{ID: c.ID, ContentID: c.ContentID, Service: c.Service, Status: c.Status,
		Priority: c.Priority, Banks: c.Banks, Matches: []matchJSON{}, Assignee: c.Assignee,
		Category: c.Category, HasMedia: c.HasMedia, MediaType: c.MediaType,
		Opened: caseTime(c.Opened), Updated: caseTime(c.Updated)}
	if out.Banks == nil {
		out.Banks = []string{}
	}
	for _, m := range c.Matches {
		out.Matches = append(out.Matches, toMatchJSON(m))
	}
	return out
}

// Examples for the OpenAPI document.
var (
	exampleCase = caseJSON{ID: "cas_01JDQ3Z6V8X8N5W2K4T7R9M3P4", ContentID: "cnt_01JDQ3Z6V8X8N5W2K4T7R9M3P3",
		Service: "photos", Status: vigil.CaseOpen, Priority: vigil.PriorityNormal, Banks: []string{"ncmec"},
		Matches: []matchJSON{{Bank: "ncmec", BankVersion: "2026-11-01", Entry: 4711, SignalType: "pdq",
			SupplierID: "N-123", Category: "A1", Distance: 14}},
		HasMedia: true, MediaType: "image/jpeg", Opened: "2026-11-27T12:00:00.000Z", Updated: "2026-11-27T12:00:00.000Z"}
	exampleComment = commentJSON{ID: "cmt_01JDQ3Z6V8X8N5W2K4T7R9M3P5", CaseID: exampleCase.ID,
		Author: "usr_01JDQ3Z6V8X8N5W2K4T7R9M3P1", Text: "Matches the known image; confirming.",
		Time: "2026-11-27T12:03:00.000Z"}
)

// caseRoutes declares the review API.
func (s *Server) caseRoutes() {
	decided := exampleCase
	decided.Status, decided.Category, decided.HasMedia, decided.MediaType = vigil.CaseConfirmed, "A1", false, ""
	claimed := exampleCase
	claimed.Status, claimed.Assignee = vigil.CaseInReview, exampleComment.Author
	s.handle(Route{Method: "GET", Pattern: "/v1/cases", Access: API, Scope: vigil.ScopeCases, Audit: true, Tag: "cases",
		Summary:  "List cases in queue order (urgent first, then oldest first), filtered and paged",
		Response: casesResponse{Items: []caseJSON{exampleCase}, NextCursor: "MDpjYXNfMDFKRFEzWjZWOFg4TjVXMks0VDdSOU0zUDQ"},
		Query: []Param{
			{Name: "status", Description: "comma-separated statuses: open, in_review, confirmed, false_positive, escalated, closed"},
			{Name: "priority", Description: "normal or urgent"},
			{Name: "bank", Description: "cases that matched this bank"},
			{Name: "older_than", Description: "cases opened longer ago than this duration, e.g. 24h"},
			{Name: "cursor", Description: "next_cursor of the previous page"},
			{Name: "limit", Description: "page size, 50 by default, at most 500"},
		},
		Handler: s.apiCases})
	s.handle(Route{Method: "GET", Pattern: "/v1/cases/{id}", Access: API, Scope: vigil.ScopeCases, Audit: true, Tag: "cases",
		Summary: "Get a case: status, why it matched, whether its media is still kept", Response: exampleCase,
		Handler: s.apiCase})
	s.handle(Route{Method: "POST", Pattern: "/v1/cases/{id}/claim", Access: API, Scope: vigil.ScopeCases, Tag: "cases",
		Summary: "Claim an open or escalated case for review", Response: claimed, Handler: s.apiClaim})
	s.handle(Route{Method: "POST", Pattern: "/v1/cases/{id}/decide", Access: API, Scope: vigil.ScopeCases, Tag: "cases",
		Summary: "Decide a case: confirm (with category), false_positive or escalate. A false positive may name " +
			"an allow_bank, which needs the banks:write permission too: the content's PDQ hash (never its exact hashes) is added to it",
		Request:  decideRequest{Verdict: vigil.DecideConfirm, Category: "A1", Reason: "Same image as the bank entry"},
		Response: decided, Handler: s.apiDecide})
	s.handle(Route{Method: "POST", Pattern: "/v1/cases/{id}/comments", Access: API, Scope: vigil.ScopeCases, Tag: "cases",
		Summary: "Comment on a case", Request: commentRequest{Text: exampleComment.Text}, Response: exampleComment,
		Handler: s.apiComment})
	s.handle(Route{Method: "GET", Pattern: "/v1/cases/{id}/history", Access: API, Scope: vigil.ScopeCases, Audit: true, Tag: "cases",
		Summary: "A case's history, oldest first: opened, claimed, media viewed, commented, decided",
		Response: historyResponse{Items: []caseEventJSON{{Time: exampleCase.Opened, Actor: "system",
			Action: "case.open", Detail: `{"banks":["ncmec"],"content_id":"` + exampleCase.ContentID + `","media":true}`}}},
		Handler: s.apiHistory})
	s.handle(Route{Method: "GET", Pattern: "/v1/cases/{id}/media", Access: API, Scope: vigil.ScopeCases, Tag: "cases",
		Summary: "A case's media bytes while the case is open; every call is recorded and counts against the hourly reveal cap",
		Handler: s.apiCaseMedia})
}

func (s *Server) apiCases(w http.ResponseWriter, r *http.Request) {
	f, err := caseFilterFrom(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	cases, next, err := s.Cases.Cases(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := casesResponse{Items: make([]caseJSON, len(cases)), NextCursor: next}
	for i, c := range cases {
		out.Items[i] = toCaseJSON(c)
	}
	writeJSON(w, http.StatusOK, out)
}

// caseFilterFrom reads a case listing's query parameters.
func caseFilterFrom(r *http.Request) (vigil.CaseFilter, error) {
	q := r.URL.Query()
	f := vigil.CaseFilter{Priority: vigil.Priority(q.Get("priority")), Bank: q.Get("bank"), Cursor: q.Get("cursor")}
	if f.Priority != "" && f.Priority != vigil.PriorityNormal && f.Priority != vigil.PriorityUrgent {
		return f, vigil.FieldErrorf(vigil.EINVALID, "priority", "must be %s or %s", vigil.PriorityNormal, vigil.PriorityUrgent)
	}
	if v := q.Get("status"); v != "" {
		for st := range strings.SplitSeq(v, ",") {
			if !knownCaseStatus(vigil.CaseStatus(st)) {
				return f, vigil.FieldErrorf(vigil.EINVALID, "status", "unknown status %q", st)
			}
			f.Status = append(f.Status, vigil.CaseStatus(st))
		}
	}
	if v := q.Get("older_than"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return f, vigil.FieldErrorf(vigil.EINVALID, "older_than", "must be a positive duration such as 24h")
		}
		f.OlderThan = d
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return f, vigil.FieldErrorf(vigil.EINVALID, "limit", "must be a whole number from 1 to 500")
		}
		f.Limit = n
	}
	return f, nil
}

func knownCaseStatus(st vigil.CaseStatus) bool {
	switch st {
	case vigil.CaseOpen, vigil.CaseInReview, vigil.CaseConfirmed, vigil.CaseFalsePositive, vigil.CaseEscalated, vigil.CaseClosed:
		return true
	}
	return false
}

func (s *Server) apiCase(w http.ResponseWriter, r *http.Request) {
	c, err := s.Cases.Case(r.Context(), r.PathValue("id"))
	s.writeCase(w, r, c, err)
}

func (s *Server) apiClaim(w http.ResponseWriter, r *http.Request) {
	c, err := s.Cases.Claim(r.Context(), r.PathValue("id"))
	s.writeCase(w, r, c, err)
}

func (s *Server) apiDecide(w http.ResponseWriter, r *http.Request) {
	var req decideRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.Cases.Decide(r.Context(), vigil.Decision{CaseID: r.PathValue("id"), Verdict: req.Verdict,
		Category: req.Category, Reason: req.Reason, AllowBank: req.AllowBank})
	s.writeCase(w, r, c, err)
}

// writeCase answers with c, or with err when there is one.
func (s *Server) writeCase(w http.ResponseWriter, r *http.Request, c vigil.Case, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toCaseJSON(c))
}

func (s *Server) apiComment(w http.ResponseWriter, r *http.Request) {
	var req commentRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	cm, err := s.Cases.Comment(r.Context(), r.PathValue("id"), req.Text)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, commentJSON{ID: cm.ID, CaseID: cm.CaseID, Author: cm.Author, Text: cm.Text,
		Time: caseTime(cm.Time)})
}

func (s *Server) apiHistory(w http.ResponseWriter, r *http.Request) {
	events, err := s.Cases.History(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := historyResponse{Items: make([]caseEventJSON, len(events))}
	for i, e := range events {
		out.Items[i] = caseEventJSON{Time: caseTime(e.Time), Actor: e.Actor, Action: e.Action, Detail: e.Detail}
	}
	writeJSON(w, http.StatusOK, out)
}

// caseMediaType returns the Content-Type to send media of type t with: t itself when it is a
// well-formed image or video type, else opaque bytes.
func caseMediaType(t string) string {
	mt, _, err := mime.ParseMediaType(t)
	if err != nil || !(strings.HasPrefix(mt, "image/") || strings.HasPrefix(mt, "video/")) {
		return "application/octet-stream"
	}
	return mt
}

// apiCaseMedia sends a case's media as an attachment that browsers neither sniff nor render as
// a document, so a crafted upload cannot run in Vigil's origin.
func (s *Server) apiCaseMedia(w http.ResponseWriter, r *http.Request) {
	data, mediaType, err := s.Cases.Media(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", caseMediaType(mediaType))
	h.Set("Content-Disposition", "attachment")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "no-store")
	w.Write(data)
}
