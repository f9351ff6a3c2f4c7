package sqlite

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/orders"
	"github.com/vigilproject/vigil/transparency"
)

// TestRemovalOrderClockAndDueSoonAlert is the 24-hour removal bar (RO-01, RO-03, RO-06): the
// order is received with its sender, the item's removal requested at once, order.due_soon is
// enqueued exactly once at T-4 h, the metrics and the banner see the order due soon and then
// overdue, and the platform's confirmation executes it with a signed Annex VI confirmation.
func TestRemovalOrderClockAndDueSoonAlert(t *testing.T) {
	f := newOrderFixture(t)
	addContent(t, f.db, "cnt_A", "user-a", nil)
	o := f.receive(t, removalDoc("cnt_A"))
	if o.Status != vigil.OrderExecuting || !o.Deadline.Equal(ordersT0.Add(24*time.Hour)) || o.ReceivedZone != "UTC" {
		t.Fatalf("received: status %s deadline %v zone %q", o.Status, o.Deadline, o.ReceivedZone)
	}
	if o.Sender.ID != "key_ca_de" || o.Items[0].ActionID == "" {
		t.Fatalf("received: sender %+v, action %q", o.Sender, o.Items[0].ActionID)
	}
	if got := f.events(t, vigil.EventActionRequested); len(got) != 1 || got[0]["trigger"] != "removal_order" {
		t.Fatalf("action.requested events: %v", got)
	}
	steps := []struct {
		at               time.Duration
		alerts           int
		dueSoon, overdue int
	}{
		{at: time.Hour, alerts: 0},
		{at: 20*time.Hour - time.Minute, alerts: 0},
		{at: 20 * time.Hour, alerts: 1, dueSoon: 1},
		{at: 23 * time.Hour, alerts: 1, dueSoon: 1},
		{at: 24*time.Hour + time.Minute, alerts: 1, overdue: 1},
	}
	for _, s := range steps {
		t.Run("T+"+s.at.String(), func(t *testing.T) {
			f.clock.Set(ordersT0.Add(s.at))
			f.tick(t)
			if got := f.events(t, vigil.EventOrderDueSoon); len(got) != s.alerts {
				t.Fatalf("order.due_soon events: %d, want %d", len(got), s.alerts)
			}
			st, err := f.store.OrderStats(context.Background(), f.clock.Now())
			if err != nil || st.DueSoon != s.dueSoon || st.Overdue != s.overdue || !st.HasNearest {
				t.Fatalf("stats %+v, %v", st, err)
			}
			if want := 24*time.Hour - s.at; st.Nearest != want {
				t.Errorf("nearest deadline in %v, want %v", st.Nearest, want)
			}
			a, err := f.store.Alert(authorityCtx)
			if err != nil || a.DueSoon != s.dueSoon || a.Overdue != s.overdue {
				t.Fatalf("banner %+v, %v", a, err)
			}
		})
	}
	alert := f.events(t, vigil.EventOrderDueSoon)[0]
	if alert["order_id"] != o.ID || alert["remaining_seconds"] != float64(4*3600) {
		t.Errorf("order.due_soon data: %v", alert)
	}

	f.finishActions(t, o)
	f.tick(t)
	done, err := f.store.Order(authorityCtx, o.ID)
	if err != nil || done.Status != vigil.OrderExecuted || done.Measure != vigil.MeasureRemoved {
		t.Fatalf("after the platform's confirmation: %+v, %v", done, err)
	}
	if err := orders.VerifyConfirmation(f.signingKey(t), done.Confirmation, done.ConfirmationSig); err != nil {
		t.Fatalf("Annex VI confirmation: %v", err)
	}
	if got := f.events(t, vigil.EventOrderExecuted); len(got) != 1 || got[0]["signature"] != done.ConfirmationSig {
		t.Fatalf("order.executed events: %v", got)
	}
	st, err := f.store.OrderStats(context.Background(), f.clock.Now())
	if err != nil || len(st.ExecutionTimes) != 1 || st.ExecutionTimes[0] != 24*time.Hour+time.Minute || st.HasNearest {
		t.Fatalf("stats after execution: %+v, %v", st, err)
	}
	if got := f.events(t, vigil.EventOrderDueSoon); len(got) != 1 {
		t.Fatalf("order.due_soon events after execution: %d, want 1", len(got))
	}
}

