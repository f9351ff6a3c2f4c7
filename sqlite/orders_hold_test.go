package sqlite

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/transparency"
)

// TestDoNotRemoveHoldStopsOrderClock is the simulated-clock bar of requirements §0.2 item 5
// (RP-18, RO-03, RO-05): a removal order received while a do-not-remove hold keeps its item
// online is paused with reason do_not_remove_hold; no alert, banner or overdue figure while
// the hold lasts, long past the unpaused deadline; when the hold is released or runs out the
// removal goes to the platform and the clock restarts with the time it had left, the T-4 h
// alert fires once, and the held time counts neither as time to execute nor as an Annex V
// invocation (TR-02, TR-05).
func TestDoNotRemoveHoldStopsOrderClock(t *testing.T) {
	const held = 30 * time.Hour
	cases := []struct {
		name  string
		until time.Duration // the hold's end after ordersT0
		end   func(t *testing.T, f *orderFixture, h vigil.Hold)
	}{
		{"hold released", 60 * 24 * time.Hour, func(t *testing.T, f *orderFixture, h vigil.Hold) {
			inTx(t, f.db, func(tx *Tx) error { _, err := tx.ReleaseHold(h.ID, "investigation closed"); return err })
		}},
		{"hold ran out", held, func(t *testing.T, f *orderFixture, h vigil.Hold) { resumeHeld(t, f.db) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newOrderFixture(t)
			addContent(t, f.db, "cnt_A", "user-a", nil)
			h := placeHold(t, f.db, vigil.Hold{Kind: vigil.HoldDoNotRemove, ContentID: "cnt_A", Authority: "EU Centre",
				Reference: "EUC-DNR-7", Start: ordersT0.Add(-time.Hour), Until: ordersT0.Add(c.until)})
			o := f.receive(t, removalDoc("cnt_A"))
			if o.Status != vigil.OrderPaused || len(o.Pauses) != 1 || o.Pauses[0].Reason != vigil.PauseDoNotRemoveHold ||
				!o.PausedAt.Equal(ordersT0) || !strings.Contains(o.Pauses[0].Text, h.ID) {
				t.Fatalf("received under a hold: status %s, paused at %v, pauses %+v", o.Status, o.PausedAt, o.Pauses)
			}
			assertAction(t, f.db, o.Items[0].ActionID, vigil.ActionHeld)
			if got := f.events(t, vigil.EventActionRequested); len(got) != 0 {
				t.Fatalf("action.requested under a hold: %v", got)
			}
			if _, err := f.store.Resume(authorityCtx, o.ID, "go"); vigil.ErrorCode(err) != vigil.ECONFLICT {
				t.Errorf("resume a held order by hand: %v", err)
			}

			f.clock.Set(ordersT0.Add(held - time.Millisecond)) // past the unpaused deadline
			f.tick(t)
			f.assertQuiet(t, o.ID)
			if got := f.order(t, o.ID).DeadlineAt(f.clock.Now()); !got.Equal(ordersT0.Add(24*time.Hour + held - time.Millisecond)) {
				t.Errorf("deadline seen while held: %v", got)
			}

			f.clock.Set(ordersT0.Add(held))
			c.end(t, f, h)
			resumed := f.order(t, o.ID)
			if resumed.Status != vigil.OrderExecuting || !resumed.Deadline.Equal(ordersT0.Add(24*time.Hour+held)) ||
				resumed.PausedTotal != held || !resumed.Pauses[0].Resumed.Equal(ordersT0.Add(held)) {
				t.Fatalf("after the hold: status %s, deadline %v, paused %v, pauses %+v",
					resumed.Status, resumed.Deadline, resumed.PausedTotal, resumed.Pauses)
			}
			if got := f.events(t, vigil.EventActionRequested); len(got) != 1 || got[0]["id"] != o.Items[0].ActionID {
				t.Fatalf("action.requested after the hold: %v", got)
			}

			alerts := []struct {
				at   time.Duration
				want int
			}{{20*time.Hour + held - time.Second, 0}, {20*time.Hour + held, 1}, {23*time.Hour + held, 1}}
			for _, a := range alerts {
				f.clock.Set(ordersT0.Add(a.at))
				f.tick(t)
				if got := f.events(t, vigil.EventOrderDueSoon); len(got) != a.want {
					t.Fatalf("order.due_soon events at T+%v: %d, want %d", a.at, len(got), a.want)
				}
			}
			f.finishActions(t, resumed)
			f.tick(t)
			st, err := f.store.OrderStats(context.Background(), f.clock.Now())
			if err != nil || len(st.ExecutionTimes) != 1 || st.ExecutionTimes[0] != 23*time.Hour {
				t.Fatalf("time to execute: %+v, %v", st.ExecutionTimes, err)
			}
			pauses, err := NewTransparencyStore(f.db).Pauses(adminCtx, transparency.YearPeriod(ordersT0.Year()))
			if err != nil || len(pauses) != 0 {
				t.Errorf("Annex V invocations: %+v, %v", pauses, err)
			}
			// TR-02: the held time is recorded with the order, so the yearly average time to
			// execute leaves it out as the metric does.
			orders, err := NewTransparencyStore(f.db).Orders(adminCtx, transparency.YearPeriod(ordersT0.Year()))
			if err != nil || len(orders) != 1 || orders[0].Held != held {
				t.Errorf("orders for the transparency report: %+v, %v; want one held %s", orders, err, held)
			}
			f.assertAudited(t, o.ID, "order.receive", "order.pause", "order.resume", "order.due_soon", "order.execute")
		})
	}
}

