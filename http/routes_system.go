package http

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type healthResponse struct {
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

// systemRoutes declares health checks, metrics and the API's own description.
func (s *Server) systemRoutes() {
	s.handle(Route{Method: "GET", Pattern: "/healthz", Access: Public, Tag: "system",
		Summary: "Liveness: the process answers", Response: healthResponse{Status: "ok"}, Handler: s.healthz})
	s.handle(Route{Method: "GET", Pattern: "/readyz", Access: Public, Tag: "system",
		Summary:  "Readiness: the database answers and the index is loaded (503 until then)",
		Response: healthResponse{Status: "ok"}, Handler: s.readyz})
	s.handle(Route{Method: "GET", Pattern: "/metrics", Access: Public, Tag: "system",
		Summary:  "Prometheus metrics: requests, queue depth, hashing time, matches by bank, review backlog",
		Response: "# TYPE vigil_http_requests_total counter\n", Handler: s.metrics})
	s.handle(Route{Method: "GET", Pattern: "/v1/openapi.json", Access: Public, Tag: "system",
		Summary: "This API's OpenAPI 3.1 document", Handler: s.openAPIDocument})
	s.handle(Route{Method: "GET", Pattern: "/docs", Access: Public, Tag: "system",
		Summary: "The API reference, browsable", Handler: s.docs})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, healthResponse{Status: "ok"})
}

// notReady is the only reason /readyz gives: the detail is in the log.
const notReady = "not ready: see the server log"

// readyTimeout bounds a readiness check, so a stuck database answers 503 instead of hanging
// the prober.
const readyTimeout = 2 * time.Second

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		if err := s.Ready(ctx); err != nil {
			// The reason may name files or the database's internals: it goes to the log, and
			// anonymous callers get a generic one.
			s.logger().Warn("not ready", "request_id", requestID(r.Context()), "err", err)
			writeJSON(w, http.StatusServiceUnavailable, healthResponse{Status: "unavailable", Error: notReady})
			return
		}
	}
	writeJSON(w, http.StatusOK, healthResponse{Status: "ok"})
}

func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	s.metricsOnce.Do(func() {
		s.metricsHandler = promhttp.HandlerFor(s.Metrics, promhttp.HandlerOpts{})
	})
	s.metricsHandler.ServeHTTP(w, r)
}

// openAPIJSON is the document, built once: the route table does not change while serving.
func (s *Server) openAPIJSON() ([]byte, error) {
	s.openAPIOnce.Do(func() {
		s.openAPIBytes, s.openAPIErr = json.MarshalIndent(s.openAPI(), "", "  ")
		if s.openAPIErr != nil {
			s.openAPIErr = fmt.Errorf("OpenAPI document: %w", s.openAPIErr)
		}
	})
	return s.openAPIBytes, s.openAPIErr
}

func (s *Server) openAPIDocument(w http.ResponseWriter, r *http.Request) {
	doc, err := s.openAPIJSON()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(doc)
}

// systemState is what the system routes build once.
type systemState struct {
	metricsOnce    sync.Once
	metricsHandler http.Handler
	openAPIOnce    sync.Once
	openAPIBytes   []byte
	openAPIErr     error
}