// TestAnnexVPauseStopsTheClock is the Annex V bar (RO-05, TR-05): while an order is paused its
// clock stands still, no alert is raised however long the pause, and on resume the deadline
// moves on by exactly the paused time; a manifest error waits for the authority as
// cannot_execute.
func TestAnnexVPauseStopsTheClock(t *testing.T) {
	cases := []struct {
		reason vigil.PauseReason
		status vigil.OrderStatus
	}{
		{vigil.PauseTechnical, vigil.OrderPaused},
		{vigil.PauseForceMajeure, vigil.OrderPaused},
		{vigil.PauseManifestError, vigil.OrderCannotExecute},
		{vigil.PauseInsufficientInformation, vigil.OrderCannotExecute},
	}
	for _, c := range cases {
		t.Run(string(c.reason), func(t *testing.T) {
			f := newOrderFixture(t)
			o := f.receive(t, removalDoc("cnt_A"))
			f.clock.Advance(10 * time.Hour)
			paused, err := f.store.CannotExecute(authorityCtx, o.ID, c.reason, "The hosting cluster is unreachable.")
			if err != nil || paused.Status != c.status || len(paused.Pauses) != 1 {
				t.Fatalf("cannot execute: %+v, %v", paused, err)
			}
			f.clock.Advance(30 * time.Hour) // T+40h: long past the unpaused deadline
			f.tick(t)
			if got := f.events(t, vigil.EventOrderDueSoon); len(got) != 0 {
				t.Fatalf("alerts while paused: %d", len(got))
			}
			if a, err := f.store.Alert(authorityCtx); err != nil || a.DueSoon+a.Overdue != 0 {
				t.Fatalf("banner while paused: %+v, %v", a, err)
			}
			if got := paused.DeadlineAt(f.clock.Now()); !got.Equal(ordersT0.Add(54 * time.Hour)) {
				t.Errorf("deadline seen while paused: %v", got)
			}
			resumed, err := f.store.Resume(authorityCtx, o.ID, "Cluster back.")
			if err != nil || resumed.Status != vigil.OrderExecuting {
				t.Fatalf("resume: %+v, %v", resumed, err)
			}
			if want := ordersT0.Add(54 * time.Hour); !resumed.Deadline.Equal(want) || resumed.PausedTotal != 30*time.Hour {
				t.Fatalf("deadline after resume %v (paused %v), want %v", resumed.Deadline, resumed.PausedTotal, want)
			}
			if p := resumed.Pauses[0]; !p.Resumed.Equal(f.clock.Now()) || p.ResumeText != "Cluster back." {
				t.Errorf("pause record: %+v", p)
			}
			f.clock.Set(ordersT0.Add(50*time.Hour - time.Second))
			f.tick(t)
			if got := f.events(t, vigil.EventOrderDueSoon); len(got) != 0 {
				t.Fatalf("alert before T-4h of the moved deadline: %d", len(got))
			}
			f.clock.Set(ordersT0.Add(50 * time.Hour))
			f.tick(t)
			if got := f.events(t, vigil.EventOrderDueSoon); len(got) != 1 {
				t.Fatalf("alerts at T-4h of the moved deadline: %d, want 1", len(got))
			}
		})
	}
}