// TestOrderHeldWhileAnyItemIsHeld: an order naming two held items stays paused until both
// removals have gone to the platform; the removal of an item no hold covers goes out at once.
func TestOrderHeldWhileAnyItemIsHeld(t *testing.T) {
	f := newOrderFixture(t)
	for _, id := range []string{"cnt_A", "cnt_B", "cnt_C"} {
		addContent(t, f.db, id, "user-"+id, nil)
	}
	hA := placeHold(t, f.db, vigil.Hold{Kind: vigil.HoldDoNotRemove, ContentID: "cnt_A", Authority: "EU Centre",
		Reference: "EUC-DNR-1", Until: ordersT0.Add(48 * time.Hour)})
	hB := placeHold(t, f.db, vigil.Hold{Kind: vigil.HoldDoNotRemove, ContentID: "cnt_B", Authority: "EU Centre",
		Reference: "EUC-DNR-2", Until: ordersT0.Add(48 * time.Hour)})
	o := f.receive(t, removalDoc("cnt_A", "cnt_B", "cnt_C"))
	if o.Status != vigil.OrderPaused || !strings.Contains(o.Pauses[0].Text, hA.ID) || !strings.Contains(o.Pauses[0].Text, hB.ID) {
		t.Fatalf("received: status %s, pauses %+v", o.Status, o.Pauses)
	}
	if got := f.events(t, vigil.EventActionRequested); len(got) != 1 || got[0]["id"] != o.Items[2].ActionID {
		t.Fatalf("action.requested for the item no hold covers: %v", got)
	}

	steps := []struct {
		at     time.Duration
		hold   vigil.Hold
		status vigil.OrderStatus
	}{
		{5 * time.Hour, hA, vigil.OrderPaused},
		{8 * time.Hour, hB, vigil.OrderExecuting},
	}
	for _, s := range steps {
		f.clock.Set(ordersT0.Add(s.at))
		inTx(t, f.db, func(tx *Tx) error { _, err := tx.ReleaseHold(s.hold.ID, "withdrawn"); return err })
		if got := f.order(t, o.ID); got.Status != s.status {
			t.Fatalf("T+%v, %s released: order %s, want %s", s.at, s.hold.ID, got.Status, s.status)
		}
	}
	if got := f.order(t, o.ID); !got.Deadline.Equal(ordersT0.Add(32*time.Hour)) || len(got.Pauses) != 1 {
		t.Errorf("deadline %v with pauses %+v, want T+32h after one 8-hour pause", got.Deadline, got.Pauses)
	}
}

