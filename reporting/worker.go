package reporting

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/vigilproject/vigil"
)

// Defaults of the Worker's zero fields.
const (
	// DefaultMaxFlowAge is how long an unfinished CyberTipline report is kept trying before it is
	// retracted: NCMEC deletes unfinished reports after 24 hours at the earliest, so the worker
	// gives up well before and retracts, rather than let NCMEC expire a half-sent report.
	DefaultMaxFlowAge = 20 * time.Hour
	// DefaultEUCentreWait is how long after its approval the EU Centre report waits for the
	// CyberTipline report id its record should name (RP-09) while NCMEC is being retried: the
	// duty to report promptly (RP-01) outweighs the cross-reference, which the provider can
	// give later when the EU Centre asks for it (RP-17).
	DefaultEUCentreWait = time.Hour
	DefaultBaseDelay    = 30 * time.Second
	DefaultMaxDelay     = time.Hour
	DefaultInterval     = 2 * time.Second
	batchSize           = 20
)

// Worker sends due reports. Tick does one pass at Clock.Now(); Run ticks until its context ends.
// Only one worker may run per database ("vigil serve" holds a lock on its data directory).
type Worker struct {
	Store Store
	Media Media
	Clock vigil.Clock
	// Connect builds the destinations the current settings enable; called once per pass, so a
	// settings change takes effect at the next one.
	Connect func(ctx context.Context, s vigil.ReportSettings) (Destinations, error)
	// Supplements is the queue of supplements to reports the EU Centre took (RP-09, RP-17),
	// drained by the same passes; nil for none.
	Supplements SupplementStore

	MaxFlowAge time.Duration // default DefaultMaxFlowAge
	// EUCentreWait is how long the EU Centre report waits for NCMEC; default DefaultEUCentreWait.
	EUCentreWait time.Duration
	BaseDelay    time.Duration // the first retry's delay; default DefaultBaseDelay
	MaxDelay     time.Duration // the longest delay between retries; default DefaultMaxDelay
	Interval     time.Duration // Run's pause between passes; default DefaultInterval
	// Jitter returns a number in [0, 1) that spreads retries; default math/rand/v2.Float64.
	Jitter func() float64
	// Observe, when set, is told the time from awareness (the confirmation) to the submission
	// at each destination: the RP-01 metric.
	Observe func(d vigil.Destination, delay time.Duration)
	Log     *slog.Logger
}

// storeError marks a failure to record a step: the report stays due and the pass reports it.
type storeError struct{ err error }

func (s storeError) Error() string { return s.err.Error() }
func (s storeError) Unwrap() error { return s.err }

// stored wraps a store call's error as a storeError.
func stored(err error) error {
	if err == nil {
		return nil
	}
	return storeError{err}
}

