package vigil

import "time"

// PrefixNotice starts the public id of a user notice.
const PrefixNotice = "ntc"

// NoticeKind is what a user notice tells.
type NoticeKind string

// The notice kinds.
const (
	NoticeRemoval   NoticeKind = "removal"   // the item was removed or disabled (RO-07, IR-09)
	NoticeReport    NoticeKind = "report"    // the item was reported to the EU Centre (RP-14, RP-15)
	NoticeComplaint NoticeKind = "complaint" // the outcome of the user's complaint (SG-06)
	NoticeRestored  NoticeKind = "restored"  // the item was restored after an error (IR-05)
)

// NoticeStatus is where a notice stands.
type NoticeStatus string

// The notice statuses.
const (
	NoticeScheduled NoticeStatus = "scheduled" // waiting for Due
	NoticeHeld      NoticeStatus = "held"      // a do-not-inform hold covers it: Due is the hold's end
	NoticeSent      NoticeStatus = "sent"      // handed to the platform's webhook
	NoticeCancelled NoticeStatus = "cancelled"
)

// ReportNoticeDelay is how long after a report the user is told of it when the EU Centre has
// neither called the report manifestly unfounded nor asked for silence (RP-15, Art. 12(2)).
const ReportNoticeDelay = 3 * 30 * 24 * time.Hour

// Notice is a message to the uploader of an item, delivered through the platform's webhook in
// the user's language when known.
type Notice struct {
	ID        string
	Kind      NoticeKind
	ContentID string
	CaseID    string
	Service   string
	Uploader  string    // the platform's opaque user reference
	Language  string    // BCP 47; "" for the default
	Reference string    // the report, order, action or complaint it is about
	Basis     time.Time // the event it is about: the report's submission, the removal
	Due       time.Time
	Status    NoticeStatus
	HoldID    string // for held
	Text      string // rendered from the template when sent
	Sent      time.Time
	Created   time.Time
}