// TestHoldAfterRemovalWasSent: a do-not-remove hold placed after the order's removal went to
// the platform cannot hold it back, so the order's clock keeps running (and the T-4 h alert
// fires); the order's history says the hold came after the request.
func TestHoldAfterRemovalWasSent(t *testing.T) {
	f := newOrderFixture(t)
	addContent(t, f.db, "cnt_A", "user-a", nil)
	o := f.receive(t, removalDoc("cnt_A"))
	f.clock.Set(ordersT0.Add(2 * time.Hour))
	h := placeHold(t, f.db, vigil.Hold{Kind: vigil.HoldDoNotRemove, ContentID: "cnt_A", Authority: "EU Centre",
		Reference: "EUC-DNR-9", Until: ordersT0.Add(30 * 24 * time.Hour)})
	got := f.order(t, o.ID)
	if got.Status != vigil.OrderExecuting || !got.Deadline.Equal(ordersT0.Add(24*time.Hour)) || len(got.Pauses) != 0 {
		t.Fatalf("after a late hold: status %s, deadline %v, pauses %+v", got.Status, got.Deadline, got.Pauses)
	}
	assertAction(t, f.db, o.Items[0].ActionID, vigil.ActionRequested)
	events, err := f.db.AuditEvents(adminCtx, vigil.AuditFilter{ObjectType: "order", ObjectID: o.ID, Action: "order.late_hold"})
	if err != nil || len(events) != 1 || !strings.Contains(events[0].Detail, h.ID) || !strings.Contains(events[0].Detail, o.Items[0].ActionID) {
		t.Fatalf("order history of the late hold: %+v, %v", events, err)
	}
	f.clock.Set(ordersT0.Add(20 * time.Hour))
	f.tick(t)
	if got := f.events(t, vigil.EventOrderDueSoon); len(got) != 1 {
		t.Errorf("order.due_soon events with the removal sent: %d, want 1", len(got))
	}
}

// order reads order id, failing the test on error.
func (f *orderFixture) order(t *testing.T, id string) vigil.Order {
	t.Helper()
	o, err := f.store.Order(authorityCtx, id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// assertQuiet fails the test if order id raised an alert, shows in the banner or counts as
// due soon or overdue.
func (f *orderFixture) assertQuiet(t *testing.T, id string) {
	t.Helper()
	if got := f.events(t, vigil.EventOrderDueSoon); len(got) != 0 {
		t.Errorf("order.due_soon events while held: %v", got)
	}
	if a, err := f.store.Alert(authorityCtx); err != nil || a.DueSoon+a.Overdue != 0 {
		t.Errorf("banner while held: %+v, %v", a, err)
	}
	st, err := f.store.OrderStats(context.Background(), f.clock.Now())
	if err != nil || st.DueSoon+st.Overdue != 0 || st.HasNearest || st.Open[vigil.OrderRemoval] != 1 {
		t.Errorf("metrics while %s is held: %+v, %v", id, st, err)
	}
}

// assertAudited fails the test unless order id's audit events are, in order, actions.
func (f *orderFixture) assertAudited(t *testing.T, id string, actions ...string) {
	t.Helper()
	events, err := f.db.AuditEvents(adminCtx, vigil.AuditFilter{ObjectType: "order", ObjectID: id})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events {
		got = append(got, e.Action)
	}
	if strings.Join(got, " ") != strings.Join(actions, " ") {
		t.Errorf("order audit events %v, want %v", got, actions)
	}
}

// TestHoldEndRestartsEveryOrderOnItsItem: when a do-not-remove hold on an item ends, every
// order on that item whose removals are no longer held restarts its clock, even when an
// earlier order on the same item still waits for another item's hold (RP-18, RO-03).
func TestHoldEndRestartsEveryOrderOnItsItem(t *testing.T) {
	f := newOrderFixture(t)
	for _, id := range []string{"cnt_A", "cnt_B"} {
		addContent(t, f.db, id, "user-"+id, nil)
	}
	hA := placeHold(t, f.db, vigil.Hold{Kind: vigil.HoldDoNotRemove, ContentID: "cnt_A", Authority: "EU Centre",
		Reference: "EUC-DNR-1", Until: ordersT0.Add(48 * time.Hour)})
	placeHold(t, f.db, vigil.Hold{Kind: vigil.HoldDoNotRemove, ContentID: "cnt_B", Authority: "EU Centre",
		Reference: "EUC-DNR-2", Until: ordersT0.Add(48 * time.Hour)})
	both := f.receive(t, removalDoc("cnt_A", "cnt_B"))
	f.clock.Set(ordersT0.Add(time.Minute))
	onlyA := f.receive(t, removalDoc("cnt_A"))

	f.clock.Set(ordersT0.Add(5 * time.Hour))
	inTx(t, f.db, func(tx *Tx) error { _, err := tx.ReleaseHold(hA.ID, "withdrawn"); return err })
	want := map[string]vigil.OrderStatus{both.ID: vigil.OrderPaused, onlyA.ID: vigil.OrderExecuting}
	for id, status := range want {
		if got := f.order(t, id); got.Status != status {
			t.Errorf("order %s after the hold on cnt_A ended: %s, want %s", id, got.Status, status)
		}
	}
}
