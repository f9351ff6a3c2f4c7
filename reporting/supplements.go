package reporting

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"net/http"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/eucentre"
)

// SupplementStore is the queue of supplements to reports the EU Centre took (RP-09, RP-17),
// as the worker drains it.
type SupplementStore interface {
	// DueSupplements returns up to limit queued supplements whose next try has come.
	DueSupplements(ctx context.Context, limit int) ([]vigil.ReportSupplement, error)
	SupplementSent(ctx context.Context, id, reference string) error
	SupplementRetry(ctx context.Context, id string, at time.Time, reason string) error
	// SupplementFailed records that the EU Centre refused the supplement for good.
	SupplementFailed(ctx context.Context, id, reason string) error
}

// SupplementSender renders, signs and sends a supplement to the EU Centre with its id as
// idempotency key, returning the Centre's reference for it. Errors that will not pass on a
// retry are wrapped with Permanent.
type SupplementSender interface {
	SendSupplement(ctx context.Context, s vigil.ReportSupplement) (reference string, err error)
}

// EUSupplementSender is the EU Centre's supplement destination: it POSTs each supplement,
// signed with Key, to eucentre.SupplementURL(URL, the report's reference) over HTTP.
type EUSupplementSender struct {
	Key  ed25519.PrivateKey
	URL  string       // the EU Centre URL reports are sent to
	HTTP *http.Client // nil: http.DefaultClient
}

// SendSupplement renders, signs and sends s.
func (e EUSupplementSender) SendSupplement(ctx context.Context, s vigil.ReportSupplement) (string, error) {
	doc, err := eucentre.RenderSupplement(eucentre.SupplementInput{ID: s.ID, Reference: s.EUReference,
		ReportID: s.ReportID, IssuedAt: s.Created, InReplyTo: s.InReplyTo, Text: s.Text, ThirdCountry: s.ThirdCountry})
	if err != nil {
		return "", Permanent(err)
	}
	sig, err := eucentre.Sign(e.Key, doc)
	if err != nil {
		return "", Permanent(err)
	}
	url, err := eucentre.SupplementURL(e.URL, s.EUReference)
	if err != nil {
		return "", Permanent(err)
	}
	ref, err := eucentre.Client{URL: url, HTTP: e.HTTP}.Send(ctx, doc, sig, s.ID)
	if err != nil && !eucentre.Retryable(err) {
		return "", Permanent(err)
	}
	return ref, err
}

// dueSupplements returns the supplements due now, none when the worker has no supplement store.
func (w *Worker) dueSupplements(ctx context.Context) ([]vigil.ReportSupplement, error) {
	if w.Supplements == nil {
		return nil, nil
	}
	return w.Supplements.DueSupplements(ctx, batchSize)
}

// sendSupplements sends each supplement and records the outcome: sent, a retry with backoff,
// or refused for good (also when the settings no longer enable the EU Centre, as for reports).
func (w *Worker) sendSupplements(ctx context.Context, sups []vigil.ReportSupplement, to SupplementSender) []error {
	var errs []error
	for _, s := range sups {
		if err := w.sendSupplement(ctx, s, to); err != nil {
			errs = append(errs, fmt.Errorf("supplement %s: %w", s.ID, err))
		}
	}
	return errs
}

// sendSupplement sends one supplement and records what happened; it returns only failures
// to record.
func (w *Worker) sendSupplement(ctx context.Context, s vigil.ReportSupplement, to SupplementSender) error {
	err := errDisabled(vigil.DestEUCentre)
	var ref string
	if to != nil {
		ref, err = to.SendSupplement(ctx, s)
	}
	switch {
	case err == nil:
		return w.Supplements.SupplementSent(ctx, s.ID, ref)
	case IsPermanent(err):
		return w.Supplements.SupplementFailed(ctx, s.ID, err.Error())
	}
	at := w.Clock.Now().Add(w.backoff(s.Attempts + 1))
	return w.Supplements.SupplementRetry(ctx, s.ID, at, err.Error())
}
