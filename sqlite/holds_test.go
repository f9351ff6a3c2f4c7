package sqlite

import (
	"errors"
	"testing"
	"time"

	"github.com/vigilproject/vigil"
)

const day = 24 * time.Hour

// TestPlaceHoldLimits checks EC-14, RP-18 and RO-08: the engine refuses holds longer than their
// law allows, and ones without a reference.
func TestPlaceHoldLimits(t *testing.T) {
	db, _, _ := openActions(t)
	eighteenMonths := vigil.LatestEUCentreHoldEnd(actionsT0).Sub(actionsT0)
	hold := func(kind vigil.HoldKind, d time.Duration, orderID string) vigil.Hold {
		return vigil.Hold{Kind: kind, ContentID: "cnt_1", Authority: "EU Centre", Reference: "EUC-1",
			OrderID: orderID, Until: actionsT0.Add(d)}
	}
	tests := []struct {
		name     string
		hold     vigil.Hold
		wantCode string
		field    string
	}{
		{"do not remove 18 months", hold(vigil.HoldDoNotRemove, eighteenMonths, ""), "", ""},
		{"do not remove 18 months and a day", hold(vigil.HoldDoNotRemove, eighteenMonths+day, ""), vigil.EINVALID, "until"},
		{"do not remove a millisecond over", hold(vigil.HoldDoNotRemove, eighteenMonths+time.Millisecond, ""), vigil.EINVALID, "until"},
		{"do not inform 18 months", hold(vigil.HoldDoNotInform, eighteenMonths, ""), "", ""},
		{"do not inform 19 months", hold(vigil.HoldDoNotInform, 570*day, ""), vigil.EINVALID, "until"},
		{"non-disclosure 6 weeks", hold(vigil.HoldDoNotInform, 42*day, "ord_1"), "", ""},
		{"non-disclosure 6 weeks and a day", hold(vigil.HoldDoNotInform, 43*day, "ord_1"), vigil.EINVALID, "until"},
		{"order on a do not remove", hold(vigil.HoldDoNotRemove, day, "ord_1"), vigil.EINVALID, "order_id"},
		{"legal 5 years", hold(vigil.HoldLegal, 5*365*day, ""), "", ""},
		{"unknown kind", hold("forever", day, ""), vigil.EINVALID, "kind"},
		{"no reference", vigil.Hold{Kind: vigil.HoldLegal, ContentID: "cnt_1", Until: actionsT0.Add(day)}, vigil.EINVALID, "reference"},
		{"no content", vigil.Hold{Kind: vigil.HoldLegal, Reference: "r", Until: actionsT0.Add(day)}, vigil.EINVALID, "content_id"},
		{"ends before it starts", vigil.Hold{Kind: vigil.HoldLegal, ContentID: "cnt_1", Reference: "r",
			Start: actionsT0.Add(2 * day), Until: actionsT0.Add(day)}, vigil.EINVALID, "until"},
		{"ended already", vigil.Hold{Kind: vigil.HoldLegal, ContentID: "cnt_1", Reference: "r",
			Start: actionsT0.Add(-2 * day), Until: actionsT0.Add(-day)}, vigil.EINVALID, "until"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var placed vigil.Hold
			err := db.Update(adminCtx, func(tx *Tx) (err error) { placed, err = tx.PlaceHold(tt.hold); return err })
			wantCode(t, err, tt.wantCode)
			if err != nil {
				if e, _ := errors.AsType[*vigil.Error](err); e == nil || e.Field != tt.field {
					t.Errorf("error field %q, want %q", e.Field, tt.field)
				}
				return
			}
			if placed.ID == "" || !placed.Start.Equal(actionsT0) {
				t.Errorf("placed %+v: want an id and the start defaulted to now", placed)
			}
		})
	}
}

