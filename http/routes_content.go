package http

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/media"
	"github.com/vigilproject/vigil/signal"
)

// Content submission limits.
const (
	defaultContentWait = 2 * time.Second
	maxContentWait     = 30 * time.Second
	// maxUpload bounds a multipart submission: the file plus room for the other fields.
	maxUpload = media.DefaultMaxBytes + 1<<20
	// submitRetryAfter is the Retry-After, in seconds, of a submission refused because the
	// server is busy or stopping: its queue drains in well under a second.
	submitRetryAfter = 1
)

// contentRequest is the JSON form of a submission: a URL to fetch or the signals of an item the
// platform hashed itself.
type contentRequest struct {
	Service    string            `json:"service"`
	ExternalID string            `json:"external_id,omitempty"`
	Uploader   string            `json:"uploader,omitempty"`
	Type       vigil.ContentType `json:"type,omitempty"`
	Flags      []vigil.Flag      `json:"flags,omitempty"`
	Metadata   map[string]string `json:"metadata,omitempty"`
	URL        string            `json:"url,omitempty"`
	Signals    map[string]string `json:"signals,omitempty"` // signal type to value
}

// contentJSON is an item and its verdict as the API shows them. Matches name the bank entry but
// never its hash: bank contents are sensitive.
type contentJSON struct {
	ID         string            `json:"id"`
	Service    string            `json:"service"`
	ExternalID string            `json:"external_id,omitempty"`
	Uploader   string            `json:"uploader,omitempty"`
	Type       vigil.ContentType `json:"type"`
	Flags      []vigil.Flag      `json:"flags"`
	Metadata   map[string]string `json:"metadata,omitempty"`
	URL        string            `json:"url,omitempty"`
	Size       int64             `json:"size,omitempty"`
	Received   string            `json:"received_at"`
	Status     string            `json:"status"`
	Reason     string            `json:"reason,omitempty"`
	Matches    []matchJSON       `json:"matches"`
	CaseID     string            `json:"case_id,omitempty"`
	Decided    string            `json:"decided_at,omitempty"`
}

// matchJSON is why content matched, in verdicts and cases alike: the bank entry, its category
// and the distance.
type matchJSON struct {
	Bank        string `json:"bank"`
	BankVersion string `json:"bank_version,omitempty"`
	Entry       uint32 `json:"entry"`
	SignalType  string `json:"signal_type"`
	SupplierID  string `json:"supplier_id,omitempty"`
	Category    string `json:"category,omitempty"`
	Distance    int    `json:"distance"`
}

func toMatchJSON(m vigil.Match) matchJSON {
	return matchJSON{Bank: m.Bank, BankVersion: m.BankVersion, Entry: m.Entry, SignalType: string(m.Signal.Type),
		SupplierID: m.SupplierID, Category: m.Category, Distance: m.Distance}
}

func toContentJSON(c vigil.Content) contentJSON {
	out := contentJSON{ID: c.ID, Service: c.Service, ExternalID: c.ExternalID, Uploader: c.Uploader,
		Type: c.Type, Flags: c.Flags, Metadata: c.Metadata, URL: c.URL, Size: c.Size,
		Received: apiTime(c.Received), Status: string(c.Verdict.Status), Reason: c.Verdict.Reason,
		Matches: []matchJSON{}, CaseID: c.Verdict.CaseID, Decided: apiTime(c.Verdict.Decided)}
	if out.Flags == nil {
		out.Flags = []vigil.Flag{}
	}
	for _, m := range c.Verdict.Matches {
		out.Matches = append(out.Matches, toMatchJSON(m))
	}
	return out
}

var exampleContent = contentJSON{
	ID: "cnt_01JDQ3Z6V8X8N5W2K4T7R9M3P4", Service: "photos", ExternalID: "upload-81723", Uploader: "user-5521",
	Type: vigil.ContentPhoto, Flags: []vigil.Flag{}, Size: 183211, Received: "2026-11-27T12:00:00.000Z",
	Status: string(vigil.VerdictMatch), CaseID: "cas_01JDQ3Z6VC4W1M8Q0R2S5T7V9X",
	Matches:  []matchJSON{{Bank: "ncmec", BankVersion: "2026-11-01", Entry: 1042, SignalType: "pdq", Category: "A1", Distance: 6}},
	Decided:  "2026-11-27T12:00:00.012Z",
	Metadata: map[string]string{"album": "holiday"},
}

func (s *Server) contentRoutes() {
	s.handle(Route{Method: "POST", Pattern: "/v1/content", Access: API, Scope: vigil.ScopeSubmit, Tag: "content",
		Summary: "Submit an item: multipart with the file in field `file` (and fields service, external_id, uploader, " +
			"type, flags as a comma-separated list, metadata as a JSON object), or JSON with `url` or `signals`. " +
			"Answers 202 with the item, and its verdict when ready within `wait`. Idempotent on (service, external_id). " +
			"Hash-only submissions count against the key's match rate limit (429 with Retry-After when spent); " +
			"a server too busy to queue the item answers 503 with Retry-After.",
		Request:  contentRequest{Service: "photos", ExternalID: "upload-81723", URL: "https://cdn.example.com/u/81723.jpg"},
		Response: exampleContent,
		Query:    []Param{{Name: "wait", Description: "how long to wait for the verdict, a duration such as 5s; 2s by default, at most 30s, 0 not to wait"}},
		Handler:  s.submitContent})
	s.handle(Route{Method: "GET", Pattern: "/v1/content/{id}", Access: API, Scope: vigil.ScopeSubmit, Tag: "content",
		Summary: "Get an item and its verdict", Response: exampleContent, Handler: s.getContent})
	s.serviceRoutes()
}

