package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/fakeclock"
)

var adminCtx = vigil.WithActor(context.Background(), vigil.Actor{
	Kind: vigil.ActorUser, ID: "usr_admin", Name: "admin", Role: vigil.RoleAdmin, Scopes: vigil.Scopes,
})

func mustWebhook(t *testing.T, db *DB, events ...string) vigil.Webhook {
	t.Helper()
	w, err := db.CreateWebhook(adminCtx, "http://127.0.0.1:9/hook", "", events)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func enqueue(t *testing.T, db *DB, event string, payload any) {
	t.Helper()
	if err := db.Update(adminCtx, func(tx *Tx) error { return tx.Enqueue(event, payload) }); err != nil {
		t.Fatal(err)
	}
}

func deliveriesOf(t *testing.T, db *DB, webhookID string) []vigil.Delivery {
	t.Helper()
	ds, err := db.Deliveries(adminCtx, vigil.DeliveryFilter{WebhookID: webhookID, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestEnqueueFansOutToSubscribedEnabledWebhooks(t *testing.T) {
	db := openTest(t)
	matched := mustWebhook(t, db, vigil.EventContentMatched)
	both := mustWebhook(t, db, vigil.EventCaseDecided, vigil.EventContentMatched)
	disabled := mustWebhook(t, db, vigil.EventContentMatched)
	off := false
	if _, err := db.UpdateWebhook(adminCtx, disabled.ID, vigil.WebhookUpdate{Enabled: &off}); err != nil {
		t.Fatal(err)
	}
	enqueue(t, db, vigil.EventContentMatched, map[string]string{"content_id": "cnt_1"})
	db.Clock.(*fakeclock.Clock).Advance(time.Millisecond) // ids of one millisecond sort at random
	enqueue(t, db, vigil.EventCaseDecided, map[string]string{"case_id": "cas_1"})

	for _, tc := range []struct {
		name   string
		hook   vigil.Webhook
		events []string
	}{
		{"content.matched only", matched, []string{vigil.EventContentMatched}},
		{"both events, newest first", both, []string{vigil.EventCaseDecided, vigil.EventContentMatched}},
		{"disabled", disabled, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds := deliveriesOf(t, db, tc.hook.ID)
			if len(ds) != len(tc.events) {
				t.Fatalf("%d deliveries, want %d", len(ds), len(tc.events))
			}
			for i, d := range ds {
				if d.Event != tc.events[i] || d.Status != vigil.DeliveryPending || d.Attempts != 0 {
					t.Errorf("delivery %d: %+v, want pending %s", i, d, tc.events[i])
				}
				var body struct {
					ID        string
					Event     string
					CreatedAt string `json:"created_at"`
					Data      map[string]string
				}
				if err := json.Unmarshal(d.Payload, &body); err != nil {
					t.Fatalf("payload %s: %v", d.Payload, err)
				}
				if body.Event != d.Event || body.ID == "" || !strings.HasPrefix(body.CreatedAt, "2026-11-27T12:00:00.00") || len(body.CreatedAt) != len("2006-01-02T15:04:05.000Z") || len(body.Data) != 1 {
					t.Errorf("payload %s: want created_at with ms and the data", d.Payload)
				}
			}
		})
	}
}

func TestEnqueueCommitsWithTheCaller(t *testing.T) {
	db := openTest(t)
	hook := mustWebhook(t, db, vigil.EventContentMatched)
	refused := errors.New("verdict refused")
	for _, tc := range []struct {
		name    string
		event   string
		payload any
		fail    error
	}{
		{"caller rolls back", vigil.EventContentMatched, 1, refused},
		{"unknown event", "content.deleted", 1, nil},
		{"payload not JSON", vigil.EventContentMatched, make(chan int), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := db.Update(adminCtx, func(tx *Tx) error {
				if err := tx.Enqueue(tc.event, tc.payload); err != nil {
					return err
				}
				return tc.fail
			})
			if err == nil {
				t.Fatal("Update succeeded; want an error")
			}
			if n := len(deliveriesOf(t, db, hook.ID)); n != 0 {
				t.Fatalf("%d deliveries kept, want 0", n)
			}
		})
	}
}

func TestWebhookValidation(t *testing.T) {
	db := openTest(t)
	reviewer := vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorUser, Role: vigil.RoleReviewer,
		Scopes: vigil.ScopesOf(vigil.RoleReviewer)})
	ok := []string{vigil.EventContentMatched}
	for _, tc := range []struct {
		name, url, secret string
		events            []string
		ctx               context.Context
		code, field       string
	}{
		{"ftp url", "ftp://example.com/", "", ok, adminCtx, vigil.EINVALID, "url"},
		{"relative url", "/hook", "", ok, adminCtx, vigil.EINVALID, "url"},
		{"credentials in url", "https://u:p@example.com/", "", ok, adminCtx, vigil.EINVALID, "url"},
		{"short secret", "https://example.com/", "short", ok, adminCtx, vigil.EINVALID, "secret"},
		{"no events", "https://example.com/", "", nil, adminCtx, vigil.EINVALID, "events"},
		{"unknown event", "https://example.com/", "", []string{"x"}, adminCtx, vigil.EINVALID, "events"},
		{"repeated event", "https://example.com/", "", []string{ok[0], ok[0]}, adminCtx, vigil.EINVALID, "events"},
		{"not admin", "https://example.com/", "", ok, reviewer, vigil.EFORBIDDEN, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := db.CreateWebhook(tc.ctx, tc.url, tc.secret, tc.events)
			var e *vigil.Error
			if !errors.As(err, &e) || e.Code != tc.code || e.Field != tc.field {
				t.Fatalf("got %v, want %s on %q", err, tc.code, tc.field)
			}
		})
	}
}

