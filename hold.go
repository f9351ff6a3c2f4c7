package vigil

import (
	"context"
	"time"
)

// PrefixHold starts the public id of a hold.
const PrefixHold = "hld"

// HoldKind is what a hold stops.
type HoldKind string

// The hold kinds.
const (
	// HoldDoNotRemove exempts an item from removal, automatic or not, at law enforcement's
	// request through the EU Centre (RP-18, Art. 48(6)(b)): at most 18 months.
	HoldDoNotRemove HoldKind = "do_not_remove"
	// HoldDoNotInform suspends user notices about an item: from the EU Centre for at most 18
	// months (RP-15, Art. 48(7)), or from a removal order's non-disclosure for at most 6 weeks,
	// extendable once by at most 6 weeks (RO-08).
	HoldDoNotInform HoldKind = "do_not_inform"
	// HoldLegal keeps an item's evidence past its deletion deadline, for ongoing redress or an
	// authority's or court's request, whose reference it carries (PR-04).
	HoldLegal HoldKind = "legal"
)

// Hold limits, from requirements RP-18, RP-15/EC-14 and RO-08.
const (
	MaxEUCentreHoldMonths = 18 // calendar months
	MaxNonDisclosure      = 6 * 7 * 24 * time.Hour
	MaxNonDisclosureExt   = 6 * 7 * 24 * time.Hour
)

// LatestEUCentreHoldEnd is the latest end of a do-not-remove or do-not-inform hold the EU
// Centre asks for from start: 18 calendar months later (RP-18, EC-14; see AddMonths).
func LatestEUCentreHoldEnd(start time.Time) time.Time {
	return AddMonths(start, MaxEUCentreHoldMonths)
}

// Hold stops removal, user notices or evidence deletion for one content item until Until.
type Hold struct {
	ID        string
	Kind      HoldKind
	ContentID string
	CaseID    string
	Authority string // who asked: EU Centre, a court, a CA, an order's issuing authority
	Reference string // their reference: required
	// OrderID names the removal order whose non-disclosure a do_not_inform hold carries: such a
	// hold lasts at most 6 weeks, extendable once by at most 6 weeks (RO-08), where one from
	// the EU Centre lasts at most 18 months (RP-15).
	OrderID  string
	Reason   string
	Start    time.Time
	Until    time.Time
	Extended bool      // a non-disclosure hold may be extended once
	Released time.Time // zero while in force; set when released early
	Created  time.Time
}

// Active reports whether h is in force at t.
func (h Hold) Active(t time.Time) bool {
	return !t.Before(h.Start) && t.Before(h.Until) && (h.Released.IsZero() || t.Before(h.Released))
}

// End is when h stops being in force: its release, when released early, else Until.
func (h Hold) End() time.Time {
	if !h.Released.IsZero() && h.Released.Before(h.Until) {
		return h.Released
	}
	return h.Until
}

// HoldFilter selects holds for listing, newest first.
type HoldFilter struct {
	Kind      HoldKind // "" for every kind
	ContentID string
	Active    bool // only holds in force now
	Cursor    string
	Limit     int // default 50, at most 500
}

// HoldService places, extends and releases holds.
type HoldService interface {
	Holds(ctx context.Context, f HoldFilter) (holds []Hold, next string, err error)
	Hold(ctx context.Context, id string) (Hold, error)
	Place(ctx context.Context, h Hold) (Hold, error)
	// Extend moves a removal order's non-disclosure hold's end, once, by at most 6 weeks.
	Extend(ctx context.Context, id string, until time.Time, reason string) (Hold, error)
	Release(ctx context.Context, id, reason string) (Hold, error)
}
