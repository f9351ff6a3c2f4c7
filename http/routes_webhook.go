package http

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/vigilproject/vigil"
)

// webhookJSON is a webhook as the API shows it. The secret appears only in the answer to its
// creation.
type webhookJSON struct {
	ID        string   `json:"id"`
	URL       string   `json:"url"`
	Events    []string `json:"events"`
	Enabled   bool     `json:"enabled"`
	CreatedAt string   `json:"created_at"`
	Secret    string   `json:"secret,omitempty"`
}

func toWebhookJSON(w vigil.Webhook) webhookJSON {
	return webhookJSON{ID: w.ID, URL: w.URL, Events: w.Events, Enabled: w.Enabled,
		CreatedAt: apiTime(w.Created), Secret: w.Secret}
}

type webhookList struct {
	Items      []webhookJSON `json:"items"`
	NextCursor string        `json:"next_cursor"` // always "": every webhook fits one page
}

// createWebhookRequest registers a webhook; an empty secret has Vigil generate one.
type createWebhookRequest struct {
	URL    string   `json:"url"`
	Secret string   `json:"secret,omitempty"`
	Events []string `json:"events"`
}

// updateWebhookRequest changes the fields it names.
type updateWebhookRequest struct {
	URL     *string  `json:"url,omitempty"`
	Events  []string `json:"events,omitempty"`
	Enabled *bool    `json:"enabled,omitempty"`
}

// deliveryJSON is one outbox message with its state. Payload is the exact body sent.
type deliveryJSON struct {
	ID        string               `json:"id"`
	WebhookID string               `json:"webhook_id"`
	Event     string               `json:"event"`
	Status    vigil.DeliveryStatus `json:"status"`
	Attempts  int                  `json:"attempts"`
	NextTryAt string               `json:"next_try_at,omitempty"`
	LastError string               `json:"last_error"`
	CreatedAt string               `json:"created_at"`
	Payload   json.RawMessage      `json:"payload"`
}

func toDeliveryJSON(d vigil.Delivery) deliveryJSON {
	out := deliveryJSON{ID: d.ID, WebhookID: d.WebhookID, Event: d.Event, Status: d.Status,
		Attempts: d.Attempts, LastError: d.LastError, CreatedAt: apiTime(d.Created), Payload: json.RawMessage(d.Payload)}
	if d.Status == vigil.DeliveryPending {
		out.NextTryAt = apiTime(d.NextTry)
	}
	return out
}

type deliveryList struct {
	Items      []deliveryJSON `json:"items"`
	NextCursor string         `json:"next_cursor"`
}

var (
	exampleWebhook = webhookJSON{ID: "whk_01JDQ3Z6V8X8N5W2K4T7R9M3P1", URL: "https://platform.example/vigil",
		Events: []string{vigil.EventContentMatched, vigil.EventCaseDecided}, Enabled: true,
		CreatedAt: "2026-11-27T12:00:00.000Z"}
	exampleCreatedWebhook = func() webhookJSON {
		w := exampleWebhook
		w.Secret = "whsec_Yp3v9dQ2rM8kX1tL6wZ4nB7cF0hJ5sA2gE9uR3iO1qU"
		return w
	}()
	exampleDelivery = deliveryJSON{ID: "msg_01JDQ3Z6V8X8N5W2K4T7R9M3P2", WebhookID: exampleWebhook.ID,
		Event: vigil.EventCaseDecided, Status: vigil.DeliveryPending, Attempts: 2,
		NextTryAt: "2026-11-27T12:00:30.000Z", LastError: "HTTP 503: unavailable",
		CreatedAt: "2026-11-27T12:00:00.000Z",
		Payload: json.RawMessage(`{"id":"evt_01JDQ3Z6V8X8N5W2K4T7R9M3P3","event":"case.decided",` +
			`"created_at":"2026-11-27T12:00:00.000Z","data":{"case_id":"cas_01JDQ3Z6V8X8N5W2K4T7R9M3P4"}}`)}
)

