package http

import (
	"bytes"
	"net/http"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/vault"
)

// evidenceResponse is a page of evidence records.
type evidenceResponse struct {
	Items      []vault.Record `json:"items"`
	NextCursor string         `json:"next_cursor"`
}

// exportRequest names the request an export answers.
type exportRequest struct {
	Reference string `json:"reference"`
}

// exampleEvidence is an evidence record for the OpenAPI document.
var exampleEvidence = vault.Record{ID: "evd_01JDQ3Z6V8X8N5W2K4T7R9M3R1", CaseID: exampleCase.ID,
	ContentID: exampleCase.ContentID, Service: "photos",
	Purposes: []vigil.Purpose{vigil.PurposeComplaint, vigil.PurposeLawEnforcement, vigil.PurposeReport, vigil.PurposeUserAction},
	Policy:   "eu 12 months", Identified: "2026-11-27T12:05:00.000Z", Deadline: "2027-11-27T12:05:00.000Z",
	Status: string(vigil.EvidenceKept), Size: 48213, MediaType: "image/jpeg",
	SHA256:  "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
	Created: "2026-11-27T12:05:00.000Z"}

// evidenceRoutes declares the evidence vault's API (PR-01..PR-07) and its page.
func (s *Server) evidenceRoutes() {
	s.handle(Route{Method: "GET", Pattern: "/v1/evidence", Access: API, Scope: vigil.ScopeEvidence, Tag: "evidence",
		Summary: "List evidence records, newest first: what is kept, for which purposes and until when, and the " +
			"tombstones of what was deleted (audited)",
		Response: evidenceResponse{Items: []vault.Record{exampleEvidence}, NextCursor: ""},
		Query: []Param{
			{Name: "case_id", Description: "only the evidence of this case"},
			{Name: "status", Description: "kept or deleted"},
			{Name: "cursor", Description: "next_cursor of the previous page"},
			{Name: "limit", Description: "page size, 50 by default, at most 500"},
		},
		Handler: s.needEvidence(s.apiEvidenceList)})
	s.handle(Route{Method: "GET", Pattern: "/v1/evidence/{id}", Access: API, Scope: vigil.ScopeEvidence, Tag: "evidence",
		Summary: "Get an evidence record or tombstone: purposes, retention policy, deadline and any legal hold " +
			"extending it (audited)", Response: exampleEvidence, Handler: s.needEvidence(s.apiEvidence)})
	s.handle(Route{Method: "POST", Pattern: "/v1/evidence/{id}/export", Access: API, Scope: vigil.ScopeEvidence, Tag: "evidence",
		Summary: "Export an evidence object kept for law enforcement, for the law enforcement or judicial request " +
			"named by reference: a tar archive (application/x-tar) of the decrypted bytes, the record as JSON, " +
			"export.json and a SHA256SUMS manifest. Audited with the reference",
		Request: exportRequest{Reference: "LKA-BW 2026/4711"}, Handler: s.needEvidence(s.apiEvidenceExport)})
	s.evidencePageRoutes()
}

// needEvidence answers 503 when the server was built without the evidence vault.
func (s *Server) needEvidence(h http.HandlerFunc) http.HandlerFunc {
	return whenServed(func() bool { return s.Evidence != nil }, "the evidence vault is not served here", s.writeError, h)
}

func (s *Server) apiEvidenceList(w http.ResponseWriter, r *http.Request) {
	f, err := evidenceFilterFrom(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, next, err := s.Evidence.ListEvidence(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := evidenceResponse{Items: make([]vault.Record, len(list)), NextCursor: next}
	for i, e := range list {
		out.Items[i] = vault.RecordOf(e)
	}
	writeJSON(w, http.StatusOK, out)
}

// evidenceFilterFrom reads an evidence listing's query parameters.
func evidenceFilterFrom(r *http.Request) (vigil.EvidenceFilter, error) {
	q := r.URL.Query()
	f := vigil.EvidenceFilter{CaseID: q.Get("case_id"), Status: vigil.EvidenceStatus(q.Get("status"))}
	var err error
	f.Cursor, f.Limit, err = pageQuery(r)
	return f, err
}

func (s *Server) apiEvidence(w http.ResponseWriter, r *http.Request) {
	e, err := s.Evidence.GetEvidence(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, vault.RecordOf(e))
}

// apiEvidenceExport builds the archive in memory first, so that a failure is a clean JSON
// error rather than a truncated download.
func (s *Server) apiEvidenceExport(w http.ResponseWriter, r *http.Request) {
	var req exportRequest
	if err := decodeJSON(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	var buf bytes.Buffer
	id := r.PathValue("id")
	if err := s.Evidence.ExportEvidence(r.Context(), id, req.Reference, &buf); err != nil {
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/x-tar")
	h.Set("Content-Disposition", `attachment; filename="`+id+`.tar"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}
