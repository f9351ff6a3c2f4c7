package http

import (
	"cmp"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/match"
)

// queuePage is the data of the review queue.
type queuePage struct {
	Rows     []queueRow
	Status   string // the status filter as chosen: "waiting" (the default), or one status
	Priority string
	Bank     string
	Next     template.URL // the next page; "" on the last
	Statuses []vigil.CaseStatus
	Banks    []string
}

// queueRow is one case in the queue, summarised for a quick decision on what to open next.
type queueRow struct {
	vigil.Case
	Age        string
	Categories string
	Distance   int
	Mine       bool
}

// waiting is the queue's default filter: the cases that still need a person.
var waiting = []vigil.CaseStatus{vigil.CaseOpen, vigil.CaseInReview, vigil.CaseEscalated}

// allStatuses is every case status, for the queue's filter.
var allStatuses = []vigil.CaseStatus{vigil.CaseOpen, vigil.CaseInReview, vigil.CaseEscalated,
	vigil.CaseConfirmed, vigil.CaseFalsePositive, vigil.CaseClosed}

// uiQueue lists cases, urgent first and then oldest first, filtered by status, priority and
// bank. The page's script moves through it with j and k and opens a case with enter.
func (s *Server) uiQueue(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := queuePage{Status: cmp.Or(q.Get("status"), "waiting"), Priority: q.Get("priority"),
		Bank: q.Get("bank"), Statuses: allStatuses}
	f := vigil.CaseFilter{Status: waiting, Priority: vigil.Priority(p.Priority), Bank: p.Bank, Cursor: q.Get("cursor")}
	if p.Status != "waiting" {
		f.Status = []vigil.CaseStatus{vigil.CaseStatus(p.Status)}
	}
	cases, next, err := s.Cases.Cases(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	now, me := s.Clock.Now(), vigil.ActorFrom(r.Context()).ID
	for _, c := range cases {
		p.Rows = append(p.Rows, queueRow{Case: c, Age: ago(now.Sub(c.Opened)),
			Categories: strings.Join(matchCategories(c.Matches), ", "), Distance: bestDistance(c.Matches),
			Mine: c.Assignee != "" && c.Assignee == me})
	}
	p.Next = nextPageURL("/queue", url.Values{"status": {p.Status}, "priority": {p.Priority}, "bank": {p.Bank}}, next)
	for _, b := range s.banks() {
		p.Banks = append(p.Banks, b.Name)
	}
	s.render(w, r, http.StatusOK, "queue", page{Title: "Review queue", Nav: "queue", Notice: doneMessage(r), Data: p})
}

// matchCategories returns the distinct supplier categories of ms, in order of first appearance.
func matchCategories(ms []vigil.Match) []string {
	var out []string
	for _, m := range ms {
		if m.Category != "" && !slices.Contains(out, m.Category) {
			out = append(out, m.Category)
		}
	}
	return out
}

// bestDistance returns the smallest match distance: 0 is an exact match.
func bestDistance(ms []vigil.Match) int {
	if len(ms) == 0 {
		return 0
	}
	return slices.MinFunc(ms, func(a, b vigil.Match) int { return cmp.Compare(a.Distance, b.Distance) }).Distance
}

// banks returns the index's banks, or none on a server without one.
func (s *Server) banks() []match.Bank {
	if s.Matcher == nil {
		return nil
	}
	return s.Matcher.Banks()
}