func TestOrderTransitionsRefused(t *testing.T) {
	f := newOrderFixture(t)
	o := f.receive(t, removalDoc("cnt_A"))
	if _, err := f.store.Resume(authorityCtx, o.ID, ""); vigil.ErrorCode(err) != vigil.ECONFLICT {
		t.Errorf("resume a running order: %v", err)
	}
	if _, err := f.store.CannotExecute(authorityCtx, o.ID, "bored", "x"); vigil.ErrorCode(err) != vigil.EINVALID {
		t.Errorf("unknown reason: %v", err)
	}
	if _, err := f.store.CannotExecute(authorityCtx, o.ID, vigil.PauseTechnical, " "); vigil.ErrorCode(err) != vigil.EINVALID {
		t.Errorf("no explanation: %v", err)
	}
	if _, err := f.store.CannotExecute(authorityCtx, o.ID, vigil.PauseTechnical, "down"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.CannotExecute(authorityCtx, o.ID, vigil.PauseTechnical, "again"); vigil.ErrorCode(err) != vigil.ECONFLICT {
		t.Errorf("pause a paused order: %v", err)
	}
	if _, err := f.store.Execute(authorityCtx, o.ID, vigil.MeasureRemoved); vigil.ErrorCode(err) != vigil.ECONFLICT {
		t.Errorf("execute a paused order: %v", err)
	}
	if _, err := f.store.Resume(authorityCtx, o.ID, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Execute(authorityCtx, o.ID, vigil.MeasureDelisted); vigil.ErrorCode(err) != vigil.EINVALID {
		t.Errorf("delisted for a removal order: %v", err)
	}
	done, err := f.store.Execute(authorityCtx, o.ID, vigil.MeasureDisabled)
	if err != nil || done.Status != vigil.OrderExecuted || done.Measure != vigil.MeasureDisabled {
		t.Fatalf("execute by hand: %+v, %v", done, err)
	}
	if _, err := f.store.Execute(authorityCtx, o.ID, vigil.MeasureRemoved); vigil.ErrorCode(err) != vigil.ECONFLICT {
		t.Errorf("execute twice: %v", err)
	}
	reviewer := vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorUser, ID: "usr_r", Scopes: vigil.ScopesOf(vigil.RoleReviewer)})
	if _, err := f.store.Order(reviewer, o.ID); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
		t.Errorf("a reviewer reads an order: %v", err)
	}
	if a, err := f.store.Alert(reviewer); err != nil || a.DueSoon+a.Overdue != 0 {
		t.Errorf("a reviewer's banner: %+v, %v", a, err)
	}
}

// TestOrderIdempotencyKey: an authority retrying a delivery gets the order it sent, never a
// second order; reusing a key for another order is refused.
func TestOrderIdempotencyKey(t *testing.T) {
	f := newOrderFixture(t)
	o := parseDoc(t, removalDoc("cnt_A"))
	o.IdempotencyKey = "retry-1"
	first, created, err := f.store.Receive(authorityCtx, o)
	if err != nil || !created {
		t.Fatalf("first delivery: %v, %v", created, err)
	}
	f.clock.Advance(time.Minute)
	again, created, err := f.store.Receive(authorityCtx, o)
	if err != nil || created || again.ID != first.ID || !again.Received.Equal(first.Received) {
		t.Fatalf("retry: %s created %v, %v; want %s", again.ID, created, err, first.ID)
	}
	other := o
	other.Reference = "DE-BKA-2026-0043"
	if _, _, err := f.store.Receive(authorityCtx, other); vigil.ErrorCode(err) != vigil.ECONFLICT {
		t.Errorf("same key, other order: %v", err)
	}
	if got := f.events(t, vigil.EventActionRequested); len(got) != 1 {
		t.Errorf("actions requested: %d, want 1", len(got))
	}
}

// TestNonDisclosureHoldsTheRemovalNotice: an order's non-disclosure becomes a do_not_inform
// hold and the removal notice waits for its end (RO-07, RO-08).
func TestNonDisclosureHoldsTheRemovalNotice(t *testing.T) {
	f := newOrderFixture(t)
	addContent(t, f.db, "cnt_A", "user-a", nil)
	doc := removalDoc("cnt_A")
	doc.NonDisclosure, doc.NonDisclosureDays = true, 42
	o := f.receive(t, doc)
	f.clock.Advance(2 * time.Hour)
	f.finishActions(t, o)
	f.tick(t)
	var status, holdID string
	var due int64
	err := f.db.read.QueryRow(`SELECT status, hold_id, due FROM notices WHERE content_id = 'cnt_A' AND kind = 'removal' AND reference = ?`,
		o.ID).Scan(&status, &holdID, &due)
	if err != nil {
		t.Fatal(err)
	}
	if want := ordersT0.Add(42 * 24 * time.Hour); status != string(vigil.NoticeHeld) || holdID == "" || !fromMS(due).Equal(want) {
		t.Fatalf("removal notice: %s hold %q due %v, want held until %v", status, holdID, fromMS(due), want)
	}
	tooLong := removalDoc("cnt_B")
	tooLong.NonDisclosure, tooLong.NonDisclosureDays = true, 43
	if _, err := orders.Parse(mustJSON(t, tooLong)); vigil.ErrorCode(err) != vigil.EINVALID {
		t.Errorf("43 days of non-disclosure: %v", err)
	}
}