func (s *Server) submitContent(w http.ResponseWriter, r *http.Request) {
	wait, err := waitParam(r.URL.Query().Get("wait"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sub, err := readSubmission(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if len(sub.Signals) > 0 {
		// A hash-only submission is a lookup like /v1/match: without the same limit, the verdict
		// would be an oracle for tuning evasions.
		if err := s.allowMatch(w, r); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	c, err := s.Content.Submit(r.Context(), sub)
	if err != nil {
		if vigil.ErrorCode(err) == vigil.EUNAVAILABLE {
			w.Header().Set("Retry-After", strconv.Itoa(submitRetryAfter))
		}
		s.writeError(w, r, err)
		return
	}
	if wait > 0 && c.Verdict.Status == vigil.VerdictPending {
		ctx, cancel := context.WithTimeout(r.Context(), wait)
		c, err = s.Content.Wait(ctx, c.ID)
		cancel()
		if err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusAccepted, toContentJSON(c))
}

func (s *Server) getContent(w http.ResponseWriter, r *http.Request) {
	c, err := s.Content.Content(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toContentJSON(c))
}

// waitParam parses the wait query parameter.
func waitParam(v string) (time.Duration, error) {
	if v == "" {
		return defaultContentWait, nil
	}
	d, err := time.ParseDuration(v)
	if v == "0" {
		d, err = 0, nil
	}
	if err != nil || d < 0 {
		return 0, vigil.FieldErrorf(vigil.EINVALID, "wait", "must be a duration such as 5s")
	}
	return min(d, maxContentWait), nil
}

// readSubmission reads a multipart or JSON submission.
func readSubmission(w http.ResponseWriter, r *http.Request) (vigil.Submission, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		return readMultipartSubmission(w, r)
	case "application/json":
		var req contentRequest
		if err := decodeJSON(r, &req); err != nil {
			return vigil.Submission{}, err
		}
		return req.submission()
	}
	return vigil.Submission{}, vigil.Errorf(vigil.EINVALID, "send multipart/form-data with a file, or application/json with url or signals")
}

func (req contentRequest) submission() (vigil.Submission, error) {
	sub := vigil.Submission{Service: req.Service, ExternalID: req.ExternalID, Uploader: req.Uploader,
		Type: req.Type, Flags: req.Flags, Metadata: req.Metadata, URL: req.URL}
	types := make([]string, 0, len(req.Signals))
	for t := range req.Signals {
		types = append(types, t)
	}
	slices.Sort(types)
	for _, t := range types {
		sig, err := signal.Parse(t, req.Signals[t])
		if err != nil {
			return sub, vigil.FieldErrorf(vigil.EINVALID, "signals."+t, "%v", err)
		}
		sub.Signals = append(sub.Signals, sig)
	}
	return sub, nil
}

// maxFormField bounds a multipart field other than the file.
const maxFormField = 64 << 10

// readMultipartSubmission streams a multipart body, reading the file straight into memory.
func readMultipartSubmission(w http.ResponseWriter, r *http.Request) (vigil.Submission, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	mr, err := r.MultipartReader()
	if err != nil {
		return vigil.Submission{}, vigil.Errorf(vigil.EINVALID, "multipart body: %v", err)
	}
	var sub vigil.Submission
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return sub, uploadError("", err)
		}
		name := part.FormName()
		limit := int64(maxFormField)
		if name == "file" {
			limit = maxUpload
		}
		data, err := readPart(part, limit, r.ContentLength)
		part.Close()
		if err != nil {
			return sub, uploadError(name, err)
		}
		if int64(len(data)) > limit {
			return sub, vigil.FieldErrorf(vigil.ETOOLARGE, name, "over %d bytes", limit)
		}
		if err := setFormField(&sub, name, data); err != nil {
			return sub, err
		}
	}
	if len(sub.Bytes) == 0 {
		return sub, vigil.FieldErrorf(vigil.EINVALID, "file", "missing or empty: send the file in the multipart field \"file\"")
	}
	return sub, nil
}

// readPart reads up to limit+1 bytes of a part into a buffer sized from the request's length,
// so a photo is read with one allocation instead of a chain of doublings.
func readPart(part io.Reader, limit, contentLength int64) ([]byte, error) {
	var buf bytes.Buffer
	if contentLength > 0 && limit > maxFormField {
		buf.Grow(int(min(contentLength, limit+1)) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(io.LimitReader(part, limit+1))
	return buf.Bytes(), err
}

// setFormField sets the submission field of one multipart part.
func setFormField(sub *vigil.Submission, name string, data []byte) error {
	v := string(data)
	switch name {
	case "file":
		sub.Bytes = data
	case "service":
		sub.Service = v
	case "external_id":
		sub.ExternalID = v
	case "uploader":
		sub.Uploader = v
	case "type":
		sub.Type = vigil.ContentType(v)
	case "flags":
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				sub.Flags = append(sub.Flags, vigil.Flag(f))
			}
		}
	case "metadata":
		if err := json.Unmarshal(data, &sub.Metadata); err != nil {
			return vigil.FieldErrorf(vigil.EINVALID, "metadata", "must be a JSON object of strings: %v", err)
		}
	default:
		return vigil.FieldErrorf(vigil.EINVALID, name, "unknown field")
	}
	return nil
}

// uploadError explains a failure to read the request body.
func uploadError(field string, err error) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return vigil.FieldErrorf(vigil.ETOOLARGE, field, "the request is over the limit of %d bytes", maxUpload)
	}
	return vigil.FieldErrorf(vigil.EINVALID, field, "reading the upload: %v", err)
}
