package vigil

import (
	"context"
	"net/url"
	"slices"
	"time"
)

// Webhook event names.
const (
	EventContentMatched = "content.matched"
	EventCaseDecided    = "case.decided"
	// EventActionRequested asks the platform to remove, disable or restore an item, or to suspend
	// or reinstate its uploader's account (the event then carries the uploader reference).
	EventActionRequested = "action.requested"
	// EventNoticeDue hands the platform a notice to show its user.
	EventNoticeDue = "notice.due"
	// EventOrderDueSoon warns that a removal order's 24-hour deadline is 4 hours away (RO-03).
	EventOrderDueSoon = "order.due_soon"
	// EventOrderExecuted carries an order's Annex VI confirmation (RO-06).
	EventOrderExecuted = "order.executed"
	// EventReportSent says a report reached its destination (EU Centre, NCMEC).
	EventReportSent = "report.sent"
	// EventRiskAssessmentDue reminds that a service's risk assessment is due soon (RA-07).
	EventRiskAssessmentDue = "risk.assessment_due"
)

// Events lists every webhook event.
var Events = []string{EventContentMatched, EventCaseDecided, EventActionRequested, EventNoticeDue,
	EventOrderDueSoon, EventOrderExecuted, EventReportSent, EventRiskAssessmentDue}

// Webhook is a platform URL that receives events, signed with its secret.
type Webhook struct {
	ID      string
	URL     string
	Events  []string
	Enabled bool
	Created time.Time
	// Secret signs every delivery. Services fill it only in CreateWebhook's result, so a secret
	// Vigil generated is shown once and never read back.
	Secret string
}

// WebhookUpdate changes a webhook; nil fields stay as they are.
type WebhookUpdate struct {
	URL     *string
	Events  []string // nil keeps the events; an empty list is refused
	Enabled *bool
}

// DeliveryStatus is where one outbound message stands.
type DeliveryStatus string

// The delivery statuses.
const (
	DeliveryPending   DeliveryStatus = "pending"   // waiting for its next attempt
	DeliveryDelivered DeliveryStatus = "delivered" // the receiver answered 2xx
	DeliveryFailed    DeliveryStatus = "failed"    // gave up after the last retry
)

// Delivery is one message in the outbox: an event for one webhook, with its attempts.
type Delivery struct {
	ID        string // also the idempotency key the receiver sees
	WebhookID string
	Event     string
	Payload   []byte // JSON: the exact body sent, an envelope around the event's data
	Status    DeliveryStatus
	Attempts  int
	NextTry   time.Time
	LastError string
	Created   time.Time
}

// DeliveryFilter selects deliveries for listing, newest first.
type DeliveryFilter struct {
	WebhookID string         // "" for every webhook
	Status    DeliveryStatus // "" for all
	Before    string         // a delivery id: the page after the one that ended there
	Limit     int            // 50 by default, at most 500
}

// Dispatch is a delivery claimed by the worker for one attempt, with where to send it and the
// secret to sign it with.
type Dispatch struct {
	Delivery
	URL    string
	Secret string
}

// WebhookService registers webhooks and shows their deliveries. Every method needs the admin
// scope: a webhook receives details of matched content.
type WebhookService interface {
	// CreateWebhook registers url for events; the secret signs every delivery. An empty secret
	// makes the service generate one, returned once in the result.
	CreateWebhook(ctx context.Context, url, secret string, events []string) (Webhook, error)
	Webhooks(ctx context.Context) ([]Webhook, error)
	Webhook(ctx context.Context, id string) (Webhook, error)
	UpdateWebhook(ctx context.Context, id string, u WebhookUpdate) (Webhook, error)
	// DeleteWebhook removes the webhook and its deliveries.
	DeleteWebhook(ctx context.Context, id string) error
	Deliveries(ctx context.Context, f DeliveryFilter) ([]Delivery, error)
	// RetryDelivery makes a delivery due now, with a fresh set of attempts; a delivered one is
	// refused, so a receiver never sees a message twice by an operator's doing.
	RetryDelivery(ctx context.Context, id string) (Delivery, error)
}

// CheckWebhookURL reports whether raw is usable as a webhook URL: absolute http or https with a
// host, no credentials and no fragment.
func CheckWebhookURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return FieldErrorf(EINVALID, "url", "not a URL: %v", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return FieldErrorf(EINVALID, "url", "must start with http:// or https://")
	case u.Host == "" || u.Hostname() == "":
		return FieldErrorf(EINVALID, "url", "has no host")
	case u.User != nil:
		return FieldErrorf(EINVALID, "url", "must not carry credentials: the secret signs deliveries")
	case u.Fragment != "":
		return FieldErrorf(EINVALID, "url", "must not have a #fragment")
	case len(raw) > 2048:
		return FieldErrorf(EINVALID, "url", "longer than 2048 characters")
	}
	return nil
}

// CheckWebhookEvents reports whether events is a non-empty list of known events without repeats.
func CheckWebhookEvents(events []string) error {
	if len(events) == 0 {
		return FieldErrorf(EINVALID, "events", "name at least one of %v", Events)
	}
	for i, e := range events {
		if !slices.Contains(Events, e) {
			return FieldErrorf(EINVALID, "events", "unknown event %q: known are %v", e, Events)
		}
		if slices.Contains(events[:i], e) {
			return FieldErrorf(EINVALID, "events", "event %q listed twice", e)
		}
	}
	return nil
}

// CheckWebhookSecret reports whether secret is strong enough to sign with: 16 to 256 bytes.
// An empty secret is allowed; the service then generates one.
func CheckWebhookSecret(secret string) error {
	if secret != "" && (len(secret) < 16 || len(secret) > 256) {
		return FieldErrorf(EINVALID, "secret", "must be 16 to 256 characters, or empty to have one generated")
	}
	return nil
}
