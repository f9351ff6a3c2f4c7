package vigil

import (
	"context"
	"crypto/ed25519"
	"time"
)

// PrefixReport starts the public id of a report.
const PrefixReport = "rep"

// PrefixReportFeedback starts the public id of an EU Centre message about a report.
const PrefixReportFeedback = "rfb"

// ReportType is what kind of abuse a report is about (RP-06).
type ReportType string

// The report types.
const (
	ReportKnown        ReportType = "known_csam"   // material previously identified: it matched a list
	ReportNew          ReportType = "new_csam"     // material not previously identified
	ReportSolicitation ReportType = "solicitation" // solicitation of children
)

// Awareness is how the provider became aware of the material (Annex III Q8, RP-13).
type Awareness string

// The manners of awareness.
const (
	AwarenessDetection Awareness = "detection_order" // under a detection order
	AwarenessAuthority Awareness = "authority"       // notified by a public authority or CA (Art. 32)
	AwarenessHotline   Awareness = "hotline"         // a hotline or trusted flagger
	AwarenessUserFlag  Awareness = "user_flag"       // a user flagged it
	AwarenessOwnMotion Awareness = "own_motion"      // the provider's own voluntary detection
	AwarenessOther     Awareness = "other"
)

// ReportRecord is the canonical report: the superset of the EU Centre's Annex III fields
// (RP-02..RP-13) from which each destination's rendering (EU Centre JSON, CyberTipline XML) is
// made. It is built from a confirmed case and edited by the legal role before it is sent.
// It holds personal data of the reported user: it is stored encrypted and never logged.
type ReportRecord struct {
	Provider   ReportProvider    `json:"provider"`  // RP-02
	Issued     time.Time         `json:"issued_at"` // RP-03: with the signature
	Urgent     bool              `json:"urgent"`    // RP-11, Annex III Q1
	UrgentWhy  string            `json:"urgent_reason,omitempty"`
	Type       ReportType        `json:"type"`                  // RP-06
	Content    []ReportContent   `json:"content"`               // RP-04: every item, by reference
	Incident   time.Time         `json:"incident_at"`           // when the material was uploaded
	NonContent map[string]string `json:"non_content,omitempty"` // RP-05: other non-content data
	Geo        ReportGeo         `json:"geo"`                   // RP-07
	Users      []ReportUser      `json:"users,omitempty"`       // RP-08
	Victims    []string          `json:"victims,omitempty"`     // RP-13 Q12: what is known of the apparent victim
	Service    ReportService     `json:"service"`               // RP-13 Q7
	Awareness  Awareness         `json:"awareness"`             // RP-13 Q8
	// ThirdCountry lists where else the material was reported, with that entity's reference
	// (RP-09): the NCMEC report id is written here once NCMEC has acknowledged it.
	ThirdCountry []ThirdCountryReport `json:"third_country_reports,omitempty"`
	Removed      bool                 `json:"removed"` // RP-10
	RemovedAt    time.Time            `json:"removed_at,omitzero"`
	Account      string               `json:"account_decision,omitempty"`  // RP-13 Q11
	LegalBasis   string               `json:"legal_basis"`                 // RP-12
	Other        string               `json:"other_information,omitempty"` // RP-13 Q13
	// Annotations are the CyberTipline's report annotations (requirements §10, NC-08), from
	// ReportAnnotations: legal sets them in the report editor. They are NCMEC's classification
	// and have no Annex III question: the EU Centre document does not carry them (its schema,
	// eucentre/schema/report-v1.json, is Annex III's and admits no other member), so the same
	// record renders to a valid EU Centre document with or without them.
	Annotations []string `json:"annotations,omitempty"`
}

// ReportAnnotations lists the CyberTipline report annotations a record may carry, in the
// order of the CyberTipline schema (requirements §10). A sextortion annotation also makes the
// CyberTipline incident online enticement (NC-08).
var ReportAnnotations = []string{"sextortion", "csamSolicitation", "minorToMinorInteraction", "spam",
	"sadisticOnlineExploitation", "informational"}

