package vigil

import (
	"context"
	"time"
)

// PrefixComplaint starts the public id of a complaint.
const PrefixComplaint = "cmp"

// ComplaintKind is what a user complains about (SG-06).
type ComplaintKind string

// The complaint kinds.
const (
	ComplaintDetection ComplaintKind = "detection" // the item was wrongly detected
	ComplaintRemoval   ComplaintKind = "removal"   // the item was wrongly removed or disabled
	ComplaintAccount   ComplaintKind = "account"   // the account was wrongly blocked or suspended
)

// ComplaintStatus is where a complaint stands.
type ComplaintStatus string

// The complaint statuses.
const (
	ComplaintOpen     ComplaintStatus = "open"     // filed, nobody works it yet
	ComplaintAssigned ComplaintStatus = "assigned" // a reviewer took it
	ComplaintDecided  ComplaintStatus = "decided"  // upheld or rejected; the notice follows
)

// ComplaintOutcome is how a complaint was decided.
type ComplaintOutcome string

// The complaint outcomes.
const (
	ComplaintUpheld   ComplaintOutcome = "upheld"   // the decision was wrong: the item is restored
	ComplaintRejected ComplaintOutcome = "rejected" // the decision stands
)

// MaxComplaintText is the longest complaint text accepted, in bytes.
const MaxComplaintText = 10000

// Complaint is a user's complaint about a detection, removal or account decision, with the time
// of every step, for the transparency report's counts and decision times (SG-06, TR-02).
type Complaint struct {
	ID        string
	ContentID string
	CaseID    string
	Service   string
	Uploader  string // the platform's opaque reference of the user who complains
	Kind      ComplaintKind
	Text      string
	Language  string // BCP 47, for the answer; "" for the default
	Status    ComplaintStatus
	Outcome   ComplaintOutcome // "" until decided
	Assignee  string           // the user id of the reviewer who took it
	Decider   string           // the user id of the reviewer who decided it
	Reason    string           // the decider's reason
	ActionID  string           // the restore an upheld complaint requested
	NoticeID  string           // the notice that tells the user the outcome
	FiledBy   string           // the API key or user that filed it
	Filed     time.Time
	Assigned  time.Time
	Decided   time.Time
	Notified  time.Time // when the outcome notice was handed to the platform
}

// ComplaintFilter selects complaints for listing, oldest first.
type ComplaintFilter struct {
	Status ComplaintStatus // "" for every status
	Cursor string          // from a previous page's next cursor
	Limit  int             // default 50, at most 500
}

// ComplaintService takes users' complaints and has them decided by someone who did not make
// the decision complained about.
type ComplaintService interface {
	// File records complaint c for the acting platform key. A second call with the same
	// idempotency key from the same caller returns the first complaint and created false.
	File(ctx context.Context, c Complaint, idempotencyKey string) (stored Complaint, created bool, err error)
	Complaint(ctx context.Context, id string) (Complaint, error)
	Complaints(ctx context.Context, f ComplaintFilter) (complaints []Complaint, next string, err error)
	// Assign gives an open complaint to the acting reviewer.
	Assign(ctx context.Context, id string) (Complaint, error)
	// Decide records the outcome: upheld requests a restore and withdraws the item's held
	// own-initiative takedowns; either way the user is told. Upheld is refused with ECONFLICT
	// for an item an authority's removal order took down: redress against the order lies
	// before the issuing authority's courts (Art. 15, RO-09).
	Decide(ctx context.Context, id string, outcome ComplaintOutcome, reason string) (Complaint, error)
}
