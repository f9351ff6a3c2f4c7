package vigil

import (
	"context"
	"time"
)

// PrefixOrder starts the public id of an authority order.
const PrefixOrder = "ord"

// OrderKind is what an authority orders.
type OrderKind string

// The order kinds.
const (
	// OrderRemoval orders a hosting provider to remove or disable items in every Member State
	// within 24 hours of receipt (Art. 14, Annex IV: RO-01..RO-09).
	OrderRemoval OrderKind = "removal"
	// OrderBlocking orders an internet access provider to block the URLs of an EU Centre URL
	// list from a start to an end date (Art. 16-18, Annex VII: BL-01, BL-02, BL-08).
	OrderBlocking OrderKind = "blocking"
	// OrderDelisting orders a search engine to remove URLs from its results; it follows the
	// removal order's lifecycle, its 24-hour clock included (DL-01).
	OrderDelisting OrderKind = "delisting"
	// OrderVoluntary is a notification for voluntary consideration from a competent authority
	// or the EU Centre: its own queue and no deadline (RO-10).
	OrderVoluntary OrderKind = "voluntary"
)

// OrderKinds lists every order kind, for validation and forms.
var OrderKinds = []OrderKind{OrderRemoval, OrderBlocking, OrderDelisting, OrderVoluntary}

// OrderStatus is where an order stands.
type OrderStatus string

// The order statuses. Paused and cannot_execute both stop the clock (RO-05): paused while a
// cause on the provider's side lasts (force majeure, technical impossibility) or while an EU
// Centre do-not-remove hold keeps one of the order's items online (RP-18), cannot_execute
// while the provider waits for the authority to clarify (manifest error, insufficient
// information).
const (
	OrderReceived      OrderStatus = "received"  // recorded; nothing requested yet (voluntary, blocking not yet started)
	OrderExecuting     OrderStatus = "executing" // actions requested, the clock runs
	OrderPaused        OrderStatus = "paused"
	OrderExecuted      OrderStatus = "executed"
	OrderCannotExecute OrderStatus = "cannot_execute"
	OrderExpired       OrderStatus = "expired" // a blocking order past its end date (BL-02)
)

// Open reports whether an order in status s still waits for execution.
func (s OrderStatus) Open() bool {
	return s == OrderReceived || s == OrderExecuting || s == OrderPaused || s == OrderCannotExecute
}

// PauseReason is why an order could not be executed in time: the grounds of an Annex V (removal,
// delisting) or Annex VIII (blocking) notice, counted in the transparency report (TR-05).
type PauseReason string

// The pause reasons of Art. 14(5)-(6) and 17(5).
const (
	PauseForceMajeure            PauseReason = "force_majeure"
	PauseTechnical               PauseReason = "technical"
	PauseManifestError           PauseReason = "manifest_error"
	PauseInsufficientInformation PauseReason = "insufficient_information"
)

// PauseDoNotRemoveHold stops an order's clock while an EU Centre do-not-remove hold (RP-18,
// Art. 48(6)(b)) keeps one of its items online: the hold overrides the Art. 14 clock for the
// items it names (requirements §0.2 item 5). It is no Annex V ground: the provider cannot give
// it, only a hold in force when the order arrives sets it, the clock restarts by itself when
// the held removal is sent, and the transparency report does not count it (TR-05).
const PauseDoNotRemoveHold PauseReason = "do_not_remove_hold"

// PauseReasons lists the grounds a provider may give in an Annex V or VIII notice.
var PauseReasons = []PauseReason{PauseForceMajeure, PauseTechnical, PauseManifestError, PauseInsufficientInformation}

// WaitsForAuthority reports whether the provider needs the authority's clarification to go on,
// as opposed to waiting for a cause on its own side to end.
func (r PauseReason) WaitsForAuthority() bool {
	return r == PauseManifestError || r == PauseInsufficientInformation
}

// OrderMeasure is what the provider did to execute an order (Annex VI).
type OrderMeasure string

// The measures.
const (
	MeasureRemoved  OrderMeasure = "removed"
	MeasureDisabled OrderMeasure = "disabled"
	MeasureDelisted OrderMeasure = "delisted"
)

// CSAMDefinitions are the boxes of Annex IV saying which definition of child sexual abuse
// material the items meet: the points of Art. 2(c) of Directive 2011/93/EU.
var CSAMDefinitions = []string{
	"art2c_i",   // a child engaged in real or simulated sexually explicit conduct
	"art2c_ii",  // the sexual organs of a child for primarily sexual purposes
	"art2c_iii", // a person appearing to be a child engaged in sexually explicit conduct
	"art2c_iv",  // realistic images of a child engaged in sexually explicit conduct
}

// Order time limits.
const (
	OrderExecutionTime = 24 * time.Hour // RO-03: removal within 24 hours of receipt
	OrderDueSoon       = 4 * time.Hour  // RO-03: the alert at T-4 h
	// MaxBlockingYears bounds a blocking order: it ends at most five calendar years after it
	// starts (BL-02), whatever the leap days between: see LatestBlockingEnd.
	MaxBlockingYears = 5
)

// LatestBlockingEnd is the latest end of a blocking order starting at start: the same date
// and time five calendar years later, in start's time zone (BL-02; 28 February for a start on
// 29 February, see AddMonths). A five-year span holds one or two leap days, so no fixed
// duration would do.
func LatestBlockingEnd(start time.Time) time.Time { return AddMonths(start, MaxBlockingYears*12) }

// Authority identifies an issuing or requesting authority (Annex IV section A).
type Authority struct {
	Name    string
	Country string // ISO 3166-1 alpha-2 Member State
	Contact string // address, email or phone as the order gives it
}

