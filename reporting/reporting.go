// Package reporting sends approved reports to their destinations: the NCMEC CyberTipline first
// when it is enabled, then the EU Centre with the CyberTipline's report id in the record's
// third-country reports (RP-09, NC-10).
//
// The sender is an outbox worker. Every step that succeeds at a destination (CyberTipline
// submit, each upload, each file's details, finish; the EU Centre's acceptance) is recorded in
// the store before the next starts, so a worker restarted after a crash resumes from the last
// recorded step. NCMEC has no idempotency key: a CyberTipline report is submitted only when the
// store holds no report id for it, finished at most once (a finish that NCMEC answers "already
// finished" counts as done), and retracted when its flow fails for good or grows older than
// MaxFlowAge, so one Vigil report never becomes two finished CyberTipline reports. The EU
// Centre gets the Vigil report id as idempotency key, so a resend after a crash is harmless.
// Failed attempts are retried with exponential backoff and jitter on the injected clock.
//
// The destinations are separate legal duties (the EU Centre: RP-01, RP-19; NCMEC: RP-20), so a
// refusal at one does not stop the other: a CyberTipline flow refused for good is retracted
// and the EU Centre still gets the report, naming no CyberTipline report; an EU Centre refusal
// leaves a finished CyberTipline report as it is. The report then ends failed with the
// delivery made recorded, and a resend retries only the destination that refused it.
package reporting

import (
	"context"
	"errors"
	"time"

	"github.com/vigilproject/vigil"
)

// Store is the reports' persistent state as the worker reads and advances it. The methods that
// record a step of the flow (all but SendingSettings, DueReports, Retracted and Complete)
// return an error wrapping vigil.ErrRetractionRequested, after recording the step, while a
// retraction is asked for or the report was withdrawn: the worker then stops the report's pass,
// so that a retraction asked for while a step was under way is carried out by the next pass
// and never overridden.
type Store interface {
	// SendingSettings returns the settings with the NCMEC credentials.
	SendingSettings(ctx context.Context) (vigil.ReportSettings, error)
	// DueReports returns up to limit reports whose sending is due, with their records.
	DueReports(ctx context.Context, limit int) ([]vigil.Report, error)
	NCMECSubmitted(ctx context.Context, id, ncmecID string) error
	NCMECUploaded(ctx context.Context, id, contentID, fileID, md5 string) error
	NCMECDescribed(ctx context.Context, id, contentID string) error
	NCMECFinished(ctx context.Context, id string) error
	// NCMECRetracted records the retraction of the CyberTipline report: the report is then
	// retracted when someone asked, and goes on to its other destinations otherwise.
	NCMECRetracted(ctx context.Context, id, reason string) error
	// Retracted records that a report nobody had taken yet was withdrawn.
	Retracted(ctx context.Context, id string) error
	EUSent(ctx context.Context, id, reference string) error
	// Failed records that destination d refused the report for good; the report goes on to
	// its other destinations.
	Failed(ctx context.Context, id string, d vigil.Destination, reason string) error
	Retry(ctx context.Context, id string, at time.Time, reason string) error
	// Complete ends the sending once no destination has a flow open: the report is sent when
	// every destination took it, and failed otherwise.
	Complete(ctx context.Context, id string) error
}

// Media returns the bytes of a case's content kept for a purpose: the evidence vault.
type Media interface {
	CaseMedia(ctx context.Context, caseID, purpose string) (data []byte, mediaType string, err error)
}

// NCMEC is the CyberTipline flow as the worker drives it. Errors that will not pass on a retry
// are wrapped with Permanent.
type NCMEC interface {
	Submit(ctx context.Context, rec vigil.ReportRecord) (reportID string, err error)
	Upload(ctx context.Context, reportID, name string, data []byte) (fileID, md5 string, err error)
	FileInfo(ctx context.Context, reportID, fileID string, item vigil.ReportContent, geo vigil.ReportGeo) error
	// Finish finishes the report; a report NCMEC already finished is no error.
	Finish(ctx context.Context, reportID string) error
	// Retract retracts the unfinished report; one already retracted is no error.
	Retract(ctx context.Context, reportID string) error
}

// EUCentre renders, signs and sends a record with its files (by content id), with the
// idempotency key that makes a resend return the first reference.
type EUCentre interface {
	Send(ctx context.Context, rec vigil.ReportRecord, files map[string][]byte, idempotencyKey string) (reference string, err error)
}

// Destinations are the destinations built from the current settings; nil for a disabled one.
type Destinations struct {
	NCMEC       NCMEC
	EUCentre    EUCentre
	Supplements SupplementSender // the EU Centre's supplements; nil when it is disabled
}

// permanent marks an error that a retry will not cure.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent marks err as final: the destination refused the request itself, so the worker
// gives that destination up (retracting an open CyberTipline report) instead of retrying.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	_, ok := errors.AsType[permanent](err)
	return ok
}