// TestBlockingOrderURLList: the URL list is served only against the order's reference and only
// from the start to the end date; the order expires at the end (BL-01, BL-02, BL-08).
func TestBlockingOrderURLList(t *testing.T) {
	f := newOrderFixture(t)
	doc := removalDoc()
	doc.Kind, doc.Items = vigil.OrderBlocking, []orders.Item{{URL: "https://bad.example/a?x=1"}, {URL: "https://bad.example/b"}}
	doc.URLList = &orders.URLList{Reference: "EUC-URL-LIST", Version: "2026-03-01.1",
		Start: ordersT0.Add(24 * time.Hour).Format(time.RFC3339), End: ordersT0.Add(48 * time.Hour).Format(time.RFC3339)}
	o := f.receive(t, doc)
	if o.Status != vigil.OrderReceived || !o.Deadline.IsZero() {
		t.Fatalf("received: %s deadline %v", o.Status, o.Deadline)
	}
	steps := []struct {
		name      string
		at        time.Duration
		reference string
		status    vigil.OrderStatus
		code      string
	}{
		{"before the start", 23 * time.Hour, o.Reference, vigil.OrderReceived, vigil.EFORBIDDEN},
		{"running", 30 * time.Hour, o.Reference, vigil.OrderExecuting, ""},
		{"wrong reference", 30 * time.Hour, "DE-BKA-2026-0041", vigil.OrderExecuting, vigil.EFORBIDDEN},
		{"after the end", 48 * time.Hour, o.Reference, vigil.OrderExpired, vigil.EFORBIDDEN},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			f.clock.Set(ordersT0.Add(s.at))
			f.tick(t)
			got, err := f.store.URLList(authorityCtx, o.ID, s.reference)
			if vigil.ErrorCode(err) != s.code {
				t.Fatalf("URL list: %v, want code %q", err, s.code)
			}
			var urls []string
			for _, it := range got.Items {
				urls = append(urls, it.URL)
			}
			if s.code == "" && strings.Join(urls, " ") != "https://bad.example/a?x=1 https://bad.example/b" {
				t.Errorf("URL list: %v", urls)
			}
			if got, _ := f.store.Order(authorityCtx, o.ID); got.Status != s.status {
				t.Errorf("status %s, want %s", got.Status, s.status)
			}
		})
	}
}

// TestVoluntaryAndDelistingQueues: voluntary notifications have their own queue and no clock
// (RO-10); a delisting order runs the removal lifecycle with its own measure (DL-01).
func TestVoluntaryAndDelistingQueues(t *testing.T) {
	f := newOrderFixture(t)
	vol := removalDoc("cnt_V")
	vol.Kind, vol.Reference, vol.CSAMDefinitions, vol.Redress, vol.Signature = vigil.OrderVoluntary, "EUC-VOL-7", nil, nil, ""
	v := f.receive(t, vol)
	del := removalDoc()
	del.Kind, del.Reference = vigil.OrderDelisting, "CZ-DL-1"
	d := f.receive(t, del)
	if v.Status != vigil.OrderReceived || !v.Deadline.IsZero() || v.Items[0].ActionID != "" {
		t.Fatalf("voluntary: %+v", v)
	}
	list := func(kinds ...vigil.OrderKind) []string {
		got, _, err := f.store.Orders(authorityCtx, vigil.OrderFilter{Kinds: kinds})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, o := range got {
			ids = append(ids, o.ID)
		}
		return ids
	}
	if got := list(); len(got) != 1 || got[0] != d.ID {
		t.Errorf("orders queue: %v, want only %s", got, d.ID)
	}
	if got := list(vigil.OrderVoluntary); len(got) != 1 || got[0] != v.ID {
		t.Errorf("voluntary queue: %v, want only %s", got, v.ID)
	}
	if got := f.events(t, vigil.EventActionRequested); len(got) != 1 || got[0]["reference"] != d.ID {
		t.Fatalf("actions: %v, want the delisting's only", got)
	}
	f.finishActions(t, d)
	f.tick(t)
	if got, _ := f.store.Order(authorityCtx, d.ID); got.Status != vigil.OrderExecuted || got.Measure != vigil.MeasureDelisted {
		t.Errorf("delisting after confirmation: %s %s", got.Status, got.Measure)
	}
}