// ReportProvider identifies the reporting provider and its legal representative (RP-02).
type ReportProvider struct {
	Name          string `json:"name"`
	LegalRep      string `json:"legal_representative,omitempty"`
	ContactPoint  string `json:"contact_point"`  // the single point of contact's email (PC-01)
	ReporterEmail string `json:"reporter_email"` // who at the provider answers for this report
}

// ReportContent is one reported item: its hashes as uploaded (NC-05), the matches that found it
// and whether the reviewer actually viewed it (NC-06). The bytes are attached from the evidence
// vault when the report is sent, never copied into the record.
type ReportContent struct {
	ContentID   string            `json:"content_id"`
	FileName    string            `json:"file_name,omitempty"`
	MediaType   string            `json:"media_type,omitempty"`
	Uploaded    time.Time         `json:"uploaded_at"`
	MD5         string            `json:"md5,omitempty"`
	SHA1        string            `json:"sha1,omitempty"`
	SHA256      string            `json:"sha256,omitempty"`
	PDQ         string            `json:"pdq,omitempty"`
	Category    string            `json:"category,omitempty"` // the reviewer's category, source-native
	Viewed      bool              `json:"viewed_by_provider"` // from the review log (NC-06)
	ViewedEXIF  bool              `json:"exif_viewed_by_provider"`
	Public      bool              `json:"publicly_available"`
	Metadata    map[string]string `json:"metadata,omitempty"` // media metadata, EXIF (RP-05, NC-07)
	MatchedList []string          `json:"matched_lists,omitempty"`
}

// ReportGeo is where the upload came from (RP-07).
type ReportGeo struct {
	IP       string    `json:"ip,omitempty"`
	Port     int       `json:"port,omitempty"`
	At       time.Time `json:"at,omitzero"`
	TimeZone string    `json:"time_zone,omitempty"`
	Postal   string    `json:"postal_code,omitempty"`
	Country  string    `json:"country,omitempty"`
}

// ReportUser is a user involved (RP-08).
type ReportUser struct {
	UniqueID    string `json:"unique_id"`
	Username    string `json:"username,omitempty"`
	DisplayName string `json:"display_name,omitempty"`
	Email       string `json:"email,omitempty"`
	Phone       string `json:"phone,omitempty"`
	Other       string `json:"other,omitempty"`
}

// ReportService is the service the material was found on (RP-13 Q7).
type ReportService struct {
	Name string `json:"name"`
	Type string `json:"type"` // hosting, interpersonal, search
	URL  string `json:"url,omitempty"`
}

// ThirdCountryReport is a report of the same material to an authority or organisation outside
// the EU, such as NCMEC (RP-09).
type ThirdCountryReport struct {
	Entity    string `json:"entity"`
	Reference string `json:"reference"`
}

// ReportStatus is where a report stands, from its draft to its delivery.
type ReportStatus string

// The report statuses.
const (
	ReportDraft ReportStatus = "draft" // drafted at confirmation; legal edits it and approves
	// ReportAwaitingSecond has one approval and needs a second, different person's (PP-04).
	ReportAwaitingSecond ReportStatus = "awaiting_second_approval"
	ReportQueued         ReportStatus = "queued"    // approved; the sending worker has not started
	ReportSending        ReportStatus = "sending"   // at least one destination's flow has started
	ReportSent           ReportStatus = "sent"      // every enabled destination took it
	ReportFailed         ReportStatus = "failed"    // a destination refused it for good
	ReportRetracted      ReportStatus = "retracted" // withdrawn before it was sent
)

// ReportStatuses lists every report status, for validation and filters.
var ReportStatuses = []ReportStatus{ReportDraft, ReportAwaitingSecond, ReportQueued, ReportSending,
	ReportSent, ReportFailed, ReportRetracted}

// Destination is where a report goes.
type Destination string

// The destinations. NCMEC is sent first so that its report id can be written into the EU
// Centre's record (RP-09, NC-10).
const (
	DestNCMEC    Destination = "ncmec"
	DestEUCentre Destination = "eu_centre"
)

// DestinationStatus is where a report stands at one destination.
type DestinationStatus string

