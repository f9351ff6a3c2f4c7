package vigil

import (
	"context"
	"time"
)

// Webhook event names.
const (
	EventContentMatched = "content.matched"
	EventCaseDecided    = "case.decided"
)

// Events lists every webhook event.
var Events = []string{EventContentMatched, EventCaseDecided}

// Webhook is a platform URL that receives events, signed with its secret.
type Webhook struct {
	ID      string
	URL     string
	Events  []string
	Enabled bool
	Created time.Time
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
	Payload   []byte // JSON
	Status    DeliveryStatus
	Attempts  int
	NextTry   time.Time
	LastError string
	Created   time.Time
}

// WebhookService registers webhooks and shows their deliveries.
type WebhookService interface {
	// CreateWebhook registers url for events; the secret signs every delivery.
	CreateWebhook(ctx context.Context, url, secret string, events []string) (Webhook, error)
	Webhooks(ctx context.Context) ([]Webhook, error)
	DeleteWebhook(ctx context.Context, id string) error
	Deliveries(ctx context.Context, webhookID string, limit int) ([]Delivery, error)
}
