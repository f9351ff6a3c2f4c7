package http

import (
	"html/template"
	"maps"
	"net/http"
	"net/url"

	"github.com/vigilproject/vigil"
)

// The evidence page registers its template here rather than in the shared list of ui.go.
func init() { maps.Copy(uiPages, parsePages("evidence")) }

// evidencePageRoutes declares the evidence vault's page.
func (s *Server) evidencePageRoutes() {
	s.handle(Route{Method: "GET", Pattern: "/evidence", Access: Page, Scope: vigil.ScopeEvidence, Tag: "ui",
		Summary: "Evidence vault: kept objects, deadlines, legal holds and tombstones (audited)", Handler: s.uiEvidence})
}

// evidencePage is the data of the evidence page.
type evidencePage struct {
	Items  []vigil.Evidence
	CaseID string
	Status string
	Next   template.URL // the next page; "" on the last
}

// uiEvidence lists evidence records, newest first, filtered by case and status.
func (s *Server) uiEvidence(w http.ResponseWriter, r *http.Request) {
	if s.Evidence == nil {
		s.renderError(w, r, vigil.Errorf(vigil.EUNAVAILABLE, "the evidence vault is not served here"))
		return
	}
	f, err := evidenceFilterFrom(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	list, next, err := s.Evidence.ListEvidence(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	p := evidencePage{Items: list, CaseID: f.CaseID, Status: string(f.Status)}
	if next != "" {
		p.Next = template.URL("/evidence?" + url.Values{"case_id": {f.CaseID}, "status": {p.Status}, "cursor": {next}}.Encode())
	}
	s.render(w, r, http.StatusOK, "evidence", page{Title: "Evidence", Nav: "evidence", Data: p})
}
