package vigil

import (
	"context"
	"time"

	"github.com/vigilproject/vigil/signal"
)

// PrefixDecision starts the public id of a decision.
const PrefixDecision = "dec"

// DefaultRevealsPerHour is the reveal cap of a reviewer whose User.RevealsPerHour is 0.
const DefaultRevealsPerHour = 60

// MaxRevealsPerHour bounds the reveal cap an admin may set: a reveal every 3.6 seconds for a
// whole hour is already far past any pace the cap is meant to allow.
const MaxRevealsPerHour = 1000

// CaseStatus is where a case stands in review.
type CaseStatus string

// The case statuses.
const (
	CaseOpen          CaseStatus = "open"           // waiting for a reviewer
	CaseInReview      CaseStatus = "in_review"      // claimed by a reviewer
	CaseConfirmed     CaseStatus = "confirmed"      // the reviewer confirmed the match
	CaseFalsePositive CaseStatus = "false_positive" // the reviewer found the match wrong
	CaseEscalated     CaseStatus = "escalated"      // passed to a senior reviewer
	CaseClosed        CaseStatus = "closed"         // nothing more to do
)

// Priority orders the review queue: urgent cases first, then oldest first.
type Priority string

// The priorities.
const (
	PriorityNormal Priority = "normal"
	PriorityUrgent Priority = "urgent"
)

// PriorityOf returns the review priority of a case whose known-bank matches are ms: urgent when
// any match is by an exact cryptographic hash (MD5, SHA-1, SHA-256), because then the very file
// is known material rather than something that looks like it; normal otherwise.
func PriorityOf(ms []Match) Priority {
	for _, m := range ms {
		switch m.Signal.Type {
		case signal.MD5, signal.SHA1, signal.SHA256:
			return PriorityUrgent
		}
	}
	return PriorityNormal
}

// Case is the unit of human work: one content item and its matches.
type Case struct {
	ID        string
	ContentID string
	Service   string
	Status    CaseStatus
	Priority  Priority
	Matches   []Match
	// Signals are the content's own signals (matched content keeps its hashes with its case),
	// so that a false positive can add them to an allow bank.
	Signals   []signal.Signal
	Banks     []string // the banks matched, for filters
	Assignee  string   // the user id of the reviewer who claimed it
	Category  string   // the category the confirming reviewer gave
	Opened    time.Time
	Updated   time.Time
	HasMedia  bool // the content's bytes are kept (encrypted) while the case is open
	MediaType string
}

// DecisionVerdict is what a reviewer decided.
type DecisionVerdict string

// The decision verdicts.
const (
	DecideConfirm       DecisionVerdict = "confirm"
	DecideFalsePositive DecisionVerdict = "false_positive"
	DecideEscalate      DecisionVerdict = "escalate"
)

// Decision is one reviewer's decision on a case, with what they actually looked at.
type Decision struct {
	ID       string
	CaseID   string
	Reviewer string // user id
	Verdict  DecisionVerdict
	Category string // required for confirm: the category the reviewer saw
	Reason   string
	// ViewedMedia is true when the reviewer revealed the media before deciding; it later sets the
	// CyberTipline's fileViewedByEsp.
	ViewedMedia bool
	// AllowBank, for a false positive, names an allow bank to which the matched content's signals
	// are added in the same step so it never matches again.
	AllowBank string
	Time      time.Time
}

// Comment is a note on a case.
type Comment struct {
	ID     string
	CaseID string
	Author string // user id
	Text   string
	Time   time.Time
}

// CaseFilter selects cases for a listing. Zero fields select everything.
type CaseFilter struct {
	Status    []CaseStatus
	Priority  Priority
	Bank      string
	OlderThan time.Duration // opened more than this long ago
	Cursor    string        // from a previous page's next cursor
	Limit     int           // default 50, at most 500
}

// CaseEvent is one entry of a case's history: opened, claimed, viewed, decided, commented.
type CaseEvent struct {
	Time   time.Time
	Actor  string
	Action string
	Detail string
}

// CaseService is the review workflow. Every method records its audit event in the same
// transaction as its change, and reads the acting user from the context.
type CaseService interface {
	Cases(ctx context.Context, f CaseFilter) (cases []Case, next string, err error)
	Case(ctx context.Context, id string) (Case, error)
	// History returns the case's decisions, comments, views and status changes, oldest first.
	History(ctx context.Context, id string) ([]CaseEvent, error)
	// Claim assigns an open case to the acting reviewer.
	Claim(ctx context.Context, id string) (Case, error)
	// Decide records a decision and moves the case on: confirm and false_positive close the
	// review, escalate hands it on. A false positive with AllowBank also adds the content's
	// signals to that allow bank.
	Decide(ctx context.Context, d Decision) (Case, error)
	Comment(ctx context.Context, caseID, text string) (Comment, error)
	// Media returns the case's content bytes and media type, and records that the acting user
	// viewed them. It refuses when the user has reached their hourly reveal cap.
	Media(ctx context.Context, caseID string) (data []byte, mediaType string, err error)
	// RevealAllowance returns how many times the acting user revealed media in the last hour and
	// the cap Media holds them to, so the UI can offer a break before the cap refuses a reveal.
	RevealAllowance(ctx context.Context) (used, limit int, err error)
}

// CaseDecided is the data of a case.decided webhook event: enough for a platform to act on the
// content (remove it, restore it) without another request.
type CaseDecided struct {
	CaseID     string          `json:"case_id"`
	ContentID  string          `json:"content_id"`
	Service    string          `json:"service"`
	DecisionID string          `json:"decision_id"`
	Verdict    DecisionVerdict `json:"verdict"`
	Category   string          `json:"category,omitempty"`
	Status     CaseStatus      `json:"status"`
	Banks      []string        `json:"banks"`
	Decided    string          `json:"decided_at"` // RFC 3339 with milliseconds
}
