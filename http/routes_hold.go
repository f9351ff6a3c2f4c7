package http

import (
	"net/http"
	"time"

	"github.com/vigilproject/vigil"
)

// holdJSON is a hold as the API shows it.
type holdJSON struct {
	ID        string         `json:"id"`
	Kind      vigil.HoldKind `json:"kind"`
	ContentID string         `json:"content_id"`
	CaseID    string         `json:"case_id,omitempty"`
	Authority string         `json:"authority,omitempty"`
	Reference string         `json:"reference"`
	OrderID   string         `json:"order_id,omitempty"`
	Reason    string         `json:"reason,omitempty"`
	Start     string         `json:"start_at"`
	Until     string         `json:"until"`
	Extended  bool           `json:"extended"`
	Released  string         `json:"released_at,omitempty"`
	Created   string         `json:"created_at"`
	Active    bool           `json:"active"`
}

type holdsResponse struct {
	Items      []holdJSON `json:"items"`
	NextCursor string     `json:"next_cursor"`
}

// holdRequest places a hold. Start defaults to now.
type holdRequest struct {
	Kind      vigil.HoldKind `json:"kind"`
	ContentID string         `json:"content_id"`
	CaseID    string         `json:"case_id,omitempty"`
	Authority string         `json:"authority,omitempty"`
	Reference string         `json:"reference"`
	OrderID   string         `json:"order_id,omitempty"`
	Reason    string         `json:"reason,omitempty"`
	Start     *time.Time     `json:"start_at,omitempty"`
	Until     time.Time      `json:"until"`
}

// extendRequest extends a removal order's non-disclosure hold (RO-08).
type extendRequest struct {
	Until  time.Time `json:"until"`
	Reason string    `json:"reason,omitempty"`
}

// releaseRequest ends a hold early.
type releaseRequest struct {
	Reason string `json:"reason,omitempty"`
}

func toHoldJSON(h vigil.Hold, now time.Time) holdJSON {
	return holdJSON{ID: h.ID, Kind: h.Kind, ContentID: h.ContentID, CaseID: h.CaseID, Authority: h.Authority,
		Reference: h.Reference, OrderID: h.OrderID, Reason: h.Reason, Start: apiTime(h.Start), Until: apiTime(h.Until),
		Extended: h.Extended, Released: apiTime(h.Released), Created: apiTime(h.Created), Active: h.Active(now)}
}

var exampleHold = holdJSON{ID: "hld_01JDQ3Z6V8X8N5W2K4T7R9M3P8", Kind: vigil.HoldDoNotRemove,
	ContentID: exampleCase.ContentID, Authority: "EU Centre", Reference: "EUC-2026-000123",
	Reason: "law enforcement investigation", Start: "2026-11-27T12:00:00.000Z", Until: "2027-05-26T12:00:00.000Z",
	Created: "2026-11-27T12:00:00.000Z", Active: true}

