package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vigilproject/vigil"
)

// The gauges of what follows a confirmed match. Like the review backlog they are read from the
// database at each scrape, so they are right after a restart. Every label takes its values from
// a closed list (kinds, statuses, destinations), and every combination is exported, with 0 when
// there is none, so that a series does not vanish when its count drops to zero.
var (
	actionsDesc = prometheus.NewDesc("vigil_action_recorded_actions",
		"Actions asked of the platform, by kind and where they stand (requested, held, done, failed).",
		[]string{"kind", "status"}, nil)
	noticesDesc = prometheus.NewDesc("vigil_notice_recorded_notices",
		"User notices, by status (scheduled, held, sent, cancelled).", []string{"status"}, nil)
	noticesDueDesc = prometheus.NewDesc("vigil_notice_due_notices",
		"Notices whose time has come and that are not sent yet: above 0 for long, the notice worker is stuck.", nil, nil)
	complaintsOpenDesc = prometheus.NewDesc("vigil_complaint_open_complaints",
		"Complaints waiting for a decision, by status (open, assigned).", []string{"status"}, nil)
	complaintOldestDesc = prometheus.NewDesc("vigil_complaint_oldest_open_age_seconds",
		"Age of the oldest complaint waiting for a decision; 0 when there is none (SG-06).", nil, nil)
	reportsDesc = prometheus.NewDesc("vigil_report_recorded_reports",
		"Reports, by status (draft, awaiting_second_approval, queued, sending, sent, failed, retracted).",
		[]string{"status"}, nil)
	failingDesc = prometheus.NewDesc("vigil_report_failing_deliveries",
		"Deliveries not made: retrying (the destination's last attempt failed and another is due) "+
			"or failed (refused for good; the report waits for someone to resend it).",
		[]string{"destination", "state"}, nil)
)

// The values of the closed label lists.
var (
	metricActionKinds   = []vigil.ActionKind{vigil.ActionRemove, vigil.ActionDisable, vigil.ActionRestore, vigil.ActionSuspend, vigil.ActionReinstate}
	metricActionStates  = []vigil.ActionStatus{vigil.ActionRequested, vigil.ActionHeld, vigil.ActionDone, vigil.ActionFailed, vigil.ActionWithdrawn}
	metricNoticeStates  = []vigil.NoticeStatus{vigil.NoticeScheduled, vigil.NoticeHeld, vigil.NoticeSent, vigil.NoticeCancelled}
	metricOpenComplaint = []vigil.ComplaintStatus{vigil.ComplaintOpen, vigil.ComplaintAssigned}
	metricDestinations  = []vigil.Destination{vigil.DestNCMEC, vigil.DestEUCentre}
	metricFailingStates = []string{"retrying", "failed"}
)

// dbCollector is a prometheus.Collector that reads its gauges from the database at each scrape.
type dbCollector struct {
	db      *DB
	descs   []*prometheus.Desc
	collect func(ctx context.Context, db *DB, now time.Time) ([]prometheus.Metric, error)
}

