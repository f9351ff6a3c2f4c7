package main

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/reporting"
	"github.com/vigilproject/vigil/sqlite"
)

// reportHTTPTimeout bounds one request to a report destination: an upload of a large file to
// NCMEC is the longest; a destination that hangs is retried later rather than waited on.
const reportHTTPTimeout = 5 * time.Minute

// serveReports wires reporting into "vigil serve": it gives the API and the UI the report
// workflow, exports the time from awareness to submission per destination (RP-01), the reports
// by status and the deliveries failing, and starts the worker that sends approved reports
// (NCMEC, then the EU Centre, signed with the provider's key), until workCtx ends. Without the signing key, which only a broken database withholds,
// nothing can be signed: the reports API then answers 503 and the error is logged.
func serveReports(workCtx context.Context, db *sqlite.DB, svc *service) {
	store := sqlite.NewReportStore(db)
	key, err := store.SigningPrivateKey(workCtx)
	if err != nil {
		svc.log.Error("reports are off: the provider's signing key cannot be read", "err", err)
		return
	}
	delay := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "vigil_report_submit_delay_seconds",
		Help:    "Time from becoming aware of material (the case's confirmation) to a destination's acceptance of its report (RP-01).",
		Buckets: []float64{60, 300, 900, 3600, 4 * 3600, 12 * 3600, 24 * 3600, 72 * 3600, 7 * 24 * 3600},
	}, []string{"destination"})
	if err := errors.Join(svc.http.Metrics.Register(delay), svc.http.Metrics.Register(sqlite.ReportMetrics(db))); err != nil {
		svc.log.Error("the report metrics are not exported", "err", err)
	}
	svc.http.Reports = store
	worker := &reporting.Worker{Store: store, Supplements: store, Media: sqlite.NewEvidenceStore(db), Clock: vigil.SystemClock{},
		Connect: reporting.Connector(key, &http.Client{Timeout: reportHTTPTimeout}), Log: svc.log,
		Observe: func(d vigil.Destination, took time.Duration) {
			delay.WithLabelValues(string(d)).Observe(took.Seconds())
		}}
	svc.workers.Go(func() { worker.Run(workCtx) })
}
