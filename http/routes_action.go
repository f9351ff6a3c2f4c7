package http

import (
	"net/http"
	"strconv"

	"github.com/vigilproject/vigil"
)

// AfterMatch are the services of what follows a confirmed match: the actions asked of the
// platform, holds, user notices and complaints.
type AfterMatch struct {
	Actions    vigil.ActionService
	Holds      vigil.HoldService
	Notices    vigil.NoticeService
	Complaints vigil.ComplaintService
}

// configured reports whether every after-match service is set.
func (a AfterMatch) configured() bool {
	return a.Actions != nil && a.Holds != nil && a.Notices != nil && a.Complaints != nil
}

// handleAfterMatch adds an after-match route, answering 503 on a server built without those
// services (a bank-only deployment, or a test of other routes) instead of failing.
func (s *Server) handleAfterMatch(rt Route) {
	h := rt.Handler
	rt.Handler = func(w http.ResponseWriter, r *http.Request) {
		if !s.AfterMatch.configured() {
			s.writeError(w, r, vigil.Errorf(vigil.EUNAVAILABLE, "actions, holds, notices and complaints are not configured on this server"))
			return
		}
		h(w, r)
	}
	s.handle(rt)
}

// actionJSON is an action as the API shows it.
type actionJSON struct {
	ID        string              `json:"id"`
	Kind      vigil.ActionKind    `json:"kind"`
	Trigger   vigil.ActionTrigger `json:"trigger"`
	ContentID string              `json:"content_id,omitempty"`
	URL       string              `json:"url,omitempty"`
	Service   string              `json:"service,omitempty"`
	CaseID    string              `json:"case_id,omitempty"`
	Reference string              `json:"reference,omitempty"`
	Status    vigil.ActionStatus  `json:"status"`
	HoldID    string              `json:"hold_id,omitempty"`
	Reason    string              `json:"reason,omitempty"`
	Uploader  string              `json:"uploader,omitempty"` // for suspend and reinstate, when known
	Requested string              `json:"requested_at"`
	Done      string              `json:"done_at,omitempty"`
}

type actionsResponse struct {
	Items      []actionJSON `json:"items"`
	NextCursor string       `json:"next_cursor"`
}

// finishRequest is the platform's answer to an action.
type finishRequest struct {
	Reason string `json:"reason,omitempty"`
}

// suspendRequest is why a case's uploader is suspended; required.
type suspendRequest struct {
	Reason string `json:"reason"`
}

// onConfirmJSON is a service's automatic action on confirmed cases.
type onConfirmJSON struct {
	Service   string `json:"service"`
	OnConfirm string `json:"on_confirm"`
}

func toActionJSON(a vigil.Action) actionJSON {
	return actionJSON{ID: a.ID, Kind: a.Kind, Trigger: a.Trigger, ContentID: a.ContentID, URL: a.URL,
		Service: a.Service, CaseID: a.CaseID, Reference: a.Reference, Status: a.Status, HoldID: a.HoldID,
		Reason: a.Reason, Uploader: a.Uploader, Requested: apiTime(a.Requested), Done: apiTime(a.Done)}
}

var exampleAction = actionJSON{ID: "act_01JDQ3Z6V8X8N5W2K4T7R9M3P6", Kind: vigil.ActionRemove,
	Trigger: vigil.TriggerOwnInitiative, ContentID: exampleCase.ContentID, URL: "https://photos.example/p/4711",
	Service: "photos", CaseID: exampleCase.ID, Reference: "dec_01JDQ3Z6V8X8N5W2K4T7R9M3P7",
	Status: vigil.ActionRequested, Reason: "a reviewer confirmed the match", Requested: "2026-11-27T12:05:00.000Z"}

