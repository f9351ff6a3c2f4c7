package http

import (
	"html/template"
	"net/http"
	"net/url"

	"github.com/vigilproject/vigil"
)

// evidencePageRoutes declares the evidence vault's page, an error page on a server built
// without the vault.
func (s *Server) evidencePageRoutes() {
	served := func() bool { return s.Evidence != nil }
	s.handle(Route{Method: "GET", Pattern: "/evidence", Access: Page, Scope: vigil.ScopeEvidence, Tag: "ui",
		Summary: "Evidence vault: kept objects, deadlines, legal holds and tombstones (audited)",
		Handler: whenServed(served, "the evidence vault is not served here", s.renderError, s.uiEvidence)})
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
	p.Next = nextPageURL("/evidence", url.Values{"case_id": {f.CaseID}, "status": {p.Status}}, next)
	s.render(w, r, http.StatusOK, "evidence", page{Title: "Evidence", Nav: "evidence", Data: p})
}