func TestOrdersPaging(t *testing.T) {
	f := newOrderFixture(t)
	var ids []string
	for range 5 {
		ids = append(ids, f.receive(t, removalDoc()).ID)
		f.clock.Advance(time.Millisecond)
	}
	var got []string
	cursor := ""
	for {
		page, next, err := f.store.Orders(authorityCtx, vigil.OrderFilter{Cursor: cursor, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page {
			got = append(got, o.ID)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if len(got) != 5 || got[0] != ids[4] || got[4] != ids[0] {
		t.Fatalf("paged %v, want newest first of %v", got, ids)
	}
	if _, _, err := f.store.Orders(authorityCtx, vigil.OrderFilter{Cursor: "nonsense"}); vigil.ErrorCode(err) != vigil.EINVALID {
		t.Errorf("bad cursor: %v", err)
	}
}

// TestReceiptIsAudited: the audit log names the sender and the receipt (RO-01).
func TestReceiptIsAudited(t *testing.T) {
	f := newOrderFixture(t)
	o := f.receive(t, removalDoc())
	events, err := f.db.AuditEvents(adminCtx, vigil.AuditFilter{ObjectType: "order", ObjectID: o.ID})
	if err != nil || len(events) != 1 {
		t.Fatalf("audit: %v, %v", events, err)
	}
	e := events[0]
	if e.Action != "order.receive" || e.ActorID != "key_ca_de" || !strings.Contains(e.Detail, `"sender":"BNetzA order channel"`) {
		t.Errorf("audit event %+v", e)
	}
}

func mustJSON(t *testing.T, d orders.Document) []byte {
	t.Helper()
	b, err := d.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestReceiveValidates: the service refuses an order that skipped the document parser, and one
// stamped after its receipt.
func TestReceiveValidates(t *testing.T) {
	f := newOrderFixture(t)
	noRedress := parseDoc(t, removalDoc())
	noRedress.Redress = vigil.Redress{}
	future := parseDoc(t, removalDoc())
	future.Issued = ordersT0.Add(time.Hour)
	cases := map[string]struct {
		o     vigil.Order
		field string
	}{
		"no redress":            {noRedress, "redress"},
		"stamped in the future": {future, "issued_at"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := f.store.Receive(authorityCtx, c.o)
			if e, ok := err.(*vigil.Error); !ok || e.Field != c.field {
				t.Fatalf("Receive: %v, want an error on %s", err, c.field)
			}
		})
	}
}

// TestSettleSkipsAnOrderExecutedMeanwhile: the worker settles orders it listed before its
// transaction; one executed by hand in between gets no second Annex VI confirmation (RO-06).
func TestSettleSkipsAnOrderExecutedMeanwhile(t *testing.T) {
	f := newOrderFixture(t)
	addContent(t, f.db, "cnt_A", "user-a", nil)
	o := f.receive(t, removalDoc("cnt_A"))
	f.finishActions(t, o)
	if _, err := f.store.Execute(authorityCtx, o.ID, vigil.MeasureRemoved); err != nil {
		t.Fatal(err)
	}
	settled, err := f.store.settle(context.Background(), o.ID)
	if err != nil || settled {
		t.Fatalf("settle an executed order: settled %v, %v", settled, err)
	}
	if got := f.events(t, vigil.EventOrderExecuted); len(got) != 1 {
		t.Errorf("order.executed events: %d, want 1", len(got))
	}
}

// TestDelistingIsNoRemoval: a delisting order's actions take the item out of search results,
// not off the service, so the transparency report's removals by trigger (TR-03) leave them out
// while a removal order's count.
func TestDelistingIsNoRemoval(t *testing.T) {
	f := newOrderFixture(t)
	addContent(t, f.db, "cnt_A", "user-a", nil)
	addContent(t, f.db, "cnt_B", "user-b", nil)
	delisting := removalDoc("cnt_A")
	delisting.Kind, delisting.Reference = vigil.OrderDelisting, "DE-DL-1"
	for _, o := range []vigil.Order{f.receive(t, delisting), f.receive(t, removalDoc("cnt_B"))} {
		f.finishActions(t, o)
	}
	got, err := NewTransparencyStore(f.db).Actions(adminCtx, transparency.YearPeriod(ordersT0.Year()))
	if err != nil || len(got) != 1 || got[0].Trigger != string(vigil.TriggerRemovalOrder) {
		t.Fatalf("actions for the transparency report: %+v, %v; want the removal order's only", got, err)
	}
}
