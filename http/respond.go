package http

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/vigilproject/vigil"
)

// apiTimeFormat is RFC 3339 in UTC with milliseconds, the API's form of a time.
const apiTimeFormat = "2006-01-02T15:04:05.000Z07:00"

// apiTime formats t for the API; the zero time, meaning none, is "".
func apiTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(apiTimeFormat)
}

// statusOf maps an application error code to an HTTP status: the only place that does.
func statusOf(code string) int {
	switch code {
	case vigil.EINVALID:
		return http.StatusBadRequest
	case vigil.ENOTFOUND:
		return http.StatusNotFound
	case vigil.ECONFLICT:
		return http.StatusConflict
	case vigil.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case vigil.EFORBIDDEN:
		return http.StatusForbidden
	case vigil.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case vigil.ERATELIMITED:
		return http.StatusTooManyRequests
	case vigil.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// errorBody is the JSON shape of every API error.
type errorBody struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		Field     string `json:"field,omitempty"`
		RequestID string `json:"request_id,omitempty"`
	} `json:"error"`
}

// writeError answers with err as JSON. Internal errors are logged with their detail and shown
// to the client only as "internal error" with the request id.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var body errorBody
	body.Error.Code = vigil.ErrorCode(err)
	body.Error.Message = vigil.ErrorMessage(err)
	if e, ok := errors.AsType[*vigil.Error](err); ok {
		body.Error.Message, body.Error.Field = e.Message, e.Field
	}
	if body.Error.Code == vigil.EINTERNAL {
		body.Error.RequestID = requestID(r.Context())
		s.logger().Error("request failed", "method", r.Method, "path", r.URL.Path,
			"request_id", body.Error.RequestID, "err", err)
	}
	writeJSON(w, statusOf(body.Error.Code), body)
}

// writeCreated answers with v as JSON: 201 when the request created it, else 200, for a
// retry that an idempotency key matched to what the first request created.
func writeCreated(w http.ResponseWriter, created bool, v any) {
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, v)
}

// whenServed wraps h, the handler of a service the server may be built without, so that it
// answers 503 with message through answer (writeError for the API, renderError for pages)
// while served reports false. served is asked at each request, not when the route is
// declared.
func whenServed(served func() bool, message string, answer func(http.ResponseWriter, *http.Request, error), h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !served() {
			answer(w, r, vigil.Errorf(vigil.EUNAVAILABLE, "%s", message))
			return
		}
		h(w, r)
	}
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// maxJSONBody bounds a JSON request body.
const maxJSONBody = 1 << 20

// decodeJSON reads r's body into v, refusing unknown fields, trailing data and bodies over
// maxJSONBody, with an error that names the field at fault when it can.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxJSONBody+1))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if e, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
			return vigil.FieldErrorf(vigil.EINVALID, e.Field, "must be %s", e.Type)
		}
		return vigil.Errorf(vigil.EINVALID, "request body: %v", err)
	}
	if dec.More() {
		return vigil.Errorf(vigil.EINVALID, "request body: data after the JSON value")
	}
	return nil
}

type requestIDKey struct{}

// withRequestID gives every request an id, echoed in the X-Request-Id header and in the logs.
func (s *Server) withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [8]byte
		rand.Read(b[:])
		id := fmt.Sprintf("%x", b)
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// logger returns the server's logger, or a discarding one.
func (s *Server) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}
