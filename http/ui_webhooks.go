package http

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/vigilproject/vigil"
)

// webhooksPage is the data of the webhooks page.
type webhooksPage struct {
	Webhooks []vigil.Webhook
	Events   []string
	// Created is the webhook just registered, with its secret: shown on this response only.
	Created *vigil.Webhook
}

// uiWebhooks lists the registered webhooks, with a form to register one.
func (s *Server) uiWebhooks(w http.ResponseWriter, r *http.Request) {
	s.renderWebhooks(w, r, nil)
}

func (s *Server) renderWebhooks(w http.ResponseWriter, r *http.Request, created *vigil.Webhook) {
	hooks, err := s.Webhooks.Webhooks(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "webhooks", page{Title: "Webhooks", Nav: "webhooks", Notice: doneMessage(r),
		Data: webhooksPage{Webhooks: hooks, Events: vigil.Events, Created: created}})
}

// uiCreateWebhook registers a webhook. Its secret, typed or generated, is shown in this response
// and never again, like an API key's.
func (s *Server) uiCreateWebhook(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, vigil.Errorf(vigil.EINVALID, "form: %v", err))
		return
	}
	hook, err := s.Webhooks.CreateWebhook(r.Context(), strings.TrimSpace(r.PostFormValue("url")),
		r.PostFormValue("secret"), r.PostForm["event"])
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderWebhooks(w, r, &hook)
}

// webhookPage is the data of one webhook's page.
type webhookPage struct {
	Webhook    vigil.Webhook
	Deliveries []vigil.Delivery
	Status     string
	Next       template.URL // the next page; "" on the last
	Statuses   []vigil.DeliveryStatus
}

// uiWebhook shows a webhook and its deliveries, newest first, filtered by status.
func (s *Server) uiWebhook(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	hook, err := s.Webhooks.Webhook(ctx, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	q := r.URL.Query()
	f := vigil.DeliveryFilter{WebhookID: hook.ID, Status: vigil.DeliveryStatus(q.Get("status")), Before: q.Get("before")}
	deliveries, err := s.Webhooks.Deliveries(ctx, f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := webhookPage{Webhook: hook, Deliveries: deliveries, Status: q.Get("status"),
		Statuses: []vigil.DeliveryStatus{vigil.DeliveryPending, vigil.DeliveryDelivered, vigil.DeliveryFailed}}
	if n := len(deliveries); n > 0 && n == pageSize(f.Limit) {
		p.Next = template.URL("/webhooks/" + hook.ID + "?" +
			url.Values{"status": {p.Status}, "before": {deliveries[n-1].ID}}.Encode())
	}
	s.render(w, r, http.StatusOK, "webhook", page{Title: "Webhook", Nav: "webhooks", Notice: doneMessage(r), Data: p})
}

// uiSetWebhookEnabled pauses or resumes a webhook's deliveries.
func (s *Server) uiSetWebhookEnabled(w http.ResponseWriter, r *http.Request) {
	enabled := r.PostFormValue("enabled") == "true"
	hook, err := s.Webhooks.UpdateWebhook(r.Context(), r.PathValue("id"), vigil.WebhookUpdate{Enabled: &enabled})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/webhooks/"+hook.ID+"?done=updated")
}

// uiDeleteWebhook removes a webhook and its deliveries.
func (s *Server) uiDeleteWebhook(w http.ResponseWriter, r *http.Request) {
	if err := s.Webhooks.DeleteWebhook(r.Context(), r.PathValue("id")); err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/webhooks?done=deleted")
}

// uiRetryDelivery makes a failed or pending delivery due now.
func (s *Server) uiRetryDelivery(w http.ResponseWriter, r *http.Request) {
	d, err := s.Webhooks.RetryDelivery(r.Context(), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	seeOther(w, r, "/webhooks/"+d.WebhookID+"?done=retried")
}