// TestExtendHold checks RO-08: a removal order's non-disclosure hold is extendable once, by at
// most 6 weeks, and no other hold is.
func TestExtendHold(t *testing.T) {
	db, _, _ := openActions(t)
	nd := placeHold(t, db, vigil.Hold{Kind: vigil.HoldDoNotInform, ContentID: "cnt_1", Reference: "ORD-7",
		OrderID: "ord_7", Until: actionsT0.Add(6 * 7 * day)})
	eu := placeHold(t, db, vigil.Hold{Kind: vigil.HoldDoNotInform, ContentID: "cnt_1", Reference: "EUC-1",
		Until: actionsT0.Add(30 * day)})
	tests := []struct {
		name     string
		id       string
		until    time.Time
		wantCode string
	}{
		{"EU Centre hold", eu.ID, eu.Until.Add(day), vigil.ECONFLICT},
		{"more than 6 weeks", nd.ID, nd.Until.Add(6*7*day + time.Millisecond), vigil.EINVALID},
		{"shorter", nd.ID, nd.Until.Add(-day), vigil.EINVALID},
		{"6 weeks", nd.ID, nd.Until.Add(6 * 7 * day), ""},
		{"a second time", nd.ID, nd.Until.Add(7 * 7 * day), vigil.ECONFLICT},
		{"unknown hold", "hld_nope", nd.Until.Add(day), vigil.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.Update(adminCtx, func(tx *Tx) error { _, err := tx.ExtendHold(tt.id, tt.until, "more time"); return err })
			wantCode(t, err, tt.wantCode)
		})
	}
}

// TestActiveHolds checks which holds are in force at a time: from start, before until, until
// released; filtered by kind and item.
func TestActiveHolds(t *testing.T) {
	db, clock, _ := openActions(t)
	dnr := placeHold(t, db, vigil.Hold{Kind: vigil.HoldDoNotRemove, ContentID: "cnt_1", Reference: "EUC-1",
		Until: actionsT0.Add(10 * day)})
	later := placeHold(t, db, vigil.Hold{Kind: vigil.HoldLegal, ContentID: "cnt_1", Reference: "court-1",
		Start: actionsT0.Add(5 * day), Until: actionsT0.Add(20 * day)})
	placeHold(t, db, vigil.Hold{Kind: vigil.HoldLegal, ContentID: "cnt_2", Reference: "court-2", Until: actionsT0.Add(20 * day)})
	released := placeHold(t, db, vigil.Hold{Kind: vigil.HoldDoNotInform, ContentID: "cnt_1", Reference: "EUC-2",
		Until: actionsT0.Add(10 * day)})
	clock.Advance(2 * day)
	inTx(t, db, func(tx *Tx) error { _, err := tx.ReleaseHold(released.ID, "the EU Centre withdrew it"); return err })

	tests := []struct {
		name string
		kind vigil.HoldKind
		at   time.Time
		want []string
	}{
		{"at start", "", actionsT0, []string{dnr.ID, released.ID}},
		{"released", vigil.HoldDoNotInform, actionsT0.Add(3 * day), nil},
		{"before release", vigil.HoldDoNotInform, actionsT0.Add(day), []string{released.ID}},
		{"both", "", actionsT0.Add(6 * day), []string{dnr.ID, later.ID}},
		{"kind", vigil.HoldLegal, actionsT0.Add(6 * day), []string{later.ID}},
		{"at until", vigil.HoldDoNotRemove, actionsT0.Add(10 * day), nil},
		{"after", "", actionsT0.Add(21 * day), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []vigil.Hold
			inTx(t, db, func(tx *Tx) (err error) { got, err = tx.ActiveHolds("cnt_1", tt.kind, tt.at); return err })
			var ids []string
			for _, h := range got {
				ids = append(ids, h.ID)
			}
			if !equalSets(ids, tt.want) {
				t.Errorf("active holds %v, want %v", ids, tt.want)
			}
		})
	}
}

// equalSets reports whether a and b hold the same strings, in any order.
func equalSets(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		if seen[s]--; seen[s] < 0 {
			return false
		}
	}
	return true
}
