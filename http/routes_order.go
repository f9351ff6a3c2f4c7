package http

import (
	"encoding/json"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/orders"
)

// orderJSON is an order as the API shows it: the document as the authority sent it, and
// Vigil's record of its receipt, clock and execution.
type orderJSON struct {
	ID       string            `json:"id"`
	Kind     vigil.OrderKind   `json:"kind"`
	Status   vigil.OrderStatus `json:"status"`
	Document orders.Document   `json:"document"`
	// Receipt (RO-01).
	ReceivedAt   string     `json:"received_at"`
	ReceivedZone string     `json:"received_zone"`
	Sender       senderJSON `json:"sender"`
	// The clock (RO-03, RO-05): the deadline as it stands now, moving on while paused.
	Deadline         string          `json:"deadline,omitempty"`
	RemainingSeconds *int64          `json:"remaining_seconds,omitempty"`
	PausedSeconds    int64           `json:"paused_seconds"`
	DueSoonSentAt    string          `json:"due_soon_sent_at,omitempty"`
	Actions          []orderItemJSON `json:"actions"`
	Pauses           []pauseJSON     `json:"pauses"`
	// Execution (RO-06).
	Measure    vigil.OrderMeasure `json:"measure,omitempty"`
	ExecutedAt string             `json:"executed_at,omitempty"`
}

type senderJSON struct {
	Kind vigil.ActorKind `json:"kind"`
	ID   string          `json:"id"`
	Name string          `json:"name"`
}

// orderItemJSON links an order's item to the action requested for it.
type orderItemJSON struct {
	URL       string `json:"url"`
	ContentID string `json:"content_id,omitempty"`
	ActionID  string `json:"action_id,omitempty"`
}

// pauseJSON is one Annex V (Annex VIII) notice.
type pauseJSON struct {
	Reason     vigil.PauseReason `json:"reason"`
	Text       string            `json:"text"`
	PausedAt   string            `json:"paused_at"`
	ResumedAt  string            `json:"resumed_at,omitempty"`
	ResumeText string            `json:"resume_text,omitempty"`
}

type ordersResponse struct {
	Items      []orderJSON `json:"items"`
	NextCursor string      `json:"next_cursor"`
}

type cannotExecuteRequest struct {
	Reason vigil.PauseReason `json:"reason"`
	Text   string            `json:"text"`
}

type resumeRequest struct {
	Text string `json:"text,omitempty"`
}

type executeRequest struct {
	Measure vigil.OrderMeasure `json:"measure"`
}

// confirmationResponse carries the Annex VI confirmation's exact signed bytes and signature.
type confirmationResponse struct {
	Confirmation json.RawMessage `json:"confirmation"`
	Signature    string          `json:"signature"` // base64 Ed25519, key at GET /v1/reports/signing-key
}

// urlListResponse is a blocking order's URL list for the access provider (BL-01, BL-08).
type urlListResponse struct {
	OrderID       string   `json:"order_id"`
	ListReference string   `json:"list_reference"`
	ListVersion   string   `json:"list_version"`
	ValidUntil    string   `json:"valid_until"`
	URLs          []string `json:"urls"`
}

// toOrderJSON shows o as it stands at now.
func toOrderJSON(o vigil.Order, now time.Time) orderJSON {
	out := orderJSON{ID: o.ID, Kind: o.Kind, Status: o.Status, Document: orders.FromOrder(o),
		ReceivedAt: apiTime(o.Received), ReceivedZone: o.ReceivedZone,
		Sender:   senderJSON{Kind: o.Sender.Kind, ID: o.Sender.ID, Name: o.Sender.Name},
		Deadline: apiTime(o.DeadlineAt(now)), PausedSeconds: int64(o.PausedTotal.Seconds()),
		DueSoonSentAt: apiTime(o.DueSoonSent), Actions: []orderItemJSON{}, Pauses: []pauseJSON{},
		Measure: o.Measure, ExecutedAt: apiTime(o.Executed)}
	if left, ok := o.Remaining(now); ok {
		secs := int64(left.Seconds())
		out.RemainingSeconds = &secs
	}
	if !o.PausedAt.IsZero() {
		out.PausedSeconds += int64(now.Sub(o.PausedAt).Seconds())
	}
	for _, it := range o.Items {
		out.Actions = append(out.Actions, orderItemJSON{URL: it.URL, ContentID: it.ContentID, ActionID: it.ActionID})
	}
	for _, p := range o.Pauses {
		out.Pauses = append(out.Pauses, pauseJSON{Reason: p.Reason, Text: p.Text, PausedAt: apiTime(p.Paused),
			ResumedAt: apiTime(p.Resumed), ResumeText: p.ResumeText})
	}
	return out
}
