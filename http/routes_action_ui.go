package http

import (
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vigilproject/vigil"
)

// The after-match pages join the UI's page set when the package starts, so the shared page
// list need not know them.
func init() {
	maps.Copy(uiPages, parsePages("complaints", "complaint", "holds", "notices"))
}

// actionPages declares the web UI pages of complaints, holds and notices.
func (s *Server) actionPages() {
	page := func(method, pattern string, scope vigil.Scope, summary string, h http.HandlerFunc) {
		s.handleAfterMatch(Route{Method: method, Pattern: pattern, Access: Page, Scope: scope, Summary: summary, Tag: "ui", Handler: h})
	}
	page("GET", "/complaints", vigil.ScopeCases, "Complaints queue", s.uiComplaints)
	page("GET", "/complaints/{id}", vigil.ScopeCases, "Complaint and its decision form", s.uiComplaint)
	page("POST", "/complaints/{id}/assign", vigil.ScopeCases, "Take a complaint", s.uiAssignComplaint)
	page("POST", "/complaints/{id}/decide", vigil.ScopeCases, "Decide a complaint", s.uiDecideComplaint)
	page("GET", "/holds", vigil.ScopeReports, "Holds and the form to place one", s.uiHolds)
	page("POST", "/holds", vigil.ScopeReports, "Place a hold", s.uiPlaceHold)
	page("POST", "/holds/{id}/release", vigil.ScopeReports, "Release a hold", s.uiReleaseHold)
	page("GET", "/notices", vigil.ScopeReports, "User notices: scheduled, held and sent", s.uiNotices)
	page("POST", "/notices/settings", vigil.ScopeAdmin, "Set what every notice says about the provider", s.uiSaveNoticeSettings)
}

// complaintsPage is the data of the complaints queue.
type complaintsPage struct {
	Complaints []vigil.Complaint
	Status     string
	Statuses   []vigil.ComplaintStatus
	Next       template.URL
}

func (s *Server) uiComplaints(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	cs, next, err := s.AfterMatch.Complaints.Complaints(r.Context(), vigil.ComplaintFilter{
		Status: vigil.ComplaintStatus(q.Get("status")), Cursor: q.Get("cursor")})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := complaintsPage{Complaints: cs, Status: q.Get("status"),
		Statuses: []vigil.ComplaintStatus{vigil.ComplaintOpen, vigil.ComplaintAssigned, vigil.ComplaintDecided}}
	p.Next = nextPageURL("/complaints", url.Values{"status": {p.Status}}, next)
	s.render(w, r, http.StatusOK, "complaints", page{Title: "Complaints", Nav: "complaints", Notice: doneMessage(r), Data: p})
}

// complaintPage is the data of one complaint's page.
type complaintPage struct {
	Complaint vigil.Complaint
}

func (s *Server) uiComplaint(w http.ResponseWriter, r *http.Request) {
	c, err := s.AfterMatch.Complaints.Complaint(r.Context(), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "complaint", page{Title: "Complaint", Nav: "complaints", Notice: doneMessage(r),
		Data: complaintPage{Complaint: c}})
}

func (s *Server) uiAssignComplaint(w http.ResponseWriter, r *http.Request) {
	c, err := s.AfterMatch.Complaints.Assign(r.Context(), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/complaints/"+c.ID+"?done=updated")
}

func (s *Server) uiDecideComplaint(w http.ResponseWriter, r *http.Request) {
	c, err := s.AfterMatch.Complaints.Decide(r.Context(), r.PathValue("id"),
		vigil.ComplaintOutcome(r.PostFormValue("outcome")), r.PostFormValue("reason"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/complaints/"+c.ID+"?done=decided")
}

// holdsPage is the data of the holds page.
type holdsPage struct {
	Holds []vigil.Hold
	Now   time.Time
	Kinds []vigil.HoldKind
	Next  template.URL
}

func (s *Server) uiHolds(w http.ResponseWriter, r *http.Request) {
	holds, next, err := s.AfterMatch.Holds.Holds(r.Context(), vigil.HoldFilter{Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := holdsPage{Holds: holds, Now: s.Clock.Now(),
		Kinds: []vigil.HoldKind{vigil.HoldDoNotRemove, vigil.HoldDoNotInform, vigil.HoldLegal},
		Next:  nextPageURL("/holds", nil, next)}
	s.render(w, r, http.StatusOK, "holds", page{Title: "Holds", Nav: "holds", Notice: doneMessage(r), Data: p})
}

// formTime reads a datetime-local form value, taken as UTC.
func formTime(field, v string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(v), time.UTC)
	if err != nil {
		return time.Time{}, vigil.FieldErrorf(vigil.EINVALID, field, "want a date and time such as 2027-05-26T12:00")
	}
	return t, nil
}

func (s *Server) uiPlaceHold(w http.ResponseWriter, r *http.Request) {
	until, err := formTime("until", r.PostFormValue("until"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	_, err = s.AfterMatch.Holds.Place(r.Context(), vigil.Hold{Kind: vigil.HoldKind(r.PostFormValue("kind")),
		ContentID: strings.TrimSpace(r.PostFormValue("content_id")), Authority: r.PostFormValue("authority"),
		Reference: strings.TrimSpace(r.PostFormValue("reference")), OrderID: strings.TrimSpace(r.PostFormValue("order_id")),
		Reason: r.PostFormValue("reason"), Until: until})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/holds?done=created")
}

func (s *Server) uiReleaseHold(w http.ResponseWriter, r *http.Request) {
	if _, err := s.AfterMatch.Holds.Release(r.Context(), r.PathValue("id"), "released in the web UI"); err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/holds?done=updated")
}

// noticesPage is the data of the notices page.
type noticesPage struct {
	Settings vigil.NoticeSettings
	Notices  []vigil.Notice
	Status   string
	Statuses []vigil.NoticeStatus
	Next     template.URL
}

func (s *Server) uiNotices(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ns, next, err := s.AfterMatch.Notices.Notices(r.Context(), vigil.NoticeFilter{
		Status: vigil.NoticeStatus(q.Get("status")), Cursor: q.Get("cursor")})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	settings, err := s.AfterMatch.Notices.NoticeSettings(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := noticesPage{Settings: settings, Notices: ns, Status: q.Get("status"),
		Statuses: []vigil.NoticeStatus{vigil.NoticeScheduled, vigil.NoticeHeld, vigil.NoticeSent, vigil.NoticeCancelled}}
	p.Next = nextPageURL("/notices", url.Values{"status": {p.Status}}, next)
	s.render(w, r, http.StatusOK, "notices", page{Title: "User notices", Nav: "notices", Notice: doneMessage(r), Data: p})
}

func (s *Server) uiSaveNoticeSettings(w http.ResponseWriter, r *http.Request) {
	_, err := s.AfterMatch.Notices.SaveNoticeSettings(r.Context(), vigil.NoticeSettings{
		Provider: r.PostFormValue("provider"), ComplaintURL: r.PostFormValue("complaint_url"),
		Authority: r.PostFormValue("authority"), AuthorityURL: r.PostFormValue("authority_url")})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/notices?done=updated")
}
