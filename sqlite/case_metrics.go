package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vigilproject/vigil"
)

// Backlog reports the cases still waiting for a decision, by status (open, in review,
// escalated), and when the oldest of them was opened (zero when there is none).
func (s *CaseStore) Backlog(ctx context.Context) (map[vigil.CaseStatus]int, time.Time, error) {
	rows, err := s.db.read.QueryContext(ctx, `SELECT status, count(*), min(opened) FROM cases
		WHERE status IN (?, ?, ?) GROUP BY status`, vigil.CaseOpen, vigil.CaseInReview, vigil.CaseEscalated)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("review backlog: %w", err)
	}
	defer rows.Close()
	counts := map[vigil.CaseStatus]int{vigil.CaseOpen: 0, vigil.CaseInReview: 0, vigil.CaseEscalated: 0}
	var oldest int64
	for rows.Next() {
		var st vigil.CaseStatus
		var n int
		var opened int64
		if err := rows.Scan(&st, &n, &opened); err != nil {
			return nil, time.Time{}, fmt.Errorf("review backlog: %w", err)
		}
		counts[st] = n
		if oldest == 0 || opened < oldest {
			oldest = opened
		}
	}
	if err := rows.Err(); err != nil {
		return nil, time.Time{}, fmt.Errorf("review backlog: %w", err)
	}
	return counts, fromMS(oldest), nil
}

// RegisterMetrics registers the review backlog gauges on reg. They are read from the database
// at each scrape, so they are right after a restart and across processes.
func (s *CaseStore) RegisterMetrics(reg prometheus.Registerer) error {
	return reg.Register(caseCollector{s})
}

var (
	caseBacklogDesc = prometheus.NewDesc("vigil_review_backlog_cases",
		"Cases waiting for a decision, by status.", []string{"status"}, nil)
	caseOldestDesc = prometheus.NewDesc("vigil_review_oldest_case_age_seconds",
		"Age of the oldest case waiting for a decision; 0 when there is none.", nil, nil)
)

// caseCollector is the prometheus.Collector of the review backlog.
type caseCollector struct{ s *CaseStore }

// Describe sends the backlog metrics' descriptions.
func (c caseCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- caseBacklogDesc
	ch <- caseOldestDesc
}

// Collect reads the backlog, bounded in time so a slow database cannot hang a scrape.
func (c caseCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, oldest, err := c.s.Backlog(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(caseBacklogDesc, err)
		return
	}
	for st, n := range counts {
		ch <- prometheus.MustNewConstMetric(caseBacklogDesc, prometheus.GaugeValue, float64(n), string(st))
	}
	age := 0.0
	if !oldest.IsZero() {
		age = c.s.db.Clock.Now().Sub(oldest).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(caseOldestDesc, prometheus.GaugeValue, age)
}
