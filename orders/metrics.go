package orders

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vigilproject/vigil"
)

// Stats are the orders figures the metrics export, as of one moment.
type Stats struct {
	Open    map[vigil.OrderKind]int // open orders by kind
	DueSoon int                     // running deadlines within OrderDueSoon, not yet passed
	Overdue int                     // running deadlines passed
	// Nearest is the time left before the nearest running deadline, negative when overdue;
	// HasNearest is false when no deadline runs.
	Nearest    time.Duration
	HasNearest bool
	// ExecutionTimes are the receipt-to-execution times of executed removal orders, less the
	// time a do-not-remove hold stopped their clock (RP-18): the Art. 83(1)(b) figure (TR-02).
	ExecutionTimes []time.Duration
}

// StatsSource computes Stats at a time.
type StatsSource interface {
	OrderStats(ctx context.Context, at time.Time) (Stats, error)
}

// executionBuckets are the time-to-execute histogram's upper bounds, in seconds: dense around
// the 24-hour limit, to see how close executions come to it.
var executionBuckets = []float64{
	15 * 60, 30 * 60, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 12 * 3600, 16 * 3600, 20 * 3600,
	24 * 3600, 36 * 3600, 48 * 3600,
}

var (
	openDesc = prometheus.NewDesc("vigil_orders_open",
		"Authority orders not yet executed, by kind.", []string{"kind"}, nil)
	dueSoonDesc = prometheus.NewDesc("vigil_orders_due_soon",
		"Open orders whose 24-hour deadline is at most 4 hours away (RO-03).", nil, nil)
	overdueDesc = prometheus.NewDesc("vigil_orders_overdue",
		"Open orders past their deadline.", nil, nil)
	nearestDesc = prometheus.NewDesc("vigil_orders_next_deadline_seconds",
		"Seconds until the nearest running order deadline, negative when overdue; absent when no deadline runs.", nil, nil)
	executionDesc = prometheus.NewDesc("vigil_order_execution_seconds",
		"Time from receipt to execution of removal orders, less time held by do-not-remove holds (Art. 83(1)(b)).", nil, nil)
)

// collector reads the orders metrics from the store at each scrape, so they are right after a
// restart and whichever process changed the orders.
type collector struct {
	src   StatsSource
	clock vigil.Clock
}

// NewCollector returns the prometheus.Collector of the orders metrics.
func NewCollector(src StatsSource, clock vigil.Clock) prometheus.Collector {
	return collector{src: src, clock: clock}
}

// Describe sends the metrics' descriptions.
func (c collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{openDesc, dueSoonDesc, overdueDesc, nearestDesc, executionDesc} {
		ch <- d
	}
}

// Collect reads the figures and sends them; a failed read is reported as an invalid metric.
func (c collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := c.src.OrderStats(ctx, c.clock.Now())
	if err != nil {
		ch <- prometheus.NewInvalidMetric(openDesc, err)
		return
	}
	for _, k := range vigil.OrderKinds {
		ch <- prometheus.MustNewConstMetric(openDesc, prometheus.GaugeValue, float64(st.Open[k]), string(k))
	}
	ch <- prometheus.MustNewConstMetric(dueSoonDesc, prometheus.GaugeValue, float64(st.DueSoon))
	ch <- prometheus.MustNewConstMetric(overdueDesc, prometheus.GaugeValue, float64(st.Overdue))
	if st.HasNearest {
		ch <- prometheus.MustNewConstMetric(nearestDesc, prometheus.GaugeValue, st.Nearest.Seconds())
	}
	ch <- executionHistogram(st.ExecutionTimes)
}

// executionHistogram builds the cumulative histogram of times.
func executionHistogram(times []time.Duration) prometheus.Metric {
	// Every bucket is present, even when empty.
	buckets := make(map[float64]uint64, len(executionBuckets))
	for _, b := range executionBuckets {
		buckets[b] = 0
	}
	var sum float64
	for _, t := range times {
		s := t.Seconds()
		sum += s
		for _, b := range executionBuckets {
			if s <= b {
				buckets[b]++
			}
		}
	}
	return prometheus.MustNewConstHistogram(executionDesc, uint64(len(times)), sum, buckets)
}