// actionRoutes declares the routes of actions, holds, notices and complaints.
func (s *Server) actionRoutes() {
	done := exampleAction
	done.Status, done.Done = vigil.ActionDone, "2026-11-27T12:06:00.000Z"
	s.handleAfterMatch(Route{Method: "GET", Pattern: "/v1/actions", Access: API, Scope: vigil.ScopeSubmit, Tag: "actions",
		Summary:  "List the actions asked of the platform (remove, disable, restore, suspend, reinstate), newest first",
		Response: actionsResponse{Items: []actionJSON{exampleAction}},
		Query: []Param{{Name: "status", Description: "requested, done, held, failed or withdrawn"},
			{Name: "content_id", Description: "actions on this item"}, cursorParam, limitParam},
		Handler: s.apiActions})
	s.handleAfterMatch(Route{Method: "GET", Pattern: "/v1/actions/{id}", Access: API, Scope: vigil.ScopeSubmit, Tag: "actions",
		Summary: "Get an action", Response: exampleAction, Handler: s.apiAction})
	for _, st := range []vigil.ActionStatus{vigil.ActionDone, vigil.ActionFailed} {
		s.handleAfterMatch(Route{Method: "POST", Pattern: "/v1/actions/{id}/" + string(st), Access: API, Scope: vigil.ScopeSubmit,
			Tag: "actions", Summary: "The platform reports a requested action " + string(st) + ", with an optional reason",
			Request: finishRequest{Reason: "removed from storage and CDN"}, Response: done,
			Handler: s.apiFinishAction(st)})
	}
	s.handleAfterMatch(Route{Method: "GET", Pattern: "/v1/actions/settings/{service}", Access: API, Scope: vigil.ScopeAdmin, Tag: "actions",
		Summary:  "What a confirmed case of a service asks the platform to do: remove (the default), disable or none",
		Response: onConfirmJSON{Service: "photos", OnConfirm: "remove"}, Handler: s.apiOnConfirm})
	s.handleAfterMatch(Route{Method: "PUT", Pattern: "/v1/actions/settings/{service}", Access: API, Scope: vigil.ScopeAdmin, Tag: "actions",
		Summary: "Set what a confirmed case of a service asks the platform to do: remove, disable or none",
		Request: onConfirmJSON{OnConfirm: "disable"}, Response: onConfirmJSON{Service: "photos", OnConfirm: "disable"},
		Handler: s.apiSetOnConfirm})
	suspend := exampleAction
	suspend.Kind, suspend.Reason, suspend.Uploader = vigil.ActionSuspend, "confirmed upload of known material", "user-4711"
	s.handleAfterMatch(Route{Method: "POST", Pattern: "/v1/cases/{id}/suspend-uploader", Access: API,
		Scope: vigil.ScopeCases, AltScope: vigil.ScopeReports, Tag: "actions",
		Summary: "Ask the platform to suspend the uploader of a confirmed case (IR-09), a signed-in reviewer or " +
			"legal user giving a reason; the user's account notice follows once the platform reports it done",
		Request: suspendRequest{Reason: "confirmed upload of known material"}, Response: suspend,
		Handler: s.apiSuspendUploader})
	s.holdRoutes()
	s.noticeRoutes()
	s.complaintRoutes()
	s.actionPages()
}

// Documented paging parameters of the after-match listings.
var (
	cursorParam = Param{Name: "cursor", Description: "next_cursor of the previous page"}
	limitParam  = Param{Name: "limit", Description: "page size, 50 by default, at most 500"}
)

// pageQuery reads the cursor and limit of a listing.
func pageQuery(r *http.Request) (cursor string, limit int, err error) {
	q := r.URL.Query()
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return "", 0, vigil.FieldErrorf(vigil.EINVALID, "limit", "must be a whole number from 1 to 500")
		}
		limit = n
	}
	return q.Get("cursor"), limit, nil
}

func (s *Server) apiActions(w http.ResponseWriter, r *http.Request) {
	cursor, limit, err := pageQuery(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	as, next, err := s.AfterMatch.Actions.Actions(r.Context(), vigil.ActionFilter{Status: vigil.ActionStatus(q.Get("status")),
		ContentID: q.Get("content_id"), Cursor: cursor, Limit: limit})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := actionsResponse{Items: make([]actionJSON, len(as)), NextCursor: next}
	for i, a := range as {
		out.Items[i] = toActionJSON(a)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiAction(w http.ResponseWriter, r *http.Request) {
	a, err := s.AfterMatch.Actions.Action(r.Context(), r.PathValue("id"))
	s.writeAction(w, r, a, err)
}

// apiFinishAction records the platform's answer st to an action.
func (s *Server) apiFinishAction(st vigil.ActionStatus) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req finishRequest
		if err := decodeOptionalJSON(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		a, err := s.AfterMatch.Actions.Finish(r.Context(), r.PathValue("id"), st, req.Reason)
		s.writeAction(w, r, a, err)
	}
}

func (s *Server) apiSuspendUploader(w http.ResponseWriter, r *http.Request) {
	var req suspendRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	a, err := s.AfterMatch.Actions.SuspendUploader(r.Context(), r.PathValue("id"), req.Reason)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toActionJSON(a))
}

// decodeOptionalJSON decodes r's body into v when it has one.
func decodeOptionalJSON(r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return decodeJSON(r, v)
}

func (s *Server) writeAction(w http.ResponseWriter, r *http.Request, a vigil.Action, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toActionJSON(a))
}

func (s *Server) apiOnConfirm(w http.ResponseWriter, r *http.Request) {
	kind, err := s.AfterMatch.Actions.OnConfirm(r.Context(), r.PathValue("service"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, onConfirmJSON{Service: r.PathValue("service"), OnConfirm: kind})
}

func (s *Server) apiSetOnConfirm(w http.ResponseWriter, r *http.Request) {
	var req onConfirmJSON
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	service := r.PathValue("service")
	if err := s.AfterMatch.Actions.SetOnConfirm(r.Context(), service, req.OnConfirm); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, onConfirmJSON{Service: service, OnConfirm: req.OnConfirm})
}
