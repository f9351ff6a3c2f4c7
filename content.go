package vigil

import (
	"context"
	"time"

	"github.com/vigilproject/vigil/signal"
)

// ContentType is what kind of media an item is.
type ContentType string

// The content types.
const (
	ContentPhoto ContentType = "photo"
	ContentVideo ContentType = "video"
)

// Flag marks content that must never be scanned, whatever else the policy says (PP-01, IR-14).
type Flag string

// The content flags.
const (
	FlagE2EE  Flag = "e2ee"  // from an end-to-end encrypted conversation
	FlagAudio Flag = "audio" // audio, or a video whose sound is the point
)

// Flags lists every known flag.
var Flags = []Flag{FlagE2EE, FlagAudio}

// Submission is what a platform sends: exactly one of Bytes, URL or Signals, and what it knows
// about the item.
type Submission struct {
	Service    string // the platform's service the item was uploaded to; see Service
	ExternalID string // the platform's id for the item; (Service, ExternalID) is unique
	Uploader   string // the platform's opaque reference to the uploading user
	Type       ContentType
	Flags      []Flag
	Metadata   map[string]string // free key-value metadata, stored as given

	Bytes   []byte          // the uploaded file
	URL     string          // a URL Vigil fetches itself
	Signals []signal.Signal // hash-only submission: the platform hashed the item itself
}

// VerdictStatus is where an item stands.
type VerdictStatus string

// The verdict statuses.
const (
	VerdictPending    VerdictStatus = "pending"     // accepted, not yet scanned
	VerdictNoMatch    VerdictStatus = "no_match"    // scanned, nothing matched
	VerdictMatch      VerdictStatus = "match"       // matched a known bank: a case is open
	VerdictNotScanned VerdictStatus = "not_scanned" // the policy gate refused it: Reason says why
	VerdictError      VerdictStatus = "error"       // it could not be fetched or decoded: Reason says why
)

// Verdict is the outcome of scanning one item.
type Verdict struct {
	Status  VerdictStatus
	Reason  string    // for not_scanned and error
	Matches []Match   // for match
	CaseID  string    // for match
	Decided time.Time // zero while pending
}

// Match is one bank entry an item matched.
type Match struct {
	Bank        string
	BankVersion string // the supplier's version of the list at the time of the match
	Entry       uint32
	Signal      signal.Signal // the entry's signal as stored
	SupplierID  string
	Category    string // the supplier's category, never translated
	Distance    int
}

// Content is an item known to Vigil. Non-matching content keeps only this record and its
// verdict: no bytes and no hashes (design §2).
type Content struct {
	ID         string
	Service    string
	ExternalID string
	Uploader   string
	Type       ContentType
	Flags      []Flag
	Metadata   map[string]string
	URL        string
	Size       int64 // bytes, when Vigil saw them
	Received   time.Time
	Verdict    Verdict
}

// ContentService takes submissions and gives their verdicts.
type ContentService interface {
	// Submit validates s, applies the policy gate and stores the item durably before returning.
	// A second submission with the same (Service, ExternalID) returns the first item unchanged.
	Submit(ctx context.Context, s Submission) (Content, error)
	// Content returns an item and its verdict so far.
	Content(ctx context.Context, id string) (Content, error)
	// Wait returns the item once its verdict is no longer pending, or when ctx ends, whichever is
	// first; on ctx's end it returns the pending item and no error.
	Wait(ctx context.Context, id string) (Content, error)
	// Counts returns the verdict counts per day, service and status for the days from..to
	// (inclusive, UTC): all that remains of content that did not match.
	Counts(ctx context.Context, from, to time.Time) ([]ContentCount, error)
	// Backlog returns how many accepted items wait for their verdict.
	Backlog(ctx context.Context) (int, error)

	// Services lists the configured services, sorted by name.
	Services(ctx context.Context) ([]Service, error)
	// Service returns the service called name.
	Service(ctx context.Context, name string) (Service, error)
	// SaveService creates or replaces a service's settings (admin only); Created is kept.
	SaveService(ctx context.Context, s Service) (Service, error)
	// DeleteService removes a service (admin only); its content stays.
	DeleteService(ctx context.Context, name string) error
}

// ContentCount is how many items of one service got one verdict status on one day.
type ContentCount struct {
	Day     time.Time // midnight UTC
	Service string
	Status  VerdictStatus
	Count   int64
}

// ContentMatched is the data of a content.matched webhook event: enough for a platform to hold
// the item while a person reviews the case. It carries no hashes: bank contents are sensitive.
type ContentMatched struct {
	ContentID  string   `json:"content_id"`
	ExternalID string   `json:"external_id,omitempty"`
	Service    string   `json:"service"`
	CaseID     string   `json:"case_id"`
	Banks      []string `json:"banks"`
	Categories []string `json:"categories,omitempty"` // the suppliers' categories, as given
	Matched    string   `json:"matched_at"`           // RFC 3339 with milliseconds
}
