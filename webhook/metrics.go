package webhook

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics counts the worker's attempts by outcome and reads the outbox depth when scraped.
type metrics struct {
	attempts *prometheus.CounterVec
	depth    *prometheus.Desc
	store    Store
}

func newMetrics(store Store) *metrics {
	return &metrics{
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigil_webhook_attempts_total",
			Help: "Webhook delivery attempts, by outcome: delivered, retry (failed, tried again later) or failed (given up).",
		}, []string{"outcome"}),
		depth: prometheus.NewDesc("vigil_webhook_pending_deliveries",
			"Webhook deliveries in the outbox not yet delivered nor given up.", nil, nil),
		store: store,
	}
}

// Describe sends the descriptions of the worker's metrics.
func (m *metrics) Describe(ch chan<- *prometheus.Desc) {
	m.attempts.Describe(ch)
	ch <- m.depth
}

// Collect sends the attempt counters and the outbox depth, counted now; a scrape that cannot
// count reports the metric as invalid rather than a wrong number.
func (m *metrics) Collect(ch chan<- prometheus.Metric) {
	m.attempts.Collect(ch)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n, err := m.store.PendingDeliveries(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(m.depth, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(m.depth, prometheus.GaugeValue, float64(n))
}