func TestWebhookLifecycle(t *testing.T) {
	db := openTest(t)
	w, err := db.CreateWebhook(adminCtx, "https://example.com/a", "a-secret-of-sixteen+", []string{vigil.EventCaseDecided})
	if err != nil || w.Secret != "a-secret-of-sixteen+" {
		t.Fatalf("create: %+v, %v", w, err)
	}
	generated := mustWebhook(t, db, vigil.EventCaseDecided)
	if len(generated.Secret) < 40 {
		t.Errorf("generated secret %q too short", generated.Secret)
	}
	url := "https://example.com/b"
	got, err := db.UpdateWebhook(adminCtx, w.ID, vigil.WebhookUpdate{URL: &url, Events: vigil.Events})
	if err != nil || got.URL != url || len(got.Events) != len(vigil.Events) || got.Secret != "" {
		t.Fatalf("update: %+v, %v", got, err)
	}
	enqueue(t, db, vigil.EventCaseDecided, 1)
	if err := db.DeleteWebhook(adminCtx, w.ID); err != nil {
		t.Fatal(err)
	}
	all, err := db.Deliveries(adminCtx, vigil.DeliveryFilter{})
	if err != nil || len(all) != 1 || all[0].WebhookID != generated.ID {
		t.Fatalf("after delete: %+v, %v; want only the other webhook's delivery", all, err)
	}
	for _, err := range []error{
		db.DeleteWebhook(adminCtx, w.ID),
		func() error { _, err := db.Webhook(adminCtx, w.ID); return err }(),
		func() error { _, err := db.Deliveries(adminCtx, vigil.DeliveryFilter{WebhookID: w.ID}); return err }(),
	} {
		if vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("deleted webhook: %v, want not found", err)
		}
	}
	events, err := db.AuditEvents(adminCtx, vigil.AuditFilter{ObjectType: "webhook"})
	if err != nil || len(events) != 4 {
		t.Fatalf("audit: %d events, %v; want create, create, update, delete", len(events), err)
	}
}

