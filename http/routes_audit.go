package http

import (
	"net/http"
	"strconv"
	"time"

	"github.com/vigilproject/vigil"
)

// auditEventJSON is one audit log entry as the API shows it, chain hashes included so a client
// can verify the chain itself.
type auditEventJSON struct {
	Seq        int64           `json:"seq"`
	Time       string          `json:"time"`
	ActorKind  vigil.ActorKind `json:"actor_kind"`
	ActorID    string          `json:"actor_id"`
	ActorName  string          `json:"actor_name"`
	Action     string          `json:"action"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Detail     string          `json:"detail"`
	PrevHash   string          `json:"prev_hash"`
	Hash       string          `json:"hash"`
}

type auditResponse struct {
	Items      []auditEventJSON `json:"items"`
	NextCursor string           `json:"next_cursor"`
}

var exampleAudit = auditResponse{Items: []auditEventJSON{{
	Seq: 42, Time: "2026-11-27T12:00:00.000Z", ActorKind: vigil.ActorUser, ActorID: "usr_01JDQ3Z6V8X8N5W2K4T7R9M3P1",
	ActorName: "alice", Action: "case.decide", ObjectType: "case", ObjectID: "cas_01JDQ3Z6V8X8N5W2K4T7R9M3P3",
	Detail: `{"verdict":"confirm"}`, PrevHash: "9f2c...", Hash: "41ab...",
}}, NextCursor: "42"}

// auditRoutes declares the audit log API, readable by admins and auditors.
func (s *Server) auditRoutes() {
	s.handle(Route{Method: "GET", Pattern: "/v1/audit", Access: API, Scope: vigil.ScopeAdmin, Audit: true, Tag: "audit",
		Summary:  "Read the audit log, oldest first, filtered by actor, object, action and time",
		Response: exampleAudit,
		Query: []Param{
			{Name: "actor", Description: "actor id (usr_..., key_...)"},
			{Name: "object_type", Description: "e.g. case, bank, user, key"},
			{Name: "object_id", Description: "the object's id"},
			{Name: "action", Description: "e.g. case.decide, media.view"},
			{Name: "from", Description: "RFC 3339 time: events at or after it"},
			{Name: "to", Description: "RFC 3339 time: events before it"},
			{Name: "cursor", Description: "next_cursor of the previous page"},
			{Name: "limit", Description: "events per page: default 50, at most 500"},
		},
		Handler: s.apiAudit})
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) {
	f, err := parseAuditFilter(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	events, err := s.Audit.AuditEvents(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := auditResponse{Items: make([]auditEventJSON, 0, len(events))}
	for _, e := range events {
		out.Items = append(out.Items, auditEventJSON{Seq: e.Seq, Time: apiTime(e.Time), ActorKind: e.ActorKind,
			ActorID: e.ActorID, ActorName: e.ActorName, Action: e.Action, ObjectType: e.ObjectType,
			ObjectID: e.ObjectID, Detail: e.Detail, PrevHash: e.PrevHash, Hash: e.Hash})
	}
	if n := len(events); n > 0 && n == pageSize(f.Limit) {
		out.NextCursor = strconv.FormatInt(events[n-1].Seq, 10)
	}
	writeJSON(w, http.StatusOK, out)
}

// pageSize is the number of items a listing returns for limit, as the stores apply it: 50 by
// default, at most 500.
func pageSize(limit int) int {
	switch {
	case limit <= 0:
		return 50
	case limit > 500:
		return 500
	}
	return limit
}

// parseAuditFilter reads the audit listing's query parameters.
func parseAuditFilter(r *http.Request) (vigil.AuditFilter, error) {
	q := r.URL.Query()
	f := vigil.AuditFilter{ActorID: q.Get("actor"), ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id"),
		Action: q.Get("action")}
	var err error
	if f.From, err = queryTime(q.Get("from"), "from"); err != nil {
		return f, err
	}
	if f.To, err = queryTime(q.Get("to"), "to"); err != nil {
		return f, err
	}
	if c := q.Get("cursor"); c != "" {
		if f.AfterSeq, err = strconv.ParseInt(c, 10, 64); err != nil || f.AfterSeq < 0 {
			return f, vigil.FieldErrorf(vigil.EINVALID, "cursor", "not a cursor from this listing")
		}
	}
	if l := q.Get("limit"); l != "" {
		if f.Limit, err = strconv.Atoi(l); err != nil || f.Limit < 1 || f.Limit > 500 {
			return f, vigil.FieldErrorf(vigil.EINVALID, "limit", "must be a number from 1 to 500")
		}
	}
	return f, nil
}

// queryTime parses an optional RFC 3339 query parameter.
func queryTime(v, name string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, vigil.FieldErrorf(vigil.EINVALID, name, "must be an RFC 3339 time such as 2026-11-27T12:00:00Z")
	}
	return t, nil
}
