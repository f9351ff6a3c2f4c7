// Package eucentrefake is a stand-in EU Centre endpoint for tests and demos, meant to be served
// on 127.0.0.1 (httptest.NewServer does). It does what a careful receiver would: it checks the
// detached signature against the provider's public key it was given, validates the document
// against the schema (eucentre.Parse), and files each idempotency key once, answering a
// repeated key with the first reference and never filing a second report. It records what it
// filed so that a test can look at it. Supplements to a filed report are accepted at
// Path/<reference>/supplements with the same checks, and recorded apart (Supplements).
package eucentrefake

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/eucentre"
)

// Path is where the fake accepts reports: a client's URL is the server's base URL plus Path.
const Path = "/v1/reports"

// maxBody bounds a report: its content data travels inside it, so it may be large.
const maxBody = 64 << 20

// Report is a report the fake filed.
type Report struct {
	Reference      string             // the reference the fake gave it
	IdempotencyKey string             // the key it was sent with
	Body           []byte             // the document exactly as received
	Signature      eucentre.Signature // the signature it carried, verified
	Document       eucentre.Document  // the document decoded
}

// Server is the fake endpoint, an http.Handler. It is safe for concurrent use.
type Server struct {
	pub     ed25519.PublicKey
	maxBody int64 // maxBody, or less in tests

	mu      sync.Mutex
	reports []Report
	byKey   map[string]string // idempotency key -> reference

	supplements []Supplement
	bySupKey    map[string]string // supplement idempotency key -> supplement reference
}

// New returns a fake that accepts documents signed by pub's private key.
func New(pub ed25519.PublicKey) *Server {
	return &Server{pub: pub, maxBody: maxBody, byKey: make(map[string]string), bySupKey: make(map[string]string)}
}

// Reports returns the reports filed so far, in the order they were filed.
func (s *Server) Reports() []Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Report(nil), s.reports...)
}

// ServeHTTP files a report POSTed to Path. It answers 201 {"reference": ...} for a new report,
// 200 with the same reference for a repeated idempotency key, and an error in Vigil's
// {"error": {"code", "message", "field"}} form otherwise: 401 for a missing or wrong
// signature, 400 for a missing key or an invalid document, 413 for a body over 64 MiB.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if ref, ok := supplementTarget(r); ok {
		s.serveSupplement(w, r, ref)
		return
	}
	switch {
	case r.URL.Path != Path:
		writeError(w, http.StatusNotFound, vigil.Errorf(vigil.ENOTFOUND, "no such endpoint; reports go to %s", Path))
		return
	case r.Method != http.MethodPost:
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, vigil.Errorf(vigil.EINVALID, "reports are POSTed"))
		return
	}
	body, sig, key, ok := s.readSigned(w, r, "report", s.maxBody)
	if !ok {
		return
	}
	ref, created, err := s.file(key, body, sig)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, map[string]string{"reference": ref})
}

// readSigned reads a POSTed document (what names it in errors) of at most max bytes, checks its
// signature and that it carries an idempotency key, and answers the error itself when one of
// them is wrong: reports and supplements are received alike.
func (s *Server) readSigned(w http.ResponseWriter, r *http.Request, what string, max int64) (body []byte, sig eucentre.Signature, key string, ok bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
			writeError(w, http.StatusRequestEntityTooLarge, vigil.Errorf(vigil.ETOOLARGE, "the %s is over %d bytes", what, max))
			return nil, sig, "", false
		}
		writeError(w, http.StatusBadRequest, vigil.Errorf(vigil.EINVALID, "read the body: %v", err))
		return nil, sig, "", false
	}
	if sig, err = s.verify(r.Header.Get(eucentre.SignatureHeader), body); err != nil {
		writeError(w, http.StatusUnauthorized, vigil.Errorf(vigil.EUNAUTHORIZED, "%v", err))
		return nil, sig, "", false
	}
	if key = r.Header.Get(eucentre.IdempotencyKeyHeader); key == "" {
		writeError(w, http.StatusBadRequest, vigil.Errorf(vigil.EINVALID, "the %s header is required", eucentre.IdempotencyKeyHeader))
		return nil, sig, "", false
	}
	return body, sig, key, true
}

// verify checks the signature header against body and the configured key.
func (s *Server) verify(header string, body []byte) (eucentre.Signature, error) {
	if header == "" {
		return eucentre.Signature{}, fmt.Errorf("the %s header is required", eucentre.SignatureHeader)
	}
	sig, err := eucentre.ParseSignature(header)
	if err != nil {
		return eucentre.Signature{}, err
	}
	if err := eucentre.Verify(s.pub, body, sig); err != nil {
		return eucentre.Signature{}, err
	}
	return sig, nil
}

// file records a new report under key, or returns the reference already filed under it. The
// lock is held across the check and the write so that two concurrent sends with one key file
// one report.
func (s *Server) file(key string, body []byte, sig eucentre.Signature) (ref string, created bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ref, ok := s.byKey[key]; ok {
		return ref, false, nil
	}
	doc, err := eucentre.Parse(body)
	if err != nil {
		return "", false, err
	}
	ref = fmt.Sprintf("EUC-%06d", len(s.reports)+1)
	s.byKey[key] = ref
	s.reports = append(s.reports, Report{Reference: ref, IdempotencyKey: key, Body: body, Signature: sig, Document: doc})
	return ref, true, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client has gone if this fails; nothing to tell it
}

// writeError answers with err in Vigil's error form.
func writeError(w http.ResponseWriter, status int, err error) {
	e := struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	}{Code: vigil.ErrorCode(err), Message: err.Error()}
	if ve, ok := errors.AsType[*vigil.Error](err); ok {
		e.Message, e.Field = ve.Message, ve.Field
	}
	writeJSON(w, status, map[string]any{"error": e})
}