// The destination statuses.
const (
	DestPending   DestinationStatus = "pending"   // not started
	DestSubmitted DestinationStatus = "submitted" // NCMEC gave a report id; files follow, then finish
	DestFinished  DestinationStatus = "finished"  // NCMEC finished the report
	DestSent      DestinationStatus = "sent"      // the EU Centre took the report
	DestRetracted DestinationStatus = "retracted" // NCMEC: the unfinished report was retracted
	DestFailed    DestinationStatus = "failed"
)

// ReportDelivery is the state of a report at one destination.
type ReportDelivery struct {
	Destination Destination
	Status      DestinationStatus
	Reference   string    // the NCMEC report id or the EU Centre's reference
	Started     time.Time // NCMEC: when submit succeeded, the age of an unfinished flow
	Done        time.Time
	Files       int // NCMEC: files uploaded so far
	LastError   string
}

// ReportFile is one file of a CyberTipline report, recorded when its upload succeeded so that a
// restarted flow never uploads it again.
type ReportFile struct {
	ContentID string
	FileID    string
	MD5       string // as NCMEC computed it, equal to the local one (NC-04)
	Described bool   // its fileinfo was accepted
}

// Approval is one person's approval of a report.
type Approval struct {
	Approver string // the approving person's user id (API keys do not approve)
	Name     string
	Time     time.Time
}

// ApprovalsNeeded is how many different people must approve a report of type t before it is
// sent: two for material not previously identified and for solicitation (PP-04, SG-05, IR-08),
// one for known material.
func ApprovalsNeeded(t ReportType) int {
	if t == ReportKnown {
		return 1
	}
	return 2
}

// Report is a report of one confirmed case: its record, its approvals and its delivery to each
// destination.
type Report struct {
	ID         string
	CaseID     string
	DecisionID string // the confirming decision
	Status     ReportStatus
	Record     ReportRecord
	Approvals  []Approval
	Deliveries []ReportDelivery
	Files      []ReportFile // the CyberTipline files uploaded so far
	Awareness  time.Time    // the confirmation: the RP-01 clock starts here
	Approved   time.Time    // the approval that queued it
	Sent       time.Time    // the EU Centre (or the last enabled destination) took it
	// RetractRequested is set when someone asked to retract a report whose CyberTipline flow had
	// started: the sending worker retracts it there.
	RetractRequested bool
	Attempts         int // failed attempts since the last step that succeeded
	NextTry          time.Time
	LastError        string
	Created          time.Time
	Updated          time.Time
	// Erased is when the record was erased with the case's evidence at its deadline (PR-04,
	// PR-06, IR-12); zero while it is kept. An erased report keeps its type, status, times,
	// approvals and deliveries, and can no longer be edited, approved, retracted or sent.
	Erased time.Time
}

// ErrRetractionRequested is what a step of a report's sending returns, after recording it,
// when a retraction was asked for while the sending worker had the report in hand: the worker
// then sends nothing more in that pass, and the next pass carries out the retraction.
var ErrRetractionRequested = Errorf(ECONFLICT, "a retraction was asked for while the report was being sent: the next pass of the sending worker carries it out")

// Delivery returns the report's state at d, and false when it does not go there.
func (r Report) Delivery(d Destination) (ReportDelivery, bool) {
	for _, s := range r.Deliveries {
		if s.Destination == d {
			return s, true
		}
	}
	return ReportDelivery{}, false
}

// FeedbackKind is what the EU Centre said about a report it received.
type FeedbackKind string

// The feedback kinds.
const (
	// FeedbackUnfounded: the report is manifestly unfounded; the user is told now (RP-15).
	FeedbackUnfounded FeedbackKind = "manifestly_unfounded"
	// FeedbackDoNotInform: do not tell the user until Until (at most 18 months, RP-15).
	FeedbackDoNotInform FeedbackKind = "do_not_inform"
	// FeedbackDoNotRemove: leave the items up until Until (at most 18 months, RP-18).
	FeedbackDoNotRemove FeedbackKind = "do_not_remove"
	// FeedbackRequestInfo: the EU Centre asks for missing information (RP-17).
	FeedbackRequestInfo FeedbackKind = "request_info"
)