// Describe sends the collector's descriptions.
func (c dbCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

// Collect reads the gauges, bounded in time so that a slow database cannot hang a scrape; a
// failed read makes every gauge of the collector an invalid metric, which the scrape reports.
func (c dbCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ms, err := c.collect(ctx, c.db, c.db.Clock.Now())
	if err != nil {
		for _, d := range c.descs {
			ch <- prometheus.NewInvalidMetric(d, err)
		}
		return
	}
	for _, m := range ms {
		ch <- m
	}
}

// ActionMetrics returns the collector of the actions, notices and complaints gauges of db.
func ActionMetrics(db *DB) prometheus.Collector {
	return dbCollector{db: db, descs: []*prometheus.Desc{actionsDesc, noticesDesc, noticesDueDesc,
		complaintsOpenDesc, complaintOldestDesc}, collect: collectActions}
}

// ReportMetrics returns the collector of the reports gauges of db.
func ReportMetrics(db *DB) prometheus.Collector {
	return dbCollector{db: db, descs: []*prometheus.Desc{reportsDesc, failingDesc}, collect: collectReports}
}

// gauge makes one gauge sample.
func gauge(d *prometheus.Desc, v float64, labels ...string) prometheus.Metric {
	return prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
}

// countBy runs q, whose rows are label values followed by a count, and returns the counts keyed
// by the label values joined with "/".
func countBy(ctx context.Context, db *DB, q string, args ...any) (map[string]float64, error) {
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for rows.Next() {
		labels := make([]string, len(cols)-1)
		var n float64
		dest := []any{}
		for i := range labels {
			dest = append(dest, &labels[i])
		}
		if err := rows.Scan(append(dest, &n)...); err != nil {
			return nil, err
		}
		out[joinLabels(labels...)] = n
	}
	return out, rows.Err()
}

// joinLabels is the key countBy gives to a row's label values.
func joinLabels(labels ...string) string { return strings.Join(labels, "/") }

// collectActions reads the actions by kind and status, the notices by status and those due,
// and the complaints waiting for a decision with the age of the oldest.
func collectActions(ctx context.Context, db *DB, now time.Time) ([]prometheus.Metric, error) {
	actions, err := countBy(ctx, db, `SELECT kind, status, count(*) FROM actions GROUP BY kind, status`)
	if err != nil {
		return nil, fmt.Errorf("action metrics: %w", err)
	}
	notices, err := countBy(ctx, db, `SELECT status, count(*) FROM notices GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("notice metrics: %w", err)
	}
	var due float64
	err = db.read.QueryRowContext(ctx, `SELECT count(*) FROM notices WHERE status IN (?, ?) AND due <= ?`,
		vigil.NoticeScheduled, vigil.NoticeHeld, ms(now)).Scan(&due)
	if err != nil {
		return nil, fmt.Errorf("notice metrics: %w", err)
	}
	var out []prometheus.Metric
	for _, k := range metricActionKinds {
		for _, st := range metricActionStates {
			out = append(out, gauge(actionsDesc, actions[joinLabels(string(k), string(st))], string(k), string(st)))
		}
	}
	for _, st := range metricNoticeStates {
		out = append(out, gauge(noticesDesc, notices[string(st)], string(st)))
	}
	out = append(out, gauge(noticesDueDesc, due))
	complaints, err := complaintGauges(ctx, db, now)
	if err != nil {
		return nil, err
	}
	return append(out, complaints...), nil
}

// complaintGauges reads the complaints waiting for a decision and the age of the oldest.
func complaintGauges(ctx context.Context, db *DB, now time.Time) ([]prometheus.Metric, error) {
	open, err := countBy(ctx, db, `SELECT status, count(*) FROM complaints WHERE status != ? GROUP BY status`,
		vigil.ComplaintDecided)
	if err != nil {
		return nil, fmt.Errorf("complaint metrics: %w", err)
	}
	var oldest sql.NullInt64
	err = db.read.QueryRowContext(ctx, `SELECT min(filed) FROM complaints WHERE status != ?`, vigil.ComplaintDecided).Scan(&oldest)
	if err != nil {
		return nil, fmt.Errorf("complaint metrics: %w", err)
	}
	var out []prometheus.Metric
	for _, st := range metricOpenComplaint {
		out = append(out, gauge(complaintsOpenDesc, open[string(st)], string(st)))
	}
	age := 0.0
	if oldest.Valid {
		age = max(0, now.Sub(fromMS(oldest.Int64)).Seconds())
	}
	return append(out, gauge(complaintOldestDesc, age)), nil
}

// collectReports reads the reports by status and the deliveries not made. A report being
// retried is failing at its first destination not yet delivered, NCMEC before the EU Centre
// (the order they are sent in); a failed report's are those marked failed, and NCMEC when its
// unfinished report was retracted because the flow failed.
func collectReports(ctx context.Context, db *DB, _ time.Time) ([]prometheus.Metric, error) {
	reports, err := countBy(ctx, db, `SELECT status, count(*) FROM reports GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("report metrics: %w", err)
	}
	failing, err := countBy(ctx, db, `
		SELECT CASE WHEN EXISTS (SELECT 1 FROM report_destinations n WHERE n.report_id = r.id
				AND n.destination = 'ncmec' AND n.status NOT IN ('finished', 'sent', 'failed', 'retracted')) THEN 'ncmec'
			ELSE 'eu_centre' END, 'retrying', count(*)
		FROM reports r WHERE r.status IN ('queued', 'sending') AND r.attempts > 0 GROUP BY 1
		UNION ALL
		SELECT d.destination, 'failed', count(*) FROM report_destinations d JOIN reports r ON r.id = d.report_id
		WHERE r.status = 'failed' AND d.status IN ('failed', 'retracted') GROUP BY d.destination`)
	if err != nil {
		return nil, fmt.Errorf("report metrics: %w", err)
	}
	var out []prometheus.Metric
	for _, st := range vigil.ReportStatuses {
		out = append(out, gauge(reportsDesc, reports[string(st)], string(st)))
	}
	for _, d := range metricDestinations {
		for _, st := range metricFailingStates {
			out = append(out, gauge(failingDesc, failing[joinLabels(string(d), st)], string(d), st))
		}
	}
	return out, nil
}
