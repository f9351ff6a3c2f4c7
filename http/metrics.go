package http

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// requestMetrics counts requests and times them by route pattern, never by raw path, so the
// label values stay bounded whatever clients send.
type requestMetrics struct {
	count    *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// newRequestMetrics registers the request metrics and the Go runtime and process collectors on
// reg.
func newRequestMetrics(reg *prometheus.Registry) *requestMetrics {
	m := &requestMetrics{
		count: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vigil_http_requests_total",
			Help: "HTTP requests answered, by method, route pattern and status code.",
		}, []string{"method", "route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "vigil_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by method and route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
	}
	// A registry may be shared by several servers (tests); a second registration is refused
	// and the first one's collectors keep counting for both.
	for _, c := range []prometheus.Collector{m.count, m.duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		if err := reg.Register(c); err != nil {
			if are, ok := err.(prometheus.AlreadyRegisteredError); ok {
				adoptExisting(m, are)
			}
		}
	}
	return m
}

// adoptExisting switches m to the collector already registered in place of one of its own.
func adoptExisting(m *requestMetrics, are prometheus.AlreadyRegisteredError) {
	switch c := are.ExistingCollector.(type) {
	case *prometheus.CounterVec:
		m.count = c
	case *prometheus.HistogramVec:
		m.duration = c
	}
}

// instrument wraps the handler of rt to count and time its requests.
func (m *requestMetrics) instrument(rt Route, next http.Handler) http.Handler {
	observer := m.duration.WithLabelValues(rt.Method, rt.Pattern)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		observer.Observe(time.Since(start).Seconds())
		m.count.WithLabelValues(rt.Method, rt.Pattern, strconv.Itoa(sw.status)).Inc()
	})
}

// statusWriter remembers the status code a handler answered with.
type statusWriter struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wroteHeader {
		w.status, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer (flushing, deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