// ReportFeedback is one message of the EU Centre about a report.
type ReportFeedback struct {
	ID        string
	ReportID  string
	Kind      FeedbackKind
	Until     time.Time // for the holds
	Reference string    // the EU Centre's or law enforcement's reference: required for the holds
	Text      string    // for request_info: what is asked
	Received  time.Time
	// IdempotencyKey, when the sender gives one, makes a retry of the same message return the
	// first answer instead of acting twice; the same key with another message is refused.
	IdempotencyKey string
	// Repeat is set on the answer to a retry that IdempotencyKey matched: nothing was done again.
	Repeat bool
}

// ReportSettings is how this provider reports, set by an admin.
type ReportSettings struct {
	Provider   ReportProvider
	LegalBasis string // RP-12: written into every new draft
	EUCentre   bool   // send to the EU Centre
	NCMEC      bool   // send to the NCMEC CyberTipline (US providers, RP-20)
	// EUCentreURL is where EU Centre reports are posted.
	EUCentreURL string
	// NCMECEnvironment is "production" for the live CyberTipline; anything else is the test
	// environment (NC-01).
	NCMECEnvironment string
	// NCMECURL, when set, replaces the environment's base URL: for the in-repo fake.
	NCMECURL      string
	NCMECUser     string
	NCMECPassword string // write only: never read back; empty on save keeps the stored one unless NCMECURL changes
	HasPassword   bool   // read only: a password is stored
	Updated       time.Time
}

// ReportFilter selects reports for a listing. Zero fields select everything.
type ReportFilter struct {
	Status []ReportStatus
	Cursor string
	Limit  int // default 50, at most 500
}

// ReportWorkflow drafts, edits, approves and tracks reports (named so because ReportService is
// the record's service field). Reports hold personal data: every
// read of one is audited. Methods read the acting user from the context and need the reports
// scope; settings need admin.
type ReportWorkflow interface {
	Reports(ctx context.Context, f ReportFilter) (reports []Report, next string, err error)
	Report(ctx context.Context, id string) (Report, error)
	// EditReport replaces the record of a draft; approvals given so far are withdrawn.
	EditReport(ctx context.Context, id string, rec ReportRecord) (Report, error)
	// ApproveReport records the acting person's approval and queues the report once enough
	// different people approved it (ApprovalsNeeded).
	ApproveReport(ctx context.Context, id string) (Report, error)
	// RetractReport withdraws a report that is not sent yet.
	RetractReport(ctx context.Context, id, reason string) (Report, error)
	// ResendReport sends again a report that failed or was retracted. A failed one is queued
	// again with its approvals, or, with redraft, returns to draft without them so that its
	// record can be corrected; a retracted one always returns to draft and needs its approvals
	// again. Deliveries already made are not repeated: never a second finished CyberTipline
	// report for one report.
	ResendReport(ctx context.Context, id, reason string, redraft bool) (Report, error)
	// Feedback records the EU Centre's message about a sent report and acts on it: releases or
	// holds the user notice, holds removal (RP-15, RP-17, RP-18).
	Feedback(ctx context.Context, f ReportFeedback) (ReportFeedback, error)
	FeedbackOf(ctx context.Context, reportID string) ([]ReportFeedback, error)
	ReportSettings(ctx context.Context) (ReportSettings, error)
	SaveReportSettings(ctx context.Context, s ReportSettings) (ReportSettings, error)
	// SigningKey is the provider's Ed25519 public key that signs EU Centre reports.
	SigningKey(ctx context.Context) (ed25519.PublicKey, error)
}

// ReportSentEvent is the data of a report.sent webhook event. It names the report and the case, never
// the personal data the report holds.
type ReportSentEvent struct {
	ReportID  string `json:"report_id"`
	CaseID    string `json:"case_id"`
	ContentID string `json:"content_id"`
	// References maps each destination that took the report to its reference there.
	References map[Destination]string `json:"references"`
	Sent       string                 `json:"sent_at"` // RFC 3339 with milliseconds
}
