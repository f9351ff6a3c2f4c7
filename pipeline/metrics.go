package pipeline

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the pipeline's Prometheus collectors. Register them with the server's registry:
// Metrics is itself a prometheus.Collector.
type Metrics struct {
	queue     prometheus.GaugeFunc
	hashTime  prometheus.Histogram
	verdicts  *prometheus.CounterVec
	matches   *prometheus.CounterVec
	batchSize prometheus.Histogram
}

// newMetrics returns the pipeline's collectors; depth reports the items between intake and
// verdict, read at each scrape so the gauge is never stale.
func newMetrics(depth func() int) *Metrics {
	return &Metrics{
		queue: prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "vigil_pipeline_queue_items",
			Help: "Items accepted and waiting for their verdict in this process.",
		}, func() float64 { return float64(depth()) }),
		hashTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "vigil_hash_duration_seconds",
			Help:    "Time to hash one item: decode and PDQ with the cryptographic digests.",
			Buckets: []float64{.001, .002, .005, .01, .02, .05, .1, .2, .5, 1},
		}),
		verdicts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigil_pipeline_verdicts_total",
			Help: "Verdicts given, by status.",
		}, []string{"status"}),
		matches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigil_pipeline_matches_total",
			Help: "Matched items, by bank.",
		}, []string{"bank"}),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "vigil_pipeline_commit_batch_ops",
			Help:    "Writes committed together in one transaction.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256},
		}),
	}
}

func (m *Metrics) collectors() []prometheus.Collector {
	return []prometheus.Collector{m.queue, m.hashTime, m.verdicts, m.matches, m.batchSize}
}

// Describe sends the descriptions of every pipeline metric.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) {
	for _, c := range m.collectors() {
		c.Describe(ch)
	}
}

// Collect sends the current value of every pipeline metric.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	for _, c := range m.collectors() {
		c.Collect(ch)
	}
}
