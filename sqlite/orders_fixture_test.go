package sqlite

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/internal/fakeclock"
	"github.com/vigilproject/vigil/orders"
)

// ordersT0 is when the order tests receive their first order.
var ordersT0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// authorityCtx is the API key of a competent authority's channel: the orders scope only.
var authorityCtx = vigil.WithActor(context.Background(), vigil.Actor{
	Kind: vigil.ActorKey, ID: "key_ca_de", Name: "BNetzA order channel", Scopes: []vigil.Scope{vigil.ScopeOrders},
})

// orderFixture is a database on a fake clock with an order store, its worker and a webhook
// subscribed to every order and action event.
type orderFixture struct {
	db      *DB
	clock   *fakeclock.Clock
	store   *OrderStore
	worker  *orders.Worker
	webhook string
}

func newOrderFixture(t *testing.T) *orderFixture {
	t.Helper()
	clock := fakeclock.New(ordersT0)
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "vigil.db"), clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w := mustWebhook(t, db, vigil.EventOrderDueSoon, vigil.EventOrderExecuted, vigil.EventActionRequested)
	store := NewOrderStore(db)
	return &orderFixture{db: db, clock: clock, store: store, webhook: w.ID,
		worker: &orders.Worker{Store: store, Clock: clock}}
}

// tick runs one worker pass, failing the test on error.
func (f *orderFixture) tick(t *testing.T) {
	t.Helper()
	if err := f.worker.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// events returns the data of the deliveries of event, oldest first.
func (f *orderFixture) events(t *testing.T, event string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, d := range deliveriesOf(t, f.db, f.webhook) {
		if d.Event != event {
			continue
		}
		var body struct{ Data map[string]any }
		if err := json.Unmarshal(d.Payload, &body); err != nil {
			t.Fatal(err)
		}
		out = append([]map[string]any{body.Data}, out...)
	}
	return out
}

// receive parses doc and receives it as the authority, failing the test on error.
func (f *orderFixture) receive(t *testing.T, doc orders.Document) vigil.Order {
	t.Helper()
	o := parseDoc(t, doc)
	got, created, err := f.store.Receive(authorityCtx, o)
	if err != nil || !created {
		t.Fatalf("receive: created %v, %v", created, err)
	}
	return got
}

// finishActions confirms every action of order o done, as the platform would.
func (f *orderFixture) finishActions(t *testing.T, o vigil.Order) {
	t.Helper()
	inTx(t, f.db, func(tx *Tx) error {
		for _, it := range o.Items {
			if _, err := tx.FinishAction(it.ActionID, vigil.ActionDone, ""); err != nil {
				return err
			}
		}
		return nil
	})
}

// signingKey returns the provider's public key.
func (f *orderFixture) signingKey(t *testing.T) ed25519.PublicKey {
	t.Helper()
	seed, err := f.db.Secret(context.Background(), SigningSeedName, 32)
	if err != nil {
		t.Fatal(err)
	}
	return ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
}

func parseDoc(t *testing.T, doc orders.Document) vigil.Order {
	t.Helper()
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	o, err := orders.Parse(raw)
	if err != nil {
		t.Fatalf("parse order: %v", err)
	}
	return o
}

// removalDoc is a complete Annex IV removal order naming contentIDs, or one URL of an item
// Vigil never saw when there are none, issued an hour before ordersT0.
func removalDoc(contentIDs ...string) orders.Document {
	d := orders.Document{
		Kind: vigil.OrderRemoval, Reference: "DE-BKA-2026-0042",
		IssuingAuthority: orders.Authority{Name: "Amtsgericht Wiesbaden", Country: "DE", Contact: "poststelle@ag-wi.example"},
		Provider:         "Example Photos GmbH", ContactPoint: "legal@photos.example", Service: "photos",
		CSAMDefinitions: []string{"art2c_i"}, Reasons: "Known material, hash list match confirmed by the authority.",
		Redress:  &orders.Redress{Court: "Verwaltungsgericht Wiesbaden", TimeLimits: "one month from receipt", NationalLaw: "§ 74 VwGO"},
		IssuedAt: ordersT0.Add(-time.Hour).In(time.FixedZone("CET", 3600)).Format(time.RFC3339), Signature: "MEUCIQ-example-signature",
	}
	if len(contentIDs) == 0 {
		d.Items = []orders.Item{{URL: "https://photos.example/p/unknown", Info: "photo page"}}
	}
	for i, id := range contentIDs {
		d.Items = append(d.Items, orders.Item{URL: "https://photos.example/p/" + string(rune('a'+i)), Info: "photo page", ContentID: id})
	}
	return d
}
