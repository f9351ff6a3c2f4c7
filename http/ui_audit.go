package http

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/vigilproject/vigil"
)

// auditPage is the data of the audit log viewer.
type auditPage struct {
	Events []vigil.AuditEvent
	Filter auditForm
	Next   template.URL // the next page; "" on the last
}

// auditForm is the viewer's filter as typed, echoed back into the form.
type auditForm struct {
	Actor, ObjectType, ObjectID, Action, From, To string
}

// localMinute is the format of an HTML datetime-local input; the viewer reads it as UTC.
const localMinute = "2006-01-02T15:04"

// uiAudit shows the audit log filtered by actor, object, action and time, in the order written.
// With no time given it shows the last day.
func (s *Server) uiAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	form := auditForm{Actor: q.Get("actor"), ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id"),
		Action: q.Get("action"), From: q.Get("from"), To: q.Get("to")}
	if form.From == "" && form.To == "" {
		form.From = s.Clock.Now().Add(-24 * time.Hour).Format(localMinute)
	}
	f := vigil.AuditFilter{ActorID: form.Actor, ObjectType: form.ObjectType, ObjectID: form.ObjectID, Action: form.Action}
	var err error
	if f.From, err = parseMinute("from", form.From); err != nil {
		s.renderError(w, r, err)
		return
	}
	if f.To, err = parseMinute("to", form.To); err != nil {
		s.renderError(w, r, err)
		return
	}
	if after := q.Get("after"); after != "" {
		if f.AfterSeq, err = strconv.ParseInt(after, 10, 64); err != nil || f.AfterSeq < 0 {
			s.renderError(w, r, vigil.FieldErrorf(vigil.EINVALID, "after", "must be an event number"))
			return
		}
	}
	events, err := s.Audit.AuditEvents(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := auditPage{Events: events, Filter: form}
	if n := len(events); n > 0 && n == pageSize(f.Limit) {
		p.Next = template.URL("/audit?" + url.Values{"actor": {form.Actor}, "object_type": {form.ObjectType}, "object_id": {form.ObjectID},
			"action": {form.Action}, "from": {form.From}, "to": {form.To},
			"after": {strconv.FormatInt(events[n-1].Seq, 10)}}.Encode())
	}
	s.render(w, r, http.StatusOK, "audit", page{Title: "Audit log", Nav: "audit", Data: p})
}

// parseMinute reads a datetime-local value as UTC; empty means no bound.
func parseMinute(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(localMinute, v)
	if err != nil {
		return time.Time{}, vigil.FieldErrorf(vigil.EINVALID, field, "want a time like 2026-05-01T14:30 (UTC)")
	}
	return t, nil
}