// Redress is the information on judicial redress an order carries and the provider keeps until
// the order is final (RO-09).
type Redress struct {
	Court       string
	TimeLimits  string
	NationalLaw string
}

// OrderItem is one item an order names: the exact URL, what identifies the material there, and
// the content id when the platform's item is known.
type OrderItem struct {
	URL       string
	Info      string
	ContentID string
	ActionID  string // the action requested for it (removal, delisting)
}

// OrderPause is one Annex V or Annex VIII notice, or one stretch of time a do-not-remove hold
// held the order's items (PauseDoNotRemoveHold): why the order could not be executed, when the
// clock stopped and when it restarted (RO-05).
type OrderPause struct {
	Reason     PauseReason
	Text       string
	Paused     time.Time
	Resumed    time.Time // zero while the cause lasts
	ResumeText string
}

// PausedByHold reports whether o's clock stands still because a do-not-remove hold keeps one
// of its items online: only the hold's end restarts it, never a person (RP-18).
func (o Order) PausedByHold() bool {
	if o.PausedAt.IsZero() || len(o.Pauses) == 0 {
		return false
	}
	last := o.Pauses[len(o.Pauses)-1]
	return last.Reason == PauseDoNotRemoveHold && last.Resumed.IsZero()
}

// Order is an authority's order or voluntary notification as received, with its clock and
// execution.
type Order struct {
	ID     string
	Kind   OrderKind
	Status OrderStatus

	// The Annex IV (Annex VII for blocking) fields as the authority gave them (RO-02).
	Reference           string
	IssuingAuthority    Authority
	RequestingAuthority Authority
	Provider            string
	ContactPoint        string
	Service             string
	Items               []OrderItem
	Definitions         []string // from CSAMDefinitions
	Reasons             string
	LegalBasis          string
	NonDisclosure       time.Duration // 0: none; at most MaxNonDisclosure (RO-08)
	Redress             Redress
	Issued              time.Time // the order's date and time stamp
	Signature           string    // the authority's electronic signature, as given
	Language            string

	// Blocking orders: the EU Centre URL list and when it may be used (BL-01, BL-02, BL-08).
	ListReference string
	ListVersion   string
	Start, End    time.Time

	// Receipt (RO-01): when, in which time zone, and who delivered it.
	Received       time.Time
	ReceivedZone   string
	Sender         Actor
	IdempotencyKey string

	// The clock (RO-03, RO-05). Deadline already includes PausedTotal; while PausedAt is set
	// the clock stands still.
	Deadline    time.Time // zero without one
	PausedTotal time.Duration
	PausedAt    time.Time
	DueSoonSent time.Time // when the T-4 h alert was enqueued
	Pauses      []OrderPause

	// Execution (RO-06).
	Measure         OrderMeasure
	Executed        time.Time
	Confirmation    []byte // the Annex VI document, canonical JSON
	ConfirmationSig string // base64 Ed25519 signature over Confirmation by the provider key
	Updated         time.Time
}

// DeadlineAt returns the order's deadline as it stands at t: while the clock is paused the
// deadline moves on with the time (RO-05). Zero when the order has none.
func (o Order) DeadlineAt(t time.Time) time.Time {
	if o.Deadline.IsZero() {
		return time.Time{}
	}
	if !o.PausedAt.IsZero() && t.After(o.PausedAt) {
		return o.Deadline.Add(t.Sub(o.PausedAt))
	}
	return o.Deadline
}

// Remaining returns the time left at t before the deadline, negative when overdue; ok is false
// for orders without a running deadline (no deadline, paused, or no longer open).
func (o Order) Remaining(t time.Time) (left time.Duration, ok bool) {
	if o.Deadline.IsZero() || !o.PausedAt.IsZero() || !o.Status.Open() {
		return 0, false
	}
	return o.Deadline.Sub(t), true
}

// OrderFilter selects orders for listing, newest first.
type OrderFilter struct {
	Kinds  []OrderKind   // none: every kind but voluntary, which has its own queue (RO-10)
	Status []OrderStatus // none: all
	Cursor string
	Limit  int // 50 by default, at most 500
}

// OrderAlert is what the banner shows: the open orders whose deadline is within OrderDueSoon
// or past, the most urgent first.
type OrderAlert struct {
	DueSoon int
	Overdue int
	Next    Order // the open order with the nearest deadline among them
}

// OrderService receives authority orders and tracks them to execution. Every method needs the
// orders scope except Receive and Order, which an authority's orders:submit key may call too:
// Order then finds only the orders that key delivered.
type OrderService interface {
	// Receive records an order as the acting key or user delivered it. A repeated
	// idempotency key from the same sender returns the order first recorded, with created false.
	Receive(ctx context.Context, o Order) (got Order, created bool, err error)
	Orders(ctx context.Context, f OrderFilter) (orders []Order, next string, err error)
	Order(ctx context.Context, id string) (Order, error)
	// CannotExecute records an Annex V (or Annex VIII) notice and stops the order's clock.
	CannotExecute(ctx context.Context, id string, reason PauseReason, text string) (Order, error)
	// Resume restarts the clock: the cause ended or the authority's clarification arrived.
	Resume(ctx context.Context, id string, text string) (Order, error)
	// Execute records that the order was executed with measure and issues the Annex VI
	// confirmation.
	Execute(ctx context.Context, id string, measure OrderMeasure) (Order, error)
	// URLList returns a blocking order, whose items are its URL list, to an access provider
	// that names its reference; refused before the start and after the end date (BL-08).
	URLList(ctx context.Context, id, reference string) (Order, error)
	// Alert returns what the UI banner shows.
	Alert(ctx context.Context) (OrderAlert, error)
}
