package http

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
)

// TestOrderUnderDoNotRemoveHoldAPI drives requirements §0.2 item 5 through the API (RP-18,
// RO-05): a removal order naming an item the EU Centre asked to keep online arrives paused
// with reason do_not_remove_hold and no running deadline, cannot be resumed by hand, and
// restarts its clock when the hold is released, its deadline moved by the held time.
func TestOrderUnderDoNotRemoveHoldAPI(t *testing.T) {
	f := newOrderPlatform(t)
	reports := f.platform.key(t, vigil.ScopeReports)
	received := f.clock.Now()
	hold := fmt.Sprintf(`{"kind":"do_not_remove","content_id":%q,"authority":"EU Centre","reference":"EUC-DNR-3","until":%q}`,
		exampleOrderDocument.Items[0].ContentID, received.AddDate(0, 1, 0).Format(time.RFC3339))
	resp, body := f.do(t, request{method: "POST", path: "/v1/holds", key: reports, body: hold})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("place hold: %d %s", resp.StatusCode, body)
	}
	var h holdJSON
	decode(t, body, &h)

	resp, body = f.do(t, request{method: "POST", path: "/v1/orders", key: f.key, body: orderBody(t, "DE-HOLD-1")})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("receive: %d %s", resp.StatusCode, body)
	}
	var o orderJSON
	decode(t, body, &o)
	if o.Status != vigil.OrderPaused || o.RemainingSeconds != nil || len(o.Pauses) != 1 ||
		o.Pauses[0].Reason != vigil.PauseDoNotRemoveHold {
		t.Fatalf("received under a hold: %s", body)
	}
	resp, body = f.do(t, request{method: "POST", path: "/v1/orders/" + o.ID + "/resume", key: f.key, body: `{"text":"go"}`})
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("resume by hand: %d %s, want 409", resp.StatusCode, body)
	}

	f.clock.Advance(30 * time.Hour)
	resp, body = f.do(t, request{method: "POST", path: "/v1/holds/" + h.ID + "/release", key: reports, body: `{"reason":"investigation closed"}`})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("release: %d %s", resp.StatusCode, body)
	}
	resp, body = f.do(t, request{method: "GET", path: "/v1/orders/" + o.ID, key: f.key})
	decode(t, body, &o)
	want := received.Add(54 * time.Hour).Format("2006-01-02T15:04:05.000Z07:00")
	if resp.StatusCode != http.StatusOK || o.Status != vigil.OrderExecuting || o.Deadline != want ||
		o.RemainingSeconds == nil || *o.RemainingSeconds != 24*3600 || o.Pauses[0].ResumedAt == "" {
		t.Fatalf("after the release: %d %s, want executing with deadline %s", resp.StatusCode, body, want)
	}
}
