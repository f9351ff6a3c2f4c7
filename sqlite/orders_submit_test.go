package sqlite

import (
	"context"
	"testing"

	"github.com/vigilproject/vigil"
)

// submitCtx returns the context of an authority's key id that may only file orders.
func submitCtx(id string) context.Context {
	return vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorKey, ID: id, Name: id,
		Scopes: []vigil.Scope{vigil.ScopeOrdersSubmit}})
}

// TestOrdersSubmitSeesOnlyItsOwn checks the store's side of the orders:submit scope: the key
// files orders and reads back the ones it delivered; another key's order is not found, and
// everything that handles orders is refused.
func TestOrdersSubmitSeesOnlyItsOwn(t *testing.T) {
	f := newOrderFixture(t)
	mine, created, err := f.store.Receive(submitCtx("key_a"), parseDoc(t, removalDoc()))
	if err != nil || !created {
		t.Fatalf("receive as orders:submit: created %v, %v", created, err)
	}
	theirs := f.receive(t, removalDoc())
	noScope := vigil.WithActor(context.Background(), vigil.Actor{Kind: vigil.ActorKey, ID: "key_c",
		Scopes: []vigil.Scope{vigil.ScopeSubmit}})

	cases := []struct {
		name string
		call func() error
		code string
	}{
		{"own order", func() error { _, err := f.store.Order(submitCtx("key_a"), mine.ID); return err }, ""},
		{"another key's order", func() error { _, err := f.store.Order(submitCtx("key_a"), theirs.ID); return err }, vigil.ENOTFOUND},
		{"order of key_a as key_b", func() error { _, err := f.store.Order(submitCtx("key_b"), mine.ID); return err }, vigil.ENOTFOUND},
		{"orders scope reads any", func() error { _, err := f.store.Order(authorityCtx, mine.ID); return err }, ""},
		{"list", func() error { _, _, err := f.store.Orders(submitCtx("key_a"), vigil.OrderFilter{}); return err }, vigil.EFORBIDDEN},
		{"execute", func() error {
			_, err := f.store.Execute(submitCtx("key_a"), mine.ID, vigil.MeasureRemoved)
			return err
		}, vigil.EFORBIDDEN},
		{"cannot execute", func() error {
			_, err := f.store.CannotExecute(submitCtx("key_a"), mine.ID, vigil.PauseTechnical, "x")
			return err
		}, vigil.EFORBIDDEN},
		{"receive without an orders scope", func() error {
			_, _, err := f.store.Receive(noScope, parseDoc(t, removalDoc()))
			return err
		}, vigil.EFORBIDDEN},
		{"read without an orders scope", func() error { _, err := f.store.Order(noScope, mine.ID); return err }, vigil.EFORBIDDEN},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call()
			if c.code == "" && err != nil || c.code != "" && vigil.ErrorCode(err) != c.code {
				t.Fatalf("got %v, want code %q", err, c.code)
			}
		})
	}
}