// webhookRoutes declares the webhook administration API: admins only, since webhooks carry
// details of matched content out of Vigil.
func (s *Server) webhookRoutes() {
	add := func(r Route) {
		r.Access, r.Scope, r.Tag = API, vigil.ScopeAdmin, "webhooks"
		s.handle(r)
	}
	add(Route{Method: "GET", Pattern: "/v1/webhooks", Summary: "List the webhooks",
		Response: webhookList{Items: []webhookJSON{exampleWebhook}}, Handler: s.apiWebhooks})
	add(Route{Method: "POST", Pattern: "/v1/webhooks",
		Summary:  "Register a webhook for events; its secret (given, or generated when empty) is shown only in this answer",
		Request:  createWebhookRequest{URL: exampleWebhook.URL, Events: exampleWebhook.Events},
		Response: exampleCreatedWebhook, Handler: s.apiCreateWebhook})
	add(Route{Method: "GET", Pattern: "/v1/webhooks/{id}", Summary: "Get a webhook",
		Response: exampleWebhook, Handler: s.apiWebhook})
	enabled := false
	add(Route{Method: "PATCH", Pattern: "/v1/webhooks/{id}",
		Summary: "Change a webhook's URL or events, or disable it: a disabled webhook's deliveries wait until it is enabled",
		Request: updateWebhookRequest{Enabled: &enabled}, Response: exampleWebhook, Handler: s.apiUpdateWebhook})
	add(Route{Method: "DELETE", Pattern: "/v1/webhooks/{id}", Summary: "Delete a webhook and its deliveries",
		Handler: s.apiDeleteWebhook})
	add(Route{Method: "GET", Pattern: "/v1/webhooks/{id}/deliveries",
		Summary:  "List a webhook's deliveries, newest first",
		Response: deliveryList{Items: []deliveryJSON{exampleDelivery}, NextCursor: exampleDelivery.ID},
		Query: []Param{
			{Name: "status", Description: "pending, delivered or failed"},
			{Name: "cursor", Description: "next_cursor of the previous page"},
			{Name: "limit", Description: "deliveries per page: default 50, at most 500"},
		},
		Handler: s.apiDeliveries})
	add(Route{Method: "POST", Pattern: "/v1/deliveries/{id}/retry",
		Summary:  "Make a pending or failed delivery due now, with a fresh set of attempts",
		Response: exampleDelivery, Handler: s.apiRetryDelivery})
}

func (s *Server) apiWebhooks(w http.ResponseWriter, r *http.Request) {
	hooks, err := s.Webhooks.Webhooks(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := webhookList{Items: make([]webhookJSON, 0, len(hooks))}
	for _, h := range hooks {
		out.Items = append(out.Items, toWebhookJSON(h))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiCreateWebhook(w http.ResponseWriter, r *http.Request) {
	var req createWebhookRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	hook, err := s.Webhooks.CreateWebhook(r.Context(), req.URL, req.Secret, req.Events)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/v1/webhooks/"+hook.ID)
	writeJSON(w, http.StatusCreated, toWebhookJSON(hook))
}

func (s *Server) apiWebhook(w http.ResponseWriter, r *http.Request) {
	hook, err := s.Webhooks.Webhook(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toWebhookJSON(hook))
}

func (s *Server) apiUpdateWebhook(w http.ResponseWriter, r *http.Request) {
	var req updateWebhookRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.URL == nil && req.Events == nil && req.Enabled == nil {
		s.writeError(w, r, vigil.Errorf(vigil.EINVALID, "name at least one of url, events, enabled"))
		return
	}
	hook, err := s.Webhooks.UpdateWebhook(r.Context(), r.PathValue("id"),
		vigil.WebhookUpdate{URL: req.URL, Events: req.Events, Enabled: req.Enabled})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toWebhookJSON(hook))
}

func (s *Server) apiDeleteWebhook(w http.ResponseWriter, r *http.Request) {
	if err := s.Webhooks.DeleteWebhook(r.Context(), r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiDeliveries(w http.ResponseWriter, r *http.Request) {
	f, err := parseDeliveryFilter(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ds, err := s.Webhooks.Deliveries(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := deliveryList{Items: make([]deliveryJSON, 0, len(ds))}
	for _, d := range ds {
		out.Items = append(out.Items, toDeliveryJSON(d))
	}
	if n := len(ds); n > 0 && n == deliveryPageSize(f.Limit) {
		out.NextCursor = ds[n-1].ID
	}
	writeJSON(w, http.StatusOK, out)
}

// parseDeliveryFilter reads the delivery listing's path and query parameters.
func parseDeliveryFilter(r *http.Request) (vigil.DeliveryFilter, error) {
	q := r.URL.Query()
	f := vigil.DeliveryFilter{WebhookID: r.PathValue("id"), Status: vigil.DeliveryStatus(q.Get("status")),
		Before: q.Get("cursor")}
	if f.Before != "" && !strings.HasPrefix(f.Before, vigil.PrefixMessage+"_") {
		return f, vigil.FieldErrorf(vigil.EINVALID, "cursor", "not a cursor from this listing")
	}
	switch f.Status {
	case "", vigil.DeliveryPending, vigil.DeliveryDelivered, vigil.DeliveryFailed:
	default:
		return f, vigil.FieldErrorf(vigil.EINVALID, "status", "must be pending, delivered or failed")
	}
	if l := q.Get("limit"); l != "" {
		var err error
		if f.Limit, err = strconv.Atoi(l); err != nil || f.Limit < 1 || f.Limit > 500 {
			return f, vigil.FieldErrorf(vigil.EINVALID, "limit", "must be a number from 1 to 500")
		}
	}
	return f, nil
}

// deliveryPageSize is the number of deliveries the store returns for limit.
func deliveryPageSize(limit int) int {
	if limit <= 0 {
		return 50
	}
	return min(limit, 500)
}

func (s *Server) apiRetryDelivery(w http.ResponseWriter, r *http.Request) {
	d, err := s.Webhooks.RetryDelivery(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toDeliveryJSON(d))
}
