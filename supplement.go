package vigil

import (
	"context"
	"time"
)

// PrefixReportSupplement starts the public id of a supplement to a report.
const PrefixReportSupplement = "rsp"

// NCMECEntity names NCMEC in a record's or supplement's third-country reports (RP-09). It is
// the same name the reporting worker writes into the EU Centre record.
const NCMECEntity = "NCMEC (National Center for Missing & Exploited Children, US)"

// SupplementStatus is where a supplement's delivery to the EU Centre stands.
type SupplementStatus string

// Supplement statuses: queued until the EU Centre took it (sent) or refused it for good.
const (
	SupplementQueued SupplementStatus = "queued"
	SupplementSent   SupplementStatus = "sent"
	SupplementFailed SupplementStatus = "failed"
)

// ReportSupplement is information the provider adds to a report the EU Centre already took:
// its answer to a request for missing information (RP-17), or the CyberTipline report id that
// was not known when the report went out (RP-09). It is sent as a signed document linked to
// the report by the EU Centre's reference, with ID as idempotency key. Text may hold personal
// data: it is stored encrypted and never written to the audit log.
type ReportSupplement struct {
	ID           string
	ReportID     string
	EUReference  string // the EU Centre's reference of the report supplemented
	InReplyTo    string // the id of the request_info feedback it answers, or ""
	Text         string
	ThirdCountry []ThirdCountryReport
	Status       SupplementStatus
	Reference    string // the EU Centre's reference of the supplement, once sent
	Created      time.Time
	CreatedBy    string // the user id, or "system" for the automatic one
	Sent         time.Time
	Attempts     int
	NextTry      time.Time
	LastError    string
}

// ReportSupplements queues supplements to reports the EU Centre took and reads them back. The
// report workflow's store implements it alongside ReportWorkflow.
type ReportSupplements interface {
	// AddSupplement queues a supplement written by the signed-in person acting.
	AddSupplement(ctx context.Context, s ReportSupplement) (ReportSupplement, error)
	// SupplementsOf returns a report's supplements, oldest first; the read is audited.
	SupplementsOf(ctx context.Context, reportID string) ([]ReportSupplement, error)
}