func TestDeliveriesPaging(t *testing.T) {
	db := openTest(t)
	clock := db.Clock.(*fakeclock.Clock)
	hook := mustWebhook(t, db, vigil.EventContentMatched)
	for i := range 7 {
		clock.Advance(time.Millisecond)
		enqueue(t, db, vigil.EventContentMatched, i)
	}
	var seen []string
	for before := ""; ; {
		page, err := db.Deliveries(adminCtx, vigil.DeliveryFilter{WebhookID: hook.ID, Before: before, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, d := range page {
			seen = append(seen, d.ID)
		}
		before = page[len(page)-1].ID
	}
	if len(seen) != 7 {
		t.Fatalf("paged through %d deliveries, want 7", len(seen))
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] >= seen[i-1] {
			t.Fatalf("not newest first: %v", seen)
		}
	}
}

func TestClaimLeasesAndOutcomes(t *testing.T) {
	db := openTest(t)
	clock := db.Clock.(*fakeclock.Clock)
	hook := mustWebhook(t, db, vigil.EventContentMatched)
	enqueue(t, db, vigil.EventContentMatched, 1)
	claim := func(want int) []vigil.Dispatch {
		t.Helper()
		ds, err := db.ClaimDeliveries(adminCtx, 10, time.Minute)
		if err != nil || len(ds) != want {
			t.Fatalf("claimed %d, %v; want %d", len(ds), err, want)
		}
		return ds
	}
	d := claim(1)[0]
	if d.Attempts != 1 || d.URL != hook.URL || d.Secret != hook.Secret {
		t.Fatalf("claimed %+v", d)
	}
	claim(0)
	clock.Advance(time.Minute)
	if d = claim(1)[0]; d.Attempts != 2 {
		t.Fatalf("re-claimed after lease with %d attempts, want 2", d.Attempts)
	}
	if err := db.DeliveryFailed(adminCtx, d.ID, "HTTP 503", clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	claim(0)
	clock.Advance(time.Hour)
	d = claim(1)[0]
	if err := db.DeliveryFailed(adminCtx, d.ID, "HTTP 410", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got := deliveriesOf(t, db, hook.ID)[0]; got.Status != vigil.DeliveryFailed || got.LastError != "HTTP 410" {
		t.Fatalf("after giving up: %+v", got)
	}
	if err := db.DeliveryFailed(adminCtx, d.ID, "late", time.Time{}); err == nil {
		t.Fatal("recorded an outcome on a finished delivery")
	}
	if r, err := db.RetryDelivery(adminCtx, d.ID); err != nil || r.Status != vigil.DeliveryPending || r.Attempts != 0 {
		t.Fatalf("retry: %+v, %v", r, err)
	}
	d = claim(1)[0]
	if err := db.DeliverySucceeded(adminCtx, d.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RetryDelivery(adminCtx, d.ID); vigil.ErrorCode(err) != vigil.ECONFLICT {
		t.Fatalf("retry of delivered: %v, want conflict", err)
	}
	events, err := db.AuditEvents(adminCtx, vigil.AuditFilter{ObjectType: "delivery"})
	if err != nil || len(events) != 3 {
		t.Fatalf("audit: %d events, %v; want give_up, retry, deliver", len(events), err)
	}
}

func TestClaimSkipsDisabledWebhooks(t *testing.T) {
	db := openTest(t)
	hook := mustWebhook(t, db, vigil.EventContentMatched)
	enqueue(t, db, vigil.EventContentMatched, 1)
	for _, tc := range []struct {
		name    string
		enabled bool
		want    int
	}{{"disabled", false, 0}, {"enabled again", true, 1}} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := db.UpdateWebhook(adminCtx, hook.ID, vigil.WebhookUpdate{Enabled: &tc.enabled}); err != nil {
				t.Fatal(err)
			}
			ds, err := db.ClaimDeliveries(adminCtx, 10, time.Minute)
			if err != nil || len(ds) != tc.want {
				t.Fatalf("claimed %d, %v; want %d", len(ds), err, tc.want)
			}
		})
	}
}
