package transparency

import (
	"context"
	"time"
)

// Period is a span of time, From included and To excluded.
type Period struct {
	From, To time.Time
}

// Contains reports whether t lies in p. The zero time, meaning "never", lies in no period.
func (p Period) Contains(t time.Time) bool {
	return !t.IsZero() && !t.Before(p.From) && t.Before(p.To)
}

// Source gives the records the figures are computed from. Each method returns the records
// that touch the period (created, decided or ended in it, as its doc says); Compute decides
// what counts where. Records carry kinds, outcomes and times only: no ids, no users, no content.
type Source interface {
	// Content returns the number of items received in p per service, content type and
	// verdict status (no_match, match, not_scanned, error, pending).
	Content(ctx context.Context, p Period) ([]ContentCount, error)
	// CasesOpened returns how many review cases were opened in p.
	CasesOpened(ctx context.Context, p Period) (int64, error)
	// Reviews returns the cases whose review ended (confirmed or false positive) in p.
	Reviews(ctx context.Context, p Period) ([]Review, error)
	// Complaints returns the complaints filed or decided in p.
	Complaints(ctx context.Context, p Period) ([]Complaint, error)
	// Orders returns the authority orders received or executed in p.
	Orders(ctx context.Context, p Period) ([]Order, error)
	// Pauses returns the Annex V and Annex VIII notices (an order could not be executed) given
	// in p.
	Pauses(ctx context.Context, p Period) ([]Pause, error)
	// Actions returns the actions the platform confirmed done in p.
	Actions(ctx context.Context, p Period) ([]Action, error)
	// Reports returns the reports with a delivery in p, each with all its deliveries.
	Reports(ctx context.Context, p Period) ([]SentReport, error)
	// Evidence returns the evidence objects preserved or deleted in p.
	Evidence(ctx context.Context, p Period) ([]Evidence, error)
	// PersonalData returns the personal identifiers the store holds about the items of p
	// (uploader references, user names, email and IP addresses from metadata), for Check to
	// prove that none of them reached the report.
	PersonalData(ctx context.Context, p Period) ([]string, error)
}

// ContentCount is how many items of one service and content type got one verdict status.
type ContentCount struct {
	Service     string
	ContentType string
	Status      string
	Items       int64
}

// Review is one case whose review ended: the signal types and banks of its matches, whether
// it was confirmed, and whether an upheld complaint about the detection reversed that.
type Review struct {
	Ended       time.Time
	Confirmed   bool
	Reversed    bool
	SignalTypes []string
	Banks       []string
}

// Complaint is one user complaint: its kind (detection, removal, account), when it was filed
// and decided (zero while open) and the outcome (upheld, rejected; "" while open).
type Complaint struct {
	Kind    string
	Filed   time.Time
	Decided time.Time
	Outcome string
}

// Order is one authority order: its kind (removal, blocking, delisting, voluntary), receipt
// and execution (zero until executed).
type Order struct {
	Kind     string
	Received time.Time
	Executed time.Time
	// Held is how long an EU Centre do-not-remove hold stopped the order's clock (RP-18): time
	// the law forbade removal, not the provider's delay, so not part of the time to execute.
	Held time.Duration
}

// Pause is one notice that an order of Kind could not be executed, on Ground, given at Paused.
type Pause struct {
	Kind   string
	Ground string
	Paused time.Time
}

// Action is one action the platform confirmed: its kind (remove, disable, restore, suspend),
// trigger and when it was done.
type Action struct {
	Kind    string
	Trigger string
	Done    time.Time
}

// SentReport is one report: its type (known_csam, new_csam, solicitation) and its completed
// deliveries.
type SentReport struct {
	Type       string
	Deliveries []Delivery
}

// Delivery is a report's completed delivery to one destination (eu_centre, ncmec).
type Delivery struct {
	Destination string
	Done        time.Time
}

// Evidence is one preserved object: its retention policy, when it was preserved and when it
// was deleted (zero while kept).
type Evidence struct {
	Policy    string
	Preserved time.Time
	Deleted   time.Time
}
