package vigil

import (
	"context"
	"time"
)

// PrefixAction starts the public id of an action.
const PrefixAction = "act"

// ActionKind is what the platform is asked to do with a content item or its uploader.
type ActionKind string

// The action kinds.
const (
	ActionRemove  ActionKind = "remove"  // delete the item everywhere (RO-04: in all Member States)
	ActionDisable ActionKind = "disable" // make the item unreachable but keep it
	ActionRestore ActionKind = "restore" // undo a removal or disabling, e.g. after an upheld complaint
	ActionSuspend ActionKind = "suspend" // suspend the uploader's account (IR-09, RP-13 Q11)
	// ActionReinstate lifts an uploader's suspension after an upheld account complaint (SG-06).
	// It is its own kind, not a restore: a restore puts an item back and is counted with the
	// items in the transparency report, a reinstatement gives an account back.
	ActionReinstate ActionKind = "reinstate"
)

// ActionTrigger is why an action was taken; the transparency report breaks removals down by it
// (TR-03).
type ActionTrigger string

// The action triggers.
const (
	TriggerOwnInitiative ActionTrigger = "own_initiative" // a confirmed case of the provider's own detection
	TriggerRemovalOrder  ActionTrigger = "removal_order"  // an authority's removal order
	TriggerAuthority     ActionTrigger = "authority"      // a notice from a competent authority
	TriggerEUCentre      ActionTrigger = "eu_centre"      // a notification from the EU Centre
	TriggerThirdParty    ActionTrigger = "third_party"    // a hotline, trusted flagger or user
	TriggerComplaint     ActionTrigger = "complaint"      // an upheld complaint (restores)
)

// ActionStatus is where an action stands.
type ActionStatus string

// The action statuses.
const (
	ActionRequested ActionStatus = "requested" // sent to the platform's webhook
	ActionDone      ActionStatus = "done"      // the platform confirmed it
	ActionHeld      ActionStatus = "held"      // not sent: a do-not-remove hold covers the item (RP-18)
	ActionFailed    ActionStatus = "failed"    // the platform reported it could not act
	// ActionWithdrawn is a held takedown the provider called off before it was ever sent: a
	// complaint against it was upheld, so the end of the hold must not send it (IR-05).
	ActionWithdrawn ActionStatus = "withdrawn"
)

// Action is a request to the platform to remove, disable or restore an item, recorded with
// its time and why.
type Action struct {
	ID        string
	Kind      ActionKind
	Trigger   ActionTrigger
	ContentID string // "" when an order names only a URL
	URL       string // the item's URL, when known: orders name URLs
	Service   string
	CaseID    string // the case that led to it, if any
	Reference string // the order, complaint or hold id behind it, if any
	Status    ActionStatus
	HoldID    string // for held: the hold that stopped it
	Reason    string
	Requested time.Time
	Done      time.Time // when the platform confirmed it
	// Uploader is the platform's reference to the account a suspend or reinstate acts on: the
	// uploader of ContentID, read from the item (not stored with the action, so it is erased
	// with the item's personal data).
	Uploader string
}

// ActionFilter selects actions for listing, newest first.
type ActionFilter struct {
	Status    ActionStatus // "" for every status
	ContentID string
	Cursor    string
	Limit     int // default 50, at most 500
}

// ActionService lists the actions asked of the platform and records its answers.
type ActionService interface {
	Actions(ctx context.Context, f ActionFilter) (actions []Action, next string, err error)
	Action(ctx context.Context, id string) (Action, error)
	// Finish records that the platform did (ActionDone) or could not do (ActionFailed) a
	// requested action.
	Finish(ctx context.Context, id string, status ActionStatus, reason string) (Action, error)
	// OnConfirm returns what a confirmed case of service asks the platform to do: remove,
	// disable or none.
	OnConfirm(ctx context.Context, service string) (string, error)
	SetOnConfirm(ctx context.Context, service, kind string) error
	// SuspendUploader asks the platform to suspend the account that uploaded the item of
	// confirmed case caseID, for reason (IR-09, RP-13 Q11); the user is told once the platform
	// confirms it.
	SuspendUploader(ctx context.Context, caseID, reason string) (Action, error)
}