// Run ticks every Interval until ctx ends, logging the errors of a pass.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(cmpOr(w.Interval, DefaultInterval))
	defer t.Stop()
	for {
		if err := w.Tick(ctx); err != nil && ctx.Err() == nil {
			w.log().Error("sending reports", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Tick takes the reports due now and moves each as far as it goes: every step that succeeds is
// recorded; a failure is recorded as a retry, or as final. It returns the failures to record.
func (w *Worker) Tick(ctx context.Context) error {
	reps, err := w.Store.DueReports(ctx, batchSize)
	if err != nil {
		return err
	}
	sups, err := w.dueSupplements(ctx)
	if err != nil || len(reps)+len(sups) == 0 {
		return err
	}
	settings, err := w.Store.SendingSettings(ctx)
	if err != nil {
		return err
	}
	dests, err := w.Connect(ctx, settings)
	if err != nil {
		return fmt.Errorf("connect to the report destinations: %w", err)
	}
	var errs []error
	for _, rep := range reps {
		// A retraction asked for during the pass stopped it: the next pass carries it out.
		if err := w.send(ctx, rep, dests); err != nil && !errors.Is(err, vigil.ErrRetractionRequested) {
			errs = append(errs, fmt.Errorf("report %s: %w", rep.ID, err))
		}
	}
	errs = append(errs, w.sendSupplements(ctx, sups, dests.Supplements)...)
	return errors.Join(errs...)
}

// flow is one report's pass.
type flow struct {
	w     *Worker
	rep   vigil.Report
	dests Destinations
	now   time.Time
	media []byte // the case's content, read once when a step needs it
}

// send moves rep on: a requested retraction; else NCMEC's flow, then the EU Centre, then
// Complete settles the report. The destinations are separate duties (RP-01, RP-20): one that
// fails for good does not stop the other, and the report then ends failed with the delivery
// made kept, so that a resend retries only the other. One that is retried later stops the
// pass, so that the EU Centre waits for the CyberTipline report id its record names (RP-09),
// but only for EUCentreWait after the approval: then the EU Centre report goes without it, and
// the report is settled once NCMEC's part is.
func (w *Worker) send(ctx context.Context, rep vigil.Report, dests Destinations) error {
	f := &flow{w: w, rep: rep, dests: dests, now: w.Clock.Now()}
	nd, toNCMEC := rep.Delivery(vigil.DestNCMEC)
	if rep.RetractRequested {
		return f.withdraw(ctx, nd)
	}
	var ncmecRef string
	ncmecSettled := true
	if toNCMEC {
		ref, goOn, err := f.toNCMEC(ctx, nd)
		if err != nil || (!goOn && !f.euCentreWaitedEnough()) {
			return err
		}
		ncmecRef, ncmecSettled = ref, goOn
	}
	if ed, ok := rep.Delivery(vigil.DestEUCentre); ok && !settled(ed.Status) {
		if err := f.euCentre(ctx, ncmecRef); err != nil {
			if goOn, err := f.failure(ctx, vigil.DestEUCentre, "", err); !goOn {
				return err
			}
		}
	}
	if !ncmecSettled {
		return nil
	}
	return stored(w.Store.Complete(ctx, rep.ID))
}

// euCentreWaitedEnough reports whether the EU Centre report has waited for NCMEC as long as
// it may.
func (f *flow) euCentreWaitedEnough() bool {
	return f.now.Sub(f.rep.Approved) >= cmpOr(f.w.EUCentreWait, DefaultEUCentreWait)
}

// settled reports whether a destination's part is over: delivered, or failed for good.
func settled(s vigil.DestinationStatus) bool {
	switch s {
	case vigil.DestFinished, vigil.DestSent, vigil.DestRetracted, vigil.DestFailed:
		return true
	}
	return false
}

// toNCMEC runs the CyberTipline flow unless NCMEC's part is settled. It returns the finished
// CyberTipline report's id ("" when none finished: a retracted one is never named) and whether
// the pass goes on to the EU Centre.
func (f *flow) toNCMEC(ctx context.Context, nd vigil.ReportDelivery) (ref string, goOn bool, err error) {
	switch {
	case nd.Status == vigil.DestFinished:
		return nd.Reference, true, nil
	case settled(nd.Status):
		return "", true, nil
	}
	ref, err = f.ncmec(ctx, nd)
	if err == nil {
		return ref, true, nil
	}
	goOn, err = f.failure(ctx, vigil.DestNCMEC, ref, err)
	return "", goOn, err
}

// withdraw carries out a requested retraction: it retracts the CyberTipline report the flow
// opened, or withdraws the report when no destination took it and NCMEC holds nothing open.
// When NCMEC refused the retraction for good, or a destination took the report before the
// request reached the worker (a step under way when it came), nothing more is sent: Complete
// settles the report, naming what each destination holds.
func (f *flow) withdraw(ctx context.Context, nd vigil.ReportDelivery) error {
	switch {
	case nd.Status == vigil.DestSubmitted:
		_, err := f.retract(ctx, nd.Reference, "retraction requested")
		return err
	case f.delivered() || (nd.Status == vigil.DestFailed && nd.Reference != ""):
		return stored(f.w.Store.Complete(ctx, f.rep.ID))
	}
	return stored(f.w.Store.Retracted(ctx, f.rep.ID))
}

// delivered reports whether any destination took the report.
func (f *flow) delivered() bool {
	return slices.ContainsFunc(f.rep.Deliveries, func(d vigil.ReportDelivery) bool {
		return d.Status == vigil.DestFinished || d.Status == vigil.DestSent
	})
}

// failure records err of destination d and reports whether the pass goes on to the next
// destination. It does when the failure is final: recorded as d's, after retracting the
// CyberTipline report ncmecRef when the flow opened one (also when the flow is past its age).
// It does not when d is retried later, or when err is the store's, which is returned as is.
func (f *flow) failure(ctx context.Context, d vigil.Destination, ncmecRef string, err error) (bool, error) {
	if _, ok := errors.AsType[storeError](err); ok {
		return false, err
	}
	reason := err.Error()
	if d == vigil.DestNCMEC && ncmecRef != "" && f.flowTooOld() {
		reason = fmt.Sprintf("the CyberTipline flow is older than %s: %s", f.w.maxFlowAge(), reason)
		return f.retract(ctx, ncmecRef, reason)
	}
	if !IsPermanent(err) {
		return false, f.retry(ctx, reason)
	}
	if d == vigil.DestNCMEC && ncmecRef != "" {
		return f.retract(ctx, ncmecRef, reason)
	}
	return f.final(ctx, d, reason)
}

// final records that d refused the report for good; the pass goes on once it is recorded.
func (f *flow) final(ctx context.Context, d vigil.Destination, reason string) (bool, error) {
	err := stored(f.w.Store.Failed(ctx, f.rep.ID, d, reason))
	return err == nil, err
}

// flowTooOld reports whether the report's CyberTipline flow started more than MaxFlowAge ago.
func (f *flow) flowTooOld() bool {
	nd, _ := f.rep.Delivery(vigil.DestNCMEC)
	return !nd.Started.IsZero() && f.now.Sub(nd.Started) > f.w.maxFlowAge()
}

// retract retracts the open CyberTipline report ncmecRef and records it with reason. It
// reports whether NCMEC's part is settled: retracted, or the retraction refused for good and
// recorded as NCMEC's failure (its report there is then in a state a person must settle with
// NCMEC before a resend). A retraction that fails for now is retried.
func (f *flow) retract(ctx context.Context, ncmecRef, reason string) (bool, error) {
	if f.dests.NCMEC == nil {
		return false, f.retry(ctx, "retracting the CyberTipline report needs NCMEC enabled in the report settings")
	}
	if err := f.dests.NCMEC.Retract(ctx, ncmecRef); err != nil {
		if IsPermanent(err) {
			return f.final(ctx, vigil.DestNCMEC, "retract: "+err.Error())
		}
		return false, f.retry(ctx, "retract: "+err.Error())
	}
	err := stored(f.w.Store.NCMECRetracted(ctx, f.rep.ID, reason))
	return err == nil, err
}

// retry records a failed attempt and the next one's time.
func (f *flow) retry(ctx context.Context, reason string) error {
	at := f.now.Add(f.w.backoff(f.rep.Attempts + 1))
	return stored(f.w.Store.Retry(ctx, f.rep.ID, at, reason))
}

// backoff is the delay before attempt n (1 for the first retry): BaseDelay doubled per attempt
// up to MaxDelay, of which a random half is taken off so that retries spread out.
func (w *Worker) backoff(n int) time.Duration {
	base, max := cmpOr(w.BaseDelay, DefaultBaseDelay), cmpOr(w.MaxDelay, DefaultMaxDelay)
	d := base
	for i := 1; i < n && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	jitter := rand.Float64
	if w.Jitter != nil {
		jitter = w.Jitter
	}
	return d/2 + time.Duration(jitter()*float64(d/2))
}

func (w *Worker) maxFlowAge() time.Duration { return cmpOr(w.MaxFlowAge, DefaultMaxFlowAge) }

func (w *Worker) log() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.Default()
}

// observe reports the awareness-to-submission delay at d.
func (f *flow) observe(d vigil.Destination) {
	if f.w.Observe != nil {
		f.w.Observe(d, f.now.Sub(f.rep.Awareness))
	}
}

// cmpOr returns d, or def when d is not positive.
func cmpOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// caseMedia returns the case's content from the evidence vault, read once per pass. Evidence
// that is missing or not kept for reporting is a final failure.
func (f *flow) caseMedia(ctx context.Context) ([]byte, error) {
	if f.media != nil {
		return f.media, nil
	}
	data, _, err := f.w.Media.CaseMedia(ctx, f.rep.CaseID, string(vigil.PurposeReport))
	switch vigil.ErrorCode(err) {
	case "":
	case vigil.ENOTFOUND, vigil.EFORBIDDEN:
		return nil, Permanent(fmt.Errorf("the content to attach: %w", err))
	default:
		return nil, fmt.Errorf("the content to attach: %w", err)
	}
	f.media = data
	return data, nil
}
