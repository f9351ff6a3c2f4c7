package vigil

import (
	"context"
	"time"
)

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
	NoticeAccount   NoticeKind = "account"   // the user's account was suspended (IR-09, SG-08)
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

// ReportNoticeMonths is how many calendar months after a report the user is told of it when
// the EU Centre has neither called the report manifestly unfounded nor asked for silence
// (RP-15, Art. 12(2)).
const ReportNoticeMonths = 3

// ReportNoticeDue is when the user is told of a report sent at sent, unless the EU Centre says
// otherwise: three calendar months later (see AddMonths).
func ReportNoticeDue(sent time.Time) time.Time { return AddMonths(sent, ReportNoticeMonths) }

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

// NoticeFilter selects notices for listing, newest first.
type NoticeFilter struct {
	Status    NoticeStatus // "" for every status
	ContentID string
	Cursor    string
	Limit     int // default 50, at most 500
}

// NoticeSettings is what every notice says about the provider: who it is, where the user
// complains to it, and the Coordinating Authority they may complain to (SG-08, RP-14, Art. 34).
type NoticeSettings struct {
	Provider     string // the provider's name, as users know it; the service's name when empty
	ComplaintURL string // where the user files a complaint with the provider (SG-06)
	Authority    string // the Coordinating Authority's name
	AuthorityURL string
	Updated      time.Time
}

// NoticeService reads the user notices, scheduled, held and sent, and keeps their settings.
type NoticeService interface {
	Notices(ctx context.Context, f NoticeFilter) (notices []Notice, next string, err error)
	Notice(ctx context.Context, id string) (Notice, error)
	NoticeSettings(ctx context.Context) (NoticeSettings, error)
	SaveNoticeSettings(ctx context.Context, s NoticeSettings) (NoticeSettings, error)
}
