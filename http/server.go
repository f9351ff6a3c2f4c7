// Package http serves Vigil over HTTP: the JSON API under /v1 with its OpenAPI document, the
// HMA-compatible endpoints, the server-rendered web UI, health checks and Prometheus metrics.
// Every route is declared once in a table (see Route) that drives routing, authorization, the
// OpenAPI document and the authorization tests alike.
package http

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/match"
	"github.com/vigilproject/vigil/transparency"
	"github.com/vigilproject/vigil/urlfetch"
)

// Server is Vigil's HTTP server. Set the fields, then call Handler or Serve.
type Server struct {
	Logger *slog.Logger
	Clock  vigil.Clock

	Users    vigil.UserService
	Content  vigil.ContentService
	Cases    vigil.CaseService
	Audit    vigil.AuditService
	Webhooks vigil.WebhookService
	Matcher  *match.Matcher
	// Banks stores the banks the Matcher indexes, for the bank API's reads (audited).
	Banks vigil.BankService
	// Orders receives authority orders and tracks their 24-hour clocks; nil: the orders API answers 503.
	Orders vigil.OrderService
	// AfterMatch: actions, holds, user notices and complaints; unset: their routes answer 503.
	AfterMatch AfterMatch
	// Reports drafts, approves and tracks reports to the EU Centre and NCMEC; nil: the reports API answers 503.
	Reports vigil.ReportWorkflow
	// Evidence is the evidence vault's records and exports; nil: the evidence API answers 503.
	Evidence vigil.EvidenceService
	// Transparency generates the yearly transparency report; nil: its API answers 503.
	Transparency *transparency.Service
	// Risks is the risk register (Art. 3-5); nil: its API answers 503.
	Risks vigil.RiskService
	// Fetcher downloads the URLs of the HMA-compatible /h/hash and /m/lookup; nil: a
	// urlfetch.Fetcher with its defaults.
	Fetcher *urlfetch.Fetcher
	// Ready reports whether the server can take work: database reachable and index loaded.
	Ready func(ctx context.Context) error

	// Secure marks session cookies Secure; set when serving TLS.
	Secure bool

	// Metrics is the registry /metrics exposes; other parts of the service register their own
	// collectors (queue depth, hashing time, review backlog) on it. Nil: the server makes one.
	Metrics *prometheus.Registry

	routes      []Route
	handler     http.Handler
	matchLimits *limiter // per key or user: match lookups
	loginLimits *limiter // per name and per address: sign-in attempts
	requests    *requestMetrics
	systemState
}

// Handler returns the server's root handler, building the route table on first use.
func (s *Server) Handler() http.Handler {
	if s.handler == nil {
		s.handler = s.buildHandler()
	}
	return s.handler
}

// Routes returns the route table, for the OpenAPI document and the authorization tests.
func (s *Server) Routes() []Route {
	s.Handler()
	return s.routes
}

func (s *Server) buildHandler() http.Handler {
	if s.Clock == nil {
		s.Clock = vigil.SystemClock{}
	}
	if s.Metrics == nil {
		s.Metrics = prometheus.NewRegistry()
	}
	s.matchLimits = newLimiter(s.Clock)
	s.loginLimits = newLimiter(s.Clock)
	s.requests = newRequestMetrics(s.Metrics)
	mux := http.NewServeMux()
	s.routes = nil
	for _, add := range []func(){
		s.systemRoutes, s.bankRoutes, s.contentRoutes, s.caseRoutes,
		s.userRoutes, s.webhookRoutes, s.auditRoutes, s.hmaRoutes, s.uiRoutes,
		s.orderRoutes, s.reportRoutes, s.reportSupplementRoutes, s.actionRoutes, s.evidenceRoutes,
		s.transparencyRoutes, s.riskRoutes,
	} {
		add()
	}
	for _, r := range s.routes {
		mux.Handle(r.Method+" "+r.Pattern, s.requests.instrument(r, s.authorize(r)))
	}
	return s.withRequestID(mux)
}

// Limits of every connection, so a slow or idle client cannot hold a connection (and its
// goroutine and buffers) for ever. The read timeout covers the whole request, body included:
// it leaves time for an upload at the size limit over a modest link. The write timeout runs
// from the end of the request's header, so it covers reading the body, the longest wait a
// submission may ask for (?wait) and writing the answer. A handler that legitimately needs
// longer (a bulk export) extends its own deadline with http.ResponseController.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 60 * time.Second
	writeTimeout      = readTimeout + maxContentWait + 10*time.Second
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
)

// newHTTPServer returns the http.Server that Serve runs, with the limits above.
func newHTTPServer(h http.Handler, errorLog *log.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          errorLog,
	}
}

// Serve answers requests on l until ctx ends, then stops accepting, lets requests in flight finish
// for up to grace, and returns.
func (s *Server) Serve(ctx context.Context, l net.Listener, certFile, keyFile string, grace time.Duration) error {
	srv := newHTTPServer(s.Handler(), slog.NewLogLogger(s.logger().Handler(), slog.LevelWarn))
	done := make(chan error, 1)
	go func() {
		if certFile != "" {
			done <- srv.ServeTLS(l, certFile, keyFile)
		} else {
			done <- srv.Serve(l)
		}
	}()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