// holdRoutes declares the hold routes: the EU Centre's and orders' holds under the reports
// permission, legal holds on evidence under the evidence permission.
func (s *Server) holdRoutes() {
	req := holdRequest{Kind: vigil.HoldDoNotRemove, ContentID: exampleHold.ContentID, Authority: exampleHold.Authority,
		Reference: exampleHold.Reference, Reason: exampleHold.Reason, Until: time.Date(2027, 5, 26, 12, 0, 0, 0, time.UTC)}
	legal := exampleHold
	legal.ID, legal.Kind, legal.Authority, legal.Reference = "hld_01JDQ3Z6V8X8N5W2K4T7R9M3P9", vigil.HoldLegal, "District Court", "C-77/26"
	legalReq := req
	legalReq.Kind, legalReq.Authority, legalReq.Reference = vigil.HoldLegal, legal.Authority, legal.Reference
	released := exampleHold
	released.Released, released.Active = "2026-12-01T09:00:00.000Z", false
	for _, set := range []struct {
		path  string
		scope vigil.Scope
		what  string
		kind  vigil.HoldKind // forced kind; "" for the body's
		ex    holdJSON
		req   holdRequest
	}{
		{"/v1/holds", vigil.ScopeReports, "do-not-remove (RP-18) and do-not-inform (RP-15, RO-08) holds", "", exampleHold, req},
		{"/v1/legal-holds", vigil.ScopeEvidence, "legal holds that keep evidence past its deletion deadline (PR-04)", vigil.HoldLegal, legal, legalReq},
	} {
		s.handleAfterMatch(Route{Method: "GET", Pattern: set.path, Access: API, Scope: set.scope, Tag: "holds",
			Summary: "List " + set.what + ", newest first", Response: holdsResponse{Items: []holdJSON{set.ex}},
			Query: []Param{{Name: "kind", Description: "do_not_remove, do_not_inform or legal"},
				{Name: "content_id", Description: "holds on this item"}, {Name: "active", Description: "true: only holds in force now"},
				cursorParam, limitParam},
			Handler: s.apiHolds(set.kind)})
		s.handleAfterMatch(Route{Method: "POST", Pattern: set.path, Access: API, Scope: set.scope, Tag: "holds",
			Summary: "Place one of the " + set.what + "; the engine refuses periods beyond the law's limits (EC-14: 18 months; RO-08: 6 weeks)",
			Request: set.req, Response: set.ex, Handler: s.apiPlaceHold(set.kind)})
		s.handleAfterMatch(Route{Method: "GET", Pattern: set.path + "/{id}", Access: API, Scope: set.scope, Tag: "holds",
			Summary: "Get a hold", Response: set.ex, Handler: s.apiHold})
		s.handleAfterMatch(Route{Method: "POST", Pattern: set.path + "/{id}/release", Access: API, Scope: set.scope, Tag: "holds",
			Summary: "End a hold early", Request: releaseRequest{Reason: "withdrawn by the authority"}, Response: released,
			Handler: s.apiReleaseHold})
	}
	extended := exampleHold
	extended.Kind, extended.OrderID, extended.Until, extended.Extended = vigil.HoldDoNotInform, "ord_01JDQ3Z6V8X8N5W2K4T7R9M3PA", "2027-02-19T12:00:00.000Z", true
	s.handleAfterMatch(Route{Method: "POST", Pattern: "/v1/holds/{id}/extend", Access: API, Scope: vigil.ScopeReports, Tag: "holds",
		Summary:  "Extend a removal order's non-disclosure hold, once, by at most 6 weeks (RO-08)",
		Request:  extendRequest{Until: time.Date(2027, 2, 19, 12, 0, 0, 0, time.UTC), Reason: "the authority extended the period"},
		Response: extended, Handler: s.apiExtendHold})
}

// apiHolds lists holds, of kind when it is set.
func (s *Server) apiHolds(kind vigil.HoldKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cursor, limit, err := pageQuery(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		q := r.URL.Query()
		f := vigil.HoldFilter{Kind: vigil.HoldKind(q.Get("kind")), ContentID: q.Get("content_id"),
			Active: q.Get("active") == "true", Cursor: cursor, Limit: limit}
		if kind != "" {
			f.Kind = kind
		}
		holds, next, err := s.AfterMatch.Holds.Holds(r.Context(), f)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		now := s.Clock.Now()
		out := holdsResponse{Items: make([]holdJSON, len(holds)), NextCursor: next}
		for i, h := range holds {
			out.Items[i] = toHoldJSON(h, now)
		}
		writeJSON(w, http.StatusOK, out)
	}
}

// apiPlaceHold places a hold, of kind when it is set.
func (s *Server) apiPlaceHold(kind vigil.HoldKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req holdRequest
		if err := decodeJSON(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		if kind != "" && req.Kind != "" && req.Kind != kind {
			s.writeError(w, r, vigil.FieldErrorf(vigil.EINVALID, "kind", "this route places %s holds only", kind))
			return
		}
		if kind != "" {
			req.Kind = kind
		}
		h := vigil.Hold{Kind: req.Kind, ContentID: req.ContentID, CaseID: req.CaseID, Authority: req.Authority,
			Reference: req.Reference, OrderID: req.OrderID, Reason: req.Reason, Until: req.Until}
		if req.Start != nil {
			h.Start = *req.Start
		}
		h, err := s.AfterMatch.Holds.Place(r.Context(), h)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusCreated, toHoldJSON(h, s.Clock.Now()))
	}
}

func (s *Server) apiHold(w http.ResponseWriter, r *http.Request) {
	h, err := s.AfterMatch.Holds.Hold(r.Context(), r.PathValue("id"))
	s.writeHold(w, r, h, err)
}

func (s *Server) apiReleaseHold(w http.ResponseWriter, r *http.Request) {
	var req releaseRequest
	if err := decodeOptionalJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	h, err := s.AfterMatch.Holds.Release(r.Context(), r.PathValue("id"), req.Reason)
	s.writeHold(w, r, h, err)
}

func (s *Server) apiExtendHold(w http.ResponseWriter, r *http.Request) {
	var req extendRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	h, err := s.AfterMatch.Holds.Extend(r.Context(), r.PathValue("id"), req.Until, req.Reason)
	s.writeHold(w, r, h, err)
}

func (s *Server) writeHold(w http.ResponseWriter, r *http.Request, h vigil.Hold, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toHoldJSON(h, s.Clock.Now()))
}
